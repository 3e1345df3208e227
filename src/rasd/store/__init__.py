"""Stores: the one place documents, raw inputs, quarantine and runs are kept."""
from rasd.store.base import RUN_STATUSES, Store, raw_source_key
from rasd.store.sqlite import SqliteStore


def open_store(path_or_url: str) -> Store:
    """Open the store at a file path or URL: PostgreSQL for a postgresql:// URL (`rasd[postgres]`),
    else SQLite (the reference backend)."""
    from rasd.store.postgres import is_postgres_url

    if is_postgres_url(path_or_url):
        from rasd.store.postgres import PostgresStore

        return PostgresStore(path_or_url)
    return SqliteStore(path_or_url)


__all__ = ["RUN_STATUSES", "SqliteStore", "Store", "open_store", "raw_source_key"]
