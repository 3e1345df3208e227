"""Attribution sources: who a text says reported or claimed something (بحسب المرصد، قال فلان).

Cues and unnamed sources come from `rasd/data/actors/rules.yaml`; named sources are whatever
`ActorFinder` finds right after a cue.
"""
from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

import ahocorasick

from rasd.document import Span
from rasd.extract.actors_kb import load_rules
from rasd.extract.actors_text import NormText, norm_word

#: Characters between a cue and its source that break the link (sentence or clause punctuation).
_BREAK = re.compile(r"[.،,؛;!؟?()\[\]\n]")
_WORD = re.compile(r"[^\W_]+")


def _cue_automaton(finder) -> Any:
    cache = finder.kb.cache
    found = cache.get("cue_automaton")
    if found is not None:
        return found
    raw = load_rules().raw
    auto = ahocorasick.Automaton()
    entries: dict[str, tuple] = {}
    for cue in raw["attribution_cues"]:
        key = norm_word(cue)
        entries[key] = ("cue", len(key), key.endswith(" ل"))
    for phrase in raw["generic_sources"]:
        key = norm_word(phrase)
        entries[key] = ("generic", len(key), False)
    for key, value in entries.items():
        auto.add_word(key, value)
    auto.make_automaton()
    fillers = sorted((norm_word(f) for f in raw["attribution_fillers"]), key=len, reverse=True)
    proclitics = frozenset(norm_word(p) for p in raw["proclitics"]) | {""}
    cache["cue_automaton"] = found = (auto, fillers, proclitics)
    return found


def _matches(nt: NormText, auto: Any, proclitics: frozenset[str]) -> list[tuple[int, int, str]]:
    norm, n = nt.norm, len(nt.norm)
    out: list[tuple[int, int, str]] = []
    for last, (kind, length, attached) in auto.iter(norm):
        end = last + 1
        start = end - length
        if norm[nt.word_start(start):start] not in proclitics:
            continue
        if not attached and end < n and norm[end].isalnum():
            continue
        out.append((start, end, kind))
    # longest first, no overlaps
    taken = bytearray(n + 1)
    kept = []
    for s, e, k in sorted(out, key=lambda m: (m[0] - m[1], m[0])):
        if any(taken[s:e]):
            continue
        taken[s:e] = b"\x01" * (e - s)
        kept.append((s, e, k))
    return sorted(kept)


def attribution_spans(text: str, finder, *, doc_date: str | None, max_gap: int) -> list[Span]:
    """Sources introduced by a cue in `text` (see `rasd.extract.actors.find_attribution_sources`)."""
    if not text:
        return []
    auto, fillers, proclitics = _cue_automaton(finder)
    nt = NormText(text)
    found = finder.find(text, doc_date=doc_date)
    candidates: list[Span] = list(found)
    matches = _matches(nt, auto, proclitics)
    for s, e, kind in matches:
        if kind == "generic":
            a, b = nt.span_to_orig(s, e)
            if not any(sp.start < b and a < sp.end for sp in found):
                candidates.append(Span(a, b, "SOURCE", {
                    "actor_id": None, "name": text[a:b], "name_en": None, "kind": "generic_source", "inter": None,
                    "text": text[a:b], "title": None, "affiliations": [], "resolved_by": "generic_source",
                }, finder.options.produced_by))
    candidates.sort(key=lambda sp: sp.start)
    out: list[Span] = []
    used: set[int] = set()
    for s, e, kind in matches:
        if kind != "cue":
            continue
        cue_start, cue_end = nt.span_to_orig(s, e)
        for sp in candidates:
            if sp.start < cue_end:
                continue
            between = text[cue_end:sp.start]
            if _BREAK.search(between):
                break
            rest = norm_word(between)
            for filler in fillers:
                if rest == filler or rest.startswith(filler + " "):
                    rest = rest[len(filler):]
                    break
            if len(_WORD.findall(rest)) > max_gap:
                break
            if sp.start not in used:
                used.add(sp.start)
                value = dict(sp.value)
                value["cue"] = text[cue_start:cue_end]
                out.append(replace(sp, label="SOURCE", value=value))
            break
    out.sort(key=lambda sp: sp.start)
    return out
