"""The two exports every downstream user reads (OUTPUT.md): documents and events.

`document_record`/`event_record` build exactly OUTPUT.md's fields, in its order. Writers are
looked up in `FORMATS[kind][fmt]`, so other areas plug formats in (`register_format("events",
"geojson", write_geojson)`); a writer takes an iterable of records' sources (`Document` or
`Event`) and an output stream, and returns how many it wrote. A writer registered with
`needs_store=True` also gets the store as `store=` (the ACLED writer looks up source documents).
"""
from __future__ import annotations

import csv
import io
import json
from typing import IO, Any, Callable, Iterable

from rasd.document import Document, Event
from rasd.optional import require_pyarrow

#: OUTPUT.md's documents fields, in order.
DOCUMENT_FIELDS = (
    "id", "origin", "title", "text", "published", "published_source", "outlet", "language",
    "social_posts", "removed", "duplicate_of",
)
#: OUTPUT.md's events fields, in order.
EVENT_FIELDS = (
    "id", "type", "actors", "location", "date", "quantities", "attribution", "modality", "mentions",
)
#: Fields an event may carry after OUTPUT.md's (and `background`), taken from `Event.meta` when
#: present: fusion output, and why an event is background (rasd.extract.genre).
EVENT_EXTRA_FIELDS = ("background_reasons", "sources", "disputes", "first_reported", "last_reported")
#: A document's fields after OUTPUT.md's, present once extraction classified the page:
#: `genre` = {label, p} (rasd.extract.genre).
DOCUMENT_EXTRA_FIELDS = ("genre",)
#: Event export formats that leave background events out unless asked (`include_background`):
#: the ones read as a record of what happened (a map, ACLED rows). JSON Lines and CSV keep every
#: event, marked, so a reader (and the scorer) sees them all.
NEWS_ONLY_FORMATS = frozenset({"acled", "geojson"})

#: Rows per parquet row group: large enough for compression, small enough to stream.
PARQUET_BATCH = 1000

Writer = Callable[[Iterable[Any], IO], int]


def document_record(doc: Document) -> dict:
    """The OUTPUT.md `documents` record of a document (exactly its fields, in order)."""
    return {
        "id": doc.id,
        "origin": {"path": doc.origin.path, "url": doc.origin.url, "part": doc.origin.part},
        "title": doc.title,
        "text": doc.text,
        "published": doc.published,
        "published_source": doc.published_source,
        "outlet": doc.outlet,
        "language": doc.lang,
        "social_posts": [
            {"text": p.text, "author": p.author, "handle": p.handle, "date": p.date, "url": p.url}
            for p in doc.social_posts
        ],
        "removed": [{"text": r.text, "reason": r.reason} for r in doc.removed],
        "duplicate_of": doc.duplicate_of,
        **document_extras(doc),
    }


def document_extras(doc: Document) -> dict:
    """The fields after OUTPUT.md's: `genre` {label, p} where extraction classified the page."""
    g = doc.meta.get("genre")
    if isinstance(g, dict) and g.get("label"):
        return {"genre": {"label": g["label"], "p": g.get("p")}}
    return {}


def is_background(ev: Event) -> bool:
    """True for an event marked background (opinion page, before 1900, recalled history)."""
    return bool(ev.meta.get("background"))


def event_record(ev: Event) -> dict:
    """The OUTPUT.md `events` record of an event, then `background` (always) and the extra fields
    (why it is background, fusion fields) from `meta` where present."""
    rec: dict[str, Any] = {
        "id": ev.id,
        "type": ev.type,
        "actors": [dict(a) for a in ev.actors],
        "location": None if ev.location is None else dict(ev.location),
        "date": dict(ev.date) if ev.date else {"value": None, "precision": None, "basis": None},
        "quantities": [dict(q) for q in ev.quantities],
        "attribution": [dict(a) for a in ev.attribution],
        "modality": ev.modality,
        "mentions": [dict(m) for m in ev.mentions],
        "background": is_background(ev),
    }
    for key in EVENT_EXTRA_FIELDS:
        if key in ev.meta:
            rec[key] = ev.meta[key]
    return rec


