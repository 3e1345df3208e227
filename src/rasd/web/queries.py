"""Read-only queries the web app runs against a store (an SQLite file or a PostgreSQL database).

The web never writes through these: it reads through the store's read backend
(`rasd.store.read`: SQLite `mode=ro` connections, one per thread; PostgreSQL read-only pooled
connections), and writes its SQL once with the backend's fragments (`self.sql`: JSON paths, list
parameters) where the two databases differ. Aggregates over the whole store (actors, places,
facets, map features, list totals) are computed once per data version and cached; the version
changes whenever a write reaches the store (SQLite `PRAGMA data_version`, PostgreSQL's current
snapshot; checked per request).
Every list query's ORDER BY matches an index of `rasd.store.schema` (or, on a linked store, of
`rasd.web.fused.READ_INDEXES`), so a page reads LIMIT+OFFSET index entries instead of sorting.
A linked store lists one record per fused event (`rasd.web.fused`); an unlinked one lists the
per-document events.
"""
from __future__ import annotations

import json
import threading
from collections import Counter, defaultdict
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any, Iterable, Mapping

from rasd.store import codec
from rasd.store.export import EVENT_EXTRA_FIELDS, document_record
from rasd.store.read import open_read_backend
from rasd.store.search import make_snippet
from rasd.store.sqlite_read import SQLITE_SQL
from rasd.web import fused
from rasd.web.fused import EVENTS_SOURCE, EventSource

#: Characters of a source document shown on each side of an event's evidence span; enough for
#: the sentence before and after in typical news prose.
EVIDENCE_CONTEXT = 240

#: The largest page a list endpoint returns (the map asks for every event in one go).
MAX_LIMIT = 5000

#: Event filters whose matching map points are kept (per data version) for the map's cluster
#: requests: a reader pans and zooms under one filter; each holds one int64 per matching event.
MAP_SELECTIONS = 16
#: Timelines (counts per date and type) kept per data version, one per filter: the newest ones.
TIMELINE_FILTERS = 32

#: Totals (count of every match) kept per data version: one per distinct filter; a page of a
#: filter already counted then costs only its index scan. 4096 filters hold well under 1 MB.
COUNT_CACHE_SIZE = 4096

#: The events' list order (undated last), written as the indexes ix_events_*_order are keyed;
#: a linked store's fused events have their own (`rasd.web.fused.FUSED_SOURCE`).
EVENT_ORDER = EVENTS_SOURCE.order
#: The same order when a date bound already excludes undated events (lets SQLite read a range).
DATED_EVENT_ORDER = EVENTS_SOURCE.dated_order
#: Documents, newest first, undated last (index ix_documents_order and ix_documents_outlet_order).
DOCUMENT_ORDER = "published IS NULL, published DESC, id"
DATED_DOCUMENT_ORDER = "published DESC, id"

try:  # optional: about 2x faster than the json module for our records
    import orjson

    _loads = orjson.loads
except ImportError:  # the standard library does the same, slower
    _loads = json.loads


@dataclass(frozen=True, slots=True)
class EventFilter:
    """Filters shared by the event list, the timeline and the GeoJSON (None = any)."""

    type: str | None = None
    actor: str | None = None          # actor_id or name (canonical or as written)
    place: str | None = None          # place_id or name
    governorate: str | None = None    # admin1, Arabic or English
    date_from: str | None = None      # YYYY[-MM[-DD]], inclusive
    date_to: str | None = None
    modality: str | None = None
    disputed: bool | None = None
    # Background events (opinion pages, before 1900, recalled history: rasd.extract.genre) are left
    # out unless this is true (`background=1`).
    background: bool | None = None

    def as_query(self) -> dict[str, str]:
        """The filters that are set, as query-string parameters."""
        out = {}
        for f in fields(self):
            v = getattr(self, f.name)
            if f.name == "background":
                if v:
                    out[f.name] = "1"
            elif v is not None and v != "":
                out[f.name] = ("true" if v else "false") if isinstance(v, bool) else str(v)
        return out


#: 1 for an event marked background (its record's meta), else 0: per-document and fused records
#: alike (a fused event keeps its first member's meta).
#: Written as the read indexes' expressions (`rasd.web.fused.READ_INDEXES`), so SQLite reads the
#: value from an index instead of parsing the record.
BACKGROUND_SQL = fused.BACKGROUND_EXPR.replace("(record,", "(e.record,")
#: The record's modality, likewise.
MODALITY_SQL = fused.MODALITY_EXPR.replace("(record,", "(e.record,")


