"""Schema version 1: the core tables (rasd.store.schema) and the link tables (rasd.store.links).

The baseline: on a store that `rasd` already created (its tables made when a store is opened)
it creates only what is missing, so every existing store can be brought under Alembic; on
PostgreSQL it adds the `rowid` identity columns the web reads by.

Revision ID: 0001
"""
from __future__ import annotations

from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    from rasd.store.links import link_metadata
    from rasd.store.schema import metadata

    bind = op.get_bind()
    metadata.create_all(bind, checkfirst=True)
    link_metadata.create_all(bind, checkfirst=True)
    if bind.dialect.name == "postgresql":
        from rasd.store.postgres import add_rowids

        add_rowids(bind, {t.name for t in (*metadata.sorted_tables, *link_metadata.sorted_tables)})


def downgrade() -> None:
    raise NotImplementedError("the baseline schema is not removed by a migration; drop the database instead")