# -- writers --------------------------------------------------------------------------------


def _write_jsonl(records: Iterable[dict], out: IO) -> int:
    n = 0
    for rec in records:
        out.write(json.dumps(rec, ensure_ascii=False) + "\n")
        n += 1
    return n


def _csv_cell(value: Any) -> Any:
    """Nested values as JSON strings; None as an empty cell (OUTPUT.md strings are never empty)."""
    if value is None:
        return ""
    if isinstance(value, (dict, list, tuple, bool)):
        return json.dumps(value, ensure_ascii=False)
    return value


def _write_csv(records: Iterable[dict], out: IO, columns: tuple[str, ...]) -> int:
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    n = 0
    for rec in records:
        writer.writerow([_csv_cell(rec.get(k)) for k in columns])
        n += 1
    return n


def write_documents_jsonl(docs: Iterable[Document], out: IO) -> int:
    """One OUTPUT.md document per line, UTF-8, Arabic as Arabic."""
    return _write_jsonl((document_record(d) for d in docs), out)


def write_documents_csv(docs: Iterable[Document], out: IO) -> int:
    """A header of OUTPUT.md's fields and `genre`, then one row per document; nested fields as JSON strings."""
    return _write_csv((document_record(d) for d in docs), out, DOCUMENT_FIELDS + DOCUMENT_EXTRA_FIELDS)



def _binary(out: IO) -> IO:
    """A text stream's byte buffer (stdout), or the stream itself when it is already binary."""
    if isinstance(out, io.TextIOBase):
        buffer = getattr(out, "buffer", None)
        if buffer is None:
            raise TypeError("parquet needs a binary stream (open the file with 'wb')")
        out.flush()
        return buffer
    return out


def documents_parquet_schema() -> Any:
    """The parquet schema of the documents export: OUTPUT.md's fields as native nested types."""
    pa = require_pyarrow("parquet export")
    s = pa.string()
    return pa.schema([
        ("id", s),
        ("origin", pa.struct([("path", s), ("url", s), ("part", pa.int64())])),
        ("title", s), ("text", s), ("published", s), ("published_source", s), ("outlet", s),
        ("language", s),
        ("social_posts", pa.list_(pa.struct([("text", s), ("author", s), ("handle", s), ("date", s), ("url", s)]))),
        ("removed", pa.list_(pa.struct([("text", s), ("reason", s)]))),
        ("duplicate_of", s),
        ("genre", pa.struct([("label", s), ("p", pa.float64())])),
    ])


def write_documents_parquet(docs: Iterable[Document], out: IO) -> int:
    """Documents as parquet (nested fields as structs and lists), written in row groups."""
    pa = require_pyarrow("parquet export")
    import pyarrow.parquet as pq

    schema = documents_parquet_schema()
    n = 0
    with pq.ParquetWriter(_binary(out), schema, compression="zstd") as writer:
        batch: list[dict] = []
        for doc in docs:
            batch.append(document_record(doc))
            if len(batch) >= PARQUET_BATCH:
                writer.write_table(pa.Table.from_pylist(batch, schema=schema))
                n += len(batch)
                batch = []
        if batch or n == 0:
            writer.write_table(pa.Table.from_pylist(batch, schema=schema))
            n += len(batch)
    return n


def write_events_jsonl(evs: Iterable[Event], out: IO) -> int:
    """One OUTPUT.md event per line."""
    return _write_jsonl((event_record(e) for e in evs), out)


def write_events_csv(evs: Iterable[Event], out: IO) -> int:
    """A header of OUTPUT.md's event fields, `background`, then the extra fields (empty when absent); nested as JSON."""
    return _write_csv((event_record(e) for e in evs), out, EVENT_FIELDS + ("background",) + EVENT_EXTRA_FIELDS)


#: kind -> format -> writer. Formats from other areas are added with `register_format`.
FORMATS: dict[str, dict[str, Writer]] = {
    "documents": {
        "jsonl": write_documents_jsonl,
        "csv": write_documents_csv,
        "parquet": write_documents_parquet,
    },
    "events": {
        "jsonl": write_events_jsonl,
        "csv": write_events_csv,
    },
}


