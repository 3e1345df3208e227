"""Find counts and amounts in Arabic news text: "3500 سجين", "مئات السجناء", "نحو 20 كلم".

`find_quantities(text)` returns `Span`s labelled ``QUANTITY`` whose value holds either `value`
(an exact number) or `min`/`max` (a range or a vague count such as عشرات), the `unit` read from
the counted noun (or from the verb before it: "قتل 5 أشخاص" counts the killed), whether it is
approximate, the qualifier (about, up_to, more_than, less_than, at_least) and the noun's own unit
as `counted`. Years, dates, times, phone numbers and labels ("الفرقة 26") are not counts.
The words live in `rasd/data/quantities/lexicon.yaml`.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from rasd.clean.normalize import normalize_arabic
from rasd.document import Span
from rasd.extract.datafiles import load_yaml
from rasd.extract.textview import make_view

LABEL = "QUANTITY"
PRODUCED_BY = "quantities"

#: Tokens looked back for a verb that names what happened to the counted ("قتل نحو 30 شخصا").
#: Three covers verb + subject-less passive + qualifier in the phrasing of news wires.
VERB_WINDOW_TOKENS = 3
#: A bare four-digit number in this range with no counted noun is taken as a year, not a count.
YEAR_RANGE = (1800, 2100)
#: A digit token longer than this is no count. The largest sums news writes out ("1,250,000,000,000"
#: dollars) take under 20 characters; `int()` refuses over 4,300 digits and a run of thousands of
#: zeros raised ValueError here (found by fuzzing, issue 12).
MAX_NUMBER_CHARS = 30

_TOKEN = re.compile(r"\d{1,3}(?:[,٬]\d{3})+(?:[.٫]\d+)?|\d+(?:[.٫]\d+)?|[^\W\d_]+|%|[^\s\w]")
# The leading lookahead changes no match; it lets the engine skip non-digit positions at once
# (153 -> 65 us a page on the Al Mayadeen corpus).
_DATE_LIKE = re.compile(r"(?=[\d+])(?:\d{1,4}[/.-]\d{1,2}[/.-]\d{1,4}|\d{1,2}:\d{2}|(?:\+|00)\d[\d \-]{6,}\d|\d{8,})")
_CLITICS = "وبلف"
_TENS = frozenset((20, 30, 40, 50, 60, 70, 80, 90))


@dataclass(frozen=True, slots=True)
class QuantityOptions:
    """Options of the quantity finder."""

    require_unit: bool = False      # drop numbers whose counted noun is unknown
    vague: bool = True              # report vague counts (عشرات، عدد من)
    duals: bool = True              # read a lone dual noun (جنديان) as 2


@dataclass(frozen=True, slots=True)
class _Lex:
    numbers: dict[str, tuple[str, int]]            # word -> (class, value)
    teen_tails: frozenset[str]
    vague: dict[str, tuple[int, int]]
    vague_mult: dict[str, int]
    vague_none: tuple[tuple[str, ...], ...]
    qual_before: tuple[tuple[tuple[str, ...], str], ...]
    qual_after: tuple[tuple[tuple[str, ...], str], ...]
    nouns: dict[tuple[str, ...], str]
    noun_max: int
    duals: dict[str, str]
    modifiers: frozenset[str]
    verbs: dict[tuple[str, ...], str]
    person_units: frozenset[str]
    designators: frozenset[str]
    months: frozenset[str]
    starters: frozenset[str]
    verbs_by_last: dict[str, tuple[tuple[tuple[str, ...], str], ...]]


#: Possessive pronoun suffixes (normalised) a partitive noun may carry ("من عناصره", "من مقاتليهم").
_POSSESSIVE = ("هما", "هم", "هن", "ها", "ه")


def _n(w: str) -> str:
    return normalize_arabic(str(w))


def _toks(phrase: str) -> tuple[str, ...]:
    return tuple(t.group() for t in _TOKEN.finditer(_n(phrase)))


def _dual_forms(word: str) -> list[str]:
    stem = _n(word)
    stem = stem[:-1] + "ت" if stem.endswith("ه") else stem
    return [stem + "ان", stem + "ين"]


@lru_cache(maxsize=1)
def _lexicon() -> _Lex:
    d = load_yaml("quantities", "lexicon.yaml")
    numbers: dict[str, tuple[str, int]] = {}
    for cls in ("units", "tens", "hundreds", "multipliers", "teen_heads"):
        for val, words in d[cls].items():
            for w in words:
                numbers.setdefault(_n(w), (cls, int(val)))
    vague = {_n(w): tuple(v["range"]) for v in d["vague"] for w in v["words"]}
    vague_mult = {_n(w): int(k) for k, ws in d["vague_multipliers"].items() for w in ws}
    qb = sorted(((_toks(w), q) for q, ws in d["qualifiers_before"].items() for w in ws), key=lambda x: -len(x[0]))
    qa = sorted(((_toks(w), q) for q, ws in d["qualifiers_after"].items() for w in ws), key=lambda x: -len(x[0]))
    nouns = {_toks(w): u for u, ws in d["nouns"].items() for w in ws}
    plurals = {k[0] for k in nouns if len(k) == 1}
    duals: dict[str, str] = {}
    for w in d["dual_from"]:
        unit = nouns.get(_toks(w)) or {"أسبوع": "weeks"}.get(w)
        for f in _dual_forms(w):
            if f not in plurals and unit:
                duals[f] = unit
    verbs = {_toks(w): u for u, ws in d["event_verbs"].items() for w in ws}
    months: set[str] = set()
    cal = load_yaml("dates", "calendar.yaml")
    for ws in cal["months"].values():
        months.update(_toks(w)[0] for w in ws)
    return _Lex(numbers, frozenset(_n(w) for w in d["teen_tails"]), vague, vague_mult,
                tuple(_toks(w) for w in d["vague_none"]), tuple(qb), tuple(qa), nouns,
                max(len(k) for k in nouns), duals, frozenset(_n(w) for w in d["noun_modifiers"]),
                verbs, frozenset(d["person_units"]), frozenset(_n(w) for w in d["designators"]),
                frozenset(months), _starters(numbers, vague, duals, d["vague_none"]), _by_last(verbs))


def _starters(*tables: Any) -> frozenset[str]:
    """Tokens a quantity can begin with, bare and with one clitic (وعشرات، بخمسة)."""
    words = {w for t in tables[:3] for w in t} | {_toks(p)[0] for p in tables[3]}
    return frozenset(words | {c + w for w in words for c in _CLITICS})


def _by_last(verbs: dict[tuple[str, ...], str]) -> dict[str, tuple[tuple[tuple[str, ...], str], ...]]:
    out: dict[str, list[tuple[tuple[str, ...], str]]] = {}
    for words, unit in verbs.items():
        for key in (words[-1],) + (tuple(c + words[-1] for c in _CLITICS) if len(words) == 1 else ()):
            out.setdefault(key, []).append((words, unit))
    return {k: tuple(v) for k, v in out.items()}


class _Scan:
    """Tokens of one normalised text and the parsing steps over them."""

    __slots__ = ("norm", "toks", "_starts", "lex")

    def __init__(self, norm: str, lex: _Lex):
        self.norm, self.lex = norm, lex
        self.toks = _TOKEN.findall(norm)
        self._starts: list[int] | None = None

    def start(self, i: int) -> int:
        """Offset of token i in `norm` (all offsets found in one regex pass on first use: filling
        them token by token in Python cost a third of the finder's time)."""
        if self._starts is None:
            self._starts = [m.start() for m in _TOKEN.finditer(self.norm)]
        return self._starts[i]

    def end(self, i: int) -> int:
        """Exclusive end offset of token i."""
        return self.start(i) + len(self.toks[i])

    def word(self, i: int, table: Any) -> str | None:
        """Token i if it is in `table`, also after stripping one clitic (وعشرات، بخمسة)."""
        if i >= len(self.toks):
            return None
        t = self.toks[i]
        if t in table:
            return t
        if len(t) > 2 and t[0] in _CLITICS and t[1:] in table:
            return t[1:]
        return None

    def digits(self, i: int) -> float | None:
        if i >= len(self.toks) or not self.toks[i][0].isdecimal() or len(self.toks[i]) > MAX_NUMBER_CHARS:
            return None
        t = self.toks[i].replace(",", "").replace("٬", "").replace("٫", ".")
        return float(t) if "." in t else int(t)

    def chunk(self, i: int) -> tuple[float, int, int, bool] | None:
        """One number chunk at i: (value, next index, multiplier used, is_digits)."""
        lex = self.lex
        v = self.digits(i)
        is_digits = v is not None
        j = i + 1
        if v is None:
            w = self.word(i, lex.numbers)
            if w is None:
                return None
            cls, v = lex.numbers[w]
            if cls == "teen_heads":
                if self.word(j, lex.teen_tails) is None:
                    return None
                v, j = 10 + v, j + 1
            elif cls == "units" and v >= 3 and self.word(j, lex.teen_tails) is not None and v != 10:
                v, j = 10 + v, j + 1
            if cls == "multipliers":
                if w in self.lex.vague:
                    return None      # "آلاف السكان": a vague count, not the number 1000
                return v, j, v, False
        mult = 1
        m = self.word(j, lex.numbers)
        if m is not None and lex.numbers[m][0] == "multipliers":
            mult = lex.numbers[m][1] // (2 if lex.numbers[m][1] in (2000, 2000000) else 1)
            if lex.numbers[m][1] in (2000, 2000000):
                return None if is_digits else (v * mult, j + 1, mult, False)
            v, j = v * mult, j + 1
        return v, j, mult, is_digits

    def number(self, i: int) -> tuple[float, int, int, bool] | None:
        """A full number at i, chunks joined by و: (value, next index, largest multiplier, digits)."""
        first = self.chunk(i)
        if first is None:
            return None
        total, j, mag, is_digits = first
        last = total
        while j < len(self.toks):
            t = self.toks[j]
            if t == "و":
                nxt = self.chunk(j + 1)
            elif t[0] == "و" and self.word(j, self.lex.numbers):
                nxt = self.chunk(j)
            else:
                break
            if nxt is None:
                break
            v, j2, m2, _ = nxt
            small_after_big = mag > 1 and v < mag
            tens_after_unit = not is_digits and last < 10 and v // m2 in _TENS
            rest_after_hundreds = not is_digits and mag == 1 and last >= 100 and last % 100 == 0 and v < 100
            if not (small_after_big or tens_after_unit or rest_after_hundreds):
                break
            if tens_after_unit and m2 > 1:          # "خمسة وعشرون ألف" = (5 + 20) x 1000
                total, mag = (total + v // m2) * m2, m2
            else:
                total += v
            last, j = v, j2
        return total, j, mag, is_digits

    def phrase_before(self, i: int, table: tuple[tuple[tuple[str, ...], str], ...]) -> tuple[int, str] | None:
        for words, label in table:
            k = len(words)
            if i - k >= 0 and tuple(self.toks[i - k:i]) == words:
                return i - k, label
            if i - k >= 0 and k and self.toks[i - k][0] in _CLITICS and \
                    (self.toks[i - k][1:],) + tuple(self.toks[i - k + 1:i]) == words:
                return i - k, label
        return None

    def phrase_after(self, j: int, table: tuple[tuple[tuple[str, ...], str], ...]) -> tuple[int, str] | None:
        for words, label in table:
            if tuple(self.toks[j:j + len(words)]) == words:
                return j + len(words), label
        return None

    def noun(self, j: int) -> tuple[int, str] | None:
        """The counted noun at j (indefinite, definite, or after من and a modifier)."""
        lex = self.lex
        for k in range(min(lex.noun_max, len(self.toks) - j), 0, -1):
            words = tuple(self.toks[j:j + k])
            u = lex.nouns.get(words)
            if u is None and words[0].startswith("ال"):
                u = lex.nouns.get((words[0][2:],) + words[1:])
            if u is not None:
                return j + k, u
        if j < len(self.toks) and self.toks[j] == "من" and j + 1 < len(self.toks):
            t1 = self.toks[j + 1]
            bare = t1[2:] if t1.startswith("ال") else t1
            got = self.noun(j + 2) if bare in lex.modifiers else None
            if got is not None:
                return got
            if t1.startswith("ال") or t1 in lex.modifiers:
                got = self.noun(j + 1)
                if got is not None:
                    return got
            # "9 من عناصره", "5 من مقاتليها": a partitive noun with a possessive pronoun
            for suffix in _POSSESSIVE:
                if t1.endswith(suffix) and len(t1) - len(suffix) >= 3:
                    stem = t1[:-len(suffix)]
                    u = lex.nouns.get((stem,)) or (lex.nouns.get((stem + "ن",)) if stem.endswith("ي") else None)
                    if u is not None:
                        return j + 2, u
        return None

    def verb_before(self, i: int) -> str | None:
        """Unit named by a verb in the few tokens before i ("قتل 5", "إطلاق سراح 20")."""
        by_last = self.lex.verbs_by_last
        for back in range(1, VERB_WINDOW_TOKENS + 1):
            k = i - back
            if k < 0:
                return None
            for words, unit in by_last.get(self.toks[k], ()):
                n = len(words)
                got = tuple(self.toks[k - n + 1:k + 1])
                if got == words or (got and got[0][:1] in _CLITICS and (got[0][1:],) + got[1:] == words):
                    return unit
        return None


def _is_label_or_date(s: _Scan, i: int, j: int, value: float, is_digits: bool, has_unit: bool) -> bool:
    """Numbers that are not counts: years, days of a month, times, labels ("الفرقة 26")."""
    lex, norm = s.lex, s.norm
    if i > 0 and s.toks[i - 1] in lex.designators:
        return True
    if not is_digits:
        return False
    if s.word(j, lex.months) or (i > 0 and s.word(i - 1, lex.months)):
        return True
    if norm[max(0, s.start(i) - 2):s.start(i)] == "ال":
        return True              # "الـ17": an ordinal or a day
    tok = s.toks[i]
    return not has_unit and len(tok) == 4 and tok.isdecimal() and YEAR_RANGE[0] <= value <= YEAR_RANGE[1]


def _value(**kw: Any) -> dict[str, Any]:
    out: dict[str, Any] = {"value": None, "min": None, "max": None, "unit": None, "approx": False,
                           "text": "", "vague": False, "qualifier": None, "counted": None}
    out.update(kw)
    return out


def _number_value(v: float) -> float | int:
    return int(v) if float(v).is_integer() else v


def find_quantities(text: str, options: QuantityOptions = QuantityOptions()) -> list[Span]:
    """Find counts in `text`; each `Span(label="QUANTITY")` value is a dict (see module doc)."""
    lex = _lexicon()
    view = make_view(text)
    s = _Scan(view.norm, lex)
    blocked = [(m.start(), m.end()) for m in _DATE_LIKE.finditer(view.norm)]
    spans: list[Span] = []
    n = len(s.toks)
    starters = lex.starters
    i = 0
    while i < n:
        tok = s.toks[i]
        if not (tok[0].isdecimal() or tok in starters):
            i += 1
            continue
        got = _parse_at(s, i, options, blocked)
        if got is None:
            i += 1
            continue
        start_tok, end_tok, value = got
        rs, re_ = view.to_orig(s.start(start_tok)), view.to_orig_end(s.end(end_tok - 1))
        value["text"] = text[rs:re_]
        spans.append(Span(rs, re_, LABEL, value, PRODUCED_BY))
        i = end_tok
    return spans


def _parse_at(s: _Scan, i: int, opt: QuantityOptions, blocked: list[tuple[int, int]]) -> tuple[int, int, dict[str, Any]] | None:
    lex, tok = s.lex, s.toks[i]
    lo = hi = None
    vague = False
    j = i
    num = s.number(i) if tok[0].isdecimal() or s.word(i, lex.numbers) else None
    if num is not None:
        if tok[0].isdecimal() and any(a <= s.start(i) < b for a, b in blocked):
            return None
        value, j, mag, is_digits = num
        had_mult = mag > 1
        lo = hi = value
        # a range: "بين 4 الاف و500 و5 الاف", "ما بين 12 إلى 13 ألف", "من 10 إلى 15"
        pre = s.toks[i - 1] if i > 0 else ""
        if j + 1 < len(s.toks) and s.toks[j] in ("و", "الي", "-", "–", "او", "حتي"):
            sep = s.toks[j]
            ok = (pre in ("بين", "من") and sep != "او") or sep in ("الي", "-", "–", "او")
            second = s.number(j + 1) if ok else None
            if second is not None:
                hi2, j2, mag2, _ = second
                lo2 = value * mag2 if mag == 1 and mag2 > 1 and value * mag2 <= hi2 else value
                if hi2 > lo2:
                    lo, hi, j = lo2, hi2, j2
        if lo == hi and not is_digits and lo <= 2 and not had_mult:
            return _small_word(s, i, j, lo)
    elif opt.vague and s.word(i, lex.vague):
        w = s.word(i, lex.vague)
        lo, hi = lex.vague[w]
        j = i + 1
        m = s.word(j, lex.vague_mult)
        if m is not None:
            lo, hi, j = lo * lex.vague_mult[m], (hi + 1) * lex.vague_mult[m] - 1, j + 1
        vague, is_digits = True, False
    elif opt.vague and any(tuple(s.toks[i:i + len(p)]) == p for p in lex.vague_none):
        p = next(p for p in lex.vague_none if tuple(s.toks[i:i + len(p)]) == p)
        j = i + len(p)
        got = s.noun(j)
        if got is None:
            return None
        return i, got[0], _value(unit=got[1], approx=True, vague=True)
    elif opt.duals and s.word(i, lex.duals) and not (i > 0 and s.toks[i - 1][0].isdecimal()):
        unit = lex.duals[s.word(i, lex.duals)]
        return i, i + 1, _value(value=2, unit=unit, counted=unit)
    else:
        return None
    # qualifier, counted noun, verb
    start = i
    qualifier = None
    if i > 0 and s.toks[i - 1] in ("بين", "من") and lo != hi and not vague:
        start = i - 1
        if start > 0 and s.toks[start - 1] == "ما":
            start -= 1
    q = s.phrase_before(start, lex.qual_before)
    if q is not None:
        start, qualifier = q
    end = j
    noun = s.noun(j)
    counted = None
    if noun is not None:
        end, counted = noun
    after = s.phrase_after(end, lex.qual_after)
    if after is not None and qualifier is None:
        end, qualifier = after
    if not vague and _is_label_or_date(s, i, j, lo, is_digits, counted is not None):
        return None
    unit = counted
    verb = s.verb_before(start)
    if verb is not None and (unit is None or unit in lex.person_units):
        unit = verb
    if unit is None and opt.require_unit:
        return None
    approx = vague or qualifier is not None
    if lo == hi and not vague:
        return start, end, _value(value=_number_value(lo), unit=unit, approx=approx,
                                  qualifier=qualifier, counted=counted)
    return start, end, _value(min=_number_value(lo), max=_number_value(hi), unit=unit, approx=approx,
                              vague=vague, qualifier=qualifier, counted=counted)


def _small_word(s: _Scan, i: int, j: int, value: float) -> tuple[int, int, dict[str, Any]] | None:
    """واحد/اثنان follow their noun ("جندي واحد", "سائق سوري واحد"); alone they are not counts."""
    for back in (1, 2):
        k = i - back
        if k >= 0:
            got = s.noun(k)
            if got is not None and got[0] == k + 1:
                return k, j, _value(value=_number_value(value), unit=got[1], counted=got[1])
    got = s.noun(j)
    if got is not None:
        return i, got[0], _value(value=_number_value(value), unit=got[1], counted=got[1])
    return None
