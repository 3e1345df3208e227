"""Calendar arithmetic for the date finder: Hijri conversion, weekdays, months and seasons
resolved against an anchor date. Pure functions of numbers and dates; no text.
"""
from __future__ import annotations

import calendar
import datetime as dt

#: Julian day number of 1 Muharram AH 1 (16 July 622 CE, civil epoch), the arithmetic calendar.
HIJRI_EPOCH_JDN = 1948440
#: `date.toordinal()` of a date equals its Julian day number minus this.
ORDINAL_TO_JDN = 1721425


def hijri_to_gregorian(year: int, month: int, day: int) -> dt.date:
    """Tabular (arithmetic, civil epoch) Islamic date to Gregorian; may differ by 1–2 days from
    the sighted calendar."""
    jdn = (day + -(-(295 * (month - 1)) // 10) + (year - 1) * 354 + (3 + 11 * year) // 30
           + HIJRI_EPOCH_JDN - 1)
    return dt.date.fromordinal(jdn - ORDINAL_TO_JDN)


def valid(y: int, m: int, d: int) -> dt.date | None:
    """The date (y, m, d), or None when it does not exist (31 April, 29 February of a common year)."""
    if 1 <= y <= 9999 and 1 <= m <= 12 and 1 <= d <= calendar.monthrange(y, m)[1]:
        return dt.date(y, m, d)
    return None


def shift_month(y: int, m: int, delta: int) -> tuple[int, int]:
    """(year, month) `delta` months after (y, m); negative goes back."""
    k = y * 12 + (m - 1) + delta
    return k // 12, k % 12 + 1


def recent_weekday(anchor: dt.date, wd: int, strict: bool) -> dt.date:
    """The nearest weekday `wd` (Monday = 0) on or before `anchor`; `strict`: before it."""
    back = (anchor.weekday() - wd) % 7
    if strict and back == 0:
        back = 7
    return anchor - dt.timedelta(days=back)


def next_weekday(anchor: dt.date, wd: int) -> dt.date:
    """The nearest weekday `wd` (Monday = 0) after `anchor`."""
    ahead = (wd - anchor.weekday()) % 7
    return anchor + dt.timedelta(days=ahead or 7)


def resolve_day_month(d: int, m: int, anchor: dt.date, direction: str | None,
                       future: bool) -> dt.date | None:
    """Year for a day and month: the most recent occurrence (or the next, in a future context)."""
    if direction == "current":
        return valid(anchor.year, m, d)
    ahead = direction == "future" or (direction is None and future)
    for k in range(5):                       # five years reach the next 29 February
        cand = valid(anchor.year + (k if ahead else -k), m, d)
        if cand is None:
            continue
        if ahead and (cand > anchor or (cand == anchor and direction is None)):
            return cand
        if not ahead and (cand < anchor or (cand == anchor and direction is None)):
            return cand
    return None


def resolve_month(m: int, anchor: dt.date, direction: str | None, future: bool) -> tuple[int, int]:
    """(year, month) of a month named without a year: the most recent, or the next in a future context."""
    if direction == "current":
        return anchor.year, m
    if direction == "future" or (future and direction is None):
        return (anchor.year, m) if m > anchor.month or (m == anchor.month and direction is None) else (anchor.year + 1, m)
    if m < anchor.month or (m == anchor.month and direction is None):
        return anchor.year, m
    return anchor.year - 1, m


def season_year(months: tuple[int, ...], anchor: dt.date, direction: str | None) -> int:
    """The year of the season meant relative to the anchor (a winter counts as its January's year).

    Past: the latest occurrence that ended before the anchor's month; current (or none written):
    the one holding the anchor's month, else the latest past one; future: the first that starts
    after the anchor's month.
    """
    here = anchor.year * 12 + anchor.month - 1
    first, last = months[0], months[-1]
    spans = []
    for y in range(anchor.year - 2, anchor.year + 3):
        lo = (y - 1 if first > last else y) * 12 + first - 1       # December of a winter: year before
        hi = y * 12 + last - 1
        spans.append((y, lo, hi))
    if direction == "future":
        return min(y for y, lo, hi in spans if lo > here)
    if direction != "past":
        holding = [y for y, lo, hi in spans if lo <= here <= hi]
        if holding:
            return holding[0]
    return max(y for y, lo, hi in spans if hi < here)
