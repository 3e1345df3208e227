"""Alembic's environment for rasd: the connection comes from `rasd.store.migrate.upgrade`
(`config.attributes["connection"]`); the target metadata is the store's core and link tables."""
from __future__ import annotations

from alembic import context

from rasd.store.links import link_metadata
from rasd.store.schema import metadata

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=[metadata, link_metadata],
                  render_as_batch=connection.dialect.name == "sqlite")   # SQLite alters by copying a table
with context.begin_transaction():
    context.run_migrations()
