"""The cleaning stage: a decoded page in, its article(s) out, with everything removed accounted for.

`clean_document` is the pure function; `CleanStage` adds counters and quarantine. Body text is
copied verbatim from the raw page, so `Document.offset_map` maps every cleaned offset back.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Iterable, Iterator, Mapping

from rasd.clean.boilerplate import (
    SITE_MAX_BODY_SHARE, caption_credit_name, classify_line, credit_outlet, learn_site_boilerplate, mark_appeals, mark_duplicate_captions, site_key,
    mark_lists, mark_menu_blocks,
)
from rasd.clean.glue import GlueSplit, GlueSplitter, outlet_spellings, packaged_splitter
from rasd.clean.headline import detect_title, is_titleish, mark_repeated_summary, mark_repeated_title
from rasd.clean.lexicon import Lexicon, load_lexicon
from rasd.clean.normalize import normalize_key
from rasd.clean.lines import Line, split_lines
from rasd.clean.outlet import (
    RANK_AUTHOR, RANK_PROSE, RANK_READER, RANK_SIGNATURE, RANK_URL, Evidence, byline_name, choose_outlet, dateline_agency, outlet_from_field, prose_mentions, quoted_names,
    signature_evidence, split_dateline, split_url, url_host,
)
from rasd.clean.pubdate import find_date_mentions, parse_date_line, publication_date_in_keys, valid_date
from rasd.clean.social import FoundPost, find_social_posts
from rasd.clean.split import MIN_APPENDED_PARAGRAPHS, find_appended
from rasd.document import Document, Quarantined, Removed, Segment, make_doc_id, sha256_hex
from rasd.stage import StageCounters

__all__ = ["CleanOptions", "CleanStage", "clean_document", "load_lexicon", "learn_site_boilerplate", "Lexicon", "site_of"]

#: Paragraph separator in the cleaned text (OUTPUT.md: paragraphs separated by a blank line).
PARAGRAPH_SEP = "\n\n"
#: A header field the reader did not parse: "date 2025-12-17" (or "تاريخ النشر: …") opening the page.
_HEADER_FIELD = re.compile(
    r"^\s*(?:date|published|تاريخ النشر|تاريخ)\s*[:：]?\s*(\d{4})-(\d{2})-(\d{2})(?:[T ][\d:.+Z-]*)?\s*", re.IGNORECASE)
#: Labels that say where the outlet is named (signature lines).
_SIGNATURE_LABELS = ("agency_credit", "donation_appeal", "subscription_appeal", "site_boilerplate")
#: A body paragraph: a line this long ends the page's header (title, kicker, byline, date line).
BODY_MIN_CHARS = 80


@dataclass(frozen=True, slots=True)
class CleanOptions:
    """Cleaning settings; the defaults are what the seeds and the Al Mayadeen bench were tuned on."""

    lexicon_dirs: tuple[str, ...] = ()      # user folders of lexicon YAML files (same format as packaged)
    extract_social: bool = True             # lift embedded social posts into `social_posts`
    split_appended: bool = True             # split an article glued after "read also" into part 1
    detect_title: bool = True               # take title/kicker from the first lines when meta has none
    find_date: bool = True                  # look for the publication date in the text
    min_appended_paragraphs: int = MIN_APPENDED_PARAGRAPHS
    split_glued: bool = True                # put a space inside words glued by scraping (rasd.clean.glue)


@lru_cache(maxsize=8)
def _cached_lexicon(dirs: tuple[str, ...]) -> Lexicon:
    return load_lexicon(dirs)


def outlet_from_url(url: str | None, lex: Lexicon) -> str | None:
    """The outlet whose domain (from the lexicon) the URL belongs to, or None."""
    parts = split_url(url) if url else None
    if parts is None:
        return None
    host = (parts.hostname or "").lower()
    if host.startswith("www."):
        host = host[4:]
    for dom, name in lex.domain_to_outlet.items():
        d_host, _, d_path = dom.partition("/")
        if (host == d_host or host.endswith("." + d_host)) and (not d_path or parts.path.lstrip("/").startswith(d_path)):
            return name
    return None


def _header(raw: str, doc: Document) -> tuple[int, Removed | None, str | None]:
    """Where the body starts, the removed header, and a date the header gives."""
    he = doc.meta.get("header_end")
    if isinstance(he, int) and 0 < he <= len(raw):
        m = _HEADER_FIELD.match(raw[:he])
        date = f"{m.group(1)}-{m.group(2)}-{m.group(3)}" if m else None
        return he, _stripped_removed(raw, he, "reader"), date
    m = _HEADER_FIELD.match(raw)
    if m:
        return m.end(), _stripped_removed(raw, m.end(), "header_field"), f"{m.group(1)}-{m.group(2)}-{m.group(3)}"
    return 0, None, None


def _stripped_removed(raw: str, end: int, detector: str) -> Removed | None:
    """The header `raw[:end]` without surrounding blanks, as a removed piece (None if blank)."""
    s, e = 0, end
    while s < e and raw[s].isspace():
        s += 1
    while e > s and raw[e - 1].isspace():
        e -= 1
    return Removed(raw[s:e], "header_field", s, e, detector) if s < e else None


def _body(lines: list[Line], glued: Mapping[int, list[GlueSplit]] | None = None) -> tuple[str, tuple[Segment, ...]]:
    """The body text and its offset map; `glued` (line start -> splits, offsets in the line) adds
    one space at each cut: the space maps to no raw character, the pieces around it map exactly."""
    parts: list[str] = []
    segs: list[Segment] = []
    pos = 0
    for ln in lines:
        if ln.label is not None:
            continue
        if parts:
            pos += len(PARAGRAPH_SEP)
        cuts = [c for g in (glued or {}).get(ln.start, ()) for c in g.cuts]
        prev = 0
        pieces: list[str] = []
        for c in [*cuts, len(ln.text)]:
            segs.append(Segment(pos, ln.start + prev, c - prev))
            pieces.append(ln.text[prev:c])
            pos += c - prev + 1
            prev = c
        pos -= 1
        parts.append(" ".join(pieces))
    return PARAGRAPH_SEP.join(parts), tuple(segs)


def _split_glued(lines: list[Line], splitter: GlueSplitter | None) -> dict[int, list[GlueSplit]]:
    """Find glued words in the body lines; give each line's key the spaces (for the outlet and
    date finders that read keys). Returns line start -> splits (offsets inside the line)."""
    found: dict[int, list[GlueSplit]] = {}
    if splitter is None:
        return found
    for ln in lines:
        if ln.label is not None:
            continue
        splits = splitter.find(ln.text)
        if splits:
            found[ln.start] = splits
            cuts = [c for g in splits for c in g.cuts]
            bounds = [0, *cuts, len(ln.text)]
            ln.key = normalize_key(" ".join(ln.text[a:b] for a, b in zip(bounds, bounds[1:])))
    return found


def _glued_meta(found: Mapping[int, list[GlueSplit]]) -> list[dict]:
    """`meta.glued_splits`: each split token's raw offsets and the parts it became."""
    return [{"raw_start": start + g.start, "raw_end": start + g.end, "parts": list(g.parts)}
            for start in sorted(found) for g in found[start]]


