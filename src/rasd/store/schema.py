"""The store's tables, as portable SQLAlchemy Core metadata (SQLite now, PostgreSQL later).

Portability rules kept here: JSON is stored as TEXT (serialised by the store, not the database),
no dialect-specific column types, every index named. Columns called `start`/`end` are quoted by
SQLAlchemy where the dialect needs it.
"""
from __future__ import annotations

from sqlalchemy import (
    Column,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
    UniqueConstraint,
)

#: Bumped when a table or column changes; a database written by a newer rasd is refused.
SCHEMA_VERSION = 1

metadata = MetaData()

schema_version = Table(
    "schema_version",
    metadata,
    Column("version", Integer, primary_key=True, autoincrement=False),
    Column("applied_at", String(40), nullable=False),
)

runs = Table(
    "runs",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("started_at", String(40), nullable=False),
    Column("finished_at", String(40)),
    Column("version", String(40), nullable=False),
    Column("config", Text, nullable=False),            # JSON
    Column("counts", Text),                            # JSON
    Column("status", String(20), nullable=False),      # running | ok | failed | interrupted | ...
    Column("host", String(255)),                       # with pid: tells a dead run from a live one
    Column("pid", Integer),
)

raw_inputs = Table(
    "raw_inputs",
    metadata,
    Column("sha256", String(64), primary_key=True),
    Column("data", LargeBinary),                       # NULL when not kept (over the size limit)
    Column("size", Integer, nullable=False),
    Column("path", Text),
    Column("url", Text),
    Column("media_type", String(255), nullable=False),
    Column("record", Integer),
    Column("first_seen", String(40), nullable=False),
)

#: (raw record, source) pairs whose results were fully written: the resume/idempotence marker.
processed = Table(
    "processed",
    metadata,
    Column("raw_sha256", String(64), nullable=False),
    Column("source_key", Text, nullable=False),
    Column("run_id", String(64)),
    Column("done_at", String(40), nullable=False),
    PrimaryKeyConstraint("raw_sha256", "source_key", name="pk_processed"),
)

documents = Table(
    "documents",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("raw_sha256", String(64)),
    Column("part", Integer, nullable=False),
    Column("path", Text),
    Column("url", Text),
    Column("record", Integer),
    Column("ingested_at", String(40)),
    Column("title", Text),
    Column("kicker", Text),
    Column("text", Text, nullable=False),              # the cleaned text only; raw bytes are in raw_inputs
    Column("published", String(10)),
    Column("published_source", String(20)),
    Column("outlet", Text),
    Column("language", String(16), nullable=False),
    Column("duplicate_of", String(64)),
    Column("content_hash", String(64)),                # sha256(normalize_key(text)); NULL for empty text
    Column("cleaned", Integer, nullable=False),        # 0/1
    Column("meta", Text, nullable=False),              # JSON
    Column("offset_map", Text, nullable=False),        # JSON [[clean_start, raw_start, length], ...]
    Column("run_id", String(64)),
    Column("created_at", String(40), nullable=False),
    Index("ix_documents_content_hash", "content_hash"),
    Index("ix_documents_raw_sha256", "raw_sha256"),
)

removed = Table(
    "removed",
    metadata,
    Column("doc_id", String(64), ForeignKey("documents.id"), nullable=False),
    Column("seq", Integer, nullable=False),
    Column("text", Text, nullable=False),
    Column("reason", String(64), nullable=False),
    Column("start", Integer),
    Column("end", Integer),
    Column("detector", Text, nullable=False),
    PrimaryKeyConstraint("doc_id", "seq", name="pk_removed"),
)

social_posts = Table(
    "social_posts",
    metadata,
    Column("doc_id", String(64), ForeignKey("documents.id"), nullable=False),
    Column("seq", Integer, nullable=False),
    Column("text", Text, nullable=False),
    Column("author", Text),
    Column("handle", Text),
    Column("date", String(40)),
    Column("url", Text),
    PrimaryKeyConstraint("doc_id", "seq", name="pk_social_posts"),
)