def _event_where(f: EventFilter, gov_aliases: dict[str, str],
                 src: EventSource = EVENTS_SOURCE, entity_rows: Mapping[str, Mapping[str, Any]] | None = None,
                 sql: Any = SQLITE_SQL) -> tuple[str, list[Any]]:
    """SQL WHERE clause (over `src`'s alias `e`) and its parameters for a filter.

    `entity_rows` (`entity_row_keys`): the row keys of the events each actor or place value names;
    with it the actor and place filters read that list instead of parsing every record's JSON.
    `sql`: the backend's SQL fragments (`rasd.store.read`; SQLite's by default).
    """
    clauses: list[str] = []
    params: list[Any] = []
    if f.type:
        clauses.append("e.type = ?")
        params.append(f.type)
    if f.governorate:
        clauses.append("e.admin1 = ?")
        params.append(gov_aliases.get(f.governorate.strip().lower(), f.governorate.strip()))
    if f.date_from or f.date_to:
        clauses.append(sql.dated("e.date_value"))  # the index's leading term: a range, not a scan
    if f.date_from:
        clauses.append("e.date_value >= ?")
        params.append(f.date_from)
    if f.date_to:
        # a prefix bound: date_to=2024-12 keeps 2024-12-31; '~' sorts after every digit and '-'
        clauses.append("e.date_value <= ?")
        params.append(f.date_to + "~")
    if f.modality:
        clauses.append(f"{sql.json_text('e.record', 'modality')} = ?")
        params.append(f.modality)
    if f.actor and entity_rows is not None:
        clauses.append(sql.in_json_list(src.key))
        params.append(json.dumps(sorted(entity_rows["actor"].get(f.actor, ()))))
    elif f.actor:
        clauses.append(sql.actor_match("e.record"))
        params += [f.actor] * 3
    if f.place and entity_rows is not None:
        clauses.append(sql.in_json_list(src.key))
        params.append(json.dumps(sorted(entity_rows["place"].get(f.place, ()))))
    elif f.place:
        clauses.append("(" + " OR ".join(f"{sql.json_text('e.record', 'location', k)} = ?"
                                         for k in ("place_id", "name", "name_en")) + ")")
        params += [f.place] * 3
    if not f.background:
        clauses.append(f"{sql.background('e.record')} = 0")
    if f.disputed is not None:
        if src.name == "events":
            clauses.append(f"({src.disputed}) {'>' if f.disputed else '='} 0")
        else:  # a 0/1 column: equality keeps the index order ix_web_fused_disputed_order
            clauses.append(f"{src.disputed} = {1 if f.disputed else 0}")
    return (" WHERE " + " AND ".join(clauses)) if clauses else "", params


def entity_row_keys(rows: Iterable[tuple[Any, str]]) -> dict[str, dict[str, set]]:
    """{"actor": value -> row keys, "place": value -> row keys} from (row key, record JSON) pairs.

    The same matches as `_event_where`'s SQL without the map: an actor value names the events with
    an actor whose `actor_id`, `name` or `text` is that string; a place value those whose location's
    `place_id`, `name` or `name_en` is. Only strings: SQL's `=` never equals a JSON number to a text.
    """
    actor: dict[str, set] = defaultdict(set)
    place: dict[str, set] = defaultdict(set)
    for key, record in rows:
        rec = _loads(record)
        if not isinstance(rec, dict):
            continue
        actors = rec.get("actors")
        for a in (actors.values() if isinstance(actors, dict) else actors if isinstance(actors, list) else ()):
            if isinstance(a, dict):
                for field in ("actor_id", "name", "text"):
                    if isinstance(a.get(field), str):
                        actor[a[field]].add(key)
        loc = rec.get("location")
        if isinstance(loc, dict):
            for field in ("place_id", "name", "name_en"):
                if isinstance(loc.get(field), str):
                    place[loc[field]].add(key)
    return {"actor": dict(actor), "place": dict(place)}


def _event_order(f: EventFilter, src: EventSource = EVENTS_SOURCE) -> str:
    """ORDER BY terms for the events of `f` (the short form when a date bound drops undated events)."""
    return src.dated_order if (f.date_from or f.date_to) else src.order


def _event_out(record_json: str, doc_id: str | None = None) -> dict:
    """An event as the API shows it: OUTPUT.md's fields, fusion fields, its document and disputes.

    `doc_id`: the document owning the event (default: the record's own, the first source of a fused event).
    `n_sources` counts the distinct source documents, a verbatim copy counted with the document it
    repeats (`source_count`; 1 when unlinked).
    """
    raw = _loads(record_json)
    meta = raw.get("meta") or {}
    rec = {
        "id": raw["id"], "type": raw["type"], "actors": raw.get("actors") or [], "location": raw.get("location"),
        "date": raw.get("date") or {"value": None, "precision": None, "basis": None},
        "quantities": raw.get("quantities") or [], "attribution": raw.get("attribution") or [],
        "modality": raw.get("modality") or "asserted", "mentions": raw.get("mentions") or [],
        "background": bool(meta.get("background")),
    }
    for key in EVENT_EXTRA_FIELDS:  # fusion fields, as the export writes them
        if key in meta:
            rec[key] = meta[key]
    rec["doc_id"] = doc_id or raw.get("doc_id")
    rec.setdefault("disputes", [])
    srcs = rec.get("sources")
    rec["n_sources"] = source_count(srcs) if isinstance(srcs, list) else 1
    return rec


def source_count(sources: Iterable[Any]) -> int:
    """How many sources an event has: distinct documents, a verbatim copy (`duplicate_of`) counted
    once with the document it repeats; at least 1. The one definition of "sources" that the event
    page, the lists and the API share (issue 13 item 6)."""
    return len({s.get("duplicate_of") or s.get("doc_id") for s in sources if isinstance(s, dict)}) or 1


def actor_key(actor: dict) -> str:
    """The id an actor is listed under: its knowledge-base id, else its canonical name."""
    return actor.get("actor_id") or actor.get("name") or actor.get("text") or "?"


def place_key(loc: dict) -> str:
    """The id a place is listed under: its gazetteer id, else its canonical name."""
    return loc.get("place_id") or loc.get("name") or loc.get("text") or "?"


