"""Exports carry exactly OUTPUT.md's fields, and CSV/parquet read back to the same records."""
from __future__ import annotations

import csv
import io
import json
import re
import sys
from pathlib import Path

import pytest

from rasd.document import Document, Event, Origin, Removed, SocialPost
from rasd.store import export
from rasd.store.export import (
    DOCUMENT_EXTRA_FIELDS,
    DOCUMENT_FIELDS,
    EVENT_FIELDS,
    FORMATS,
    document_record,
    event_record,
    export_documents,
    export_events,
    register_format,
)

OUTPUT_MD = Path(__file__).resolve().parents[2] / ".." / "shared" / "spec" / "OUTPUT.md"


def _spec_tables() -> dict[str, list[tuple[str, str]]]:
    """OUTPUT.md's tables: section name -> [(field, meaning cell)], in order."""
    if not OUTPUT_MD.exists():
        pytest.skip("needs ../shared/spec/OUTPUT.md (absent on this machine)")
    sections: dict[str, list[tuple[str, str]]] = {}
    current = None
    for line in OUTPUT_MD.read_text("utf-8").splitlines():
        head = re.match(r"^##\s+(\w+)", line)
        if head:
            current = head.group(1)
            sections[current] = []
            continue
        row = re.match(r"^\|\s*`([a-z_0-9]+)`\s*\|[^|]*\|(.*)\|\s*$", line)
        if row and current:
            sections[current].append((row.group(1), row.group(2)))
    return sections


def _sub_fields(meaning: str) -> list[str]:
    return re.findall(r"`([a-z_0-9]+)`", meaning)


@pytest.fixture
def sample_doc() -> Document:
    return Document(
        id="d0", text="أفادت مصادر بمقتل شخصين، وإصابة \"ثلاثة\" آخرين.\n\nوأضافت أن الحادث وقع مساءً.",
        origin=Origin(path="/in/ملف.html", url="https://example.org/a?b=1,2", part=1, record=5),
        title="مقتل شخصين في حادث", published="2024-01-15", published_source="text", outlet="مثال نيوز",
        removed=(Removed("شارك على فيسبوك", "share_widget"), Removed("اقرأ أيضاً, مقال", "related")),
        social_posts=(SocialPost("تغريدة، فيها فاصلة", "اسم", "@h", "2024-01-15", "https://x.com/h/status/9"),),
        meta={"not": "exported"}, duplicate_of="d9",
    )


@pytest.fixture
def sample_event() -> Event:
    return Event(
        id="e0", type="armed_clash", doc_id="d0",
        actors=({"text": "مسلحون", "name": "مسلحون", "actor_id": None, "role": "actor"},),
        location={"text": "حلب", "name": "حلب", "name_en": "Aleppo", "place_id": 170063, "lat": 36.2, "lon": 37.16,
                  "admin1": "حلب", "precision": "town"},
        date={"value": "2024-01-15", "precision": "day", "basis": "absolute"},
        quantities=({"value": 2, "unit": "killed", "approx": False, "text": "شخصين"},),
        attribution=({"text": "مصادر", "name": None, "source_id": None},), modality="reported",
        mentions=({"doc_id": "d0", "start": 6, "end": 11, "text": "مصادر"},),
        meta={"sources": ["d0", "d1"], "internal": 1},
    )


def test_document_record_has_exactly_output_md_fields(sample_doc) -> None:
    spec = dict(_spec_tables()["documents"])
    rec = document_record(sample_doc)
    assert list(rec) == list(spec) == list(DOCUMENT_FIELDS)
    assert list(rec["origin"]) == _sub_fields(spec["origin"])
    assert list(rec["social_posts"][0]) == _sub_fields(spec["social_posts"])
    assert list(rec["removed"][0]) == _sub_fields(spec["removed"])


def test_event_record_has_output_md_fields_then_known_extras(sample_event) -> None:
    spec = [name for name, _ in _spec_tables()["events"]]
    rec = event_record(sample_event)
    assert list(rec)[: len(spec)] == spec == list(EVENT_FIELDS)
    assert list(rec)[len(spec):] == ["background", "sources"]  # from meta; "internal" stays internal
    bare = event_record(Event(id="e1", type="protest", doc_id="d0"))
    assert list(bare) == spec + ["background"] and bare["background"] is False


