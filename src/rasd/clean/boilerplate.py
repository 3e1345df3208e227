"""Boilerplate detectors for pages that arrive as already-extracted text.

Each detector looks at normalised lines (`Line.key`) with the marker lexicons of
`rasd/data/clean/*.yaml` and labels what it recognises with a reason; nothing is deleted here.
Line detectors look at one line; block detectors (appeals, related lists, tag runs) look at a
line's neighbours. `learn_site_boilerplate` finds lines that recur across an outlet's pages.
"""
from __future__ import annotations

import re
from collections import Counter
from typing import Iterable

from rasd.clean.lexicon import Lexicon
from rasd.clean.lines import Line
from rasd.clean.normalize import normalize_key

#: Reasons a removed piece can carry (documented set; OUTPUT.md `removed[].reason`).
REASONS = frozenset({
    "navigation", "caption", "ui", "ad_marker", "donation_appeal", "subscription_appeal",
    "agency_credit", "keyword_list", "read_also", "related_articles", "repeated_title",
    "repeated_summary", "social_post", "source_label", "site_boilerplate", "appended_article",
    "header_field", "title", "kicker",
})

# --- glued headline runs -------------------------------------------------------------------
#: A question/exclamation mark or a closing quote followed directly by a letter, or a word-final
#: letter (ة, ى) followed directly by another letter: the seams of headlines glued together.
_GLUE = re.compile(r"[؟?!”»][^\W\d_]|[ةى][\u0621-\u064a]")
_SENTENCE_PUNCT = re.compile(r"(?<!\.)\.(?!\.)|[،؛,;]")
#: A glued run is long: shorter lines are headlines or sub-headings (seed navigation runs are
#: 500+ characters; 150 leaves room for a run of three or four headlines).
GLUED_MIN_CHARS = 150
#: Seams needed: three glued headlines make two seams plus the page's own noise.
GLUED_MIN_SEAMS = 3
#: Sentence punctuation allowed per this many characters (real paragraphs have a comma or a
#: full stop every ~60-120 characters in the Al Mayadeen corpus).
GLUED_CHARS_PER_PUNCT = 400


