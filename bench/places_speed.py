"""Throughput of PlaceFinder.find over the Al Mayadeen corpus (full_text), in docs/s.

Usage: python bench/places_speed.py [--corpus PATH] [--repeat N]
Reads ../shared (evaluation material, never copied into the project); exits 2 when absent.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from rasd.extract.places.finder import PlaceFinder
from rasd.extract.places.gazetteer import Gazetteer

CORPUS = (Path(__file__).resolve().parents[1] / ".." / "shared" / "data" / "almayadeen-syria-articles"
          / "almayadeen_syria_2023-01_2024-08.jsonl").resolve()


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--corpus", type=Path, default=CORPUS)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    if not args.corpus.exists():
        print(f"corpus absent: {args.corpus}", file=sys.stderr)
        return 2
    texts = [json.loads(line)["full_text"] for line in args.corpus.open(encoding="utf-8") if line.strip()]
    t0 = time.perf_counter()
    gaz = Gazetteer.load_default()
    t1 = time.perf_counter()
    finder = PlaceFinder(gaz)
    finder.find("حمص")
    t2 = time.perf_counter()
    best = float("inf")
    spans = 0
    for _ in range(args.repeat):
        start = time.perf_counter()
        spans = sum(len(finder.find(t)) for t in texts)
        best = min(best, time.perf_counter() - start)
    chars = sum(len(t) for t in texts)
    print(json.dumps({
        "docs": len(texts), "chars": chars, "places_in_gazetteer": len(gaz),
        "load_gazetteer_s": round(t1 - t0, 3), "build_finder_s": round(t2 - t1, 3),
        "find_best_of": args.repeat, "find_s": round(best, 3),
        "docs_per_s": round(len(texts) / best, 1), "mb_per_s": round(chars / best / 1e6, 2),
        "spans": spans,
    }, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
