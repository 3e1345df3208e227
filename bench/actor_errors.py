"""Actor errors on the training part: each matched gold event whose doer the system missed.

Runs the pipeline (`rasd run`, the shipped model, or --rules) over the training articles only,
pairs system and gold events the way ../shared/tools/score.py does, and for every pair whose gold
names a doer (`actors`) that no system actor overlaps, prints the gold doers and targets, the
system's actors with their roles, and the evidence, with a class: `none` (the system gave no
actor), `target_only` (the gold doer is among the gold targets' side: the system has only targets),
`other` (actors, not the gold one). The test part is never read.

    python bench/actor_errors.py [--shared ../shared] [--rules] [--limit N] [--json]
"""
from __future__ import annotations

import argparse
import json
import sys
import tempfile
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))

from cv_events import run_fold  # noqa: E402
from rasd.evaluation.corpus import LabelledCorpus  # noqa: E402
from rasd.evaluation.scoring import load_scorer, match_gold  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared", default=str(ROOT.parent / "shared"))
    ap.add_argument("--labels", default=str(ROOT / "eval"))
    ap.add_argument("--rules", action="store_true", help="rules only (no learned model)")
    ap.add_argument("--extract", default="", help='more [extract] settings, ";"-separated')
    ap.add_argument("--limit", type=int, default=0, help="print at most N errors (0: all)")
    ap.add_argument("--json", action="store_true", help="one JSON line per error")
    args = ap.parse_args()
    shared = Path(args.shared)
    sc = load_scorer(shared / "tools" / "score.py")
    corpus = LabelledCorpus.load(args.labels, shared)
    keys = sorted(a["key"] for a in corpus.labelled("train"))
    gold = corpus.gold_events(keys)
    with tempfile.TemporaryDirectory() as t:
        model = None
        if not args.rules:
            from rasd.extract.events_model import MODEL_PATH
            model = str(MODEL_PATH)
        docs, events = run_fold(corpus, keys, Path(t), model, args.extract)
    pairs, sys_by_page = match_gold(sc, docs, events, gold)
    classes: Counter = Counter()
    n = ok = shown = 0
    for g in gold:
        if g["id"] not in pairs or not g["actors"]:
            continue
        p, best = pairs[g["id"]]
        ev = sys_by_page[p][best]
        acts = ev.get("actors") or []
        names = [a.get("text", "") + " " + (a.get("name") or "") for a in acts]
        hit = any(sc.text_overlap(ga, x) for ga in g["actors"] for x in names)
        n += 1
        ok += hit
        if hit:
            continue
        in_targets = any(sc.text_overlap(ga, x) for ga in g["targets"] for x in names)
        cls = "none" if not acts else ("target_only" if in_targets else "other")
        classes[cls] += 1
        if args.limit and shown >= args.limit:
            continue
        shown += 1
        row = {"doc": p, "gold": g["id"], "type": g["type"], "class": cls, "gold_actors": g["actors"],
               "gold_targets": g["targets"],
               "system": [(a.get("text"), a.get("name"), a.get("role")) for a in acts],
               "evidence": g.get("evidence", ""),
               "mention": [m.get("text") for m in ev.get("mentions") or []][:1]}
        if args.json:
            print(json.dumps(row, ensure_ascii=False))
        else:
            print(f"[{cls}] {g['id']} {g['type']} gold={g['actors']} tgt={g['targets']} sys={row['system']}")
            print(f"    ev: {row['evidence'][:300]}")
            if row["mention"] and row["mention"][0] and row["mention"][0][:80] not in row["evidence"]:
                print(f"    sys: {row['mention'][0][:300]}")
    print(f"actor {ok}/{n} = {ok / n if n else 0:.3f}  errors {dict(classes)}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
