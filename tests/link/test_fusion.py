"""Event fusion and disputes on events we build ourselves (no extraction involved)."""
from rasd.document import Event
from rasd.link.fusion import FusionIndex, Member, date_relation, fuse, pair_score, place_relation

HOMS = {"text": "حمص", "name": "حمص", "place_id": "sy-homs", "lat": 34.73, "lon": 36.71, "admin1": "حمص",
        "precision": "town"}
HOMS_GOV = {"text": "محافظة حمص", "name": "حمص", "place_id": "sy-gov-homs", "lat": 34.5, "lon": 38.1,
            "admin1": "حمص", "precision": "governorate"}
HOMS_PRISON = {"text": "السجن العسكري", "name": "سجن حمص العسكري", "place_id": "sy-hms-prison", "lat": 34.75,
               "lon": 36.70, "admin1": "حمص", "precision": "site"}
TALBISEH = {"text": "تلبيسة", "name": "تلبيسة", "place_id": "sy-hms-talbiseh", "lat": 34.84, "lon": 36.73,
            "admin1": "حمص", "precision": "town"}
HAMA = {"text": "حماة", "name": "حماة", "place_id": "sy-hama", "lat": 35.13, "lon": 36.75, "admin1": "حماة",
        "precision": "town"}
GOV = {"text": "قوات النظام", "name": "النظام السوري", "actor_id": "sy_gov", "role": "actor"}
OPP = {"text": "الفصائل", "name": "فصائل المعارضة", "actor_id": "opposition", "role": "actor"}


def ev(eid, doc, type_="withdrawal", loc=HOMS, date=None, prec=None, actors=(GOV,), modality="reported",
       quantities=(), attribution=(), text="نص", basis="absolute", pod=None):
    return Event(id=eid, type=type_, doc_id=doc, actors=tuple(actors), location=loc,
                 date={"value": date, "precision": prec, "basis": basis if date else None, "part_of_day": pod},
                 quantities=tuple(quantities), attribution=tuple(attribution), modality=modality,
                 mentions=({"doc_id": doc, "start": 0, "end": len(text), "text": text},))


def mem(e, published="2024-12-08", outlet="موقع أ", story="st_a"):
    return Member(event=e, published=published, outlet=outlet, story_id=story)


def test_town_inside_governorate_and_site_inside_town_are_contained():
    assert place_relation(HOMS, HOMS_GOV) == "contains"
    assert place_relation(HOMS_PRISON, HOMS) == "contains"
    assert place_relation(HOMS, HOMS) == "same"


def test_neighbouring_towns_and_other_governorates_are_not_the_same_place():
    assert place_relation(HOMS, TALBISEH) is None
    assert place_relation(HOMS, HAMA) is None
    assert place_relation(HAMA, HOMS_GOV) is None


def test_dates_compatible_at_their_precisions():
    a = mem(ev("a", "d1", date="2024-12-08", prec="day"))
    assert date_relation(a, mem(ev("b", "d2", date="2024-12", prec="month"))) == "compatible"
    # a day apart: one happening only across one night ("ليل السبت" / "فجر الأحد")
    assert date_relation(a, mem(ev("b", "d2", date="2024-12-07", prec="day", pod="ليل"))) == "near"
    dawn = mem(ev("c", "d3", date="2024-12-09", prec="day", pod="فجر"))
    assert date_relation(a, dawn) == "near"
    assert date_relation(a, mem(ev("b", "d2", date="2024-12-07", prec="day"))) is None
    assert date_relation(a, mem(ev("b", "d2", date="2024-12-07", prec="day", pod="صباح"))) is None
    assert date_relation(a, mem(ev("b", "d2", date="2024-12-03", prec="day"))) is None
    # undated: anchored to its page's date
    assert date_relation(a, mem(ev("b", "d2"), published="2024-12-09")) == "compatible"
    assert date_relation(a, mem(ev("b", "d2"), published="2025-02-01")) is None


def test_reported_and_denied_withdrawal_fuse_and_show_the_dispute():
    reported = ev("e1", "d1", date="2024-12-08", prec="day", modality="reported",
                  attribution=({"text": "قيادي", "name": "قيادي في الفصائل", "source_id": None},),
                  text="قال قيادي إن قوات النظام انسحبت من حمص فجر اليوم")
    denied = ev("e2", "d2", modality="denied",
                attribution=({"text": "الوكالة الرسمية", "name": "الوكالة الرسمية", "source_id": "agency"},),
                text="نفت الوكالة الرسمية انسحاب قوات النظام من حمص")
    idx = FusionIndex()
    assert idx.add(mem(reported)) == ("e1", False)
    assert idx.add(mem(denied, published="2024-12-08", outlet="موقع ب", story="st_b")) == ("e1", True)
    fused = fuse(idx.clusters["e1"])
    assert fused.id == "e1" and len(fused.mentions) == 2
    assert fused.modality == "denied"  # the most cautious version, never hidden
    (d,) = fused.meta["disputes"]
    assert d["field"] == "modality"
    assert {s["value"] for s in d["sides"]} == {"reported", "denied"}
    assert ["الوكالة الرسمية"] in [s["sources"] for s in d["sides"]]
    assert {s["doc_id"] for s in fused.meta["sources"]} == {"d1", "d2"}


