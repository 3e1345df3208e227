"""Fusion and dispute precision rules, one test per rule, on events and pages we write ourselves."""
import dataclasses

from rasd.document import Document, Event, Origin
from rasd.link.disputes import find_disputes, quantity_kind
from rasd.link.fusion import FusionIndex, Member, fuse, is_recalled, pair_score
from rasd.link.signals import is_flashback, is_opinion

HOMS = {"text": "حمص", "name": "حمص", "place_id": "sy-homs", "lat": 34.73, "lon": 36.71, "admin1": "حمص",
        "precision": "town"}
DEIR_GOV = {"text": "دير الزور", "name": "دير الزور", "place_id": "sy-gov-deir", "lat": 35.3, "lon": 40.1,
            "admin1": "دير الزور", "precision": "governorate"}
SYRIA = {"text": "سوريا", "name": "سوريا", "place_id": "sy", "lat": 35.0, "lon": 38.5, "precision": "country"}
ISRAEL = {"text": "الطيران الإسرائيلي", "name": "إسرائيل", "actor_id": "israel", "role": "actor",
          "kind": "external_state"}
ISRAEL_FORCES = {"text": "جيش الاحتلال", "name": "الجيش الإسرائيلي", "actor_id": "israel_forces", "role": "actor",
                 "kind": "external_state"}
HEZBOLLAH = {"text": "حزب الله", "name": "حزب الله", "actor_id": "hezbollah", "role": "actor", "kind": "militia"}
LEADER = {"text": "الأمين العام", "name": "قائد الحزب", "actor_id": "party_leader", "role": "actor", "kind": "person"}
ARMED = {"text": "المسلحين", "name": "فصائل المعارضة", "actor_id": "opposition_generic", "role": "actor",
         "kind": "rebel_group"}
SIDES = {"israel": frozenset({"israel"}), "israel_forces": frozenset({"israel_forces", "israel"}),
         "hezbollah": frozenset({"hezbollah"}), "party_leader": frozenset({"party_leader", "hezbollah"})}


def side_of(actor_id):
    return SIDES.get(actor_id, frozenset({actor_id}))


def ev(eid, doc, type_="air_strike", loc=HOMS, date=None, prec="day", basis="absolute", actors=(ISRAEL,),
       modality="reported", quantities=(), text="نص", attribution=()):
    return Event(id=eid, type=type_, doc_id=doc, actors=tuple(actors), location=loc,
                 date={"value": date, "precision": prec if date else None, "basis": basis if date else None},
                 quantities=tuple(quantities), attribution=tuple(attribution), modality=modality,
                 mentions=({"doc_id": doc, "start": 0, "end": len(text), "text": text},))


def mem(e, published="2024-05-10", story=None, **kw):
    return Member(event=e, published=published, outlet="موقع " + e.doc_id, story_id=story or "st_" + e.doc_id, **kw)


def q(value=None, unit="killed", text="", approx=False, lo=None, hi=None):
    out = {"unit": unit, "approx": approx, "text": text}
    if value is not None:
        out["value"] = value
    if lo is not None or hi is not None:
        out["min"], out["max"] = lo, hi
    return out


def disputes(*members):
    return {d["field"]: d for d in find_disputes(list(members), 1, side_of)}


# -- disputes: quantities ---------------------------------------------------------------------------


def test_killed_against_killed_of_one_kind_is_a_dispute():
    a = mem(ev("a", "d1", quantities=(q(12, text="12 مدنيا"),), text="قتل 12 مدنيا في الغارة على الحي"))
    b = mem(ev("b", "d2", quantities=(q(7, unit="people", text="7 مدنيين"),),
               text="قال المرصد إن 7 مدنيين قتلوا وأصيب آخرون في الغارة"))
    d = disputes(a, b)["quantity"]
    assert d["unit"] == "killed" and {s["value"] for s in d["sides"]} == {12, 7}


