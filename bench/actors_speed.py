"""Throughput of `ActorFinder.find` over the Al Mayadeen corpus's `full_text` (docs/s, MB/s, spans).

    python bench/actors_speed.py [--corpus ../shared/data/almayadeen-syria-articles] [--repeat 3] [--json]

The automaton is built once (timed separately); each repeat runs find() over every document.
Target (brief): at least 1000 docs/s on one core.
"""
from __future__ import annotations

import argparse
import collections
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT / ".." / "shared"


def load_texts(corpus: Path) -> list[tuple[str, str | None]]:
    """(full_text, publication date) for every record in the corpus's JSON Lines files."""
    rows = []
    for path in sorted(corpus.glob("*.jsonl")):
        with path.open(encoding="utf-8") as fh:
            for line in fh:
                rec = json.loads(line)
                rows.append((rec.get("full_text") or "", (rec.get("published_time") or "")[:10] or None))
    return rows


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", default=str(SHARED / "data" / "almayadeen-syria-articles"))
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--json", action="store_true")
    a = ap.parse_args()
    corpus = Path(a.corpus)
    if not corpus.is_dir():
        print(f"skip: no corpus at {corpus}")
        return 0
    docs = load_texts(corpus)
    from rasd.extract.actors import ActorFinder, ActorKB

    t0 = time.perf_counter()
    kb = ActorKB.load_default()
    finder = ActorFinder(kb)
    finder.find("تمهيد")
    build_s = time.perf_counter() - t0
    best = float("inf")
    labels: collections.Counter[str] = collections.Counter()
    how: collections.Counter[str] = collections.Counter()
    for r in range(a.repeat):
        t = time.perf_counter()
        for text, date in docs:
            spans = finder.find(text, doc_date=date)
            if r == 0:
                labels.update(s.label for s in spans)
                how.update(s.value["resolved_by"].split("+")[0] for s in spans)
        best = min(best, time.perf_counter() - t)
    chars = sum(len(t) for t, _ in docs)
    result = {
        "docs": len(docs), "mb_utf8": round(sum(len(t.encode("utf-8")) for t, _ in docs) / 1e6, 2), "kb_actors": len(kb), "build_s": round(build_s, 3),
        "best_s": round(best, 3), "docs_per_s": round(len(docs) / best, 1),
        "mchars_per_s": round(chars / best / 1e6, 2), "spans": dict(labels), "resolved_by": dict(how),
    }
    if a.json:
        print(json.dumps(result, ensure_ascii=False))
    else:
        for k, v in result.items():
            print(f"{k:>14}: {v}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
