"""Leading header fields of a scraped text page (`date 2025-12-17`, `title: …`, `التاريخ: …`).

Scrapers often write a few `key value` fields before the body, sometimes on their own lines,
sometimes glued onto the first line of the body with no line break. The grammar:

    page    := ws* [frontmatter-fence] (field sep*)* ws* body
    field   := key (":" | "：" | "=" | "|" | " - ")? value
    value   := date-expression | url-token | rest-of-line

A typed value (date, url) has a known end, so the body may follow on the same line; a free-text
value runs to the end of its line and needs an explicit separator after the key, so a body that
merely starts with a word like "Source" or "المصدر" is never taken for a header. The keys, in
English and Arabic, live in `rasd/data/ingest/headers.yaml`.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Mapping

from rasd.ingest.base import load_data, matched_key
from rasd.ingest.dates import match_date

#: Longest free-text value accepted per field; a longer "value" is a body paragraph that merely
#: starts with a key word. Headlines in ../shared run up to ~120 characters; descriptions to ~400.
MAX_LINE_VALUE = {"title": 300, "description": 1000, "keywords": 1000}
#: The same limit for every other free-text field (outlet, author, language: short names).
DEFAULT_MAX_LINE_VALUE = 200

_URL = re.compile(r"(?:https?://|www\.)[^\s<>\"]+", re.IGNORECASE)
_SEP = r"[ \t]*(?P<sep>[:：=|]|[-–—](?=[ \t]))?[ \t]*"
_BETWEEN = re.compile(r"[ \t]*[|•·;؛][ \t]*|\s+")
_FENCE = re.compile(r"[ \t]*(?:---|\+\+\+)[ \t]*\n")


@dataclass(frozen=True, slots=True)
class HeaderFields:
    """What the leading header fields said, and where the body begins (`header_end`)."""

    fields: Mapping[str, str] = field(default_factory=dict)   # slot -> value as written
    published: str | None = None                              # YYYY-MM-DD from the date field
    header_end: int = 0                                       # offset of the first body character


@lru_cache(maxsize=1)
def _grammar() -> tuple[re.Pattern[str], dict[str, tuple[str, str]]]:
    data = load_data("headers.yaml")["fields"]
    slot_of: dict[str, tuple[str, str]] = {}
    for slot, spec in data.items():
        for key in spec["keys"]:
            slot_of[_key_norm(str(key))] = (slot, spec["type"])
    keys = sorted(slot_of, key=len, reverse=True)
    alternation = "|".join(re.escape(k).replace(r"\ ", r"[ \t]+").replace("_", "[_ ]") for k in keys)
    # A key is a whole word: not followed by a letter (Arabic keys would otherwise match the
    # start of a longer word such as "التاريخي").
    pattern = re.compile(rf"[ \t]*(?P<key>{alternation})(?![^\W\d])(?!_){_SEP}", re.IGNORECASE)
    return pattern, slot_of


def _key_spaces(key: str) -> str:
    return re.sub(r"[ \t_]+", " ", key.strip())


def _key_norm(key: str) -> str:
    return _key_spaces(key).lower()


def _line_end(text: str, pos: int) -> int:
    end = text.find("\n", pos)
    return len(text) if end < 0 else end


def parse_headers(text: str) -> HeaderFields:
    """Parse the header fields at the start of `text` (newlines already `\\n`).

    Returns empty fields and `header_end` 0 when the page starts with its body.
    """
    pattern, slot_of = _grammar()
    start = len(text) - len(text.lstrip())
    fence = _FENCE.match(text, start)
    fenced = fence is not None
    pos = fence.end() if fence else start
    fields: dict[str, str] = {}
    published: str | None = None
    end_of_fields = 0
    while True:
        m = pattern.match(text, pos)
        if not m:
            break
        slot, kind = matched_key(slot_of, _key_spaces(m.group("key")))
        has_sep = m.group("sep") is not None
        vpos = m.end()
        value: str | None = None
        next_pos = vpos
        if kind == "date":
            found = match_date(text, vpos)
            if found:
                next_pos = found[1]
                value = text[vpos:next_pos].strip()
                if slot == "date" and published is None:
                    published = found[0]
        elif kind == "url":
            um = _URL.match(text, vpos)
            if um:
                next_pos = um.end()
                value = um.group(0).rstrip(".,،")
                next_pos = vpos + len(value)
        if value is None:
            if not has_sep:
                break
            eol = _line_end(text, vpos)
            value = text[vpos:eol].strip()
            if len(value) > MAX_LINE_VALUE.get(slot, DEFAULT_MAX_LINE_VALUE):
                break
            next_pos = eol
        fields.setdefault(slot, value)
        if slot != "url" and "url" not in fields and _URL.fullmatch(value or ""):
            fields["url"] = value
        end_of_fields = next_pos
        between = _BETWEEN.match(text, next_pos)
        pos = between.end() if between else next_pos
    if not fields:
        return HeaderFields()
    body = end_of_fields
    if fenced:
        closing = _FENCE.match(text, pos)
        if closing:
            body = closing.end()
    while body < len(text) and (text[body].isspace() or text[body] in "|•·;؛"):
        body += 1
    return HeaderFields(fields=fields, published=published, header_end=body)
