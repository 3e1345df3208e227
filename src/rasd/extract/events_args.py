"""Argument attachment for an event trigger: place(s), actors, date and quantities.

Everything here works in offsets of the normalised text (`rasd.extract.textview.TextView`),
over the finders' spans already moved there (`NSpan`). Scopes follow EVENTS.md: the trigger's
clause first, then its sentence, never further (a missing argument stays missing).
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any, Callable, Sequence

from rasd.extract.attribution import NSpan
from rasd.extract.dates import FUTURE_WINDOW_CHARS, has_future_marker, later_than
from rasd.extract.events_lexicon import EventLexicon
from rasd.extract.sentences import Sentence

#: Event types whose location may be a whole country (a sanction on Syria, talks in Russia).
COUNTRY_LEVEL_TYPES = frozenset({"sanctions", "diplomacy", "agreement"})
#: Types where the place after "towards/to" is a destination, not where the event happened.
DEPARTURE_TYPES = frozenset({"withdrawal", "displacement"})
#: Quantity units that never count an event's people, places or distance (durations, money, shares).
IGNORED_UNITS = frozenset({"percent", "%", "usd", "dollar", "dollars", "currency", "money", "year", "years",
                           "month", "months", "day", "days", "hour", "hours", "minute", "minutes", "age",
                           "week", "weeks", "syp", "eur", "euros", "lira", "tons"})
#: How many characters before an actor decide its role ("... على/ضد/بحق X" = target).
ROLE_WINDOW = 14
#: Characters between a name and a targeting verb after it within which the name is the verb's
#: subject (SVO: "الجيش الإسرائيلي يستهدف ..."), a space and a conjunction or a short adverb.
SUBJECT_GAP = 8
#: How far back (characters) a destination preposition governs a place ("باتجاه دمشق").
DEST_WINDOW = 25

#: Characters besides the date itself a following clause may hold and still be "the date of"
#: the clause before ("في 15 من نيسان عام 2011" leaves "في " and a word or two).
DATE_CLAUSE_SLACK = 12

_TARGET_BEFORE = re.compile(r"(?:علي|ضد|بحق|استهدف\w*|استهداف)\s*(?:\w+\s+)?$")
#: A targeting verb right before a name makes it the verb's subject, the doer ("استهدفت المقاومة
#: موقعا"، "يستهدف الجيش ..."): the object comes after the subject; the noun استهداف keeps its object.
_SUBJECT_AFTER = re.compile(r"(?<!\w)[وف]?(?:استهدف|استهدفت|يستهدف|تستهدف)\s+$")
#: A claim of responsibility names the doer (issue 10: "a bombing claimed by ISIS is exported with
#: the government as actor1"): the subject after تبنى/تبنت/يتبنى (also with the object pronoun,
#: تبناه), or the name before مسؤوليته/مسؤوليتها (أعلن تنظيم داعش مسؤوليته عن ...; ؤ/و/ئ spellings).
_CLAIM_BEFORE = re.compile(r"(?<!\w)[وف]?(?:تبني|تبنت|تبنوا|يتبني|تتبني|يتبنون|تبناه|تبناها|تبنته|تبنتها)\s+$")
_CLAIM_AFTER = re.compile(r"^[\s\"'»”،,]*(?:[^\s،,.]+[\s\"'»”،,]+){0,2}?(?:عن\s+)?مس[ؤوي]?ولي(?:ته|تها|تهم|تهما)(?!\w)")
#: Characters before a name searched for a claim verb: the verb and a space or a quote.
CLAIM_WINDOW = 10
#: Characters after a name searched for the responsibility noun: a quote, an adjective
#: (الإرهابي) and a verb (يعلن) may stand between.
CLAIM_AFTER_WINDOW = 40

#: A place governed by "على" (its cue word or a "عدد من" between allowed): the object of a
#: takeover verb ("سيطر مقاتلون من فصائل في درعا على معبر نصيب" took the crossing, not Daraa).
_OBJECT_BEFORE = re.compile(r"(?<!\w)علي\s+(?:\S+\s+){0,2}$")
#: Trigger verbs that take their place as an "على" object (not دخل/اقتحم, whose object is direct
#: and after which "على تخوم X" is only a landmark).
_OBJECT_VERBS = re.compile(r"سيطر|استول")


@dataclass(frozen=True, slots=True)
class Trigger:
    """One trigger occurrence (normalised offsets)."""

    type: str
    start: int
    end: int
    pos: str


@dataclass
class PlaceTracker:
    """What `المدينة` points back to: the last city an event happened in, else the last city named."""

    town_mentions: list[tuple[int, NSpan]]
    last_event_town: tuple[int, NSpan] | None = None

    def resolve(self, pos: int) -> NSpan | None:
        """The antecedent of an anaphor at `pos`."""
        if self.last_event_town is not None and self.last_event_town[0] < pos:
            return self.last_event_town[1]
        best = None
        for p, s in self.town_mentions:
            if p >= pos:
                break
            best = s
        return best

    def note_event(self, pos: int, place: NSpan) -> None:
        """Record the place of an event at `pos` (used by later anaphors)."""
        if is_town(place) and (self.last_event_town is None or pos >= self.last_event_town[0]):
            self.last_event_town = (pos, place)


def is_town(span: NSpan) -> bool:
    """A city/town-level place (what `المدينة` can refer to)."""
    v = span.value if isinstance(span.value, dict) else {}
    return v.get("precision") == "town" or v.get("kind") in ("city", "town")


#: A preposition of place right before a country's name ("في سوريا", "على العراق", "إلى مصر",
#: "بليبيا", "على جنوب إسرائيل"): the country is named as where something is, not as who acts.
#: Normalised text (على → علي, إلى → الي, أراضي → اراضي).
LOCATIVE_BEFORE = re.compile(r"(?:(?<!\S)(?:في|علي|داخل|الي|نحو|باتجاه|قرب|اراضي)\s+|(?<!\S)ب)"
                             r"(?:(?:شمال|جنوب|شرق|غرب)(?:ي)?\s+(?:(?:شرق|غرب)(?:ي)?\s+)?)?$")


def country_of(span: NSpan) -> str | None:
    """The ISO code of a place span's country (None when the gazetteer gives none)."""
    v = span.value if isinstance(span.value, dict) else {}
    return v.get("country") or None