def test_counts_of_different_kinds_are_not_compared():
    a = mem(ev("a", "d1", quantities=(q(9, text="9 مقاتلين"),), text="قتل 9 مقاتلين في الاشتباك"))
    b = mem(ev("b", "d2", quantities=(q(lo=1000, hi=9999, text="آلاف المدنيين", approx=True),),
               text="تسببت المعارك بمقتل آلاف المدنيين"))
    c = mem(ev("c", "d3", quantities=(q(15, unit="rockets", text="15 صاروخا"),), text="سقط 15 صاروخا على القاعدة"))
    e = mem(ev("e", "d4", quantities=(q(6, unit="rockets", text="6 صواريخ"),), text="استهدفت القاعدة بـ6 صواريخ"))
    assert "quantity" not in disputes(a, b)
    assert "quantity" not in disputes(c, e)  # material counts are not disputed


def test_a_range_containing_the_other_value_is_not_a_dispute():
    a = mem(ev("a", "d1", quantities=(q(lo=10, hi=99, text="عشرات القتلى", approx=True),),
               text="سقط عشرات القتلى في القصف"))
    b = mem(ev("b", "d2", quantities=(q(35, text="35 قتيلا"),), text="ارتفع عدد الضحايا إلى 35 قتيلا"))
    assert "quantity" not in disputes(a, b)


def test_approximate_against_exact_within_tolerance_is_not_a_dispute_but_far_apart_is():
    a = mem(ev("a", "d1", quantities=(q(30, unit="injured", text="نحو 30 جريحا", approx=True),),
               text="أصيب نحو 30 جريحا في الانفجار"))
    b = mem(ev("b", "d2", quantities=(q(27, unit="injured", text="27 جريحا"),), text="أسفر الانفجار عن 27 جريحا"))
    c = mem(ev("c", "d3", quantities=(q(12, unit="injured", text="12 جريحا"),), text="أسفر الانفجار عن 12 جريحا"))
    assert "quantity" not in disputes(a, b)
    assert "quantity" in disputes(a, c)


def test_a_part_of_a_toll_is_not_compared_with_the_whole():
    a = mem(ev("a", "d1", quantities=(q(4, text="4 أطفال"),), text="قتل 10 أشخاص بينهم 4 أطفال بالقصف"))
    b = mem(ev("b", "d2", quantities=(q(10, text="10 أشخاص"),), text="قتل 10 أشخاص بالقصف على البلدة"))
    assert quantity_kind(a.event.quantities[0], [a.event.mentions[0]["text"]]) is None
    assert "quantity" not in disputes(a, b)


def test_more_than_is_a_bound_not_a_figure():
    a = mem(ev("a", "d1", quantities=(q(100, text="أكثر من 100 قتيل", approx=True),),
               text="قتل أكثر من 100 قتيل منذ بدء الهجمات"))
    b = mem(ev("b", "d2", quantities=(q(140, text="140 قتيلا"),), text="بلغت الحصيلة 140 قتيلا"))
    assert "quantity" not in disputes(a, b)


def test_a_copy_of_a_page_never_disputes_its_canonical():
    a = mem(ev("a", "d1", quantities=(q(9, text="9 قتلى"), q(20, text="20 قتيلا")), text="نص"))
    b = Member(event=ev("b", "d2", quantities=(q(20, text="20 قتيلا"),)), published="2024-05-10",
               story_id="st_d1", duplicate_of="d1")
    assert find_disputes([a, b], 1, side_of) == []


# -- disputes: actors, modality, dates -----------------------------------------------------------------


def test_actors_of_different_sides_are_a_dispute_but_an_affiliate_is_the_same_side():
    a = mem(ev("a", "d1", actors=(ISRAEL,), text="شن الطيران الإسرائيلي غارات على المدينة"))
    b = mem(ev("b", "d2", actors=(HEZBOLLAH,), text="قصف حزب الله مواقع في المدينة"))
    c = mem(ev("c", "d3", actors=(ISRAEL_FORCES,), text="قصف جيش الاحتلال المدينة"))
    assert "actors" in disputes(a, b)
    assert "actors" not in disputes(a, c)


def test_a_name_mentioned_nearby_is_not_an_actor_dispute():
    a = mem(ev("a", "d1", actors=(ISRAEL,), text="شن الطيران الإسرائيلي غارات على محيط المدينة"))
    b = mem(ev("b", "d2", actors=(HEZBOLLAH,),
               text="أكدت مصادر عدم وجود عناصر من حزب الله في المواقع التي استهدفها الطيران الإسرائيلي"))
    assert "actors" not in disputes(a, b)


