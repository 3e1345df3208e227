"""Date finder: our own sentences for each hard case named in the brief."""
from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings, strategies as st

from rasd.clean.normalize import normalize_arabic
from rasd.extract.dates import find_dates, hijri_to_gregorian, infer_document_date
from rasd.extract.textview import make_view

WED = dt.date(2024, 12, 4)       # a Wednesday


def one(text: str, anchor: dt.date | None = WED) -> dict:
    spans = find_dates(text, anchor)
    assert len(spans) == 1, spans
    return spans[0].value


@pytest.mark.parametrize("text,value,precision", [
    ("قتل في 28 أيلول 2011 خلال اقتحام البلدة", "2011-09-28", "day"),
    ("وفي 23 نيسان/أبريل 2011 ترك الجندي موقعه", "2011-04-23", "day"),
    ("وفي 11 ديسمبر/كانون الأول 2019 أقر المجلس القانون", "2019-12-11", "day"),
    ("اعتصم الأهالي في 15 من نيسان عام 2011", "2011-04-15", "day"),
    ("عادت القوات في أيار 2014 إلى الأحياء", "2014-05", "month"),
    ("في الشهر السادس من عام 2011 انشق الضابط", "2011-06", "month"),
    ("شهدت المدينة مذبحة عام 1982", "1982", "year"),
    ("في 2018 سقطت الغوطة", "2018", "year"),
    ("صدر القرار بتاريخ 8/12/2024", "2024-12-08", "day"),
    ("نشر في 2024-12-08", "2024-12-08", "day"),
    ("وقعت الاشتباكات في ٢٣ آذار ٢٠٢٤", "2024-03-23", "day"),
    ("تأسست في نوفمبر/تشرين الثاني 2012", "2012-11", "month"),
])
def test_absolute_dates(text, value, precision):
    v = one(text)
    assert (v["value"], v["precision"], v["basis"]) == (value, precision, "absolute")


def test_year_range_keeps_end():
    v = one("تضررت الأحياء بين العامين 2012 و2014")
    assert (v["value"], v["end"], v["kind"]) == ("2012", "2014", "range")


def test_day_month_without_year_takes_most_recent_past():
    assert one("سقطت المدينة في 8 من كانون الأول")["value"] == "2023-12-08"
    v = one("وفي العاشر من نوفمبر/تشرين الثاني الماضي أعلنت الوزارة")
    assert (v["value"], v["basis"]) == ("2024-11-10", "relative")
    assert one("في الأول من تشرين الثاني")["value"] == "2024-11-01"


@pytest.mark.parametrize("text,value,pod", [
    ("وصلت التعزيزات اليوم", "2024-12-04", None),
    ("قال الناطق أمس إن", "2024-12-03", None),
    ("عقد الاجتماع أول أمس", "2024-12-02", None),
    ("يصل الوفد غدا", "2024-12-05", None),
    ("وأعلنت دمشق، أمس الثلاثاء، عن", "2024-12-03", None),
    ("دوت انفجارات فجر الأحد", "2024-12-01", "فجر"),
    ("خرجت مظاهرات مساء الأربعاء", "2024-12-04", "مساء"),
    ("قصف ليل الخميس", "2024-11-28", "ليل"),
    ("اتهموا، الخميس، الطيران", "2024-11-28", None),
])
def test_relative_days(text, value, pod):
    v = one(text)
    assert (v["value"], v["part_of_day"], v["basis"]) == (value, pod, "relative")


def test_yesterday_with_wrong_weekday_trusts_weekday():
    # the anchor is a Wednesday: "أمس الاثنين" cannot be the day before; Monday before wins
    assert one("أعلنت الوزارة أمس الاثنين عن")["value"] == "2024-12-02"


def test_future_weekday_goes_forward():
    assert one("سيعقد المجلس جلسة الخميس المقبل")["value"] == "2024-12-05"


