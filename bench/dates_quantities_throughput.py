"""Throughput of the date and quantity finders over the Al Mayadeen full_text corpus (docs/s).

Usage: python bench/dates_quantities_throughput.py [PATH.jsonl]
Defaults to ../shared/data/almayadeen-syria-articles/*.jsonl; prints docs/s, MB/s and span counts.
"""
from __future__ import annotations

import datetime as dt
import json
import sys
import time
from pathlib import Path

from rasd.extract.dates import find_dates
from rasd.extract.quantities import find_quantities

ROOT = Path(__file__).resolve().parents[1]
DEFAULT = ROOT / ".." / "shared" / "data" / "almayadeen-syria-articles"


def load(path: Path) -> list[tuple[str, dt.date | None]]:
    """(full_text, published date) for every record with text."""
    files = sorted(path.glob("*.jsonl")) if path.is_dir() else [path]
    docs = []
    for f in files:
        for line in f.open(encoding="utf-8"):
            rec = json.loads(line)
            if rec.get("full_text"):
                pub = rec.get("published_time")
                docs.append((rec["full_text"], dt.date.fromisoformat(pub[:10]) if pub else None))
    return docs


def measure(name: str, fn, docs, repeats: int = 3) -> None:
    """Best of `repeats` passes (the machine is shared, the best pass is the least disturbed)."""
    fn(*docs[0])
    best, count = float("inf"), 0
    for _ in range(repeats):
        t0 = time.perf_counter()
        count = sum(len(fn(text, anchor)) for text, anchor in docs)
        best = min(best, time.perf_counter() - t0)
    mb = sum(len(t.encode("utf-8")) for t, _ in docs) / 1e6
    print(f"{name:11s} {len(docs) / best:8.0f} docs/s  {mb / best:6.2f} MB/s  {count} spans  ({len(docs)} docs, {best:.2f}s)")


def main() -> None:
    path = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT
    docs = load(path)
    measure("dates", lambda t, a: find_dates(t, a), docs)
    measure("quantities", lambda t, a: find_quantities(t), docs)


if __name__ == "__main__":
    main()