def _splitter(options: CleanOptions, lex: Lexicon) -> GlueSplitter | None:
    if not options.split_glued:
        return None
    return packaged_splitter(outlet_spellings(lex.outlets))


def _removed(lines: list[Line]) -> list[Removed]:
    return [Removed(ln.text, ln.label, ln.start, ln.end, ln.detector) for ln in lines if ln.label is not None]


def _mark_top_date(lines: list[Line], lex: Lexicon) -> str | None:
    """A line before the body that is only a date is a header field; return its date.

    A "نُشر في: …" line already labelled `ui` counts too: its date is the page's own.
    """
    for ln in lines:
        if ln.label not in (None, "ui"):
            continue
        if ln.label is None and not is_titleish(ln):
            return None
        d = parse_date_line(ln.text, lex)
        if d:
            ln.label, ln.detector = "header_field", "date_line"
            return d
    return None


def _mark_byline(lines: list[Line], lex: Lexicon) -> Evidence | None:
    """Label a byline ("درعا - نبض حوران") between the title and the body; return the outlet it names."""
    for ln in lines:
        if ln.label is not None:
            continue
        if len(ln.text) >= BODY_MIN_CHARS:
            return None
        found = byline_name(ln.text, lex)
        if found:
            ln.label, ln.detector = "header_field", "byline"
            return found
    return None


