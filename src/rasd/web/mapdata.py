"""The map's data: server-side clustering of events on a grid by zoom, and the country outlines.

Clustering: every event with coordinates is kept once per data version as numpy arrays (key,
lat, lon); a request filters them (the keys the event filter's SQL matches, cached per filter),
keeps those inside the viewport and groups them into square cells whose side is `CELL_PX` screen
pixels at the requested zoom. A cell of one event is that event; any other is a cluster with its
count, centroid and extent. The answer stays under `MAX_CELLS` features whatever the store's size.

Countries: Natural Earth admin-0 outlines from the npm package `world-atlas` (TopoJSON, 50m),
decoded here once, cut to the region around Syria and named in Arabic from our own table
(`static/countries_ar.json`); no network at run time.
"""
from __future__ import annotations

import json
import math
from functools import lru_cache
from pathlib import Path

import numpy as np

#: Side of a cluster cell in screen pixels: about Leaflet.markercluster's default radius (80 px
#: across), so the grid looks like the client-side clustering the map had before.
CELL_PX = 64
#: Most cells one answer may hold: a 1920x1080 viewport at CELL_PX is 30x17 = 510 cells; a larger
#: box (or a lying client) gets coarser cells instead of more features.
MAX_CELLS = 600
#: Bounds of the region whose countries are drawn (west, south, east, north): the eastern
#: Mediterranean to Iran, Turkey to Yemen, with Libya and Egypt; covers what Syrian news names.
REGION = (5.0, 8.0, 66.0, 46.0)
#: The world-atlas file used: 50m keeps Gaza, Lebanon and Cyprus recognisable (110m blurs them).
WORLD_ATLAS_FILE = "world-atlas/countries-50m.json"
STATIC_DIR = Path(__file__).resolve().parent / "static"


def parse_bbox(text: str) -> tuple[float, float, float, float]:
    """'w,s,e,n' in degrees -> a tuple; ValueError when malformed, not finite, out of range or empty."""
    parts = text.split(",")
    if len(parts) != 4:
        raise ValueError("bbox must be west,south,east,north")
    w, s, e, n = (float(p) for p in parts)
    if not all(math.isfinite(v) for v in (w, s, e, n)):
        raise ValueError("bbox values must be finite numbers")
    if not (-180 <= w < e <= 180 and -90 <= s < n <= 90):
        raise ValueError("bbox must satisfy -180 <= west < east <= 180 and -90 <= south < north <= 90")
    return w, s, e, n


def cell_size(zoom: int, bbox: tuple[float, float, float, float]) -> float:
    """The cell side in degrees at `zoom`, doubled until `bbox` spans at most MAX_CELLS cells."""
    cell = CELL_PX * 360.0 / (256 * 2 ** zoom)
    w, s, e, n = bbox
    while (math.floor(e / cell) - math.floor(w / cell) + 1) * (math.floor(n / cell) - math.floor(s / cell) + 1) > MAX_CELLS:
        cell *= 2
    return cell


def cluster(keys: np.ndarray, lat: np.ndarray, lon: np.ndarray, bbox: tuple[float, float, float, float],
            zoom: int) -> dict:
    """Group the points inside `bbox` (widened to whole cells) by grid cell.

    Returns {cell, bbox (the widened one), total, clusters: [(count, lat, lon, [w, s, e, n])],
    singles: [key]}; pure (no I/O), so tests drive it with arrays.
    """
    cell = cell_size(zoom, bbox)
    w, s, e, n = bbox
    w, s = math.floor(w / cell) * cell, math.floor(s / cell) * cell
    e, n = min(180.0, math.ceil(e / cell) * cell), min(90.0, math.ceil(n / cell) * cell)
    w, s = max(-180.0, w), max(-90.0, s)
    inside = (lon >= w) & (lon <= e) & (lat >= s) & (lat <= n)
    k, la, lo = keys[inside], lat[inside], lon[inside]
    out = {"cell": cell, "bbox": [w, s, e, n], "total": int(len(k)), "clusters": [], "singles": []}
    if not len(k):
        return out
    ncols = int(math.ceil(360.0 / cell)) + 1
    cid = np.floor((la + 90.0) / cell).astype(np.int64) * ncols + np.floor((lo + 180.0) / cell).astype(np.int64)
    order = np.argsort(cid, kind="stable")
    cid, k, la, lo = cid[order], k[order], la[order], lo[order]
    starts = np.flatnonzero(np.r_[True, cid[1:] != cid[:-1]])
    counts = np.diff(np.r_[starts, len(cid)])
    sum_la, sum_lo = np.add.reduceat(la, starts), np.add.reduceat(lo, starts)
    min_la, max_la = np.minimum.reduceat(la, starts), np.maximum.reduceat(la, starts)
    min_lo, max_lo = np.minimum.reduceat(lo, starts), np.maximum.reduceat(lo, starts)
    for i, c in enumerate(counts.tolist()):
        if c == 1:
            key = k[starts[i]]  # a numpy integer (rowid) or, on a store linked in part, a str (event id)
            out["singles"].append(key.item() if hasattr(key, "item") else key)
        else:
            out["clusters"].append((c, round(float(sum_la[i]) / c, 5), round(float(sum_lo[i]) / c, 5),
                                    [float(min_lo[i]), float(min_la[i]), float(max_lo[i]), float(max_la[i])]))
    return out


