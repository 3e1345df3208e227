"""What only the PostgreSQL backend has: COPY for large batches, the advisory writer lock, the
read side's data version. (Everything else runs on both backends through the `store` fixture.)"""
from __future__ import annotations

import threading
import time

import pytest

pytestmark = pytest.mark.postgres


@pytest.fixture
def pg_store(pg_cluster):
    from rasd.store.postgres import PostgresStore

    s = PostgresStore(pg_cluster.database("only"))
    yield s
    s.close()


def test_a_large_batch_goes_through_copy_and_still_ignores_what_is_kept(pg_store):
    from rasd.store.postgres import COPY_MIN_ROWS

    rows = [{"page": f"p{i:05d}", "site": "example.org", "host": "example.org", "outlet": "مثال",
             "lines": [f"{i:08x}"], "version": 1} for i in range(COPY_MIN_ROWS + 10)]
    assert pg_store.put_site_pages(rows) == len(rows)
    assert pg_store.put_site_pages(rows + [dict(rows[0], page="new")]) == 1   # only the new page
    kept = list(pg_store.iter_site_pages())
    assert len(kept) == len(rows) + 1 and kept[0]["lines"] == ["00000000"] and kept[0]["outlet"] == "مثال"


def test_a_second_writer_waits_for_the_first(pg_cluster):
    from rasd.store.lock import writer_lock

    db = pg_cluster.database("lock")
    order, said = [], []

    def second() -> None:
        with writer_lock(db, on_wait=said.append):
            order.append("second")

    with writer_lock(db):
        t = threading.Thread(target=second)
        t.start()
        time.sleep(0.5)
        order.append("first done")
    t.join(timeout=30)
    assert order == ["first done", "second"]
    assert said and "waiting" in said[0]


def test_the_read_side_sees_a_new_version_after_each_commit_only(pg_store, make_result):
    from rasd.store.postgres_read import PostgresReadBackend

    url = pg_store.engine.url.render_as_string(hide_password=False)
    reader = PostgresReadBackend(url)
    try:
        v0 = reader.data_version()
        assert reader.data_version() == v0            # reading moves nothing
        run = pg_store.begin_run({}, "test")
        raw, docs = make_result("أعلنت المحافظة عن افتتاح مدرسة جديدة في المدينة.")
        pg_store.put_result(raw, docs, run)
        v1 = reader.data_version()
        assert v1 != v0
        n = reader.conn().execute("SELECT count(*) FROM documents WHERE id = ?", (docs[0].id,)).fetchone()[0]
        assert n == 1                                  # what the new version shows is visible
    finally:
        reader.close()


def test_a_run_killed_on_another_machine_shows_as_interrupted_once_no_one_holds_the_writer_lock(pg_cluster):
    # A PostgreSQL store is shared between machines: a `rasd run` SIGKILLed on one left its run
    # `running` for good when listed from another (the pid check works on its own machine only).
    from rasd.store.lock import writer_lock
    from rasd.store.postgres import PostgresStore
    from rasd.store.schema import runs

    db = pg_cluster.database("runs")
    with PostgresStore(db) as s:
        with s.engine.begin() as conn:
            conn.execute(runs.insert(), {"id": "20240101T000000-killed", "started_at": "2024-01-01T00:00:00",
                                         "finished_at": None, "version": "0", "config": "{}", "counts": None,
                                         "status": "running", "host": "another-machine", "pid": 4242})
        with writer_lock(db):   # held (here, or by that machine's run): it may still be at work
            assert [r["status"] for r in s.list_runs()] == ["running"]
        assert [r["status"] for r in s.list_runs()] == ["interrupted"]
        mine = s.begin_run({}, "test")   # this process's own run, not holding the lock: alive
        assert [(r["id"] == mine, r["status"]) for r in s.list_runs()] == [(False, "interrupted"), (True, "running")]


def test_opening_a_store_does_not_wait_behind_a_running_read(pg_cluster):
    # `rasd serve`, `rasd link` and every command open the store; on a store of 100,000 pages
    # they waited behind long reads because opening altered the tables (ALTER TABLE ... ADD
    # COLUMN IF NOT EXISTS locks the table even when the column is there)
    import psycopg

    from rasd.store.postgres import PostgresStore

    db = pg_cluster.database("open")
    PostgresStore(db).close()   # the schema, once
    reader = psycopg.connect(db)
    try:
        reader.execute("SELECT count(*) FROM events").fetchone()   # holds its lock until the transaction ends
        reader.execute("SELECT count(*) FROM documents").fetchone()
        opened = []
        t = threading.Thread(target=lambda: opened.append(PostgresStore(db)), daemon=True)
        t.start()
        t.join(timeout=15)
        assert opened, "opening the store waited for the other connection's transaction"
        opened[0].close()
    finally:
        reader.rollback()
        reader.close()
