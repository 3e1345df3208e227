"""The timeline, the map and the event list leave background events out by default; `background=1`
brings them back; the document page and API show the page's genre."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

pytest.importorskip("fastapi", reason="the web tests need the web extra: pip install 'rasd[web]'")

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "store"))
from test_background_export import fill  # noqa: E402

from tests.conftest import BACKENDS  # noqa: E402


@pytest.fixture(params=BACKENDS)
def bg_client(request, tmp_path):
    """A client over an opinion page and a news page: in an SQLite file, then in PostgreSQL."""
    from fastapi.testclient import TestClient

    from rasd.web.app import create_app

    if request.param == "postgresql":
        db = request.getfixturevalue("pg_cluster").database("bg")
    else:
        db = str(tmp_path / "bg.db")
    fill(db).close()
    with TestClient(create_app(str(db))) as c:
        yield c


def test_timeline_omits_background_events_by_default(bg_client) -> None:
    tl = bg_client.get("/api/timeline").json()
    assert tl["total"] == 1 and [i["date"] for i in tl["items"]] == ["2024-03-05"]
    assert bg_client.get("/api/timeline", params={"background": 1}).json()["total"] == 2
    page = bg_client.get("/timeline").text
    assert "/events/e-nw" in page and "/events/e-op" not in page
    shown = bg_client.get("/timeline", params={"background": "1"}).text
    assert "/events/e-op" in shown and 'id="filter-background"' in shown


def test_map_and_event_list_omit_background_events_by_default(bg_client) -> None:
    ids = [f["id"] for f in bg_client.get("/api/events.geojson").json()["features"]]
    assert ids == ["e-nw"]
    ids = {f["id"] for f in bg_client.get("/api/events.geojson", params={"background": "true"}).json()["features"]}
    assert ids == {"e-nw", "e-op"}
    items = bg_client.get("/api/events", params={"background": 1}).json()["items"]
    assert {e["id"]: e["background"] for e in items} == {"e-nw": False, "e-op": True}
    assert 'background=1' in bg_client.get("/map", params={"background": 1}).text  # the map asks for them too


def test_background_events_stay_reachable_one_by_one(bg_client) -> None:
    ev = bg_client.get("/api/events/e-op").json()
    assert ev["background"] is True and ev["background_reasons"] == ["opinion_page"]


def test_document_page_and_api_show_the_genre(bg_client) -> None:
    doc = bg_client.get("/api/documents/op").json()
    assert doc["genre"] == {"label": "opinion_analysis", "p": 0.81}
    html = bg_client.get("/documents/op", headers={"Accept-Language": "en"}, params={"lang": "en"}).text
    assert 'id="doc-genre"' in html and "opinion or analysis" in html