@pytest.mark.parametrize("text,value,precision", [
    ("ارتفعت الأسعار الشهر الماضي", "2024-11", "month"),
    ("خلال الشهر الجاري", "2024-12", "month"),
    ("الشهر الفائت", "2024-11", "month"),
    ("شهد العام الماضي", "2023", "year"),
    ("قتل قبل 3 أيام", "2024-12-01", "day"),
    ("منذ أسبوعين", "2024-11-20", "day"),
])
def test_relative_periods(text, value, precision):
    v = one(text)
    assert (v["value"], v["precision"]) == (value, precision)


def test_vague_and_week_spanning_months_are_unresolved():
    assert one("قبل أيام")["unresolved_reason"] == "vague"
    v = one("الأسبوع الماضي")        # 27 Nov – 3 Dec spans two months
    assert v["value"] is None and v["unresolved_reason"] == "week_spans_months"
    assert one("الأسبوع الماضي", dt.date(2023, 6, 15))["value"] == "2023-06"


@pytest.mark.parametrize("text", ["أمس", "مساء الأربعاء", "الشهر الماضي", "قبل 3 أيام", "في 8 من كانون الأول"])
def test_no_anchor_never_guesses(text):
    v = one(text, None)
    assert v["value"] is None and v["unresolved_reason"] == "no anchor"


def test_operation_day():
    v = one('ومع اليوم الثامن من عملية "ردع العدوان" باتت الفصائل قرب المدينة', None)
    assert (v["value"], v["kind"], v["operation_day"]) == ("2024-12-04", "operation_day", 8)
    assert one("في اليوم الثالث من عملية نبع السلام")["value"] == "2019-10-11"
    assert one("في اليوم الثاني من عملية مجهولة الاسم")["unresolved_reason"] == "unknown operation"


def test_hijri():
    assert hijri_to_gregorian(1445, 9, 1) == dt.date(2024, 3, 11)
    v = one("حل رمضان 1445")
    assert (v["value"], v["precision"], v["approximate"]) == ("2024-03", "month", True)
    assert one("صدر عام 1446 هـ")["precision"] == "year"


@pytest.mark.parametrize("text", ["اليوم العالمي للمرأة", "مارس الجيش ضغطا", "تجمع الاثنين أمام المبنى",
                                  "أعلنت الفرقة 26", "وصل 2500 مقاتل"])
def test_not_dates(text):
    assert find_dates(text, WED) == []


def test_infer_document_date():
    assert infer_document_date("يحيي الأهالي اليوم 28 أيلول 2024 ذكرى رحيله")[:2] == (dt.date(2024, 9, 28), "inferred")
    d, basis, why = infer_document_date("مع دخول اليوم الثامن من عملية ردع العدوان قال قادة الفصائل")
    assert (d, basis) == (dt.date(2024, 12, 4), "inferred") and why
    assert infer_document_date("قال الناطق أمس إن المعبر أغلق")[:2] == (None, None)
    assert infer_document_date("يحيي الأهالي اليوم 28 أيلول 2024", hint=dt.date(2024, 1, 1))[0] is None


def test_span_text_maps_back_through_diacritics():
    text = "وَصَلَت القُوّاتُ فِي 28 أَيْلُول 2024 إلى المدينة"
    [s] = find_dates(text, WED)
    assert text[s.start:s.end] == s.value["text"] and s.value["text"].startswith("28")


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet="ابتثجحخدذرسشصضطظعغفقكلمنهوي ةىأإآًٌَُِّْـ0123456789٠١٢٣٤٥، /-", max_size=80))
def test_spans_inside_text(text):
    for s in find_dates(text, WED):
        assert 0 <= s.start < s.end <= len(text)
        assert text[s.start:s.end] == s.value["text"]


def normalize_fast(text):
    """The finders' normalisation (the page's shared view)."""
    return make_view(text).norm


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=60))
def test_fast_normalisation_equals_reference(text):
    assert normalize_fast(text) == normalize_arabic(text)


def test_month_name_must_end_its_word():
    # "أبطال" (heroes) begins with the letters of آب (August) once hamza is normalised away
    assert find_dates("شارك في الهجوم 7 من أبطال الكتيبة", dt.date(2025, 3, 1)) == []
    (span,) = find_dates("وصلت القافلة في 7 من آب", dt.date(2025, 9, 1))
    assert span.value["value"] == "2025-08-07"
