"""What every reader shares: options, the item builders, newline and language helpers, data files."""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any, Mapping

import yaml

from rasd.document import Document, Item, Origin, Quarantined, RawInput, make_doc_id, sha256_hex

#: Stage name written into every `Quarantined` a reader produces.
STAGE = "ingest"

#: Default size limit. 50 MiB is ~100x the largest real news page in ../shared (16 KB seeds,
#: 6 MB for a whole 796-article JSON Lines corpus); a larger single page is a mistake or an attack.
DEFAULT_MAX_BYTES = 50 * 1024 * 1024

#: How many characters `detect_lang` looks at; the first few thousand decide the language of a
#: page as well as the whole, and a cap keeps the cost flat on huge records.
LANG_SAMPLE_CHARS = 5000

#: Arabic-script share of letters above which a text is Arabic. News pages in Arabic carry Latin
#: runs (URLs, handles, brand names) that rarely pass 30% of letters; an English page quoting
#: Arabic names rarely passes it either (spec: "Arabic-script share > 0.3").
ARABIC_LANG_SHARE = 0.3


@dataclass(frozen=True, slots=True)
class ReadOptions:
    """How readers treat their input.

    `max_bytes`: a file (JSON Lines: a line) larger than this is quarantined as `too_large`
    without being read whole. The `*_field` options name JSON fields and override auto-detection
    (a dotted name reaches into a nested object). `ingested_at` is stamped into every `Origin`.
    """

    max_bytes: int = DEFAULT_MAX_BYTES
    text_field: str | None = None
    title_field: str | None = None
    url_field: str | None = None
    date_field: str | None = None
    outlet_field: str | None = None
    ingested_at: str | None = None

    def __post_init__(self) -> None:
        if self.max_bytes <= 0:
            raise ValueError(f"max_bytes must be positive, got {self.max_bytes}")


@dataclass(frozen=True, slots=True)
class Rejected:
    """Why some bytes could not become text: a reason from QUARANTINE_REASONS and a detail."""

    reason: str
    detail: str


@lru_cache(maxsize=None)
def load_data(name: str) -> Mapping[str, Any]:
    """Load one YAML file of reader knowledge from `rasd/data/ingest/`."""
    text = resources.files("rasd.data.ingest").joinpath(name).read_text(encoding="utf-8")
    return yaml.safe_load(text)


_NEWLINES = re.compile(r"\r\n?|[\u2028\u2029\x85]")


def normalize_newlines(text: str) -> str:
    """Turn CRLF, CR and Unicode line/paragraph separators into `\\n` and drop a leading BOM."""
    if text.startswith("\ufeff"):
        text = text[1:]
    return _NEWLINES.sub("\n", text)


def _is_arabic_script(ch: str) -> bool:
    o = ord(ch)
    return 0x0600 <= o <= 0x06FF or 0x0750 <= o <= 0x077F or 0x08A0 <= o <= 0x08FF or 0xFB50 <= o <= 0xFEFF


def _is_latin(ch: str) -> bool:
    o = ord(ch)
    return ch.isascii() or 0x00C0 <= o <= 0x024F


def detect_lang(text: str) -> str:
    """Cheap language guess: "ar" when Arabic script passes 30% of letters, "en" for Latin, else "und"."""
    sample = text[:LANG_SAMPLE_CHARS]
    letters = arabic = latin = 0
    for ch in sample:
        if ch.isalpha():
            letters += 1
            if _is_arabic_script(ch):
                arabic += 1
            elif _is_latin(ch):
                latin += 1
    if not letters:
        return "und"
    if arabic / letters > ARABIC_LANG_SHARE:
        return "ar"
    if latin / letters > 0.5:
        return "en"
    return "und"


def raw_input(data: bytes, *, path: str | None, media_type: str, url: str | None = None,
              record: int | None = None) -> RawInput:
    """A `RawInput` holding `data` with its hash and size."""
    return RawInput(sha256=sha256_hex(data), data=data, size=len(data), path=path, url=url,
                    media_type=media_type, record=record)


def quarantine(raw: RawInput, reason: str, detail: str) -> Item:
    """An item whose result is a `Quarantined` from the ingest stage."""
    q = Quarantined(stage=STAGE, reason=reason, detail=detail, path=raw.path, raw_sha256=raw.sha256,
                    record=raw.record)
    return Item(raw=raw, result=q)


def document_item(raw: RawInput, text: str, *, options: ReadOptions, fmt: str, encoding: str,
                  title: str | None = None, url: str | None = None, published: str | None = None,
                  outlet: str | None = None, meta: Mapping[str, Any] | None = None) -> Item:
    """An item whose result is a fresh `Document`: `text` = `raw_text`, id from origin and bytes.

    Empty strings for title/url/outlet become None; `published` gets source "metadata".
    """
    url = url or None
    origin = Origin(path=raw.path, url=url, part=0, record=raw.record, raw_sha256=raw.sha256,
                    ingested_at=options.ingested_at)
    full_meta: dict[str, Any] = {"format": fmt, "encoding": encoding}
    for key, value in (("title", title), ("url", url), ("outlet", outlet)):
        if value:
            full_meta[key] = value
    full_meta.update({k: v for k, v in (meta or {}).items() if v not in (None, "", [], ())})
    doc = Document(
        id=make_doc_id(origin.source_key(), raw.sha256, 0),
        text=text,
        origin=origin,
        lang=detect_lang(text),
        title=title or None,
        published=published,
        published_source="metadata" if published else None,
        outlet=outlet or None,
        meta=full_meta,
        raw_text=text,
    )
    if raw.url != url and url:
        raw = RawInput(sha256=raw.sha256, data=raw.data, size=raw.size, path=raw.path, url=url,
                       media_type=raw.media_type, record=raw.record)
    return Item(raw=raw, result=doc)
