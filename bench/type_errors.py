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

from training_pairs import ErrorListing, class_parser, missed_beside, training_pairs  # noqa: E402


def main() -> int:
    args = class_parser(__doc__.splitlines()[0]).parse_args()
    sc, gold, pairs, sys_by_page = training_pairs(args)
    errors = ErrorListing(args, only=args.only)
    for g, near in missed_beside(sc, gold, pairs, sys_by_page, same_type=False):
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
