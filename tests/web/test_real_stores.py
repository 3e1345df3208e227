"""Every page and API list renders on stores built by the real pipeline: the demo pages and the seeds."""
import pytest
from fastapi.testclient import TestClient

from rasd.web.app import create_app

PAGES = ["/", "/timeline", "/map", "/documents", "/actors", "/places", "/search?q=%D8%AD%D9%85%D8%B5", "/stories",
         "/timeline?lang=en"]
APIS = ["/api/documents", "/api/events", "/api/actors", "/api/places", "/api/stories", "/api/timeline",
        "/api/events.geojson", "/api/search?q=%D8%B3%D9%8A%D8%B7%D8%B1%D8%A9"]


def sweep(db: str) -> int:
    """GET every page, list and detail; return how many URLs answered 200 (fails on any other)."""
    client = TestClient(create_app(db))
    urls = list(PAGES) + list(APIS)
    docs = client.get("/api/documents?limit=200").json()["items"]
    events = client.get("/api/events?limit=500").json()["items"]
    actors = client.get("/api/actors?limit=50").json()["items"]
    places = client.get("/api/places?limit=50").json()["items"]
    assert docs and events
    urls += [f"/documents/{d['id']}" for d in docs] + [f"/api/documents/{d['id']}" for d in docs]
    urls += [f"/events/{e['id']}" for e in events] + [f"/api/events/{e['id']}" for e in events]
    urls += [f"/actors/{a['id']}" for a in actors if a.get("id")]
    urls += [f"/places/{p['id']}" for p in places if p.get("id")]
    stories = client.get("/api/stories?limit=50").json()["items"]
    urls += [f"/stories/{s['id']}" for s in stories] + [f"/api/stories/{s['id']}" for s in stories]
    for url in urls:
        r = client.get(url)
        assert r.status_code == 200, f"{url} -> {r.status_code}"
    return len(urls)


def test_every_page_renders_on_the_demo_store(examples_db):
    assert sweep(examples_db) > 100


@pytest.mark.shared
def test_every_page_renders_on_the_seeds(seeds_db):
    assert sweep(seeds_db) > 50
