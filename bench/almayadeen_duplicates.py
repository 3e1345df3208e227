"""Exact duplicates on the Al Mayadeen corpus: every repeated postId must be linked by `duplicate_of`.

    python bench/almayadeen_duplicates.py [--db /tmp/am.db]

Ingests the corpus (`rasd ingest`), then compares the store's exact-duplicate links with the
corpus's own repeated postIds (the same article scraped into two month files), and lists the
other exact duplicates found (identical texts under different postIds).
"""
from __future__ import annotations

import argparse
import collections
import json
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path

CORPUS = (Path(__file__).resolve().parents[1] / ".." / "shared" / "data" / "almayadeen-syria-articles"
          / "almayadeen_syria_2023-01_2024-08.jsonl")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", default=str(CORPUS))
    ap.add_argument("--db", default=None)
    a = ap.parse_args()
    if not Path(a.corpus).exists():
        print(f"skip: {a.corpus} absent")
        return 0
    db = a.db or str(Path(tempfile.mkdtemp()) / "am.db")
    subprocess.run([sys.executable, "-m", "rasd.cli", "ingest", a.corpus, "--db", db, "-q"], check=False)
    src = [json.loads(l) for l in open(a.corpus, encoding="utf-8") if l.strip()]
    con = sqlite3.connect(db)
    rows = con.execute("select id, record, duplicate_of from documents where part = 0").fetchall()
    by_id = {r[0]: r for r in rows}
    canon_of = {r[1]: (by_id[r[2]][1] if r[2] else r[1]) for r in rows}   # record -> canonical record
    groups = collections.defaultdict(list)
    for i, rec in enumerate(src, 1):
        groups[rec["postId"]].append(i)
    expected = [(pid, recs) for pid, recs in groups.items() if len(recs) > 1]
    expected_dups = sum(len(r) - 1 for _, r in expected)
    found = sum(1 for _, recs in expected for r in recs if canon_of.get(r) != r)
    linked_together = all(len({canon_of.get(r) for r in recs}) == 1 for _, recs in expected)
    other = [(r[1], by_id[r[2]][1]) for r in rows if r[2] and src[r[1] - 1]["postId"] != src[by_id[r[2]][1] - 1]["postId"]]
    print(f"documents: {len(rows)}; exact duplicates linked: {sum(1 for r in rows if r[2])}")
    print(f"repeated postIds: {len(expected)} groups, {expected_dups} extra copies; linked: {found}/{expected_dups}; "
          f"each group shares one canonical: {linked_together}")
    print(f"other exact duplicates (same text, different postId): {len(other)}")
    for r, c in other:
        print(f"  record {r} ({src[r-1]['title'][:40]}) = record {c} ({src[c-1]['title'][:40]})")
    return 0 if found == expected_dups and linked_together else 1


if __name__ == "__main__":
    sys.exit(main())
