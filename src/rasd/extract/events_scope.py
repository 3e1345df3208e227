"""Scope rules of event mentions: what a denial governs, outlet names, launch points, tallies.

All functions are pure and work over the normalised text (`rasd.extract.textview`) with the
rules of data/events/scope.yaml:
  * `denial_governs`: a denial cue governs a trigger after it in its clause, or one before it
    when the cue points back ("وهو ما نفته", "نفت ذلك");
  * `is_outlet_place`: a place name that is a media outlet's name in a source context
    ("مصادر للميادين", "مراسل الميادين", "الميادين نت");
  * `launch_places`: places named as where fire came from ("أطلقت من ...");
  * `is_aggregate`: a trigger in a generic or counting statement ("تواصل هجماتها", "12 هجوماً منذ").
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Sequence

from rasd.clean.normalize import normalize_arabic
from rasd.extract.attribution import NSpan
from rasd.extract.datafiles import load_yaml

#: Characters read before a cue or a name by the context patterns (five or six words).
CONTEXT_BEFORE = 40
#: Characters read before a place for a launch cue: "أطلقت من البادية بين مدينتي" is 28.
LAUNCH_WINDOW = 50
#: A name written with the preposition لـ: ل + the article's ل (للميادين), with و/ف before it.
_LAM_PREFIXES = ("لل", "ولل", "فلل")


@dataclass(frozen=True, slots=True)
class ScopeLexicon:
    """The compiled rules of scope.yaml."""

    backref_before: re.Pattern[str]
    backref_word: re.Pattern[str]
    backref_after: re.Pattern[str]
    negated_before: re.Pattern[str]
    scope_break: re.Pattern[str]
    role_words: re.Pattern[str]
    circumstance_before: re.Pattern[str]
    presupposed_before: re.Pattern[str]
    definite_trigger: re.Pattern[str]
    outlet_noun_before: re.Pattern[str]
    outlet_speech_before: re.Pattern[str]
    outlet_after: re.Pattern[str]
    outlet_place_cue: re.Pattern[str]
    launch_before: re.Pattern[str]
    launch_types: frozenset[str]
    habitual: re.Pattern[str]
    repeated: re.Pattern[str]
    count: re.Pattern[str]
    period: re.Pattern[str]
    tally: re.Pattern[str]


def _c(pattern: str) -> re.Pattern[str]:
    return re.compile(normalize_arabic(pattern))


def _w(pattern: str) -> re.Pattern[str]:
    return re.compile(rf"(?<!\w)(?:{normalize_arabic(pattern)})(?!\w)")


@lru_cache(maxsize=1)
def load_scope_lexicon() -> ScopeLexicon:
    """Read and compile data/events/scope.yaml (cached per process)."""
    d = load_yaml("events", "scope.yaml")
    den, out, agg = d["denial"], d["outlet"], d["aggregate"]
    return ScopeLexicon(
        backref_before=_c(den["backref_before"]),
        backref_word=re.compile(rf"(?:{normalize_arabic(den['backref_word'])})$"),
        backref_after=_c(den["backref_after"]),
        negated_before=_c(den["negated_before"]),
        scope_break=_c(den["scope_break"]),
        role_words=_c(den["role_words"]),
        circumstance_before=_c(den["circumstance_before"]),
        presupposed_before=_c(den["presupposed_before"]),
        definite_trigger=_c(den["definite_trigger"]),
        outlet_noun_before=_c(out["noun_before"]),
        outlet_speech_before=_c(out["speech_before"]),
        outlet_after=re.compile(normalize_arabic(out["after"]), re.IGNORECASE),
        outlet_place_cue=_c(out["place_cue"]),
        launch_before=_c(d["launch_before"]),
        launch_types=frozenset(d["launch_types"]),
        habitual=_w(agg["habitual"]),
        repeated=_w(agg["repeated"]),
        count=_w(agg["count"]),
        period=_w(agg["period"]),
        tally=_w(agg["tally"]),
    )


# -- denial -------------------------------------------------------------------------------------

def _points_back(norm: str, cue: re.Match[str], lo: int, sl: ScopeLexicon) -> bool:
    """The cue refers to something said before it (وهو ما نفته، نفت ذلك، نفتها)."""
    return bool(sl.backref_word.match(cue.group())
                or sl.backref_before.search(norm, max(lo, cue.start() - CONTEXT_BEFORE), cue.start())
                or sl.backref_after.match(norm, cue.end()))


def denial_governs(norm: str, sentence: tuple[int, int], trigger: tuple[int, int],
                   denial_rx: re.Pattern[str], sl: ScopeLexicon | None = None,
                   openers: re.Pattern[str] | None = None) -> bool:
    """True when a denial cue of the sentence has the trigger in its scope.

    Forward: the cue comes first and no new clause starts between them (a comma then "و"/"ف",
    a participle of speech, "و" + a plural verb, one of `openers`: حيث، بينما ...), no role
    word ("دور", "مسؤولية") stands between them, the trigger is not a circumstance after a
    preposition ("مقتل عنصر في الغارة") nor a definite noun opening the denied proposition
    ("المزاعم بأن الغارات استهدفت مخازن").
    Backward: the cue points back ("وهو ما نفته", "نفت ذلك", "نفتها") and follows the trigger.
    """
    sl = sl or load_scope_lexicon()
    s0, s1 = sentence
    t0, t1 = trigger
    for m in denial_rx.finditer(norm, s0, s1):
        if t0 <= m.start() < t1:
            continue
        if sl.negated_before.search(norm, max(s0, m.start() - 8), m.start()):
            continue
        back = _points_back(norm, m, s0, sl)
        if back:
            if m.start() >= t1:
                return True
            continue
        if m.end() > t0:
            continue
        if sl.scope_break.search(norm, m.end(), t0) or sl.role_words.search(norm, m.end(), t0) or (
                openers is not None and openers.search(norm, m.end(), t0)):
            continue
        if sl.circumstance_before.search(norm, m.end(), t0):
            continue
        if sl.definite_trigger.match(norm, t0) and sl.presupposed_before.search(norm, m.end(), t0):
            continue
        return True
    return False


# -- outlets ------------------------------------------------------------------------------------

def _word_start(norm: str, pos: int) -> int:
    while pos > 0 and norm[pos - 1].isalnum():
        pos -= 1
    return pos


def is_outlet_place(norm: str, place: NSpan, media: Sequence[NSpan], sl: ScopeLexicon | None = None) -> bool:
    """True when a place name is the media outlet of the same name, not the place.

    `media` are the source spans of kind media (normalised offsets). A place strictly inside a
    longer outlet name (واشنطن بوست، الميادين نت) is the outlet, unless a place cue stands before
    it ("مدينة الميادين السورية"); one covered by an outlet span
    of the same extent is the outlet after مراسل/قناة/مصادر, after a source noun or speech verb
    with لـ ("قال للميادين"), or before نت/TV. Elsewhere ("في الميادين") it stays a place.
    """
    sl = sl or load_scope_lexicon()
    cover = [m for m in media if m.start <= place.start and place.end <= m.end]
    if not cover:
        return False
    ws = _word_start(norm, place.start)
    # a place cue before the name or at the head of the place span ("مدينة الميادين")
    name = norm[place.start:place.end]
    head = name.rsplit(" ", 1)[0] + " " if " " in name else ""
    if sl.outlet_place_cue.search(norm, max(0, ws - CONTEXT_BEFORE), ws) or (
            head and sl.outlet_place_cue.search(head)):
        return False
    if any(m.end > place.end or _word_start(norm, m.start) < ws for m in cover):
        return True
    if sl.outlet_after.match(norm, place.end):
        return True
    before = norm[max(0, ws - CONTEXT_BEFORE):ws]
    if sl.outlet_noun_before.search(before):
        return True
    # "لـ" as a clitic of the name (للميادين: ل + the article's ل), or written apart ("ل الميادين")
    word = norm[ws:place.end]
    lam = "ل" in norm[ws:place.start] or word.startswith(_LAM_PREFIXES) or before.endswith(" ل ")
    return bool(lam and sl.outlet_speech_before.search(before))


# -- launch points ------------------------------------------------------------------------------

def launch_places(norm: str, places: Sequence[NSpan], list_gap: re.Pattern[str],
                  sl: ScopeLexicon | None = None) -> frozenset[int]:
    """Starts of the places named as where fire came from, with the places listed after them."""
    sl = sl or load_scope_lexicon()
    out: set[int] = set()
    prev: NSpan | None = None
    for p in sorted(places, key=lambda s: s.start):
        if sl.launch_before.search(norm, max(0, p.start - LAUNCH_WINDOW), p.start) or (
                prev is not None and prev.start in out and p.start >= prev.end
                and list_gap.match(norm[prev.end:p.start])):
            out.add(p.start)
        prev = p
    return frozenset(out)


# -- aggregate statements -----------------------------------------------------------------------

def is_aggregate(norm: str, sentence: tuple[int, int], clause: tuple[int, int],
                 sl: ScopeLexicon | None = None) -> bool:
    """True when the trigger's clause is a generic or counting statement, not one event.

    Habitual verbs with a plural object ("تواصل هجماتها"), repetition ("مرات عدة", "4 مرات"),
    tallies ("عدد الهجمات") in the clause; a count of attacks ("23 هجوماً") in the clause with
    a period ("منذ", "خلال الشهر") anywhere in the sentence.
    """
    sl = sl or load_scope_lexicon()
    c0, c1 = clause
    if sl.habitual.search(norm, c0, c1) or sl.repeated.search(norm, c0, c1) or sl.tally.search(norm, c0, c1):
        return True
    return bool(sl.count.search(norm, c0, c1) and sl.period.search(norm, *sentence))
