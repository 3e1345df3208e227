"""Attribution errors on the training part: each matched gold event whose source the system missed.

Also prints the modality confusion (gold -> system) of the matched events that are not asserted.

Runs the pipeline (`rasd run`, the shipped settings or --extract ones) over the training articles
only, pairs system and gold events the way ../shared/tools/score.py does, and for every pair whose
gold names a source prints the gold source, the system's sources, the modality pair and the
evidence sentence, with a class: `none` (the system gave no source), `other` (a source, not the
gold one). The test part is never read.

    python bench/attribution_errors.py [--shared ../shared] [--rules] [--limit N] [--json]
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
    ap.add_argument("--modality", default="", help='also list the matched events of one modality confusion ("claimed->reported")')
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
    modality: Counter = Counter()   # (gold, system) over matched gold events that are not asserted
    shown = 0
    n = ok = 0
    for p in sorted({g["doc"] for g in gold}):
        ss = sys_by_page.get(p, [])
        for g in sorted((g for g in gold if g["doc"] == p), key=lambda g: not g["required"]):
            if g["id"] not in pairs:
                continue
            best = pairs[g["id"]][1]
            if g["modality"] != "asserted":
                modality[(g["modality"], ss[best].get("modality"))] += 1
                if args.modality and f'{g["modality"]}->{ss[best].get("modality")}' == args.modality:
                    print(f"[{args.modality}] {g['id']} gold source={g['attributed_to']!r} actors={g['actors']} "
                          f"sys sources={[a.get('name') for a in ss[best].get('attribution') or []]} "
                          f"actors={[a.get('name') for a in ss[best].get('actors') or []]}")
                    print(f"    ev: {g['evidence'][:200]}")
            if not g["attributed_to"]:
                continue
            ev = ss[best]
            names = [a.get("text", "") + " " + (a.get("name") or "") for a in ev.get("attribution") or []]
            hit = any(sc.text_overlap(g["attributed_to"], x) or sc.text_overlap(g["attributed_to"].split()[-1], x)
                      for x in names)
            n += 1
            ok += hit
            if hit:
                continue
            cls = "none" if not names else "other"
            classes[cls] += 1
            if args.limit and shown >= args.limit:
                continue
            shown += 1
            row = {"doc": p, "gold": g["id"], "class": cls, "gold_source": g["attributed_to"],
                   "system": [a.get("text") for a in ev.get("attribution") or []],
                   "modality": [g["modality"], ev.get("modality")], "evidence": g["evidence"],
                   "mention": [m.get("text") for m in ev.get("mentions") or []][:1]}
            if args.json:
                print(json.dumps(row, ensure_ascii=False))
            else:
                print(f"[{cls}] {g['id']} gold={g['attributed_to']!r} sys={row['system']} mod={row['modality']}")
                print(f"    ev: {g['evidence'][:300]}")
                if row["mention"] and row["mention"][0] and row["mention"][0][:80] not in g["evidence"]:
                    print(f"    sys: {row['mention'][0][:300]}")
    print(f"attribution {ok}/{n} = {ok / n if n else 0:.3f}  errors {dict(classes)}", file=sys.stderr)
    right = sum(v for (g, s_), v in modality.items() if g == s_)
    print(f"modality {right}/{sum(modality.values())}  gold->system: "
          + ", ".join(f"{g}->{s_} {v}" for (g, s_), v in modality.most_common()), file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
