"""Place errors on the training part: each required gold event missed only for its place.

Runs the pipeline (`rasd run`, the shipped model, or --rules) over the training articles only,
pairs system and gold events the way ../shared/tools/score.py does, and for every required gold
event left unmatched while a system event of its type quotes the same sentence, prints the gold
place, the system's place (text, name, level) and the evidence, with a class: `none` (the system
event has no place), `unknown` (the packaged gazetteer has no entry under any gold name, so the
system could not have named it), `wider` (the system place contains the gold place: its province
or country), `other`. The test part is never read.

    python bench/place_errors.py [--shared ../shared] [--rules] [--limit N] [--json] [--class C]
"""
from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from training_pairs import ErrorListing, class_parser, missed_beside, training_pairs  # noqa: E402

from rasd.extract.gazetteer import Gazetteer  # noqa: E402


def main() -> int:
    args = class_parser(__doc__.splitlines()[0]).parse_args()
    sc, gold, pairs, sys_by_page = training_pairs(args)
    gaz = Gazetteer.load_default()
    errors = ErrorListing(args, only=args.only)
    for g, near in missed_beside(sc, gold, pairs, sys_by_page, same_type=True):
        if not g["location"] or not near or any(sc.place_match(g, ev) for ev in near):
            continue
        ev = near[0]
        loc = ev.get("location") or {}
        known = [p for a in g["location"]["ar"] for p in gaz.lookup(a)]
        if not loc:
            cls = "none"
        elif not known:
            cls = "unknown"
        elif loc.get("name") in {k.admin1 for k in known} or loc.get("kind", loc.get("level")) == "country":
            cls = "wider"
        else:
            cls = "other"
        row = {"doc": g["doc"], "gold": g["id"], "type": g["type"], "class": cls, "gold_place": g["location"]["ar"],
               "system": [loc.get("text"), loc.get("name"), loc.get("level")], "evidence": g.get("evidence", "")}
        errors.add(cls, row, f"[{cls}] {g['id']} {g['type']} gold={g['location']['ar']} sys={row['system']}")
    print(f"place-only misses {sum(errors.classes.values())}: {dict(errors.classes)}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
