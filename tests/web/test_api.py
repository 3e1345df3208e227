"""The JSON API over a store filled in the test: pagination, filters, detail records, GeoJSON, stories."""
from __future__ import annotations

import sqlite3

import pytest

from fill import DEMO


def n_events(**where) -> int:
    return sum(1 for a in DEMO for e in a.events if all(f(e) for f in where.values()))


def test_documents_paginate_with_total(client):
    first = client.get("/api/documents", params={"limit": 3}).json()
    second = client.get("/api/documents", params={"limit": 3, "offset": 3}).json()
    assert first["total"] == second["total"] == len(DEMO)
    assert len(first["items"]) == 3
    assert not {d["id"] for d in first["items"]} & {d["id"] for d in second["items"]}


def test_document_detail_has_children(client, demo_db):
    doc = client.get(f"/api/documents/{demo_db[1]['homs']}").json()
    assert doc["social_posts"][0]["handle"] == "@field_reporter"
    assert {s["label"] for s in doc["spans"]} == {"EVENT", "PLACE"}
    for s in doc["spans"]:
        assert 0 <= s["start"] < s["end"] <= len(doc["text"])
    hama = client.get(f"/api/documents/{demo_db[1]['hama']}").json()
    assert hama["removed"][0]["reason"] == "navigation" and hama["removed"][0]["detector"] == "menu_words"
    assert client.get("/api/documents/nope").status_code == 404


@pytest.mark.parametrize("params,expected", [
    ({"type": "protest"}, n_events(t=lambda e: e[0] == "protest")),
    ({"type": "air_strike"}, n_events(t=lambda e: e[0] == "air_strike")),
    ({"governorate": "حمص"}, 1),
    ({"governorate": "Homs"}, 1),
    ({"date_from": "2024-12-10", "date_to": "2024-12-12"}, n_events(d=lambda e: "2024-12-10" <= e[4] <= "2024-12-12")),
    ({"date_to": "2024-12"}, n_events()),
    ({"modality": "reported"}, n_events(m=lambda e: e[5] == "reported")),
    ({"actor": "sy-opposition"}, 2),
    ({"actor": "فصائل المعارضة"}, 2),
    ({"actor": "المعارضة", "type": "armed_clash"}, 1),
    ({"place": "sy-hama"}, 2),
    ({"place": "حماة"}, 2),
    ({"disputed": "true"}, 1),
    ({"disputed": "false"}, n_events() - 1),
])
def test_event_filters(client, params, expected):
    res = client.get("/api/events", params=params).json()
    assert res["total"] == expected == len(res["items"]), params


def test_event_detail_evidence_points_at_the_trigger(client):
    ev = client.get("/api/events", params={"type": "arrest"}).json()["items"][0]
    full = client.get(f"/api/events/{ev['id']}").json()
    ctx = full["evidence"][0]["context"]
    assert ctx["match"] == ev["mentions"][0]["text"]
    doc = client.get(f"/api/documents/{ev['doc_id']}").json()
    assert ctx["before"] + ctx["match"] + ctx["after"] in doc["text"]
    assert client.get("/api/events/nope").status_code == 404


def test_timeline_counts_match_events(client):
    tl = client.get("/api/timeline").json()
    assert tl["total"] == n_events()
    day = {i["date"]: i for i in tl["items"]}
    assert day["2024-12-10"]["by_type"] == {"arrest": 1, "protest": 1}
    only = client.get("/api/timeline", params={"type": "protest"}).json()
    assert only["total"] == 2 and all(set(i["by_type"]) == {"protest"} for i in only["items"])


def test_geojson_points_are_lon_lat(client):
    fc = client.get("/api/events.geojson").json()
    assert fc["type"] == "FeatureCollection" and len(fc["features"]) == n_events()
    for f in fc["features"]:
        lon, lat = f["geometry"]["coordinates"]
        assert 35 < lon < 43 and 32 < lat < 38
    assert len(client.get("/api/events.geojson", params={"type": "protest"}).json()["features"]) == 2


