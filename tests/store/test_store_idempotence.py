"""Re-running changes nothing; exact duplicates link to the earliest copy; quarantine is stored once."""
from __future__ import annotations

import dataclasses

import pytest

from rasd.document import Document, Origin, Quarantined, RawInput, sha256_hex
from rasd.store.base import raw_source_key

TABLES = ("raw_inputs", "documents", "removed", "social_posts", "spans", "events", "processed", "quarantine")


def _row_counts(store) -> dict[str, int]:
    """Rows per table, read through the store's own engine (either backend)."""
    from sqlalchemy import text

    with store.engine.connect() as con:
        return {t: con.execute(text(f"SELECT count(*) FROM {t}")).scalar() for t in TABLES}


def test_putting_the_same_result_twice_changes_nothing(store, make_result, tmp_path) -> None:
    run = store.begin_run({}, "test")
    results = [make_result(f"جملة {i} عن وصول نازحين إلى مخيم قرب الحدود.", path=f"/{i}.txt", parts=2)
               for i in range(4)]
    assert sum(store.put_result(raw, docs, run) for raw, docs in results) == 8
    before, stats_before = _row_counts(store), store.stats()
    docs_before = list(store.iter_documents())
    run2 = store.begin_run({}, "test")
    assert sum(store.put_result(raw, docs, run2) for raw, docs in results) == 0
    assert _row_counts(store) == before
    assert store.stats()["documents"] == stats_before["documents"]
    assert list(store.iter_documents()) == docs_before


def test_a_stored_id_is_never_overwritten(store, make_result) -> None:
    run = store.begin_run({}, "test")
    raw, (doc,) = make_result("النص الأول كما خزن أول مرة.")
    store.put_result(raw, [doc], run)
    changed = dataclasses.replace(doc, text="نص مختلف تماماً", title=None, removed=())
    assert store.put_result(raw, [changed], run) == 0
    assert store.get_document(doc.id) == doc


def test_is_done_marks_a_raw_record_after_put_result(store, make_result) -> None:
    run = store.begin_run({}, "test")
    raw, docs = make_result("خبر عن إعادة فتح معبر حدودي.", path="/in/a.jsonl", record=3)
    key = raw_source_key(raw)
    assert key == "a.jsonl#3"  # file name, not absolute path: the same on every machine
    assert not store.is_done(raw.sha256, key)
    store.put_result(raw, docs, run)
    assert store.is_done(raw.sha256, key)
    assert not store.is_done(raw.sha256, "other.jsonl#3")
    empty = RawInput(sha256=sha256_hex(b"x"), data=b"x", size=1, path="/in/b.txt")
    store.put_result(empty, [], run)  # a record that yielded no documents is still done
    assert store.is_done(empty.sha256, raw_source_key(empty))


def _doc(doc_id: str, text: str, **kw) -> Document:
    return Document(id=doc_id, text=text, origin=Origin(path=f"/{doc_id}.txt"), **kw)


def _raw(tag: str) -> RawInput:
    return RawInput(sha256=sha256_hex(tag), data=tag.encode(), size=len(tag), path=f"/{tag}.txt")


def test_exact_duplicates_point_to_the_earliest_stored_copy(store) -> None:
    run = store.begin_run({}, "test")
    text = "أعلنت وزارة الصحة تسجيل ١٢ إصابة جديدة في المحافظة."
    # The same words with diacritics, tatweel, a different alef, Arabic-Indic vs ASCII digits, extra spaces.
    variant = "أعلنَت وزارة الصحـة  تسجيل 12 إصابة جديدة في المحافظة."
    store.put_result(_raw("a"), [_doc("a", text)], run)
    store.put_result(_raw("b"), [_doc("b", variant)], run)
    store.put_result(_raw("c"), [_doc("c", text)], run)
    store.put_result(_raw("d"), [_doc("d", "خبر آخر لا علاقة له بما سبق.")], run)
    assert store.get_document("a").duplicate_of is None
    assert store.get_document("b").duplicate_of == "a"
    assert store.get_document("c").duplicate_of == "a"
    assert store.get_document("d").duplicate_of is None
    assert store.stats()["documents"]["duplicates"] == 2


