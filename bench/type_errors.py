"""Type errors on the training part: each required gold event missed while a system event of
another type quotes the same sentence.

Runs the pipeline over the training articles (the shipped model, --rules, or out of fold with
--from-cv), pairs system and gold events the way ../shared/tools/score.py does, and for every
required gold event left unmatched while a system event of another type stands on its sentence,
prints the gold type, the system's type and the evidence; the class is `gold>system`. The test
and development parts are never read.

    python bench/type_errors.py [--shared ../shared] [--rules] [--from-cv F] [--limit N] [--class C]
"""
from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from training_pairs import ErrorListing, parser, training_pairs  # noqa: E402

from rasd.evaluation.scoring import same_sentence  # noqa: E402


def main() -> int:
    ap = parser(__doc__.splitlines()[0])
    ap.add_argument("--class", dest="only", default="", help="list one class only (e.g. shelling>air_strike)")
    args = ap.parse_args()
    sc, gold, pairs, sys_by_page = training_pairs(args)
    errors = ErrorListing(args, only=args.only)
    for g in gold:
        if not g["required"] or g["id"] in pairs:
            continue
        types = {g["type"], *g.get("type_also", [])}
        near = [ev for ev in sys_by_page.get(g["doc"], []) if ev.get("type") not in types
                and any(same_sentence(sc, m.get("text") or "", g.get("evidence") or "") for m in ev.get("mentions") or [])]
        if not near:
            continue
        ev = near[0]
        cls = f"{g['type']}>{ev.get('type')}"
        row = {"doc": g["doc"], "gold": g["id"], "class": cls, "system_types": sorted({e.get("type") for e in near}),
               "evidence": g.get("evidence", ""), "mention": [m.get("text") or "" for m in ev.get("mentions") or []]}
        errors.add(cls, row, f"[{cls}] {g['id']} sys={row['system_types']}")
    print(f"type-only misses {sum(errors.classes.values())}: {dict(errors.classes.most_common())}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
