"""Linking killed between two saved batches resumes to the store an uninterrupted run makes (issue 12).

A kill is simulated in-process: `save_result` raises once `k` batches are saved, exactly what a
SIGKILL between two transactions leaves. tests/store/test_store_crash_points.py kills a real
`rasd run` at random statements, inside transactions included.
"""
from array import array

import pytest
from sqlalchemy import select

import rasd.store.links as links
from rasd.link.stage import Linker, LinkOptions, member_from_row
from rasd.link.stories import story_text
from rasd.store.links import link_pending, link_table_rows, list_fused_events, pending_doc_ids
from rasd.store.schema import documents
from rasd.store.sqlite import SqliteStore
from tests.link.test_link_store import BODY_A, BODY_B, BODY_C, IDLIB, _export, make_doc, put, withdrawal

BODY_D = ("أكدت مصادر محلية في حمص صباح اليوم أن آخر الوحدات العسكرية غادرت المدينة باتجاه الساحل، "
          "وأن الفصائل انتشرت في الساحات العامة ومحيط المباني الحكومية دون أن تسجل مواجهات تذكر.")
EDITED_A = BODY_A.replace("فجر اليوم", "اليوم").replace("العنيفة", "الضارية") + " (وكالات)"


def fill(store):
    """Six documents over three days: a fused pair with a dispute, a near and an exact duplicate,
    a third report of the same event and an unrelated page."""
    run = store.begin_run({}, "t")
    put(store, run, make_doc("a", BODY_A, "2024-12-08", [withdrawal("ea", "a", BODY_A, "reported", "2024-12-08")]))
    put(store, run, make_doc("z", EDITED_A, "2024-12-08", [withdrawal("ez", "z", EDITED_A, "reported", "2024-12-08")]))
    put(store, run, make_doc("b", BODY_B, "2024-12-09", [withdrawal("eb", "b", BODY_B, "denied")], outlet="وكالة"))
    put(store, run, make_doc("c", BODY_C, "2024-12-09", places=(IDLIB,), actors=()))
    put(store, run, make_doc("d", BODY_D, "2024-12-10", [withdrawal("ed", "d", BODY_D, "reported")], outlet="صحيفة"))
    put(store, run, make_doc("e", BODY_C + " ", "2024-12-10", places=(IDLIB,), actors=()))


def snapshot(store) -> dict:
    """Every link table (clock columns left out), documents' duplicate marks and the event export."""
    out = link_table_rows(store)
    with store.engine.connect() as conn:
        out["documents"] = sorted(tuple(r) for r in conn.execute(select(documents.c.id, documents.c.duplicate_of)))
    out["export"] = _export(store)
    return out


def fake_embed(texts):
    """Vectors that float32 cannot hold exactly (the stored form is float32)."""
    return [[1 / 3 + (len(t) % 7) / 10, 2 / 3, 1 / 7] for t in texts]


def linker(batch_docs: int = 1, embed=fake_embed) -> Linker:
    return Linker(LinkOptions(batch_docs=batch_docs), embed=embed)


class Killed(Exception):
    """Stands for the SIGKILL: nothing after it runs."""


def link_killed_after(store, monkeypatch, k: int) -> None:
    """Link with one document per batch; die when `k` batches are saved."""
    saved = [0]
    original = links.save_result

    def save(*args, **kwargs):
        if saved[0] == k:
            raise Killed
        saved[0] += 1
        return original(*args, **kwargs)

    monkeypatch.setattr(links, "save_result", save)
    with pytest.raises(Killed):
        link_pending(store, linker(), member_from_row)
    monkeypatch.setattr(links, "save_result", original)


@pytest.fixture()
def clean(tmp_path):
    s = SqliteStore(tmp_path / "clean.db")
    fill(s)
    link_pending(s, linker(), member_from_row)
    yield snapshot(s)
    s.close()


@pytest.mark.parametrize("k", range(6))
def test_linking_killed_after_k_batches_keeps_them_and_resumes_to_the_clean_store(tmp_path, monkeypatch, clean, k):
    store = SqliteStore(tmp_path / "killed.db")
    fill(store)
    link_killed_after(store, monkeypatch, k)
    assert len(pending_doc_ids(store)) == 6 - k  # the saved batches are kept, not thrown away
    result = link_pending(store, linker(), member_from_row)
    assert len(result.documents) == 6 - k
    assert snapshot(store) == clean
    store.close()


