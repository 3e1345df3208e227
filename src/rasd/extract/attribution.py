"""Attribution: who a sentence says reported, claimed or denied what it relates.

Works over a sentence of the normalised text (see `rasd.extract.sentences`) with the source,
actor and person spans already found in it (normalised offsets). Three forms are read:
  * a preposition cue followed by the source: بحسب / وفق(اً) لـ / نقلاً عن / طبقاً لـ ...;
  * a reporting verb with its subject after it (أفادت وكالة ...) or before it (... سانا نفتها);
  * a continuation verb with no new subject (وأضاف القيادي أن ...): the previous source.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Sequence

from rasd.extract.events_lexicon import EventLexicon

_WORD = re.compile(r"[^\s،,:؛;.\"“”«»()\-]+|[،,:؛;.\"“”«»()]")
_PUNCT_GAP = re.compile(r"[.؛;:\"“”«»]")
# An SVO subject must end this close before its verb (one or two words of title may sit between).
SVO_MAX_GAP = 3  # chars; a span ending right before the verb ("... سانا نفتها") — from the seeds' forms


@dataclass(frozen=True, slots=True)
class NSpan:
    """A finder span moved to normalised offsets."""

    start: int
    end: int
    label: str
    value: Any


@dataclass(frozen=True, slots=True)
class Attribution:
    """One source cue in a sentence: the cue's place, the source, and its record."""

    cue_start: int
    cue_end: int
    kind: str                  # preposition | verb | continuation
    source_start: int
    source_end: int
    record: dict = field(default_factory=dict)   # {text, name, source_id}
    value: Any = None          # the knowledge-base value of the source span, when one matched
    denial: bool = False       # the cue denies (نفت): its source is the denier, not an actor
    accusation: bool = False   # the cue accuses (اتهم): its source is the accuser, not an actor


def _free_source(norm: str, start: int, end: int, lex: EventLexicon) -> tuple[int, int] | None:
    """The source written as plain words after a cue: up to N words, stopping at a stop word."""
    s = start
    while s < end and norm[s].isspace():
        s += 1
    words = []
    for m in _WORD.finditer(norm, s, end):
        if lex.attr_stop.match(m.group()) or len(words) >= lex.attr_max_free_words:
            break
        words.append(m)
    if not words:
        return None
    return words[0].start(), words[-1].end()


def _record(view, s: int, e: int, span: NSpan | None) -> dict:
    text = view.text[view.to_orig(s):view.to_orig_end(e)]
    if span is not None and isinstance(span.value, dict):
        return {"text": text, "name": span.value.get("name") or text, "source_id": span.value.get("actor_id")}
    return {"text": text, "name": text, "source_id": None}


#: Preposition cues whose source comes with ل glued to it ("وفقاً لمصادر", "استناداً لتقارير").
_TAKES_LAM = ("وفق", "وفقا", "طبقا", "استنادا")
#: Characters between the plain words after a cue and a name that continues them ("وزير الخارجية
#: الروسي سيرغي لافروف", "مدير المرصد، رامي عبد الرحمن"): a space, or a comma and a space.
APPOSITION_GAP = 2


