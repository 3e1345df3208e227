"""Embedded social-media posts: find the tweet-embed shape and lift the posts out of the body.

An embed as it survives text extraction ends with a fixed trailer:
`TEXT pic.twitter.com/XXXX — AUTHOR (@handle) Month D, YYYY`. Its text may run over several
lines, and several posts may be glued on one line; a post that follows another without a blank
line starts right after the previous trailer. Hashtag-only lines just before a post belong to it.
Whatever follows the last trailer of a run on the same line stays in the body.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from rasd.clean.lexicon import Lexicon
from rasd.clean.pubdate import parse_english_date
from rasd.document import SocialPost

#: The trailer of an embed. The author may hold parentheses and hyphens; the date is the
#: English "Month D, YYYY" form embeds print, or "D Month YYYY".
_TRAILER = re.compile(
    r"(?:(?P<url>(?:https?://)?(?:pic\.twitter\.com|t\.co|(?:mobile\.)?twitter\.com|x\.com)/[\w/.?=&%-]+)\s*)?"
    r"[—–]\s*(?P<author>[^\n—–]{1,100}?)\s*\(@(?P<handle>\w{1,30})\)\s*"
    r"(?P<date>[A-Za-z]{3,9}\.?\s+\d{1,2},\s*\d{4}|\d{1,2}\s+[^\s\d]{2,12}(?:\s+[^\s\d]{2,8})?\s+\d{4})"
)
_BLANK_LINE = re.compile(r"\n[ \t\r\u00a0]*\n")
_HASHTAGS_ONLY = re.compile(r"^[ \t\u00a0]*(?:#[\w\u0600-\u06ff]+[ \t\u00a0]*)+$")
#: A post body longer than this before its trailer is not one post (tweets are 280 characters;
#: long posts and threads glued together reach a few hundred; measured on the seed embeds).
MAX_POST_CHARS = 1500


@dataclass(frozen=True, slots=True)
class FoundPost:
    """A post and the raw span it occupied."""

    start: int
    end: int
    post: SocialPost


def _line_start(raw: str, i: int, floor: int) -> int:
    j = raw.rfind("\n", floor, i)
    return floor if j < 0 else j + 1


def _absorb_hashtag_lines(raw: str, start: int, floor: int) -> int:
    """Move `start` back over hashtag-only lines (at most one blank line between)."""
    blanks = 0
    pos = start
    while pos > floor:
        line_end = pos - 1                      # the "\n" that ends the previous line
        line_start = _line_start(raw, line_end, floor)
        text = raw[line_start:line_end]
        if not text.strip():
            blanks += 1
            if blanks > 1:
                break
        elif _HASHTAGS_ONLY.match(text):
            start, blanks = line_start, 0
        else:
            break
        pos = line_start
    return start


def find_social_posts(raw: str, lexicon: Lexicon, begin: int = 0, end: int | None = None) -> list[FoundPost]:
    """Every embedded post in `raw[begin:end]`, in order, with raw spans that do not overlap."""
    end = len(raw) if end is None else end
    found: list[FoundPost] = []
    if raw.find("(@", begin, end) < 0:  # every trailer has "(@handle)"; skipping the scan saves ~0.3 ms a page
        return found
    prev_end: int | None = None
    for m in _TRAILER.finditer(raw, begin, end):
        chained = (prev_end is not None and m.start() - prev_end <= MAX_POST_CHARS
                   and not _BLANK_LINE.search(raw, prev_end, m.start()))
        if chained:
            start = prev_end
            while start < m.start() and raw[start].isspace():
                start += 1
        else:
            start = _line_start(raw, m.start(), begin)
            if m.start() - start > MAX_POST_CHARS:
                start = m.start() - MAX_POST_CHARS
            start = _absorb_hashtag_lines(raw, start, prev_end if prev_end is not None else begin)
        while start < m.start() and raw[start].isspace():
            start += 1
        url = m.group("url")
        if url and not url.startswith("http"):
            url = "https://" + url
        post = SocialPost(
            text=raw[start:m.end()],
            author=m.group("author").strip() or None,
            handle=m.group("handle"),
            date=parse_english_date(m.group("date"), lexicon),
            url=url,
        )
        found.append(FoundPost(start, m.end(), post))
        prev_end = m.end()
    return found
