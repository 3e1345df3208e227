"""Story clustering on feature sets we write ourselves; the optional embedder is a fake."""
import pytest

from rasd.link.stories import ROUNDUP, StoryIndex, is_roundup_title

HOMS_NEWS = {"e:withdrawal:sy-homs": 2.0, "p:sy-homs": 2.0, "a:sy_gov": 1.0, "a:opposition": 1.0, "a:commander_x": 2.0}
HOMS_WIRE = {"e:withdrawal:sy-homs": 1.0, "p:sy-homs": 2.0, "a:sy_gov": 1.0, "a:commander_x": 1.0, "a:agency": 1.0}
IDLIB_MARKET = {"p:sy-idlib": 2.0, "a:agri_directorate": 2.0}


def _background(idx, n=20):
    for i in range(n):  # other stories, so that IDF means something
        idx.add(f"bg{i}", {f"p:place{i}": 2.0, f"a:actor{i}": 1.0, "a:sy_gov": 1.0}, "2024-06-01")


def test_translated_report_joins_the_story_and_an_unrelated_page_does_not():
    idx = StoryIndex()
    _background(idx)
    s1, _, _, _ = idx.add("ar", HOMS_NEWS, "2024-12-08")
    s2, score, matched, related = idx.add("wire", HOMS_WIRE, "2024-12-09")
    s3, _, _, _ = idx.add("market", IDLIB_MARKET, "2024-12-09")
    assert s1 == "st_ar" and s2 == "st_ar" and matched == "ar" and "ar" in related and score >= 0.30
    assert s3 == "st_market"


def test_same_features_far_apart_in_time_start_a_new_story():
    idx = StoryIndex()
    _background(idx)
    idx.add("ar", HOMS_NEWS, "2024-12-08")
    assert idx.add("later", HOMS_WIRE, "2025-03-01")[0] == "st_later"


def test_story_ids_are_stable_on_restore():
    idx = StoryIndex()
    idx.add("ar", HOMS_NEWS, "2024-12-08")
    again = StoryIndex()
    again.restore("ar", idx.story_of("ar"), HOMS_NEWS, "2024-12-08")
    assert again.add("ar", HOMS_NEWS, "2024-12-08")[0] == "st_ar"


def test_an_embedding_that_disagrees_vetoes_the_match():
    plain, emb = StoryIndex(), StoryIndex()
    for idx in (plain, emb):
        _background(idx)
    plain.add("ar", HOMS_NEWS, "2024-12-08")
    emb.add("ar", HOMS_NEWS, "2024-12-08", vector=[1.0, 0.0])
    assert plain.add("wire", HOMS_WIRE, "2024-12-09")[0] == "st_ar"
    assert emb.add("wire", HOMS_WIRE, "2024-12-09", vector=[0.0, 1.0])[0] == "st_wire"


def test_a_roundup_page_never_joins_a_story_but_stays_related():
    idx = StoryIndex()
    _background(idx)
    idx.add("ar", {**HOMS_NEWS, "s:withdrawal:sy-homs": 2.0}, "2024-12-08")
    story, _, _, related = idx.add("bulletin", {**HOMS_NEWS, "s:withdrawal:sy-homs": 1.0, ROUNDUP: 1.0}, "2024-12-08")
    assert story == "st_bulletin" and "ar" in related


def test_names_in_most_documents_weigh_nothing():
    idx = StoryIndex()
    for i in range(30):  # a big actor and a governorate named everywhere
        idx.add(f"bg{i}", {f"p:town{i}": 2.0, "a:big_state": 2.0, "g:gov": 2.0}, "2024-06-01")
    s, score, _, _ = idx.add("new", {"p:elsewhere": 2.0, "a:big_state": 2.0, "g:gov": 2.0}, "2024-06-01")
    assert s == "st_new" and score == 0.0


def test_one_specific_event_in_both_leads_joins_pages_a_day_apart():
    idx = StoryIndex()
    _background(idx)
    a = {"d:air_strike:sy-rd-douma:2024-03-02": 2.0, "p:sy-rd-douma": 2.0, "a:x": 1.0}
    # the next day's page: "yesterday's strike", resolved to the same day
    b = {"d:air_strike:sy-rd-douma:2024-03-02": 2.0, "p:sy-rd-douma": 2.0, "a:y": 1.0}
    idx.add("a", a, "2024-03-02")
    assert idx.add("b", b, "2024-03-03")[0] == "st_a"
    far = {"d:air_strike:sy-rd-douma:2024-03-06": 2.0, "p:sy-rd-douma": 2.0, "a:y": 1.0}
    assert idx.add("c", far, "2024-03-06")[0] == "st_c"  # another strike three days later


