"""Seed event scores with and without cross-document fusion, from one store.

    python bench/link_eval.py --db /tmp/x.db    # after `rasd run ../shared/seeds --db /tmp/x.db`

Scores the per-document events (`store.iter_events()`, what an unlinked store exports) and the
linked export (`rasd export events`) with ../shared/tools/score.py, and prints both side by side.
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

from rasd.store.export import event_record, export_documents, export_events
from rasd.store.sqlite import SqliteStore

SHARED = Path(__file__).resolve().parents[1] / ".." / "shared"


def _score(docs: Path, events: Path) -> dict:
    out = subprocess.check_output([
        sys.executable, str(SHARED / "tools" / "score.py"), "--documents", str(docs), "--events", str(events),
        "--cleaning-gold", str(SHARED / "gold" / "cleaning.jsonl"), "--events-gold", str(SHARED / "gold" / "events.jsonl"),
        "--json"])
    return json.loads(out)["events"]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", required=True)
    args = ap.parse_args()
    store = SqliteStore(args.db)
    with tempfile.TemporaryDirectory() as tmp:
        t = Path(tmp)
        with open(t / "docs.jsonl", "w", encoding="utf-8") as f:
            export_documents(store, "jsonl", f)
        with open(t / "per_doc.jsonl", "w", encoding="utf-8") as f:
            for ev in store.iter_events():
                f.write(json.dumps(event_record(ev), ensure_ascii=False) + "\n")
        with open(t / "linked.jsonl", "w", encoding="utf-8") as f:
            export_events(store, "jsonl", f)
        before, after = _score(t / "docs.jsonl", t / "per_doc.jsonl"), _score(t / "docs.jsonl", t / "linked.jsonl")
    store.close()
    for k in before:
        if k != "recall_by_type":
            print(f"{k:24s} {before[k]!s:>8.8}  ->  {after[k]!s:>8.8}")


if __name__ == "__main__":
    main()