def test_a_speaking_leader_is_not_the_actor():
    a = mem(ev("a", "d1", actors=(LEADER,), attribution=({"text": "الأمين العام", "name": "الأمين العام"},),
               text="قال الأمين العام إن من نفذ التفجير جماعة تكفيرية"))
    b = mem(ev("b", "d2", actors=(ISRAEL,), text="نفذ الطيران الإسرائيلي التفجير"))
    assert "actors" not in disputes(a, b)


def test_generic_actors_never_dispute():
    a = mem(ev("a", "d1", actors=(ARMED,), text="هاجم المسلحين الحاجز"))
    b = mem(ev("b", "d2", actors=(ISRAEL,), text="قصف الطيران الإسرائيلي الحاجز"))
    assert "actors" not in disputes(a, b)


def test_reported_against_denied_stays_a_dispute():
    a = mem(ev("a", "d1", modality="reported", text="أفاد مصدر بانسحاب القوات من المدينة"))
    b = mem(ev("b", "d2", modality="denied", text="نفت الوزارة انسحاب القوات من المدينة"))
    assert {s["value"] for s in disputes(a, b)["modality"]["sides"]} == {"reported", "denied"}


def test_stated_dates_conflict_only_at_the_same_precision_beyond_the_slack():
    a = mem(ev("a", "d1", date="2024-05-08"))
    assert "date" not in disputes(a, mem(ev("b", "d2", date="2024-05-09")))
    assert "date" in disputes(a, mem(ev("b", "d2", date="2024-05-03")))
    assert "date" not in disputes(a, mem(ev("b", "d2", date="2024-04", prec="month")))
    assert "date" not in disputes(a, mem(ev("b", "d2", date="2024-05-01", basis="document")))


# -- fusion --------------------------------------------------------------------------------------------


def test_governorate_or_country_events_need_a_stated_day_and_a_specific_actor():
    a = mem(ev("a", "d1", loc=DEIR_GOV, date="2024-05-09"), story="st_x")
    b = mem(ev("b", "d2", loc=DEIR_GOV, date="2024-05-09"), story="st_x")
    assert pair_score(a, b) is not None
    undated = mem(ev("c", "d3", loc=DEIR_GOV), story="st_x")
    assert pair_score(a, undated) is None  # no stated day, even in one story
    generic = mem(ev("e", "d4", loc=DEIR_GOV, date="2024-05-09", actors=(ARMED,)), story="st_x")
    generic2 = mem(ev("f", "d5", loc=DEIR_GOV, date="2024-05-09", actors=(ARMED,)), story="st_x")
    assert pair_score(generic, generic2) is None  # no specific actor
    c1 = mem(ev("g", "d6", loc=SYRIA, date="2024-05-09"), story="st_x")
    c2 = mem(ev("h", "d7", loc=SYRIA, date="2024-05-20"), story="st_x")
    assert pair_score(c1, c2) is None


def test_same_town_needs_dates_within_a_day():
    a = mem(ev("a", "d1", date="2024-05-07"), published="2024-05-07")
    # the next day's dawn may be the same night's raid; the next day without a night or dawn is another
    dawn = dataclasses.replace(ev("b", "d2", date="2024-05-08"),
                               date={"value": "2024-05-08", "precision": "day", "basis": "absolute", "part_of_day": "فجر"})
    assert pair_score(a, mem(dawn, published="2024-05-08")) is not None
    assert pair_score(a, mem(ev("b", "d2", date="2024-05-08"), published="2024-05-08")) is None
    assert pair_score(a, mem(ev("b", "d2", date="2024-05-10"), published="2024-05-10")) is None
    # a page-date-only event three days after a stated one is not it
    late = mem(ev("c", "d3", date="2024-05-10", basis="document"), published="2024-05-10", story="st_d1")
    assert pair_score(a, late) is None


def test_recalled_history_never_fuses_with_a_fresh_report_of_another_story():
    fresh = mem(ev("a", "d1", date="2024-05-10"), published="2024-05-10")
    recalled = mem(ev("b", "d2", date="2024-05-10",
                      text="وكانت طائرات قد استهدفت المدينة بغارات مماثلة"), published="2024-05-11")
    assert is_recalled(recalled) and pair_score(fresh, recalled) is None
    old = mem(ev("c", "d3", date="2024-05-04"), published="2024-05-10")
    assert is_recalled(old)
    same_story = Member(event=recalled.event, published="2024-05-11", story_id="st_d1")
    assert pair_score(fresh, same_story) is not None  # within one story it is the same happening


