"""Score exported events against gold with the shared scorer's rules, and explain every error.

The headline figures come from `../shared/tools/score.py` itself (`score_events`), so they are the
numbers anyone else gets. This module repeats its one-to-one matching to keep the pairs, and on top
of them gives per-outlet and per-type figures, place accuracy, a type confusion matrix, and the
cause of every missed and every spurious event.
"""
from __future__ import annotations

import importlib.util
from collections import Counter, defaultdict
from pathlib import Path
from types import ModuleType
from typing import Any

from rasd.evaluation.geocode import distance_km, event_point

#: Share of the shorter text's words that the other must hold for a system mention and a gold
#: evidence to be "the same sentence" (word overlap, not offsets: system offsets are into the
#: cleaned text, gold offsets into the raw article). 0.5 keeps a clause quoted with a different
#: cut as the same, and two different sentences of one page apart (checked on the seeds' gold).
OVERLAP_MIN = 0.5

MISS_CAUSES = ("no_trigger", "wrong_type", "wrong_place", "wrong_date", "merged_away")
SPURIOUS_CAUSES = ("opinion_page", "duplicate", "wrong_type", "wrong_place", "wrong_date", "not_an_event")


def load_scorer(path: str | Path) -> ModuleType:
    """Import ../shared/tools/score.py as a module (it is a script, not a package)."""
    spec = importlib.util.spec_from_file_location("rasd_shared_score", str(path))
    if spec is None or spec.loader is None:
        raise FileNotFoundError(f"no scorer at {path}")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def _words(sc: ModuleType, s: str) -> set[str]:
    return set(sc.norm(s).split())


def same_sentence(sc: ModuleType, a: str, b: str) -> bool:
    """Whether a system mention and a gold evidence quote the same passage (word overlap)."""
    wa, wb = _words(sc, a), _words(sc, b)
    if not wa or not wb:
        return False
    return len(wa & wb) / min(len(wa), len(wb)) >= OVERLAP_MIN


def _mention_texts(ev: dict, doc_ids: set[str]) -> list[str]:
    return [m.get("text") or "" for m in ev.get("mentions") or [] if m.get("doc_id") in doc_ids]


#: A system place this close to the gold place counts for the "within 10 km" measure.
NEAR_KM = 10.0


def match_gold(sc: ModuleType, docs: list[dict], events: list[dict], gold: list[dict]
               ) -> tuple[dict[str, tuple[str, int]], dict[str, list[dict]]]:
    """The shared scorer's one-to-one matching, keeping the pairs: page by page, required gold
    events first, each takes the best free system event of a type, place and date it accepts (an
    exact date first). Returns gold id -> (page, index into that page's system events), and each
    page's system events (an event belongs to every page one of its mentions comes from)."""
    pages = {g["doc"] for g in gold}
    page_of = {d["id"]: next(iter(sc.page_keys(d) & pages), None) for d in docs}
    sys_by_page: dict[str, list[dict]] = defaultdict(list)
    for ev in events:
        for p in {page_of.get(m.get("doc_id")) for m in ev.get("mentions") or []}:
            if p in pages:
                sys_by_page[p].append(ev)
    pairs: dict[str, tuple[str, int]] = {}
    for p in sorted(pages):
        taken: set[int] = set()
        ss = sys_by_page.get(p, [])
        for g in sorted((g for g in gold if g["doc"] == p), key=lambda g: not g["required"]):
            best = None
            for i, ev in enumerate(ss):
                if i in taken or ev.get("type") not in {g["type"], *g.get("type_also", [])} or not sc.place_match(g, ev):
                    continue
                dm = sc.date_match(g["date"], g["date_precision"], sc.date_value(ev))
                if dm is False:
                    continue
                best = i if best is None or dm else best
                if dm:
                    break
            if best is not None:
                taken.add(best)
                pairs[g["id"]] = (p, best)
    return pairs, sys_by_page