def _outlet_evidence(doc: Document, lines: list[Line], lex: Lexicon, domain: str | None,
                     byline: Evidence | None) -> tuple[list[Evidence], list[str]]:
    """Ranked outlet evidence (see `rasd.clean.outlet`) and the names that count if they spell the URL.

    `domain`: the outlet whose domain the page's URL belongs to (`outlet_from_url`)."""
    meta = doc.meta
    ev: list[Evidence] = []
    author = meta.get("author") if isinstance(meta.get("author"), str) else None
    reader = doc.outlet or meta.get("outlet")
    if reader:
        named = outlet_from_field(reader, lex)
        if named:
            # a reader that fell back to the author field gives no more than the author does
            ev.append(Evidence(named, RANK_AUTHOR if reader == author else RANK_READER, "reader"))
    if domain:
        ev.append(Evidence(domain, RANK_URL, "url_domain"))
    for ln in reversed(lines):
        named = None
        if ln.label == "agency_credit":
            named = credit_outlet(ln, lex)[1]
        elif ln.label in _SIGNATURE_LABELS:
            named = lex.find_outlet(ln.text) or signature_evidence(ln.text, ln.key, lex)
        if named:
            ev.append(Evidence(named, RANK_SIGNATURE, ln.label))
    if byline:
        ev.append(byline)
    free = [ln for ln in lines if ln.label is None]
    first = next((ln for ln in free if len(ln.text) >= BODY_MIN_CHARS), None)
    agency = dateline_agency(first.text, lex) if first else None
    if agency:
        ev.append(Evidence(agency, RANK_SIGNATURE, "dateline"))
    ev += [Evidence(n, RANK_PROSE, "prose") for n in prose_mentions(((ln.text, ln.key) for ln in free), lex)]
    credits: list[str] = []
    for ln in lines:
        credit = caption_credit_name(ln) if ln.label == "caption" else None
        if credit:
            credits.append(credit)
            # "(OUTLET/ PHOTOGRAPHER)": the first part is the outlet; a lone credit may be a person
            if "/" in ln.text[ln.text.rfind("("):] and not (
                    lex.caption_credit and lex.caption_credit.search(normalize_key(credit))):
                ev.append(Evidence(credit, RANK_PROSE, "caption_credit"))
    if author and author != reader:
        named = outlet_from_field(author, lex)
        if named:
            ev.append(Evidence(named, RANK_AUTHOR, "author"))
    return ev, quoted_names(ln.text for ln in lines) + credits


def _dateline_date(lines: list[Line], lex: Lexicon) -> str | None:
    """The full date in a wire dateline opening the body ("بيروت 1 كانون الأول 2024 (رويترز) -")."""
    first = next((ln for ln in lines if ln.label is None and len(ln.text) >= BODY_MIN_CHARS), None)
    parts = split_dateline(first.text) if first else None
    if not parts:
        return None
    for dm in find_date_mentions(parts[0], lex):
        if dm.year is not None and valid_date(dm.year, dm.month, dm.day):
            return f"{dm.year:04d}-{dm.month:02d}-{dm.day:02d}"
    return None


def _text_date(lines: list[Line], lex: Lexicon) -> str | None:
    # the lines' keys are already normalised: `date_key` is the key lower-cased
    body = (ln.key.lower() for ln in lines if ln.label in (None, "title", "kicker"))
    page = (ln.key.lower() for ln in lines)
    found = publication_date_in_keys(body, page, lex)
    return found[0] if found else None


def site_of(doc: Document) -> str:
    """The site a page's learnt boilerplate is keyed by: URL host, else the reader's outlet field
    (never the author: a reader falls back to the author when a record has no outlet)."""
    meta = doc.meta
    reader = doc.outlet or meta.get("outlet")
    if reader is not None and reader == meta.get("author"):
        reader = None
    return site_key(doc.origin.url or meta.get("url"), reader)


