"""Score the in-memory pipeline (read -> clean -> extract) on the seeds with ../shared/tools/score.py.

    python bench/score_seeds.py [--seeds ../shared/seeds] [--out /tmp/rasd-score] [--json]

A quick loop for developing the cleaner and the extractors without a store; `rasd eval` runs the
same scorer through the real CLI path (`rasd run` + `rasd export`).
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT / ".." / "shared"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seeds", default=str(SHARED / "seeds"))
    ap.add_argument("--out", default="/tmp/rasd-score")
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--no-events", action="store_true", help="score cleaning only")
    a = ap.parse_args()
    if not Path(a.seeds).is_dir():
        print(f"skip: no seeds at {a.seeds}")
        return 0

    from rasd.document import Document
    from rasd.ingest import read_paths
    from rasd.clean.pipeline import CleanStage
    from rasd.clean.sitestate import SiteState, page_facts
    from rasd.store.export import document_record, event_record

    docs = [it.result for it in read_paths([a.seeds]) if isinstance(it.result, Document)]
    state = SiteState.learn(page_facts(d) for d in docs)   # the pre-pass of `rasd run`
    stage = CleanStage(site_boilerplate=state.boilerplate(), site_outlets=state.outlets())
    cleaned = [d for d in stage.run(docs) if isinstance(d, Document)]
    if not a.no_events:
        try:
            from rasd.extract.stage import ExtractStage
        except ImportError as e:  # the extraction stage is optional while it is being built
            print(f"note: no extraction ({e})", file=sys.stderr)
        else:
            cleaned = list(ExtractStage().run(cleaned))
    out = Path(a.out)
    out.mkdir(parents=True, exist_ok=True)
    with open(out / "docs.jsonl", "w", encoding="utf-8") as f:
        for d in cleaned:
            f.write(json.dumps(document_record(d), ensure_ascii=False) + "\n")
    with open(out / "events.jsonl", "w", encoding="utf-8") as f:
        for d in cleaned:
            for ev in d.events:
                f.write(json.dumps(event_record(ev), ensure_ascii=False) + "\n")
    cmd = [sys.executable, str(SHARED / "tools" / "score.py"), "--documents", str(out / "docs.jsonl"),
           "--cleaning-gold", str(SHARED / "gold" / "cleaning.jsonl")]
    if not a.no_events:
        cmd += ["--events", str(out / "events.jsonl"), "--events-gold", str(SHARED / "gold" / "events.jsonl")]
    if a.json:
        cmd.append("--json")
    return subprocess.call(cmd)


if __name__ == "__main__":
    sys.exit(main())
