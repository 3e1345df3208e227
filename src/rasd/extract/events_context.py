"""Event context beyond one sentence: tolls given in follow-up sentences, named deaths, places
carried from the story before, and the statements that only characterise a place.

Pure functions over the normalised text (`rasd.extract.textview.TextView.norm`) and the
finders' spans in normalised offsets (`NSpan`); `rasd.extract.events` calls them.
"""
from __future__ import annotations

import re
from typing import Sequence

from rasd.extract.attribution import NSpan
from rasd.extract.events_args import Trigger, is_country
from rasd.extract.events_lexicon import EventLexicon
from rasd.extract.sentences import Sentence

#: Event types that carry a toll of killed, injured, missing people or bodies, in the order a
#: toll is given to when one sentence holds several (the massacre, not the assault that led to it).
TOLL_TYPES = ("attack_on_civilians", "bombing", "air_strike", "shelling", "armed_clash", "territory_control")
#: Units that are persons a casualty verb can re-label (شخصا، ضابطا، عنصرا + قتل -> killed).
PERSON_UNITS = frozenset({"people", "soldiers", "officers"})
#: Characters between a singular death verb and the named person (a rank of up to three words:
#: "الملازم أول", "العميد الركن").
NAMED_DEATH_GAP = 30
#: Paragraphs back a follow-up with an explicit back-reference ("بعد الحادث", "للهجوم") may reach:
#: news pages give a toll after a paragraph or two of witness quotes and a first toll; four
#: paragraphs (about as many sentences) keeps it local.
FOLLOWUP_REF_PARAS = 4
#: A quoted stretch (a title is at most a line and rarely over 120 characters).
_QUOTED = re.compile(r"[\"“«]([^\"”»\n]{1,120})[\"”»]")
#: Characters before a quote searched for a work word ("السلسلة الوثائقية الجديدة بعنوان").
TITLE_CUE_WINDOW = 40
#: Paragraphs back an implicit follow-up (a casualty verb, no back-reference) may reach.
FOLLOWUP_NEXT_PARAS = 1


def work_title_spans(norm: str, lex: EventLexicon) -> list[NSpan]:
    """Quoted titles of films, series, books ("السلسلة الوثائقية «...»"): spans of the quoted text."""
    if lex.work_title is None:
        return []
    out = []
    for m in _QUOTED.finditer(norm):
        if lex.work_title.search(norm, max(0, m.start() - TITLE_CUE_WINDOW), m.start()):
            out.append(NSpan(m.start(1), m.end(1), "TITLE", None))
    return out


def in_spans(pos: int, spans: Sequence[NSpan]) -> bool:
    """`pos` lies inside one of `spans`."""
    return any(s.start <= pos < s.end for s in spans)


def is_unit_place(norm: str, place: NSpan, lex: EventLexicon) -> bool:
    """A place inside a unit or command name (الحرس الجمهوري بقيادة قاسيون)."""
    rx = lex.unit_place_before
    return rx is not None and rx.search(norm, max(0, place.start - 20), place.start) is not None


def is_background(norm: str, trig: Trigger, clause: tuple[int, int], lex: EventLexicon) -> bool:
    """A noun trigger in a clause that characterises a place (what it is known for, despite what)."""
    if lex.background is None or trig.pos not in ("noun", "participle"):
        return False
    return lex.background.search(norm, clause[0], trig.start) is not None


def casualty_unit(norm: str, start: int, end: int, lex: EventLexicon) -> str | None:
    """What the casualty words of norm[start:end] say happened to the people counted there."""
    for unit, rx in lex.casualty_verbs:
        if rx.search(norm, start, end):
            return unit
    return None


def toll_quantities(norm: str, sent: Sentence, quants: Sequence[NSpan], lex: EventLexicon) -> list[NSpan]:
    """The sentence's counts of casualties, a count of persons taking the unit its verb gives.

    "150 شخصا ... في عداد المفقودين" -> 150 missing; "12 من كبار الضباط" after "قتل" -> 12 killed.
    The quantity keeps its own text.
    """
    out = []
    verb_unit: str | None = None
    looked = False
    for q in quants:
        if not sent.start <= q.start < sent.end:
            continue
        v = q.value if isinstance(q.value, dict) else {}
        unit = v.get("unit")
        if unit in lex.casualty_units:
            out.append(q)
            continue
        if unit not in PERSON_UNITS:
            continue
        if not looked:
            verb_unit, looked = casualty_unit(norm, sent.start, sent.end, lex), True
        if verb_unit is not None:
            out.append(NSpan(q.start, q.end, q.label, {**v, "unit": verb_unit, "unit_from": "casualty_verb"}))
    return out


def named_deaths(norm: str, sent: Sentence, persons: Sequence[NSpan], lex: EventLexicon) -> list[NSpan]:
    """One killed for each singular death verb whose subject is a named person (استشهد الرائد X)."""
    if lex.named_death is None:
        return []
    out = []
    for m in lex.named_death.finditer(norm, sent.start, sent.end):
        for p in persons:
            if p.label != "PERSON" or p.start < m.end():
                continue
            gap = norm[m.end():p.start]
            if p.start - m.end() <= NAMED_DEATH_GAP and not any(c in gap for c in "،,.:؛") \
                    and not any(ch.isdecimal() for ch in gap):
                text = norm[m.start():p.end]
                out.append(NSpan(m.start(), p.end, "QUANTITY",
                                 {"value": 1, "unit": "killed", "text": text, "approx": False,
                                  "unit_from": "named_death"}))
            break
    return out