class StoreReader:
    """Read-only access to one store (a file path or a postgresql:// URL), safe to share between
    the server's threads."""

    def __init__(self, db_path: str | Path, *, governorates: Iterable[dict] = ()) -> None:
        self.backend = open_read_backend(db_path)
        self.sql = self.backend.sql
        self.path = getattr(self.backend, "path", None)
        self._lock = threading.Lock()
        self._cache: dict[str, tuple[int, Any]] = {}
        self._building: dict[str, threading.Lock] = {}
        self._counts: dict[tuple, int] = {}
        self._counts_version = -1
        self._generation = 0
        self._watch_seen = self.backend.data_version()
        self.governorates = list(governorates)
        self._gov_aliases: dict[str, str] = {}
        for g in self.governorates:
            for name in (g.get("name"), g.get("name_en"), g.get("code")):
                if name:
                    self._gov_aliases[name.lower()] = g["name"]

    # -- plumbing ---------------------------------------------------------------------------

    def conn(self) -> Any:
        """A read-only connection for this thread (`execute(sql, params)` with `?` parameters)."""
        return self.backend.conn()

    def data_version(self) -> int:
        """A number that changes whenever a commit (a run, the search index, POST /api/ingest) reached the store.

        Read from the backend's version (SQLite: a watching connection's `PRAGMA data_version`,
        a few µs; PostgreSQL: the current snapshot). A query started after this call sees at
        least the data of that version, so what is cached under it is never older than it.
        """
        with self._lock:
            dv = self.backend.data_version()
            if dv != self._watch_seen:
                self._watch_seen = dv
                self._generation += 1
            return self._generation

    def _cached(self, name: str, build) -> Any:
        """`build()` once per data version; threads asking meanwhile wait for that one build."""
        version = self.data_version()
        hit = self._cache.get(name)
        if hit is not None and hit[0] == version:
            return hit[1]
        with self._lock:
            building = self._building.setdefault(name, threading.Lock())
        with building:
            hit = self._cache.get(name)
            if hit is not None and hit[0] == version:
                return hit[1]
            value = build()
            with self._lock:
                self._cache[name] = (version, value)
        return value

    def _keep_newest(self, prefix: str, n: int) -> None:
        """Drop all but the `n` newest cached values whose names start with `prefix` (one per filter)."""
        with self._lock:
            names = [name for name in self._cache if name.startswith(prefix)]
            for name in names[:-n]:
                self._cache.pop(name, None)

    def _count(self, sql: str, params: list) -> int:
        """`SELECT count(*) …` for `sql`, remembered for the current data version."""
        version = self.data_version()
        key = (sql, tuple(params))
        with self._lock:
            if self._counts_version != version:
                self._counts, self._counts_version = {}, version
            hit = self._counts.get(key)
        if hit is not None:
            return hit
        n = self.conn().execute(sql, params).fetchone()[0]
        with self._lock:
            if self._counts_version == version:
                if len(self._counts) >= COUNT_CACHE_SIZE:
                    self._counts.clear()
                self._counts[key] = n
        return n

    def _page(self, table: str, key: str, where: str, params: list, order: str, limit: int,
              offset: int) -> tuple[int, list]:
        """(count of every match, the keys of one page of them): the keys read from the order index,
        so the caller then fetches only the page's rows."""
        total = self._count(f"SELECT count(*) FROM {table}{where}", params)
        keys = [r[0] for r in self.conn().execute(
            f"SELECT {key} FROM {table}{where} ORDER BY {order} LIMIT ? OFFSET ?", params + [limit, offset])]
        return total, keys

    def _where(self, f: EventFilter, src: EventSource) -> tuple[str, list[Any]]:
        """`_event_where` for this store, with the actor and place row lists when `f` filters by them."""
        return _event_where(f, self._gov_aliases, src, self._entity_rows() if (f.actor or f.place) else None,
                            self.sql)

    def _entity_rows(self) -> dict[str, dict[str, set]]:
        """`entity_row_keys` of every event of the current source, built once per data version: an
        actor's or place's page filtered every record's JSON twice (count and page), 20-45 ms a
        page, the slowest uncached route under load (issue 12)."""
        def build() -> dict[str, dict[str, set]]:
            src = self.source()
            return entity_row_keys(self.conn().execute(f"SELECT {src.key}, e.record FROM {src.table}"))
        return self._cached("entity_rows", build)

    def warm(self) -> None:
        """Build what the pages read once per data version (filter menus, actor and place tables and
        row lists, the unfiltered timeline, the map's features, the highlighter's vocabulary) before
        the first request: built on demand, the first requests of a fresh server waited 1-3 s behind
        them under load (issue 12)."""
        self.facets()
        self._entities()
        self._entity_rows()
        self.timeline(EventFilter())
        # the map's features: at 100,000 documents (414,615 fused events on PostgreSQL) encoding them
        # took 20 s of the first map request, and the server's other requests waited behind it
        # (every request of a 50-client load timed out at 10 s)
        self._features()
        if self._has_search():
            self._cached("vocabulary", self.backend.load_vocabulary)

    def _has_search(self) -> bool:
        return self._cached("has_search", self.backend.has_search_index)

    def source(self) -> EventSource:
        """Where events are read from for this data version: fused events once the store is linked."""
        return self._cached("source", lambda: fused.detect_source(self.conn(), self.tables(), self.sql))

    def tables(self) -> frozenset[str]:
        """The names of the tables (and views) in the database, read once per data version."""
        return self._cached("tables", self.backend.tables)

    # -- documents --------------------------------------------------------------------------

    def list_documents(self, *, limit: int = 50, offset: int = 0, outlet: str | None = None,
                       date_from: str | None = None, date_to: str | None = None,
                       duplicates: bool = True) -> dict:
        """Documents (newest first) without their text; `total` counts every match."""
        clauses, params = [], []
        if outlet:
            clauses.append("outlet = ?")
            params.append(outlet)
        if date_from or date_to:
            clauses.append(self.sql.dated("published"))  # the index's leading term: a range, not a scan
        if date_from:
            clauses.append("published >= ?")
            params.append(date_from)
        if date_to:
            clauses.append("published <= ?")
            params.append(date_to + "~")
        if not duplicates:
            clauses.append("duplicate_of IS NULL")
        where = (" WHERE " + " AND ".join(clauses)) if clauses else ""
        order = DATED_DOCUMENT_ORDER if (date_from or date_to) else DOCUMENT_ORDER
        total, page = self._page("documents", "rowid", where, params, order, limit, offset)
        rows = self.conn().execute(
            f"SELECT id, title, published, published_source, outlet, path, url, part, duplicate_of, language, "
            f"length(text) AS n_chars, (SELECT count(*) FROM events ev WHERE ev.doc_id = documents.id) AS n_events "
            f"FROM documents WHERE rowid IN ({','.join('?' * len(page))}) "
            f"ORDER BY {DOCUMENT_ORDER}", page).fetchall() if page else []
        items = [{
            "id": r["id"], "title": r["title"], "published": r["published"],
            "published_source": r["published_source"], "outlet": r["outlet"],
            "origin": {"path": r["path"], "url": r["url"], "part": r["part"]},
            "duplicate_of": r["duplicate_of"], "language": r["language"],
            "n_chars": r["n_chars"], "n_events": r["n_events"],
        } for r in rows]
        return {"total": total, "limit": limit, "offset": offset, "items": items}

    def get_document(self, doc_id: str) -> dict | None:
        """A document with its removed pieces (reason, detector, raw offsets), social posts, spans, events."""
        c = self.conn()
        row = c.execute("SELECT * FROM documents WHERE id = ?", (doc_id,)).fetchone()
        if row is None:
            return None
        removed = c.execute('SELECT * FROM removed WHERE doc_id = ? ORDER BY seq', (doc_id,)).fetchall()
        social = c.execute('SELECT * FROM social_posts WHERE doc_id = ? ORDER BY seq', (doc_id,)).fetchall()
        spans = c.execute('SELECT * FROM spans WHERE doc_id = ? ORDER BY seq', (doc_id,)).fetchall()
        evs = c.execute("SELECT record, doc_id FROM events WHERE doc_id = ? ORDER BY seq", (doc_id,)).fetchall()
        doc = codec.document_from_rows(dict(row), [dict(r) for r in removed], [dict(r) for r in social],
                                       [dict(r) for r in spans], [])
        out = document_record(doc)
        out["kicker"] = doc.kicker
        out["removed"] = [{"text": r.text, "reason": r.reason, "detector": r.detector, "start": r.start,
                           "end": r.end} for r in doc.removed]
        out["spans"] = [{"start": s.start, "end": s.end, "label": s.label, "value": s.value,
                         "produced_by": s.produced_by} for s in doc.spans]
        out["events"] = [_event_out(r["record"], r["doc_id"]) for r in evs]
        out["meta"] = dict(doc.meta)
        return out

    def _documents(self, ids: Iterable[str], columns: str) -> dict[str, Any]:
        """Document id -> its row (`columns`, which must include `id`), in one query."""
        ids = list(dict.fromkeys(ids))
        if not ids:
            return {}
        return {r["id"]: r for r in self.conn().execute(
            f"SELECT {columns} FROM documents WHERE id IN ({','.join('?' * len(ids))})", ids)}

    # -- events -----------------------------------------------------------------------------

    def list_events(self, f: EventFilter, *, limit: int = 50, offset: int = 0, newest_first: bool = False) -> dict:
        """Events matching `f` (one per fused event on a linked store), by date (undated last), then
        document order (fused events: id); `newest_first`: latest date first (undated still last)."""
        src = self.source()
        where, params = self._where(f, src)
        if newest_first:
            total, page = self._newest_page(src, where, params, limit, offset)
        else:
            total, page = self._page(src.table, src.key, where, params, _event_order(f, src), limit, offset)
        rows = self.conn().execute(
            f"SELECT {src.key} AS k, e.record, {src.doc_col} AS doc_id FROM {src.table} WHERE {src.key} IN "
            f"({','.join('?' * len(page))})", page).fetchall() if page else []
        by_key = {r["k"]: r for r in rows}
        return {"total": total, "limit": limit, "offset": offset,
                "items": [_event_out(by_key[k]["record"], by_key[k]["doc_id"]) for k in page if k in by_key]}

    def _newest_page(self, src: EventSource, where: str, params: list, limit: int, offset: int) -> tuple[int, list]:
        """(count of every match, one page of keys) newest first, undated last: the dated events read
        backwards along the dated order index (a DESC mix with "undated last" would need an index of
        its own), then the undated ones after them."""
        joiner = " AND " if where else " WHERE "
        dated = self.sql.dated("e.date_value")
        # a date bound already wrote the term; written twice, SQLite chose an index without the
        # background flag and parsed each row's JSON (9 ms instead of 0.1, issue 12)
        dated_where = where if dated in where else where + joiner + dated
        undated_where = where + joiner + "e.date_value IS NULL"
        total = self._count(f"SELECT count(*) FROM {src.table}{where}", params)
        n_dated = self._count(f"SELECT count(*) FROM {src.table}{dated_where}", params)
        desc = ", ".join(f"{term.strip()} DESC" for term in src.dated_order.split(","))
        keys = [r[0] for r in self.conn().execute(
            f"SELECT {src.key} FROM {src.table}{dated_where} ORDER BY {desc} LIMIT ? OFFSET ?",
            params + [limit, offset])] if offset < n_dated else []
        if len(keys) < limit:
            keys += [r[0] for r in self.conn().execute(
                f"SELECT {src.key} FROM {src.table}{undated_where} ORDER BY {src.order} LIMIT ? OFFSET ?",
                params + [limit - len(keys), max(0, offset - n_dated)])]
        return total, keys

    def get_event(self, event_id: str) -> dict | None:
        """One event with, for each mention, the source document and the evidence in its context.

        On a linked store the id may be a fused event's or any of its members' (a document's own
        event): the fused event is returned, with `members` (see `_members`) and `fused_from`.
        """
        c = self.conn()
        if self.source().name != "events":
            record = fused.fused_record(c, event_id)
            if record is not None:
                ev = _event_out(record)
                ev["fused_from"] = event_id if event_id != ev["id"] else None
                ev["members"] = self._members(ev)
                ev["evidence"] = [e for m in ev["members"] for e in m["evidence"]]
                return ev
        r = c.execute("SELECT record, doc_id FROM events WHERE id = ?", (event_id,)).fetchone()
        if r is None:
            return None
        ev = _event_out(r["record"], r["doc_id"])
        doc_ids = [m.get("doc_id") or ev["doc_id"] for m in ev["mentions"]]
        docs = self._documents(doc_ids, "id, title, outlet, published, url, path, text")
        sources = [_evidence(m, _brief(docs[i]), docs[i]["text"]) if i in docs else _evidence(m, None, None)
                   for m, i in zip(ev["mentions"], doc_ids)]
        ev.setdefault("sources", sources)
        ev["evidence"] = sources
        # one passage list per document, overlapping excerpts merged (issue 13 item 6)
        ev["passages"] = [{"doc_id": i, "document": _brief(docs[i]) if i in docs else None,
                           "passages": evidence_passages(docs[i]["text"], [m for m, j in zip(ev["mentions"], doc_ids)
                                                                          if j == i]) if i in docs else []}
                          for i in dict.fromkeys(doc_ids)]
        return ev

    def _members(self, ev: dict) -> list[dict]:
        """Each source of a fused event as it told it, side by side: its outlet and date, the
        attribution, modality, date and quantities of its own event, and each of its mentions in its
        document's text. Disputes' sides also get the documents they name (`documents`)."""
        out = []
        docs: dict[str, dict] = {}
        for row in fused.member_rows(self.conn(), ev["id"]):
            rec = _event_out(row["record"], row["doc_id"])
            doc = None
            if row["d_id"] is not None:
                doc = docs[row["doc_id"]] = _brief(row, "d_")
            evidence = [_evidence(m, doc, row["d_text"]) for m in rec["mentions"]]
            passages = evidence_passages(row["d_text"], rec["mentions"]) if row["d_text"] is not None else []
            out.append({"event_id": row["event_id"], "doc_id": row["doc_id"], "document": doc,
                        "outlet": row["outlet"] or (doc or {}).get("outlet"),
                        "published": row["published"] or (doc or {}).get("published"),
                        "duplicate_of": row["duplicate_of"], "story_id": row["story_id"],
                        "attribution": rec["attribution"], "modality": rec["modality"], "date": rec["date"],
                        "quantities": rec["quantities"], "actors": rec["actors"], "evidence": evidence,
                        "passages": passages})
        for d in ev.get("disputes") or ():
            for side in (d.get("sides") or ()) if isinstance(d, dict) else ():
                if isinstance(side, dict):
                    side["documents"] = [docs.get(i) or {"id": i} for i in side.get("doc_ids") or ()]
        return out

    def timeline(self, f: EventFilter) -> dict:
        """Event counts per date and type (dates as stored: day, month or year), plus undated.

        Counted once per filter and data version (the newest TIMELINE_FILTERS filters kept), the
        unfiltered one by `warm` before the first request. On PostgreSQL the background flag is a
        stored column, so the count reads `ix_web_fused_timeline` alone (79-91 ms over 414,615
        fused events; over an expression of the record it parsed every record, 4-9 s). The result
        is shared: read it, never change it."""
        src = self.source()
        where, params = self._where(f, src)

        def build() -> tuple[list[dict], dict[str, int]]:
            rows = self.conn().execute(
                f"SELECT e.date_value AS d, e.type AS t, count(*) AS n FROM {src.table}{where} "
                f"GROUP BY e.date_value, e.type ORDER BY e.date_value", params).fetchall()
            days: dict[str, dict[str, int]] = defaultdict(dict)
            undated: Counter = Counter()
            for r in rows:
                if r["d"] is None:
                    undated[r["t"]] += r["n"]
                else:
                    days[r["d"]][r["t"]] = r["n"]
            return ([{"date": d, "precision": {10: "day", 7: "month", 4: "year"}.get(len(d)),
                      "total": sum(by.values()), "by_type": by} for d, by in days.items()], dict(undated))

        items, undated = self._cached("timeline:" + repr((src.name, where, params)), build)
        self._keep_newest("timeline:", TIMELINE_FILTERS)
        return {"filters": f.as_query(), "items": items, "undated": undated,
                "total": sum(i["total"] for i in items) + sum(undated.values())}

    def geojson_bytes(self, f: EventFilter, *, limit: int = MAX_LIMIT) -> bytes:
        """A GeoJSON FeatureCollection of the matching events that have coordinates, encoded as UTF-8
        JSON: joined from features encoded once per data version."""
        src = self.source()
        features = self._features()
        where, params = self._where(f, src)
        parts: list[bytes] = []
        # the matching keys in date order, undated first, ties in the list order (the same on every
        # backend: ordered by the date alone, ties came in whatever order the plan read them)
        order = ", ".join([self.sql.nulls_first("e.date_value")] + src.dated_order.split(", ")[1:])
        cur = self.conn().execute(f"SELECT {src.key} FROM {src.table}{where} ORDER BY {order}", params)
        try:
            for (rowid,) in cur:
                feat = features.get(rowid)
                if feat is not None:
                    parts.append(feat)
                    if len(parts) >= limit:
                        break
        finally:
            cur.close()  # ends the read at once when the limit stopped the loop
        return b'{"type":"FeatureCollection","features":[' + b",".join(parts) + b"]}"

    def _map_points(self) -> tuple[Any, Any, Any]:
        """(keys, lat, lon) numpy arrays of every event with coordinates, once per data version."""
        import numpy as np

        def build() -> tuple[Any, Any, Any]:
            src = self.source()
            lat, lon = (self.sql.json_text("e.record", "location", k) for k in ("lat", "lon"))
            rows = self.conn().execute(
                f"SELECT {src.key}, {lat}, {lon} FROM {src.table} WHERE {lat} IS NOT NULL AND {lon} IS NOT NULL").fetchall()
            keys = np.array([r[0] for r in rows], dtype=object if src.key == "e.id" else np.int64)
            return (keys, np.array([float(r[1]) for r in rows], dtype=np.float64),
                    np.array([float(r[2]) for r in rows], dtype=np.float64))
        return self._cached("map_points", build)

    def _map_selection(self, f: EventFilter) -> Any:
        """Positions in `_map_points()` of the events matching `f`; remembered per filter and data version."""
        import numpy as np

        keys = self._map_points()[0]
        src = self.source()
        where, params = _event_where(f, self._gov_aliases, src, sql=self.sql)
        if not where:
            return np.arange(len(keys))
        def build() -> Any:
            matched = {r[0] for r in self.conn().execute(f"SELECT {src.key} FROM {src.table}{where}", params)}
            return np.flatnonzero(np.fromiter((k in matched for k in keys.tolist()), dtype=bool, count=len(keys)))
        sel = self._cached("map_sel:" + repr((where, params)), build)
        self._keep_newest("map_sel:", MAP_SELECTIONS)
        return sel

    def map_clusters(self, f: EventFilter, bbox: tuple[float, float, float, float], zoom: int) -> dict:
        """The matching events inside `bbox` grouped on a grid for `zoom` (`rasd.web.mapdata.cluster`), as a
        GeoJSON FeatureCollection: clusters (`cluster`, `count`, `bbox`) and lone events (as in the GeoJSON)."""
        from rasd.web.mapdata import cluster

        keys, lat, lon = self._map_points()
        sel = self._map_selection(f)
        res = cluster(keys[sel], lat[sel], lon[sel], bbox, zoom)
        feats = [{"type": "Feature", "geometry": {"type": "Point", "coordinates": [lo, la]},
                  "properties": {"cluster": True, "count": c, "bbox": box}} for c, la, lo, box in res["clusters"]]
        if res["singles"]:
            src = self.source()
            marks = ",".join("?" * len(res["singles"]))
            for r in self.conn().execute(f"SELECT e.record, {src.doc_col} AS doc_id FROM {src.table} "
                                         f"WHERE {src.key} IN ({marks})", res["singles"]):
                feats.append(_feature(_event_out(r["record"], r["doc_id"])))
        return {"type": "FeatureCollection", "zoom": zoom, "cell": res["cell"], "bbox": res["bbox"],
                "total": res["total"], "n_clusters": len(res["clusters"]), "n_events": len(res["singles"]),
                "filters": f.as_query(), "features": feats}

    def _features(self) -> dict[Any, bytes]:
        """Row key (the source's `key`) -> the event's GeoJSON Feature, encoded, for every event with coordinates."""
        def build() -> dict[Any, bytes]:
            out = {}
            src = self.source()
            for r in self.conn().execute(f"SELECT {src.key} AS rowid, e.record, {src.doc_col} AS doc_id "
                                         f"FROM {src.table}"):
                ev = _event_out(r["record"], r["doc_id"])
                loc = ev["location"]
                if not isinstance(loc, dict) or loc.get("lat") is None or loc.get("lon") is None:
                    continue
                out[r["rowid"]] = json.dumps(_feature(ev), ensure_ascii=False,
                                             separators=(",", ":")).encode("utf-8")
            return out
        return self._cached("features", build)

    def facets(self) -> dict:
        """Values present in the store, for filter menus: types, governorates, modalities, the date range
        of the events shown by default (not background) and how many background events there are."""
        def build() -> dict:
            c = self.conn()
            t = self.source().table
            types = [r[0] for r in c.execute(f"SELECT e.type FROM {t} GROUP BY e.type ORDER BY count(*) DESC, e.type")]
            govs = [r[0] for r in c.execute(f"SELECT e.admin1 FROM {t} WHERE e.admin1 IS NOT NULL GROUP BY e.admin1 "
                                            "ORDER BY e.admin1")]
            mods = [r[0] for r in c.execute(f"SELECT {self.sql.json_text('e.record', 'modality')} m FROM {t} GROUP BY m "
                                            "ORDER BY m") if r[0]]
            lo, hi = c.execute(f"SELECT min(e.date_value), max(e.date_value) FROM {t} "
                               f"WHERE {self.sql.background('e.record')} = 0").fetchone()
            n_background = c.execute(f"SELECT count(*) FROM {t} WHERE {self.sql.background('e.record')} != 0"
                                     ).fetchone()[0]
            n_disputed = c.execute(f"SELECT count(*) FROM {t} WHERE ({self.source().disputed}) > 0").fetchone()[0]
            return {"types": types, "governorates": govs, "modalities": mods, "date_min": lo, "date_max": hi,
                    "fused": self.source().name != "events", "n_disputed": n_disputed,
                    "n_background": n_background}
        return self._cached("facets", build)

    # -- actors and places -----------------------------------------------------------------

    def _entities(self) -> dict:
        def build() -> dict:
            actors: dict[str, dict] = {}
            places: dict[str, dict] = {}
            for r in self.conn().execute(f"SELECT e.record FROM {self.source().table}"):
                rec = _loads(r["record"])
                date = (rec.get("date") or {}).get("value")
                for a in rec.get("actors") or ():
                    k = actor_key(a)
                    ent = actors.setdefault(k, {"id": k, "actor_id": a.get("actor_id"), "name": a.get("name"),
                                                "texts": Counter(), "roles": Counter(), "n_events": 0,
                                                "first": None, "last": None})
                    _count(ent, a.get("text"), a.get("role"), date)
                loc = rec.get("location")
                if loc:
                    k = place_key(loc)
                    ent = places.setdefault(k, {"id": k, "place_id": loc.get("place_id"), "name": loc.get("name"),
                                                "name_en": loc.get("name_en"), "admin1": loc.get("admin1"),
                                                "lat": loc.get("lat"), "lon": loc.get("lon"),
                                                "precision": loc.get("precision"), "texts": Counter(),
                                                "roles": Counter(), "n_events": 0, "first": None, "last": None})
                    _count(ent, loc.get("text"), None, date)
            out = {}
            for name, table in (("actors", actors), ("places", places)):
                rows = []
                for ent in table.values():
                    ent = dict(ent)
                    # the five most used spellings, ties by text: the rows come in the backend's
                    # own order, so Counter's first-seen tie order would differ between backends
                    ent["texts"] = [t for t, _ in sorted(ent["texts"].items(), key=lambda kv: (-kv[1], kv[0]))[:5]]
                    ent["roles"] = dict(ent["roles"])
                    rows.append(ent)
                rows.sort(key=lambda e: (-e["n_events"], e["name"] or "", e["id"]))
                out[name] = rows
            return out
        return self._cached("entities", build)

    def list_entities(self, kind: str, *, q: str | None = None, limit: int = 50, offset: int = 0) -> dict:
        """Actors or places (`kind`), most events first, optionally those whose name contains `q`."""
        rows = self._entities()[kind]
        if q:
            ql = q.lower()
            rows = [e for e in rows if any(ql in (s or "").lower() for s in
                                           [e.get("name"), e.get("name_en"), e["id"], *e["texts"]])]
        return {"total": len(rows), "limit": limit, "offset": offset, "items": rows[offset:offset + limit]}

    def get_entity(self, kind: str, key: str) -> dict | None:
        """One actor or place (by id or name) with its events over time (per month)."""
        for ent in self._entities()[kind]:
            if key in (ent["id"], ent.get("name"), ent.get("actor_id"), ent.get("place_id")):
                break
        else:
            return None
        # every event of the entity, background included: its counts above include them too
        f = (EventFilter(actor=ent["id"], background=True) if kind == "actors"
             else EventFilter(place=ent["id"], background=True))
        events = self.list_events(f, limit=MAX_LIMIT)["items"]
        by_month: Counter = Counter(((e["date"] or {}).get("value") or "")[:7] or "undated" for e in events)
        return {**ent, "events": events, "by_month": dict(sorted(by_month.items()))}

    # -- stories and search -----------------------------------------------------------------

    def stories(self, *, limit: int = 50, offset: int = 0, min_documents: int = 1) -> dict:
        """Stories (most documents first) with their documents, once `rasd link` has built them;
        else an empty list and a note."""
        if not {"stories", "story_documents"} <= self.tables():
            return {"total": 0, "limit": limit, "offset": offset, "items": [],
                    "note": "no story clusters in this store yet (run `rasd link`)"}
        return fused.list_stories(self.conn(), limit=limit, offset=offset, min_documents=min_documents)

    def get_story(self, story_id: str) -> dict | None:
        """One story: its documents and its events (one per fused event), by date."""
        if not {"stories", "story_documents", "fused_events"} <= self.tables():
            return None
        story = fused.get_story(self.conn(), story_id)
        if story is not None:
            story["events"] = [_event_out(r) for r in story.pop("event_records")]
        return story

    def search(self, q: str, *, limit: int = 20, offset: int = 0) -> dict:
        """Documents matching every word of `q` (normalised and stemmed), with highlighted snippets."""
        if not self._has_search():
            return {"q": q, "total": 0, "limit": limit, "offset": offset, "items": [],
                    "note": "no search index in this store (start the server once with write access)"}
        # the highlighter's word forms read from the store once per data version, not stemmed again
        self._cached("vocabulary", self.backend.load_vocabulary)
        res = self.backend.search(q, limit=limit, offset=offset)
        docs = self._documents([hit["doc_id"] for hit in res["items"]], "id, title, outlet, published, text")
        items = []
        for hit in res["items"]:
            doc = docs.get(hit["doc_id"])
            if doc is None:
                continue
            body = make_snippet(doc["text"], res["keys"])
            title = make_snippet(doc["title"] or "", res["keys"], context=len(doc["title"] or ""))
            items.append({
                "id": doc["id"], "title": doc["title"], "outlet": doc["outlet"], "published": doc["published"],
                "score": hit["score"],
                "title_segments": title.segments() if title else [{"text": doc["title"] or "", "hit": False}],
                "snippet": body.text if body else (doc["text"] or "")[:200],
                "snippet_start": body.start if body else 0,
                "highlights": [list(h) for h in body.hits] if body else [],
                "segments": body.segments() if body else [{"text": (doc["text"] or "")[:200], "hit": False}],
            })
        return {"q": q, "keys_count": len(res["keys"]), "total": res["total"], "limit": limit, "offset": offset,
                "items": items}