def is_country(span: NSpan) -> bool:
    """A country-level place."""
    v = span.value if isinstance(span.value, dict) else {}
    return v.get("precision") == "country" or v.get("kind") == "country"


def owning_clauses(sent: Sentence, triggers: Sequence[Trigger]) -> set[tuple[int, int]]:
    """Clauses of the sentence that hold a trigger of their own."""
    return {sent.clause_of(t.start) for t in triggers if sent.start <= t.start < sent.end}


def _in(span: NSpan, lo: int, hi: int) -> bool:
    return lo <= span.start < hi


def _extend_list(norm: str, head: NSpan, places: Sequence[NSpan], limit: int,
                 lex: EventLexicon) -> list[NSpan]:
    """`head` plus the places listed right after it ("درعا والسويداء والقنيطرة")."""
    out = [head]
    for p in places:
        if p.start < out[-1].end or p.start >= limit:
            continue
        if lex.place_list_gap.match(norm[out[-1].end:p.start]):
            out.append(p)
        else:
            break
    return out


def select_places(norm: str, trig: Trigger, sent: Sentence, clause: tuple[int, int],
                  places: Sequence[NSpan], anaphors: Sequence[NSpan], owned: set[tuple[int, int]],
                  tracker: PlaceTracker, lex: EventLexicon) -> list[NSpan]:
    """The place(s) of the event: one per listed place, most specific scope first."""
    allow_country = trig.type in COUNTRY_LEVEL_TYPES
    cand = [p for p in places if _in(p, sent.start, sent.end) and (allow_country or not is_country(p))]
    for a in anaphors:  # "the city" stands where it is written, as the city it points back to
        if _in(a, sent.start, sent.end):
            res = tracker.resolve(a.start)
            if res is not None:
                cand.append(_anaphor_span(a, res))
    cand.sort(key=lambda p: p.start)
    cand = drop_landmarks(norm, cand, lex)
    if trig.type in DEPARTURE_TYPES:
        # (only a preposition after the trigger governs: "اضطرت إلى مغادرة منازلها في X" left X)
        cand = [p for p in cand if p.start <= trig.start
                or not lex.destination_before.search(norm, max(trig.end, p.start - DEST_WINDOW), p.start)]
    ci = sent.clauses.index(clause)
    # an elaboration clause right after ("..., منها مطاري الثعلة والضمير") names the places
    if ci + 1 < len(sent.clauses) and lex.elaboration_openers.match(norm, sent.clauses[ci + 1][0]):
        nxt = sent.clauses[ci + 1]
        inner = [p for p in cand if _in(p, *nxt)]
        if inner:
            return _extend_list(norm, inner[0], inner, nxt[1], lex)
    in_clause = [p for p in cand if _in(p, *clause)]
    after = [p for p in in_clause if p.start >= trig.end]
    if allow_country and any(not is_country(p) for p in after):
        # a visit or a deal "in Damascus" by "the Emir of Qatar": the city, not the country named
        after = [p for p in after if not is_country(p)]
    if trig.pos != "noun" and _OBJECT_VERBS.search(norm, trig.start, trig.end):
        obj = [p for p in after if _OBJECT_BEFORE.search(norm, max(0, p.start - DEST_WINDOW), p.start)]
        if obj and obj[0] is not after[0]:
            return _extend_list(norm, obj[0], cand, sent.end, lex)
    # "باتجاه X وصولا إلى Y": the movement reached Y
    reached = [p for p in after if lex.reach_before is not None
               and lex.reach_before.search(norm, max(0, p.start - DEST_WINDOW), p.start)]
    if reached:
        return _extend_list(norm, reached[0], cand, sent.end, lex)
    if after:
        return _extend_list(norm, _inner_place(norm, after, lex), cand, sent.end, lex)
    before = [p for p in in_clause if p.end <= trig.start]
    if not allow_country:
        # a country named as where the act happened ("غارة ضد هدف في ليبيا"), with no town after
        # the trigger, outranks the sentence's places before it when none lies in that country (a
        # dateline, a capital that spoke); a town before it in that country stays the more specific
        # place, and with no place before it the story's place is weighed (`_story_place`)
        earlier = {country_of(b) for b in cand if _in(b, sent.start, sent.end) and b.end <= trig.start}
        named = next((p for p in places if earlier and is_country(p) and _in(p, *clause) and p.start >= trig.end
                      and LOCATIVE_BEFORE.search(norm, max(0, p.start - 24), p.start)), None)
        if named is not None and country_of(named) not in earlier:
            return [named]
    if before:
        return [before[-1]]
    # the place may be set by an earlier trigger-free clause of the sentence ("في درعا، اشتبك
    # ..."); a verb's object may run on into a later clause, a noun's place (السيطرة، المعركة)
    # named only after its clause is about something else
    free = [p for p in cand if sent.clause_of(p.start) not in owned
            and (p.start < clause[0] or trig.pos != "noun")]
    if free:
        near = min(free, key=lambda p: abs(p.start - trig.start))
        return _extend_list(norm, near, cand, sent.end, lex)
    return []