def test_different_counts_are_kept_side_by_side_with_their_sources():
    a = ev("a", "d1", type_="air_strike", date="2024-03-02", prec="day", actors=(GOV,),
           quantities=({"value": 7, "unit": "killed", "approx": False, "text": "سبعة"},))
    b = ev("b", "d2", type_="air_strike", date="2024-03-02", prec="day", actors=(GOV,),
           quantities=({"value": 12, "unit": "killed", "approx": False, "text": "12"},))
    idx = FusionIndex()
    idx.add(mem(a, published="2024-03-02", outlet="موقع أ"))
    idx.add(mem(b, published="2024-03-03", outlet="موقع ب"))
    fused = fuse(idx.clusters["a"])
    assert sorted((q["value"], q["source"]) for q in fused.quantities) == [(7, "موقع أ"), (12, "موقع ب")]
    assert [d["field"] for d in fused.meta["disputes"]] == ["quantity"]
    assert fused.meta["first_reported"] == "2024-03-02" and fused.meta["last_reported"] == "2024-03-03"


def test_most_precise_place_and_date_are_kept_with_aliases():
    a = ev("a", "d1", type_="detainee_release", loc=HOMS, actors=(OPP,))
    b = ev("b", "d2", type_="detainee_release", loc=HOMS_PRISON, date="2024-12-08", prec="day", actors=(OPP,))
    idx = FusionIndex()
    idx.add(mem(a, published="2024-12-08"))
    idx.add(mem(b, published="2024-12-09"))
    fused = fuse(idx.clusters["a"])
    assert fused.location["place_id"] == "sy-hms-prison" and "حمص" in fused.location["aliases"]
    assert fused.date["value"] == "2024-12-08"


def test_unrelated_events_are_not_merged():
    idx = FusionIndex()
    idx.add(mem(ev("a", "d1", date="2024-12-08", prec="day")))
    assert idx.add(mem(ev("b", "d2", type_="shelling", date="2024-12-08", prec="day")))[1] is False
    assert idx.add(mem(ev("c", "d3", loc=HAMA, date="2024-12-08", prec="day")))[1] is False
    assert idx.add(mem(ev("d", "d4", date="2023-05-01", prec="day")))[1] is False
    assert idx.add(mem(ev("e", "d5", loc=TALBISEH, date="2024-12-08", prec="day")))[1] is False
    assert idx.add(mem(ev("f", "d6", actors=(OPP,), date="2024-12-07", prec="day")))[1] is False
    assert len(idx) == 6


def test_one_mention_per_document_and_no_fusion_within_a_document():
    a, b = ev("a", "d1"), ev("b", "d1")
    assert pair_score(mem(a), mem(b)) is None
    idx = FusionIndex()
    idx.add(mem(a))
    assert idx.add(mem(b)) == ("b", False)


def test_background_history_does_not_fuse_with_an_undated_report():
    old = mem(ev("a", "d1", type_="displacement", date="2017-03", prec="month"), published="2024-12-08")
    undated = Member(event=ev("b", "d2", type_="displacement"), published=None, story_id="st_a")
    assert pair_score(old, undated) is None


def test_fused_id_is_stable_when_reports_join():
    idx = FusionIndex()
    first = ev("first", "d1", date="2024-12-08", prec="day")
    idx.add(mem(first))
    for i in range(2, 6):
        fid, joined = idx.add(mem(ev(f"e{i}", f"d{i}", date="2024-12-08", prec="day"), published="2024-12-09"))
        assert fid == "first" and joined
    assert fuse(idx.clusters["first"]).id == "first"


def test_lowest_fatality_figure_is_what_acled_reads():
    from rasd.store.export_events import fatalities

    a = ev("a", "d1", type_="shelling", date="2024-01-05", prec="day",
           quantities=({"value": 9, "unit": "killed"},))
    b = ev("b", "d2", type_="shelling", date="2024-01-05", prec="day",
           quantities=({"value": 4, "unit": "killed"},))
    idx = FusionIndex()
    idx.add(mem(a))
    idx.add(mem(b))
    assert fatalities(fuse(idx.clusters["a"])) == 4
