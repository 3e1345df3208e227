"""On PostgreSQL the web's filtered lists read the JSONB expression indexes (`rasd.web.fused.read_indexes`
in PostgreSQL's dialect) instead of parsing every record: the background flag and the modality."""
from __future__ import annotations

import pytest

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
            c.execute("SET enable_seqscan = off")   # the demo store is tiny: ask whether the index CAN serve it
            plan = "\n".join(r[0] for r in c.execute("EXPLAIN " + qmarks_to_pyformat(sql), list(params)))
            c.execute("RESET enable_seqscan")
    finally:
        backend.close()
    assert f"Index Scan using {index}" in plan or f"Index Only Scan using {index}" in plan, plan
    assert "Sort" not in plan.split("\n")[1], plan          # the order comes from the index