def drop_landmarks(norm: str, places: Sequence[NSpan], lex: EventLexicon) -> list[NSpan]:
    """`places` (in text order) less those named as the previous place's landmark
    ("درعا المحاذية للسويداء", "قاعدة حرير المجاورة لمطار أربيل")."""
    if lex.landmark_gap is None:
        return list(places)
    out: list[NSpan] = []
    for p in places:
        if out and out[-1].end <= p.start and lex.landmark_gap.match(norm[out[-1].end:p.start]):
            continue
        out.append(p)
    return out


def _inner_place(norm: str, after: Sequence[NSpan], lex: EventLexicon) -> NSpan:
    """The first place after the trigger, or the place inside it when the first is only a
    compass reference ("جنوب دمشق في بلدات يلدا وببيلا": يلدا)."""
    first = after[0]
    if (len(after) > 1 and lex.direction_before is not None and lex.inner_place_gap is not None
            and lex.direction_before.search(norm, max(0, first.start - 24), first.start)
            and lex.inner_place_gap.match(norm[first.end:after[1].start])):
        return after[1]
    return first


def _anaphor_span(anaphor: NSpan, antecedent: NSpan) -> NSpan:
    value = dict(antecedent.value) if isinstance(antecedent.value, dict) else {}
    value["resolved_by"] = "anaphora"
    return NSpan(anaphor.start, anaphor.end, "PLACE", value)


