"""The records that flow through rasd: one `Document` per article, never edited in place.

Stages return new records with `dataclasses.replace`; annotations point into the text
(`Span`) instead of copying it; ids hash content so re-ingesting is idempotent.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any, Mapping

#: The closed set of reasons a record can be quarantined for (STYLE.md §6).
QUARANTINE_REASONS = (
    "undecodable",        # bytes that no supported encoding decodes cleanly
    "not_text",           # binary content (images, archives, executables)
    "empty",              # the input has no content at all
    "empty_after_clean",  # everything in the page was boilerplate
    "too_large",          # over the configured size limit
    "parse_error",        # malformed JSON line, HTML with no body, a stage raised
    "timeout",            # a stage ran over its time budget
)



class FrozenMeta(dict):
    """A read-only mapping that still pickles (Ray workers) and JSON-serialises."""

    def _blocked(self, *_a: Any, **_k: Any) -> None:
        raise TypeError("Document.meta is read-only; build a new Document with replace()")

    __setitem__ = __delitem__ = _blocked  # type: ignore[assignment]
    clear = pop = popitem = setdefault = update = _blocked  # type: ignore[assignment]

    def __reduce__(self):  # pickle as a plain dict, rebuild as FrozenMeta
        return (FrozenMeta, (dict(self),))

    def __hash__(self) -> int:  # type: ignore[override]
        return hash(tuple(sorted((k, repr(v)) for k, v in self.items())))


def freeze(meta: Mapping[str, Any] | None) -> FrozenMeta:
    """Return `meta` as a `FrozenMeta` (a no-op when it already is one)."""
    if isinstance(meta, FrozenMeta):
        return meta
    return FrozenMeta(meta or {})


def sha256_hex(data: bytes | str) -> str:
    """Hex SHA-256 of bytes, or of a string's UTF-8 encoding."""
    if isinstance(data, str):
        data = data.encode("utf-8")
    return hashlib.sha256(data).hexdigest()


def make_doc_id(source_key: str, raw_sha256: str, part: int = 0) -> str:
    """Stable document id from where a record came from and what its bytes were.

    `source_key` is the URL where known, else the file name (not the absolute path, so the id
    is the same on every machine), plus the record's position inside a multi-record file.
    The same bytes from the same source always get the same id; identical bytes from two
    sources get two ids (each keeps its own origin) and are linked by `duplicate_of`.
    """
    # surrogatepass: a key from an undecodable file name still hashes (same bytes as before otherwise)
    return hashlib.sha256(f"{source_key}\x00{raw_sha256}\x00{part}".encode("utf-8", "surrogatepass")).hexdigest()[:20]


@dataclass(frozen=True, slots=True)
class Origin:
    """Where a document came from."""

    path: str | None = None          # the input file as given on the command line (or None)
    url: str | None = None
    part: int = 0                    # 0 = the page's own article; 1, 2… = articles split off it
    record: int | None = None        # where in a multi-record file: JSON Lines / CSV line (1-based),
                                     # Parquet row (1-based), WARC record's byte offset
    raw_sha256: str | None = None    # hash of the raw record's bytes (key into the raw store)
    ingested_at: str | None = None   # ISO timestamp of the run that first read it

    def source_key(self) -> str:
        """The part of the origin that names the source independent of the machine."""
        import os

        base = self.url or (os.path.basename(self.path) if self.path else "-")
        return f"{base}#{self.record}" if self.record is not None else base


@dataclass(frozen=True, slots=True)
class Span:
    """An annotation: `text[start:end]` carries `label` with a structured `value`."""

    start: int
    end: int
    label: str
    value: Any = None
    produced_by: str = ""
    doc_id: str | None = None


@dataclass(frozen=True, slots=True)
class Removed:
    """A piece the cleaner took out of the page, with why and where (raw offsets)."""

    text: str
    reason: str
    start: int | None = None   # offset into Document.raw_text
    end: int | None = None
    detector: str = ""