def test_duplicates_inside_one_result_and_given_links_are_kept(store) -> None:
    run = store.begin_run({}, "test")
    text = "سقط صاروخ على مبنى سكني في المدينة."
    docs = [_doc("p0", text), _doc("p1", text), _doc("p2", "نص قريب", duplicate_of="zz-near")]
    store.put_result(_raw("page"), docs, run)
    assert store.get_document("p1").duplicate_of == "p0"
    assert store.get_document("p2").duplicate_of == "zz-near"  # a near-duplicate link from upstream stays


def test_empty_texts_are_not_linked_as_duplicates(store) -> None:
    run = store.begin_run({}, "test")
    store.put_result(_raw("e1"), [_doc("e1", "")], run)
    store.put_result(_raw("e2"), [_doc("e2", " \u0640 ")], run)  # only a space and a tatweel
    assert store.get_document("e2").duplicate_of is None


def test_quarantine_is_stored_once_per_record_stage_and_reason(store) -> None:
    run = store.begin_run({}, "test")
    raw = RawInput(sha256=sha256_hex(b"\xff\xfe\x00bad"), data=b"\xff\xfe\x00bad", size=6, path="/bad.bin")
    q = Quarantined(stage="ingest", reason="undecodable", detail="no encoding fits", path="/bad.bin",
                    raw_sha256=raw.sha256)
    store.put_quarantine(raw, q, run)
    store.put_quarantine(raw, q, store.begin_run({}, "test"))  # a re-run
    assert len(store.list_quarantine()) == 1
    store.put_quarantine(raw, dataclasses.replace(q, reason="not_text"), run)
    assert [r["reason"] for r in store.list_quarantine()] == ["undecodable", "not_text"]
    assert len(store.list_quarantine("not_text")) == 1
    assert store.get_raw(raw.sha256) == raw.data  # the bytes are kept with the quarantine
    # Without any raw record, the same path/record/detail is still recognised as the same failure.
    bare = Quarantined(stage="clean", reason="timeout", detail="over 5 s", path="/slow.html", record=4)
    store.put_quarantine(None, bare, run)
    store.put_quarantine(None, bare, run)
    assert len(store.list_quarantine("timeout")) == 1
    assert store.stats()["quarantine_by_reason"] == {"not_text": 1, "timeout": 1, "undecodable": 1}


def test_runs_keep_config_counts_and_status(store) -> None:
    run = store.begin_run({"clean": {"min_chars": 40}}, "0.1.0")
    (row,) = store.list_runs()
    assert row["status"] == "running"  # our own live run is not "interrupted"
    store.finish_run(run, {"clean.kept": 3}, status="failed")
    (row,) = store.list_runs()
    assert (row["status"], row["config"], row["counts"], row["version"]) == (
        "failed", {"clean": {"min_chars": 40}}, {"clean.kept": 3}, "0.1.0")
    assert row["finished_at"] is not None
    with pytest.raises(ValueError):
        store.finish_run(run, {}, status="running")
    with pytest.raises(KeyError):
        store.finish_run("no-such-run", {})


def test_reopening_keeps_everything(tmp_path, make_result) -> None:
    from rasd.store.sqlite import SqliteStore

    with SqliteStore(tmp_path / "x.db") as s:
        run = s.begin_run({}, "t")
        raw, docs = make_result("خبر يبقى بعد إعادة فتح قاعدة البيانات.")
        s.put_result(raw, docs, run)
        s.finish_run(run, {})
    with SqliteStore(tmp_path / "x.db") as s:
        assert s.get_document(docs[0].id) == docs[0]
        assert [r["status"] for r in s.list_runs()] == ["ok"]


def test_is_done_also_knows_a_documents_own_source_key(store) -> None:
    run = store.begin_run({}, "test")
    raw = _raw("page")  # the reader knew only the file
    doc = Document(id="u1", text="نص", origin=Origin(path="/page.txt", url="https://example.org/ar/news/1"))
    store.put_result(raw, [doc], run)
    assert store.is_done(raw.sha256, raw_source_key(raw))
    assert store.is_done(raw.sha256, doc.origin.source_key())
