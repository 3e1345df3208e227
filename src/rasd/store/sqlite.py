"""The reference store: SQLAlchemy Core over SQLite (`PostgresStore` in rasd.store.postgres is this
class over PostgreSQL).

Shared code paths use portable SQL only. What differs by dialect is confined to a few places:
connection setup (SQLite pragmas: WAL, synchronous=NORMAL, busy timeout; `BEGIN IMMEDIATE` for
writes), insert-or-ignore (`ON CONFLICT DO NOTHING` on SQLite/PostgreSQL, a savepoint elsewhere),
and the hooks `_make_engine`, `_prepare_schema` and `prepare_tables` that the PostgreSQL store
overrides. The web's reads go through `rasd.store.read` instead.
"""
from __future__ import annotations

import os
import socket
from collections import defaultdict
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Iterable, Iterator, Mapping, Sequence
from uuid import uuid4

from sqlalchemy import bindparam, case, create_engine, delete, event, func, select, update
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.pool import StaticPool
from sqlalchemy.sql.schema import Table

from rasd.clean.normalize import normalize_key
from rasd.document import Document, Event, Quarantined, RawInput, sha256_hex
from rasd.store import codec
from rasd.store.base import RUN_STATUSES, raw_source_key
from rasd.store.schema import (
    SCHEMA_VERSION,
    places,
    documents,
    events as events_table,
    metadata,
    processed,
    quarantine,
    raw_inputs,
    removed,
    runs,
    schema_version,
    site_pages,
    social_posts,
    spans,
)

#: How long a writer waits for another process's write lock before failing (ms). A put_result
#: holds the lock for about a millisecond, so 30 s only matters when a long export holds a read.
SQLITE_BUSY_TIMEOUT_MS = 30_000

_WRITE = "rasd_write"  # execution option: this connection's transaction will write

#: Runs begun and not yet finished by this process (any store instance): never "interrupted".
_LIVE_RUNS: set[str] = set()


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="microseconds")


def _to_url(path_or_url: str | os.PathLike) -> str:
    text = os.fspath(path_or_url)
    if "://" in text:
        return text
    if text == ":memory:":
        return "sqlite://"
    path = Path(text).expanduser().resolve()
    path.parent.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{path}"


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # exists, owned by someone else
        return True
    return True


def _setup_sqlite(engine: Engine, *, in_memory: bool) -> None:
    """Pragmas on every new connection, and explicit BEGIN so SELECT-then-INSERT is one transaction."""

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None  # the driver must not open transactions on its own
        cur = dbapi_conn.cursor()
        if not in_memory:
            cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        # IMMEDIATE takes the write lock up front: a deferred transaction that read first could not
        # upgrade to a writer once another process committed, and would fail instead of waiting.
        conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.get_execution_options().get(_WRITE) else "BEGIN")