# -- countries ------------------------------------------------------------------------------

def _decode_arcs(topo: dict) -> list[list[list[float]]]:
    """TopoJSON's quantised, delta-encoded arcs as [[lon, lat], ...] lists."""
    (sx, sy), (tx, ty) = topo["transform"]["scale"], topo["transform"]["translate"]
    arcs = []
    for arc in topo["arcs"]:
        x = y = 0
        pts = []
        for dx, dy in arc:
            x += dx
            y += dy
            pts.append([round(x * sx + tx, 3), round(y * sy + ty, 3)])
        arcs.append(pts)
    return arcs


def _ring(arcs: list, refs: list[int]) -> list[list[float]]:
    pts: list[list[float]] = []
    for r in refs:
        seg = arcs[r] if r >= 0 else arcs[~r][::-1]
        pts.extend(seg if not pts else seg[1:])
    return pts


def _polygons(geom: dict, arcs: list) -> list[list[list[list[float]]]]:
    if geom["type"] == "Polygon":
        return [[_ring(arcs, r) for r in geom["arcs"]]]
    if geom["type"] == "MultiPolygon":
        return [[_ring(arcs, r) for r in poly] for poly in geom["arcs"]]
    return []


def _label_point(polys: list) -> list[float]:
    """[lon, lat] of the centre of the largest outer ring's bounding box (used when our table has none)."""
    best = max((p[0] for p in polys), key=lambda r: (max(x for x, _ in r) - min(x for x, _ in r))
               * (max(y for _, y in r) - min(y for _, y in r)))
    return [round((max(x for x, _ in best) + min(x for x, _ in best)) / 2, 3),
            round((max(y for _, y in best) + min(y for _, y in best)) / 2, 3)]


@lru_cache(maxsize=2)
def countries_geojson(node_modules: str | None) -> dict | None:
    """The countries meeting REGION as a GeoJSON FeatureCollection with `name` (Arabic), `name_en`
    (None: not in our table, drawn without a label) and `label` ([lon, lat]); plus `labels`: extra place labels (Gaza…). None without world-atlas."""
    if node_modules is None:
        return None
    path = Path(node_modules) / WORLD_ATLAS_FILE
    if not path.is_file():
        return None
    topo = json.loads(path.read_text("utf-8"))
    names = json.loads((STATIC_DIR / "countries_ar.json").read_text("utf-8"))
    arcs = _decode_arcs(topo)
    w, s, e, n = REGION
    feats = []
    for geom in topo["objects"]["countries"]["geometries"]:
        # only the parts meeting REGION (France without Corsica's neighbours overseas, no Alaska)
        polys = [p for p in _polygons(geom, arcs)
                 if not (max(x for x, _ in p[0]) < w or min(x for x, _ in p[0]) > e
                         or max(y for _, y in p[0]) < s or min(y for _, y in p[0]) > n)]
        if not polys:
            continue
        en = geom.get("properties", {}).get("name", "")
        info = names["countries"].get(geom.get("id") or en, {})
        feats.append({"type": "Feature", "id": geom.get("id") or en,
                      "geometry": {"type": "MultiPolygon", "coordinates": polys},
                      "properties": {"name": info.get("ar"), "name_en": en,
                                     "label": info.get("label") or _label_point(polys)}})
    return {"type": "FeatureCollection", "features": feats, "labels": names.get("labels", []),
            "source": "Natural Earth 1:50m admin-0 via world-atlas (public domain)"}
