"""Dates that respect tense and clause (issue 10): one test per kind of error, our own sentences.

The page date in these tests is a Saturday, 7 December 2024.
"""
from __future__ import annotations

import datetime as dt

import pytest

from rasd.extract.dates import find_dates
from tests.extract.events_fakes import doc, make_extractor

SAT = dt.date(2024, 12, 7)


def one(text: str, anchor: dt.date = SAT) -> dict:
    spans = find_dates(text, anchor)
    assert len(spans) == 1, spans
    return spans[0].value


@pytest.fixture(scope="module")
def ex():
    return make_extractor()


def events(ex, text, published="2024-12-07"):
    return ex.extract(doc(text, published))[1]


def of_type(evs, t):
    return [e for e in evs if e.type == t]


# -- a weekday goes back from the page date unless its clause is future ----------------------

@pytest.mark.parametrize("text", [
    "سيطرت الفصائل على البلدة الخميس بعد معارك عنيفة",      # سيطر is no future prefix
    "قالت المصادر إن ستة مقاتلين قتلوا الخميس في الريف",      # nor is ستة
    "وتوقفت السيارات على الطريق الخميس",
    "قصفت الطائرات البلدة يوم الخميس",
])
def test_past_clause_weekday_resolves_on_or_before_the_page_date(text):
    assert one(text)["value"] == "2024-12-05"


@pytest.mark.parametrize("text", [
    "سيعقد المجلس جلسة الخميس",
    "الخميس سيلتقي الوزير نظيره في العاصمة",
    "من المتوقع أن يصل الوفد الخميس",
    "يصل الوفد الخميس القادم",
    "يعتزم الوزير زيارة المدينة الخميس",
])
def test_future_clause_weekday_resolves_on_or_after_the_page_date(text):
    v = one(text)
    assert v["value"] == "2024-12-12" and v["future"]


def test_same_weekday_as_the_page_is_the_page_day_either_way():
    assert one("قصفت الطائرات البلدة السبت")["value"] == "2024-12-07"
    assert one("سيعقد المجلس جلسة السبت")["value"] == "2024-12-07"


# -- a past-tense event is never dated after its page ----------------------------------------

def test_past_verb_takes_the_backward_weekday_when_a_future_marker_is_near(ex):
    # the future verb of the statement must not push the strike to next Thursday
    evs = events(ex, "وقالت إنها ستواصل الرد بعد أن قصفت الطائرات إدلب الخميس.")
    [sh] = of_type(evs, "air_strike")
    assert sh.date["value"] == "2024-12-05"


def test_past_verb_drops_a_written_date_later_than_the_page(ex):
    evs = events(ex, "وقصفت الطائرات الحربية مدينة إدلب في 20 كانون الأول 2024.")
    [sh] = of_type(evs, "air_strike")
    assert sh.date["value"] is None


def test_future_event_keeps_its_later_date(ex):
    evs = events(ex, "ومن المقرر أن يعقد الوزراء اجتماعا في دمشق غدا لبحث اتفاق التهدئة.")
    later = [e for e in evs if e.date["value"] == "2024-12-08"]
    assert later or not evs          # a planned event (if extracted) keeps tomorrow


# -- "منذ" marks the start of a span, not the date of the event ------------------------------

@pytest.mark.parametrize("text", ["منذ أيلول 2023", "منذ 2011", "منذ عام 2015", "منذ سنوات",
                                  "منذ 8 من كانون الأول", "منذ العام 2012 حتى 2014"])
def test_since_expression_is_marked_as_a_span_start(text):
    assert one(text)["since"] is True


@pytest.mark.parametrize("text,since", [
    ("وقتل العشرات في قصف تنفذه الطائرات منذ عشرة أيام", True),    # still going on
    ("والمعارك مستمرة منذ ثلاثة أيام", True),
    ("وقتل الشاب منذ يومين برصاص مجهولين", False),                  # happened two days ago
])
def test_since_a_duration_is_a_span_only_for_what_still_goes_on(text, since):
    v = one(text)
    assert v["since"] is since and v["value"] is not None


