"""Linking a store: near duplicates, stories, fused events; incremental, idempotent, stable ids."""
import io
import json

import pytest

from rasd.document import Document, Event, Origin, RawInput, Span, sha256_hex
from rasd.link.stage import Linker, member_from_row
from rasd.store.export import export_events
from rasd.store.links import (
    iter_linked_events, link_pending, list_duplicates, list_fused_events, list_stories,
)
from rasd.store.sqlite import SqliteStore
from tests.conftest import BACKENDS

HOMS = {"text": "حمص", "name": "حمص", "place_id": "sy-homs", "lat": 34.73, "lon": 36.71, "admin1": "حمص",
        "precision": "town"}
IDLIB = {"text": "إدلب", "name": "إدلب", "place_id": "sy-idlib", "lat": 35.93, "lon": 36.63, "admin1": "إدلب",
         "precision": "town"}
GOV = {"text": "قوات النظام", "name": "النظام السوري", "actor_id": "sy_gov", "role": "actor"}

BODY_A = ("قال قيادي في الفصائل المسلحة فجر اليوم إن قوات النظام انسحبت من مدينة حمص بعد ليلة من المعارك "
          "العنيفة في الأحياء الشمالية، وإن المقاتلين دخلوا السجن العسكري وأخرجوا مئات المعتقلين منه. "
          "وأضاف أن الطرق المؤدية إلى المدينة باتت تحت السيطرة الكاملة وأن الأهالي بدأوا بالعودة إلى بيوتهم.")
BODY_B = ("نفت الوكالة الرسمية ما تداولته مواقع معارضة عن انسحاب الجيش من حمص، وقالت إن الوحدات ما زالت "
          "في مواقعها على أطراف المدينة وإن الاشتباكات مستمرة في محيطها منذ مساء أمس الأحد.")
BODY_C = ("افتتحت مديرية الزراعة في إدلب سوقا جديدة لبيع المحاصيل بحضور عدد من المزارعين، وقال مدير "
          "المديرية إن السوق سيخفف أعباء النقل عن الفلاحين في الريف الجنوبي خلال موسم الحصاد المقبل.")


def _spans(doc_id, text, places, actors):
    out = []
    for p in places:
        i = max(text.find(p["text"]), 0)
        out.append(Span(i, i + len(p["text"]), "PLACE", dict(p), "test", doc_id))
    for a in actors:
        i = max(text.find(a["text"]), 0)
        out.append(Span(i, i + len(a["text"]), "ACTOR", dict(a), "test", doc_id))
    return tuple(out)


def make_doc(doc_id, text, published, events=(), places=(HOMS,), actors=(GOV,), outlet="موقع"):
    return Document(id=doc_id, text=text, origin=Origin(path=f"{doc_id}.txt"), published=published, outlet=outlet,
                    title=text[:30], spans=_spans(doc_id, text, places, actors), events=tuple(events), cleaned=True)


def withdrawal(eid, doc_id, text, modality, date=None):
    return Event(id=eid, type="withdrawal", doc_id=doc_id, actors=(GOV,), location=HOMS,
                 date={"value": date, "precision": "day" if date else None, "basis": None}, modality=modality,
                 mentions=({"doc_id": doc_id, "start": 0, "end": 40, "text": text[:40]},))


def put(store, run, doc):
    raw = RawInput(sha256=sha256_hex(doc.id + doc.text), data=doc.text.encode(), size=len(doc.text), path=doc.origin.path)
    store.put_result(raw, [doc], run)


def link(store):
    return link_pending(store, Linker(), member_from_row)


@pytest.fixture(params=BACKENDS)
def store(request, tmp_path):
    """A fresh store on each backend (the link tables are written through SQLAlchemy Core on both)."""
    if request.param == "postgresql":
        from rasd.store.postgres import PostgresStore

        s = PostgresStore(request.getfixturevalue("pg_cluster").database("link"))
    else:
        s = SqliteStore(tmp_path / "t.db")
    yield s
    s.close()


def _export(store):
    buf = io.StringIO()
    export_events(store, "jsonl", buf)
    return [json.loads(line) for line in buf.getvalue().splitlines()]


def test_unlinked_store_exports_per_document_events(store):
    run = store.begin_run({}, "t")
    put(store, run, make_doc("a", BODY_A, "2024-12-08", [withdrawal("ea", "a", BODY_A, "reported", "2024-12-08")]))
    assert [e["id"] for e in _export(store)] == ["ea"]
    assert "sources" not in _export(store)[0]


def test_two_reports_fuse_with_a_dispute_and_export_once(store):
    run = store.begin_run({}, "t")
    put(store, run, make_doc("a", BODY_A, "2024-12-08", [withdrawal("ea", "a", BODY_A, "reported", "2024-12-08")]))
    put(store, run, make_doc("b", BODY_B, "2024-12-09", [withdrawal("eb", "b", BODY_B, "denied")], outlet="وكالة"))
    put(store, run, make_doc("c", BODY_C, "2024-12-09", places=(IDLIB,), actors=()))
    link(store)
    recs = _export(store)
    assert [r["id"] for r in recs] == ["ea"]
    rec = recs[0]
    assert {m["doc_id"] for m in rec["mentions"]} == {"a", "b"}
    assert rec["disputes"][0]["field"] == "modality"
    assert rec["first_reported"] == "2024-12-08" and rec["last_reported"] == "2024-12-09"
    assert [e.id for e in list_fused_events(store, disputed=True)] == ["ea"]
    stories = {s["id"]: [d["doc_id"] for d in s["documents"]] for s in list_stories(store)}
    assert stories["st_a"] == ["a", "b"] and stories["st_c"] == ["c"]