def evaluate(sc: ModuleType, docs: list[dict], events: list[dict], gold: list[dict],
             genres: dict[str, str] | None = None, outlets: dict[str, str] | None = None,
             geocode: Any = None) -> dict[str, Any]:
    """Full report: the shared scorer's figures plus breakdowns (see the module docstring).

    `geocode` (gold location -> (lat, lon) or None, `rasd.evaluation.geocode.gold_geocoder`) adds
    the share of type+sentence pairs whose system place lies within 10 km of the gold place."""
    genres, outlets = genres or {}, outlets or {}
    headline = sc.score_events(docs, events, gold)
    pages = {g["doc"] for g in gold}
    page_of = {d["id"]: next(iter(sc.page_keys(d) & pages), None) for d in docs}
    docs_of_page: dict[str, set[str]] = defaultdict(set)
    for d_id, p in page_of.items():
        if p:
            docs_of_page[p].add(d_id)
    pairs, sys_by_page = match_gold(sc, docs, events, gold)
    taken = set(pairs.values())

    def types_of(g: dict) -> set[str]:
        return {g["type"], *g.get("type_also", [])}

    def overlaps(p: str, ev: dict, g: dict) -> bool:
        return any(same_sentence(sc, t, g.get("evidence") or "") for t in _mention_texts(ev, docs_of_page[p]))

    # missed required gold events, by cause
    missed: Counter = Counter()
    missed_list = []
    for g in gold:
        if not g["required"] or g["id"] in pairs:
            continue
        p, ss = g["doc"], sys_by_page.get(g["doc"], [])
        ok_type = [i for i, ev in enumerate(ss) if ev.get("type") in types_of(g)]
        ok_place = [i for i in ok_type if sc.place_match(g, ss[i])]
        ok_date = [i for i in ok_place if sc.date_match(g["date"], g["date_precision"], sc.date_value(ss[i])) is not False]
        near = [i for i, ev in enumerate(ss) if overlaps(p, ev, g)]
        if ok_date:
            cause = "merged_away"  # a fitting system event exists but another gold event took it
        elif any(i in ok_place for i in near) or (ok_place and not near):
            cause = "wrong_date"
        elif any(i in ok_type for i in near) or (ok_type and not near):
            cause = "wrong_place"
        elif near:
            cause = "wrong_type"
        else:
            cause = "no_trigger"
        missed[cause] += 1
        missed_list.append({"gold": g["id"], "doc": p, "type": g["type"], "cause": cause})

    # spurious system events (matched to no gold event), by cause
    spurious: Counter = Counter()
    spurious_list = []
    gold_by_page = defaultdict(list)
    for g in gold:
        gold_by_page[g["doc"]].append(g)
    for p in sorted(sys_by_page):
        for i, ev in enumerate(sys_by_page[p]):
            if (p, i) in taken:
                continue
            gs = gold_by_page[p]
            near = [g for g in gs if overlaps(p, ev, g)]
            same_type = [g for g in near if ev.get("type") in types_of(g)]
            if genres.get(p) == "opinion_analysis":
                cause = "opinion_page"
            elif any(g["id"] in pairs and ev.get("type") in types_of(g) and sc.place_match(g, ev) for g in gs):
                cause = "duplicate"  # a second output for an event already matched
            elif same_type and any(sc.place_match(g, ev) for g in same_type):
                cause = "wrong_date"
            elif same_type:
                cause = "wrong_place"
            elif near:
                cause = "wrong_type"
            else:
                cause = "not_an_event"
            spurious[cause] += 1
            spurious_list.append({"doc": p, "type": ev.get("type"), "cause": cause,
                                  "mention": (_mention_texts(ev, docs_of_page[p]) or [""])[0][:160]})

    # type confusion over sentence-aligned pairs: gold type (rows) x system type (columns)
    confusion: dict[str, Counter] = defaultdict(Counter)
    for g in gold:
        p = g["doc"]
        if g["id"] in pairs:
            confusion[g["type"]][sys_by_page[p][pairs[g["id"]][1]].get("type")] += 1
            continue
        near = [ev for ev in sys_by_page.get(p, []) if overlaps(p, ev, g)]
        if g["required"]:
            confusion[g["type"]][near[0].get("type") if near else "(none)"] += 1
    for s in spurious_list:
        if s["cause"] == "not_an_event":
            confusion["(none)"][s["type"]] += 1

    # place accuracy: gold events with a place, paired by type and sentence (place not required)
    place_hits, place_n = 0, 0
    near_hits, near_n = 0, 0     # within NEAR_KM, over the pairs whose gold place has coordinates
    for g in gold:
        if not g["required"] or g.get("location") is None:
            continue
        p = g["doc"]
        if g["id"] in pairs:
            cands = [sys_by_page[p][pairs[g["id"]][1]]]
            named = True
        else:
            cands = [ev for ev in sys_by_page.get(p, []) if ev.get("type") in types_of(g) and overlaps(p, ev, g)]
            named = any(sc.place_match(g, ev) for ev in cands)
        if not cands:
            continue
        place_n += 1
        place_hits += named
        where = geocode(g["location"]) if geocode is not None else None
        if where is not None:
            near_n += 1
            near_hits += named or any(pt is not None and distance_km(pt, where) <= NEAR_KM
                                      for pt in map(event_point, cands))

    # per outlet and per type: the shared scorer on each slice
    per_outlet = {}
    for outlet in sorted({outlets.get(p, "?") for p in pages}):
        keys = {p for p in pages if outlets.get(p, "?") == outlet}
        sub = sc.score_events(docs, events, [g for g in gold if g["doc"] in keys])
        per_outlet[outlet] = {k: sub[k] for k in ("gold_required", "system_events", "recall", "precision", "f1")}
    per_type = {}
    for t in sorted({g["type"] for g in gold} | {ev.get("type") for evs in sys_by_page.values() for ev in evs}):
        req = [g for g in gold if g["required"] and g["type"] == t]
        out = [(p, i) for p, evs in sys_by_page.items() for i, ev in enumerate(evs) if ev.get("type") == t]
        hit_r = sum(g["id"] in pairs for g in req)
        hit_p = sum(k in taken for k in out)
        r = hit_r / len(req) if req else None
        pr = hit_p / len(out) if out else None
        per_type[t] = {"gold_required": len(req), "system": len(out), "recall": r, "precision": pr,
                       "f1": (2 * r * pr / (r + pr)) if r and pr else (0.0 if req and out else None)}
    return {
        "headline": headline,
        "place_accuracy": place_hits / place_n if place_n else None,
        "place_pairs": place_n,
        "place_within_10km": near_hits / near_n if near_n else None,
        "place_geocoded_pairs": near_n,
        "per_outlet": per_outlet,
        "per_type": per_type,
        "missed_by_cause": {c: missed[c] for c in MISS_CAUSES},
        "spurious_by_cause": {c: spurious[c] for c in SPURIOUS_CAUSES},
        "confusion": {g: dict(c) for g, c in sorted(confusion.items())},
        "missed": missed_list,
        "spurious": spurious_list,
    }