def _feature(ev: dict) -> dict:
    """An event with coordinates as a GeoJSON Point Feature (the map's marker and popup)."""
    loc = ev["location"]
    return {
        "type": "Feature", "id": ev["id"],
        "geometry": {"type": "Point", "coordinates": [float(loc["lon"]), float(loc["lat"])]},
        "properties": {"id": ev["id"], "type": ev["type"], "date": (ev["date"] or {}).get("value"),
                       "place": loc.get("name") or loc.get("text"), "place_en": loc.get("name_en"),
                       "admin1": loc.get("admin1"), "precision": loc.get("precision"),
                       "modality": ev["modality"], "doc_id": ev["doc_id"],
                       "n_sources": ev["n_sources"], "disputed": bool(ev["disputes"])},
    }


def _count(ent: dict, text: str | None, role: str | None, date: str | None) -> None:
    ent["n_events"] += 1
    if text:
        ent["texts"][text] += 1
    if role:
        ent["roles"][role] += 1
    if date:
        ent["first"] = date if ent["first"] is None or date < ent["first"] else ent["first"]
        ent["last"] = date if ent["last"] is None or date > ent["last"] else ent["last"]


#: The columns of a document shown beside a piece of evidence.
_BRIEF = ("id", "title", "outlet", "published", "url", "path")