def test_opinion_pages_do_not_fuse_across_documents():
    a = mem(ev("a", "d1", date="2024-05-10"))
    b = mem(ev("b", "d2", date="2024-05-10"), opinion=True)
    assert pair_score(a, b) is None
    idx = FusionIndex()
    idx.add(a)
    assert idx.add(b)[1] is False


def test_flashback_openers():
    assert is_flashback("وكان الجيش قد انسحب من البلدة قبل عامين")
    assert is_flashback("يذكر أن الطائرات استهدفت المطار في وقت سابق")
    assert is_flashback("وقبل أيام، انفجرت سيارة مفخخة في السوق")
    assert not is_flashback("انسحب الجيش من البلدة صباح اليوم")
    assert not is_flashback("كانت هناك مشاهد فرح في المدينة مساء اليوم")


def _page(text, title="", url=None, events=()):
    return Document(id="p1", text=text, origin=Origin(url=url), lang="ar", title=title, events=tuple(events))


def test_opinion_page_signals():
    argument = ("ربما لا يمكن فهم ما يجري في المنطقة إلا إذا قرأنا التحولات الكبرى، فقد يبدو أن واشنطن "
                "لا تريد الحرب، لكن لو نظرنا إلى سلوكها لوجدنا أنها قد تدفع إليها. فهل تستطيع دمشق الصمود؟ ") * 40
    assert is_opinion(_page(argument + "وماذا بعد؟"))
    assert is_opinion(_page("قصف الطيران مواقع في البلدة.", url="https://example.com/opinion/some-title"))
    assert is_opinion(_page("قصف الطيران مواقع في البلدة.", title="تحليل: ماذا بعد معركة البلدة"))
    report = "قتل ثلاثة مدنيين وأصيب خمسة آخرون بقصف مدفعي استهدف بلدة في ريف حمص صباح اليوم الثلاثاء."
    strike = ev("a", "p1", text=report)
    assert not is_opinion(_page(report, title="ثلاثة قتلى بقصف على ريف حمص",
                                url="https://example.com/news/politics/some-title", events=(strike,)))


def test_fused_idlib_like_counts_stay_disputed_through_fuse():
    a = ev("a", "d1", date="2024-05-06", quantities=(q(12, text="12 مدنيا"),),
           text="قتل 12 مدنيا بغارات على حي سكني في المدينة")
    b = ev("b", "d2", date="2024-05-06", basis="relative", quantities=(q(7, unit="people", text="7 مدنيين"),),
           text="قال المرصد إن 7 مدنيين قتلوا في القصف على المدينة")
    idx = FusionIndex()
    idx.add(mem(a, published="2024-05-06"))
    assert idx.add(mem(b, published="2024-05-07"))[1]
    fused = fuse(idx.clusters["a"])
    assert [d["field"] for d in fused.meta["disputes"]] == ["quantity"]


def test_subset_word_governs_only_the_count_right_after_it():
    from rasd.link.disputes import _is_part_of_toll

    subset = {"بينهم", "منهم"}
    assert _is_part_of_toll(["قتل", "12", "شخصا", "بينهم"], subset)            # بينهم 5 أطفال
    assert _is_part_of_toll(["قتل", "12", "شخصا", "بينهم", "نحو"], subset)    # بينهم نحو 5 أطفال
    assert not _is_part_of_toll(["قتلى", "بينهم", "اطفال", "ونحو"], subset)   # ...ونحو 30 جريحا: a count of its own
    assert not _is_part_of_toll(["اسفر", "القصف", "عن"], subset)


def test_a_tally_flagged_by_extraction_never_fuses():
    fresh = mem(ev("a", "d1", date="2024-05-10"), published="2024-05-10")
    tally = dataclasses.replace(ev("b", "d2", date="2024-05-10"), meta={"aggregate": True})
    assert pair_score(fresh, mem(tally, published="2024-05-10")) is None
    assert pair_score(fresh, mem(ev("c", "d3", date="2024-05-10"), published="2024-05-10")) is not None
