"""HTML pages: main text and metadata by trafilatura (comments left out, precision favoured)."""
from __future__ import annotations

import re
from typing import Any, Mapping

import trafilatura
from lxml import etree

from rasd.document import Item, RawInput
from rasd.ingest.base import ReadOptions, Rejected, document_item, normalize_newlines, quarantine
from rasd.ingest.dates import parse_date
from rasd.ingest.decode import Decoded, decode_bytes, is_plausible

MEDIA_TYPE = "text/html"

#: Bytes searched for a `<meta charset>` declaration; HTML5 requires it in the first 1024 bytes,
#: real pages put it a little later behind comments and scripts.
CHARSET_WINDOW = 4096

#: Fewest words extracted text must have to count as an article body. On a page without one
#: (a section index, a login wall) trafilatura falls back to stray link or menu text of 1-3 words;
#: the shortest real news brief seen in ../shared has over 40 words.
MIN_MAIN_TEXT_WORDS = 5

_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
# Metadata dates only: the body's dates are the extractor's job, not the page's publication date.
_DATE_PARAMS = {"extensive_search": False, "original_date": True}


def _decode_html(data: bytes) -> Decoded | Rejected:
    declared = _CHARSET.search(data[:CHARSET_WINDOW])
    if declared and not data.startswith((b"\xff\xfe", b"\xfe\xff", b"\xef\xbb\xbf")):
        codec = declared.group(1).decode("ascii").lower()
        try:
            text = data.decode(codec)
        except (LookupError, UnicodeDecodeError):
            text = None
        if text is not None and is_plausible(text, check_script=False):
            return Decoded(text, codec)
    return decode_bytes(data)


def _paragraphs(text: str) -> str:
    # trafilatura writes one block per line; the rest of rasd separates paragraphs by a blank line.
    lines = [line.strip() for line in normalize_newlines(text).split("\n")]
    return "\n\n".join(line for line in lines if line)


def read_html(raw: RawInput, options: ReadOptions, *, url: str | None = None,
              meta: Mapping[str, Any] | None = None) -> Item:
    """Extract one HTML page's main text and metadata into an item (Document or Quarantined).

    `url`, when given, is where the page was fetched (a WARC record's target URI) and wins over
    the URL the page names itself (kept as `meta['page_url']` when they differ); `meta` is added.
    """
    decoded = _decode_html(raw.data or b"")
    if isinstance(decoded, Rejected):
        return quarantine(raw, decoded.reason, decoded.detail)
    result = trafilatura.bare_extraction(
        decoded.text, include_comments=False, favor_precision=True, with_metadata=True,
        date_extraction_params=_DATE_PARAMS,
    )
    body = _paragraphs(result.text or "") if result is not None else ""
    if len(body.split()) < MIN_MAIN_TEXT_WORDS:
        return quarantine(raw, "parse_error", "html has no main text")
    published = parse_date(result.date)
    meta = {
        "description": result.description,
        "keywords": [t for t in (result.tags or []) if t],
        "author": result.author,
        "hostname": result.hostname,
        "page_url": result.url if url and result.url and result.url != url else None,
        **(meta or {}),
    }
    return document_item(
        raw, body, options=options, fmt="html", encoding=decoded.encoding,
        title=result.title, url=url or result.url, published=published, outlet=result.sitename, meta=meta,
    )


def html_item(raw: RawInput, options: ReadOptions, *, url: str | None = None,
              meta: Mapping[str, Any] | None = None) -> Item:
    """`read_html`, with trafilatura/lxml failing on broken markup turned into a quarantined item."""
    try:
        return read_html(raw, options, url=url, meta=meta)
    except (ValueError, TypeError, etree.LxmlError) as exc:
        return quarantine(raw, "parse_error", f"html extraction failed: {type(exc).__name__}: {exc}")