def _keep_site_lines_if_most(lines: list[Line]) -> str | None:
    """Undo learnt site-boilerplate labels that would take most of the page; say why, else None.

    Lines learnt from other pages may remove a template, never an article: a page whose body
    would lose over SITE_MAX_BODY_SHARE of its characters to them keeps them all (issue 12).
    """
    site = [ln for ln in lines if ln.label == "site_boilerplate" and ln.detector == "site_boilerplate"]
    if not site:
        return None
    taken = sum(len(ln.text) for ln in site)
    body = taken + sum(len(ln.text) for ln in lines if ln.label is None)
    if body and taken / body > SITE_MAX_BODY_SHARE:
        for ln in site:
            ln.label, ln.detector = None, None
        return (f"{len(site)} lines ({taken} of {body} body characters) matched learnt site boilerplate; "
                f"kept: a template never takes over {SITE_MAX_BODY_SHARE:.0%} of a page")
    return None


def clean_document(doc: Document, options: CleanOptions = CleanOptions(), lexicon: Lexicon | None = None,
                   site_boilerplate: Mapping[str, frozenset[str] | frozenset[int]] | None = None,
                   site_outlets: Mapping[str, str] | None = None) -> list[Document]:
    """Clean one page: part 0 (the page's own article) first, then any article split off it.

    `site_boilerplate` maps a site (`site_of`, or `""`) to normalised lines learnt by
    `learn_site_boilerplate` (or their fingerprints, `SiteState.boilerplate`); those lines are
    removed as `site_boilerplate`. `site_outlets` maps a
    URL host to the outlet its other pages named (used when this page names none).
    """
    lex = lexicon or _cached_lexicon(tuple(options.lexicon_dirs))
    raw = doc.raw_text if doc.raw_text is not None else doc.text
    meta = doc.meta
    begin, header_removed, header_date = _header(raw, doc)
    url = doc.origin.url or meta.get("url")
    domain = outlet_from_url(url, lex)

    posts: list[FoundPost] = find_social_posts(raw, lex, begin) if options.extract_social else []
    lines = split_lines(raw, begin, holes=[(p.start, p.end) for p in posts])
    site = (site_boilerplate or {}).get(site_of(doc), frozenset())
    for ln in lines:
        found = classify_line(ln, lex, site)
        if found:
            ln.label, ln.detector = found
    kept_site = _keep_site_lines_if_most(lines)
    mark_appeals(lines, lex)
    mark_lists(lines, lex)
    mark_menu_blocks(lines, lex)
    mark_duplicate_captions(lines)
    k = find_appended(lines, lex, options.min_appended_paragraphs) if options.split_appended else None
    main, appended = (lines[:k], lines[k:]) if k is not None else (lines, [])

    title, kicker = doc.title or meta.get("title") or None, doc.kicker
    top_date = _mark_top_date(main, lex)
    if title is None and options.detect_title:
        kl, tl = detect_title(main)
        title, kicker = (tl.text if tl else None), (kl.text if kl else kicker)
    mark_repeated_title(main, title, kicker)
    byline = _mark_byline(main, lex)
    mark_repeated_summary(main, meta.get("description"))
    splitter = _splitter(options, lex)
    glued = _split_glued(main, splitter)

    published, source = doc.published, doc.published_source
    if published is None and header_date:
        published, source = header_date, "metadata"
    if published is None and top_date:
        published, source = top_date, "text"
    if published is None and options.find_date:
        published = _dateline_date(main, lex) or _text_date(main, lex)
        source = "text" if published else None
    evidence, candidates = _outlet_evidence(doc, main, lex, domain, byline)
    outlet = choose_outlet(evidence, url_host(url), candidates, site_outlets)

    text, segs = _body(main, glued)
    removed = _removed(main)
    if header_removed:
        removed.append(header_removed)
    removed += [Removed(p.post.text, "social_post", p.start, p.end, "tweet_embed") for p in posts]
    if appended:
        s, e = appended[0].start, appended[-1].end
        removed.append(Removed(raw[s:e], "appended_article", s, e, "read_also_split"))
    removed.sort(key=lambda r: (r.start if r.start is not None else -1))
    if kept_site:
        meta = {**meta, "site_boilerplate_kept": kept_site}
    if glued:
        meta = {**meta, "glued_splits": _glued_meta(glued)}
    out = [replace(
        doc, text=text, offset_map=segs, title=title, kicker=kicker, published=published, meta=meta,
        published_source=source if published else None, outlet=outlet, raw_text=raw,
        removed=tuple(removed), social_posts=tuple(p.post for p in posts), cleaned=True,
    )]
    if appended:
        out.append(_appended_document(doc, raw, appended, lex, options, url, outlet))
    return out


