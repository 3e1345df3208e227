"""`rasd serve` on PostgreSQL answers as on SQLite: the same pipeline run on examples/ into each
backend, then every API list and detail compared answer for answer (search: the same documents
and snippets; only the order of near-equal scores may differ, as ts_rank is not bm25)."""
from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from rasd.web.app import create_app

pytestmark = [pytest.mark.postgres, pytest.mark.slow]

LISTS = ["/api/documents?limit=200", "/api/events?limit=500", "/api/events?limit=500&background=1",
         "/api/events?limit=50&newest_first=1", "/api/events?date_from=2024&limit=100", "/api/actors?limit=500",
         "/api/places?limit=500", "/api/stories?limit=200", "/api/timeline", "/api/events.geojson",
         "/api/facets", "/api/map/clusters?bbox=30,29,48,40&zoom=6", "/api/events?disputed=true&limit=100"]
SEARCHES = ["حمص", "سيطرة", "غارات اللاذقية", "المعارضة", "برشلونة"]


def _search_view(body: dict) -> dict:
    items = sorted(({k: v for k, v in i.items() if k != "score"} for i in body["items"]), key=lambda i: i["id"])
    return {"total": body["total"], "items": items}


def test_every_api_answer_is_the_same_on_both_backends(examples_db, examples_pg_db):
    a, b = TestClient(create_app(examples_db)), TestClient(create_app(examples_pg_db))
    urls = list(LISTS)
    docs = a.get("/api/documents?limit=200").json()["items"]
    events = a.get("/api/events?limit=500&background=1").json()["items"]
    stories = a.get("/api/stories?limit=200").json()["items"]
    actors = a.get("/api/actors?limit=20").json()["items"]
    places = a.get("/api/places?limit=20").json()["items"]
    assert docs and events and stories
    urls += [f"/api/documents/{d['id']}" for d in docs] + [f"/api/events/{e['id']}" for e in events]
    urls += [f"/api/stories/{s['id']}" for s in stories]
    urls += [f"/api/actors/{x['id']}" for x in actors] + [f"/api/places/{x['id']}" for x in places]
    urls += [f"/api/events?actor={x['id']}&limit=100" for x in actors[:5]]
    urls += [f"/api/events?place={x['id']}&limit=100" for x in places[:5]]
    for url in urls:
        ra, rb = a.get(url), b.get(url)
        assert ra.status_code == rb.status_code == 200, url
        assert ra.json() == rb.json(), f"{url} differs between SQLite and PostgreSQL"
    for q in SEARCHES:
        ra, rb = a.get("/api/search", params={"q": q, "limit": 100}), b.get("/api/search", params={"q": q, "limit": 100})
        assert _search_view(ra.json()) == _search_view(rb.json()), f"search {q!r} differs"