def is_glued_headlines(line: Line) -> bool:
    """A long line with no sentence punctuation made of headlines glued together."""
    t = line.text
    if len(t) < GLUED_MIN_CHARS:
        return False
    seams = len(_GLUE.findall(t))
    if seams < GLUED_MIN_SEAMS:
        return False
    return len(_SENTENCE_PUNCT.findall(t)) <= max(1, len(t) // GLUED_CHARS_PER_PUNCT)


# --- tag runs -------------------------------------------------------------------------------
#: A tag run is many words with no punctuation and repeats: seed tag clouds have 100+ words and
#: under half of them distinct; prose of 25+ words has punctuation and few repeats.
TAG_RUN_MIN_WORDS = 25
TAG_RUN_MAX_DISTINCT = 0.6
_ANY_PUNCT = re.compile(r"[.،؛,;:!?؟]")


def is_tag_run(line: Line) -> bool:
    """Many single words with repeats and no punctuation (a tag cloud flattened to one line)."""
    words = line.key.split()
    if len(words) < TAG_RUN_MIN_WORDS or _ANY_PUNCT.search(line.key):
        return False
    return len(set(words)) / len(words) <= TAG_RUN_MAX_DISTINCT


# --- captions -------------------------------------------------------------------------------
_PAREN_TAIL = re.compile(r"\(([^()]{1,40})\)\s*$")
#: Captions are short: one or two sentences under a photo (seed captions are ~100 characters).
CAPTION_MAX_CHARS = 300
#: A credit in parentheses has a handful of words ("مراسل أحرار الشام").
CAPTION_CREDIT_MAX_WORDS = 5


def is_caption(line: Line, lex: Lexicon) -> bool:
    """A short line ending in a parenthesised photo credit, or opening with a caption label."""
    if lex.match("caption_prefixes", line.key):
        return True
    if len(line.key) > CAPTION_MAX_CHARS:
        return False
    m = _PAREN_TAIL.search(line.key)
    if not m:
        return False
    credit = m.group(1).strip()
    if credit.count(" ") + 1 > CAPTION_CREDIT_MAX_WORDS:
        return False
    return bool((lex.caption_credit and lex.caption_credit.search(credit))
                or (lex.caption_credit_prefix and lex.caption_credit_prefix.search(credit)))


def credit_outlet(line: Line, lex: Lexicon) -> tuple[bool, str | None]:
    """Whether the line is a credit/source line, and the outlet it names (known or plausible)."""
    for pat in lex.credit_patterns:
        m = pat.search(line.key)
        if not m:
            continue
        named = m.groupdict().get("outlet")
        if not named:
            return True, None
        known = lex.find_outlet(named)
        if known:
            return True, known
        named = named.strip(" .")
        if named in lex.generic_sources or named.count(" ") > 2:
            return True, None
        return True, line.text[line.text.find(":") + 1:].strip(" .") or None
    return False, None


def classify_line(line: Line, lex: Lexicon, site: frozenset[str] = frozenset()) -> tuple[str, str] | None:
    """`(reason, detector)` for a line that one line-level detector recognises, else None.

    `read_also` here marks the marker itself; `split.py` decides what follows it.
    """
    key = line.key
    if key in site:
        return "site_boilerplate", "site_boilerplate"
    if lex.match("ad_lines", key):
        return "ad_marker", "ad_lines"
    if lex.match("caption_prefixes", key):
        return "caption", "caption_prefix"
    if len(key) <= 80 and lex.match("ui_lines", key):
        return "ui", "ui_lines"
    if len(key) <= 40 and lex.match("source_label_lines", key):
        return "source_label", "source_label"
    if len(key) <= 120 and credit_outlet(line, lex)[0]:
        return "agency_credit", "credit_lines"
    if lex.match("keyword_heads", key):
        return "keyword_list", "keyword_heads"
    if len(key) <= 60 and lex.match("related_heads", key):
        return "related_articles", "related_heads"
    if len(key) <= 200 and lex.match("read_also", key):
        return "read_also", "read_also"
    if is_caption(line, lex):
        return "caption", "caption_credit"
    if is_glued_headlines(line):
        return "navigation", "glued_headlines"
    if is_tag_run(line):
        return "keyword_list", "tag_run"
    return None


# --- block detectors ------------------------------------------------------------------------
#: Lines around an appeal count as part of it when this short (seed appeal lines are 15-60
#: characters; body paragraphs 80+).
APPEAL_LINE_MAX_CHARS = 90
#: Short lines following a tags head or a related head are its items up to this length.
LIST_ITEM_MAX_CHARS = 160
_SINGLE_STOP = re.compile(r"(?<!\.)\.$")


def _short_unpunctuated(line: Line, limit: int) -> bool:
    return len(line.text) <= limit and not _SINGLE_STOP.search(line.text) and not line.text.endswith(("،", ","))


def mark_appeals(lines: list[Line], lex: Lexicon) -> None:
    """Label donation/subscription appeal blocks: a trigger line and the short lines around it."""
    n = len(lines)
    for i, line in enumerate(lines):
        if line.label is not None or len(line.text) > APPEAL_LINE_MAX_CHARS or not lex.match("appeal_strong", line.key):
            continue
        lo = i
        while lo - 1 >= 0:
            prev = lines[lo - 1]
            if prev.label in ("ui", "ad_marker") or (prev.label is None and (
                    lex.match("appeal_weak", prev.key) or _short_unpunctuated(prev, APPEAL_LINE_MAX_CHARS))):
                lo -= 1
            else:
                break
        hi = i
        while hi + 1 < n:
            nxt = lines[hi + 1]
            if nxt.label in ("ui", "ad_marker") or (nxt.label is None and (
                    lex.match("appeal_weak", nxt.key) or lex.match("appeal_strong", nxt.key)
                    or _short_unpunctuated(nxt, APPEAL_LINE_MAX_CHARS))):
                hi += 1
            else:
                break
        block = [ln for ln in lines[lo:hi + 1] if ln.label is None]
        reason = ("subscription_appeal" if any(lex.match("subscription_markers", ln.key) for ln in block
                                               if lex.match("appeal_strong", ln.key)) else "donation_appeal")
        for ln in block:
            ln.label, ln.detector = reason, "appeal_block"


def mark_lists(lines: list[Line], lex: Lexicon) -> None:
    """Label the items after a related-articles heading or a lone tags head."""
    i = 0
    n = len(lines)
    while i < n:
        head = lines[i]
        lone_tags = head.label == "keyword_list" and head.detector == "keyword_heads" and head.words <= 3
        if head.label == "related_articles" and head.detector == "related_heads" or lone_tags:
            j = i + 1
            while j < n and lines[j].label in (None, "ad_marker", "ui") and (
                    lex.bullets.match(lines[j].text) or _short_unpunctuated(lines[j], LIST_ITEM_MAX_CHARS)):
                if lines[j].label is None:
                    lines[j].label, lines[j].detector = head.label, "list_items"
                j += 1
            i = j
        else:
            i += 1


def mark_duplicate_captions(lines: list[Line]) -> None:
    """A line equal to a caption (after an icon label) is the same caption shown twice."""
    caps = {ln.key for ln in lines if ln.label == "caption"}
    caps |= {re.sub(r"^[a-z]+ icon\s*", "", k) for k in caps}
    for ln in lines:
        if ln.label is None and ln.key in caps:
            ln.label, ln.detector = "caption", "duplicate_caption"


# --- site boilerplate -----------------------------------------------------------------------
#: Defaults for `learn_site_boilerplate`: a template line shows up on most of an outlet's pages,
#: while the most repeated real sentence in the 796 Al Mayadeen articles appears in 8 (1%); a
#: fifth of the pages, and at least 5 of them, separates the two with a wide margin.
SITE_MIN_DOCS = 5
SITE_MIN_SHARE = 0.2
_RAW_LINE = re.compile(r"[^\n]+")


def learn_site_boilerplate(pages: Iterable[tuple[str | None, str]], min_docs: int = SITE_MIN_DOCS,
                           min_share: float = SITE_MIN_SHARE) -> dict[str, frozenset[str]]:
    """Per outlet, the normalised lines that recur in at least `min_docs` and `min_share` of its pages.

    Pages without an outlet are pooled under the key `""`.
    """
    docs: Counter[str] = Counter()
    counts: dict[str, Counter[str]] = {}
    for outlet, text in pages:
        o = outlet or ""
        docs[o] += 1
        keys = {normalize_key(m.group(0)) for m in _RAW_LINE.finditer(text)}
        keys.discard("")
        counts.setdefault(o, Counter()).update(keys)
    out: dict[str, frozenset[str]] = {}
    for o, c in counts.items():
        need = max(min_docs, min_share * docs[o])
        found = frozenset(k for k, v in c.items() if v >= need)
        if found:
            out[o] = found
    return out