def _appended_document(doc: Document, raw: str, lines: list[Line], lex: Lexicon, options: CleanOptions,
                       url: str | None, site_outlet: str | None) -> Document:
    """Part 1: the article glued after a "read also" marker, with its own title and date."""
    kicker, title = detect_title(lines) if options.detect_title else (None, None)
    mark_repeated_title(lines, title.text if title else None, kicker.text if kicker else None)
    glued = _split_glued(lines, _splitter(options, lex))
    published = _text_date(lines, lex) if options.find_date else None
    text, segs = _body(lines, glued)
    origin = replace(doc.origin, part=1)
    meta = {"split_from": doc.id, **({"url": url} if url else {})}
    if glued:
        meta["glued_splits"] = _glued_meta(glued)
    return Document(
        id=make_doc_id(doc.origin.source_key(), doc.origin.raw_sha256 or sha256_hex(raw), 1),
        text=text, origin=origin, lang=doc.lang, title=title.text if title else None,
        kicker=kicker.text if kicker else None, published=published,
        published_source="text" if published else None, outlet=site_outlet, meta=meta, raw_text=raw,
        removed=tuple(_removed(lines)), offset_map=segs, cleaned=True,
    )


class CleanStage:
    """Runs `clean_document` over documents, counting what it keeps, splits off and removes.

    The stage learns nothing while it runs: what a page borrows from its site's other pages (the
    learnt boilerplate lines and the host -> outlet map) comes in frozen, from the pre-pass
    (`rasd.clean.sitestate.SiteState`), so each page's result depends only on the page.
    """

    def __init__(self, options: CleanOptions = CleanOptions(), lexicon: Lexicon | None = None,
                 site_boilerplate: Mapping[str, frozenset[str] | frozenset[int]] | None = None,
                 site_outlets: Mapping[str, str] | None = None) -> None:
        self.options = options
        self.lexicon = lexicon or _cached_lexicon(tuple(options.lexicon_dirs))
        self.site_boilerplate = site_boilerplate
        self.site_outlets = dict(site_outlets or {})   # URL host -> outlet its pages spell
        self.counters = StageCounters("clean")

    def run(self, docs: Iterable[Document]) -> Iterator[Document | Quarantined]:
        """Yield part 0 of each page (or a `Quarantined` when nothing is left), then its split parts."""
        for doc in docs:
            self.counters.seen()
            parts = clean_document(doc, self.options, self.lexicon, self.site_boilerplate, self.site_outlets)
            main = parts[0]
            for r in main.removed:
                self.counters.add(f"removed.{r.reason}")
            if main.social_posts:
                self.counters.add("social_posts", len(main.social_posts))
            for part in parts:
                if part.meta.get("glued_splits"):
                    self.counters.add("glued_splits", len(part.meta["glued_splits"]))
            if main.text.strip():
                self.counters.kept()
                yield main
            else:
                self.counters.quarantined("empty_after_clean")
                yield Quarantined(stage="clean", reason="empty_after_clean",
                                  detail=f"{len(main.removed)} pieces removed, no body left",
                                  path=doc.origin.path, raw_sha256=doc.origin.raw_sha256,
                                  record=doc.origin.record, doc_id=doc.id)
            for extra in parts[1:]:
                if extra.text.strip():
                    self.counters.add("split_off")
                    yield extra