def test_linking_twice_changes_nothing_and_new_reports_keep_ids(store):
    run = store.begin_run({}, "t")
    put(store, run, make_doc("a", BODY_A, "2024-12-08", [withdrawal("ea", "a", BODY_A, "reported", "2024-12-08")]))
    link(store)
    first = _export(store)
    assert link(store).documents == []
    assert _export(store) == first
    put(store, run, make_doc("b", BODY_B, "2024-12-09", [withdrawal("eb", "b", BODY_B, "denied")]))
    result = link(store)
    assert [d["doc_id"] for d in result.documents] == ["b"]
    assert [r["id"] for r in _export(store)] == ["ea"]
    assert list_stories(store)[0]["id"] == "st_a"


def test_near_duplicate_points_to_its_canonical_and_keeps_its_origin(store):
    run = store.begin_run({}, "t")
    put(store, run, make_doc("a", BODY_A, "2024-12-08"))
    edited = BODY_A.replace("فجر اليوم", "اليوم").replace("العنيفة", "الضارية") + " (وكالات)"
    put(store, run, make_doc("z", edited, "2024-12-08"))
    put(store, run, make_doc("c", BODY_C, "2024-12-08", places=(IDLIB,), actors=()))
    link(store)
    near = list_duplicates(store, "near")
    assert [(d["doc_id"], d["canonical_id"]) for d in near] == [("z", "a")]
    doc = store.get_document("z")
    assert doc.duplicate_of == "a" and doc.origin.path == "z.txt" and doc.text == edited
    assert store.get_document("c").duplicate_of is None


def test_exact_duplicate_found_by_the_store_is_recorded(store):
    run = store.begin_run({}, "t")
    put(store, run, make_doc("a", BODY_A, "2024-12-08"))
    put(store, run, make_doc("b", BODY_A + "  ", "2024-12-08"))
    link(store)
    assert [(d["doc_id"], d["canonical_id"], d["kind"]) for d in list_duplicates(store)] == [("b", "a", "exact")]


def test_iter_linked_events_equals_iter_events_without_links(store):
    run = store.begin_run({}, "t")
    put(store, run, make_doc("a", BODY_A, "2024-12-08", [withdrawal("ea", "a", BODY_A, "reported")]))
    assert [e.id for e in iter_linked_events(store)] == [e.id for e in store.iter_events()]


def test_fused_event_rows_carry_their_story(store):
    run = store.begin_run({}, "t")
    put(store, run, make_doc("a", BODY_A, "2024-12-08", [withdrawal("ea", "a", BODY_A, "reported", "2024-12-08")]))
    put(store, run, make_doc("b", BODY_B, "2024-12-09", [withdrawal("eb", "b", BODY_B, "denied")], outlet="وكالة"))
    link(store)
    from sqlalchemy import select

    from rasd.store.links import fused_events
    with store.engine.connect() as conn:
        rows = conn.execute(select(fused_events.c.id, fused_events.c.story_id)).all()
    assert rows and all(sid == "st_a" for _, sid in rows)


def test_events_extracted_after_linking_are_linked_on_the_next_run(store):
    run = store.begin_run({}, "t")
    put(store, run, make_doc("a", BODY_A, "2024-12-08"))  # ingested without extraction
    put(store, run, make_doc("b", BODY_B, "2024-12-09", [withdrawal("eb", "b", BODY_B, "denied")], outlet="وكالة"))
    link(store)
    assert [r["id"] for r in _export(store)] == ["eb"]
    store.replace_events("a", [withdrawal("ea", "a", BODY_A, "reported", "2024-12-08")])  # `rasd extract`
    result = link(store)
    assert result.counters.get("relinked") == 1 and [d["doc_id"] for d in result.documents] == ["a"]
    recs = _export(store)
    assert len(recs) == 1 and {m["doc_id"] for m in recs[0]["mentions"]} == {"a", "b"}
    assert link(store).documents == []  # nothing stale any more


def test_replaced_events_leave_no_stale_member_and_ids_follow_the_members(store):
    run = store.begin_run({}, "t")
    put(store, run, make_doc("a", BODY_A, "2024-12-08", [withdrawal("ea", "a", BODY_A, "reported", "2024-12-08")]))
    put(store, run, make_doc("b", BODY_B, "2024-12-09", [withdrawal("eb", "b", BODY_B, "denied")], outlet="وكالة"))
    link(store)
    assert [r["id"] for r in _export(store)] == ["ea"]
    store.replace_events("a", [])  # re-extraction finds nothing in the founding document
    link(store)
    recs = _export(store)
    assert [r["id"] for r in recs] == ["eb"]
    assert {m["doc_id"] for m in recs[0]["mentions"]} == {"b"}
    assert list_fused_events(store, disputed=True) == []