def _doer(norm: str, a: NSpan, actors: Sequence[NSpan]) -> bool:
    """The actor is the doer whatever stands before it: a nationality adjective on the act itself
    ("غارة تركية"), or the subject right after a targeting verb with no name just before the verb
    ("إسرائيل تستهدف حزب الله" has its subject first: the name after the verb is the object)."""
    if isinstance(a.value, dict) and str(a.value.get("resolved_by") or "").startswith("nationality"):
        return True
    verb = _SUBJECT_AFTER.search(norm, max(0, a.start - ROLE_WINDOW), a.start)
    return verb is not None and not any(b.end <= verb.start() and verb.start() - b.end <= SUBJECT_GAP for b in actors)


def claims_responsibility(norm: str, a: NSpan) -> bool:
    """True when the text says `a` claimed responsibility (تبنى X، أعلن X مسؤوليته عن)."""
    return bool(_CLAIM_BEFORE.search(norm, max(0, a.start - CLAIM_WINDOW), a.start)
                or _CLAIM_AFTER.match(norm[a.end:a.end + CLAIM_AFTER_WINDOW]))


def select_actors(norm: str, trig: Trigger, sent: Sentence, clause: tuple[int, int],
                  actors: Sequence[NSpan], limit: int) -> list[tuple[NSpan, str]]:
    """Actors of the event with their role (actor|target), nearest first.

    A party that claims responsibility in the sentence comes first, as the doer, and the other
    parties are then its targets (issue 10)."""
    claimants = [a for a in actors if _in(a, sent.start, sent.end) and claims_responsibility(norm, a)]
    if claimants:
        others = [a for a in actors if _in(a, *clause) and a not in claimants]
        others.sort(key=lambda a: (a.start < trig.start, abs(a.start - trig.start)))
        return ([(a, "actor") for a in claimants] + [(a, "target") for a in others])[:limit]
    in_clause = [a for a in actors if _in(a, *clause)]
    if not in_clause:
        prev = [a for a in actors if _in(a, sent.start, trig.start) and a.end <= trig.start]
        in_clause = prev[-1:]
    ranked = sorted(in_clause, key=lambda a: (a.start < trig.start, abs(a.start - trig.start)))
    out = []
    for a in ranked[:limit]:
        role = "actor" if _doer(norm, a, actors) else (
            "target" if _TARGET_BEFORE.search(norm, max(0, a.start - ROLE_WINDOW), a.start) else "actor")
        out.append((a, role))
    return out


def trigger_tense(norm: str, trig: Trigger, clause: tuple[int, int]) -> str | None:
    """"past", "future" or None (a noun or a present verb with nothing to tell).

    A finite verb not opened by an imperfect prefix (قصفت، اندلعت) or a participle is past; a verb
    with the future prefix (سيعقد) or a future marker just before the trigger in its clause
    ("من المقرر أن يعقد") is future. A past verb stays past whatever marker stands near it
    ("ستواصل الرد بعد أن قصفت").
    """
    end = trig.end
    while end < len(norm) and norm[end].isalnum():
        end += 1
    word = norm[trig.start:end]
    if len(word) > 3 and word[0] in "وف":
        word = word[1:]
    if trig.pos == "participle":
        return "past"
    if trig.pos == "verb" and word:
        if word[0] == "س" and has_future_marker(word):
            return "future"
        if word[0] not in "يتن" or (word[0] == "ت" and word.endswith("ت")):
            return "past"
    window = norm[max(clause[0], trig.start - FUTURE_WINDOW_CHARS):trig.start]
    if has_future_marker(re.split(r"[.،,؛;\n]", window)[-1]):
        return "future"
    return None


def _dated_for(d: NSpan, tense: str | None, anchor: dt.date | None) -> NSpan:
    """The date as it applies to an event of this tense: a past event never happens after its page.

    A weekday or day-month the finder sent forward because of a future word nearby has its backward
    reading (`past_value`); with none, a later date of a past event is dropped (value None).
    """
    v = d.value if isinstance(d.value, dict) else {}
    if tense != "past" or not later_than(v, anchor):
        return d
    new = dict(v)
    if v.get("past_value"):
        new["value"], new["future"], new["past_value"] = v["past_value"], False, None
    else:
        new["value"], new["precision"], new["unresolved_reason"] = None, None, "after_page_date"
    return NSpan(d.start, d.end, d.label, new)


