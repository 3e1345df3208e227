"""Find time expressions in Arabic news text and resolve them to dates.

`find_dates(text, anchor)` returns `Span`s labelled ``DATE`` whose value says what the
expression means: a value (``YYYY-MM-DD``, ``YYYY-MM`` or ``YYYY``), its precision, and whether
it was read from the text (``absolute``) or resolved against the anchor, the document's own date
(``relative``). Nothing is guessed: without an anchor a relative expression keeps ``value=None``
and ``unresolved_reason="no anchor"``.

Decisions (documented here because callers rely on them):
- A day and month without a year take the anchor's year when that date is on or before the
  anchor, else the year before ("the most recent past occurrence"); a future context
  (``المقبل``, ``سوف``, ``من المقرر``) takes the next occurrence instead. ``الماضي`` forces the
  past, ``الجاري`` the anchor's month.
- ``الأسبوع الماضي`` resolves to a month only when the seven days before the anchor lie in one
  month; otherwise ``value=None`` (``week_spans_months``). ``قبل أيام``/``منذ سنوات`` (no count)
  are vague: ``value=None``, ``unresolved_reason="vague"``. ``قبل أسبوعين`` gives a day marked
  ``approximate``; months and years give month and year precision.
- Hijri dates are converted with the tabular (arithmetic) Islamic calendar and are always marked
  ``approximate``: a Hijri year gives the Gregorian year holding most of it, a Hijri month the
  Gregorian month holding its 15th day.
- ``أمس الثلاثاء`` must be the day before the anchor; when the weekday disagrees the weekday
  wins (the nearest such weekday before the anchor).
- A bare weekday is the nearest such day on or before the anchor, unless its clause is future: a
  future marker before it (سوف، من المقرر، غداً، a verb with the prefix سـ, not سيطرت/ستة/سنوات)
  or, for a fronted weekday, a future verb right after ("الخميس سيلتقي"); then on or after.
  A value resolved forward only because of such a context keeps its backward reading in
  ``past_value`` (a past-tense event near a future word takes it); ``future`` says the value
  looks ahead (by its own words, المقبل/غداً, or by its clause).
- ``منذ`` right before an expression (``منذ أيلول 2023``, ``منذ 2011``, ``منذ سنوات``; ``منذ + a
  count`` after an imperfect verb or مستمر) marks the start of a span: ``since=True``, and it dates
  no event. A date in a clause that ``منذ`` opens is marked ``since_clause``.
- Seasons give at most a year (``الصيف الماضي``, ``صيف 2019``; a winter counts as its January's
  year), ``approximate``; a bare ``الشتاء`` is a season with ``value=None`` (``vague``), never a
  day. ``الليلة الماضية`` is the day before the anchor, ``الليل قبل الماضي`` two days before.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from rasd.clean.normalize import normalize_arabic
from rasd.document import Span
from rasd.extract.dates_calendar import (
    hijri_to_gregorian, next_weekday as _next_weekday, recent_weekday as _recent_weekday,
    resolve_day_month as _resolve_day_month, resolve_month as _resolve_month, season_year as _season_year,
    shift_month as _shift_month, valid as _valid,
)
from rasd.extract.datafiles import load_yaml
from rasd.extract.textview import make_view

LABEL = "DATE"
PRODUCED_BY = "dates"

#: How far back (normalised characters) a future marker (سوف، من المقرر) still colours a bare
#: weekday or day-month. About one short clause; chosen from reading news phrasing, not tuned.
FUTURE_WINDOW_CHARS = 40


@dataclass(frozen=True, slots=True)
class DateOptions:
    """Options of the date finder."""

    weekdays_alone: bool = True     # report a bare weekday ("الخميس") as a date
    vague: bool = True              # report vague expressions ("قبل أيام") with value None
    hijri: bool = True              # read Hijri dates
    min_year: int = 1000            # years outside [min_year, max_year] are not dates
    max_year: int = 2100
    #: Bare years after a preposition ("في 2018") need this floor: "في 1500" is rarely a year.
    min_bare_year: int = 1900


# --------------------------------------------------------------------------- lexicon


def _n(word: str) -> str:
    return normalize_arabic(word)


def _alt(words: Any) -> str:
    """Regex alternation of normalised words as a trie (spaces match `\\s+`).

    A flat alternation of a few hundred words is tried branch by branch at every position; the
    trie shares prefixes, so the finder stays fast on long pages.
    """
    trie: dict[str, Any] = {}
    for w in {_n(w) for w in words}:
        node = trie
        for ch in w:
            node = node.setdefault(ch, {})
        node[""] = {}
    return _trie_regex(trie)


def _trie_regex(node: dict[str, Any]) -> str:
    ends = "" in node
    branches = [(r"\s+" if ch == " " else re.escape(ch)) + _trie_regex(child)
                for ch, child in sorted(node.items()) if ch]
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    if ends:
        return "(?:" + body + ")?"
    return body


def _index(mapping: dict[Any, list[str]]) -> dict[str, Any]:
    return {re.sub(r"\s+", " ", _n(w)): k for k, words in mapping.items() for w in words}


@dataclass(frozen=True, slots=True)
class _Lexicon:
    months: dict[str, int]
    ambiguous: frozenset[str]
    weekdays: dict[str, int]
    ordinals: dict[str, int]
    pods: dict[str, str]
    rel_days: dict[str, int]
    direction: dict[str, str]
    units: dict[str, tuple[str, int | None]]      # word -> (unit, count or None for plural)
    small: dict[str, int]
    hijri: dict[str, int]
    operations: dict[str, tuple[dt.date, str]]    # normalised name -> (start, display name)
    seasons: dict[str, tuple[int, ...]]           # normalised season word -> its months
    season_not_after: frozenset[str]
    ongoing: tuple[str, ...]                      # "مستمر", "متواصل": still going on
    regex: re.Pattern[str]
    future: re.Pattern[str]
    heads: re.Pattern[str]


def _ordinal_words(data: dict[str, Any]) -> dict[str, int]:
    """1–39 (and 40) as ordinal words: units, teens (الحادي عشر), tens (الثاني والعشرين)."""
    units = {int(k): v for k, v in data["ordinals"].items()}
    out: dict[str, int] = {w: k for k, ws in units.items() for w in ws}
    compound = dict(units)
    compound[1] = list(data["compound_units"][1])
    for k, ws in compound.items():
        if k == 10:
            continue
        for w in ws:
            for suffix in data["teen_suffix"]:
                out[f"{w} {suffix}"] = 10 + k
    for ten, tws in data["tens"].items():
        for tw in tws:
            out[tw] = int(ten)
            for k, ws in compound.items():
                if k != 10:
                    for w in ws:
                        out[f"{w} و{tw}"] = int(ten) + k
    return out


@lru_cache(maxsize=1)
def _lexicon() -> _Lexicon:
    data = load_yaml("dates", "calendar.yaml")
    ops = load_yaml("dates", "operations.yaml")["operations"]
    months = _index(data["months"])
    weekdays = _index(data["weekdays"])
    ordinals = {re.sub(r"\s+", " ", _n(w)): k for w, k in _ordinal_words(data).items()}
    pods = _index(data["parts_of_day"])
    rel_days = _index(data["relative_days"])
    direction = _index(data["direction"])
    units: dict[str, tuple[str, int | None]] = {}
    for unit, forms in data["duration_units"].items():
        for kind, count in (("one", 1), ("two", 2), ("many", None)):
            for w in forms[kind]:
                units[_n(w)] = (unit, count)
    small = _index(data["small_numbers"])
    hijri = _index(data["hijri_months"])
    operations: dict[str, tuple[dt.date, str]] = {}
    for op in ops:
        start = op["start"] if isinstance(op["start"], dt.date) else dt.date.fromisoformat(op["start"])
        for name in op["names"]:
            operations[re.sub(r"\s+", " ", _n(name))] = (start, op["names"][0])
    regex = _build_regex(data, ordinals, ops)
    head_words = [w for k in ("months", "weekdays", "hijri_months", "relative_days") for ws in data[k].values() for w in ws]
    head_words += [w for f in data["duration_units"].values() for ws in f.values() for w in ws]
    # a season without the article needs a year ("صيف 2019"), whose digits are a head already; a
    # bare "صيف"/"ليل" head would be tried inside رصيف، قليل
    head_words += [w for se in data["seasons"].values() for w in se["words"] if w.startswith("ال")]
    head_words += data["nights"]
    head_words += ["الأمس", "غد", "الشهر", "الأسبوع", "العام", "السنة", "الأسابيع", "الأشهر", "الشهور",
                   "الأيام", "الأعوام", "السنوات"]
    heads = re.compile(r"\d|" + _alt(head_words))
    # a verb with the future prefix: س + ي/ت/ن + at least two letters, unless the word is one of
    # the common words that only look like one (سيطرت، ستة، سنوات)
    future = re.compile(r"(?<!\w)[وف]?" + _alt(data["future_markers"]) + r"(?!\w)"
                        + r"|(?<!\w)(?!" + _alt(data["not_future_stems"]) + "|" + _alt(data["not_future_words"])
                        + r"(?!\w))س[يتن]\w\w")
    seasons = {_n(w): tuple(s["months"]) for s in data["seasons"].values() for w in s["words"]}
    return _Lexicon(months, frozenset(_n(w) for w in data["ambiguous_months"]), weekdays, ordinals,
                    pods, rel_days, direction, units, small, hijri, operations, seasons,
                    frozenset(_n(w) for w in data["season_not_after"]),
                    tuple(_n(w) for w in data["ongoing_words"]), regex, future, heads)


def _build_regex(data: dict[str, Any], ordinals: dict[str, int], ops: list[dict[str, Any]]) -> re.Pattern[str]:
    mon = _alt(w for ws in data["months"].values() for w in ws)
    wd = _alt(w for ws in data["weekdays"].values() for w in ws)
    pod = _alt(w for ws in data["parts_of_day"].values() for w in ws)
    dirw = _alt(w for ws in data["direction"].values() for w in ws)
    reld = _alt([w for ws in data["relative_days"].values() for w in ws] + ["الأمس"])
    ords = _alt(ordinals)
    ord12 = _alt(w for w, k in ordinals.items() if k <= 12)
    edges = _alt(data["month_edges"])
    ylead = _alt(data["year_lead"])
    hmon = _alt(w for ws in data["hijri_months"].values() for w in ws)
    units = _alt(w for f in data["duration_units"].values() for ws in f.values() for w in ws)
    small = _alt(w for ws in data["small_numbers"].values() for w in ws)
    opn = _alt(n for op in ops for n in op["names"])
    season = _alt(w for se in data["seasons"].values() for w in se["words"])
    night = _alt(data["nights"])
    day = rf"(?:ال)?\d{{1,2}}(?!\d)|{ords}"
    yr = r"(?:عام|العام|سنه|السنه)"

    def monp(p: str) -> str:
        # (?!\w): a month name must end its word ("5 من آب" is a date, "5 من أبطال" is not)
        return rf"(?P<{p}_m>{mon})(?!\w)(?:\s*[/\\(]\s*(?P<{p}_m2>{mon})(?!\w)(?:\s*\))?)?"

    alts = {
        "iso": r"(?P<iso_y>\d{4})[-/](?P<iso_m>\d{1,2})[-/](?P<iso_d>\d{1,2})(?!\d)",
        "dmy": r"(?P<dmy_d>\d{1,2})[/.-](?P<dmy_m>\d{1,2})[/.-](?P<dmy_y>\d{4})(?!\d)",
        "hijri": (rf"(?:{yr}\s+)?(?:(?P<hj_d>\d{{1,2}})\s+(?:من\s+)?)?(?:(?P<hj_m>{hmon})\s*)?"
                  rf"(?:{yr}\s+)?(?P<hj_y>1[2-5]\d\d)(?!\d)\s*(?P<hj_h>ه(?!\w)|هجري\w*)?"),
        "dm": (rf"(?:(?P<dm_pod>{pod})\s+)?(?:(?P<dm_rd>اليوم|امس)\s*[،,]?\s+)?"
               rf"(?:(?P<dm_wd>{wd})\s*[،,]?\s*)?(?:يوم\s+)?(?P<dm_d>{day})"
               rf"(?:\s*(?:و|-|–|الي|حتي)\s*(?P<dm_d2>{day}))?\s*(?:من\s+)?(?:شهر\s+)?{monp('dm')}"
               rf"(?:\s*[،,]?\s*(?:من\s+)?(?:{yr}\s*)?(?P<dm_y>\d{{4}})(?!\d)|\s+(?P<dm_rel>{dirw}))?"),
        "opday": (rf"اليوم\s+(?P<op_n>{ords}|(?:ال)?\d{{1,3}}(?!\d))\s*(?:(?:من|علي)\s+|ل(?=\S))"
                  rf"(?:(?:بدء|بدايه|انطلاق|انطلاقه)\s+)?(?P<op_w>(?:ال)?(?:عمليه|معركه|هجوم|حمله))?"
                  rf"\s*[\"«“'(]?\s*(?P<op_name>{opn})?"),
        "my": (rf"(?:(?P<my_edge>{edges})\s+)?(?:(?P<my_sh>شهر|الشهر)\s+)?{monp('my')}"
               rf"(?:\s*[،,]?\s*(?:من\s+)?(?:{yr}\s*)?(?P<my_y>\d{{4}})(?!\d)"
               rf"|\s+(?:من\s+)?(?:العام|السنه)\s+(?P<my_yrel>{dirw})|\s+(?P<my_rel>{dirw}))?"),
        "mord": rf"الشهر\s+(?P<mo_o>{ord12})\s+(?:من\s+)?(?:{yr}\s*)?(?P<mo_y>\d{{4}})(?!\d)",
        "yrange": (rf"(?:(?P<yr_pre>بين|من|منذ)\s+)?(?P<yr_w>(?:ال)?(?:عامين|عامي|سنتين|سنتي|اعوام)\s+)?"
                   rf"(?:{yr}\s+)?(?P<yr_a>\d{{4}})(?!\d)\s*(?P<yr_sep>و|-|–|/|الي|حتي)\s*(?:{yr}\s*)?"
                   rf"(?P<yr_b>\d{{4}})(?!\d)"),
        "year": (rf"(?P<yy_pre>{yr}|{ylead})\s+(?P<yy>\d{{4}})(?!\d)(?:\s*(?:م|ميلادي)(?!\w))?"
                 rf"|(?P<yy2>\d{{4}})\s*(?:م|ميلادي)(?!\w)"),
        "rday": rf"(?:(?P<rd_pod>{pod})\s+)?(?P<rd_w>{reld})(?!\w)(?:\s*[،,]?\s*(?P<rd_wd>{wd}))?",
        "wd": (rf"(?:(?P<wd_pod>{pod})\s+)?(?:(?P<wd_yawm>يوم)\s+)?(?P<wd_w>{wd})(?!\w)"
               rf"(?:\s*[-–/]\s*(?P<wd_w2>{wd}))?(?:\s+(?P<wd_rel>{dirw}))?"),
        "rper": (rf"(?:(?P<rp_edge>{edges})\s+)?(?:(?P<rp_p>الاسبوع|الشهر|العام|السنه|الاسابيع|الاشهر|الشهور|الايام|الاعوام|السنوات)\s+(?P<rp_d>{dirw})"
                 rf"|(?P<rp_this>هذا|هذه)\s+(?P<rp_p2>العام|الشهر|الاسبوع|السنه))"),
        "season": (rf"(?:(?P<se_this>هذا|هذه)\s+)?(?:(?:فصل|موسم)\s+)?(?P<se_w>{season})(?!\w)"
                   rf"(?:\s*[،,]?\s*(?:من\s+)?(?:{yr}\s*)?(?P<se_y>\d{{4}})(?!\d)|\s+(?P<se_rel>{dirw})(?!\w))?"),
        "night": rf"(?P<nt_w>{night})\s+(?P<nt_b>قبل\s+)?(?P<nt_rel>{dirw})(?!\w)",
        "ago": (rf"(?P<ag_w>قبل|منذ|بعد)\s+(?:(?P<ag_n>\d{{1,3}}|{small})\s+)?(?P<ag_u>{units})(?!\w)"
                rf"(?!\s*\d)(?P<ag_of>\s+(?:(?:فقط|فحسب|تقريبا)\s+)?(?:من|علي)\s)?"),
    }
    body = "|".join(f"(?P<k_{k}>{v})" for k, v in alts.items())
    return re.compile(body)


# --------------------------------------------------------------------------- the finder


def _value(value: str | None, precision: str | None, basis: str, kind: str, **extra: Any) -> dict[str, Any]:
    out: dict[str, Any] = {"value": value, "precision": precision if value else None, "basis": basis,
                           "text": "", "kind": kind, "end": None, "part_of_day": None,
                           "unresolved_reason": None, "approximate": False, "future": False,
                           "since": False, "since_clause": False, "past_value": None}
    out.update(extra)
    return out


def _unresolved(kind: str, reason: str, **extra: Any) -> dict[str, Any]:
    return _value(None, None, "relative", kind, unresolved_reason=reason, **extra)


def _day_of(word: str, lex: _Lexicon) -> int | None:
    w = re.sub(r"\s+", " ", word)
    if w.startswith("ال") and w[2:].isdecimal():
        w = w[2:]
    return int(w) if w.isdecimal() else lex.ordinals.get(w)


def _month_of(m: re.Match[str], p: str, lex: _Lexicon) -> int:
    return lex.months[re.sub(r"\s+", " ", m.group(f"{p}_m"))]


def _left_ok(norm: str, i: int) -> bool:
    """A match must start a word, allowing the clitics و ف ب ل (وأمس، بـ2011، ففي)."""
    if i == 0 or not norm[i - 1].isalnum():
        return True
    j = i - 1
    while j >= 0 and i - j <= 2 and norm[j] in "وفبل":
        if j == 0 or not norm[j - 1].isalnum():
            return True
        j -= 1
    return False


class _Ctx:
    __slots__ = ("norm", "anchor", "opt", "lex")

    def __init__(self, norm: str, anchor: dt.date | None, opt: DateOptions, lex: _Lexicon):
        self.norm, self.anchor, self.opt, self.lex = norm, anchor, opt, lex

    def future_before(self, i: int) -> bool:
        """A future marker in the clause just before offset `i` ("سيعقد المجلس جلسة الخميس")."""
        window = self.norm[max(0, i - FUTURE_WINDOW_CHARS):i]
        window = re.split(r"[.،,؛;\n]", window)[-1]
        return bool(self.lex.future.search(window))

    def future_after(self, i: int, j: int) -> bool:
        """A fronted expression at [i, j) followed at once by a future verb ("الخميس سيلتقي الوزير").

        Only a fronted one: after "قال السبت إنه سيضاعف" the future verb is the reported
        statement's, not the saying's.
        """
        before = self.norm[max(0, i - 4):i].rstrip()
        if before and before[-1] not in ".،,؛;:\n" and before.split()[-1] not in ("و", "ف", "في", "وفي"):
            return False
        words = re.split(r"[.،,؛;:\n]", self.norm[j:j + FUTURE_WINDOW_CHARS])[0].split()[:1]
        return bool(words) and bool(self.lex.future.match(words[0]))

    def future_around(self, i: int, j: int) -> bool:
        """The clause of the expression at [i, j) is future (a marker before it or a verb right after)."""
        return self.future_before(i) or self.future_after(i, j)


def _h_iso(m: re.Match[str], c: _Ctx) -> tuple[int, dict[str, Any]] | None:
    d = _valid(int(m["iso_y"]), int(m["iso_m"]), int(m["iso_d"]))
    return (m.start(), _value(d.isoformat(), "day", "absolute", "date")) if d else None


def _h_dmy(m: re.Match[str], c: _Ctx) -> tuple[int, dict[str, Any]] | None:
    # Arabic news writes day/month/year; a month above 12 means the text was month/day.
    a, b, y = int(m["dmy_d"]), int(m["dmy_m"]), int(m["dmy_y"])
    d = _valid(y, b, a) or _valid(y, a, b)
    return (m.start(), _value(d.isoformat(), "day", "absolute", "date")) if d else None


def _h_hijri(m: re.Match[str], c: _Ctx) -> tuple[int, dict[str, Any]] | None:
    if not c.opt.hijri or not (m["hj_h"] or m["hj_m"]):
        return None
    y = int(m["hj_y"])
    if m["hj_m"]:
        hm = c.lex.hijri[re.sub(r"\s+", " ", m["hj_m"])]
        if m["hj_d"] and 1 <= int(m["hj_d"]) <= 30:
            g = hijri_to_gregorian(y, hm, int(m["hj_d"]))
            return m.start(), _value(g.isoformat(), "day", "absolute", "hijri", approximate=True)
        g = hijri_to_gregorian(y, hm, 15)
        return m.start(), _value(f"{g.year:04d}-{g.month:02d}", "month", "absolute", "hijri", approximate=True)
    mid = hijri_to_gregorian(y, 6, 30)
    return m.start(), _value(f"{mid.year:04d}", "year", "absolute", "hijri", approximate=True,
                             end=hijri_to_gregorian(y + 1, 1, 1).isoformat())


def _direction(word: str | None, c: _Ctx) -> str | None:
    return c.lex.direction.get(word) if word else None


def _h_dm(m: re.Match[str], c: _Ctx) -> tuple[int, dict[str, Any]] | None:
    d1 = _day_of(m["dm_d"], c.lex)
    d2 = _day_of(m["dm_d2"], c.lex) if m["dm_d2"] else None
    mon = _month_of(m, "dm", c.lex)
    pod = c.lex.pods.get(re.sub(r"\s+", " ", m["dm_pod"])) if m["dm_pod"] else None
    kind = "range" if d2 else "date"
    if d1 is None or not 1 <= d1 <= 31:
        return None
    if m["dm_y"]:
        y = int(m["dm_y"])
        if not c.opt.min_year <= y <= c.opt.max_year:
            return None
        date = _valid(y, mon, d1)
        if date is None:
            return None
        end = _valid(y, mon, d2) if d2 else None
        return m.start(), _value(date.isoformat(), "day", "absolute", kind, part_of_day=pod,
                                 end=end.isoformat() if end else None)
    if c.anchor is None:
        return m.start(), _unresolved(kind, "no anchor", part_of_day=pod)
    direction = _direction(m["dm_rel"], c)
    fut_ctx = direction is None and c.future_around(m.start(), m.end())
    date = _resolve_day_month(d1, mon, c.anchor, direction, fut_ctx)
    if date is None:
        return None
    past = _resolve_day_month(d1, mon, c.anchor, None, False) if fut_ctx else None
    end = _valid(date.year, mon, d2) if d2 else None
    return m.start(), _value(date.isoformat(), "day", "relative", kind, part_of_day=pod,
                             end=end.isoformat() if end else None,
                             future=fut_ctx or direction == "future",
                             past_value=past.isoformat() if past and past != date else None)


def _h_opday(m: re.Match[str], c: _Ctx) -> tuple[int, dict[str, Any]] | None:
    n = _day_of(m["op_n"], c.lex)
    if n is None or n < 1:
        return None
    if not m["op_name"]:
        if not m["op_w"]:
            return None
        return m.start(), _value(None, None, "inferred", "operation_day", unresolved_reason="unknown operation")
    start, name = c.lex.operations[re.sub(r"\s+", " ", m["op_name"])]
    date = start + dt.timedelta(days=n - 1)
    return m.start(), _value(date.isoformat(), "day", "inferred", "operation_day",
                             operation=name, operation_start=start.isoformat(), operation_day=n)


def _h_my(m: re.Match[str], c: _Ctx) -> tuple[int, dict[str, Any]] | None:
    mon = _month_of(m, "my", c.lex)
    first = re.sub(r"\s+", " ", m["my_m"])
    paired = bool(m["my_m2"])
    strong = m["my_y"] or paired or m["my_sh"]
    if first in c.lex.ambiguous and not strong:
        return None
    if not (strong or m["my_rel"] or m["my_yrel"] or m["my_edge"]):
        before = c.norm[max(0, m.start() - 6):m.start()].split()
        if not before or before[-1].lstrip("و") not in ("في", "منذ", "حتي", "خلال", "من", "الي", "بين", "بعد", "قبل"):
            return None
    start = m.start()
    if m["my_y"]:
        y = int(m["my_y"])
        if not c.opt.min_year <= y <= c.opt.max_year:
            return None
        return start, _value(f"{y:04d}-{mon:02d}", "month", "absolute", "month")
    if c.anchor is None:
        return start, _unresolved("month", "no anchor")
    if m["my_yrel"]:
        delta = {"past": -1, "current": 0, "future": 1}[_direction(m["my_yrel"], c) or "current"]
        y, mm = c.anchor.year + delta, mon
        return start, _value(f"{y:04d}-{mm:02d}", "month", "relative", "month", future=delta > 0)
    direction = _direction(m["my_rel"], c)
    fut_ctx = direction is None and c.future_around(m.start(), m.end())
    y, mm = _resolve_month(mon, c.anchor, direction, fut_ctx)
    past = _resolve_month(mon, c.anchor, None, False) if fut_ctx else None
    return start, _value(f"{y:04d}-{mm:02d}", "month", "relative", "month",
                         future=fut_ctx or direction == "future",
                         past_value=f"{past[0]:04d}-{past[1]:02d}" if past and past != (y, mm) else None)


def _h_mord(m: re.Match[str], c: _Ctx) -> tuple[int, dict[str, Any]] | None:
    mon = c.lex.ordinals.get(re.sub(r"\s+", " ", m["mo_o"]))
    y = int(m["mo_y"])
    if not mon or mon > 12 or not c.opt.min_year <= y <= c.opt.max_year:
        return None
    return m.start(), _value(f"{y:04d}-{mon:02d}", "month", "absolute", "month")


def _h_yrange(m: re.Match[str], c: _Ctx) -> tuple[int, dict[str, Any]] | None:
    a, b = int(m["yr_a"]), int(m["yr_b"])
    if not (c.opt.min_bare_year <= a < b <= c.opt.max_year and b - a <= 100):
        return None
    if not (m["yr_w"] or m["yr_pre"] or m["yr_sep"] in ("-", "–")):
        return None
    start = m.start() if m["yr_pre"] != "من" and m["yr_pre"] != "منذ" else m.start("yr_a")
    return start, _value(f"{a:04d}", "year", "absolute", "range", end=f"{b:04d}")


def _h_year(m: re.Match[str], c: _Ctx) -> tuple[int, dict[str, Any]] | None:
    if m["yy2"]:
        y = int(m["yy2"])
        return (m.start(), _value(f"{y:04d}", "year", "absolute", "year")) if c.opt.min_bare_year <= y <= c.opt.max_year else None
    y, pre = int(m["yy"]), m["yy_pre"]
    strong = pre in ("عام", "العام", "سنه", "السنه")
    if not (c.opt.min_year if strong else c.opt.min_bare_year) <= y <= c.opt.max_year:
        return None
    return (m.start() if strong else m.start("yy")), _value(f"{y:04d}", "year", "absolute", "year")


def _h_rday(m: re.Match[str], c: _Ctx) -> tuple[int, dict[str, Any]] | None:
    word = re.sub(r"\s+", " ", m["rd_w"])
    if word == "الامس":
        word = "امس"
    if word == "اليوم":
        after = c.norm[m.end():m.end() + 4]
        before = c.norm[max(0, m.start() - 6):m.start()].split()
        if not m["rd_wd"] and re.match(r"\s+ال", after):
            return None          # اليوم العالمي، اليوم التالي: "the day", not "today"
        if before and before[-1] in ("ذلك", "ذات", "هذا", "نفس"):
            return None
    offset = c.lex.rel_days[word]
    pod = c.lex.pods.get(re.sub(r"\s+", " ", m["rd_pod"])) if m["rd_pod"] else None
    kind = "weekday" if m["rd_wd"] else "relative"
    if c.anchor is None:
        return m.start(), _unresolved(kind, "no anchor", part_of_day=pod)
    date = c.anchor + dt.timedelta(days=offset)
    if m["rd_wd"]:
        wd = c.lex.weekdays[m["rd_wd"]]
        if date.weekday() != wd:
            # the weekday is written out, the offset is implied: trust the weekday
            date = (_recent_weekday(c.anchor, wd, strict=offset < 0) if offset <= 0
                    else _next_weekday(c.anchor, wd))
    return m.start(), _value(date.isoformat(), "day", "relative", kind, part_of_day=pod, future=offset > 0)


def _h_wd(m: re.Match[str], c: _Ctx) -> tuple[int, dict[str, Any]] | None:
    if not c.opt.weekdays_alone:
        return None
    w = m["wd_w"]
    after = c.norm[m.end("wd_w"):m.end("wd_w") + 6]
    if w == "الاحد" and re.match(r"\s+عشر", after):
        return None
    if w == "الاثنين" and not (m["wd_pod"] or m["wd_yawm"] or m["wd_rel"] or m["wd_w2"]):
        before = c.norm[max(0, m.start() - 2):m.start()].rstrip()
        if not (before.endswith(("،", ",")) and re.match(r"\s*[،,]", after)):
            return None      # الاثنين also means "the two"
    pod = c.lex.pods.get(re.sub(r"\s+", " ", m["wd_pod"])) if m["wd_pod"] else None
    if c.anchor is None:
        return m.start(), _unresolved("weekday", "no anchor", part_of_day=pod)
    wd = c.lex.weekdays[w]
    direction = _direction(m["wd_rel"], c)
    # the nearest such day on or before the page, unless the clause speaks of the future
    fut_ctx = direction is None and c.future_around(m.start(), m.end())
    past = None
    if direction == "future":
        date = _next_weekday(c.anchor, wd)
    elif fut_ctx:
        date = c.anchor + dt.timedelta(days=(wd - c.anchor.weekday()) % 7)
        past = _recent_weekday(c.anchor, wd, strict=False)
    else:
        date = _recent_weekday(c.anchor, wd, strict=direction == "past")
    return m.start(), _value(date.isoformat(), "day", "relative", "weekday", part_of_day=pod,
                             future=direction == "future" or fut_ctx,
                             past_value=past.isoformat() if past and past != date else None)


def _h_rper(m: re.Match[str], c: _Ctx) -> tuple[int, dict[str, Any]] | None:
    if m["rp_this"]:
        period, delta = m["rp_p2"], 0
    else:
        period = m["rp_p"]
        delta = {"past": -1, "current": 0, "future": 1}[_direction(m["rp_d"], c) or "current"]
    if period in ("الاسابيع", "الاشهر", "الشهور", "الايام", "الاعوام", "السنوات"):
        return (m.start(), _unresolved("relative", "vague")) if c.opt.vague else None
    if c.anchor is None:
        return m.start(), _unresolved("relative", "no anchor")
    a = c.anchor
    if period in ("العام", "السنه"):
        return m.start(), _value(f"{a.year + delta:04d}", "year", "relative", "relative", future=delta > 0)
    if period == "الشهر":
        y, mm = _shift_month(a.year, a.month, delta)
        return m.start(), _value(f"{y:04d}-{mm:02d}", "month", "relative", "relative", future=delta > 0)
    lo = a + dt.timedelta(days=-7) if delta < 0 else (a if delta == 0 else a + dt.timedelta(days=1))
    hi = lo + dt.timedelta(days=6)
    if (lo.year, lo.month) != (hi.year, hi.month):
        return m.start(), _unresolved("relative", "week_spans_months")
    return m.start(), _value(f"{lo.year:04d}-{lo.month:02d}", "month", "relative", "relative", approximate=True,
                             future=delta > 0)


def _h_ago(m: re.Match[str], c: _Ctx) -> tuple[int, dict[str, Any]] | None:
    if m["ag_of"]:
        return None                      # "قبل يومين من الانتخابات": relative to another event
    unit, count = c.lex.units[m["ag_u"]]
    if m["ag_n"]:
        if count is not None and count != 1:
            return None
        count = int(m["ag_n"]) if m["ag_n"].isdecimal() else c.lex.small[m["ag_n"]]
    if count is None:
        return (m.start(), _unresolved("relative", "vague")) if c.opt.vague else None
    if c.anchor is None:
        return m.start(), _unresolved("relative", "no anchor")
    sign = 1 if m["ag_w"] == "بعد" else -1
    a = c.anchor
    if unit in ("hour", "day", "week"):
        days = {"hour": count // 24, "day": count, "week": 7 * count}[unit]
        d = a + dt.timedelta(days=sign * days)
        return m.start(), _value(d.isoformat(), "day", "relative", "relative", approximate=unit != "day",
                                 future=sign > 0)
    if unit == "month":
        y, mm = _shift_month(a.year, a.month, sign * count)
        return m.start(), _value(f"{y:04d}-{mm:02d}", "month", "relative", "relative", future=sign > 0)
    return m.start(), _value(f"{a.year + sign * count:04d}", "year", "relative", "relative", future=sign > 0)


def _h_season(m: re.Match[str], c: _Ctx) -> tuple[int, dict[str, Any]] | None:
    """A season: at most its year ("صيف 2019"، "الصيف الماضي"), never a day."""
    word = m["se_w"]
    after = c.norm[m.end("se_w"):m.end("se_w") + 12].split()
    if after and after[0] in c.lex.season_not_after:
        return None                      # الربيع العربي، ربيع الأول: not a season of the year
    months = c.lex.seasons[re.sub(r"\s+", " ", word)]
    if m["se_y"]:
        y = int(m["se_y"])
        if not c.opt.min_bare_year <= y <= c.opt.max_year:
            return None
        return m.start(), _value(f"{y:04d}", "year", "absolute", "season", approximate=True)
    if not word.startswith("ال"):
        return None                      # a bare "صيف"/"شتاء" is a noun ("ملابس شتاء")
    direction = "current" if m["se_this"] else _direction(m["se_rel"], c)
    if direction is None:
        # "مع حلول الشتاء": a season, so no day, but which one is not said
        return m.start(), _unresolved("season", "vague")
    if c.anchor is None:
        return m.start(), _unresolved("season", "no anchor")
    y = _season_year(months, c.anchor, direction)
    return m.start(), _value(f"{y:04d}", "year", "relative", "season", approximate=True,
                             future=direction == "future")


def _h_night(m: re.Match[str], c: _Ctx) -> tuple[int, dict[str, Any]] | None:
    """"الليلة الماضية" (the night before the page's day), "الليل قبل الماضي" (the night before that)."""
    direction = _direction(m["nt_rel"], c)
    if direction != "past":
        return None
    if c.anchor is None:
        return m.start(), _unresolved("relative", "no anchor", part_of_day="ليل")
    back = 2 if m["nt_b"] else 1
    return m.start(), _value((c.anchor - dt.timedelta(days=back)).isoformat(), "day", "relative", "relative",
                             part_of_day="ليل")


#: Words before a head word a match may start at ("الجمعة الحادي والعشرين من شهر كانون الأول").
MAX_PREFIX_WORDS = 5
#: Characters looked back for those words; five Arabic words rarely pass 60 characters.
PREFIX_CHARS = 60
_WORD = re.compile(r"\S+")


def _matches(norm: str, lex: _Lexicon) -> list[re.Match[str]]:
    """Non-overlapping matches of the master pattern, tried only near head words.

    Every alternative contains a mandatory head (a digit, a month, a weekday, a relative word,
    a period or a duration unit) and starts at most a few words before it, so the pattern is
    tried at those word starts (earliest first) instead of at every character.
    """
    out: list[re.Match[str]] = []
    last_end = 0
    regex = lex.regex
    for h in lex.heads.finditer(norm):
        hs = h.start()
        if hs < last_end or (hs and norm[hs - 1].isdecimal()):
            continue
        lo = max(last_end, hs - PREFIX_CHARS)
        cands = [w.start() for w in _WORD.finditer(norm, lo, hs)][-MAX_PREFIX_WORDS:]
        if lo > 0 and cands and cands[0] == lo and not norm[lo - 1].isspace():
            cands = cands[1:]
        cands.append(hs)
        best = None
        for c in cands:
            for st in ((c, c + 1) if norm[c] in "وفبل" else (c,)):
                m = regex.match(norm, st)
                if m is not None and m.end() > hs and _left_ok(norm, st):
                    if best is None or m.end() > best.end():
                        best = m       # the longest match; on a tie the earliest start
                    break
        if best is not None:
            out.append(best)
            last_end = best.end()
    return out


_HANDLERS = {
    "k_iso": _h_iso, "k_dmy": _h_dmy, "k_hijri": _h_hijri, "k_dm": _h_dm, "k_opday": _h_opday,
    "k_my": _h_my, "k_mord": _h_mord, "k_yrange": _h_yrange, "k_year": _h_year, "k_rday": _h_rday,
    "k_wd": _h_wd, "k_rper": _h_rper, "k_season": _h_season, "k_night": _h_night, "k_ago": _h_ago,
}

#: "منذ" (with "عام"/"العام" between) right before an expression: it starts a span ("تسيطر منذ 2015").
_SINCE_BEFORE = re.compile(r"(?:^|\s)[وف]?منذ\s+(?:(?:عام|العام|سنه|السنه|شهر)\s+)?$")
#: "منذ" opening the clause that holds an expression ("ومنذ تدخلت روسيا ... في خريف 2015، استعادت"):
#: the date is its own clause's, and only the start of the span the next clause tells.
_SINCE_CLAUSE = re.compile(r"(?:^|[.،,؛;:\n])\s*[وف]?منذ\s[^.،,؛;:\n]*$")
#: How far back (characters) the opening "منذ" of a clause is looked for; a long clause is rare.
SINCE_CLAUSE_CHARS = 100


#: Words looked at before "منذ + duration" for what is still going on ("تنفذه الطائرات منذ عشرة أيام").
LASTING_WORDS_BACK = 2


def _lasting_before(norm: str, i: int, lex: _Lexicon) -> bool:
    """Whether "منذ + duration" at `i` tells how long something has lasted, not when it happened.

    An imperfect verb (يـ/نـ/تـ, not a past تـ verb ending in ت) or an "ongoing" word (مستمر،
    متواصل) among the words just before: "قصف تنفذه منذ عشرة أيام" has gone on for ten days, while
    "قتل منذ يومين" happened two days ago.
    """
    words = norm[max(0, i - 40):i].split()[-LASTING_WORDS_BACK:]
    for w in words:
        w = w[1:] if len(w) > 4 and w[0] in "وف" else w
        if w in lex.ongoing or any(w.startswith(o) for o in lex.ongoing):
            return True
        if len(w) >= 4 and (w[0] in "ين" or (w[0] == "ت" and not w.endswith("ت"))) and not lex.heads.match(w):
            return True
    return False


def _handle(m: re.Match[str], c: _Ctx) -> tuple[int, dict[str, Any]] | None:
    """The handler of `m`'s kind. A resolution that leaves `datetime`'s calendar (years 1-9999)
    is redone without the anchor when the anchor took it there (a page dated at the calendar's
    end: "أمس" on 0001-01-01); one that leaves it even so is no date. Found by fuzzing, issue 12."""
    try:
        return _HANDLERS[m.lastgroup](m, c)
    except OverflowError:
        pass
    if c.anchor is not None:
        try:
            return _HANDLERS[m.lastgroup](m, _Ctx(c.norm, None, c.opt, c.lex))
        except OverflowError:
            pass
    return None


def _shift(d: dt.date, days: int) -> dt.date | None:
    """`d` moved by `days`, or None past the calendar's ends (a page naming 9999-12-31)."""
    try:
        return d + dt.timedelta(days=days)
    except OverflowError:
        return None


def find_dates(text: str, anchor: dt.date | None = None, options: DateOptions = DateOptions()) -> list[Span]:
    """Find time expressions in `text`; resolve relative ones against `anchor` (the page's date).

    Returns `Span(label="DATE")`s in text order; `value` is a dict with `value`, `precision`,
    `basis`, `text`, `kind`, `end`, `part_of_day`, `unresolved_reason`, `approximate` (and, for
    an operation day, `operation`, `operation_start`, `operation_day`).
    """
    if isinstance(anchor, dt.datetime):
        anchor = anchor.date()
    lex = _lexicon()
    view = make_view(text)
    ctx = _Ctx(view.norm, anchor, options, lex)
    spans: list[Span] = []
    for m in _matches(view.norm, lex):
        got = _handle(m, ctx)
        if got is None:
            continue
        start, value = got
        if _SINCE_BEFORE.search(view.norm, max(0, start - 16), start) or (
                m.lastgroup == "k_ago" and m["ag_w"] == "منذ"
                and (value["value"] is None or _lasting_before(view.norm, start, lex))):
            value["since"] = True       # the start of a span, not the date of what is told
        elif _SINCE_CLAUSE.search(view.norm, max(0, start - SINCE_CLAUSE_CHARS), start):
            value["since_clause"] = True
        end = m.end()
        while end > start and view.norm[end - 1].isspace():
            end -= 1
        rs, re_ = view.to_orig(start), view.to_orig_end(end)
        value["text"] = text[rs:re_]
        spans.append(Span(rs, re_, LABEL, value, PRODUCED_BY))
    return spans


def has_future_marker(norm: str) -> bool:
    """Whether normalised text holds a future marker or a verb with the future prefix سـ."""
    return bool(_lexicon().future.search(norm))


def later_than(value: dict[str, Any], anchor: dt.date | None) -> bool:
    """Whether a DATE value lies after `anchor` at its own precision ("2024-12" is not after 7 Dec)."""
    v = value.get("value") if isinstance(value, dict) else None
    if not v or anchor is None:
        return False
    n = min(len(v), 10)
    return v[:n] > anchor.isoformat()[:n]


def infer_document_date(text: str, hint: dt.date | None = None) -> tuple[dt.date | None, str | None, str]:
    """Infer the date a page was written when the text pins it down; else `(None, None, why)`.

    Evidence, strongest first: "اليوم"/"أمس" written next to a full date ("تصادف اليوم 28 أيلول
    2024"); "اليوم/أمس + weekday" a few days after a dated event or operation day; a day of a known
    operation ("في اليوم الثامن من عملية ردع العدوان", the latest one named). `hint` is an upper
    bound known from outside the text (a fetch date): later candidates are discarded.
    Returns `(date, "inferred", explanation)`.
    """
    lex = _lexicon()
    view = make_view(text)
    ctx = _Ctx(view.norm, None, DateOptions(), lex)
    today: list[tuple[dt.date, str]] = []
    dated: list[dt.date] = []
    op_days: list[tuple[dt.date, str]] = []
    rel_weekdays: list[tuple[int, int, str]] = []       # (offset, weekday, text)

    def raw(m: re.Match[str]) -> str:
        return text[view.to_orig(m.start()):view.to_orig_end(m.end())].strip()

    years: list[int] = []                                # every year the text names
    for m in _matches(view.norm, lex):
        kind = m.lastgroup
        if kind in ("k_my", "k_year", "k_yrange", "k_dmy", "k_iso") or (kind == "k_dm" and m["dm_y"]):
            got = _handle(m, ctx)
            value = got[1].get("value") if got else None
            if value and value[:4].isdecimal() and not ctx.future_before(m.start()):
                years.append(int(value[:4]))
        if kind == "k_dm" and m["dm_y"] and m["dm_rd"]:
            got = _handle(m, ctx)
            if got and got[1]["value"]:
                d = _shift(dt.date.fromisoformat(got[1]["value"]), 0 if m["dm_rd"] == "اليوم" else 1)
                if d is not None:
                    today.append((d, f"'{raw(m)}' names the page's day"))
        elif kind == "k_opday" and m["op_name"]:
            got = _handle(m, ctx)
            if got and got[1]["value"]:
                op_days.append((dt.date.fromisoformat(got[1]["value"]), f"'{raw(m)}' = {got[1]['value']}"))
        elif kind in ("k_dm", "k_iso", "k_dmy") and (m.lastgroup != "k_dm" or m["dm_y"]):
            got = _handle(m, ctx)
            if got and got[1]["value"]:
                dated.append(dt.date.fromisoformat(got[1]["value"]))
        elif kind == "k_rday" and m["rd_wd"]:
            rel_weekdays.append((lex.rel_days[re.sub(r"\s+", " ", m["rd_w"]).replace("الامس", "امس")],
                                 lex.weekdays[m["rd_wd"]], raw(m)))
    bound = hint

    def ok(d: dt.date) -> bool:
        return bound is None or d <= bound

    cands = [c for c in today if ok(c[0])]
    if cands:
        d, why = max(cands)
        return d, "inferred", why
    # an operation day names the page's own day: it stands when "أمس الثلاثاء" agrees with it
    for d, why in sorted(op_days, reverse=True):
        for offset, wd, expr in rel_weekdays:
            said = _shift(d, offset)
            if ok(d) and said is not None and said.weekday() == wd:
                return d, "inferred", f"operation day {why}, and '{expr}' agrees"
    # a dated event is a base for "أمس الثلاثاء" only when the text names no later year: an
    # article that mentions 2025 is not written the week after an event of 2019
    latest_year = max(years, default=None)
    bases = [d for d in dated if ok(d) and (latest_year is None or d.year >= latest_year)]
    bases += [d for d, _ in op_days if ok(d)]
    for offset, wd, expr in rel_weekdays:
        for base in sorted(bases, reverse=True):
            event_day = _shift(base, (wd - base.weekday()) % 7)
            page_day = _shift(event_day, -offset) if event_day is not None else None
            if page_day is not None and ok(page_day):
                return page_day, "inferred", f"'{expr}' falls on {event_day} after the dated event of {base}"
    cands = [c for c in op_days if ok(c[0])]
    if cands:
        d, why = max(cands)
        return d, "inferred", f"operation day {why}"
    return None, None, "no expression in the text pins the page's date"
