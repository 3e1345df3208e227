"""Places no gazetteer lists, found by the cue word before them ("قرية X", "بلدتي X وY"), and
installations named after a place ("مطار حلب", "حقل العمر النفطي").

Real pages name villages, neighbourhoods and camps that no packaged gazetteer holds; the word
before them says they are places. A name here is one word, two when the first is a common head of
Arabic place names (تل، كفر، عين …); after a plural cue, a list joined by و or commas. The span's
value says the place is unresolved (`not_in_gazetteer`); a span the gazetteer already found wins.
"""
from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

from rasd.clean.normalize import normalize_arabic
from rasd.document import Span
from rasd.extract.datafiles import load_yaml
from rasd.extract.textview import TextView

PRODUCED_BY = "places_unknown"
_TOKEN = re.compile(r"[\u0621-\u064A]+")
_CLITIC = "وبلف"
#: Characters read after a cue word for its name or list of names.
WINDOW = 160


@dataclass(frozen=True)
class _Rules:
    cues: dict[str, tuple[str, bool]]
    heads: frozenset[str]
    not_names: frozenset[str]
    finder: re.Pattern[str]      # where a cue word (with a clitic) may stand
    site_finder: re.Pattern[str] | None = None   # where an installation word may stand
    site_adjectives: frozenset[str] = frozenset()
    old_quarter: frozenset[str] = frozenset()


@lru_cache(maxsize=1)
def _rules() -> _Rules:
    data = load_yaml("places", "named_after_cue.yaml")
    n = normalize_arabic
    cues = {n(k): (v[0], bool(v[1])) for k, v in data["cues"].items()}
    alt = "|".join(sorted(map(re.escape, cues), key=len, reverse=True))
    sites = sorted({n(w) for w in data.get("sites") or ()}, key=len, reverse=True)
    site_rx = (re.compile(rf"(?<![\u0621-\u064A])(?:[{_CLITIC}]|ل?ل|ب?ال)?({'|'.join(map(re.escape, sites))})(?![\u0621-\u064A])")
               if sites else None)
    return _Rules(cues, frozenset(n(h) for h in data["heads"]), frozenset(n(w) for w in data["not_names"]),
                  re.compile(rf"(?<![\u0621-\u064A])[{_CLITIC}]?(?:{alt})(?![\u0621-\u064A])"),
                  site_rx, frozenset(n(w) for w in data.get("site_adjectives") or ()),
                  frozenset(n(w) for w in data.get("old_quarter") or ()))


def _cue(word: str, rules: _Rules) -> tuple[str, bool] | None:
    if word in rules.cues:
        return rules.cues[word]
    if len(word) >= 3 and word[0] in _CLITIC and word[1:] in rules.cues:
        return rules.cues[word[1:]]
    return None


def _name_ok(word: str, rules: _Rules) -> bool:
    return len(word) >= 2 and word not in rules.not_names and _cue(word, rules) is None


def find_unknown_places(view: TextView) -> list[tuple[int, int, str]]:
    """(start, end, precision) in normalised offsets of each place named after a cue word."""
    rules = _rules()
    norm = view.norm
    out: list[tuple[int, int, str]] = []
    for m in rules.finder.finditer(norm):
        if out and m.start() < out[-1][1]:
            continue
        # the cue and the words after it: a name list is never longer than this window
        toks = [(t.start(), t.end(), t.group()) for t in _TOKEN.finditer(norm, m.start(), min(len(norm), m.end() + WINDOW))]
        out += _after_cue(norm, toks, rules)
    return out


def _after_cue(norm: str, toks: list[tuple[int, int, str]], rules: _Rules) -> list[tuple[int, int, str]]:
    """The names after the cue word toks[0]: one, or a list after a plural cue."""
    out: list[tuple[int, int, str]] = []
    cue = _cue(toks[0][2], rules) if toks else None
    if cue is None or len(toks) < 2 or norm[toks[0][1]:toks[1][0]].strip():
        return out
    precision, plural = cue
    j = 1
    s, w = toks[j][0], toks[j][2]
    while _name_ok(w, rules):
        e = toks[j][1]
        if w in rules.heads and j + 1 < len(toks) and not norm[e:toks[j + 1][0]].strip() \
                and _name_ok(toks[j + 1][2], rules):
            j += 1
            e = toks[j][1]
        out.append((s, e, precision))
        j += 1
        if not plural or j >= len(toks):
            break
        # a list goes on after "و" glued to the next name or after a comma
        gap, nxt = norm[e:toks[j][0]].strip(), toks[j][2]
        if gap in ("", "،", ",") and nxt[0] == "و" and len(nxt) > 2 and nxt not in rules.heads:
            s, w = toks[j][0] + 1, nxt[1:]
            toks[j] = (s, toks[j][1], w)
        elif gap in ("،", ","):
            s, w = toks[j][0], nxt
        else:
            break
    return out


#: Characters after a cue place searched for the known place that gives its country ("بريف حلب").
COUNTRY_WINDOW = 60


def _country(start: int, end: int, known: list[Span], page_country: str | None) -> str | None:
    """The country of the nearest known place just after the name, else the page's usual one."""
    after = [s for s in known if end <= s.start <= end + COUNTRY_WINDOW and (s.value or {}).get("country")]
    if after:
        return min(after, key=lambda s: s.start).value["country"]
    return page_country


def _page_country(places: list[Span]) -> str | None:
    """The country most of the page's known places are in."""
    countries = Counter((s.value or {}).get("country") for s in places if isinstance(s.value, dict)
                        and (s.value or {}).get("country"))
    return countries.most_common(1)[0][0] if countries else None