spans = Table(
    "spans",
    metadata,
    Column("doc_id", String(64), ForeignKey("documents.id"), nullable=False),
    Column("seq", Integer, nullable=False),
    Column("start", Integer, nullable=False),
    Column("end", Integer, nullable=False),
    Column("label", String(64), nullable=False),
    Column("value", Text, nullable=False),             # JSON
    Column("produced_by", Text, nullable=False),
    Column("span_doc_id", String(64)),                 # Span.doc_id as given (may be NULL)
    PrimaryKeyConstraint("doc_id", "seq", name="pk_spans"),
)

events = Table(
    "events",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("doc_id", String(64), nullable=False),
    Column("seq", Integer, nullable=False),            # keeps the document's event order
    Column("type", String(64), nullable=False),
    Column("record", Text, nullable=False),            # JSON: the whole Event (OUTPUT.md fields, doc_id, meta)
    Column("date_value", String(10)),
    Column("admin1", Text),
    Column("run_id", String(64)),
    Index("ix_events_doc_id", "doc_id"),
    Index("ix_events_type", "type"),
)

quarantine = Table(
    "quarantine",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("raw_sha256", String(64)),
    # raw hash (or, without one, a hash of path/record/detail) plus the document id where the
    # failure concerns one split-off part: what makes a quarantine row "the same" on a re-run.
    Column("dedup_key", String(160), nullable=False),
    Column("path", Text),
    Column("record", Integer),
    Column("doc_id", String(64)),
    Column("stage", String(64), nullable=False),
    Column("reason", String(32), nullable=False),
    Column("detail", Text, nullable=False),
    Column("run_id", String(64)),
    Column("created_at", String(40), nullable=False),
    UniqueConstraint("dedup_key", "stage", "reason", name="uq_quarantine_key_stage_reason"),
    Index("ix_quarantine_reason", "reason"),
)

# Read-side indexes (the web API's lists, timeline and map). Each matches an ORDER BY of
# src/rasd/web/queries.py exactly, so a page is an index scan of LIMIT+OFFSET entries instead of
# a sort of every row (measured on a 10,000-document store: 11-21 ms -> under 1 ms a page).
# Undated events sort last: the leading `date_value IS NULL` term is part of the index key.
Index("ix_events_order", events.c.date_value.is_(None), events.c.date_value, events.c.doc_id, events.c.seq)
Index("ix_events_type_order", events.c.type, events.c.date_value.is_(None), events.c.date_value,
      events.c.doc_id, events.c.seq)
Index("ix_events_admin1_order", events.c.admin1, events.c.date_value.is_(None), events.c.date_value,
      events.c.doc_id, events.c.seq, events.c.type)  # type last: covers the timeline by governorate
Index("ix_events_date_type", events.c.date_value, events.c.type)
Index("ix_documents_order", documents.c.published.is_(None), documents.c.published.desc(), documents.c.id)
Index("ix_documents_outlet_order", documents.c.outlet, documents.c.published.is_(None),
      documents.c.published.desc(), documents.c.id)

#: Child tables of `documents`, deleted and written with their parent.
CHILD_TABLES = (removed, social_posts, spans)


#: Places imported with `rasd gazetteer import` (GeoNames dumps, OpenSyria): layered by the
#: pipeline on top of the packaged gazetteer. `record` is `Place.to_record()` as JSON.
places = Table(
    "places",
    metadata,
    Column("id", String(128), primary_key=True),
    Column("record", Text, nullable=False),
    Column("source", Text, nullable=False),
    Column("imported_at", String(40), nullable=False),
)


#: The cleaning pre-pass's facts, one row per page (rasd.clean.sitestate.PageFacts): the page's
#: site and host, the fingerprints of its lines (JSON list) and the outlet it spells. Decisions
#: (learnt boilerplate, host -> outlet) are recomputed from all rows, so a later run extends them.
#: Rows with another `version` are ignored.
site_pages = Table(
    "site_pages",
    metadata,
    Column("page", String(64), primary_key=True),
    Column("site", Text, nullable=False),
    Column("host", Text, nullable=False),
    Column("outlet", Text),
    Column("lines", Text, nullable=False),             # JSON [fingerprint, ...], sorted
    Column("version", Integer, nullable=False),
    Column("run_id", String(64)),
    Column("learnt_at", String(40), nullable=False),
)
