"""Quantity finder: our own sentences for each hard case named in the brief."""
from __future__ import annotations

import pytest
from hypothesis import given, settings, strategies as st

from rasd.extract.quantities import QuantityOptions, find_quantities


def one(text: str) -> dict:
    spans = find_quantities(text)
    assert len(spans) == 1, spans
    return spans[0].value


@pytest.mark.parametrize("text,value,unit", [
    ("أخرجت الفصائل 3500 سجين من السجن", 3500, "prisoners"),
    ("نزح ٣٥ ألف مدني", 35000, "people"),
    ("وصل 1.5 مليون لاجئ", 1_500_000, "people"),
    ("لحقت أضرار بـ3 آلاف منزل", 3000, "houses"),
    ("بلغ عدد النازحين 12,500 نازح", 12500, "people"),
    ("دخلت القوات 13 قرية وبلدة", 13, "villages"),
    ("تراجعت الوحدات 20 كلم", 20, "km"),
    ("انضم 12 من كبار الضباط", 12, "officers"),
    ("عثر على 35 جثة", 35, "bodies"),
    ("ما زال 150 في عداد المفقودين", 150, "missing"),
    ("أصيب خمسة وعشرون جريحا", 25, "injured"),
    ("اعتقل ثلاثة عشر شابا", 13, "prisoners"),
    ("أسقطت أحد عشر مسيرة", 11, "aircraft"),
    ("سقط 39% من الأصوات", 39, "percent"),
    ("رصد مئتي صاروخ", 200, "rockets"),
    ("قتل 5 أشخاص في القصف", 5, "killed"),
    ("أصيب 3 مدنيين بجروح", 3, "injured"),
])
def test_counts_and_units(text, value, unit):
    v = one(text)
    assert (v["value"], v["unit"]) == (value, unit)


def test_verb_keeps_counted_noun():
    v = one("قتل 5 أشخاص")
    assert (v["unit"], v["counted"]) == ("killed", "people")


@pytest.mark.parametrize("text,unit", [("قتل جنديان في الكمين", "soldiers"), ("سقط قتيلان", "killed"),
                                       ("عثر على جثتين", "bodies")])
def test_duals_count_two(text, unit):
    v = one(text)
    assert (v["value"], v["unit"]) == (2, unit)


@pytest.mark.parametrize("text,lo,hi,unit", [
    ("أطلق سراح مئات السجناء", 100, 999, "prisoners"),
    ("قتل عشرات المدنيين", 10, 99, "killed"),
    ("نزح آلاف السكان", 1000, 9999, None),
    ("عاد عشرات الآلاف من النازحين", 10_000, 99_999, "people"),
    ("بعد بضعة أيام", 3, 9, "days"),
])
def test_vague_counts(text, lo, hi, unit):
    v = one(text)
    assert (v["min"], v["max"], v["vague"], v["approx"]) == (lo, hi, True, True)
    if unit:
        assert v["unit"] == unit


def test_vague_without_size():
    v = one("أصيب عدد من المدنيين")
    assert v["value"] is None and v["min"] is None and v["vague"] and v["unit"] == "people"


@pytest.mark.parametrize("text,lo,hi", [
    ("يتراوح عددهم بين 4 الاف و500 و5 الاف شخص", 4500, 5000),
    ("ما بين 12 إلى 13 ألف مقاتل", 12000, 13000),
    ("من 10 إلى 15 قتيلا", 10, 15),
    ("3 أو 4 جرحى", 3, 4),
])
def test_ranges(text, lo, hi):
    v = one(text)
    assert (v["min"], v["max"]) == (lo, hi)


@pytest.mark.parametrize("text,qualifier", [
    ("نحو 20 كلم", "about"), ("حوالي 300 عنصر", "about"), ("قرابة 50 عائلة", "about"),
    ("ما يقارب 40 آلية", "about"), ("زهاء 70 قتيلا", "about"), ("ما يصل إلى 35 ألف", "up_to"),
    ("أكثر من 100 غارة", "more_than"), ("ما يزيد عن 60 معتقلا", "more_than"), ("أقل من 10 أشخاص", "less_than"),
])
def test_qualifiers(text, qualifier):
    v = one(text)
    assert (v["qualifier"], v["approx"]) == (qualifier, True)


@pytest.mark.parametrize("text", ["اندلعت الثورة عام 2011", "في 28 أيلول 2024", "الساعة 10:30 صباحا",
                                  "أعلنت الفرقة 26 جاهزيتها", "صدر القرار 2254", "للتواصل 00963933123456",
                                  "بتاريخ 8/12/2024", "في الـ17 من الشهر"])
def test_not_counts(text):
    assert find_quantities(text) == []


def test_require_unit_drops_bare_numbers():
    assert find_quantities("دخلت 6 من أصل", QuantityOptions(require_unit=True)) == []


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet="ابتثجحخدذرسشصضطظعغفقكلمنهوي ةىأإآًٌَُِّْـ0123456789٠١٢٣٤٥، %/-.", max_size=80))
def test_spans_inside_text(text):
    prev_end = 0
    for s in find_quantities(text):
        assert prev_end <= s.start < s.end <= len(text)
        assert text[s.start:s.end] == s.value["text"]
        prev_end = s.end
