"""The schema stays portable (PostgreSQL can follow) and versioned."""
from __future__ import annotations

import sqlite3

import pytest
from sqlalchemy.dialects import postgresql
from sqlalchemy.schema import CreateIndex, CreateTable

from rasd.store.base import Store
from rasd.store.schema import SCHEMA_VERSION, metadata
from rasd.store.sqlite import SqliteStore


def test_every_table_compiles_for_postgresql() -> None:
    dialect = postgresql.dialect()
    for table in metadata.sorted_tables:
        ddl = str(CreateTable(table).compile(dialect=dialect))
        assert "BLOB" not in ddl and "JSON" not in ddl  # BYTEA and TEXT there; JSON is text we write
        for index in table.indexes:
            str(CreateIndex(index).compile(dialect=dialect))
    names = {t.name for t in metadata.sorted_tables}
    assert {"raw_inputs", "documents", "removed", "social_posts", "spans", "events", "quarantine", "runs",
            "schema_version", "processed"} <= names


def test_sqlite_store_satisfies_the_protocol_and_uses_wal(tmp_path) -> None:
    store = SqliteStore(tmp_path / "a.db")
    try:
        assert isinstance(store, Store)
    finally:
        store.close()
    con = sqlite3.connect(tmp_path / "a.db")
    try:
        assert con.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        indexes = {r[1] for r in con.execute("SELECT * FROM sqlite_master WHERE type = 'index'")}
        assert {"ix_documents_content_hash", "ix_documents_raw_sha256", "ix_events_doc_id", "ix_events_type"} <= indexes
    finally:
        con.close()


def test_a_database_from_a_newer_rasd_is_refused(tmp_path) -> None:
    SqliteStore(tmp_path / "a.db").close()
    con = sqlite3.connect(tmp_path / "a.db")
    con.execute("INSERT INTO schema_version VALUES (?, ?)", (SCHEMA_VERSION + 1, "later"))
    con.commit()
    con.close()
    with pytest.raises(RuntimeError, match="newer"):
        SqliteStore(tmp_path / "a.db")
