"""Alembic migrations (`rasd migrate`): the same revisions bring an SQLite file and a PostgreSQL
database to the newest schema, on a new store and on one `rasd` already created."""
from __future__ import annotations

import pytest
from sqlalchemy import inspect

from tests.conftest import BACKENDS

pytest.importorskip("alembic", reason="migrations need Alembic: pip install 'rasd[migrations]'")


@pytest.mark.parametrize("make_db", BACKENDS, indirect=True)
def test_migrating_brings_a_store_to_the_newest_revision_once(make_db, make_result):
    from rasd.store import migrate, open_store
    from rasd.store.links import link_metadata
    from rasd.store.schema import metadata

    with open_store(make_db("m")) as store:
        assert migrate.current(store) is None
        assert migrate.upgrade(store) == migrate.head()
        assert migrate.upgrade(store) == migrate.head()          # again: nothing to do
        tables = set(inspect(store.engine).get_table_names())
        assert {t.name for t in (*metadata.sorted_tables, *link_metadata.sorted_tables)} <= tables
        run = store.begin_run({}, "test")                        # the migrated store works as before
        raw, docs = make_result("وصلت قافلة مساعدات إنسانية إلى المدينة صباح اليوم.")
        assert store.put_result(raw, docs, run) == 1
        assert [d.id for d in store.iter_documents()] == [docs[0].id]
