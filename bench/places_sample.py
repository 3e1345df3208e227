"""Print a random sample of PLACE spans from the Al Mayadeen corpus for hand-checking precision.

Usage: python bench/places_sample.py [--n 50] [--seed 7] [--syria-only]
Each line: context [[span]] context -> name kind admin1 precision resolved_by. Judge by eye.
"""
from __future__ import annotations

import argparse
import json
import random
import sys

from bench.places_speed import CORPUS
from rasd.extract.places.finder import PlaceFinder


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--n", type=int, default=50)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--syria-only", action="store_true", help="skip countries and places abroad")
    args = ap.parse_args()
    if not CORPUS.exists():
        print(f"corpus absent: {CORPUS}", file=sys.stderr)
        return 2
    finder = PlaceFinder()
    spans = []
    for line in CORPUS.open(encoding="utf-8"):
        text = json.loads(line)["full_text"]
        for s in finder.find(text):
            if args.syria_only and (s.value["country"] != "SY" or s.value["kind"] == "country"):
                continue
            spans.append((text, s))
    print(f"{len(spans)} spans", file=sys.stderr)
    for i, (text, s) in enumerate(random.Random(args.seed).sample(spans, min(args.n, len(spans)))):
        v = s.value
        print(i, repr(text[max(0, s.start - 35):s.start]), "[[", text[s.start:s.end], "]]",
              repr(text[s.end:s.end + 25]), "->", v["name"], v["kind"], v["admin1"],
              v["precision"], v["resolved_by"])
    return 0


if __name__ == "__main__":
    sys.exit(main())
