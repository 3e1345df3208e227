"""What the web reads from the cross-document link tables (`rasd.store.links`): fused events and stories.

A linked store holds one `fused_events` row per real-world event (its record carries the mentions
of every document, `sources` and `disputes`) and, in `fused_members`, the per-document events it was
fused from. The event lists then read one record per fused event; a store never linked (or whose
link tables are empty) reads the per-document `events` table as before. A store linked in part
(documents ingested after the last `rasd link`) reads the fused events plus the events not yet
linked. Only SELECTs here: the connection is read-only; the SQL is the same on SQLite and PostgreSQL.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Collection

from rasd.store.sqlite_read import SQLITE_SQL


@dataclass(frozen=True, slots=True)
class EventSource:
    """Where the event lists read from, written as SQL over the alias `e`.

    `table`: the FROM item; `key`: a column naming one row (a page's keys are read from an order
    index, then only the page's records); `doc_col`: the owning document (NULL: read the record's);
    `order` / `dated_order`: the list order, without and with a date bound (matching an index);
    `disputed`: an SQL expression counting the event's disputes (0 when none).
    """

    name: str
    table: str
    key: str
    doc_col: str
    order: str
    dated_order: str
    disputed: str


def event_sources(sql: Any) -> dict[str, EventSource]:
    """The three sources ("events", "fused", "mixed") written with a backend's SQL fragments
    (`rasd.store.read`: `sql.array_length` counts a record's disputes)."""
    return {
        "events": EventSource(
            "events", "events e", "e.rowid", "e.doc_id",
            "e.date_value IS NULL, e.date_value, e.doc_id, e.seq", "e.date_value, e.doc_id, e.seq",
            f"{sql.array_length('e.record', 'disputes')} + {sql.array_length('e.record', 'meta', 'disputes')}"),
        "fused": EventSource(
            "fused", "fused_events e", "e.rowid", "NULL",
            "e.date_value IS NULL, e.date_value, e.id", "e.date_value, e.id", "e.disputed"),
        # A store linked in part: the fused events, then the events no fused event holds yet (no
        # index covers the union, so lists sort; a `rasd link` brings the store back to "fused").
        "mixed": EventSource(
            "mixed",
            f"(SELECT id, type, record, date_value, admin1, disputed{sql.flag_columns} FROM fused_events UNION ALL "
            f"SELECT id, type, record, date_value, admin1, 0 AS disputed{sql.flag_columns} FROM events "
            "WHERE NOT EXISTS (SELECT 1 FROM fused_members m WHERE m.event_id = events.id)) e",
            "e.id", "NULL", "e.date_value IS NULL, e.date_value, e.id", "e.date_value, e.id", "e.disputed"),
    }


_SQLITE_SOURCES = event_sources(SQLITE_SQL)
#: The sources in SQLite's dialect (what a store file is read with).
EVENTS_SOURCE = _SQLITE_SOURCES["events"]
FUSED_SOURCE = _SQLITE_SOURCES["fused"]
MIXED_SOURCE = _SQLITE_SOURCES["mixed"]

#: The background flag and the modality of a record, as the web's filters write them (without the
#: alias `e`); an index on the same expression gives the database the value without parsing the JSON.
BACKGROUND_EXPR = SQLITE_SQL.background("record")
MODALITY_EXPR = SQLITE_SQL.json_text("record", "modality")


def read_indexes(sql: Any) -> dict[str, tuple[tuple[str, tuple[str, ...]], ...]]:
    """Read indexes on the event tables, created at server start-up beside the schema's (their keys
    are the list orders, led by each indexed filter, as the schema's `events` indexes are):
    table -> ((index name, key elements), ...), written with a backend's SQL fragments."""
    bg = sql.background("record")
    mod = sql.json_text("record", "modality")
    return {
        # the timeline's counts per date and type without parsing each record for its background flag
        # (`queries.BACKGROUND_SQL`, written here without the alias): an unfiltered timeline read
        # every record's JSON, ~45 ms a request (issue 12)
        "events": (
            ("ix_web_events_timeline", (bg, "date_value", "type", "admin1")),
            # every list hides background events by default: with the flag after the filter's column the
            # count and the page read index entries only; before, each scanned row's JSON was parsed for
            # the flag (10-12 ms for the dated count of an unfiltered list of 3,800 events, issue 12)
            ("ix_web_events_bg_order", (bg, "date_value IS NULL", "date_value", "doc_id", "seq")),
            ("ix_web_events_type_bg_order", ("type", bg, "date_value IS NULL", "date_value", "doc_id", "seq")),
            ("ix_web_events_admin1_bg_order", ("admin1", bg, "date_value IS NULL", "date_value", "doc_id", "seq")),
            ("ix_web_events_modality_bg_order", (mod, bg, "date_value IS NULL", "date_value", "doc_id", "seq")),
            ("ix_web_events_modality_timeline", (mod, bg, "date_value", "type")),
        ),
        "fused_events": (
            ("ix_web_fused_timeline", (bg, "date_value", "type", "admin1")),
            ("ix_web_fused_order", ("date_value IS NULL", "date_value", "id")),
            ("ix_web_fused_type_order", ("type", "date_value IS NULL", "date_value", "id")),
            ("ix_web_fused_admin1_order", ("admin1", "date_value IS NULL", "date_value", "id", "type")),
            ("ix_web_fused_disputed_order", ("disputed", "date_value IS NULL", "date_value", "id")),
            ("ix_web_fused_story", ("story_id",)),
            ("ix_web_fused_bg_order", (bg, "date_value IS NULL", "date_value", "id")),
            ("ix_web_fused_type_bg_order", ("type", bg, "date_value IS NULL", "date_value", "id")),
            ("ix_web_fused_admin1_bg_order", ("admin1", bg, "date_value IS NULL", "date_value", "id", "type")),
            ("ix_web_fused_modality_bg_order", (mod, bg, "date_value IS NULL", "date_value", "id")),
            ("ix_web_fused_modality_timeline", (mod, bg, "date_value", "type")),
        ),
    }


#: The read indexes in SQLite's dialect.
READ_INDEXES = read_indexes(SQLITE_SQL)


def read_index_specs(sql: Any = SQLITE_SQL) -> list[tuple[str, str, str]]:
    """(index name, table, CREATE INDEX IF NOT EXISTS …) of every read index, in a backend's dialect."""
    return [(name, table, f"CREATE INDEX IF NOT EXISTS {name} ON {table} {sql.index_elements(elements)}")
            for table, indexes in read_indexes(sql).items() for name, elements in indexes]


def read_index_ddl(tables: set[str], sql: Any = SQLITE_SQL) -> list[tuple[str, str]]:
    """(index name, CREATE INDEX IF NOT EXISTS …) for the link tables present among `tables`."""
    return [(name, ddl) for name, table, ddl in read_index_specs(sql) if table in tables]


def detect_source(conn: Any, tables: Collection[str], sql: Any = SQLITE_SQL) -> EventSource:
    """The "fused" source when every event belongs to a fused event, "mixed" when some do, else
    "events" (in the dialect of `sql`).

    `tables`: the names of the tables in the database.
    """
    sources = _SQLITE_SOURCES if sql is SQLITE_SQL else event_sources(sql)
    if not {"fused_events", "fused_members"} <= set(tables):
        return sources["events"]
    if conn.execute("SELECT 1 FROM fused_events LIMIT 1").fetchone() is None:
        return sources["events"]
    # NOT EXISTS, not NOT IN (subquery): PostgreSQL runs the latter as a scan of the subquery per
    # row once its ids outgrow work_mem (463,682 members at 100,000 documents: hours); an anti
    # join on the key's index takes a fraction of a second on either database
    unlinked = conn.execute("SELECT 1 FROM events WHERE NOT EXISTS (SELECT 1 FROM fused_members m "
                            "WHERE m.event_id = events.id) LIMIT 1").fetchone()
    return sources["mixed"] if unlinked else sources["fused"]


def fused_record(conn: Any, event_id: str) -> str | None:
    """The record (JSON) of the fused event with this id, or of the one a member event of this id joined."""
    row = conn.execute("SELECT record FROM fused_events WHERE id = ?", (event_id,)).fetchone()
    if row is None:
        row = conn.execute("SELECT f.record FROM fused_members m JOIN fused_events f ON f.id = m.fused_id "
                           "WHERE m.event_id = ?", (event_id,)).fetchone()
    return row[0] if row is not None else None


def member_rows(conn: Any, fused_id: str) -> list[dict]:
    """The per-document events of a fused event in joining order, with their document's title, outlet and date."""
    cur = conn.execute(
        "SELECT m.event_id, m.doc_id, m.record, m.published, m.outlet, m.story_id, m.duplicate_of, "
        "d.title AS d_title, d.outlet AS d_outlet, d.published AS d_published, d.url AS d_url, d.path AS d_path, "
        "d.text AS d_text, d.id AS d_id FROM fused_members m LEFT JOIN documents d ON d.id = m.doc_id "
        "WHERE m.fused_id = ? ORDER BY m.seq", (fused_id,))
    names = [c[0] for c in cur.description]
    return [dict(zip(names, tuple(r))) for r in cur.fetchall()]


def _story_documents(conn: Any, story_ids: list[str]) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = {sid: [] for sid in story_ids}
    if not story_ids:
        return out
    q = ("SELECT sd.story_id, sd.doc_id, sd.role, sd.score, sd.matched_doc_id, "
         "coalesce(d.title, sd.title) AS title, d.outlet, coalesce(d.published, sd.published) AS published "
         "FROM story_documents sd LEFT JOIN documents d ON d.id = sd.doc_id "
         f"WHERE sd.story_id IN ({','.join('?' * len(story_ids))}) "
         "ORDER BY sd.published IS NULL, sd.published, sd.doc_id")
    for r in conn.execute(q, story_ids):
        out[r[0]].append({"id": r[1], "role": r[2], "score": r[3], "matched_doc_id": r[4], "title": r[5],
                          "outlet": r[6], "published": r[7]})
    return out


def _outlets(documents: list[dict]) -> list[str]:
    """The distinct outlets of a story's documents, sorted."""
    return sorted({d["outlet"] for d in documents if d["outlet"]})


_STORY_COLUMNS = ("id", "title", "first_published", "last_published", "n_documents", "n_events")


def list_stories(conn: Any, *, limit: int, offset: int, min_documents: int = 1) -> dict:
    """Stories, most documents first, each with its documents (id, title, outlet, published, role) and
    `n_fused_events` (its events counted once across documents; `n_events` counts each document's)."""
    total = conn.execute("SELECT count(*) FROM stories WHERE n_documents >= ?", (min_documents,)).fetchone()[0]
    rows = conn.execute(
        f"SELECT {', '.join(_STORY_COLUMNS)} FROM stories WHERE n_documents >= ? "
        "ORDER BY n_documents DESC, first_published IS NULL, first_published, id LIMIT ? OFFSET ?",
        (min_documents, limit, offset)).fetchall()
    items = [dict(zip(_STORY_COLUMNS, tuple(r))) for r in rows]
    ids = [s["id"] for s in items]
    docs = _story_documents(conn, ids)
    fused = dict(conn.execute(f"SELECT story_id, count(*) FROM fused_events WHERE story_id IN "
                              f"({','.join('?' * len(ids))}) GROUP BY story_id", ids).fetchall()) if ids else {}
    for s in items:
        s["n_fused_events"] = fused.get(s["id"], 0)
        s["documents"] = docs[s["id"]]
        s["outlets"] = _outlets(s["documents"])
    return {"total": total, "limit": limit, "offset": offset, "items": items}


def get_story(conn: Any, story_id: str) -> dict | None:
    """One story with its documents and the records (JSON) of its fused events, by date."""
    row = conn.execute(f"SELECT {', '.join(_STORY_COLUMNS)} FROM stories WHERE id = ?", (story_id,)).fetchone()
    if row is None:
        return None
    story: dict[str, Any] = dict(zip(_STORY_COLUMNS, tuple(row)))
    story["documents"] = _story_documents(conn, [story_id])[story_id]
    story["outlets"] = _outlets(story["documents"])
    story["event_records"] = [r[0] for r in conn.execute(
        f"SELECT e.record FROM fused_events e WHERE e.story_id = ? ORDER BY {FUSED_SOURCE.order}", (story_id,))]
    return story
