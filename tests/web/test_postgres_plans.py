"""On PostgreSQL the web's filtered lists and the timeline read the read indexes (`rasd.web.fused.read_indexes`
in PostgreSQL's dialect) instead of parsing every record: the background flag (a stored column
there) and the modality (a JSONB expression)."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.postgres


@pytest.mark.parametrize("where, params, index", [
    ("{bg} = 0", (), "ix_web_events_bg_order"),
    ("e.type = ? AND {bg} = 0", ("protest",), "ix_web_events_type_bg_order"),
    ("{modality} = ? AND {bg} = 0", ("reported",), "ix_web_events_modality_bg_order"),
])
def test_event_lists_read_a_jsonb_expression_index(pg_demo_db, where, params, index):
    from rasd.store.postgres_read import POSTGRES_SQL as S, PostgresReadBackend, qmarks_to_pyformat
    from rasd.web.app import ensure_read_indexes
    from rasd.web.fused import event_sources

    ensure_read_indexes(pg_demo_db[0])
    src = event_sources(S)["events"]
    sql = (f"SELECT {src.key} FROM {src.table} WHERE "
           + where.format(bg=S.background("e.record"), modality=S.json_text("e.record", "modality"))
           + f" ORDER BY {src.order} LIMIT 50")
    backend = PostgresReadBackend(pg_demo_db[0])
    try:
        with backend._pool.connection() as c:
            # the demo store is tiny (and analysed): ask whether the index CAN serve it
            c.execute("SET enable_seqscan = off")
            c.execute("SET enable_bitmapscan = off")
            plan = "\n".join(r[0] for r in c.execute("EXPLAIN " + qmarks_to_pyformat(sql), list(params)))
            c.execute("RESET enable_seqscan")
            c.execute("RESET enable_bitmapscan")
    finally:
        backend.close()
    assert f"Index Scan using {index}" in plan or f"Index Only Scan using {index}" in plan, plan
    assert "Sort" not in plan.split("\n")[1], plan          # the order comes from the index


def test_the_background_flag_is_a_stored_column_that_says_what_sqlite_says(pg_cluster):
    """The flag the web filters by is a generated column on PostgreSQL, the same 0/1 as SQLite's
    expression for every way a record can carry it (set, unset, absent, 0/1)."""
    import json
    import sqlite3

    import psycopg
    from sqlalchemy import create_engine, text

    from rasd.store.postgres import BACKGROUND_FLAG, add_background_flags, sqlalchemy_url
    from rasd.store.sqlite_read import SQLITE_SQL

    metas = [{"background": True}, {"background": False}, {}, {"background": 0}, {"background": 1}, None]
    records = [json.dumps({"id": str(i), **({"meta": m} if m is not None else {})}) for i, m in enumerate(metas)]
    url = pg_cluster.database("flag")
    engine = create_engine(sqlalchemy_url(url))
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE events (id text PRIMARY KEY, record text)"))
        conn.execute(text("INSERT INTO events VALUES (:i, :r)"), [{"i": str(i), "r": r} for i, r in enumerate(records)])
        add_background_flags(conn, {"events", "documents"})
        add_background_flags(conn, {"events"})   # a second time: nothing to add
    engine.dispose()
    with psycopg.connect(url) as c:
        pg = dict(c.execute(f"SELECT id, {BACKGROUND_FLAG} FROM events").fetchall())
    lite = sqlite3.connect(":memory:")
    lite.execute("CREATE TABLE events (id TEXT, record TEXT)")
    lite.executemany("INSERT INTO events VALUES (?, ?)", [(str(i), r) for i, r in enumerate(records)])
    sq = dict(lite.execute(f"SELECT id, {SQLITE_SQL.background('record')} FROM events").fetchall())
    assert pg == sq == {"0": 1, "1": 0, "2": 0, "3": 0, "4": 1, "5": 0}


def test_the_timeline_is_counted_from_an_index_alone(examples_pg_db):
    """The timeline's count reads a read index without the table: an index over an expression of
    `record` could not do that (4-9 s at 100,000 documents, docs/scale.md)."""
    from rasd.store.postgres_read import POSTGRES_SQL as S, PostgresReadBackend
    from rasd.web.app import ensure_read_indexes
    from rasd.web.fused import event_sources

    ensure_read_indexes(examples_pg_db)
    src = event_sources(S)["fused"]
    sql = (f"SELECT e.date_value AS d, e.type AS t, count(*) AS n FROM {src.table} WHERE "
           f"{S.background('e.record')} = 0 GROUP BY e.date_value, e.type ORDER BY e.date_value")
    backend = PostgresReadBackend(examples_pg_db)
    try:
        with backend._pool.connection() as c:
            c.execute("SET enable_seqscan = off")
            c.execute("SET enable_bitmapscan = off")
            plan = "\n".join(r[0] for r in c.execute("EXPLAIN " + sql))
            c.execute("RESET enable_seqscan")
            c.execute("RESET enable_bitmapscan")
    finally:
        backend.close()
    # ix_web_fused_timeline at scale; on this tiny analysed store the planner may take the modality
    # one, whose leading column it skips: either way no record is read
    assert "Index Only Scan using ix_web_fused_" in plan and "Heap Scan" not in plan and "Seq Scan" not in plan, plan


def test_a_store_from_before_the_flag_column_gets_it_and_its_indexes_when_the_server_starts(pg_cluster):
    """A store an earlier version linked has no flag column on its link tables and read indexes
    built over the JSON expression: the server's start adds the column and rebuilds them on it,
    and the lists read the same."""
    import psycopg

    from rasd.store.postgres import BACKGROUND_FLAG_EXPR
    from rasd.store.postgres_read import POSTGRES_SQL as S
    from rasd.web.app import ensure_read_indexes

    # a store of its own to age (a TEMPLATE copy of the shared one fails while others are connected)
    url = pg_cluster.database("oldflag")
    r = subprocess.run([sys.executable, "-m", "rasd.cli", "run", str(ROOT / "examples"), "--db", url, "-q"],
                       capture_output=True, text=True)
    assert r.returncode in (0, 3), r.stderr
    ensure_read_indexes(url)
    with psycopg.connect(url, autocommit=True) as c:
        before = c.execute(f"SELECT count(*) FROM fused_events WHERE {S.background('record')} = 0").fetchone()
        c.execute("ALTER TABLE fused_events DROP COLUMN bg_flag CASCADE")   # its indexes go with it
        c.execute(f"CREATE INDEX ix_web_fused_timeline ON fused_events (({BACKGROUND_FLAG_EXPR}), date_value, type, admin1)")
    ensure_read_indexes(url)
    with psycopg.connect(url) as c:
        (ddl,) = c.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'ix_web_fused_timeline'").fetchone()
        after = c.execute(f"SELECT count(*) FROM fused_events WHERE {S.background('record')} = 0").fetchone()
        n_indexes = c.execute("SELECT count(*) FROM pg_indexes WHERE tablename = 'fused_events' "
                              "AND indexdef LIKE '%bg_flag%'").fetchone()[0]
    assert "bg_flag" in ddl and "jsonb" not in ddl, ddl
    assert after == before and before[0] > 0
    assert n_indexes >= 6   # every read index of the flag, rebuilt