def _store_with(store, docs, events=()) -> None:
    from rasd.document import RawInput, sha256_hex

    run = store.begin_run({}, "test")
    for d in docs:
        raw = RawInput(sha256=sha256_hex(d.id), data=d.id.encode(), size=len(d.id), path=d.origin.path)
        store.put_result(raw, [d], run)
    if events:
        store.replace_events(docs[0].id, events)


def test_jsonl_export_writes_arabic_as_arabic(store, sample_doc, sample_event) -> None:
    _store_with(store, [sample_doc], [sample_event])
    out = io.StringIO()
    assert export_documents(store, "jsonl", out) == 1
    assert "\\u06" not in out.getvalue() and "مقتل" in out.getvalue()
    stored = store.get_document(sample_doc.id)
    assert [json.loads(line) for line in out.getvalue().splitlines()] == [document_record(stored)]
    out = io.StringIO()
    assert export_events(store, "jsonl", out) == 1
    assert json.loads(out.getvalue()) == event_record(sample_event)


def _read_csv(text: str, nested: set[str]) -> list[dict]:
    rows = []
    for row in csv.DictReader(io.StringIO(text)):
        rec = {}
        for k, v in row.items():
            if k in nested:
                rec[k] = json.loads(v) if v else None
            elif v == "":
                rec[k] = None
            else:
                rec[k] = v
        rows.append(rec)
    return rows


def test_csv_export_reads_back_to_the_same_records(store, sample_doc, sample_event) -> None:
    plain = Document(id="d1", text="سطر أول\nسطر ثان", origin=Origin(path="/b.txt"), outlet=None)
    _store_with(store, [sample_doc, plain], [sample_event])
    out = io.StringIO()
    assert export_documents(store, "csv", out) == 2
    got = _read_csv(out.getvalue(), {"origin", "social_posts", "removed", "genre"})
    want = [{"genre": None, **document_record(d)} for d in store.iter_documents()]  # an empty cell: never classified
    assert got == want
    assert out.getvalue().splitlines()[0].split(",") == list(DOCUMENT_FIELDS + DOCUMENT_EXTRA_FIELDS)
    out = io.StringIO()
    assert export_events(store, "csv", out) == 1
    (ev,) = _read_csv(out.getvalue(), {"actors", "location", "date", "quantities", "attribution", "mentions",
                                       "background", "sources", "disputes", "first_reported", "last_reported"})
    assert {k: v for k, v in ev.items() if v is not None} == event_record(sample_event)


def test_parquet_export_reads_back_to_the_same_records(store, sample_doc) -> None:
    pq = pytest.importorskip("pyarrow.parquet")
    plain = Document(id="d1", text="نص بلا عناصر محذوفة", origin=Origin(url="https://example.org/x"))
    _store_with(store, [sample_doc, plain])
    buf = io.BytesIO()
    assert export_documents(store, "parquet", buf) == 2
    table = pq.read_table(io.BytesIO(buf.getvalue()))
    assert table.column_names == list(DOCUMENT_FIELDS + DOCUMENT_EXTRA_FIELDS)
    assert table.to_pylist() == [{"genre": None, **document_record(d)} for d in store.iter_documents()]


def test_parquet_without_pyarrow_names_the_fix(store, monkeypatch) -> None:
    monkeypatch.setitem(sys.modules, "pyarrow", None)
    monkeypatch.setitem(sys.modules, "pyarrow.parquet", None)
    with pytest.raises(ImportError, match=re.escape("pip install rasd[parquet]")):
        export_documents(store, "parquet", io.BytesIO())


def test_unknown_format_is_refused_and_new_formats_plug_in(store, sample_doc, sample_event) -> None:
    with pytest.raises(ValueError, match="jsonl"):
        export_events(store, "xml", io.StringIO())
    _store_with(store, [sample_doc], [sample_event])

    def write_ids(evs, out) -> int:
        ids = [e.id for e in evs]
        out.write(" ".join(ids))
        return len(ids)

    register_format("events", "ids", write_ids)
    try:
        out = io.StringIO()
        assert export_events(store, "ids", out) == 1 and out.getvalue() == "e0"
    finally:
        FORMATS["events"].pop("ids")
    with pytest.raises(ValueError):
        register_format("places", "x", write_ids)
    assert export.FORMATS is FORMATS
