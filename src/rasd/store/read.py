"""The read side of a store, for the web server: one backend per database kind.

A backend (`SqliteReadBackend`, `PostgresReadBackend`) gives the web a read-only connection
(`conn().execute(sql, params)` with `?` parameters, rows read by position or column name), the
store's data version (it changes whenever a write reached the store), the tables present,
search, and `sql`: the SQL fragments that differ between databases (JSON paths into the records,
a list parameter, the index term "is dated"), with which the web writes its queries once.
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Iterable, Protocol, Sequence, runtime_checkable


@runtime_checkable
class ReadConnection(Protocol):
    """A read-only connection: `?` parameters; rows read by position or by column name."""

    def execute(self, sql: str, params: Sequence[Any] = ()) -> Any:
        """Run one statement; the cursor-like result has fetchone, fetchall and iteration."""
        ...


@runtime_checkable
class ReadBackend(Protocol):
    """The read side of a store, as the web server uses it (`SqliteReadBackend`, `PostgresReadBackend`)."""

    #: The SQL fragments of this database (`rasd.store.sqlite_read.SqliteSql` and its PostgreSQL subclass).
    sql: Any
    #: The exception a write through `conn()` raises.
    ReadOnlyError: type[Exception]

    def conn(self) -> ReadConnection:
        """A read-only connection for the calling thread."""
        ...

    def data_version(self) -> Any:
        """A value that changes whenever a write reached the store (compared, never ordered)."""
        ...

    def tables(self) -> frozenset[str]:
        """The tables and views present."""
        ...

    def search(self, q: str, *, limit: int, offset: int) -> dict:
        """`{keys, total, items: [{doc_id, score}]}`, best first (`rasd.store.search.search_documents`)."""
        ...

    def load_vocabulary(self) -> int:
        """Give the snippet highlighter the store's word table; how many forms it read."""
        ...

    def has_search_index(self) -> bool:
        """Whether the store holds a search index."""
        ...


def is_postgres(db: str | os.PathLike) -> bool:
    """True when `db` names a PostgreSQL database (a postgresql:// URL)."""
    from rasd.store.postgres import is_postgres_url

    return is_postgres_url(db)


def open_read_backend(db: str | Path) -> ReadBackend:
    """The read backend for a store file path or a postgresql:// URL."""
    if is_postgres(db):
        from rasd.store.postgres_read import PostgresReadBackend

        return PostgresReadBackend(str(db))
    if "://" in str(db):
        raise ValueError(f"the web app reads an SQLite file or a postgresql:// URL; got {db}")
    from rasd.store.sqlite_read import SqliteReadBackend

    return SqliteReadBackend(db)


def sql_for(db: str | Path) -> Any:
    """The SQL fragments of the database kind of `db` (without connecting)."""
    if is_postgres(db):
        from rasd.store.postgres_read import POSTGRES_SQL

        return POSTGRES_SQL
    from rasd.store.sqlite_read import SQLITE_SQL

    return SQLITE_SQL


def ensure_read_indexes(db: str | Path, extra: Iterable[tuple[str, str, str]] = ()) -> list[str]:
    """Create the read indexes a store lacks (the schema's, and `extra`: (name, table, DDL)); their names."""
    if is_postgres(db):
        from rasd.store import postgres_read

        return postgres_read.ensure_read_indexes(str(db), extra)
    from rasd.store import sqlite_read

    return sqlite_read.ensure_read_indexes(db, extra)


def prepare_search_index(db: str | Path) -> dict | None:
    """Bring the store's search index up to date (None when the store cannot be written)."""
    if is_postgres(db):
        from rasd.store import postgres_read

        return postgres_read.prepare_search_index(str(db))
    from rasd.store import sqlite_read

    return sqlite_read.prepare_search_index(db)