@dataclass(frozen=True, slots=True)
class SocialPost:
    """An embedded social-media post lifted out of the body."""

    text: str
    author: str | None = None
    handle: str | None = None
    date: str | None = None     # YYYY-MM-DD where parseable
    url: str | None = None


@dataclass(frozen=True, slots=True)
class Segment:
    """A piece of the cleaned text copied verbatim from the raw text (offset map entry)."""

    clean_start: int
    raw_start: int
    length: int


@dataclass(frozen=True, slots=True)
class Document:
    """One article. `text` is the raw decoded text until cleaning, the clean body after it."""

    id: str
    text: str
    origin: Origin
    lang: str = "ar"
    title: str | None = None
    kicker: str | None = None
    published: str | None = None              # YYYY-MM-DD
    published_source: str | None = None       # metadata | text | inferred
    outlet: str | None = None
    meta: Mapping[str, Any] = field(default_factory=FrozenMeta)
    raw_text: str | None = None               # the decoded page before cleaning
    removed: tuple[Removed, ...] = ()
    social_posts: tuple[SocialPost, ...] = ()
    spans: tuple[Span, ...] = ()
    offset_map: tuple[Segment, ...] = ()      # cleaned text -> raw_text offsets
    duplicate_of: str | None = None
    cleaned: bool = False
    events: tuple["Event", ...] = ()          # filled by the extraction stage

    def __post_init__(self) -> None:
        if not isinstance(self.meta, FrozenMeta):
            object.__setattr__(self, "meta", freeze(self.meta))

    def raw_offset(self, clean_offset: int) -> int | None:
        """Map an offset in the cleaned text back to `raw_text` (None if not copied from it)."""
        for seg in self.offset_map:
            if seg.clean_start <= clean_offset < seg.clean_start + seg.length:
                return seg.raw_start + (clean_offset - seg.clean_start)
            if clean_offset == seg.clean_start + seg.length:  # end offsets are exclusive
                return seg.raw_start + seg.length
        return None


@dataclass(frozen=True, slots=True)
class RawInput:
    """The bytes of one input record, kept so nothing is ever lost."""

    sha256: str
    data: bytes | None         # None when not kept (over the size limit): path + hash remain
    size: int
    path: str | None = None
    url: str | None = None
    media_type: str = "text/plain"
    record: int | None = None


@dataclass(frozen=True, slots=True)
class Quarantined:
    """A record that could not be processed, with a reason from `QUARANTINE_REASONS`."""

    stage: str
    reason: str
    detail: str
    path: str | None = None
    raw_sha256: str | None = None
    record: int | None = None
    doc_id: str | None = None

    def __post_init__(self) -> None:
        if self.reason not in QUARANTINE_REASONS:
            raise ValueError(f"unknown quarantine reason {self.reason!r}; use one of {QUARANTINE_REASONS}")


@dataclass(frozen=True, slots=True)
class Item:
    """What a reader yields: the raw record, and either a Document or a Quarantined."""

    raw: RawInput
    result: Document | Quarantined


@dataclass(frozen=True, slots=True)
class Event:
    """One event as OUTPUT.md describes it; sub-records are JSON-ready dicts.

    `actors`: {text, name, actor_id, role}; `location`: {text, name, name_en, place_id, lat, lon,
    admin1, precision} or None; `date`: {value, precision, basis}; `quantities`: {value | min/max,
    unit, approx, text}; `attribution`: {text, name, source_id}; `mentions`: {doc_id, start, end, text}.
    """

    id: str
    type: str
    doc_id: str
    actors: tuple[dict, ...] = ()
    location: dict | None = None
    date: dict = field(default_factory=lambda: {"value": None, "precision": None, "basis": None})
    quantities: tuple[dict, ...] = ()
    attribution: tuple[dict, ...] = ()
    modality: str = "asserted"
    mentions: tuple[dict, ...] = ()
    meta: Mapping[str, Any] = field(default_factory=FrozenMeta)

    def __post_init__(self) -> None:
        if not isinstance(self.meta, FrozenMeta):
            object.__setattr__(self, "meta", freeze(self.meta))
