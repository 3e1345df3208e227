"""Plain-text pages: detect the encoding, normalise newlines, parse leading header fields."""
from __future__ import annotations

from typing import Any, Mapping

from rasd.document import Item, RawInput
from rasd.ingest.base import (
    ReadOptions, Rejected, document_item, normalize_newlines, quarantine, split_keywords,
)
from rasd.ingest.decode import decode_bytes
from rasd.ingest.headers import parse_headers

MEDIA_TYPE = "text/plain"

# Header slots passed into Document.meta under their own names.
_META_SLOTS = ("description", "keywords", "author", "updated", "lang")


def read_text(raw: RawInput, options: ReadOptions, *, url: str | None = None,
              meta: Mapping[str, Any] | None = None) -> Item:
    """Turn one text page's raw bytes into an item (Document, or Quarantined with a reason).

    `url`, when given (a WARC record's target URI), wins over a `url:` header; `meta` is added.

    The Document's text is the whole decoded page (headers included, so offsets stay raw);
    `meta['header_end']` is where the body begins (0 when the page has no header fields).
    """
    decoded = decode_bytes(raw.data or b"")
    if isinstance(decoded, Rejected):
        return quarantine(raw, decoded.reason, decoded.detail)
    text = normalize_newlines(decoded.text)
    if not text.strip():  # a byte-order mark decoded as text ("\ufeff" after a UTF-16 BOM) and no more
        return quarantine(raw, "empty", f"only a byte-order mark and whitespace ({decoded.encoding})")
    headers = parse_headers(text)
    if headers.fields and not text[headers.header_end:].strip():
        return quarantine(raw, "empty", "header fields but no body")
    fields = headers.fields
    found: dict[str, object] = {"header_end": headers.header_end}
    found.update({slot: fields[slot] for slot in _META_SLOTS if fields.get(slot)})
    if "keywords" in found:
        found["keywords"] = split_keywords(found["keywords"])
    if fields.get("date") and not headers.published:
        found["date_raw"] = fields["date"]
    found.update(meta or {})
    return document_item(
        raw, text, options=options, fmt="text", encoding=decoded.encoding,
        title=fields.get("title"), url=url or fields.get("url"), published=headers.published,
        outlet=fields.get("outlet"), meta=found,
    )
