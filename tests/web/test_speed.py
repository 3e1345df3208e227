"""What keeps the API fast: list queries read an index instead of sorting, and GET answers are
cached per data version and dropped as soon as another connection writes to the store."""
from __future__ import annotations

import sqlite3

import pytest

from fill import DEMO, bulk_articles, fill_store


@pytest.fixture()
def fresh(tmp_path):
    """(store path, TestClient) over a store of its own, so the test may write to it."""
    from fastapi.testclient import TestClient

    from rasd.web.app import create_app

    path = tmp_path / "speed.db"
    fill_store(path)
    with TestClient(create_app(str(path))) as c:
        yield path, c


def _plan(db, sql: str, params=()) -> str:
    con = sqlite3.connect(db)
    try:
        return " | ".join(r[3] for r in con.execute("EXPLAIN QUERY PLAN " + sql, params))
    finally:
        con.close()


@pytest.mark.parametrize("sql,params", [
    ("SELECT e.rowid FROM events e ORDER BY {events} LIMIT 50 OFFSET 100", ()),
    ("SELECT e.rowid FROM events e WHERE e.type = ? ORDER BY {events} LIMIT 50", ("protest",)),
    ("SELECT e.rowid FROM events e WHERE e.admin1 = ? ORDER BY {events} LIMIT 50", ("حمص",)),
    ("SELECT e.rowid FROM events e WHERE (e.date_value IS NULL) = 0 AND e.date_value >= ? ORDER BY {dated} LIMIT 50",
     ("2024-12",)),
    ("SELECT rowid FROM documents ORDER BY {documents} LIMIT 20 OFFSET 40", ()),
    ("SELECT rowid FROM documents WHERE outlet = ? ORDER BY {documents} LIMIT 20", ("x",)),
])
def test_list_queries_read_an_index_without_sorting(demo_db, sql, params):
    from rasd.web.queries import DATED_EVENT_ORDER, DOCUMENT_ORDER, EVENT_ORDER

    plan = _plan(demo_db[0], sql.format(events=EVENT_ORDER, dated=DATED_EVENT_ORDER, documents=DOCUMENT_ORDER),
                 params)
    assert "USING" in plan and "INDEX" in plan, plan
    assert "TEMP B-TREE" not in plan, plan


def test_missing_read_indexes_are_added_at_start(tmp_path):
    from rasd.web.app import create_app

    path = tmp_path / "old.db"
    fill_store(path, DEMO[:2])
    con = sqlite3.connect(path)
    con.execute("DROP INDEX ix_events_order")
    con.commit()
    con.close()
    create_app(str(path))
    con = sqlite3.connect(path)
    names = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
    con.close()
    assert "ix_events_order" in names


def test_repeated_get_is_served_from_cache_until_the_store_changes(fresh):
    path, client = fresh
    first = client.get("/api/documents", params={"limit": 5})
    again = client.get("/api/documents", params={"limit": 5})
    assert first.headers["x-cache"] == "miss" and again.headers["x-cache"] == "hit"
    assert again.json() == first.json()
    assert again.headers["content-security-policy"]  # security headers on cached answers too
    other_page = client.get("/api/documents", params={"limit": 5, "offset": 5})
    assert other_page.headers["x-cache"] == "miss"

    fill_store(path, bulk_articles(3, seed=11))  # another connection writes: a run
    after = client.get("/api/documents", params={"limit": 5})
    assert after.headers["x-cache"] == "miss"
    assert after.json()["total"] == first.json()["total"] + 3
    assert client.get("/api/timeline").json()["total"] == sum(len(a.events) for a in DEMO) + sum(
        len(a.events) for a in bulk_articles(3, seed=11))


def test_errors_and_writes_are_not_cached(fresh):
    _path, client = fresh
    assert client.get("/api/documents/nope").status_code == 404
    assert client.get("/api/documents/nope").headers["x-cache"] == "miss"
    assert client.post("/api/ingest", files={"file": ("a.txt", b"x")}).status_code == 403
    assert "x-cache" not in client.get("/documents").headers  # HTML pages depend on language: not cached


def test_cache_can_be_turned_off(tmp_path):
    from fastapi.testclient import TestClient

    from rasd.web.app import create_app

    path = tmp_path / "nocache.db"
    fill_store(path, DEMO[:2])
    with TestClient(create_app(str(path), cache_mb=0)) as c:
        assert "x-cache" not in c.get("/api/documents").headers
        assert "x-cache" not in c.get("/api/documents").headers


def test_geojson_from_cached_features_matches_filters(client):
    every = client.get("/api/events.geojson").json()["features"]
    protests = client.get("/api/events.geojson", params={"type": "protest"}).json()["features"]
    assert {f["id"] for f in protests} <= {f["id"] for f in every}
    assert all(f["properties"]["type"] == "protest" for f in protests)
    assert len(client.get("/api/events.geojson", params={"limit": 1}).json()["features"]) == 1


def test_cache_drops_least_recent_answers_past_its_budget(tmp_path):
    from rasd.web.app import ResponseCache

    cache = ResponseCache(app=None, reader=None, max_bytes=100)
    for i in range(5):
        cache._store((f"/api/x{i}", b""), (0, 200, [], b"y" * 40))
    assert cache.size <= 100
    assert list(cache.entries) == [("/api/x3", b""), ("/api/x4", b"")]


def test_unfiltered_timeline_reads_the_background_index_not_every_record(demo_db):
    """Issue 12: the timeline's counts (background left out) came from parsing every record's JSON."""
    from rasd.web.app import ensure_read_indexes
    from rasd.web.queries import BACKGROUND_SQL

    ensure_read_indexes(demo_db[0])
    plan = _plan(demo_db[0], f"SELECT e.date_value, e.type, count(*) FROM events e WHERE {BACKGROUND_SQL} = 0 "
                             "GROUP BY e.date_value, e.type")
    assert "ix_web_events_timeline" in plan, plan


@pytest.mark.parametrize("kind", ["actor", "place"])
def test_actor_and_place_filters_by_row_list_match_the_json_filter(demo_db, kind):
    """The row lists built once per store version select exactly the events the SQL over each
    record's JSON selects, for every value an event names (id, name, text) and an unknown one."""
    from rasd.web.fused import EVENTS_SOURCE
    from rasd.web.queries import EventFilter, _event_where, entity_row_keys

    con = sqlite3.connect(demo_db[0])
    try:
        rows = entity_row_keys(con.execute("SELECT e.rowid, e.record FROM events e"))
        assert rows[kind]
        for value in [*rows[kind], "no such value"]:
            f = EventFilter(background=True, **{kind: value})
            found = []
            for entity_rows in (None, rows):
                where, params = _event_where(f, {}, EVENTS_SOURCE, entity_rows)
                found.append(sorted(r[0] for r in con.execute(f"SELECT e.rowid FROM events e{where}", params)))
            assert found[0] == found[1], value
    finally:
        con.close()


def test_entity_row_keys_take_only_string_values():
    """SQL's `=` never equals a JSON number or object to a text parameter: those values name no rows."""
    from rasd.web.queries import entity_row_keys

    rows = entity_row_keys([(1, '{"actors": [{"actor_id": 5, "name": "الجيش", "text": null}, "x"], '
                                '"location": {"place_id": {"a": 1}, "name": "حمص", "name_en": "Homs"}}'),
                            (2, '{"actors": null, "location": null}'), (3, '[]')])
    assert rows == {"actor": {"الجيش": {1}}, "place": {"حمص": {1}, "Homs": {1}}}