def _brief(row: Mapping[str, Any], prefix: str = "") -> dict:
    """A document as evidence panes show it (`_BRIEF`), from a row whose columns carry `prefix`."""
    return {k: row[prefix + k] for k in _BRIEF}


def _evidence(mention: dict, doc: dict | None, text: str | None) -> dict:
    """One mention of an event with its document and the text around it (None where the document is gone)."""
    context = evidence_context(text, mention.get("start"), mention.get("end")) if text is not None else None
    return {"mention": mention, "document": doc, "context": context}


def evidence_context(text: str, start: int | None, end: int | None, width: int = EVIDENCE_CONTEXT) -> dict | None:
    """`before` / `match` / `after` around text[start:end] (cut at word boundaries); None if out of range."""
    if start is None or end is None or not (0 <= start <= end <= len(text)):
        return None
    lo = max(0, start - width)
    hi = min(len(text), end + width)
    while lo > 0 and not text[lo - 1].isspace():
        lo -= 1
    while hi < len(text) and not text[hi].isspace():
        hi += 1
    return {"before": text[lo:start], "match": text[start:end], "after": text[end:hi],
            "clipped_start": lo > 0, "clipped_end": hi < len(text)}


def evidence_passages(text: str, mentions: Iterable[dict], width: int = EVIDENCE_CONTEXT) -> list[dict]:
    """The excerpts of `text` around each mention, merged where they overlap or touch, every mention marked.

    Several mentions of one event in a document (a trigger, the casualty count two sentences on)
    each got their own excerpt, so a card repeated the same paragraphs; here they become one
    passage per stretch of text. Returns `[{start, end, clipped_start, clipped_end, segments}]`
    in text order, `segments` being `[{text, mark}]` (`mark`: inside a mention). Mentions out of
    range are skipped.
    """
    windows = []
    marks = []
    for m in mentions:
        ctx = evidence_context(text, m.get("start"), m.get("end"), width)
        if ctx is None:
            continue
        lo = m["start"] - len(ctx["before"])
        hi = m["end"] + len(ctx["after"])
        windows.append([lo, hi])
        marks.append((m["start"], m["end"]))
    merged: list[list[int]] = []
    for lo, hi in sorted(windows):
        # touching or only blank between: one passage (the reader sees the same paragraph once)
        if merged and not text[merged[-1][1]:lo].strip():
            merged[-1][1] = max(merged[-1][1], hi)
        else:
            merged.append([lo, hi])
    out = []
    for lo, hi in merged:
        spans = [{"start": a - lo, "end": b - lo, "label": "mark"} for a, b in marks if lo <= a and b <= hi]
        segments = [{"text": seg["text"], "mark": bool(seg["labels"])}
                    for seg in span_segments(text[lo:hi], spans)]
        out.append({"start": lo, "end": hi, "clipped_start": lo > 0, "clipped_end": hi < len(text),
                    "segments": segments})
    return out


def span_segments(text: str, spans: Iterable[dict]) -> list[dict]:
    """Cut `text` into consecutive pieces, each with the labels of the spans covering it.

    Spans may overlap or nest; out-of-range spans are ignored. Returns `[{text, labels}]`.
    """
    n = len(text)
    cuts = {0, n}
    good = []
    for s in spans:
        a, b = s.get("start"), s.get("end")
        if isinstance(a, int) and isinstance(b, int) and 0 <= a < b <= n:
            good.append((a, b, s.get("label") or "span"))
            cuts.update((a, b))
    points = sorted(cuts)
    out = []
    for a, b in zip(points, points[1:]):
        labels = sorted({lab for s, e, lab in good if s <= a and b <= e})
        out.append({"text": text[a:b], "labels": labels})
    return out