def select_date(trig: Trigger, sent: Sentence, clause: tuple[int, int], dates: Sequence[NSpan],
                owned: set[tuple[int, int]], anniversary_clauses: set[tuple[int, int]],
                toll_clause: Callable[[int, int], bool] | None = None, anchor: dt.date | None = None,
                tense: str | None = None) -> NSpan | None:
    """The date in scope: nearest in the clause, else a fronted date earlier in the sentence.

    A trigger-free clause right after may give the date when it is little but the date, when
    the date is a span of years ("بين العامين 2012 و2014": its start year), or when
    `toll_clause` says that clause tells a casualty of the event ("..., استشهد X في 28 أيلول").
    A "منذ" date starts a span and dates nothing; a date in a clause that "منذ" opens dates only
    that clause ("ومنذ تدخلت روسيا في خريف 2015، استعادت": not the recapture). With `anchor` (the page's date) and the
    trigger's `tense` (`trigger_tense`): a date of another clause later than the page dates no
    event that is not future ("غداً" of a planned meeting), and a past event's own later date is
    read backwards or dropped.
    """
    def other_ok(d: NSpan) -> bool:
        if isinstance(d.value, dict) and d.value.get("since_clause"):
            return False
        return tense == "future" or not later_than(d.value, anchor)

    usable = [d for d in dates if _in(d, sent.start, sent.end)
              and sent.clause_of(d.start) not in anniversary_clauses
              and not (isinstance(d.value, dict) and d.value.get("since"))]
    in_clause = [d for d in usable if _in(d, *clause)]
    if in_clause:
        return _dated_for(min(in_clause, key=lambda d: abs(d.start - trig.start)), tense, anchor)
    usable = [d for d in usable if other_ok(d)]
    before = [d for d in usable if d.end <= trig.start and sent.clause_of(d.start) not in owned]
    if before:
        return before[-1]
    # "..., في 15 من نيسان 2011،": a trigger-free clause right after that is little but a date
    ci = sent.clauses.index(clause)
    if ci + 1 < len(sent.clauses):
        nxt = sent.clauses[ci + 1]
        if nxt not in owned:
            inner = [d for d in usable if _in(d, *nxt)]
            if inner and ((nxt[1] - nxt[0]) - (inner[0].end - inner[0].start) <= DATE_CLAUSE_SLACK
                          or (isinstance(inner[0].value, dict) and inner[0].value.get("kind") == "range")
                          or (toll_clause is not None and toll_clause(*nxt))):
                return inner[0]
    return None


def select_quantities(trig: Trigger, sent: Sentence, clause: tuple[int, int], quantities: Sequence[NSpan],
                      owned: set[tuple[int, int]]) -> list[NSpan]:
    """Counts in the clause, else in the sentence's trigger-free clauses, with relevant units."""
    def ok(q: NSpan) -> bool:
        v = q.value if isinstance(q.value, dict) else {}
        return str(v.get("unit") or "").lower() not in IGNORED_UNITS
    in_clause = [q for q in quantities if _in(q, *clause) and ok(q)]
    if in_clause:
        return in_clause
    return [q for q in quantities if _in(q, sent.start, sent.end) and ok(q)
            and sent.clause_of(q.start) not in owned]


def parse_day(value: str | None) -> dt.date | None:
    """A `YYYY-MM-DD` value as a date (None for coarser or missing values)."""
    if not value or len(value) != 10:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        return None


def dates_compatible(a: str | None, b: str | None) -> bool:
    """Two date values can describe the same event (one missing, or one a prefix of the other)."""
    if not a or not b:
        return True
    n = min(len(a), len(b))
    return a[:n] == b[:n]


def quantity_record(q: NSpan, text: str) -> dict[str, Any]:
    """OUTPUT.md quantity record from a QUANTITY span value."""
    v = q.value if isinstance(q.value, dict) else {}
    rec: dict[str, Any] = {}
    if v.get("value") is not None:
        rec["value"] = v["value"]
    if v.get("min") is not None or v.get("max") is not None:
        rec["min"], rec["max"] = v.get("min"), v.get("max")
    rec["unit"] = v.get("unit")
    rec["approx"] = bool(v.get("approx"))
    rec["text"] = v.get("text") or text
    return rec
