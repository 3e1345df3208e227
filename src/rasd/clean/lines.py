"""A page cut into lines that remember where they sit in the raw text."""
from __future__ import annotations

import re
from dataclasses import dataclass

from rasd.clean.normalize import normalize_key

_LINE = re.compile(r"[^\n]+")
_SPACE = " \t\r\f\v\u00a0\u200b\u200e\u200f\ufeff"


@dataclass(slots=True)
class Line:
    """One non-blank line (or a fragment of one) of the page, stripped.

    `start`/`end` are raw offsets, so `raw[start:end] == text`; `gap_before` is True when a
    blank line separates it from the previous line; `label` is set by a detector to the reason it
    is removed (or to `title`/`kicker`), `detector` names that detector.
    """

    start: int
    end: int
    text: str
    key: str
    gap_before: bool = False
    label: str | None = None
    detector: str = ""

    @property
    def words(self) -> int:
        """Number of whitespace-separated words."""
        return self.key.count(" ") + 1 if self.key else 0


def make_line(raw: str, start: int, end: int, gap_before: bool = False) -> Line | None:
    """The stripped line `raw[start:end]`, or None when it is blank."""
    while start < end and raw[start] in _SPACE:
        start += 1
    while end > start and raw[end - 1] in _SPACE:
        end -= 1
    if start >= end:
        return None
    text = raw[start:end]
    return Line(start, end, text, normalize_key(text), gap_before)


def split_lines(raw: str, begin: int = 0, end: int | None = None,
                holes: list[tuple[int, int]] | None = None) -> list[Line]:
    """Cut `raw[begin:end]` into stripped non-blank lines, skipping the sorted `holes` spans."""
    end = len(raw) if end is None else end
    out: list[Line] = []
    holes = holes or []
    h = 0
    prev_end = begin
    for m in _LINE.finditer(raw, begin, end):
        s, e = m.start(), m.end()
        pieces: list[tuple[int, int]] = []
        while h < len(holes) and holes[h][1] <= s:
            h += 1
        k, cur = h, s
        while k < len(holes) and holes[k][0] < e:
            hs, he = holes[k]
            if hs > cur:
                pieces.append((cur, hs))
            cur = max(cur, he)
            k += 1
        if cur < e:
            pieces.append((cur, e))
        for ps, pe in pieces:
            line = make_line(raw, ps, pe)
            if line is None:
                continue
            line.gap_before = bool(out) and raw.count("\n", prev_end, line.start) >= 2
            out.append(line)
            prev_end = line.end
    return out
