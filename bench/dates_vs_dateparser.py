"""Accuracy and speed of rasd's date finder against dateparser on bench/data/dates_gold.jsonl.

Usage: python bench/dates_vs_dateparser.py [--repeat N]
An expected expression is found when a returned span overlaps it and carries the expected value
(compared at the expected precision: "2014-05" matches any day of May 2014 for dateparser). An
expected `null` value (a relative expression without anchor, a vague one) is found when the span
is returned unresolved or nothing is returned there. Anything returned that overlaps no expected
expression is a false positive. dateparser 1.5's `search_dates` accepts no `locales` argument
(only `languages`), so the two dateparser runs are languages=['ar'] with PREFER_DATES_FROM='past'
and with the default preferences; the better of the two is compared.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import time
import warnings
from pathlib import Path

from rasd.extract.dates import find_dates

GOLD = Path(__file__).resolve().parent / "data" / "dates_gold.jsonl"


def load() -> list[dict]:
    """The gold items."""
    return [json.loads(line) for line in GOLD.open(encoding="utf-8")]


def rasd_system(sentence: str, anchor: dt.date | None) -> list[tuple[int, int, str | None]]:
    """(start, end, value) from rasd."""
    return [(s.start, s.end, s.value["value"]) for s in find_dates(sentence, anchor)]


def dateparser_system(settings_kw: dict, prefer_past: bool = True):
    """A system function wrapping dateparser.search.search_dates."""
    from dateparser.search import search_dates

    def run(sentence: str, anchor: dt.date | None) -> list[tuple[int, int, str | None]]:
        settings = {"RETURN_AS_TIMEZONE_AWARE": False}
        if prefer_past:
            settings["PREFER_DATES_FROM"] = "past"
        if anchor is not None:
            settings["RELATIVE_BASE"] = dt.datetime.combine(anchor, dt.time(12))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            found = search_dates(sentence, settings=settings, **settings_kw) or []
        out, pos = [], 0
        for text, when in found:
            i = sentence.find(text, pos)
            if i < 0:
                i = sentence.find(text)
            if i < 0:
                continue
            out.append((i, i + len(text), when.date().isoformat()))
            pos = i + len(text)
        return out
    return run


def score(system, items: list[dict]) -> dict:
    """Found / expected / false positives, and seconds for one pass."""
    found = expected = false_pos = 0
    t0 = time.perf_counter()
    outputs = [system(it["sentence"], dt.date.fromisoformat(it["anchor"]) if it["anchor"] else None) for it in items]
    seconds = time.perf_counter() - t0
    for it, out in zip(items, outputs):
        used = set()
        for exp in it["expected"]:
            expected += 1
            i = it["sentence"].find(exp["text"])
            j = i + len(exp["text"])
            hits = [k for k, (s, e, _) in enumerate(out) if s < j and e > i]
            used.update(hits)
            want = exp["value"]
            if want is None:
                found += all(out[k][2] is None for k in hits)
            else:
                found += any(out[k][2] is not None and out[k][2][:len(want)] == want for k in hits)
        false_pos += sum(1 for k in range(len(out)) if k not in used)
    precision = found / max(1, found + false_pos)
    recall = found / max(1, expected)
    return {"found": found, "expected": expected, "false_pos": false_pos, "recall": recall,
            "precision": precision, "f1": 2 * precision * recall / max(1e-9, precision + recall),
            "seconds": seconds, "items_per_s": len(items) / seconds}


def resolve_spans(items: list[dict], system: str) -> dict:
    """Resolution alone: each gold expression's own text is handed to the system, value compared.

    This gives dateparser its best case (no search; `dateparser.parse` with locales=['ar-SY'],
    which `search_dates` does not accept) and isolates value resolution from span finding.
    """
    import dateparser

    right = total = 0
    t0 = time.perf_counter()
    for it in items:
        anchor = dt.date.fromisoformat(it["anchor"]) if it["anchor"] else None
        for exp in it["expected"]:
            if exp["value"] is None:
                continue
            total += 1
            want = exp["value"]
            if system == "rasd":
                spans = find_dates(exp["text"], anchor)
                got = spans[0].value["value"] if spans else None
            else:
                settings = {"RETURN_AS_TIMEZONE_AWARE": False, "PREFER_DATES_FROM": "past"}
                if anchor is not None:
                    settings["RELATIVE_BASE"] = dt.datetime.combine(anchor, dt.time(12))
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    when = dateparser.parse(exp["text"], locales=["ar-SY"], settings=settings)
                got = when.date().isoformat() if when else None
            right += got is not None and got[:len(want)] == want
    seconds = time.perf_counter() - t0
    return {"right": right, "total": total, "accuracy": right / max(1, total), "seconds": seconds}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=3, help="passes; the fastest is reported")
    args = ap.parse_args()
    items = load()
    systems = {"rasd": rasd_system,
               "dateparser languages=['ar']": dateparser_system({"languages": ["ar"]}),
               "dateparser ar, default prefs": dateparser_system({"languages": ["ar"]}, prefer_past=False)}
    results = {}
    for name, fn in systems.items():
        fn(items[0]["sentence"], None)                      # warm-up (loads models/lexicons)
        runs = [score(fn, items) for _ in range(args.repeat)]
        results[name] = min(runs, key=lambda r: r["seconds"])
    print(f"{len(items)} gold sentences, {results['rasd']['expected']} expected expressions")
    for name, r in results.items():
        print(f"{name:30s} recall {r['recall']:.3f}  precision {r['precision']:.3f}  F1 {r['f1']:.3f}  "
              f"({r['found']}/{r['expected']}, {r['false_pos']} false pos)  {r['items_per_s']:8.0f} sentences/s")
    best_dp = max((n for n in results if n != "rasd"), key=lambda n: results[n]["f1"])
    r, d = results["rasd"], results[best_dp]
    print(f"best dateparser: {best_dp}; rasd F1 {r['f1']:.3f} vs {d['f1']:.3f}, "
          f"speed x{d['seconds'] / r['seconds']:.0f}")
    ours, theirs = resolve_spans(items, "rasd"), resolve_spans(items, "dateparser")
    print(f"resolution of the gold spans alone (dateparser.parse, locales=['ar-SY']): rasd "
          f"{ours['accuracy']:.3f} ({ours['right']}/{ours['total']}, {ours['seconds']*1000:.0f} ms) vs dateparser "
          f"{theirs['accuracy']:.3f} ({theirs['right']}/{theirs['total']}, {theirs['seconds']*1000:.0f} ms)")


if __name__ == "__main__":
    main()
