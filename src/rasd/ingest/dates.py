"""Publication dates as metadata writes them: ISO stamps, D/M/Y, month names in Arabic and English.

Only what a header field or a metadata value holds; dates inside article text belong to
`rasd.extract.dates`. Every function returns `YYYY-MM-DD` in the page's own time zone (the
date as written, never shifted to UTC), or None.
"""
from __future__ import annotations

import datetime as _dt
import re
from functools import lru_cache
from importlib import resources

import yaml

from rasd.ingest.base import load_data, matched_key

#: Years a publication date may carry. Web news starts in the 1990s; a wider window still
#: rejects phone numbers and ids that happen to look like dates.
MIN_YEAR, MAX_YEAR = 1900, 2100

#: Epoch values above this are milliseconds (1e12 ms is Sep 2001; 1e12 s is year 33658).
EPOCH_MS_THRESHOLD = 1e12

# Arabic-Indic and Eastern Arabic-Indic digits map 1:1 onto ASCII, so offsets survive.
_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")

_TIME = r"(?:\s*[T ,،-]?\s*\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?\s*(?:Z|[+-]\d{2}:?\d{2}|UTC|GMT)?" \
        r"(?:\s*(?:AM|PM|am|pm|ص|م)(?![\w]))?)?"
# "2025م" and "1446هـ": era marks after a year, only as a standalone token.
_ERA = r"(?:\s?(?:م|هـ)(?![\w]))?"


def _alternation(words: list[str]) -> str:
    ordered = sorted({w for w in words}, key=len, reverse=True)
    return "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in ordered)


def _calendar_names() -> dict:
    """The month and weekday names of the cleaner's table (`rasd/data/clean/months.yaml`)."""
    return yaml.safe_load(resources.files("rasd.data").joinpath("clean", "months.yaml").read_text("utf-8"))


@lru_cache(maxsize=1)
def _patterns() -> tuple[dict[str, int], list[tuple[re.Pattern[str], tuple[str, str, str]]]]:
    names = _calendar_names()
    month_of: dict[str, int] = {}
    for number, spellings in names["months"].items():
        for name in spellings:
            month_of[re.sub(r"\s+", " ", str(name).lower())] = int(number)
    months = _alternation(list(month_of))
    weekdays = [str(w) for ws in names["weekdays"].values() for w in ws]
    weekdays += [str(w) for w in load_data("dates.yaml")["weekday_abbreviations"]]
    weekday = rf"(?:(?:{_alternation(weekdays)})[,،]?\s+)?"
    # A number ends where the digits end: scraped headers glue the body straight onto a date.
    w = r"(?!\d)"
    month = rf"(?P<mn>{months})(?![^\W\d_])"  # a month name is a whole word
    specs = [
        (rf"(?P<y>\d{{4}})-(?P<m>\d{{1,2}})-(?P<d>\d{{1,2}}){w}{_TIME}", ("y", "m", "d")),
        (rf"(?P<y>\d{{4}})[/.](?P<m>\d{{1,2}})[/.](?P<d>\d{{1,2}}){w}{_TIME}", ("y", "m", "d")),
        (rf"{weekday}(?P<d>\d{{1,2}})[/.-](?P<m>\d{{1,2}})[/.-](?P<y>\d{{4}}){w}{_ERA}{_TIME}", ("y", "dm", "d")),
        (rf"{weekday}(?P<d>\d{{1,2}})\s*(?:[-/]\s*)?{month}\.?\s*[,،/-]?\s*(?P<y>\d{{4}}){w}{_ERA}{_TIME}",
         ("y", "mn", "d")),
        (rf"{weekday}{month}\.?\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?[,،]?\s+(?P<y>\d{{4}}){w}{_TIME}",
         ("y", "mn", "d")),
    ]
    return month_of, [(re.compile(p, re.IGNORECASE), groups) for p, groups in specs]


def _valid(y: int, m: int, d: int) -> str | None:
    if not MIN_YEAR <= y <= MAX_YEAR:
        return None
    try:
        return _dt.date(y, m, d).isoformat()
    except ValueError:
        return None


def match_date(text: str, pos: int = 0) -> tuple[str, int] | None:
    """Parse a date starting exactly at `text[pos]`; return (YYYY-MM-DD, end offset) or None.

    The end offset lets a caller find a body glued on the same line after the date.
    """
    digits = text.translate(_DIGITS)
    month_of, patterns = _patterns()
    for pattern, (gy, gm, gd) in patterns:
        m = pattern.match(digits, pos)
        if not m:
            continue
        if gm == "mn":
            month = matched_key(month_of, re.sub(r"\s+", " ", m.group(gm)))
        else:
            month = int(m.group("m"))
        day, year = int(m.group(gd)), int(m.group(gy))
        iso = _valid(year, month, day)
        if iso is None and gm == "dm":
            iso = _valid(year, day, month)  # US order M/D/Y when D/M/Y is impossible (…/13/…)
        if iso:
            return iso, m.end()
    return None


def parse_date(value: object) -> str | None:
    """A metadata date value (string, epoch number) as YYYY-MM-DD, or None when it is not one."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        seconds = value / 1000 if value > EPOCH_MS_THRESHOLD else value
        try:
            day = _dt.datetime.fromtimestamp(seconds, tz=_dt.timezone.utc).date()
        except (OverflowError, OSError, ValueError):
            return None
        # the same window as a written date: -62135596800 is 0001-01-01, and a page dated at the
        # calendar's ends took "tomorrow" out of range in the date finder (found by fuzzing, issue 12)
        return day.isoformat() if MIN_YEAR <= day.year <= MAX_YEAR else None
    if not isinstance(value, str):
        return None
    text = value.strip()
    if text.isdecimal() and len(text) >= 9:
        return parse_date(int(text))
    found = match_date(text, 0)
    return found[0] if found else None