def test_actors_and_places(client):
    actors = client.get("/api/actors").json()
    top = actors["items"][0]
    assert top["id"] == "sy-opposition" and top["n_events"] == 2
    one = client.get("/api/actors/sy-opposition").json()
    assert len(one["events"]) == 2 and one["by_month"] == {"2024-12": 2}
    places = client.get("/api/places", params={"q": "Hama"}).json()
    assert [p["id"] for p in places["items"]] == ["sy-hama"]
    assert client.get("/api/places/sy-hama").json()["n_events"] == 2
    assert client.get("/api/actors/nobody").status_code == 404


def test_stories_empty_with_note_until_linked(client, tmp_path, demo_db):
    res = client.get("/api/stories").json()
    assert res["items"] == [] and res["note"]
    assert client.get("/api/stories/st_nope").status_code == 404
    # the same store once `rasd link` has run: every document belongs to a story, listed with its title
    import shutil
    import subprocess
    import sys

    from fastapi.testclient import TestClient

    from rasd.web.app import create_app

    db = tmp_path / "linked.db"
    shutil.copy(demo_db[0], db)
    r = subprocess.run([sys.executable, "-m", "rasd.cli", "link", "--db", str(db)], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    with TestClient(create_app(str(db))) as c:
        res = c.get("/api/stories", params={"limit": 200}).json()
        docs = c.get("/api/documents", params={"limit": 200}).json()["items"]
    assert "note" not in res and res["total"] >= 1
    listed = {d["id"]: d for s in res["items"] for d in s["documents"]}
    assert set(listed) == {d["id"] for d in docs}
    assert all(listed[d["id"]]["title"] == d["title"] and listed[d["id"]]["outlet"] == d["outlet"] for d in docs)


def test_limits_are_validated(client):
    assert client.get("/api/events", params={"limit": 0}).status_code == 422
    assert client.get("/api/events", params={"offset": -1}).status_code == 422
    assert client.get("/api/search").status_code == 422


def test_openapi_and_local_docs(client):
    spec = client.get("/openapi.json").json()
    assert "/api/events" in spec["paths"] and "/api/search" in spec["paths"]
    page = client.get("/docs").text
    assert "cdn" not in page.lower() and "<script>" not in page


def test_undated_events_are_listed_and_counted(tmp_path):
    from fastapi.testclient import TestClient

    from fill import Article, fill_store
    from rasd.web.app import create_app

    a = DEMO[2]
    undated = Article("undated", a.title, a.body, a.published, a.outlet,
                      [e[:4] + (None,) + e[5:] for e in a.events])
    db = tmp_path / "u.db"
    fill_store(db, [undated])
    with TestClient(create_app(str(db))) as c:
        assert c.get("/api/timeline").json()["undated"] == {"arrest": 1}
        actor = c.get("/api/actors/sy-general-security").json()
        assert actor["by_month"] == {"undated": 1}
        assert c.get("/actors/sy-general-security").status_code == 200
        assert c.get("/timeline").status_code == 200


HUGE = 2**63


@pytest.mark.parametrize("path", ["/api/documents", "/api/events", "/api/actors", "/api/places", "/api/stories"])
def test_huge_offsets_are_refused_not_a_server_error(client, path):
    r = client.get(path, params={"offset": HUGE})
    assert r.status_code == 422
    assert r.headers.get("content-security-policy")  # the error keeps the security headers


def test_huge_counts_and_page_offsets_do_not_break(client):
    assert client.get("/api/stories", params={"min_documents": HUGE}).status_code == 422
    assert client.get("/api/search", params={"q": "حماة", "offset": HUGE}).status_code == 422
    for page in ("/timeline", "/documents", "/search?q=%D8%AD%D9%85%D8%A7%D8%A9"):
        sep = "&" if "?" in page else "?"
        assert client.get(f"{page}{sep}offset={HUGE}").status_code == 200
