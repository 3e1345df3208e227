"""Print a random sample of PLACE spans from the Al Mayadeen corpus for hand-checking precision.

Usage: python bench/places_sample.py [--n 50] [--seed 7] [--syria-only | --abroad] [--bulk-top N]
Each line: context [[span]] context -> name kind admin1 precision resolved_by. Judge by eye.
--bulk-top N instead lists the N most frequent cue-less spans of places known only from bulk
sources (GeoNames, OCHA), with one context each: where common words hide (stoplist.yaml).
"""
from __future__ import annotations

import argparse
import collections
import json
import random
import sys
from pathlib import Path

from bench.places_speed import CORPUS
from rasd.extract.places.finder import PlaceFinder


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--corpus", type=Path, default=CORPUS)
    ap.add_argument("--n", type=int, default=50)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--syria-only", action="store_true", help="skip countries and places abroad")
    ap.add_argument("--abroad", action="store_true",
                    help="only towns and regions abroad from the packaged GeoNames towns (no countries)")
    ap.add_argument("--bulk-top", type=int, default=0, help="list the most frequent cue-less bulk-source spans")
    args = ap.parse_args()
    if not args.corpus.exists():
        print(f"corpus absent: {args.corpus}", file=sys.stderr)
        return 2
    finder = PlaceFinder()
    if args.bulk_top:
        return _bulk_top(finder, args.corpus, args.bulk_top)
    spans = []
    for line in args.corpus.open(encoding="utf-8"):
        text = json.loads(line)["full_text"]
        for s in finder.find(text):
            if args.syria_only and (s.value["country"] != "SY" or s.value["kind"] == "country"):
                continue
            if args.abroad and (s.value["country"] == "SY" or s.value["kind"] == "country"
                                or finder.gazetteer.get(s.value["place_id"]).source == "curated"):
                continue
            spans.append((text, s))
    print(f"{len(spans)} spans", file=sys.stderr)
    for i, (text, s) in enumerate(random.Random(args.seed).sample(spans, min(args.n, len(spans)))):
        v = s.value
        print(i, repr(text[max(0, s.start - 35):s.start]), "[[", text[s.start:s.end], "]]",
              repr(text[s.end:s.end + 25]), "->", v["name"], v["kind"], v["admin1"], v["country"],
              v["precision"], v["resolved_by"])
    return 0


def _bulk_top(finder: PlaceFinder, corpus: Path, n: int) -> int:
    from rasd.extract.places.model import BULK_SOURCES

    counts: collections.Counter = collections.Counter()
    example: dict = {}
    for line in corpus.open(encoding="utf-8"):
        text = json.loads(line)["full_text"]
        for s in finder.find(text):
            v = s.value
            if v.get("cue") is None and finder.gazetteer.get(v["place_id"]).source in BULK_SOURCES:
                key = (text[s.start:s.end], v["name_en"], v["country"])
                counts[key] += 1
                example.setdefault(key, text[max(0, s.start - 40):s.end + 40].replace("\n", " "))
    for key, c in counts.most_common(n):
        print(c, *key, "|", example[key])
    return 0


if __name__ == "__main__":
    sys.exit(main())
