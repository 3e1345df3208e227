"""Scope rules of event mentions: what a denial governs, outlet names, launch points, tallies.

All functions are pure and work over the normalised text (`rasd.extract.textview`) with the
rules of data/events/scope.yaml:
  * `denial_governs`: a denial cue governs a trigger after it in its clause, or one before it
    when the cue points back ("وهو ما نفته", "نفت ذلك");
  * `is_outlet_place`: a place name that is a media outlet's name in a source context
    ("مصادر للميادين", "مراسل الميادين", "الميادين نت");
  * `launch_places`: places named as where fire came from ("أطلقت من ...");
  * `is_aggregate`: a trigger in a generic or counting statement ("تواصل هجماتها", "12 هجوماً منذ");
  * `motive_spans`: motive and backdrop complements ("رداً على المجازر في غزة"), which hold no
    reported event and no event place;
  * `is_unrealised`: a trigger that is demanded, called for, refused or negated ("طالبت بانسحاب",
    "لم تنسحب"): it did not happen;
  * `government_places`: capitals and countries that name a government ("أعلنت واشنطن").
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Callable, Sequence

from rasd.clean.normalize import normalize_arabic
from rasd.extract.attribution import NSpan
from rasd.extract.datafiles import load_yaml

#: Characters read before a cue or a name by the context patterns (five or six words).
CONTEXT_BEFORE = 40
#: Characters read before a place for a launch cue: "أطلقت من الصحراء بين بلدتي" is 27.
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
    motive: re.Pattern[str]
    demand: re.Pattern[str]
    known_before: re.Pattern[str]
    negated_trigger: re.Pattern[str]
    capitals: frozenset[str]
    gov_before: re.Pattern[str]
    gov_after: re.Pattern[str]


def _c(pattern: str) -> re.Pattern[str]:
    return re.compile(normalize_arabic(pattern))


def _w(pattern: str) -> re.Pattern[str]:
    return re.compile(rf"(?<!\w)(?:{normalize_arabic(pattern)})(?!\w)")


@lru_cache(maxsize=1)
def load_scope_lexicon() -> ScopeLexicon:
    """Read and compile data/events/scope.yaml (cached per process)."""
    d = load_yaml("events", "scope.yaml")
    den, out, agg = d["denial"], d["outlet"], d["aggregate"]
    unr, gov = d["unrealised"], d["government"]
    verbs, nouns = normalize_arabic(gov["verbs"]), normalize_arabic(gov["nouns"])
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
        motive=_w(d["motive"]["cue"]),
        demand=_w(unr["demand"]),
        known_before=_c(unr["known_before"]),
        negated_trigger=_c(unr["negated_before"]),
        capitals=frozenset(normalize_arabic(c) for c in gov["capitals"]),
        gov_before=re.compile(rf"(?:^|\s)[وف]?(?:{verbs}|(?:ال)?(?:{nouns}))\s+$"),
        gov_after=re.compile(rf"\s*(?:{verbs})(?!\w)"),
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
        if _forward_scope(norm, m.end(), t0, sl, openers):
            return True
    return False


def _forward_scope(norm: str, cue_end: int, t0: int, sl: ScopeLexicon,
                   openers: re.Pattern[str] | None) -> bool:
    """A cue ending at `cue_end` governs the trigger at `t0` after it (see `denial_governs`)."""
    if sl.scope_break.search(norm, cue_end, t0) or sl.role_words.search(norm, cue_end, t0) or (
            openers is not None and openers.search(norm, cue_end, t0)):
        return False
    if sl.circumstance_before.search(norm, cue_end, t0):
        return False
    return not (sl.definite_trigger.match(norm, t0) and sl.presupposed_before.search(norm, cue_end, t0))


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


# -- motives and backdrops ----------------------------------------------------------------------

def motive_spans(norm: str, clauses: Sequence[tuple[int, int]], triggers: Sequence[tuple[int, int, bool]],
                 sl: ScopeLexicon | None = None) -> list[NSpan]:
    """Spans (label MOTIVE) of the motive and backdrop complements of the text (normalised offsets).

    `clauses` are the clauses of the sentences that hold triggers; `triggers` are (start, end,
    is_verb). A complement runs from its cue ("رداً على", "نصرةً لـ", "في ظل استمرار") to the end
    of the cue's clause, and stops earlier at a verb trigger ("رداً على الهجوم قصفت المدفعية ...")
    or at a trigger written with ب after one of its own ("الرد على القصف بقصف المطار").
    """
    sl = sl or load_scope_lexicon()
    out: list[NSpan] = []
    for c0, c1 in clauses:
        for m in sl.motive.finditer(norm, c0, c1):
            end, seen = c1, False
            for t0, _t1, verb in triggers:
                if t0 < m.end() or t0 >= end:
                    continue
                if verb or (seen and _with_ba(norm, t0)):
                    end = t0
                    break
                seen = True
            out.append(NSpan(m.start(), end, "MOTIVE", None))
    return out


def _with_ba(norm: str, t0: int) -> bool:
    """The word at `t0` carries the preposition ب (بقصف، وبالصواريخ)."""
    return norm.startswith("ب", t0) or norm.startswith(("وب", "فب"), t0)


# -- demands, refusals, negation ----------------------------------------------------------------

#: How far before a trigger a demand or refusal cue governs it (characters): "رفض أعضاء المجلس،
#: خلال التصويت على مشروع قرار قدمه نائب، انسحاب القوات" puts about 100 between them.
DEMAND_REACH = 120
#: Characters read before a trigger for a negation ("لم تشهد المدينة أي اشتباكات" is 26).
NEGATION_WINDOW = 40


def is_unrealised(norm: str, sentence: tuple[int, int], trigger: tuple[int, int],
                  sl: ScopeLexicon | None = None, openers: re.Pattern[str] | None = None) -> bool:
    """True when the trigger is negated or is what a demand, call or refusal is about.

    Negation: "لم تنسحب"، "لم تشهد المدينة أي اشتباكات"، "دون وقوع اشتباكات"، "عدم انسحاب".
    Demands: a cue before the trigger in its sentence (within DEMAND_REACH) whose forward scope
    holds it, as for a denial, unless the trigger is a known event referred to ("بمحاسبة
    مرتكبي المجزرة", "التحقيق في الغارة").
    """
    sl = sl or load_scope_lexicon()
    s0 = sentence[0]
    t0 = trigger[0]
    if sl.negated_trigger.search(norm, max(s0, t0 - NEGATION_WINDOW), t0):
        return True
    lo = max(s0, t0 - DEMAND_REACH)
    for m in sl.demand.finditer(norm, lo, t0):
        if m.end() > t0:
            continue
        if sl.known_before.search(norm, m.end(), t0):
            continue
        if _forward_scope(norm, m.end(), t0, sl, openers):
            return True
    return False


# -- governments --------------------------------------------------------------------------------

def government_places(norm: str, places: Sequence[NSpan], sl: ScopeLexicon | None = None,
                      is_country: Callable[[NSpan], bool] | None = None) -> frozenset[int]:
    """Starts of the capitals and countries that name a government, not a place.

    The name is the subject of a speech, decision or stance verb before it ("أعلنت واشنطن") or
    after it ("موسكو ترى"), or the agent of such a noun ("إعلان واشنطن", "ردود الفعل في واشنطن").
    `is_country` tells a country-level place (a capital is known from scope.yaml).
    """
    sl = sl or load_scope_lexicon()
    out: set[int] = set()
    for p in places:
        name = norm[p.start:p.end]
        v = p.value if isinstance(p.value, dict) else {}
        canon = normalize_arabic(str(v.get("name") or ""))
        if not (name in sl.capitals or canon in sl.capitals or (is_country is not None and is_country(p))):
            continue
        ws = _word_start(norm, p.start)
        if sl.gov_before.search(norm, max(0, ws - CONTEXT_BEFORE), ws) or sl.gov_after.match(norm, p.end):
            out.add(p.start)
    return frozenset(out)