#: (kind, fmt) of writers that also take `store=`.
_NEEDS_STORE: set[tuple[str, str]] = set()


def register_format(kind: str, fmt: str, writer: Writer, *, needs_store: bool = False) -> None:
    """Add (or replace) the writer of export format `fmt` for `kind` (`documents` or `events`)."""
    if kind not in FORMATS:
        raise ValueError(f"unknown export kind {kind!r}; use one of {sorted(FORMATS)}")
    FORMATS[kind][fmt] = writer
    (_NEEDS_STORE.add if needs_store else _NEEDS_STORE.discard)((kind, fmt))


def _write(kind: str, fmt: str, items: Iterable[Any], out: IO, store: Any) -> int:
    try:
        writer = FORMATS[kind][fmt]
    except KeyError:
        raise ValueError(f"unknown {kind} export format {fmt!r}; use one of {sorted(FORMATS[kind])}") from None
    if fmt == "parquet":
        require_pyarrow("parquet export")  # fail before reading anything
    if (kind, fmt) in _NEEDS_STORE:
        return writer(items, out, store=store)
    return writer(items, out)


def export_documents(store: Any, fmt: str, out: IO) -> int:
    """Write every stored document to `out` in `fmt` (jsonl, csv, parquet, …); return how many."""
    return _write("documents", fmt, store.iter_documents(), out, store)


def _events_of(store: Any) -> Iterable[Event]:
    """One event per real-world event where the store was linked (fused, with every source), else
    the per-document events exactly as stored."""
    from rasd.store.links import iter_linked_events

    return iter_linked_events(store) if hasattr(store, "engine") else store.iter_events()


def sorted_exports(store: Any) -> tuple[list[str], list[str]]:
    """`rasd export documents` and `rasd export events` as JSON Lines, each sorted: what two runs
    over the same input must agree on, whatever engine or order made them."""
    out = []
    for fn in (export_documents, export_events):
        buf = io.StringIO()
        fn(store, "jsonl", buf)
        out.append(sorted(line for line in buf.getvalue().splitlines() if line.strip()))
    return out[0], out[1]


def export_events(store: Any, fmt: str, out: IO, *, include_background: bool = False) -> int:
    """Write every event to `out` in `fmt` (jsonl, csv, geojson, acled, …); fused where the store is linked.

    The map and ACLED formats (`NEWS_ONLY_FORMATS`) leave background events out unless
    `include_background`; JSON Lines and CSV always hold every event, `background` marked.
    """
    evs = _events_of(store)
    if fmt in NEWS_ONLY_FORMATS and not include_background:
        evs = (e for e in evs if not is_background(e))
    return _write("events", fmt, evs, out, store)


class _DocLookup(dict):
    """docs_by_id for the ACLED writer: fetches a document from the store on first use, then caches it."""

    def __init__(self, store: Any):
        super().__init__()
        self._store = store

    def __missing__(self, doc_id: str):
        doc = self._store.get_document(doc_id)
        self[doc_id] = doc
        return doc

    def get(self, doc_id, default=None):  # type: ignore[override]
        return self[doc_id] if doc_id is not None else default


def write_events_geojson(evs: Iterable[Event], out: IO) -> int:
    """A GeoJSON FeatureCollection of located events (the count of unlocated ones in `unlocated`)."""
    from rasd.store.export_events import to_geojson

    fc = to_geojson(evs)
    json.dump(fc, out, ensure_ascii=False)
    out.write("\n")
    return len(fc.get("features", []))


def write_events_acled(evs: Iterable[Event], out: IO, *, store: Any) -> int:
    """The ACLED column set, one row per event, following ACLED's coding rules where they apply."""
    from rasd.store.export_events import ACLED_COLUMNS, to_acled_rows

    w = csv.DictWriter(out, fieldnames=list(ACLED_COLUMNS), extrasaction="ignore")
    w.writeheader()
    n = 0
    for row in to_acled_rows(evs, _DocLookup(store)):
        w.writerow(row)
        n += 1
    return n


register_format("events", "geojson", write_events_geojson)
register_format("events", "acled", write_events_acled, needs_store=True)