class SqliteStore:
    """The `Store` on SQLite (a file path or `:memory:`) or any SQLAlchemy URL.

    Each `put_result`/`put_quarantine`/`replace_events` is one transaction; readers stream.
    A `:memory:` store shares one connection, so do not write while iterating it.
    """

    def __init__(self, path_or_url: str | os.PathLike) -> None:
        self._engine = self._make_engine(path_or_url)
        self._dialect = self._engine.dialect.name
        self._host = socket.gethostname()
        try:
            self._prepare_schema()
            self._check_schema_version()
        except Exception:
            self._engine.dispose()
            raise
        self._probe: Any = None   # a driver connection kept for is_done (SQLite)
        # Statements built once: building SQLAlchemy expressions per call cost a third of put_result.
        self._ignore_stmts: dict[str, Any] = {}
        self._q_doc_exists = select(documents.c.id).where(documents.c.id == bindparam("doc_id"))
        self._q_canonical = (
            select(documents.c.id, documents.c.duplicate_of)
            .where(documents.c.content_hash == bindparam("content_hash"), documents.c.id != bindparam("doc_id"))
            .order_by(case((documents.c.duplicate_of.is_(None), 0), else_=1), documents.c.created_at, documents.c.id)
            .limit(1)
        )

    # -- plumbing ---------------------------------------------------------------------------

    def _make_engine(self, path_or_url: str | os.PathLike) -> Engine:
        """The SQLAlchemy engine: SQLite with its pragmas (a path, `:memory:`, an sqlite:// URL)."""
        url = _to_url(path_or_url)
        in_memory = url in ("sqlite://", "sqlite:///:memory:")
        kwargs: dict[str, Any] = {}
        if in_memory:
            kwargs = {"poolclass": StaticPool, "connect_args": {"check_same_thread": False}}
        engine = create_engine(url, **kwargs)
        if engine.dialect.name == "sqlite":
            _setup_sqlite(engine, in_memory=in_memory)
        return engine

    def _prepare_schema(self) -> None:
        """Create the missing tables (a backend adds what its dialect needs beside them)."""
        metadata.create_all(self._engine)

    def prepare_tables(self, tables_metadata: Any) -> None:
        """Create the tables of another module (the link tables) on this store, with what the
        backend adds to them (PostgreSQL: a `rowid` column the web reads by)."""
        tables_metadata.create_all(self._engine)

    @contextmanager
    def _write(self) -> Iterator[Connection]:
        with self._engine.connect() as conn:
            conn.execution_options(**{_WRITE: True})
            with conn.begin():
                yield conn

    def _insert_ignore(self, conn: Connection, table: Table, rows: list[dict]) -> int:
        """Insert rows, skipping those that hit a unique key; return how many were inserted."""
        if not rows:
            return 0
        if self._dialect in ("sqlite", "postgresql"):
            stmt = self._ignore_stmts.get(table.name)
            if stmt is None:
                if self._dialect == "sqlite":
                    from sqlalchemy.dialects.sqlite import insert as dialect_insert
                else:
                    from sqlalchemy.dialects.postgresql import insert as dialect_insert
                stmt = self._ignore_stmts[table.name] = dialect_insert(table).on_conflict_do_nothing()
            return conn.execute(stmt, rows).rowcount
        inserted = 0
        for row in rows:
            try:
                with conn.begin_nested():
                    conn.execute(table.insert(), row)
                inserted += 1
            except IntegrityError:
                continue
        return inserted

    def _check_schema_version(self) -> None:
        with self._write() as conn:
            found = conn.execute(select(func.max(schema_version.c.version))).scalar()
            if found is None:
                conn.execute(schema_version.insert(), {"version": SCHEMA_VERSION, "applied_at": _now()})
            elif found > SCHEMA_VERSION:
                raise RuntimeError(
                    f"this database has schema version {found}, newer than this rasd's {SCHEMA_VERSION}; "
                    "upgrade rasd to open it"
                )

    def _put_raw(self, conn: Connection, raw: RawInput, now: str) -> None:
        self._insert_ignore(conn, raw_inputs, [{
            "sha256": raw.sha256, "data": raw.data, "size": raw.size, "path": raw.path,
            "url": raw.url, "media_type": raw.media_type, "record": raw.record, "first_seen": now,
        }])

    def _canonical_for(self, conn: Connection, content_hash: str, doc_id: str) -> str | None:
        """The id an exact duplicate should point to: the earliest stored canonical copy."""
        row = conn.execute(self._q_canonical, {"content_hash": content_hash, "doc_id": doc_id}).first()
        if row is None:
            return None
        return row.duplicate_of or row.id

    # -- runs -------------------------------------------------------------------------------

    def begin_run(self, config: Mapping, version: str) -> str:
        """Record the start of a run; return its id (sortable: UTC time, then a random suffix)."""
        run_id = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S") + "-" + uuid4().hex[:8]
        with self._write() as conn:
            conn.execute(runs.insert(), {
                "id": run_id, "started_at": _now(), "finished_at": None, "version": version,
                "config": codec.dumps(dict(config)), "counts": None, "status": "running",
                "host": self._host, "pid": os.getpid(),
            })
        _LIVE_RUNS.add(run_id)
        return run_id

    def finish_run(self, run_id: str, counts: Mapping, status: str = "ok") -> None:
        """Record the end of a run with its counters and final status."""
        if status not in RUN_STATUSES or status == "running":
            raise ValueError(f"unknown final run status {status!r}; use one of {RUN_STATUSES[1:]}")
        with self._write() as conn:
            done = conn.execute(
                update(runs).where(runs.c.id == run_id).values(
                    finished_at=_now(), counts=codec.dumps(dict(counts)), status=status)
            ).rowcount
        if not done:
            raise KeyError(f"no run {run_id!r} in this store")
        _LIVE_RUNS.discard(run_id)

    def list_runs(self) -> list[dict]:
        """Runs, oldest first; `running` rows whose process is gone show as `interrupted`."""
        with self._engine.connect() as conn:
            rows = conn.execute(select(runs).order_by(runs.c.started_at, runs.c.id)).mappings().all()
        out = []
        for r in rows:
            d = dict(r)
            d["config"] = codec.loads(d["config"])
            d["counts"] = codec.loads(d["counts"])
            if d["status"] == "running" and self._is_dead(d):
                d["status"] = "interrupted"
            out.append(d)
        return out

    def _is_dead(self, run: Mapping[str, Any]) -> bool:
        if run["id"] in _LIVE_RUNS:
            return False
        if run["host"] != self._host or run["pid"] is None:
            return False  # another machine's run: cannot tell, so it is shown as it says
        return run["pid"] == os.getpid() or not _process_alive(run["pid"])

    # -- writes -----------------------------------------------------------------------------

    def is_done(self, raw_sha256: str, source_key: str) -> bool:
        """True when `put_result` already committed this raw record from this source."""
        if self._dialect == "sqlite":
            # One lookup per input record: through a pooled Connection it cost ~0.6 ms (checkout,
            # BEGIN, compile, ROLLBACK), a quarter of ingest time; a kept driver connection in
            # autocommit mode answers in microseconds and sees every commit (WAL).
            if self._probe is None:
                self._probe = self._engine.raw_connection()
            cur = self._probe.cursor()
            try:
                cur.execute("SELECT 1 FROM processed WHERE raw_sha256 = ? AND source_key = ? LIMIT 1",
                            (raw_sha256, source_key))
                return cur.fetchone() is not None
            finally:
                cur.close()
        with self._engine.connect() as conn:
            return conn.execute(
                select(processed.c.raw_sha256).where(
                    processed.c.raw_sha256 == raw_sha256, processed.c.source_key == source_key)
            ).first() is not None

    def put_result(self, raw: RawInput, docs: Sequence[Document], run_id: str) -> int:
        """Write a raw record, its documents, their children and events, and the processed markers.

        One transaction. A document whose id is already stored is left as it is (re-running
        changes nothing). Returns the number of new documents.
        """
        now = _now()
        new = 0
        with self._write() as conn:
            self._put_raw(conn, raw, now)
            for doc in docs:
                if conn.execute(self._q_doc_exists, {"doc_id": doc.id}).first():
                    continue
                key = normalize_key(doc.text)
                content_hash = sha256_hex(key) if key else None  # empty texts are not "duplicates"
                duplicate_of = doc.duplicate_of
                if duplicate_of is None and content_hash is not None:
                    duplicate_of = self._canonical_for(conn, content_hash, doc.id)
                conn.execute(documents.insert(), codec.document_row(
                    doc, content_hash=content_hash, duplicate_of=duplicate_of, run_id=run_id, now=now))
                for table, rows in ((removed, codec.removed_rows(doc)), (social_posts, codec.social_rows(doc)),
                                    (spans, codec.span_rows(doc))):
                    if rows:
                        conn.execute(table.insert(), rows)
                self._insert_ignore(conn, events_table, [
                    codec.event_row(ev, doc_id=doc.id, seq=i, run_id=run_id) for i, ev in enumerate(doc.events)
                ])
                new += 1
            # The raw record's key, plus each document origin's key where a reader or stage named the
            # source differently (a URL found in the page): `is_done` answers yes to either.
            keys = dict.fromkeys([raw_source_key(raw)] + [d.origin.source_key() for d in docs])
            self._insert_ignore(conn, processed, [
                {"raw_sha256": raw.sha256, "source_key": k, "run_id": run_id, "done_at": now} for k in keys
            ])
        return new

    def put_quarantine(self, raw: RawInput | None, q: Quarantined, run_id: str) -> None:
        """Record a quarantined record, keeping its raw bytes; the same failure is stored once."""
        now = _now()
        raw_sha = q.raw_sha256 or (raw.sha256 if raw is not None else None)
        path = q.path if q.path is not None else (raw.path if raw is not None else None)
        record = q.record if q.record is not None else (raw.record if raw is not None else None)
        base = raw_sha or sha256_hex(f"{path}\x00{record}\x00{q.detail}")
        dedup_key = f"{base}:{q.doc_id}" if q.doc_id else base
        with self._write() as conn:
            if raw is not None:
                self._put_raw(conn, raw, now)
            self._insert_ignore(conn, quarantine, [{
                "raw_sha256": raw_sha, "dedup_key": dedup_key, "path": path, "record": record,
                "doc_id": q.doc_id, "stage": q.stage, "reason": q.reason, "detail": q.detail,
                "run_id": run_id, "created_at": now,
            }])

    def replace_events(self, doc_id: str, events: Sequence[Event], *, meta: Mapping | None = None) -> None:
        """Replace the events owned by `doc_id`; an event id stored under another document moves here.

        `meta`, when given, replaces the document's meta in the same transaction (the genre that
        `rasd extract` finds again)."""
        rows = [codec.event_row(ev, doc_id=doc_id, seq=i, run_id=None) for i, ev in enumerate(events)]
        with self._write() as conn:
            if meta is not None:
                conn.execute(update(documents).where(documents.c.id == doc_id).values(meta=codec.dumps(dict(meta))))
            conn.execute(delete(events_table).where(events_table.c.doc_id == doc_id))
            ids = [r["id"] for r in rows]
            for start in range(0, len(ids), 500):
                conn.execute(delete(events_table).where(events_table.c.id.in_(ids[start:start + 500])))
            if rows:
                conn.execute(events_table.insert(), rows)

    # -- reads ------------------------------------------------------------------------------

    def _children(self, conn: Connection, ids: list[str]) -> dict[str, dict[str, list]]:
        """Removed/social/spans rows and events of the given documents, grouped by doc id, in order."""
        out: dict[str, dict[str, list]] = defaultdict(lambda: {"removed": [], "social": [], "spans": [], "events": []})
        for name, table in (("removed", removed), ("social", social_posts), ("spans", spans)):
            q = select(table).where(table.c.doc_id.in_(ids)).order_by(table.c.doc_id, table.c.seq)
            for r in conn.execute(q).mappings():
                out[r["doc_id"]][name].append(r)
        q = select(events_table.c.doc_id, events_table.c.record).where(events_table.c.doc_id.in_(ids)).order_by(
            events_table.c.doc_id, events_table.c.seq)
        for r in conn.execute(q):
            out[r.doc_id]["events"].append(codec.event_from_json(codec.loads(r.record)))
        return out

    @staticmethod
    def _build(row: Mapping[str, Any], kids: dict[str, list]) -> Document:
        return codec.document_from_rows(row, kids["removed"], kids["social"], kids["spans"], kids["events"])

    def get_document(self, doc_id: str) -> Document | None:
        """The document with this id and all its children, or None."""
        with self._engine.connect() as conn:
            row = conn.execute(select(documents).where(documents.c.id == doc_id)).mappings().first()
            if row is None:
                return None
            return self._build(row, self._children(conn, [doc_id])[doc_id])

    def iter_documents(self, *, batch: int = 500) -> Iterator[Document]:
        """Every document, streamed `batch` at a time, in (path, url, record, part) order.

        NULLs sort first on every dialect (coalesced), so the order is the same on SQLite and PostgreSQL.
        """
        if batch < 1:
            raise ValueError("batch must be >= 1")
        order = (
            func.coalesce(documents.c.path, ""), func.coalesce(documents.c.url, ""),
            func.coalesce(documents.c.record, -1), documents.c.part, documents.c.id,
        )
        with self._engine.connect() as conn:
            result = conn.execution_options(stream_results=True, yield_per=batch).execute(
                select(documents).order_by(*order))
            for chunk in result.mappings().partitions(batch):
                kids = self._children(conn, [r["id"] for r in chunk])
                for row in chunk:
                    yield self._build(row, kids[row["id"]])

    def iter_events(self) -> Iterator[Event]:
        """Every event, in (document id, position) order."""
        with self._engine.connect() as conn:
            result = conn.execution_options(stream_results=True, yield_per=1000).execute(
                select(events_table.c.record).order_by(events_table.c.doc_id, events_table.c.seq))
            for (record,) in result:
                yield codec.event_from_json(codec.loads(record))

    def put_places(self, records: Iterable[Mapping[str, Any]], source: str) -> int:
        """Store imported places (`Place.to_record()` dicts), replacing any with the same id; one transaction."""
        rows = [{"id": r["id"], "record": codec.dumps(dict(r)), "source": source, "imported_at": _now()}
                for r in records]
        with self._write() as conn:
            if rows:
                conn.execute(delete(places).where(places.c.id.in_([r["id"] for r in rows])))
                conn.execute(places.insert(), rows)
        return len(rows)

    def iter_places(self) -> Iterator[dict]:
        """Imported places in import order (empty when nothing was imported)."""
        with self._engine.connect() as conn:
            for (record,) in conn.execute(select(places.c.record).order_by(places.c.imported_at, places.c.id)):
                yield codec.loads(record)

    def put_site_pages(self, rows: Iterable[Mapping[str, Any]], run_id: str | None = None) -> int:
        """Keep the pre-pass's per-page facts (`PageFacts.to_row()` dicts); a page already kept is
        left as it is (its facts depend on the page alone). One transaction; returns rows added."""
        now = _now()
        batch = [{"page": r["page"], "site": r["site"], "host": r["host"], "outlet": r.get("outlet"),
                  "lines": codec.dumps(list(r["lines"])), "version": r["version"], "run_id": run_id,
                  "learnt_at": now} for r in rows]
        with self._write() as conn:
            return self._insert_ignore(conn, site_pages, batch)

    def iter_site_pages(self, version: int | None = None) -> Iterator[dict]:
        """The kept per-page facts (of one format `version` when given), in page order."""
        q = select(site_pages.c.page, site_pages.c.site, site_pages.c.host, site_pages.c.outlet,
                   site_pages.c.lines, site_pages.c.version).order_by(site_pages.c.page)
        if version is not None:
            q = q.where(site_pages.c.version == version)
        with self._engine.connect() as conn:
            rows = conn.execute(q).mappings().all()   # before yielding: a :memory: store has one connection
        for r in rows:
            yield {**r, "lines": codec.loads(r["lines"])}

    def get_raw(self, sha256: str) -> bytes | None:
        """The kept raw bytes with this hash (None when unknown or not kept)."""
        with self._engine.connect() as conn:
            data = conn.execute(select(raw_inputs.c.data).where(raw_inputs.c.sha256 == sha256)).scalar()
        return None if data is None else bytes(data)

    def list_quarantine(self, reason: str | None = None) -> list[dict]:
        """Quarantine rows (optionally of one reason), oldest first."""
        q = select(quarantine).order_by(quarantine.c.id)
        if reason is not None:
            q = q.where(quarantine.c.reason == reason)
        with self._engine.connect() as conn:
            return [dict(r) for r in conn.execute(q).mappings()]

    def stats(self) -> dict:
        """Counts of what the store holds (JSON-ready)."""
        def grouped(conn: Connection, col: Any) -> dict:
            # NULLs first as SQLite orders them (PostgreSQL puts them last by default)
            rows = conn.execute(select(col, func.count()).group_by(col).order_by(col.nulls_first())).all()
            return {k: n for k, n in rows}

        run_status: dict[str, int] = defaultdict(int)
        for r in self.list_runs():  # before opening a connection: a :memory: store has only one
            run_status[r["status"]] += 1
        with self._engine.connect() as conn:
            n_docs = conn.execute(select(func.count()).select_from(documents)).scalar()
            n_dups = conn.execute(
                select(func.count()).select_from(documents).where(documents.c.duplicate_of.is_not(None))).scalar()
            return {
                "raw_inputs": conn.execute(select(func.count()).select_from(raw_inputs)).scalar(),
                "documents": {
                    "total": n_docs,
                    "by_part": grouped(conn, documents.c.part),
                    "duplicates": n_dups,
                },
                "removed_by_reason": grouped(conn, removed.c.reason),
                "social_posts": conn.execute(select(func.count()).select_from(social_posts)).scalar(),
                "spans": conn.execute(select(func.count()).select_from(spans)).scalar(),
                "quarantine_by_reason": grouped(conn, quarantine.c.reason),
                "events_by_type": grouped(conn, events_table.c.type),
                "runs": {"total": sum(run_status.values()), "by_status": dict(sorted(run_status.items()))},
            }

    @property
    def engine(self):
        """The SQLAlchemy engine, for modules that keep their own tables beside the core ones (search, links)."""
        return self._engine

    @property
    def dialect(self) -> str:
        """The database dialect name (`sqlite`, `postgresql`)."""
        return self._dialect

    def close(self) -> None:
        """Release every pooled connection."""
        if self._probe is not None:
            self._probe.close()
            self._probe = None
        self._engine.dispose()

    def __enter__(self) -> "SqliteStore":
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()
