"""The learned place decision: which place mention is an event's place.

The argument rules (`events_args.select_places` and the story fallbacks of `events._DocEvents`)
pick one place for a trigger from the words around it. On real pages they often pick the wrong
one: a governorate named after the village, a country where the sentence names only the country,
nothing where the page's story place is meant. Here the rules' pick becomes one feature among
others and a small ranker chooses among every candidate:

- the places of the trigger's sentence (countries, launch points and capitals used for
  governments included, each marked), and the back-references the sentence resolves;
- the places the rules' fallbacks inherit (the sentence's earlier event, the story's last place);
- the place of the page's last event, the page's most named place and most named country.

Each candidate is described by features that carry across outlets (its level and kind, whether a
place cue word introduced it, which side of the trigger it stands, how far, in which clause, the
word before it, how often the page names it, whether the rules picked it), each also crossed with
the event type. The weights are a logistic regression trained by `rasd train events` on the
training part (`rasd.evaluation.train_events`); the candidate with the highest score is the
event's place.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Mapping, Sequence

from rasd.extract.attribution import NSpan
from rasd.extract.events_args import Trigger, is_country
from rasd.extract.events_context import mark_inherited
from rasd.extract.sentences import Sentence

_WORD = re.compile(r"[\u0621-\u064A]+")
#: The word before a candidate is a feature only when short (prepositions, cue words, directions).
_PREV_MAX = 7


def place_name(p: NSpan) -> str:
    """What makes two mentions the same place: the gazetteer id, else the name."""
    v = p.value if isinstance(p.value, dict) else {}
    return str(v.get("place_id") or v.get("name") or v.get("text") or "")


@dataclass
class PageSites:
    """What the page says about its places as a whole (computed once per page)."""

    counts: Counter = field(default_factory=Counter)     # place name -> mentions on the page
    top: NSpan | None = None                               # most named place below country level
    top_country: NSpan | None = None                       # most named country
    first: NSpan | None = None                             # first place below country level

    @classmethod
    def of(cls, places: Sequence[NSpan]) -> "PageSites":
        counts = Counter(place_name(p) for p in places)
        first_of: dict[str, NSpan] = {}
        for p in places:
            first_of.setdefault(place_name(p), p)
        local = [n for n in counts if not is_country(first_of[n])]
        nations = [n for n in counts if is_country(first_of[n])]
        # ties go to the place named first (the headline or the lead)
        order = {n: i for i, n in enumerate(first_of)}
        top = max(local, key=lambda n: (counts[n], -order[n]), default=None)
        top_c = max(nations, key=lambda n: (counts[n], -order[n]), default=None)
        first = next((p for p in places if not is_country(p)), None)
        return cls(counts, first_of[top] if top else None, first_of[top_c] if top_c else None, first)


@dataclass
class Candidate:
    span: NSpan
    source: str                     # sentence | rule | last_event | page_top | page_country | page_first
    feats: dict[str, float] = field(default_factory=dict)


def candidates(sent: Sentence, sentence_places: Sequence[NSpan], resolved: Sequence[NSpan],
               rule: Sequence[NSpan], last_event: NSpan | None, page: PageSites) -> list[Candidate]:
    """Every place the event may have, each once (a place written in the sentence first)."""
    out: list[Candidate] = []
    seen_spans: set[tuple[int, int]] = set()
    seen_names: set[str] = set()

    def add(p: NSpan | None, source: str, inherited: bool) -> None:
        if p is None:
            return
        name = place_name(p)
        if inherited:
            if name in seen_names:
                return
            v = p.value if isinstance(p.value, dict) else {}
            p = p if v.get("inherited") else mark_inherited(p)
        elif (p.start, p.end) in seen_spans:
            return
        seen_spans.add((p.start, p.end))
        seen_names.add(name)
        out.append(Candidate(p, source))

    for p in sorted([*sentence_places, *resolved], key=lambda s: s.start):
        add(p, "sentence", False)
    for p in rule:
        v = p.value if isinstance(p.value, dict) else {}
        add(p, "rule", bool(v.get("inherited")) or not (sent.start <= p.start < sent.end))
    add(last_event, "last_event", True)
    add(page.top, "page_top", True)
    add(page.first, "page_first", True)
    add(page.top_country, "page_country", True)
    return out


def _bucket(n: int) -> str:
    return "0" if n <= 1 else "2" if n <= 3 else "4" if n <= 7 else "8" if n <= 15 else "16"


_LEVELS = {"country": 0, "governorate": 1, "district": 2, "town": 3, "site": 4}


def describe(norm: str, trig: Trigger, sent: Sentence, clause: tuple[int, int], cands: Sequence[Candidate],
             rule: Sequence[NSpan], page: PageSites, launch: set[int], governments: set[int]) -> None:
    """Fill each candidate's features (in place)."""
    rule_names = [place_name(p) for p in rule]
    in_sent = [c for c in cands if c.source == "sentence"]
    after = [c for c in in_sent if c.span.start >= trig.end]
    nearest = min(in_sent, key=lambda c: abs(c.span.start - trig.start), default=None)
    levels = [_LEVELS.get(_value(c.span).get("precision") or "", 3) for c in in_sent]
    most_specific = max(levels, default=None)
    top_country = _value(page.top).get("country") if page.top is not None else None
    t = trig.type
    for c in cands:
        v = _value(c.span)
        name = place_name(c.span)
        f: dict[str, float] = {}
        prec = v.get("precision") or v.get("kind") or "other"
        f["src:" + c.source] = 1.0
        f["level:" + prec] = 1.0
        if v.get("kind"):
            f["kind:" + str(v["kind"])] = 1.0
        if not v.get("place_id"):
            f["unresolved"] = 1.0
        if v.get("cue"):
            f["cue"] = 1.0
        if v.get("area"):
            f["area:" + str(v["area"])] = 1.0
        if v.get("resolved_by") == "anaphora":
            f["anaphora"] = 1.0
        if rule_names and name == rule_names[0]:
            f["rule:pick"] = 1.0
        elif name in rule_names:
            f["rule:list"] = 1.0
        if not rule_names:
            f["rule:none"] = 1.0
        n = page.counts.get(name, 0)
        f["page_n:" + ("1" if n <= 1 else "2" if n <= 3 else "4")] = 1.0
        if page.top is not None and name == place_name(page.top):
            f["page:top"] = 1.0
        if top_country and v.get("country") and v.get("country") != top_country:
            f["country:other"] = 1.0
        if c.source == "sentence":
            s = c.span
            where = "same" if clause[0] <= s.start < clause[1] else "other"
            f["clause:" + where] = 1.0
            side = "after" if s.start >= trig.end else "before"
            gap = norm[trig.end:s.start] if side == "after" else norm[s.end:trig.start]
            f["side:" + side] = 1.0
            dist = _bucket(len(_WORD.findall(gap)))
            f["dist:" + side + ":" + dist] = 1.0
            f["at:" + where + ":" + side + ":" + dist] = 1.0
            if after and c is after[0]:
                f["first_after"] = 1.0
            if c is nearest:
                f["nearest"] = 1.0
            if most_specific is not None and _LEVELS.get(v.get("precision") or "", 3) == most_specific:
                f["most_specific:" + where] = 1.0
            if s.start in launch:
                f["launch"] = 1.0
            if s.start in governments:
                f["government"] = 1.0
            prev = _WORD.findall(norm[max(sent.start, s.start - 24):s.start])
            if prev and len(prev[-1]) <= _PREV_MAX:
                f["prev:" + prev[-1]] = 1.0
            if s.start > 0 and "\u0621" <= norm[s.start - 1] <= "\u064A":
                f["clitic:" + norm[s.start - 1]] = 1.0
        for k in list(f):
            if k.startswith(("src:", "level:", "side:", "rule:", "clause:", "first_after", "nearest")):
                f[t + "|" + k] = 1.0
        c.feats = f


def _value(p: NSpan | None) -> Mapping[str, Any]:
    return p.value if p is not None and isinstance(p.value, dict) else {}


@dataclass
class PlaceModel:
    """Weights of the place ranker (feature -> weight; the bias does not change the ranking) and
    the margin by which a candidate must outscore the rules' pick to replace it (None: never; the
    ranker then only places the events the rules leave unplaced).
    """

    weights: dict[str, float]
    margin: float | None = None

    def score(self, feats: Mapping[str, float]) -> float:
        w = self.weights
        return sum(w.get(k, 0.0) * v for k, v in feats.items())

    def pick(self, cands: Sequence[Candidate]) -> Candidate | None:
        """The best-scoring candidate (ties: the earlier one, i.e. the one in the sentence), unless
        the rules picked one and it scores within `margin` of the best (or `margin` is None)."""
        best, best_s, rule, rule_s = None, 0.0, None, 0.0
        for c in cands:
            s = self.score(c.feats)
            if best is None or s > best_s + 1e-12:
                best, best_s = c, s
            if rule is None and c.feats.get("rule:pick"):
                rule, rule_s = c, s
        if rule is not None and (self.margin is None or best_s - rule_s < self.margin):
            return rule
        return best
