"""The read side of the PostgreSQL store: what `rasd serve --db postgresql://…` reads through.

The web writes its queries once, with `?` parameters and the fragments of `rasd.store.sqlite_read`
(`SqliteSql`); here the same fragments are written for PostgreSQL (JSONB paths over the records,
which are kept as the exact JSON text the store wrote, cast with `::jsonb`, so exports stay
byte-identical to SQLite's), and `PgReadConnection` turns `?` into psycopg's `%s`.

- Connections come from a pool (`psycopg_pool`, `READ_POOL_MAX` per server process), each
  read-only (`default_transaction_read_only`) and in autocommit: one statement, one snapshot.
- The data version is `pg_current_snapshot()`: its text changes exactly when a transaction that
  wrote finishes (commit or abort) and in the same step its rows become visible, so an answer
  cached under a version never misses a commit that the version shows (as `PRAGMA data_version`).
- Search: `rasd.store.postgres_search`.
"""
from __future__ import annotations

import logging
import re
import threading
from typing import Any, Iterable, Sequence

from rasd.store.postgres import BACKGROUND_FLAG, background_flag_expr, libpq_url, require_psycopg
from rasd.store.sqlite_read import SqliteSql

log = logging.getLogger("rasd.store")

#: Connections one server process keeps (its request threads share them; uvicorn runs sync
#: endpoints in a pool of 40 threads, and most of a request is Python, not SQL). Four processes
#: hold at most 32, well under PostgreSQL's default `max_connections` of 100.
READ_POOL_MAX = 8

#: A `?` parameter outside quotes (the web's SQL never holds a `?` inside a literal).
_QMARK = re.compile(r"\?")


class PostgresSql(SqliteSql):
    """SQL fragments in PostgreSQL's dialect: JSONB operators over `record::jsonb`."""

    name = "postgresql"

    @staticmethod
    def _path(path: Sequence[str]) -> str:
        return "'{" + ",".join(path) + "}'"

    def json_text(self, col: str, *path: str) -> str:
        return f"(({col})::jsonb #>> {self._path(path)})"

    #: the columns a subquery over the event tables carries for `background` (the "mixed" source)
    flag_columns = ", " + BACKGROUND_FLAG

    def background(self, col: str) -> str:
        # a record column's flag is the table's stored generated column (`rasd.store.postgres`),
        # which an index can answer alone; the expression is the same value
        if col == "record" or col.endswith(".record"):
            return col[:-len("record")] + BACKGROUND_FLAG
        return background_flag_expr(col)

    def array_length(self, col: str, *path: str) -> str:
        item = f"(({col})::jsonb #> {self._path(path)})"
        return f"coalesce(jsonb_array_length(CASE WHEN jsonb_typeof({item}) = 'array' THEN {item} END), 0)"

    def dated(self, col: str) -> str:
        return f"({col} IS NULL) = false"

    def nulls_first(self, col: str) -> str:
        return f"{col} NULLS FIRST"

    def in_json_list(self, key: str) -> str:
        # the keys are rowids (bigint) or, for a store linked in part, event ids (text)
        cast = "bigint" if key.endswith("rowid") else "text"
        return f"{key} IN (SELECT v::{cast} FROM jsonb_array_elements_text((?)::jsonb) AS t(v))"

    def actor_match(self, col: str) -> str:
        return (f"EXISTS (SELECT 1 FROM jsonb_array_elements(CASE WHEN jsonb_typeof(({col})::jsonb -> 'actors') "
                f"= 'array' THEN ({col})::jsonb -> 'actors' ELSE '[]'::jsonb END) a "
                "WHERE a ->> 'actor_id' = ? OR a ->> 'name' = ? OR a ->> 'text' = ?)")

    def index_elements(self, elements: Iterable[str]) -> str:
        # PostgreSQL wants every expression of an index key in parentheses
        return "(" + ", ".join(e if re.fullmatch(r"\w+", e) else f"({e})" for e in elements) + ")"


POSTGRES_SQL = PostgresSql()


def qmarks_to_pyformat(sql: str) -> str:
    """`?` parameters as psycopg's `%s` (a literal `%` doubled)."""
    return _QMARK.sub("%s", sql.replace("%", "%%"))


class Row(tuple):
    """A result row read by position or by column name, as `sqlite3.Row`."""

    __slots__ = ()
    _names: dict[str, int] = {}

    def __getitem__(self, key: Any) -> Any:
        if isinstance(key, str):
            return tuple.__getitem__(self, self._names[key])
        return tuple.__getitem__(self, key)

    def keys(self) -> list[str]:
        return list(self._names)


def _row_factory(cursor: Any) -> Any:
    names = [c.name for c in cursor.description or ()]
    cls = type("Row", (Row,), {"__slots__": (), "_names": {n: i for i, n in enumerate(names)}})
    return lambda values: cls(values)