def test_since_date_is_not_the_events_date(ex):
    evs = events(ex, "وقصفت الطائرات مدينة إدلب التي تسيطر عليها الفصائل منذ عام 2015.")
    [sh] = of_type(evs, "air_strike")
    assert sh.date["value"] != "2015"


def test_date_of_a_clause_opened_by_since_does_not_date_the_next_clause(ex):
    [v] = [x.value for x in find_dates("ومنذ وصول البعثة إلى البلاد في أيلول 2023، تغير الوضع", SAT)]
    assert v["since_clause"] and not v["since"]
    evs = events(ex, "ومنذ وصول البعثة الأممية في أيلول 2023، قصفت الطائرات مدينة إدلب مرارا.")
    [sh] = of_type(evs, "air_strike")
    assert sh.date["value"] != "2023-09"


# -- seasons are no days; nights and parts of the day count back from the page ---------------

@pytest.mark.parametrize("text,anchor,value", [
    ("نزح آلاف السكان الصيف الماضي", SAT, "2024"),
    ("نزح آلاف السكان الصيف الماضي", dt.date(2024, 7, 10), "2023"),
    ("اشتدت المعارك في الشتاء الماضي", SAT, "2024"),        # Dec 2023 – Feb 2024
    ("وفي صيف 2019 عادت العائلات", SAT, "2019"),
    ("خلال الربيع المقبل", SAT, "2025"),
])
def test_season_gives_at_most_a_year(text, anchor, value):
    v = one(text, anchor)
    assert (v["value"], v["precision"], v["kind"]) == (value, "year", "season")


def test_bare_season_is_no_day():
    v = one("تتفاقم معاناة النازحين مع حلول الشتاء")
    assert v["value"] is None and v["kind"] == "season"
    assert find_dates("انطلقت احتجاجات الربيع العربي", SAT) == []


def test_season_dates_the_event_without_a_day(ex):
    evs = events(ex, "وقصفت الطائرات مدينة إدلب الصيف الماضي.")
    [sh] = of_type(evs, "air_strike")
    assert sh.date["precision"] != "day"


@pytest.mark.parametrize("text,value,pod", [
    ("قصفت الطائرات البلدة الليلة الماضية", "2024-12-06", "ليل"),
    ("دوت انفجارات الليل قبل الماضي", "2024-12-05", "ليل"),
    ("وقعت اشتباكات ليلة أمس", "2024-12-06", "ليل"),
    ("قصفت المدفعية الحي فجر اليوم", "2024-12-07", "فجر"),
    ("أعلنت الوزارة أمس الثلاثاء", "2024-12-03", None),   # the written weekday wins
    ("سقطت المدينة في 8 من كانون الأول", "2023-12-08", None),
])
def test_nights_and_days_resolve_against_the_page_date(text, value, pod):
    v = one(text)
    assert (v["value"], v["part_of_day"]) == (value, pod)


# -- a date of another clause does not date this event ---------------------------------------

def test_tomorrow_of_a_planned_meeting_does_not_date_a_past_strike(ex):
    evs = events(ex, "سيعقد الوزراء اجتماعا غدا في جنيف، بعد أن قصفت الطائرات مدينة إدلب.")
    [sh] = of_type(evs, "air_strike")
    assert sh.date["value"] != "2024-12-08"


@pytest.mark.parametrize("first,value", [
    # a future date (a planned meeting) does not date the next paragraph's strike
    ("ومن المقرر أن يجتمع الوزراء غدا في جنيف.", "2024-12-07"),
    # nor does the start of a span
    ("وتسيطر الفصائل على المنطقة منذ 3 كانون الأول.", "2024-12-07"),
    # nor a date in a relative clause: "الأحد الماضي" dates the attack the video shows
    ("ونشرت الفصائل مقطعا مصورا يظهر الهجوم على الثكنة، والذي شنته الأحد الماضي.", "2024-12-07"),
    # the same date in the main clause is the narrative's time, and dates what follows
    ("وهاجمت الفصائل الثكنة الأحد الماضي.", "2024-12-01"),
])
def test_which_date_of_a_paragraph_carries_to_the_next(ex, first, value):
    [sh] = of_type(events(ex, first + "\n\nوقصفت الطائرات الحربية مدينة إدلب."), "air_strike")
    assert sh.date["value"] == value