def back_reference_types(norm: str, sent: Sentence, lex: EventLexicon) -> frozenset[str] | None:
    """Event types an explicit back-reference in the sentence points to (None: no back-reference)."""
    for rx, types in lex.back_references:
        if rx.search(norm, sent.start, sent.end):
            return types
    return None


def inherit_place(prev_event: tuple[int, int, NSpan] | None, places: Sequence[NSpan],
                  sent: Sentence, para_of: dict[int, int]) -> NSpan | None:
    """The place an event sentence without one takes from its story.

    `prev_event` is (paragraph, position, place) of the last event with a place; `places` the
    document's places. The previous event's place wins when it is in the same or the previous
    paragraph, else the last non-country place named there before the sentence.
    """
    if prev_event is not None and sent.para - prev_event[0] <= 1:
        return mark_inherited(prev_event[2])
    best = None
    for p in places:
        if p.start >= sent.start:
            break
        if is_country(p) or sent.para - para_of.get(p.start, -9) > 1:
            continue
        best = p
    return mark_inherited(best) if best is not None else None


def mark_inherited(place: NSpan) -> NSpan:
    """A copy of `place` marked as taken from the story before (or after) its sentence."""
    value = dict(place.value) if isinstance(place.value, dict) else {}
    value["inherited"] = True
    return NSpan(place.start, place.end, place.label, value)


def forward_place(sent: Sentence, nxt: Sentence | None, persons: Sequence[NSpan],
                  places: Sequence[NSpan], norm: str) -> NSpan | None:
    """For a defection without a place: the place of the next sentence about the same person.

    "أعلن المجند X انشقاقه ... . وذكر X أنه رفض ... في بلدة Y" -> Y. The next sentence must name
    one of the sentence's persons again (by any word of the name); its most specific place wins.
    """
    if nxt is None or nxt.para - sent.para > 1:
        return None
    names = {w for p in persons if p.label == "PERSON" and sent.start <= p.start < sent.end
             for w in norm[p.start:p.end].split() if len(w) > 3}
    if not names:
        return None
    # the person again, by any word of the name (a surname alone is often not tagged as a person)
    words = {w[1:] if w[:1] in "وفبل" and w[1:] in names else w for w in norm[nxt.start:nxt.end].split()}
    if not names & words:
        return None
    cand = [p for p in places if nxt.start <= p.start < nxt.end and not is_country(p)]
    if not cand:
        return None
    rank = {"site": 0, "neighbourhood": 1, "town": 2, "district": 3, "governorate": 4}
    best = min(cand, key=lambda p: (rank.get((p.value or {}).get("precision"), 5), p.start))
    return mark_inherited(best)


def pick_toll_owner(recent: Sequence[tuple[int, int, str, object]], sent: Sentence,
                    types: frozenset[str] | None) -> list[object]:
    """The mentions of the latest event a follow-up toll belongs to.

    `recent` holds (paragraph, sentence index, type, mention) in document order. With an explicit
    back-reference (`types`) the event may be up to FOLLOWUP_REF_PARAS back and must be of one
    of `types`; without one it must be in the sentence right before. Among one
    sentence's mentions the type first in TOLL_TYPES wins (all its places keep the toll).
    """
    reach = FOLLOWUP_REF_PARAS if types is not None else FOLLOWUP_NEXT_PARAS
    allowed = types if types is not None else frozenset(TOLL_TYPES)
    for k in range(len(recent) - 1, -1, -1):
        para, si, typ, _ = recent[k]
        if sent.para - para > reach or (types is None and si != sent.index - 1):
            return []
        if typ not in allowed:
            continue
        same = [r for r in recent if r[1] == si and r[2] in allowed]
        best = min(TOLL_TYPES.index(r[2]) if r[2] in TOLL_TYPES else 99 for r in same)
        return [r[3] for r in same if (TOLL_TYPES.index(r[2]) if r[2] in TOLL_TYPES else 99) == best]
    return []


#: The two types a strike can take, by how it was delivered.
STRIKE_TYPES = frozenset({"air_strike", "shelling"})


def strike_type(norm: str, typ: str, trig_span: tuple[int, int], clause: tuple[int, int],
                sent: tuple[int, int], lex: EventLexicon) -> str:
    """air_strike or shelling for a strike trigger, by the platform named near it (EVENTS.md):
    aircraft or drones in its clause (else its sentence) make an air strike; ground weapons with
    no aircraft make shelling; with neither named, the trigger's own type stands. An air word
    as the trigger itself ("غارة") stays an air strike."""
    if typ not in STRIKE_TYPES or lex.air_platform is None or lex.ground_weapon is None:
        return typ
    if typ == "air_strike" and lex.air_platform.search(norm, *trig_span):
        return typ
    for lo, hi in (clause, sent):
        if lex.air_platform.search(norm, lo, hi):
            return "air_strike"
        if lex.ground_weapon.search(norm, lo, hi):
            return "shelling"
    return typ
