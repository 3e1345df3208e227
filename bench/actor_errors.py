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

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from training_pairs import ErrorListing, parser, training_pairs  # noqa: E402


def main() -> int:
    ap = parser(__doc__.splitlines()[0])
    args = ap.parse_args()
    sc, gold, pairs, sys_by_page = training_pairs(args)
    errors = ErrorListing(args)
    n = ok = 0
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
        row = {"doc": p, "gold": g["id"], "type": g["type"], "class": cls, "gold_actors": g["actors"],
               "gold_targets": g["targets"],
               "system": [(a.get("text"), a.get("name"), a.get("role")) for a in acts],
               "evidence": g.get("evidence", ""),
               "mention": [m.get("text") for m in ev.get("mentions") or []][:1]}
        errors.add(cls, row, f"[{cls}] {g['id']} {g['type']} gold={g['actors']} tgt={g['targets']} sys={row['system']}")
    print(f"actor {ok}/{n} = {ok / n if n else 0:.3f}  errors {dict(errors.classes)}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