def find_attributions(view, sent_start: int, sent_end: int, candidates: Sequence[NSpan],
                      lex: EventLexicon) -> list[Attribution]:
    """The attribution cues of one sentence (normalised offsets), each with its source."""
    norm = view.norm
    out: list[Attribution] = []
    cands = sorted(candidates, key=lambda c: c.start)

    def after(pos: int, max_gap: int) -> NSpan | None:
        for c in cands:
            if c.start >= pos and c.start - pos <= max_gap and not _PUNCT_GAP.search(norm, pos, c.start):
                return c
            if c.start > pos + max_gap:
                break
        return None

    def before(pos: int, lo: int) -> NSpan | None:
        best = None
        for c in cands:
            if lo <= c.start and c.end <= pos and pos - c.end <= SVO_MAX_GAP:
                best = c
        return best

    def named(free: tuple[int, int]) -> NSpan | None:
        """The first name inside the plain words after a cue or right after them (a title and its
        holder's name, "حصيلة أوردها المرصد")."""
        for c in cands:
            if free[0] <= c.start <= free[1] + APPOSITION_GAP and not _PUNCT_GAP.search(norm, free[0], c.start):
                return c
            if c.start > free[1] + APPOSITION_GAP:
                break
        return None

    def person_after(c: NSpan) -> NSpan | None:
        """A person named right after a source, in apposition ("مدير المرصد، رامي عبد الرحمن")."""
        for p in cands:
            if p.label == "PERSON" and c.end <= p.start <= c.end + APPOSITION_GAP \
                    and not norm[c.end:p.start].strip(" ،,"):
                return p
            if p.start > c.end + APPOSITION_GAP:
                break
        return None

    def source(kind: str, m: re.Match, c: NSpan | None, denial: bool = False, accusation: bool = False) -> None:
        """Add the attribution of cue m: the name found after it (with a person in apposition), else
        the plain words after it, stretched to a name they run into."""
        if c is None:
            free = _free_source(norm, m.end(), sent_end, lex)
            if not free:
                return
            if kind == "preposition" and norm[free[0]] == "ل" and m.group().endswith(_TAKES_LAM) \
                    and free[1] - free[0] > 2:
                free = (free[0] + 1, free[1])   # "وفقاً لمصادر": the source is مصادر
            c = named(free)
            if c is None:
                out.append(Attribution(m.start(), m.end(), kind, *free, _record(view, *free, None),
                                       None, denial, accusation))
                return
            start = min(free[0], c.start)
        else:
            start = c.start
        end = c.end
        p = person_after(c) if c.label != "PERSON" else None
        if p is not None:
            end = p.end
        rec = _record(view, start, end, c)
        out.append(Attribution(m.start(), m.end(), kind, start, end, rec, c.value, denial, accusation))

    for m in lex.attr_prepositions.finditer(norm, sent_start, sent_end):
        source("preposition", m, after(m.end(), lex.attr_max_gap_after_verb))
    for m in lex.attr_verbs.finditer(norm, sent_start, sent_end):
        if any(a.cue_start <= m.start() < a.cue_end for a in out):
            continue  # part of "بحسب ما ذكرت"
        denial = any(k == "denied" and rx.match(norm, m.start()) for k, rx in lex.modality)
        accusation = any(k == "alleged" and rx.match(norm, m.start()) for k, rx in lex.modality)
        source("verb", m, before(m.start(), sent_start) or after(m.end(), lex.attr_max_gap_after_verb),
               denial, accusation)
    out.sort(key=lambda a: a.cue_start)
    return out


def is_continuation(norm: str, sent_start: int, sent_end: int, lex: EventLexicon) -> bool:
    """True when the sentence opens with a continuation verb and names no new source."""
    return bool(lex.attr_continuation.match(norm[sent_start:sent_end]))


def source_sides(att: Attribution, norm: str, lex: EventLexicon) -> frozenset[str]:
    """Knowledge-base ids of the side a source speaks for (empty when it is not a party)."""
    ids: set[str] = set()
    v = att.value if isinstance(att.value, dict) else {}
    kind = (v.get("kind") or "")
    if v.get("actor_id") and (v.get("inter") or kind not in ("media", "ngo_monitor", "international_org")):
        ids.add(v["actor_id"])
        ids.update(v.get("affiliations") or ())
    text = norm[att.source_start:att.source_end]
    for side_ids, rx in lex.party_media:
        if rx.search(text):
            ids.update(side_ids)
    return frozenset(ids)


def actor_sides(value: Any) -> frozenset[str]:
    """Knowledge-base ids an actor span stands for: itself and its direct affiliations."""
    if not isinstance(value, dict) or not value.get("actor_id"):
        return frozenset()
    return frozenset([value["actor_id"], *(value.get("affiliations") or ())])
