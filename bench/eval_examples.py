"""Event recall/precision on our own example pages (examples/MANIFEST.json `expected_events`).

    python bench/eval_examples.py [--examples examples] [--json] [--show] [--misses]

Runs the real pipeline (rasd.ingest.read_paths -> CleanStage -> ExtractStage) over examples/ and
matches each page's expected events with the events emitted on that page, one to one, the way
../shared/tools/score.py does: same type, place names overlapping after normalisation (the
scorer's `place_match`), dates compatible (`date_match`: a day within one day, a month or year as
a prefix; a missing date on either side is compatible). `appended_parts[i].expected_events`
belong to part i+1 of the page. Recall is over all expected events, precision over every event
emitted on a page of the manifest (expected lists are "must find", so precision is a floor).
These pages are a second, independent check: report the figure, do not tune rules to it.
"""
from __future__ import annotations

import argparse
import importlib.util
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SCORER = ROOT / ".." / "shared" / "tools" / "score.py"


def _load_scorer():
    spec = importlib.util.spec_from_file_location("rasd_shared_score", SCORER)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def _precision_of(date: str | None) -> str | None:
    return {10: "day", 7: "month", 4: "year"}.get(len(date or ""), None) if date else None


def _page_key(origin) -> tuple[str, int | None, int]:
    """(file name, 0-based record or None, part) of a document's origin."""
    name = Path(origin.path).name if origin.path else ""
    record = origin.record - 1 if origin.record else None
    return name, record, origin.part or 0


def _expected(manifest: dict) -> dict[tuple[str, int | None, int], list[dict]]:
    out: dict[tuple[str, int | None, int], list[dict]] = {}
    for page in manifest["pages"]:
        rec = page.get("record")
        out[(page["file"], rec, 0)] = list(page.get("expected_events") or [])
        for i, part in enumerate(page.get("appended_parts") or [], start=1):
            out[(page["file"], rec, i)] = list(part.get("expected_events") or [])
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--examples", default=str(ROOT / "examples"))
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--show", action="store_true", help="list misses and unmatched system events")
    ap.add_argument("--misses", action="store_true",
                    help="for each miss: the page's sentences naming its place or holding a trigger of its "
                         "type, with the triggers, places, actors and dates found there")
    a = ap.parse_args()
    ex_dir = Path(a.examples)
    if not (ex_dir / "MANIFEST.json").exists() or not SCORER.exists():
        print(f"skip: need {ex_dir / 'MANIFEST.json'} and {SCORER}")
        return 0
    score = _load_scorer()
    from rasd.clean.pipeline import CleanStage
    from rasd.clean.sitestate import SiteState, page_facts
    from rasd.document import Document
    from rasd.extract.stage import ExtractStage
    from rasd.ingest import read_paths
    from rasd.store.export import event_record

    manifest = json.loads((ex_dir / "MANIFEST.json").read_text(encoding="utf-8"))
    expected = _expected(manifest)
    paths = sorted({str(ex_dir / p["file"]) for p in manifest["pages"]})
    docs = [it.result for it in read_paths(paths) if isinstance(it.result, Document)]
    state = SiteState.learn(page_facts(d) for d in docs)   # the pre-pass of `rasd run`
    stage = CleanStage(site_boilerplate=state.boilerplate(), site_outlets=state.outlets())
    docs = [d for d in stage.run(docs) if isinstance(d, Document)]
    docs = list(ExtractStage().run(docs))

    by_key = {}
    per_type: dict[str, list[int]] = {}      # type -> [matched expected, expected, emitted]
    n_sys = n_matched = 0
    misses, extras = [], []
    for d in docs:
        key = _page_key(d.origin)
        if key not in expected and (key[0], None, key[2]) in expected:
            key = (key[0], None, key[2])
        if key not in expected:
            continue
        gold = expected[key]
        by_key[key] = d
        sys_events = [event_record(e) for e in d.events]
        n_sys += len(sys_events)
        for ev in sys_events:
            per_type.setdefault(ev["type"], [0, 0, 0])[2] += 1
        used: set[int] = set()
        for g in gold:
            t = per_type.setdefault(g["type"], [0, 0, 0])
            t[1] += 1
            sg = {"location": {"ar": [g["place"]], "en": None} if g.get("place") else None}
            # free system events of the same type and place whose date does not contradict the
            # expected one; a date that agrees beats one that is absent, then document order
            ranked = []
            for i, ev in enumerate(sys_events):
                if i in used or ev["type"] != g["type"] or not score.place_match(sg, ev):
                    continue
                agrees = score.date_match(g.get("date"), _precision_of(g.get("date")), score.date_value(ev))
                if agrees is not False:
                    ranked.append((0 if agrees else 1, i))
            best = min(ranked)[1] if ranked else None
            if best is None:
                misses.append((key, g))
                continue
            used.add(best)
            t[0] += 1
            n_matched += 1
        extras += [(key, ev["type"], (ev.get("location") or {}).get("text"), score.date_value(ev))
                   for i, ev in enumerate(sys_events) if i not in used]
    n_gold = sum(v[1] for v in per_type.values())
    result = {"pages": len(expected), "expected": n_gold, "system_events": n_sys,
              "recall": n_matched / n_gold if n_gold else None,
              "precision": n_matched / n_sys if n_sys else None,
              "by_type": {k: {"found": v[0], "expected": v[1], "emitted": v[2]} for k, v in sorted(per_type.items())}}
    if a.json:
        print(json.dumps(result, ensure_ascii=False))
    else:
        print(f"pages {result['pages']}  expected {n_gold}  system events {n_sys}  "
              f"recall {result['recall']:.3f}  precision {result['precision']:.3f}")
        for k, v in result["by_type"].items():
            print(f"  {k:22} found {v['found']}/{v['expected']}  emitted {v['emitted']}")
    if a.show:
        for key, g in misses:
            print("  MISS", key, json.dumps(g, ensure_ascii=False))
        for e in extras:
            print("  EXTRA", *e)
    if a.misses:
        _print_misses(misses, by_key)
    return 0


def _print_misses(misses, by_key) -> None:
    """Why each expected event was missed: the sentences about it and what the finders saw there."""
    from rasd.clean.normalize import normalize_arabic
    from rasd.extract.events import EventExtractor
    from rasd.extract.sentences import make_view, split_sentences
    ex = EventExtractor()
    for key, g in misses:
        d = by_key.get(key)
        print("MISS", key, json.dumps(g, ensure_ascii=False))
        if d is None:
            continue
        for ev in d.events:
            if ev.type == g["type"]:
                print("   same type emitted at", (ev.location or {}).get("text"), ev.date.get("value"))
        view = make_view(d.text)
        spans = ex.find_spans(d, None)
        trigs = ex.find_triggers(view, [], [])
        place = normalize_arabic(g.get("place") or "")
        for s in split_sentences(view.norm, ex.lex.clause_openers, []):
            tt = [(t.type, view.norm[t.start:t.end]) for t in trigs if s.start <= t.start < s.end]
            if not ((place and place in view.norm[s.start:s.end]) or any(t[0] == g["type"] for t in tt)):
                continue
            inside = [x for x in spans if s.start <= view.to_norm(x.start) < s.end]
            print("   S:", view.norm[s.start:s.end][:300].replace("\n", " "))
            print("      triggers", tt)
            for label in ("PLACE", "ACTOR", "DATE"):
                print(f"      {label.lower()}s", [d.text[x.start:x.end] for x in inside
                                                  if x.label == label or (label == "ACTOR" and x.label == "PERSON")])


if __name__ == "__main__":
    sys.exit(main())
