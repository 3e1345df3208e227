"""Places no gazetteer lists, found by the way the text names them, and installations named after
a place ("مطار حلب", "حقل العمر النفطي"). A name is a place:
- after a cue word ("قرية X", "بلدتي X وY"; a topographic word begins the name: "تل X", "جبل X");
- in quotation marks after a place word ("ثكنة «X»", "القاعدة الأميركية «X»");
- in a list after a plural place word and an opener ("بلدات عدة، منها X وY").

Real pages name villages, neighbourhoods and camps that no packaged gazetteer holds; the word
before them says they are places. A name after a cue is one word, two when the first is a common
head of Arabic place names (تل، كفر، عين …) or the second a definite noun that is no relative
adjective ("ميس الجبل"); after a plural cue, a list joined by و or commas. The span's
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
#: Characters allowed between a plural place word and the opener of its list ("بلدات عدة، منها").
LIST_REACH = 40
#: Words in one name of a list ("رام حمدان"): a longer run before a delimiter is not a name.
LIST_NAME_WORDS = 3
#: Opening and closing quotation marks around a quoted place name.
_OPEN = "[\"«“”]"
_QUOTED_NAME = re.compile(r"\s*([\u0621-\u064A]+(?:[\s-]+[\u0621-\u064A]+){0,3})\s*[\"»”“]")
#: Between two quoted names of a list: a comma and/or "و" before the next opening mark.
_QUOTED_GAP = re.compile(r"\s*[،,]?\s*و?\s*[\"«“”]")


@dataclass(frozen=True)
class _Rules:
    cues: dict[str, tuple[str, bool]]
    heads: frozenset[str]
    not_names: frozenset[str]
    finder: re.Pattern[str]      # where a cue word (with a clitic) may stand
    site_finder: re.Pattern[str] | None = None   # where an installation word may stand
    site_adjectives: frozenset[str] = frozenset()
    old_quarter: frozenset[str] = frozenset()
    quoted: re.Pattern[str] | None = None        # a cue word, adjectives and a quoted name
    quoted_cues: dict[str, tuple[str, bool]] | None = None
    quoted_not_after: frozenset[str] = frozenset()
    quoted_media: frozenset[str] = frozenset()
    quoted_media_cues: frozenset[str] = frozenset()
    listed: re.Pattern[str] | None = None        # a plural place word, a few words, an opener
    listed_nouns: dict[str, str] | None = None
    direct: re.Pattern[str] | None = None        # a settlement plural in construct state, then names
    direct_nouns: dict[str, str] | None = None
    in_name: frozenset[str] = frozenset()        # cue words that are the first word of the name
    site_words: frozenset[str] = frozenset()
    head_only: frozenset[str] = frozenset()      # cue words taking only a name that begins with a head
    short_named_sites: frozenset[str] = frozenset()   # installations also called by their place's name


@lru_cache(maxsize=1)
def _rules() -> _Rules:
    data = load_yaml("places", "named_after_cue.yaml")
    n = normalize_arabic
    cues = {n(k): (v[0], bool(v[1])) for k, v in data["cues"].items()}
    # topographic words that begin the name they stand before ("تل X", "جبل X")
    cues.update({n(k): (v, False) for k, v in (data.get("name_heads") or {}).items()})
    in_name = frozenset(n(k) for k in data.get("name_heads") or ())
    # installation words before a name of their own that begins as place names do ("قاعدة عين الأسد")
    head_cues = {n(k): (v[0], bool(v[1])) for k, v in (data.get("head_cues") or {}).items()}
    cues.update(head_cues)
    alt = "|".join(sorted(map(re.escape, cues), key=len, reverse=True))
    sites = sorted({n(w) for w in data.get("sites") or ()}, key=len, reverse=True)
    site_rx = (re.compile(rf"(?<![\u0621-\u064A])(?:[{_CLITIC}]|ل?ل|ب?ال)?({'|'.join(map(re.escape, sites))})(?![\u0621-\u064A])")
               if sites else None)
    quoted_cues = {n(k): (v[0], bool(v[1])) for k, v in (data.get("quoted_cues") or {}).items()}
    quoted_rx = None
    if quoted_cues:
        q_alt = "|".join(sorted(map(re.escape, quoted_cues), key=len, reverse=True))
        # clitics, the cue, up to two definite adjectives, then the opening quotation mark
        quoted_rx = re.compile(rf"(?<![\u0621-\u064A])([{_CLITIC}]?)({q_alt})((?:\s+ال[\u0621-\u064A]+){{0,2}})\s*{_OPEN}")
    lst = data.get("listed") or {}
    listed_nouns = {n(k): v for k, v in (lst.get("nouns") or {}).items()}
    listed_rx = None
    if listed_nouns and lst.get("openers"):
        l_alt = "|".join(sorted(map(re.escape, listed_nouns), key=len, reverse=True))
        o_alt = "|".join(sorted((re.escape(n(o)) for o in lst["openers"]), key=len, reverse=True))
        # the noun, up to LIST_REACH characters with no sentence or clause break, the opener
        listed_rx = re.compile(rf"(?<![\u0621-\u064A])[{_CLITIC}]?({l_alt})(?![\u0621-\u064A])[^.،,؛;:\n\"«»“”()]{{0,{LIST_REACH}}}?"
                               rf"[،,]?\s*(?<![\u0621-\u064A])(?:{o_alt})(?![\u0621-\u064A])\s*[:(]?\s*")
    direct_nouns = {n(k): v for k, v in (lst.get("direct") or {}).items()}
    direct_rx = None
    if direct_nouns:
        d_alt = "|".join(sorted(map(re.escape, direct_nouns), key=len, reverse=True))
        # no article on the noun (the construct state) and a name right after it
        direct_rx = re.compile(rf"(?<![\u0621-\u064A])[{_CLITIC}]?({d_alt})(?![\u0621-\u064A])\s+(?=[\u0621-\u064A\"«“])")
    return _Rules(cues, frozenset(n(h) for h in data["heads"]), frozenset(n(w) for w in data["not_names"]),
                  re.compile(rf"(?<![\u0621-\u064A])[{_CLITIC}]?(?:{alt})(?![\u0621-\u064A])"),
                  site_rx, frozenset(n(w) for w in data.get("site_adjectives") or ()),
                  frozenset(n(w) for w in data.get("old_quarter") or ()),
                  quoted_rx, quoted_cues,
                  frozenset(n(w) for w in data.get("quoted_not_after") or ()),
                  frozenset(n(w) for w in data.get("quoted_site_media") or ()),
                  frozenset(n(w) for w in data.get("quoted_media_cues") or ()),
                  listed_rx, listed_nouns, direct_rx, direct_nouns, in_name, frozenset(sites),
                  frozenset(head_cues), frozenset(n(w) for w in data.get("short_named_sites") or ()))


def _cue(word: str, rules: _Rules) -> tuple[str, bool] | None:
    if word in rules.cues:
        return rules.cues[word]
    if len(word) >= 3 and word[0] in _CLITIC and word[1:] in rules.cues:
        return rules.cues[word[1:]]
    return None


def _one_of(word: str, words: frozenset[str]) -> bool:
    """`word`, with a clitic or not, is one of `words`."""
    return word in words or (word[:1] in _CLITIC and word[1:] in words)


def _site_word(word: str, rules: _Rules) -> bool:
    """An installation word, singular or dual ("مطار", "مطارا", "مطاري"), with a clitic or not."""
    for w in (word, word[1:] if word[:1] in _CLITIC else word):
        if w in rules.site_words or (w[-1:] in ("ا", "ي") and w[:-1] in rules.site_words):
            return True
    return False


def _second_word(word: str) -> bool:
    """A definite noun after a name's first word is the name's second ("بلدة ميس الجبل"); a
    relative adjective (السورية، الجنوبي) describes the place instead."""
    return word.startswith("ال") and len(word) > 3 and not word.endswith(("يه", "ي", "يين", "يون"))


def _name_ok(word: str, rules: _Rules) -> bool:
    return len(word) >= 2 and word not in rules.not_names and (_cue(word, rules) is None or word in rules.in_name) \
        and not _another_place_word(word, rules)


def _another_place_word(word: str, rules: _Rules) -> bool:
    """"و" and a plural place word or an installation word ("مستوطنات ومواقع"، "قرى ومطار"): the
    list goes on with another kind of place, it names none."""
    return len(word) > 3 and word[0] == "و" and (word[1:] in (rules.listed_nouns or {}) or _site_word(word[1:], rules))


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
    head = toks[0][2]
    if _one_of(head, rules.head_only) \
            and (w not in rules.heads or len(toks) < 3 or norm[toks[1][1]:toks[2][0]].strip()):
        return out   # "قاعدة الاشتباك", "قاعدة عسكرية": only "قاعدة عين الأسد" names a place
    if _one_of(head, rules.in_name):
        if w[0] == "و":
            return out   # "تلة وفرضوا": the word is a common noun, and a verb follows
        s = toks[0][0] + (head not in rules.in_name)
    while _name_ok(w, rules):
        e = toks[j][1]
        if j + 1 < len(toks) and not norm[e:toks[j + 1][0]].strip() and _name_ok(toks[j + 1][2], rules) \
                and (w in rules.heads or _second_word(toks[j + 1][2])):
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


def find_quoted_places(view: TextView) -> list[tuple[int, int, str]]:
    """(start, end, precision) in normalised offsets of quoted names after a place word
    ("ثكنة «X»", "القاعدة الأميركية «X»", "مستوطنات «X» و«Y»"), the quotation marks left out."""
    rules = _rules()
    if rules.quoted is None:
        return []
    norm = view.norm
    out: list[tuple[int, int, str]] = []
    for m in rules.quoted.finditer(norm):
        clitic, cue = m.group(1), m.group(2)
        precision, plural = rules.quoted_cues[cue]
        if cue in rules.quoted_media_cues and clitic in ("ب", "ل"):
            continue   # "بموقع «X»": on a website
        before = _TOKEN.findall(norm, max(0, m.start() - 20), m.start())
        if before and (before[-1] in rules.quoted_not_after
                       or (before[-1][:1] in "وف" and before[-1][1:] in rules.quoted_not_after)):
            continue   # "ونشر موقع «X»": the website
        pos = m.end()
        while True:
            q = _QUOTED_NAME.match(norm, pos)
            if q is None:
                break
            s, e = q.span(1)
            words = q.group(1).split()
            after = _TOKEN.match(norm, q.end() + 1) if q.end() + 1 < len(norm) else None
            if any(w in rules.not_names for w in words) or (after and after.group() in rules.quoted_media):
                break
            out.append((s, e, precision))
            gap = _QUOTED_GAP.match(norm, q.end()) if plural else None
            if gap is None:
                break
            pos = gap.end()
    return out


#: A delimiter between two listed names: a comma, a dash (a lone tatweel used as one is two spaces
#: once normalised), or a space before "و".
_LIST_DELIM = re.compile(r"\s*(?:([،,])\s*|([–-]\s*|(?<=\s)\s+)|\s)(و(?=[\u0621-\u064A]{2}))?")


def find_listed_places(view: TextView) -> list[tuple[int, int, str]]:
    """(start, end, precision) in normalised offsets of the names listed after a plural place
    word and an opener ("استهدفت بلدات عدة، منها X وY", "أربع قرى هي (X ـ Y ـ Z)").

    A name is one to LIST_NAME_WORDS words up to the next delimiter; the first delimiter sets the
    list's style (و, a comma, a dash) and a delimiter of another kind ends the list ("X وY، فضلاً
    عن"), except "، و" before the last name of a comma list. Fewer than two names is no list."""
    rules = _rules()
    norm = view.norm
    starts = []
    if rules.listed is not None:
        starts += [(m.start(), m.end(), rules.listed_nouns[m.group(1)]) for m in rules.listed.finditer(norm)]
    if rules.direct is not None:
        starts += [(m.start(), m.end(), rules.direct_nouns[m.group(1)]) for m in rules.direct.finditer(norm)]
    out: list[tuple[int, int, str]] = []
    for start, pos, precision in sorted(starts):
        if out and start < out[-1][1]:
            continue
        names = _listed_names(norm, pos, rules)
        if len(names) >= 2:
            out += [(s, e, precision) for s, e in names]
    return out


