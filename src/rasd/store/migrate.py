"""Schema migrations with Alembic (`rasd migrate --db …`), the same revisions for SQLite and PostgreSQL.

The revisions are in `rasd/store/migrations/versions/`; the first is the baseline (schema
version 1: every table of `rasd.store.schema` and `rasd.store.links`, created where missing).
A schema change from now on is a new revision there (and `SCHEMA_VERSION` bumped), run by
`rasd migrate` on either backend. Alembic is needed only to migrate: `pip install 'rasd[migrations]'`
(the postgres extra includes it).
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def _config(connection: Any) -> Any:
    try:
        from alembic.config import Config
    except ImportError as exc:
        raise ImportError("migrations need Alembic: pip install 'rasd[migrations]'") from exc
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["connection"] = connection
    return cfg


def upgrade(store: Any, revision: str = "head") -> str | None:
    """Bring the store's schema to `revision` (the newest by default); return the revision it is at."""
    from alembic import command

    with store.engine.begin() as conn:
        command.upgrade(_config(conn), revision)
    return current(store)


def current(store: Any) -> str | None:
    """The Alembic revision the store is at (None: never migrated)."""
    from alembic.migration import MigrationContext

    with store.engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def head() -> str:
    """The newest revision shipped."""
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(_config(None)).get_current_head()
