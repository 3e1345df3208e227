"""A small absolute-date parser for finding a page's publication date in its text.

Only what the cleaner needs: day + month name (Levantine, Egyptian/Gulf, Maghrebi and paired
"نيسان/أبريل" forms, Arabic-Indic digits) + optional year, ISO and d/m/yyyy dates, English embed
dates ("December 4, 2024"). A date counts as the publication date only when the text anchors it
to the day of writing: "اليوم 28 أيلول 2024" or a weekday right before it ("فجر الأحد 8 من
كانون الأول"). A missing year is taken from elsewhere on the page (a "كانون الأول 2024" in a
caption) and checked against the weekday. The full temporal finder for events lives elsewhere.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Iterable, Mapping

from rasd.clean.lexicon import Lexicon
from rasd.clean.normalize import normalize_key

#: Years outside this range are not taken as publication years (digitised news starts in the
#: 1990s; anything far ahead is a typo or a plan, not a date line).
MIN_YEAR, MAX_YEAR = 1990, 2100


@dataclass(frozen=True, slots=True)
class DateMention:
    """A date found in normalised text; `year`/`weekday` None where the text leaves them out."""

    day: int
    month: int
    year: int | None
    weekday: int | None
    anchored: bool          # "اليوم …" or a weekday right before the day
    text: str


@dataclass(frozen=True, slots=True)
class _Patterns:
    dmy: re.Pattern[str]
    month_year: re.Pattern[str]
    english: re.Pattern[str]
    iso: re.Pattern[str]
    numeric: re.Pattern[str]


def _alts(names: Iterable[str]) -> str:
    return "|".join(re.escape(n) for n in sorted(set(names), key=len, reverse=True))


@lru_cache(maxsize=8)
def _patterns(months: tuple[tuple[str, int], ...], weekdays: tuple[tuple[str, int], ...]) -> _Patterns:
    mon = _alts(n for n, _ in months)
    wd = _alts(n for n, _ in weekdays)
    anchor = rf"(?P<anchor>(?<!\w)(?:اليوم|(?P<wd>{wd})))\s*[،,]?\s*(?:الموافق\s+|في\s+)?"
    dmy = re.compile(
        rf"(?:{anchor})?(?<![\d/])(?P<d>\d{{1,2}})\s*(?:من\s+)?(?:شهر\s+)?(?P<m>{mon})(?!\w)"
        rf"(?:\s*/\s*(?:{mon})(?!\w))?(?:\s*[،,]?\s*(?:من\s+)?(?:عام|سنة|سنه)?\s*(?P<y>\d{{4}})(?!\d))?",
        re.IGNORECASE)
    month_year = re.compile(rf"(?<!\w)(?P<m>{mon})(?:\s*/\s*(?:{mon}))?\s*[،,]?\s*(?:عام\s+|سنة\s+|سنه\s+)?(?P<y>\d{{4}})(?!\d)",
                            re.IGNORECASE)
    english = re.compile(rf"(?<!\w)(?P<m>{mon})\.?\s+(?P<d>\d{{1,2}}),?\s+(?P<y>\d{{4}})(?!\d)", re.IGNORECASE)
    iso = re.compile(r"(?<!\d)(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})(?!\d)")
    numeric = re.compile(r"(?<![\d/])(?P<d>\d{1,2})[/.-](?P<m>\d{1,2})[/.-](?P<y>\d{4})(?!\d)")
    return _Patterns(dmy, month_year, english, iso, numeric)


def _pats(lex: Lexicon) -> _Patterns:
    return _patterns(tuple(sorted(lex.months.items())), tuple(sorted(lex.weekdays.items())))


def valid_date(y: int, m: int, d: int) -> bool:
    """Whether y-m-d is a real calendar day within the plausible publication years."""
    try:
        date(y, m, d)
    except ValueError:
        return False
    return MIN_YEAR <= y <= MAX_YEAR


def _named(table: Mapping[str, int], found: str) -> int:
    """`table[found]` for a month or weekday name the case-insensitive patterns matched.

    `re.IGNORECASE` also matches "ſ" to "s", the Kelvin sign to "k" and "İ"/"ı" to "i", which the
    lower-cased keys do not fold ("auguſt" matches "august"); such a name is looked up as the
    pattern matched it (found by fuzzing, issue 12).
    """
    if found in table:
        return table[found]
    return next(v for k, v in table.items() if re.fullmatch(re.escape(k), found, re.IGNORECASE))


def date_key(text: str) -> str:
    """The form dates are matched in: `normalize_key`, lower-cased (a `Line.key` lower-cased)."""
    return normalize_key(text).lower()


#: Every day-month mention has a day number: a line without a digit is skipped before the search.
_DIGIT = re.compile(r"\d")


def _mentions(key: str, pats: _Patterns, lexicon: Lexicon) -> list[DateMention]:
    out: list[DateMention] = []
    if not _DIGIT.search(key):
        return out
    for m in pats.dmy.finditer(key):
        month = _named(lexicon.months, m.group("m"))
        day = int(m.group("d"))
        year = int(m.group("y")) if m.group("y") else None
        wd = _named(lexicon.weekdays, m.group("wd")) if m.group("wd") else None
        if not 1 <= day <= 31:
            continue
        out.append(DateMention(day, month, year, wd, m.group("anchor") is not None, m.group(0)))
    return out


def find_date_mentions(text: str, lexicon: Lexicon) -> list[DateMention]:
    """Day-month(-year) mentions in `text` (any spelling the month table knows)."""
    return _mentions(date_key(text), _pats(lexicon), lexicon)


def _years_by_month(keys: Iterable[str], pats: _Patterns,
                    lexicon: Lexicon) -> tuple[dict[int, list[int]], list[int]]:
    by_month: dict[int, list[int]] = {}
    years: list[int] = []
    for key in keys:
        for m in pats.month_year.finditer(key):
            y = int(m.group("y"))
            if MIN_YEAR <= y <= MAX_YEAR:
                by_month.setdefault(_named(lexicon.months, m.group("m")), []).append(y)
        years += [int(y) for y in re.findall(r"(?<!\d)((?:19|20)\d\d)(?!\d)", key) if MIN_YEAR <= int(y) <= MAX_YEAR]
    return by_month, years


def find_years_by_month(texts: Iterable[str], lexicon: Lexicon) -> tuple[dict[int, list[int]], list[int]]:
    """Years named with a month ("كانون الأول 2024") per month, and every plausible 4-digit year."""
    return _years_by_month((date_key(t) for t in texts), _pats(lexicon), lexicon)


def parse_date_line(text: str, lexicon: Lexicon) -> str | None:
    """`YYYY-MM-DD` when the whole line is a date (optionally with weekday/time), else None."""
    key = date_key(text)
    if len(key) > 60:
        return None
    pats = _pats(lexicon)
    for pat in (pats.iso, pats.numeric):
        m = pat.search(key)
        if m and valid_date(int(m.group("y")), int(m.group("m")), int(m.group("d"))):
            return f"{int(m.group('y')):04d}-{int(m.group('m')):02d}-{int(m.group('d')):02d}"
    for m in pats.dmy.finditer(key):
        if m.group("y"):
            y, mo, d = int(m.group("y")), _named(lexicon.months, m.group("m")), int(m.group("d"))
            rest = key[:m.start()] + key[m.end():]
            # what is left may only be a weekday, a time or separators
            if valid_date(y, mo, d) and not re.search(r"[^\W\d_]{2,}", re.sub(r"(?:%s)" % "|".join(
                    re.escape(w) for w in lexicon.weekdays) + r"|الساعة|صباحا|مساء|يوم|تاريخ|نشر|في", "", rest)):
                return f"{y:04d}-{mo:02d}-{d:02d}"
    return None


def parse_english_date(text: str, lexicon: Lexicon) -> str | None:
    """`YYYY-MM-DD` for an embed date like "December 4, 2024" (or "4 ديسمبر 2024"), else None."""
    key = date_key(text)
    pats = _pats(lexicon)
    m = pats.english.search(key)
    if m:
        y, mo, d = int(m.group("y")), _named(lexicon.months, m.group("m")), int(m.group("d"))
        if valid_date(y, mo, d):
            return f"{y:04d}-{mo:02d}-{d:02d}"
    for dm in find_date_mentions(text, lexicon):
        if dm.year and valid_date(dm.year, dm.month, dm.day):
            return f"{dm.year:04d}-{dm.month:02d}-{dm.day:02d}"
    return None


def find_publication_date(body: Iterable[str], page: Iterable[str], lexicon: Lexicon) -> tuple[str, str] | None:
    """The first anchored date in `body` as `(YYYY-MM-DD, evidence)`, or None.

    `page` is every line of the page (captions included) for the year of a date that leaves it
    out; such a year must agree with the weekday when the text names one.
    """
    return publication_date_in_keys((date_key(t) for t in body), (date_key(t) for t in page), lexicon)


def publication_date_in_keys(body: Iterable[str], page: Iterable[str], lexicon: Lexicon) -> tuple[str, str] | None:
    """`find_publication_date` over lines already in `date_key` form (the cleaner's line keys)."""
    pats = _pats(lexicon)
    hints: tuple[dict[int, list[int]], list[int]] | None = None
    latest: int | None = None
    for line in body:
        for dm in _mentions(line, pats, lexicon):
            if not dm.anchored:
                continue
            years: list[int]
            if hints is None:
                hints = _years_by_month(page, pats, lexicon)
                latest = max((y for ys in hints[0].values() for y in ys), default=None)
            if dm.year is not None:
                # an anchored date years before the page's latest year is a look back, not the
                # day of writing ("يوم الجمعة 15 آذار 2011" in a 2024 article)
                if latest is not None and dm.year < latest - 1:
                    continue
                years = [dm.year]
            else:
                same_month, any_year = hints
                years = sorted(set(same_month.get(dm.month, [])), reverse=True)
                if dm.weekday is not None:
                    years += sorted(set(any_year) - set(years), reverse=True)
            for y in years:
                if not valid_date(y, dm.month, dm.day):
                    continue
                if dm.weekday is not None and date(y, dm.month, dm.day).weekday() != dm.weekday:
                    continue
                return f"{y:04d}-{dm.month:02d}-{dm.day:02d}", dm.text
    return None