class _Fetched:
    """The rows of one statement, fetched before its connection went back to the pool."""

    def __init__(self, rows: list, description: Any) -> None:
        self._rows = rows
        self.description = [(c.name,) for c in description] if description else None

    def fetchone(self) -> Any:
        return self._rows[0] if self._rows else None

    def fetchall(self) -> list:
        return self._rows

    def __iter__(self):
        return iter(self._rows)

    def close(self) -> None:
        """Nothing to release: the rows were fetched and the connection returned."""


class PgReadConnection:
    """What the web's queries call `conn()`: `execute(sql, params)` with `?` parameters, each
    statement on a pooled read-only connection, its rows fetched at once."""

    def __init__(self, pool: Any) -> None:
        self._pool = pool

    def execute(self, sql: str, params: Sequence[Any] = ()) -> _Fetched:
        with self._pool.connection() as c:
            cur = c.cursor(row_factory=_row_factory)
            cur.execute(qmarks_to_pyformat(sql), list(params))
            rows = cur.fetchall() if cur.description else []
            return _Fetched(rows, cur.description)


class PostgresReadBackend:
    """Read-only access to a PostgreSQL store for the web server (a pool per process)."""

    sql = POSTGRES_SQL

    def __init__(self, db: str) -> None:
        require_psycopg()
        import psycopg
        from psycopg_pool import ConnectionPool

        self.location = db
        self.ReadOnlyError = psycopg.errors.ReadOnlySqlTransaction
        url = libpq_url(db)

        def configure(c: Any) -> None:
            c.autocommit = True
            c.execute("SET default_transaction_read_only = on")

        self._pool = ConnectionPool(url, min_size=1, max_size=READ_POOL_MAX, configure=configure, open=True,
                                    name="rasd-read")
        self._conn = PgReadConnection(self._pool)
        self._lock = threading.Lock()

    def conn(self) -> PgReadConnection:
        """The shared connection object (each statement takes a pooled connection)."""
        return self._conn

    def data_version(self) -> Any:
        """The current snapshot as text: it changes when (and as soon as) a writing transaction ends."""
        return self._conn.execute("SELECT pg_current_snapshot()::text").fetchone()[0]

    def tables(self) -> frozenset[str]:
        """The tables and views of the current schema."""
        return frozenset(r[0] for r in self._conn.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()"))

    def search(self, q: str, *, limit: int, offset: int) -> dict:
        from rasd.store import postgres_search

        return postgres_search.search_documents(self._conn, q, limit=limit, offset=offset)

    def load_vocabulary(self) -> int:
        from rasd.store import postgres_search

        return postgres_search.load_vocabulary(self._conn)

    def has_search_index(self) -> bool:
        from rasd.store.postgres_search import SEARCH_TABLE

        return SEARCH_TABLE in self.tables()

    def close(self) -> None:
        """Close the pool."""
        self._pool.close()


def ensure_read_indexes(db: str, extra: Iterable[tuple[str, str, str]] = ()) -> list[str]:
    """The schema's indexes (created with the tables) are there; create `extra` (the web's read
    indexes: JSONB expressions over the records) on the tables present; their names."""
    from sqlalchemy import text

    from rasd.store.postgres import PostgresStore, add_background_flags

    store = PostgresStore(db)
    try:
        created = []
        with store.engine.begin() as conn:
            tables = {r[0] for r in conn.execute(text(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()"))}
            # a store linked by an earlier version has its link tables without the flag column
            add_background_flags(conn, tables)
            have = {r[0]: r[1] for r in conn.execute(text(
                "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema()"))}
            for name, table, ddl in extra:
                if table not in tables:
                    continue
                if name in have and BACKGROUND_FLAG in ddl and BACKGROUND_FLAG not in have[name]:
                    # built by an earlier version over the flag's expression: rebuilt on the column
                    conn.execute(text(f"DROP INDEX IF EXISTS {name}"))
                    del have[name]
                if name not in have:
                    conn.execute(text(ddl))
                    created.append(name)
        if created:
            # statistics for the new indexes and the visibility map an index-only scan needs (the
            # timeline's count over 414,615 fused events at 100,000 documents: 1.0-1.3 s by a bitmap
            # heap scan without them, 79-91 ms from the index alone after; docs/scale.md)
            touched = sorted({table for name, table, _ in extra if name in created})
            with store.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.execute(text(f"VACUUM (ANALYZE) {', '.join(touched)}"))
        return created
    finally:
        store.close()


def prepare_search_index(db: str) -> dict | None:
    """Bring the search index up to date."""
    from rasd.store import postgres_search

    return postgres_search.update_search_index(db)