def _listed_names(norm: str, pos: int, rules: _Rules) -> list[tuple[int, int]]:
    """The names of a list that begins at `pos` (see `find_listed_places`)."""
    names: list[tuple[int, int]] = []
    style = None
    while True:
        toks = []
        for t in _TOKEN.finditer(norm, pos, min(len(norm), pos + 60)):
            if toks and norm[toks[-1].end():t.start()].strip():
                break
            toks.append(t)
            if len(toks) > LIST_NAME_WORDS:
                break
        # the name runs to the first token followed by a delimiter or the list's end
        end_i = None
        for i, t in enumerate(toks[:LIST_NAME_WORDS]):
            nxt = norm[t.end():t.end() + 2]
            if i + 1 == len(toks) or (i + 1 < len(toks) and toks[i + 1].group()[0] == "و"
                                       and toks[i + 1].group() not in rules.heads and len(toks[i + 1].group()) > 2):
                end_i = i
                break
            if nxt == "  " or nxt[:1] in "،,–-)" or nxt.strip()[:1] in ("،", ",", "–", "-", ")"):
                end_i = i
                break
            if names and i + 1 < len(toks) and toks[i + 1].group() in rules.not_names:
                end_i = i     # the last name ends where a preposition begins ("X وY في شرق …")
                break
        if end_i is None:
            break
        name = toks[:end_i + 1]
        words = [t.group() for t in name]
        if any(w in rules.not_names or (_cue(w, rules) and w not in rules.in_name) or _site_word(w, rules) for w in words):
            break   # a cue or an installation word: the cue and site finders read it
        names.append((name[0].start(), name[-1].end()))
        d = _LIST_DELIM.match(norm, name[-1].end())
        if d is None:
            break
        kind = "comma" if d.group(1) else "dash" if d.group(2) else "wa" if d.group(3) else None
        if kind is None or (style is not None and kind != style and not (style == "comma" and d.group(3))):
            break
        style = style or kind
        pos = d.end()
    return names


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
    named = [(ns, ne, p, "cue_only") for ns, ne, p in find_unknown_places(view)]
    named += [(ns, ne, p, "quoted_after_cue") for ns, ne, p in find_quoted_places(view)]
    named += [(ns, ne, p, "listed_after_cue") for ns, ne, p in find_listed_places(view)]
    for ns, ne, precision, how in sorted(named):
        s, e = view.to_orig(ns), view.to_orig_end(ne)
        if any(a < e and s < b for a, b in taken):
            continue
        taken.append((s, e))
        name = view.text[s:e]
        out.append(Span(s, e, "PLACE", {
            "place_id": None, "name": name, "name_en": None, "kind": precision, "lat": None, "lon": None,
            "admin1": None, "admin2": None, "country": _country(s, e, places, page_country),
            "precision": precision, "text": name, "resolved_by": how,
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
        value = {
            "place_id": None, "name": name, "name_en": None, "kind": "site", "site_kind": m.group(1),
            "lat": a.get("lat"), "lon": a.get("lon"), "admin1": a.get("admin1"), "admin2": a.get("admin2"),
            "country": a.get("country"), "precision": "site", "text": view.text[s:e],
            "resolved_by": "site_of_known_place", "unresolved_reason": "site_not_in_gazetteer"}
        if m.group(1) in rules.short_named_sites:
            # "قاعدة الشدادي" is also "الشدادي" in the news
            value["aliases"] = [a.get("name") or view.text[anchor.start:anchor.end]]
        out.append(Span(s, e, "PLACE", value, PRODUCED_BY))
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
