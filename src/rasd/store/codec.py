"""Rows <-> records: how a `Document` and an `Event` are laid out in the store's tables.

Shared by every SQL backend, so SQLite and PostgreSQL store byte-identical JSON.
"""
from __future__ import annotations

import json
from typing import Any, Iterable, Mapping

from rasd.document import Document, Event, Origin, Removed, Segment, SocialPost, Span


def dumps(obj: Any) -> str:
    """Compact JSON with Arabic kept as Arabic (what every JSON column holds)."""
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":"))


def loads(text: str | None) -> Any:
    """Parse a JSON column (None stays None)."""
    return None if text is None else json.loads(text)


def document_row(
    doc: Document, *, content_hash: str | None, duplicate_of: str | None, run_id: str | None, now: str
) -> dict:
    """The `documents` row of a document (children go to their own tables)."""
    o = doc.origin
    return {
        "id": doc.id,
        "raw_sha256": o.raw_sha256,
        "part": o.part,
        "path": o.path,
        "url": o.url,
        "record": o.record,
        "ingested_at": o.ingested_at,
        "title": doc.title,
        "kicker": doc.kicker,
        "text": doc.text,
        "published": doc.published,
        "published_source": doc.published_source,
        "outlet": doc.outlet,
        "language": doc.lang,
        "duplicate_of": duplicate_of,
        "content_hash": content_hash,
        "cleaned": 1 if doc.cleaned else 0,
        "meta": dumps(dict(doc.meta)),
        "offset_map": dumps([[s.clean_start, s.raw_start, s.length] for s in doc.offset_map]),
        "run_id": run_id,
        "created_at": now,
    }


def removed_rows(doc: Document) -> list[dict]:
    """Rows of the `removed` table for a document."""
    return [
        {"doc_id": doc.id, "seq": i, "text": r.text, "reason": r.reason, "start": r.start,
         "end": r.end, "detector": r.detector}
        for i, r in enumerate(doc.removed)
    ]


def social_rows(doc: Document) -> list[dict]:
    """Rows of the `social_posts` table for a document."""
    return [
        {"doc_id": doc.id, "seq": i, "text": p.text, "author": p.author, "handle": p.handle,
         "date": p.date, "url": p.url}
        for i, p in enumerate(doc.social_posts)
    ]


def span_rows(doc: Document) -> list[dict]:
    """Rows of the `spans` table for a document."""
    return [
        {"doc_id": doc.id, "seq": i, "start": s.start, "end": s.end, "label": s.label,
         "value": dumps(s.value), "produced_by": s.produced_by, "span_doc_id": s.doc_id}
        for i, s in enumerate(doc.spans)
    ]


def event_json(ev: Event) -> dict:
    """Everything an `Event` holds, as a JSON-ready dict (the `events.record` column)."""
    return {
        "id": ev.id,
        "type": ev.type,
        "doc_id": ev.doc_id,
        "actors": list(ev.actors),
        "location": ev.location,
        "date": ev.date,
        "quantities": list(ev.quantities),
        "attribution": list(ev.attribution),
        "modality": ev.modality,
        "mentions": list(ev.mentions),
        "meta": dict(ev.meta),
    }


def event_row(ev: Event, *, doc_id: str, seq: int, run_id: str | None) -> dict:
    """The `events` row of an event; `doc_id` is the document that owns it in the store."""
    location = ev.location or {}
    date = ev.date or {}
    return {
        "id": ev.id,
        "doc_id": doc_id,
        "seq": seq,
        "type": ev.type,
        "record": dumps(event_json(ev)),
        "date_value": date.get("value"),
        "admin1": location.get("admin1"),
        "run_id": run_id,
    }


def event_from_json(rec: Mapping[str, Any]) -> Event:
    """Rebuild an `Event` from its `events.record` JSON."""
    return Event(
        id=rec["id"],
        type=rec["type"],
        doc_id=rec["doc_id"],
        actors=tuple(rec.get("actors") or ()),
        location=rec.get("location"),
        date=rec.get("date") or {"value": None, "precision": None, "basis": None},
        quantities=tuple(rec.get("quantities") or ()),
        attribution=tuple(rec.get("attribution") or ()),
        modality=rec.get("modality") or "asserted",
        mentions=tuple(rec.get("mentions") or ()),
        meta=rec.get("meta") or {},
    )


def document_from_rows(
    row: Mapping[str, Any],
    removed: Iterable[Mapping[str, Any]],
    social: Iterable[Mapping[str, Any]],
    spans: Iterable[Mapping[str, Any]],
    events: Iterable[Event],
) -> Document:
    """Rebuild a `Document` from its row and its children (each already in `seq` order).

    `raw_text` is not stored (the raw bytes are, in `raw_inputs`), so it comes back as None.
    """
    origin = Origin(
        path=row["path"], url=row["url"], part=row["part"], record=row["record"],
        raw_sha256=row["raw_sha256"], ingested_at=row["ingested_at"],
    )
    return Document(
        id=row["id"],
        text=row["text"],
        origin=origin,
        lang=row["language"],
        title=row["title"],
        kicker=row["kicker"],
        published=row["published"],
        published_source=row["published_source"],
        outlet=row["outlet"],
        meta=loads(row["meta"]) or {},
        raw_text=None,
        removed=tuple(
            Removed(text=r["text"], reason=r["reason"], start=r["start"], end=r["end"], detector=r["detector"])
            for r in removed
        ),
        social_posts=tuple(
            SocialPost(text=p["text"], author=p["author"], handle=p["handle"], date=p["date"], url=p["url"])
            for p in social
        ),
        spans=tuple(
            Span(start=s["start"], end=s["end"], label=s["label"], value=loads(s["value"]),
                 produced_by=s["produced_by"], doc_id=s["span_doc_id"])
            for s in spans
        ),
        offset_map=tuple(Segment(c, r, n) for c, r, n in (loads(row["offset_map"]) or ())),
        duplicate_of=row["duplicate_of"],
        cleaned=bool(row["cleaned"]),
        events=tuple(events),
    )