@pytest.mark.parametrize("title,expected", [
    ("نشرة الظهيرة", True),
    ("موجز الأخبار: غارات وقصف", True),
    ("أبرز عناوين الصحف العربية", True),
    ("ملف الليلة | المعابر بين الشمال والجنوب", True),
    ("قوات النظام تنسحب من مدينة حمص", False),
    ("انسحاب القوات من القرى | مصادر محلية تؤكد", False),
    (None, False),
])
def test_roundup_titles(title, expected):
    assert is_roundup_title(title) is expected


def test_a_reaction_naming_the_same_rare_town_in_its_lead_joins_the_story():
    # the report of an incident, and the next day's page of a leader's statement about it: they share
    # only the town (rare) and read alike (fake vectors at 0.6), nothing else
    idx = StoryIndex()
    _background(idx)
    report = {"d:attack_on_civilians:sy-q-town:2024-07-27": 2.0, "p:sy-q-town": 2.0, "a:militia": 1.0}
    reaction = {"p:sy-q-town": 2.0, "a:party_leader": 2.0, "a:other_state": 1.0}
    idx.add("report", report, "2024-07-27", vector=[1.0, 0.0])
    story, _, matched, _ = idx.add("reaction", reaction, "2024-07-28", vector=[0.6, 0.8])
    assert story == "st_report" and matched == "report"


def test_a_lead_anchor_needs_the_pages_close_in_time_and_reading_alike():
    idx = StoryIndex()
    _background(idx)
    report = {"p:sy-q-town": 2.0, "a:militia": 1.0}
    idx.add("report", report, "2024-07-27", vector=[1.0, 0.0])
    # three days later: a new happening at the same town
    assert idx.add("later", {"p:sy-q-town": 2.0, "a:party_leader": 2.0}, "2024-07-30",
                   vector=[0.6, 0.8])[0] == "st_later"
    # the next day but about something else: vectors that disagree
    assert idx.add("other", {"p:sy-q-town": 2.0, "a:party_leader": 2.0}, "2024-07-28",
                   vector=[0.4, -0.9165])[0] == "st_other"


def test_a_lead_anchor_at_a_site_attacked_on_two_different_days_is_two_stories():
    idx = StoryIndex()
    _background(idx)
    first = {"d:shelling:sy-base:2024-01-10": 2.0, "s:shelling:sy-base": 2.0, "p:sy-base": 2.0}
    second = {"d:shelling:sy-base:2024-01-12": 2.0, "s:shelling:sy-base": 2.0, "p:sy-base": 2.0}
    idx.add("first", first, "2024-01-11", vector=[1.0, 0.0])
    assert idx.add("second", second, "2024-01-12", vector=[0.9, 0.4359])[0] == "st_second"


def test_at_a_recurring_target_a_lead_anchor_needs_a_stated_day_in_common():
    idx = StoryIndex()
    _background(idx)
    for i, day in enumerate(("2024-01-02", "2024-01-05", "2024-01-09", "2024-01-13")):  # attacked every few days
        idx.add(f"old{i}", {f"d:shelling:sy-base:{day}": 2.0, "s:shelling:sy-base": 2.0, f"a:unit{i}": 1.0}, day)
    first = {"s:shelling:sy-base": 2.0, "p:sy-base": 2.0, "a:claimant": 1.0}
    idx.add("first", first, "2024-01-20", vector=[1.0, 0.0])
    # the next day: another attack there, its day not stated; the pages read alike (0.6)
    assert idx.add("next", dict(first), "2024-01-21", vector=[0.6, 0.8])[0] == "st_next"


def test_a_story_does_not_grow_past_its_span_by_chaining_day_after_day():
    idx = StoryIndex()
    _background(idx, n=400)  # the town stays rare (at most 2% of the pages) however many days it is news
    town = {"p:sy-q-town": 2.0, "a:militia": 1.0}
    stories = [idx.add(f"day{i}", town, f"2024-07-{10 + i:02d}", vector=[1.0, 0.0])[0] for i in range(7)]
    assert stories[:5] == ["st_day0"] * 5   # within max_story_days (4) of the first page
    assert stories[5] != "st_day0"           # the sixth day starts a new story
