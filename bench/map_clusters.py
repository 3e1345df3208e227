"""The map's cluster route at scale: /api/map/clusters over a store of N events (default 100,000).

    python bench/map_clusters.py [--events 100000] [--requests 100] [--seed 7]

Builds a store (cached in bench/results/map_store_N.db): the demo store of tests/web/fill.py,
whose events are then copied N times over with new ids, dates spread over 2023-2024 and
coordinates drawn around 300 place centres of the region (60 % inside Syria, 40 % from Gaza
to Iraq, Turkey and Yemen), as real events pile up on the places they name. Then, in process
with the response cache off, it asks the route for --requests random viewports (a 1280x720
screen) at each of a few zoom levels and prints p50/p95 latency (ms), features and bytes per
answer, beside the old all-events GeoJSON (/api/events.geojson, which stops at 5,000
features; its size for every event is extrapolated from its bytes per feature).
"""
from __future__ import annotations

import argparse
import json
import math
import random
import sqlite3
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "web"))

#: Zoom levels measured: the whole region, Syria (the page's first view), a governorate, a city, streets.
ZOOMS = (4, 6, 8, 11, 14)
#: (west, south, east, north) of the viewports' centres and of the synthetic events.
SYRIA = (35.7, 32.3, 42.3, 37.3)
REGION = (29.0, 13.0, 50.0, 40.0)


def build_store(path: Path, n: int, seed: int) -> None:
    from fill import fill_store

    fill_store(path)
    rng = random.Random(seed)
    conn = sqlite3.connect(path)
    templates = conn.execute("SELECT doc_id, type, record, admin1 FROM events").fetchall()
    centres = [(rng.uniform(*SYRIA[1::2]), rng.uniform(*SYRIA[0::2])) if i < 180
               else (rng.uniform(*REGION[1::2]), rng.uniform(*REGION[0::2])) for i in range(300)]
    rows = []
    for i in range(n):
        doc_id, typ, record, admin1 = templates[i % len(templates)]
        rec = json.loads(record)
        lat, lon = centres[int(rng.paretovariate(1.2)) % len(centres)] if rng.random() < 0.9 else rng.choice(centres)
        if rng.random() < 0.3:  # a village near the centre rather than the centre itself
            lat, lon = lat + rng.gauss(0, 0.15), lon + rng.gauss(0, 0.15)
        date = f"{2023 + i % 2}-{1 + i % 12:02d}-{1 + i % 28:02d}"
        rec["id"] = f"bench-{i:07d}"
        rec["date"] = {"value": date, "precision": "day", "basis": "published"}
        loc = dict(rec.get("location") or {})
        loc.update(lat=round(lat, 4), lon=round(lon, 4))
        rec["location"] = loc
        (rec.setdefault("meta", {}))["background"] = rng.random() < 0.1
        rows.append((rec["id"], doc_id, 1000 + i, typ, json.dumps(rec, ensure_ascii=False), date, admin1))
    conn.execute("DELETE FROM events")
    conn.executemany("INSERT INTO events (id, doc_id, seq, type, record, date_value, admin1) "
                     "VALUES (?, ?, ?, ?, ?, ?, ?)", rows)
    conn.commit()
    conn.close()


def viewport(rng: random.Random, zoom: int) -> str:
    """A 1280x720-pixel box at `zoom` around a random centre (mostly Syria), as w,s,e,n."""
    lat, lon = ((rng.uniform(*SYRIA[1::2]), rng.uniform(*SYRIA[0::2])) if rng.random() < 0.7
                else (rng.uniform(*REGION[1::2]), rng.uniform(*REGION[0::2])))
    deg = 360 / (256 * 2 ** zoom)
    half_w, half_h = 640 * deg, 360 * deg * math.cos(math.radians(lat))
    return (f"{max(-180, lon - half_w):.3f},{max(-90, lat - half_h):.3f},"
            f"{min(180, lon + half_w):.3f},{min(90, lat + half_h):.3f}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--events", type=int, default=100_000)
    ap.add_argument("--requests", type=int, default=100)
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args()
    from fastapi.testclient import TestClient

    from rasd.web.app import create_app

    out = ROOT / "bench" / "results"
    out.mkdir(parents=True, exist_ok=True)
    db = out / f"map_store_{args.events}.db"
    if not db.exists():
        t = time.perf_counter()
        build_store(db, args.events, args.seed)
        print(f"built {db} ({args.events} events) in {time.perf_counter() - t:.1f} s")
    rng = random.Random(args.seed)
    with TestClient(create_app(str(db), cache_mb=0)) as c:
        t = time.perf_counter()
        r = c.get("/api/map/clusters", params={"bbox": "-180,-90,180,90", "zoom": 4})
        print(f"first request (reads the points, matches the default filter): "
              f"{(time.perf_counter() - t) * 1000:.0f} ms, total {r.json()['total']}")
        t = time.perf_counter()
        c.get("/api/map/clusters", params={"bbox": "-180,-90,180,90", "zoom": 4, "type": "protest"})
        print(f"first request under a new filter (type=protest): {(time.perf_counter() - t) * 1000:.0f} ms")
        print(f"{'zoom':>4} {'p50 ms':>7} {'p95 ms':>7} {'features':>9} {'max':>5} {'KB p50':>7} {'KB max':>7}")
        for zoom in ZOOMS:
            times, feats, sizes = [], [], []
            for _ in range(args.requests):
                t = time.perf_counter()
                r = c.get("/api/map/clusters", params={"bbox": viewport(rng, zoom), "zoom": zoom})
                times.append((time.perf_counter() - t) * 1000)
                assert r.status_code == 200, r.text
                feats.append(len(r.json()["features"]))
                sizes.append(len(r.content))
            q = statistics.quantiles(times, n=20)
            print(f"{zoom:>4} {statistics.median(times):>7.1f} {q[18]:>7.1f} {statistics.median(feats):>9.0f} "
                  f"{max(feats):>5} {statistics.median(sizes) / 1024:>7.1f} {max(sizes) / 1024:>7.1f}")
        t = time.perf_counter()
        r = c.get("/api/events.geojson")
        ms = (time.perf_counter() - t) * 1000
        n_feat = len(r.json()["features"])
        total = c.get("/api/map/clusters").json()["total"]
        print(f"old /api/events.geojson: {n_feat} features (its cap), {len(r.content) / 1024:.0f} KB, {ms:.0f} ms "
              f"(first, builds every feature); every one of the {total} mapped events would be "
              f"~{len(r.content) / n_feat * total / 1024 / 1024:.1f} MB")


if __name__ == "__main__":
    main()
