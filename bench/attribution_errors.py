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

import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from training_pairs import ErrorListing, parser, training_pairs  # noqa: E402


def main() -> int:
    ap = parser(__doc__.splitlines()[0])
    ap.add_argument("--modality", default="", help='also list the matched events of one modality confusion ("claimed->reported")')
    args = ap.parse_args()
    sc, gold, pairs, sys_by_page = training_pairs(args)
    errors = ErrorListing(args)
    modality: Counter = Counter()   # (gold, system) over matched gold events that are not asserted
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
            row = {"doc": p, "gold": g["id"], "class": cls, "gold_source": g["attributed_to"],
                   "system": [a.get("text") for a in ev.get("attribution") or []],
                   "modality": [g["modality"], ev.get("modality")], "evidence": g["evidence"],
                   "mention": [m.get("text") for m in ev.get("mentions") or []][:1]}
            errors.add(cls, row, f"[{cls}] {g['id']} gold={g['attributed_to']!r} sys={row['system']} mod={row['modality']}")
    print(f"attribution {ok}/{n} = {ok / n if n else 0:.3f}  errors {dict(errors.classes)}", file=sys.stderr)
    right = sum(v for (g, s_), v in modality.items() if g == s_)
    print(f"modality {right}/{sum(modality.values())}  gold->system: "
          + ", ".join(f"{g}->{s_} {v}" for (g, s_), v in modality.most_common()), file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
