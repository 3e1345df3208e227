"""Boilerplate detectors for pages that arrive as already-extracted text.

Each detector looks at normalised lines (`Line.key`) with the marker lexicons of
`rasd/data/clean/*.yaml` and labels what it recognises with a reason; nothing is deleted here.
Line detectors look at one line; block detectors (appeals, related lists, tag runs) look at a
line's neighbours. `learn_site_boilerplate` finds lines that recur across an outlet's pages.
"""
from __future__ import annotations

import hashlib
import re
from collections import Counter
from typing import Iterable

from rasd.clean.lexicon import Lexicon
from rasd.clean.lines import Line
from rasd.clean.normalize import normalize_key
from rasd.clean.outlet import url_host

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
    """A long line with no sentence punctuation made of headlines glued together.

    Three seams with little punctuation, or a single seam with none at all: of the 7,793 lines of
    150+ characters in the Al Mayadeen articles, 41 have no comma or full stop (questions, "...")
    and none of those has a seam, while a glued run of four or five headlines often shows only one.
    """
    t = line.text
    if len(t) < GLUED_MIN_CHARS:
        return False
    seams = len(_GLUE.findall(t))
    if seams == 0:
        return False
    punct = len(_SENTENCE_PUNCT.findall(t))
    if seams < GLUED_MIN_SEAMS:
        return punct == 0
    return punct <= max(1, len(t) // GLUED_CHARS_PER_PUNCT)


# --- menus ----------------------------------------------------------------------------------
#: A menu line lists at least this many words (a title has verbs and prepositions instead).
MENU_MIN_WORDS = 4
#: Share of a menu line's words that must be site-section names (one or two unknown items, such
#: as a region's own section "دمشق وريفها", are allowed in a run of eight).
MENU_MIN_SHARE = 0.75
#: A menu spread over lines: at least this many consecutive short lines ...
MENU_BLOCK_MIN_LINES = 3
#: ... each of at most this many words ...
MENU_ITEM_MAX_WORDS = 3
#: ... half of which are section names.
MENU_BLOCK_MIN_SHARE = 0.5
_MENU_SEPARATORS = re.compile(r"[|•·/»>›]+|\s[-–—]\s")
_MENU_PUNCT = re.compile(r"[.،؛,;:!?؟\"“”«»()]")


def _menu_share(key: str, lex: Lexicon) -> tuple[int, float]:
    """Words of `key` and the share of them covered by site-section names."""
    key = _MENU_SEPARATORS.sub(" ", key)
    total = len(key.split())
    if not total or lex.menu_items is None:
        return total, 0.0
    covered = sum(m.group(0).count(" ") + 1 for m in lex.menu_items.finditer(key))
    return total, covered / total


def is_menu_run(line: Line, lex: Lexicon) -> bool:
    """A line of site-section names with no sentence punctuation ("الرئيسية أخبار تقارير رأي ...")."""
    if _MENU_PUNCT.search(line.key):
        return False
    total, share = _menu_share(line.key, lex)
    return total >= MENU_MIN_WORDS and share >= MENU_MIN_SHARE


def mark_menu_blocks(lines: list[Line], lex: Lexicon) -> None:
    """Label runs of short unpunctuated lines, half of them section names, as navigation."""
    n = len(lines)
    i = 0
    while i < n:
        j = i
        while j < n and lines[j].label is None and lines[j].words <= MENU_ITEM_MAX_WORDS \
                and not _MENU_PUNCT.search(lines[j].key):
            j += 1
        if j - i >= MENU_BLOCK_MIN_LINES:
            hits = sum(_menu_share(ln.key, lex)[1] >= 1.0 for ln in lines[i:j])
            if hits / (j - i) >= MENU_BLOCK_MIN_SHARE:
                for ln in lines[i:j]:
                    ln.label, ln.detector = "navigation", "menu_block"
        i = max(j, i + 1)


# --- interface messages ---------------------------------------------------------------------
#: Form and status messages are one short sentence ("تعذر إرسال النموذج، يرجى المحاولة لاحقاً").
UI_MESSAGE_MAX_CHARS = 100
UI_MESSAGE_MAX_WORDS = 16


def is_ui_message(line: Line, lex: Lexicon) -> bool:
    """A short line opening with a status word and naming an interface object ("تم إرسال تعليقك")."""
    if len(line.key) > UI_MESSAGE_MAX_CHARS or line.words > UI_MESSAGE_MAX_WORDS:
        return False
    if lex.ui_status is None or lex.ui_objects is None:
        return False
    m = lex.ui_status.match(line.key)
    return bool(m) and bool(lex.ui_objects.search(line.key, m.end()))


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
    """A short line ending in a parenthesised photo credit (a line opening with a caption label is
    `classify_line`'s `caption_prefix`)."""
    if len(line.key) > CAPTION_MAX_CHARS:
        return False
    m = _PAREN_TAIL.search(line.key)
    if not m:
        return False
    credit = m.group(1).strip()
    if credit.count(" ") + 1 > CAPTION_CREDIT_MAX_WORDS:
        return False
    if (lex.caption_credit and lex.caption_credit.search(credit)) or (
            lex.caption_credit_prefix and lex.caption_credit_prefix.search(credit)):
        return True
    # an unknown credit counts when the line has a caption's shape: "WHAT - [PLACE/]DATE (CREDIT)"
    # or "(OUTLET/ PHOTOGRAPHER)"; a sentence ending in a parenthesis has neither
    head = line.key[:m.start()]
    return bool(_CAPTION_DATE_TAIL.search(head) or (_CREDIT_PAIR.fullmatch(credit) and _CAPTION_DASH.search(head)))


#: " - كانون الأول 2024 " (or "- حماة، 5 آذار 2023") right before a caption's credit; not a year
#: range ("2011 - 2012").
_CAPTION_DATE_TAIL = re.compile(r"(?<!\d)\s[-–—]\s[^-–—()]{0,40}(?<!\d)(?:19|20)\d\d\s*$")
_CAPTION_DASH = re.compile(r"(?<!\d)\s[-–—]\s")
#: "مؤسسة/ فلان الفلاني": a credit naming an outlet and its photographer.
_CREDIT_PAIR = re.compile(r"[^/\d]{2,30}?\s*/\s*[^/\d]{2,30}")


def caption_credit_name(line: Line) -> str | None:
    """The outlet part of a caption's credit ("(X/ photographer)" -> X, "(X)" -> X), raw text."""
    m = _PAREN_TAIL.search(line.text)
    if not m:
        return None
    credit = m.group(1).split("/")[0].strip()
    return credit or None


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


def classify_line(line: Line, lex: Lexicon, site: frozenset[str] | frozenset[int] = frozenset()) -> tuple[str, str] | None:
    """`(reason, detector)` for a line that one line-level detector recognises, else None.

    `site`: the learnt boilerplate of the page's site, as normalised lines or their
    `line_fingerprint`s (the stored pre-pass keeps fingerprints).

    `read_also` here marks the marker itself; `split.py` decides what follows it.
    """
    key = line.key
    if site and (key in site or line_fingerprint(key) in site):
        return "site_boilerplate", "site_boilerplate"
    if lex.match("ad_lines", key):
        return "ad_marker", "ad_lines"
    if lex.match("caption_prefixes", key):
        return "caption", "caption_prefix"
    if len(key) <= 80 and lex.match("ui_lines", key):
        return "ui", "ui_lines"
    if is_ui_message(line, lex):
        return "ui", "ui_message"
    if len(key) <= 160 and lex.match("footer_lines", key):
        return "site_boilerplate", "footer_lines"
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
    if is_menu_run(line, lex):
        return "navigation", "menu_run"
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
#: Defaults for `learn_site_boilerplate`: a template line shows up on most of a site's articles,
#: while the most repeated real sentence in the 796 Al Mayadeen articles appears in 8 (1%); a
#: fifth of the articles, and at least 5 of them, separates the two with a wide margin. Articles,
#: not pages: copies of one article (exact or near) count once, so a batch holding the same op-ed
#: five times (issue 12) teaches nothing.
SITE_MIN_DOCS = 5
SITE_MIN_SHARE = 0.2
#: Copies of one article: two pages whose line sets overlap at least this much (Jaccard). A
#: template is a few lines of a page (Al Mayadeen's learnt lines are 1-3 of a page's 15-40), so
#: distinct articles of one site stay far below it; re-issued copies with a line or two changed
#: stay far above.
COPY_MIN_JACCARD = 0.5
#: Pages are compared only when they share one of their SKETCH smallest line hashes (a bottom-k
#: sketch: two pages share their minimum with probability equal to their Jaccard), and with at
#: most BUCKET earlier pages per hash, so a template line common to every page costs nothing.
COPY_SKETCH = 4
COPY_BUCKET = 16
#: Share of a page's body characters that site boilerplate may take; above it the lines are kept
#: and the page records why (a page is never emptied by lines learnt from other pages).
SITE_MAX_BODY_SHARE = 0.5
_RAW_LINE = re.compile(r"[^\n]+")


def _stable_hash(line: str) -> int:
    return int.from_bytes(hashlib.blake2b(line.encode("utf-8", "surrogatepass"), digest_size=8).digest(), "big")


def site_key(url: str | None, reader_outlet: str | None) -> str:
    """Which site a page's template comes from: its URL host, else the outlet its reader named.

    Never an author or byline: grouping by author made every op-ed writer a "site" (issue 12).
    """
    host = url_host(url)
    if host:
        return host
    return " ".join((reader_outlet or "").split()).lower()


def line_fingerprint(key: str) -> int:
    """A 63-bit fingerprint of a normalised line: what the stored pre-pass keeps instead of the
    line (rasd.clean.sitestate), and what `classify_line` compares a page's lines with."""
    return _stable_hash(key) >> 1


def page_fingerprints(text: str) -> frozenset[int]:
    """The fingerprints of a page's distinct normalised non-blank lines."""
    seen: dict[str, int] = {}
    for line in (m.group(0).strip() for m in _RAW_LINE.finditer(text)):
        if line and line not in seen:
            key = normalize_key(line)
            seen[line] = line_fingerprint(key) if key else 0
    return frozenset(fp for fp in seen.values() if fp)


def learn_site_fingerprints(pages: Iterable[tuple[str, frozenset[int]]], min_docs: int = SITE_MIN_DOCS,
                            min_share: float = SITE_MIN_SHARE) -> dict[str, frozenset[int]]:
    """Per site, the line fingerprints that recur in at least `min_docs` and `min_share` of its
    distinct articles; exact and near copies of one article count once.

    `pages` are `(site, fingerprints)` pairs (`page_fingerprints`). The result depends on the
    order of `pages` only through the copy clustering's bucket cap, so a caller that needs the
    same result for any order (the stored pre-pass) passes them sorted by a page key.
    """
    page_lines: dict[str, list[frozenset[int]]] = {}
    counts: dict[str, Counter[int]] = {}
    for site, lines in pages:
        o = site or ""
        counts.setdefault(o, Counter()).update(lines)
        page_lines.setdefault(o, []).append(lines)
    out: dict[str, frozenset[int]] = {}
    for o, c in counts.items():
        cluster = _article_clusters(page_lines[o])
        n_articles = len(set(cluster))
        if n_articles < min_docs:
            continue
        need = max(min_docs, min_share * n_articles)
        articles_with: dict[int, set[int]] = {}
        for i, lines in enumerate(page_lines[o]):
            for fp in lines:
                if c[fp] >= min_docs:
                    articles_with.setdefault(fp, set()).add(cluster[i])
        kept = frozenset(fp for fp, arts in articles_with.items() if len(arts) >= need)
        if kept:
            out[o] = kept
    return out


def learn_site_boilerplate(pages: Iterable[tuple[str | None, str]], min_docs: int = SITE_MIN_DOCS,
                           min_share: float = SITE_MIN_SHARE) -> dict[str, frozenset[str]]:
    """Per site (`site_key`), the normalised lines that recur in at least `min_docs` and `min_share`
    of its distinct articles; exact and near copies of one article count once.

    Pages without a site are pooled under the key `""`. The texts are at hand here, so the learnt
    fingerprints come back as the lines themselves (`learn_site_fingerprints` is the stored form).
    """
    key_of: dict[int, str] = {}
    sketches: list[tuple[str, frozenset[int]]] = []
    for site, text in pages:
        for line in (m.group(0).strip() for m in _RAW_LINE.finditer(text)):
            key = normalize_key(line) if line else ""
            if key:
                key_of.setdefault(line_fingerprint(key), key)
        sketches.append((site or "", page_fingerprints(text)))
    learnt = learn_site_fingerprints(sketches, min_docs, min_share)
    return {site: frozenset(key_of[fp] for fp in fps) for site, fps in learnt.items()}


def _article_clusters(pages: list[frozenset[int]]) -> list[int]:
    """Cluster id per page: exact and near copies of one article (line Jaccard) share an id."""
    parent = list(range(len(pages)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    buckets: dict[int, list[int]] = {}
    for i, lines in enumerate(pages):
        for hk in sorted(lines)[:COPY_SKETCH]:
            bucket = buckets.setdefault(hk, [])
            for j in bucket:
                if find(i) != find(j):
                    inter = len(lines & pages[j])
                    if inter and inter / (len(lines) + len(pages[j]) - inter) >= COPY_MIN_JACCARD:
                        parent[find(i)] = find(j)
            if len(bucket) < COPY_BUCKET:
                bucket.append(i)
    return [find(i) for i in range(len(pages))]
