"""The map's API: events clustered on a grid by viewport and zoom, and the country outlines."""
from __future__ import annotations

import numpy as np
import pytest

from rasd.web.mapdata import MAX_CELLS, cell_size, cluster, parse_bbox

WORLD = "-180,-90,180,90"


def _points(client, **params) -> list[tuple[float, float]]:
    fc = client.get("/api/events.geojson", params=params).json()
    return [tuple(f["geometry"]["coordinates"]) for f in fc["features"]]


def _count(fc: dict) -> int:
    return sum(f["properties"]["count"] if f["properties"].get("cluster") else 1 for f in fc["features"])


@pytest.mark.parametrize("zoom", [0, 4, 6, 9, 14])
def test_cluster_counts_add_up_to_the_events_with_coordinates(client, zoom):
    fc = client.get("/api/map/clusters", params={"bbox": WORLD, "zoom": zoom}).json()
    assert fc["total"] == _count(fc) == len(_points(client)) > 0


def test_filters_and_background_are_respected(client):
    for params in ({"type": "protest"}, {"governorate": "حلب"}, {"background": 1}):
        fc = client.get("/api/map/clusters", params={"bbox": WORLD, "zoom": 5, **params}).json()
        assert _count(fc) == len(_points(client, **params)), params
        assert fc["filters"] == {k: str(v) for k, v in params.items()}
    default = client.get("/api/map/clusters", params={"bbox": WORLD}).json()["total"]
    assert client.get("/api/map/clusters", params={"bbox": WORLD, "background": 1}).json()["total"] >= default


def test_bbox_is_respected(client):
    # northern Syria only: Aleppo and Manbij in, Daraa and Suwayda out
    fc = client.get("/api/map/clusters", params={"bbox": "36.5,35.8,38.5,37.0", "zoom": 12}).json()
    w, s, e, n = fc["bbox"]
    assert w <= 36.5 and s <= 35.8 and e >= 38.5 and n >= 37.0  # widened to whole cells only
    inside = [p for p in _points(client) if w <= p[0] <= e and s <= p[1] <= n]
    assert fc["total"] == _count(fc) == len(inside) > 0
    for f in fc["features"]:
        lon, lat = f["geometry"]["coordinates"]
        assert w <= lon <= e and s <= lat <= n
    assert fc["total"] < len(_points(client))


def test_zoom_changes_granularity(client):
    coarse = client.get("/api/map/clusters", params={"bbox": WORLD, "zoom": 2}).json()
    fine = client.get("/api/map/clusters", params={"bbox": "35,32,41,37.5", "zoom": 12}).json()
    assert coarse["cell"] > fine["cell"]
    assert len(coarse["features"]) < len(fine["features"])
    assert coarse["n_clusters"] >= 1 and fine["n_events"] >= 1
    single = next(f for f in fine["features"] if not f["properties"].get("cluster"))
    assert {"id", "type", "date", "place", "modality"} <= set(single["properties"])


@pytest.mark.parametrize("params", [
    {"bbox": "1,2,3"}, {"bbox": "a,b,c,d"}, {"bbox": "10,0,5,1"}, {"bbox": "0,10,1,5"},
    {"bbox": "nan,0,1,1"}, {"bbox": "-200,0,1,1"}, {"bbox": "0,-95,1,1"}, {"bbox": "1e999,0,1,1"},
    {"bbox": "0," * 200 + "1"}, {"zoom": -1}, {"zoom": 99}, {"zoom": "x"}, {"zoom": 2**63},
])
def test_bad_parameters_are_422_with_security_headers(client, params):
    r = client.get("/api/map/clusters", params=params)
    assert r.status_code == 422, (params, r.text)
    assert "default-src 'self'" in r.headers["content-security-policy"]
    assert r.headers["x-content-type-options"] == "nosniff"


def test_parse_bbox():
    assert parse_bbox("35.5,32,42.5,37.4") == (35.5, 32.0, 42.5, 37.4)
    with pytest.raises(ValueError):
        parse_bbox("1,1,1,1")


def test_cells_stay_bounded_whatever_the_box_and_zoom():
    rng = np.random.default_rng(7)
    n = 50_000
    lat, lon = rng.uniform(-80, 80, n), rng.uniform(-179, 179, n)
    for zoom in (0, 5, 10, 20):
        res = cluster(np.arange(n), lat, lon, (-180, -90, 180, 90), zoom)
        assert len(res["clusters"]) + len(res["singles"]) <= MAX_CELLS
        assert sum(c for c, *_ in res["clusters"]) + len(res["singles"]) == res["total"] == n
    assert cell_size(20, (36.0, 33.0, 36.01, 33.01)) < cell_size(6, (36.0, 33.0, 36.01, 33.01))


def test_string_keys_of_a_store_linked_in_part_come_back_as_str():
    keys = np.array(["ev-a", "ev-b", "ev-c"], dtype=object)
    res = cluster(keys, np.array([33.5, 36.2, 36.2]), np.array([36.3, 37.1, 37.1]), (30, 30, 45, 40), 10)
    assert res["singles"] == ["ev-a"] and res["clusters"][0][0] == 2


def test_countries_have_arabic_names(client):
    r = client.get("/api/map/countries")
    if r.status_code == 404:
        pytest.skip("npm package world-atlas not installed (npm ci)")
    fc = r.json()
    names = {f["properties"]["name_en"]: f["properties"]["name"] for f in fc["features"]}
    for en, ar in [("Syria", "سوريا"), ("Lebanon", "لبنان"), ("Iraq", "العراق"), ("Palestine", "فلسطين"),
                   ("Turkey", "تركيا"), ("Egypt", "مصر"), ("Iran", "إيران"), ("Cyprus", "قبرص")]:
        assert names.get(en) == ar, en
    assert "United States of America" not in names  # only the region
    assert any(lab["name"] == "غزة" for lab in fc["labels"])