def unknown_place_spans(view: TextView, known: list[Span]) -> list[Span]:
    """PLACE spans (original offsets) for names after cues that no known place span overlaps.

    The country is the one of the known place right after the name (قرية X بريف حلب), else the
    country most of the page's known places are in."""
    places = sorted((s for s in known if s.label == "PLACE"), key=lambda s: s.start)
    taken = [(s.start, s.end) for s in places]
    page_country = _page_country(places)
    out = []
    for ns, ne, precision in find_unknown_places(view):
        s, e = view.to_orig(ns), view.to_orig_end(ne)
        if any(a < e and s < b for a, b in taken):
            continue
        name = view.text[s:e]
        out.append(Span(s, e, "PLACE", {
            "place_id": None, "name": name, "name_en": None, "kind": precision, "lat": None, "lon": None,
            "admin1": None, "admin2": None, "country": _country(s, e, places, page_country),
            "precision": precision, "text": name, "resolved_by": "cue_only",
            "unresolved_reason": "not_in_gazetteer"}, PRODUCED_BY))
    return out


def site_spans(view: TextView, known: list[Span]) -> tuple[list[Span], set[tuple[int, int]]]:
    """PLACE spans (original offsets) of installations named after a known place ("مطار أربيل
    الدولي"), and the (start, end) of the known place spans they take in.

    The site is the installation word and the place's name after it (plus an adjective such as
    الدولي), with the place's coordinates, governorate and country. A known span that already holds
    the installation word (a site the gazetteer lists) wins."""
    rules = _rules()
    out, replaced = _old_quarters(view, known, rules)
    if rules.site_finder is None:
        return out, replaced
    norm = view.norm
    places = sorted(((view.to_norm(s.start), view.to_norm(s.end), s) for s in known if s.label == "PLACE"),
                    key=lambda x: x[0])
    starts = [x[0] for x in places]
    for m in rules.site_finder.finditer(norm):
        cs, ce = m.start(1), m.end(1)
        # the known span holding the cue word, if any (the last one starting at or before it)
        i = bisect_right(starts, cs) - 1
        known_site = places[i] if i >= 0 and cs < places[i][1] else None
        if known_site is not None:
            # the gazetteer knows this site by its full name; an adjective after it belongs to the
            # name as written ("حقل العمر النفطي")
            nxt = _TOKEN.search(norm, known_site[1], min(len(norm), known_site[1] + 30))
            if nxt is not None and not norm[known_site[1]:nxt.start()].strip() \
                    and nxt.group() in rules.site_adjectives:
                k = known_site[2]
                s, e = k.start, view.to_orig_end(nxt.end())
                value = dict(k.value) if isinstance(k.value, dict) else {}
                value["text"] = view.text[s:e]
                out.append(Span(s, e, "PLACE", value, k.produced_by))
                replaced.add((k.start, k.end))
            continue
        toks = [(t.start(), t.end(), t.group()) for t in _TOKEN.finditer(norm, ce, min(len(norm), ce + 60))]
        if not toks or norm[ce:toks[0][0]].strip():
            continue
        i = bisect_left(starts, toks[0][0])
        if i == len(places) or starts[i] != toks[0][0]:
            continue
        here = places[i]
        name_end, anchor = here[1], here[2]
        end = name_end
        rest = [t for t in toks if t[0] >= name_end]
        if rest and not norm[name_end:rest[0][0]].strip() and rest[0][2] in rules.site_adjectives:
            end = rest[0][1]
        s, e = view.to_orig(cs), view.to_orig_end(end)
        name = view.text[s:view.to_orig_end(name_end)]
        a = anchor.value if isinstance(anchor.value, dict) else {}
        out.append(Span(s, e, "PLACE", {
            "place_id": None, "name": name, "name_en": None, "kind": "site", "site_kind": m.group(1),
            "lat": a.get("lat"), "lon": a.get("lon"), "admin1": a.get("admin1"), "admin2": a.get("admin2"),
            "country": a.get("country"), "precision": "site", "text": view.text[s:e],
            "resolved_by": "site_of_known_place", "unresolved_reason": "site_not_in_gazetteer"}, PRODUCED_BY))
        replaced.add((anchor.start, anchor.end))
    return out, replaced


def _old_quarters(view: TextView, known: list[Span], rules: _Rules) -> tuple[list[Span], set[tuple[int, int]]]:
    """A town followed by "القديمة" is its old quarter: a neighbourhood span over both words."""
    out: list[Span] = []
    replaced: set[tuple[int, int]] = set()
    if not rules.old_quarter:
        return out, replaced
    norm = view.norm
    for k in known:
        v = k.value if isinstance(k.value, dict) else {}
        if k.label != "PLACE" or v.get("precision") != "town":
            continue
        end = view.to_norm(k.end)
        nxt = _TOKEN.search(norm, end, min(len(norm), end + 20))
        if nxt is None or norm[end:nxt.start()].strip() or nxt.group() not in rules.old_quarter:
            continue
        e = view.to_orig_end(nxt.end())
        name = view.text[k.start:e]
        out.append(Span(k.start, e, "PLACE", {
            **v, "place_id": None, "name": name, "name_en": None, "kind": "neighbourhood",
            "precision": "site", "text": name, "resolved_by": "old_quarter_of_known_place",
            "unresolved_reason": "site_not_in_gazetteer"}, PRODUCED_BY))
        replaced.add((k.start, k.end))
    return out, replaced
