"""Title and kicker detection for text pages, and the repeats of title and summary in the body."""
from __future__ import annotations

import re

from rasd.clean.lines import Line
from rasd.clean.normalize import normalize_key

#: A headline fits on one line: seed and Al Mayadeen titles are 30-120 characters and at most
#: ~20 words; sub-headings are shorter still.
TITLE_MAX_CHARS = 180
TITLE_MAX_WORDS = 24
_SENTENCE_END = re.compile(r"(?<!\.)[.،,:؛;]$")
_KICKER_END = re.compile(r"(?:\.\.|…|:)$")


def is_titleish(line: Line) -> bool:
    """Short, and not ending like a sentence (a final "." or "،"; ".." and "?" are fine)."""
    t = line.text
    return (len(t) <= TITLE_MAX_CHARS and line.words <= TITLE_MAX_WORDS
            and not _SENTENCE_END.search(t) and "pic.twitter" not in t)


def detect_title(lines: list[Line]) -> tuple[Line | None, Line | None]:
    """`(kicker, title)` from the first unlabelled lines; labels them. `(None, None)` when none.

    The first unlabelled line is the title when it is title-like and body follows it. A first
    line ending in ".." (or "…", ":") followed by another title-like line is a kicker + title.
    """
    free = [ln for ln in lines if ln.label is None]
    if len(free) < 2 or not is_titleish(free[0]):
        return None, None
    k = _kicker_below_top(free)
    if k:
        # a kicker + title under a line or two of page chrome (a short glued headline run, a
        # section label): the kicker is where the article's header starts
        for ln in free[:k]:
            ln.label, ln.detector = "navigation", "above_kicker"
        free = free[k:]
    first, second = free[0], free[1]
    if _KICKER_END.search(first.text) and len(free) >= 3 and is_titleish(second):
        first.label, first.detector = "kicker", "kicker_line"
        second.label, second.detector = "title", "title_line"
        return first, second
    first.label, first.detector = "title", "title_line"
    return None, first


#: A kicker is looked for among the page's first free lines (chrome above it is a line or two).
KICKER_SCAN_LINES = 3


def _kicker_below_top(free: list[Line]) -> int:
    """Index (1..KICKER_SCAN_LINES) of a kicker followed by a title and body, with only short
    title-like lines above it; 0 when the page does not have that shape."""
    for i in range(1, min(KICKER_SCAN_LINES, len(free) - 3) + 1):
        if not is_titleish(free[i - 1]):
            return 0
        ln, nxt = free[i], free[i + 1]
        if _KICKER_END.search(ln.text) and is_titleish(nxt) and not _KICKER_END.search(nxt.text) \
                and not is_titleish(free[i + 2]):
            return i
    return 0


def mark_repeated_title(lines: list[Line], title: str | None, kicker: str | None = None) -> None:
    """Label body lines that repeat the title (or kicker + title) as `repeated_title`."""
    keys = {normalize_key(t) for t in (title, kicker) if t}
    if title and kicker:
        keys.add(normalize_key(f"{kicker} {title}"))
    keys.discard("")
    for ln in lines:
        if ln.label is None and ln.key in keys:
            ln.label, ln.detector = "repeated_title", "title_repeat"


def _block_at(free: list[Line], i: int, target: str) -> int:
    """Number of lines from `free[i]` whose joined keys equal `target` (0 when they do not)."""
    acc = ""
    for j in range(i, len(free)):
        acc = f"{acc} {free[j].key}" if acc else free[j].key
        if acc == target:
            return j - i + 1
        if len(acc) >= len(target) or not target.startswith(acc):
            return 0
    return 0


#: A paragraph shorter than this repeated first and last is not treated as a summary repeat
#: (a short sign-off like "انتهى" may legitimately repeat).
SUMMARY_MIN_CHARS = 40


def mark_repeated_summary(lines: list[Line], description: str | None) -> None:
    """Keep a summary once: later copies of `description` (or of the first paragraph, when the
    page ends with it) are labelled `repeated_summary`."""
    free = [ln for ln in lines if ln.label is None]
    if not free:
        return
    target = normalize_key(description) if description else ""
    if target:
        seen = False
        i = 0
        while i < len(free):
            k = _block_at(free, i, target)
            if k:
                if seen:
                    for ln in free[i:i + k]:
                        ln.label, ln.detector = "repeated_summary", "description_repeat"
                seen = True
                i += k
            else:
                i += 1
        if seen:
            return
    if len(free) >= 3 and len(free[0].key) >= SUMMARY_MIN_CHARS and free[-1].key == free[0].key:
        free[-1].label, free[-1].detector = "repeated_summary", "first_last_repeat"
