"""PlaceFinder: gazetteer names in Arabic text, resolved by context to one place each.

Matching runs Aho-Corasick over the normalised text (`rasd.clean.normalize`), keeps matches on
Arabic word boundaries (proclitics و ب ل ف ك and the article allowed before a name), prefers the
longest match, then resolves each name by its cue word (مدينة، محافظة، ريف، سجن، مطار…) or the
countryside after it (بلدة X بريف Y), by coordination after a plural cue (مدينتي الرستن وتلبيسة),
by the country named nearby when the name is a place in several countries (طرابلس), and by
data-driven stop rules (`rasd/data/places/stoplist.yaml`). Spans carry offsets into the original
text and the place's country (ISO 3166-1 alpha-2). See docs/gazetteer.md.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Iterable, NamedTuple

import ahocorasick

from rasd.document import Span
from rasd.extract.datafiles import load_yaml
from rasd.extract.places.arabic import match_key, strip_article
from rasd.extract.places.gazetteer import Gazetteer
from rasd.extract.places.model import BULK_SOURCES, SOURCE_RANK, VILLAGE_LIST_SOURCES, Place, distance_km
from rasd.extract.textview import TextView, make_view

PRODUCED_BY = "places"

#: Which kind a bare name resolves to when several places share it, best first. A bare
#: `حمص` is the city (news names the city far more often than the governorate);
#: `ريف دمشق` has only a governorate and a district, and the governorate wins.
DEFAULT_KIND_ORDER = (
    "city", "town", "village", "neighbourhood", "region", "site",
    "governorate", "district", "subdistrict", "country",
)

#: Proclitic sequences allowed before a name in the same written word (و، ف، ب، ل، ك and their
#: combinations as Arabic writes them: وب، ول، فب، فل، وك، فك). `لل` (ل + ال with the alef
#: dropped) is handled by indexing article names without their article.
_CLITICS = frozenset({"", "و", "ف", "ب", "ل", "ك", "وب", "ول", "فب", "فل", "وك", "فك"})
_CLITICS_BEFORE_ARTICLE = frozenset({"", "و", "ف", "ب", "ك", "وب", "فب", "وك", "فك"})
_LAM_LAM = frozenset({"لل", "ولل", "فلل"})  # ل + the article's ل: للرستن، وللرستن، فللرستن
_MAX_PREFIX = 3
_WORD = re.compile(r"[\w\u0600-\u06FF]+")
_QUOTES = "\"'«»“”‘’"
_COORD_GAP = re.compile(r"^[\s،,\"'«»“”‘’]*$")
_DIRECTION_WORDS = re.compile(r"\s+(\w+)(?:\s+(\w+))?")
#: Words read after a plural site cue (مطاري X وY العسكريين): two names of up to two words
#: each, a third coordinated one and an adjective.
_PLURAL_SITE_WORDS = 7
#: Words a site name may have after its cue (باب الهوى، نصيب جابر).
_SITE_NAME_WORDS = 2
_WORD_AT = re.compile(r"[ \t]*(\w+)")
#: A countryside word right after a name makes the name a town or village of that countryside
#: (بلدة X بريف Y, X في ريف Y): the after-cue. Group 1 is the cue as written; the words after it
#: name the countryside's place.
_CUE_AFTER = re.compile(r"[ \t]+((?:ب|في |وفي )(?:ريف|ارياف|بادي[ةه]))[ \t]+(\w+)(?:[ \t]+(\w+))?")
_AFTER_CUE_KINDS = ("village", "town", "city")
#: Kinds of place a list of places names one after another (الحجر الأسود واليرموك والتضامن), and
#: how far apart two neighbours on such a list may lie for a common-word name to count as a place.
_LISTED_KINDS = frozenset({"city", "town", "village", "neighbourhood", "site"})
LIST_NEIGHBOUR_KM = 100.0
_OWN_QUARTER_KM = 15.0


def _joined(norm: str, prev_end: int, m: "_Match") -> bool:
    """Whether the name `m` goes on a list from a name ending at `prev_end`: only spaces, quotes
    and commas between, and a و on `m` or a comma between."""
    gap = norm[prev_end:m.token_start]
    return bool(_COORD_GAP.match(gap)) and (m.prefix.startswith("و") or "،" in gap or "," in gap)


#: Cue keys that name a countryside (ريف X): the place is X's governorate or district.
_COUNTRYSIDE_CUES = frozenset({"ريف", "ريفي", "ارياف", "باديه"})
#: How far (normalised characters, either side) a named country decides between same-named places
#: of different countries: about two sentences of news text, so "in Lebanon ... Tripoli" counts
#: but a country named in another paragraph does not.
COUNTRY_CONTEXT_CHARS = 200


def _is_letter(ch: str) -> bool:
    # Arabic letters are alphabetic; Arabic punctuation (، ؛ ؟) is not. Diacritics are gone
    # after normalisation, so a letter test is a word test.
    return ch.isalnum()


@dataclass(frozen=True, slots=True)
class PlaceOptions:
    """Options of the place finder.

    include_foreign: report places outside Syria (countries, foreign cities) as spans.
    min_key_length: names shorter than this (normalised, letters) are not matched at all;
        two-letter village names collide with particles.
    geonames_bare_min_population: a one-word name known only from GeoNames needs a cue word
        unless the place has at least this many people. One-word village names are very often
        common words (a visit, channels, a tree: 11 of the 20 most frequent one-word GeoNames
        hits on the Al Mayadeen corpus were words, not places), while news introduces small
        villages with قرية/بلدة; towns above ~20,000 people are named bare.
    """

    include_foreign: bool = True
    min_key_length: int = 3
    geonames_bare_min_population: int = 20_000


class _Entry(NamedTuple):
    key: str                  # the normalised name as indexed
    places: tuple[Place, ...]
    block: bool               # a not_places phrase: swallow the match, report nothing
    article_dropped: bool     # indexed without its ال: only valid after ل (للرستن)
    names_country: str | None = None   # the one country this name names (لبنان), for context
    countries: frozenset[str] = frozenset()  # the countries of its places (>1: ambiguous abroad)


def _entry(key: str, places: tuple[Place, ...]) -> _Entry:
    codes = {p.country for p in places if p.kind == "country"}
    return _Entry(key, places, False, False, next(iter(codes)) if len(codes) == 1 else None,
                  frozenset(p.country for p in places))


class _Cue(NamedTuple):
    word: str                 # as written in the text
    key: str                  # normalised cue lemma (a key of cues.yaml)
    kinds: tuple[str, ...]
    plural: bool
    start: int                # normalised offset of the cue word (after its clitics)


@lru_cache(maxsize=1)
def _rules() -> dict[str, Any]:
    stop = load_yaml("places", "stoplist.yaml")
    cues = load_yaml("places", "cues.yaml")
    return {
        "needs_cue": frozenset(match_key(w) for w in stop["needs_cue"]),
        "not_after_definite": frozenset(match_key(w) for w in stop["not_after_definite"]),
        "not_places": tuple(match_key(w) for w in stop["not_places"]),
        "person_markers": frozenset(match_key(w) for w in stop["person_markers"]),
        "verb_particles": frozenset(match_key(w) for w in stop["verb_particles"]),
        "common_words": frozenset(match_key(w) for w in stop["geonames_common_words"]),
        "cues": {match_key(k): (tuple(v["kinds"]), bool(v["plural"])) for k, v in cues["cues"].items()},
        "directions": {match_key(k): v for k, v in cues["directions"].items()},
        "plural_sites": {match_key(k): (match_key(v["singular"]), v["site_kind"])
                         for k, v in cues.get("plural_sites", {}).items()},
        "adjective_plurals": frozenset(match_key(w) for w in cues.get("adjective_plurals", ())),
    }


class _OffsetMap:
    """Maps normalised offsets back to the original text (the page's shared `TextView`)."""

    __slots__ = ("_view",)

    def __init__(self, view: TextView):
        self._view = view

    def start(self, n: int) -> int:
        """Original offset of normalised index `n`."""
        return self._view.to_orig(n)

    def end(self, n: int) -> int:
        """Exclusive end: just after the char before normalised index `n`, plus its diacritics."""
        end = self._view.to_orig_end(n)
        text = self._view.text
        while end < len(text) and unicodedata.category(text[end]) == "Mn":
            end += 1
        return end


def fast_normalize(text: str) -> tuple[str, _OffsetMap]:
    """Normalised text plus its offset map; equal to `normalize_with_offsets` but C-speed."""
    view = make_view(text)
    return view.norm, _OffsetMap(view)


@lru_cache(maxsize=8)
def _automaton(gazetteer_id: int, include_foreign: bool, min_len: int) -> ahocorasick.Automaton:
    gaz = _GAZETTEERS[gazetteer_id]
    rules = _rules()
    entries: dict[str, _Entry] = {}
    for key, places in gaz.keys().items():
        ps = tuple(p for p in places if include_foreign or p.country == "SY")
        if not ps or len(key.replace(" ", "")) < min_len:
            continue
        entries[key] = _entry(key, ps)
    for key in rules["not_places"]:
        entries[key] = _Entry(key, (), True, False)
    auto = ahocorasick.Automaton()
    for key, entry in entries.items():
        auto.add_word(key, entry)
        bare = strip_article(key)
        if bare != key and bare not in entries and not entry.block:
            auto.add_word(bare, entry._replace(article_dropped=True))
    auto.make_automaton()
    return auto


#: Gazetteers by id(), so the automaton cache can key on a hashable; kept alive while cached.
_GAZETTEERS: dict[int, Gazetteer] = {}


@dataclass(slots=True)
class _Match:
    start: int          # normalised offset of the name (after clitics)
    end: int
    entry: _Entry
    token_start: int    # normalised offset of the written word (clitics included)
    prefix: str


@dataclass(slots=True)
class _State:
    """What the previous accepted place left for coordination (الرستن وتلبيسة)."""

    end: int = -1
    cue: _Cue | None = None
    notes: list[str] = field(default_factory=list)
    where: dict | None = None   # the value of its span (a list of places goes on near it)


class PlaceFinder:
    """Finds and resolves place names; `find(text)` returns PLACE spans (see module doc)."""

    def __init__(self, gazetteer: Gazetteer | None = None, options: PlaceOptions = PlaceOptions()):
        self.gazetteer = gazetteer if gazetteer is not None else Gazetteer.load_default()
        self.options = options
        _GAZETTEERS[id(self.gazetteer)] = self.gazetteer
        self._auto = _automaton(id(self.gazetteer), options.include_foreign, options.min_key_length)
        self._rules = _rules()

    # -- matching -----------------------------------------------------------------------------
    def _candidates(self, norm: str) -> list[_Match]:
        out: list[_Match] = []
        n = len(norm)
        for end, entry in self._auto.iter(norm):
            start = end - len(entry.key if not entry.article_dropped else strip_article(entry.key)) + 1
            if end + 1 < n and _is_letter(norm[end + 1]):
                continue
            ts = start
            while ts > 0 and _is_letter(norm[ts - 1]) and start - ts <= _MAX_PREFIX:
                ts -= 1
            prefix = norm[ts:start]
            if len(prefix) > _MAX_PREFIX:
                continue
            if entry.article_dropped:
                if prefix not in _LAM_LAM:
                    continue
                start -= 1  # the ل of the article belongs to the name: ل|لرستن
                prefix = prefix[:-1]
            elif entry.key.startswith("ال"):
                if prefix not in _CLITICS_BEFORE_ARTICLE:
                    continue
            elif prefix not in _CLITICS:
                continue
            out.append(_Match(start, end + 1, entry, ts, prefix))
        return _longest(out)

    # -- context ------------------------------------------------------------------------------
    @staticmethod
    def _prev_words(norm: str, pos: int, count: int = 2) -> list[tuple[int, str]]:
        """Up to `count` words before normalised offset `pos`, nearest first, with their starts."""
        out: list[tuple[int, str]] = []
        i = pos
        floor = max(0, pos - 60)
        while len(out) < count and i > floor:
            while i > floor and not norm[i - 1].isalnum():
                i -= 1
            end = i
            while i > floor and norm[i - 1].isalnum():
                i -= 1
            if end > i:
                out.append((i, norm[i:end]))
        return out

    def _cue_before(self, norm: str, pos: int, prev: list[tuple[int, str]] | None = None) -> _Cue | None:
        cues = self._rules["cues"]
        for wstart, word in prev if prev is not None else self._prev_words(norm, pos, 1):
            gap = norm[wstart + len(word):pos]
            if gap.strip(_QUOTES + " "):
                return None  # punctuation between cue and name: not a cue
            for cut in range(0, min(3, len(word) - 1)):
                stem = word[cut:]
                if cut and word[:cut] not in _CLITICS:
                    break
                if stem in cues:
                    kinds, plural = cues[stem]
                    return _Cue(word, stem, kinds, plural, wstart + cut)
        return None

    def _word_before_in(self, norm: str, pos: int, words: frozenset[str],
                        prev: list[tuple[int, str]] | None = None) -> bool:
        for _, word in prev if prev is not None else self._prev_words(norm, pos, 1):
            return word in words
        return False

    def _definite_before(self, norm: str, pos: int, prev: list[tuple[int, str]] | None = None) -> bool:
        for wstart, word in prev if prev is not None else self._prev_words(norm, pos, 1):
            if norm[wstart + len(word):pos].strip():
                return False
            return any(word[cut:].startswith("ال") for cut in range(0, 3) if word[:cut] in _CLITICS)
        return False

    def _needs_cue(self, entry: _Entry) -> bool:
        rules = self._rules
        key = entry.key
        if key in rules["needs_cue"]:
            return True
        if all(p.source in BULK_SOURCES for p in entry.places):
            bare = strip_article(key)
            if key in rules["common_words"] or bare in rules["common_words"] \
                    or "ال" + bare in rules["common_words"]:
                return True
            biggest = max((p.population or 0) for p in entry.places)
            if biggest >= self.options.geonames_bare_min_population:
                return False
            # one-word names of small places, and any name known only from a village-level list
            # (الشيخ علي، تل احمر، ام عدسة are people, hills and phrases as often as villages)
            if " " not in key or all(p.source in VILLAGE_LIST_SOURCES for p in entry.places):
                return True
        return False

    def _cue_after(self, norm: str, end: int) -> tuple[_Cue | None, str | None]:
        """The after-cue `بريف Y` / `في ريف Y` right after a name, and the country Y lies in."""
        window = norm[end:end + 12]
        if "ريف" not in window and "بادي" not in window and "ارياف" not in window:
            return None, None  # the common case, without the regex
        m = _CUE_AFTER.match(norm, end, end + 60)
        if m is None:
            return None, None
        keys = self.gazetteer.keys()
        countries = None
        for name in ((f"{m.group(2)} {m.group(3)}",) if m.group(3) else ()) + (m.group(2),):
            found = keys.get(name) or keys.get(strip_article(name))
            if found:
                countries = {p.country for p in found}
                break
        country = next(iter(countries)) if countries and len(countries) == 1 else None
        return _Cue(m.group(1), m.group(1), _AFTER_CUE_KINDS, False, m.start(1)), country

    @staticmethod
    def _countries_named(cands: list[_Match]) -> list[tuple[int, str]]:
        """(offset, ISO2) of every country name among the candidates (the context for ambiguity)."""
        return [(m.start, m.entry.names_country) for m in cands if m.entry.names_country]

    @staticmethod
    def _nearest_country(named: list[tuple[int, str]], pos: int, among: frozenset[str]) -> str | None:
        """The country among `among` named nearest to `pos` within COUNTRY_CONTEXT_CHARS."""
        best = None
        for at, cc in named:
            dist = abs(at - pos)
            if cc in among and dist <= COUNTRY_CONTEXT_CHARS and (best is None or dist < best[0]):
                best = (dist, cc)
        return best[1] if best else None

    @staticmethod
    def _listed_beside(norm: str, prev_end: int, m: "_Match", where: dict | None,
                       candidates: tuple[Place, ...] | None = None) -> Place | None:
        """The place a cue-less common-word name stands for when a list joins it to an accepted
        town-level place (`where`, the value of that place's span; `prev_end`: where the earlier
        of the two names ends, `m`: the later one): its town, village, neighbourhood or site from
        the reviewed gazetteer (not a bulk list: GeoNames holds villages called "victory" or
        "peace") in the same country within `LIST_NEIGHBOUR_KM`, the nearest; else None.
        `candidates` are the places of the common-word name when it is the earlier one (default:
        `m`'s)."""
        if where is None or where.get("lat") is None or where.get("kind") not in _LISTED_KINDS:
            return None
        if not _joined(norm, prev_end, m):
            return None
        here = (where["lat"], where["lon"])
        near = [(distance_km(here, (p.lat, p.lon)), p) for p in (candidates or m.entry.places)
                if p.kind in _LISTED_KINDS and p.source not in BULK_SOURCES
                and p.country == where.get("country") and p.lat is not None]
        # a list names places of one level: a city and one of its own quarters are not a list
        # ("دمشق والتضامن مع …" is solidarity)
        near = [(d, p) for d, p in near if d <= LIST_NEIGHBOUR_KM
                and not (p.kind == "neighbourhood" and where.get("kind") == "city" and d <= _OWN_QUARTER_KM)]
        return min(near, key=lambda dp: dp[0])[1] if near else None

    @staticmethod
    def _fits(places: tuple[Place, ...], cue: _Cue) -> bool:
        return any(p.kind_key in cue.kinds or p.kind in cue.kinds for p in places)

    # -- resolution ---------------------------------------------------------------------------
    def _resolve(self, places: tuple[Place, ...], cue: _Cue | None,
                 country: str | None = None) -> tuple[Place, str]:
        """One place for a name: the country context first (`country`, when some place is in
        it), then the cue's kinds, then the default kind order, source and population."""
        def rank(p: Place, order: tuple[str, ...]) -> tuple[int, int, int]:
            k = p.kind_key if p.kind_key in order else p.kind
            pos = order.index(k) if k in order else len(order)
            return (pos, SOURCE_RANK.get(p.source, 9), -(p.population or 0))

        if country is not None:
            inside = tuple(p for p in places if p.country == country)
            if inside and len(inside) < len(places):
                place, rule = self._resolve(inside, cue)
                return place, f"country_context:{country}+{rule}"
        if cue is not None:
            fitting = [p for p in places if p.kind_key in cue.kinds or p.kind in cue.kinds]
            if fitting:
                return min(fitting, key=lambda p: rank(p, cue.kinds)), f"cue:{cue.key}"
        best = min(places, key=lambda p: rank(p, DEFAULT_KIND_ORDER))
        if len({p.kind for p in places}) > 1:
            return best, "default_kind_order"
        return best, "unique" if len(places) == 1 else "best_source"

    def _countryside(self, place: Place, places: tuple[Place, ...]) -> tuple[Place, str, str]:
        """ريف X: the governorate when X names one, else the district, else the town itself."""
        for kind, precision in (("governorate", "governorate"), ("district", "district")):
            for p in places:
                if p.kind == kind:
                    return p, precision, f"countryside_{kind}"
        return place, "district", "countryside_town"

    def _direction_after(self, norm: str, pos: int) -> tuple[int, str | None]:
        dirs = self._rules["directions"]
        m = _DIRECTION_WORDS.match(norm, pos, pos + 40)
        if not m:
            return pos, None
        two = f"{m.group(1)} {m.group(2)}" if m.group(2) else None
        if two and two in dirs:
            return m.end(2), dirs[two]
        if m.group(1) in dirs:
            return m.end(1), dirs[m.group(1)]
        return pos, None

    # -- public -------------------------------------------------------------------------------
    def find(self, text: str) -> list[Span]:
        """PLACE spans in `text` (offsets into `text`), each resolved to one gazetteer place."""
        norm, omap = fast_normalize(text)
        spans, covered = self._plural_sites(text, norm, omap)
        state = _State()
        cands = self._candidates(norm)
        named = self._countries_named(cands)
        waiting: list[_Match] = []   # common-word names a list may go on from (اليرموك والحجر الأسود)
        unordered = bool(covered)
        for m in cands:
            if any(a <= m.start < b for a, b in covered):
                continue
            if m.entry.block:
                state, waiting = _State(), []
                continue
            prev = self._prev_words(norm, m.token_start, 1)  # read once, asked up to four times
            cue = self._cue_before(norm, m.token_start, prev)
            country = None
            if cue is None:
                cue, country = self._cue_after(norm, m.end)
            coordinated = False
            if cue is None and m.prefix.startswith("و") and state.cue is not None \
                    and _COORD_GAP.match(norm[state.end:m.token_start]):
                cue, coordinated = state.cue, True
            if cue is None and self._word_before_in(norm, m.token_start, self._rules["person_markers"], prev):
                continue
            if cue is None and not m.prefix and self._word_before_in(
                    norm, m.token_start, self._rules["verb_particles"], prev):
                continue
            if cue is None and self._needs_cue(m.entry):
                # a name that is also a word is a place where a list of places goes on with it
                # ("الحجر الأسود واليرموك والتضامن"): a town-level place near the one before
                near = self._listed_beside(norm, state.end, m, state.where)
                if near is None:
                    if not (waiting and _joined(norm, waiting[-1].end, m)):
                        waiting = []
                    waiting.append(m)
                    continue
                m = _Match(m.start, m.end, m.entry._replace(places=(near,)), m.token_start, m.prefix)
                coordinated = True
            elif self._needs_cue(m.entry) and not self._fits(m.entry.places, cue):
                continue  # a common word needs a cue that fits it (ساحة جديدة is no place)
            if cue is not None and self._needs_cue(m.entry) and not coordinated \
                    and cue.key in self._rules["adjective_plurals"]:
                continue  # "مناطق جديدة": the plural's adjective
            if cue is None and m.entry.key in self._rules["not_after_definite"] \
                    and self._definite_before(norm, m.token_start, prev):
                continue
            if country is None and len(m.entry.countries) > 1:
                country = self._nearest_country(named, m.start, m.entry.countries)
            span, end_n = self._span(text, norm, omap, m, cue, coordinated, country)
            if waiting:
                before = self._listed_before(text, norm, omap, waiting, m, span.value)
                spans.extend(before)
                unordered = unordered or bool(before)
                waiting = []
            spans.append(span)
            state = _State(end=end_n, cue=cue if cue is not None and cue.plural else None, where=span.value)
        if unordered:
            spans.sort(key=lambda sp: sp.start)
        return spans

    def _listed_before(self, text: str, norm: str, omap: _OffsetMap, waiting: list[_Match],
                       m: _Match, where: dict) -> list[Span]:
        """Spans for the common-word names that open a list the accepted place `m` goes on
        ("اليرموك والتضامن والحجر الأسود"): read back from `m` while each joins the next."""
        out: list[Span] = []
        after = m
        for w in reversed(waiting):
            if not _joined(norm, w.end, after):
                break
            near = self._listed_beside(norm, w.end, after, where, candidates=w.entry.places)
            if near is None:
                break
            w2 = _Match(w.start, w.end, w.entry._replace(places=(near,)), w.token_start, w.prefix)
            out.append(self._span(text, norm, omap, w2, None, True)[0])
            after = w
        return out

    def _plural_sites(self, text: str, norm: str, omap: _OffsetMap) -> tuple[list[Span], list[tuple[int, int]]]:
        """Sites named after a dual/plural cue: `مطاري X وY` is the airport of X and that of Y.

        Each name is the gazetteer's `<singular cue> <name>` when it has one, else the town
        `<name>` with the cue's site kind in the value (the site itself is not in the gazetteer).
        Returns the spans and the normalised ranges they cover (the ordinary pass skips those).
        """
        table = self._rules["plural_sites"]
        if not table:
            return [], []
        rx = _plural_cue_regex(tuple(table))
        keys = self.gazetteer.keys()
        spans: list[Span] = []
        covered: list[tuple[int, int]] = []
        for cm in rx.finditer(norm):
            singular, site_kind = table[cm.group(1)]
            words: list[tuple[int, int, str]] = []
            pos = cm.end()
            while len(words) < _PLURAL_SITE_WORDS:
                wm = _WORD_AT.match(norm, pos)
                if wm is None:
                    break
                words.append((wm.start(1), wm.end(1), wm.group(1)))
                pos = wm.end()
            i, first = 0, True
            found = []
            while i < len(words):
                ws, _, w = words[i]
                if not first:
                    if not w.startswith("و") or len(w) < 3:
                        break
                    ws, w = ws + 1, w[1:]
                got = self._site_name(keys, singular, [w] + [x[2] for x in words[i + 1:i + _SITE_NAME_WORDS]])
                if got is None:
                    break
                n, place, is_site = got
                found.append((ws, words[i + n - 1][1], place, is_site))
                i += n
                first = False
            for ws, we, place, is_site in found:
                spans.append(self._site_span(text, omap, ws, we, place, is_site, site_kind, cm))
                covered.append((ws, we))
        return spans, covered

    @staticmethod
    def _site_name(keys: dict, singular: str, words: list[str]) -> tuple[int, Place, bool] | None:
        """The longest name at the head of `words`: (word count, place, is the site itself)."""
        for n in range(len(words), 0, -1):
            name = " ".join(words[:n])
            site = [p for p in keys.get(f"{singular} {name}", ()) if p.kind == "site"]
            if site:
                return n, site[0], True
            towns = [p for p in keys.get(name, ()) if p.kind in ("city", "town", "village") and p.country == "SY"]
            if towns:
                return n, max(towns, key=lambda p: p.population or 0), False
        return None

    def _site_span(self, text: str, omap: _OffsetMap, ws: int, we: int, place: Place, is_site: bool,
                   site_kind: str, cm: re.Match[str]) -> Span:
        start, end = omap.start(ws), omap.end(we)
        value: dict[str, Any] = {
            "place_id": place.id, "name": place.name, "name_en": place.name_en,
            "kind": place.kind, "site_kind": place.site_kind if is_site else site_kind,
            "lat": place.lat, "lon": place.lon, "admin1": place.admin1, "admin1_en": place.admin1_en,
            "admin2": place.admin2, "country": place.country,
            "precision": place.precision if is_site else "site",
            "text": text[start:end], "cue": text[omap.start(cm.start(1)):omap.end(cm.end(1))],
            "resolved_by": f"plural_site:{cm.group(1)}" + ("" if is_site else ":town"),
        }
        if place.aliases:
            value["aliases"] = list(place.aliases)
        if not place.admin1:
            value["unresolved_reason"] = "no_governorate_in_gazetteer"
        elif place.lat is None:
            value["unresolved_reason"] = "no_coordinates_in_gazetteer"
        return Span(start, end, "PLACE", value, PRODUCED_BY)

    def _span(self, text: str, norm: str, omap: _OffsetMap, m: _Match, cue: _Cue | None,
              coordinated: bool, country: str | None = None) -> tuple[Span, int]:
        places = m.entry.places
        start_n, end_n = m.start, m.end
        direction = None
        if cue is not None and cue.key in _COUNTRYSIDE_CUES:
            place, rule = self._resolve(places, None, country)
            place, precision, rule = self._countryside(place, places)
            if not coordinated:
                start_n = cue.start
            end_n, direction = self._direction_after(norm, end_n)
        else:
            place, rule = self._resolve(places, cue, country)
            precision = place.precision
            if m.entry.key.startswith("ريف "):  # ريف دمشق الغربي: a part of Rif Dimashq
                end_n, direction = self._direction_after(norm, end_n)
        if coordinated:
            rule = f"coordination:{cue.key}" if cue else "list"
        start, end = omap.start(start_n), omap.end(end_n)
        value: dict[str, Any] = {
            "place_id": place.id, "name": place.name, "name_en": place.name_en,
            "kind": place.kind, "site_kind": place.site_kind, "lat": place.lat, "lon": place.lon,
            "admin1": place.admin1, "admin1_en": place.admin1_en, "admin2": place.admin2,
            "country": place.country, "precision": precision, "text": text[start:end],
            "cue": self._cue_text(text, omap, m, cue), "resolved_by": rule,
        }
        if place.aliases:
            value["aliases"] = list(place.aliases)   # the gazetteer's other names of the place
        if direction:
            value["direction"] = direction
        if cue is not None and cue.key in _COUNTRYSIDE_CUES:
            value["area"] = "countryside"
        if place.country != "SY":
            value["unresolved_reason"] = "outside_syria"
        elif place.kind != "country" and not place.admin1:
            value["unresolved_reason"] = "no_governorate_in_gazetteer"
        elif place.lat is None:
            value["unresolved_reason"] = "no_coordinates_in_gazetteer"
        return Span(start, end, "PLACE", value, PRODUCED_BY), end_n

    def _cue_text(self, text: str, omap: _OffsetMap, m: _Match, cue: _Cue | None) -> str | None:
        """The cue as written: the word before the name, or the name's own first word (سجن صيدنايا)."""
        if cue is not None:
            return text[omap.start(cue.start):omap.end(cue.start + len(cue.key))]
        first = m.entry.key.split(" ", 1)[0]
        if " " in m.entry.key and first in self._rules["cues"]:
            return text[omap.start(m.start):omap.end(m.start + len(first))]
        return None

    def run_text(self, texts: Iterable[str]) -> Iterable[list[Span]]:
        """`find` over many texts (a convenience for benchmarks)."""
        return (self.find(t) for t in texts)


@lru_cache(maxsize=4)
def _plural_cue_regex(cues: tuple[str, ...]) -> re.Pattern[str]:
    """A plural site cue as a whole word (clitics و ب ل ف allowed before it)."""
    alts = "|".join(re.escape(c) for c in sorted(cues, key=len, reverse=True))
    return re.compile(rf"(?<!\w)(?:[وفبل]{{0,2}})({alts})(?!\w)")


def _longest(matches: list[_Match]) -> list[_Match]:
    """Non-overlapping matches, longest first (ties: leftmost), returned in text order."""
    if not matches:
        return []
    taken = bytearray(max(m.end for m in matches) + 1)
    chosen: list[_Match] = []
    for m in sorted(matches, key=lambda m: (-(m.end - m.token_start), m.start)):
        if 1 in taken[m.token_start:m.end]:
            continue
        chosen.append(m)
        taken[m.token_start:m.end] = b"\x01" * (m.end - m.token_start)
    return sorted(chosen, key=lambda m: m.start)