def test_the_clean_store_has_the_links_the_resume_must_rebuild(clean):
    # the comparison above is only worth something if there is something to get wrong
    assert {(r[0], r[1], r[3]) for r in clean["link_duplicates"]} == {("z", "a", "near"), ("e", "c", "exact")}
    # eb and ez join ea in later batches than ea's (ez's page is a copy: 2 sources, 3 members)
    assert {(r[0], r[3], r[4]) for r in clean["fused_events"]} == {("ea", 2, 3), ("ed", 1, 1)}
    stories = {}
    for doc_id, story_id, *_ in clean["story_documents"]:
        stories.setdefault(story_id, set()).add(doc_id)
    assert stories["st_a"] == {"a", "z"} and stories["st_c"] == {"c", "e"}


def test_one_batch_and_many_batches_link_alike(tmp_path):
    stores = []
    for n in (0, 1, 2, 256):
        s = SqliteStore(tmp_path / f"b{n}.db")
        fill(s)
        link_pending(s, linker(batch_docs=n), member_from_row)
        stores.append(snapshot(s))
        s.close()
    assert all(x == stores[0] for x in stores[1:])


def test_vectors_are_decided_on_as_stored():
    result = Linker(embed=fake_embed).link([make_doc("a", BODY_A, "2024-12-08")])
    vec = list(result.documents[0]["vector"])
    assert vec == array("f", vec).tolist() and vec != fake_embed([BODY_A])[0]


def test_a_kill_after_unlinking_a_changed_document_loses_no_fused_record(tmp_path, monkeypatch):
    def changed(name):
        s = SqliteStore(tmp_path / name)
        fill(s)
        link_pending(s, linker(), member_from_row)
        s.replace_events("a", [])  # `rasd extract` found nothing in the founding document any more
        return s

    reference = changed("reference.db")
    link_pending(reference, linker(), member_from_row)
    store = changed("killed.db")
    link_killed_after(store, monkeypatch, 0)  # the unlinking is saved, the relinking is not
    link_pending(store, linker(), member_from_row)
    assert snapshot(store) == snapshot(reference)
    assert "ea" not in {e.id for e in list_fused_events(store)}
    assert {e.id for e in list_fused_events(store)} >= {"ez"}  # renamed after its first remaining member
    reference.close()
    store.close()


def test_link_ordered_refuses_a_page_out_of_link_order():
    later, earlier = make_doc("b", BODY_B, "2024-12-09"), make_doc("a", BODY_A, "2024-12-08")
    lk = linker()
    lk.prime([later, earlier])
    with pytest.raises(ValueError, match="out of link order"):
        list(lk.link_ordered([later, earlier]))


def test_the_batch_before_a_page_out_of_order_is_linked_before_the_error():
    # the encoder reads one batch ahead (in a thread): the error that reading ahead meets must
    # still come after the batch before it, which a store has saved by then
    first, later, earlier = (make_doc("c", BODY_C, "2024-12-07"), make_doc("b", BODY_B, "2024-12-09"),
                             make_doc("a", BODY_A, "2024-12-08"))
    lk = linker(batch_docs=1)
    lk.prime([first, later, earlier])
    got = []
    with pytest.raises(ValueError, match="out of link order"):
        for part in lk.link_ordered([first, later, earlier]):
            got.append([d["doc_id"] for d in part.documents])
    assert got == [["c"], ["b"]]


@pytest.mark.parametrize("batch_docs", [1, 2, 0])
def test_vectors_read_ahead_are_those_of_each_batchs_own_documents(batch_docs):
    docs = [make_doc(k, body, day) for k, body, day in
            (("a", BODY_A, "2024-12-08"), ("b", BODY_B, "2024-12-09"), ("c", BODY_C, "2024-12-09"),
             ("d", BODY_D, "2024-12-10"), ("e", EDITED_A, "2024-12-11"))]
    calls = []

    def embed(texts):
        calls.append(len(texts))
        return fake_embed(texts)

    lk = linker(batch_docs=batch_docs, embed=embed)
    parts = list(lk.link_batches(docs, batch_docs=batch_docs))
    vectors = {d["doc_id"]: list(d["vector"]) for p in parts for d in p.documents}
    assert vectors == {d.id: [array("f", v).tolist() for v in fake_embed([story_text(d)])][0] for d in docs}
    assert sum(calls) == 5 and lk.counters.as_dict()["embedded"] == 5
    assert len(calls) == (1 if batch_docs == 0 else -(-5 // batch_docs))


def test_pending_ids_come_in_link_order(tmp_path):
    s = SqliteStore(tmp_path / "o.db")
    fill(s)
    run = s.begin_run({}, "t")
    put(s, run, make_doc("u", BODY_D + " .", None))  # undated: last
    assert pending_doc_ids(s) == ["a", "z", "b", "c", "d", "e", "u"]
    s.close()
