"""What every reader shares: options, the item builders, newline and language helpers, data files."""
from __future__ import annotations

import os
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any, Mapping, TypeVar

import yaml

from rasd.document import Document, Item, Origin, Quarantined, RawInput, make_doc_id, sha256_hex

V = TypeVar("V")

#: Stage name written into every `Quarantined` a reader produces.
STAGE = "ingest"

#: Default size limit. 50 MiB is ~100x the largest real news page in ../shared (16 KB seeds,
#: 6 MB for a whole 796-article JSON Lines corpus); a larger single page is a mistake or an attack.
DEFAULT_MAX_BYTES = 50 * 1024 * 1024

#: How many characters `detect_lang` looks at; the first two thousand (a lede and a few
#: paragraphs) decide the language of a page as well as the whole, and a cap keeps the cost flat
#: on huge records (5,000 cost 0.16 ms a page, a sixth of ingest time, for the same answers on the
#: Al Mayadeen corpus and the seeds).
LANG_SAMPLE_CHARS = 2000

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


def matched_key(table: Mapping[str, V], matched: str) -> V:
    """The value of the lower-case key that a case-insensitive pattern built from `table` matched.

    `re.IGNORECASE` also matches "ſ" to "s", the Kelvin sign to "k" and "İ"/"ı" to "i", which
    `str.lower()` does not fold ("Auguſt" lowers to "auguſt", "TİTLE" to "ti̇tle"); a key that the
    lowered text misses is the one that matches `matched` as the pattern did (found by fuzzing,
    issue 12).
    """
    key = matched.lower()
    if key in table:
        return table[key]
    return next(v for k, v in table.items() if re.fullmatch(re.escape(k), matched, re.IGNORECASE))


_NEWLINES = re.compile(r"\r\n?|[\u2028\u2029\x85]")


def normalize_newlines(text: str) -> str:
    """Turn CRLF, CR and Unicode line/paragraph separators into `\\n` and drop a leading BOM."""
    if text.startswith("\ufeff"):
        text = text[1:]
    return _NEWLINES.sub("\n", text)


# Counted as regex runs (C speed): a per-character Python loop cost ~0.7 ms a page, most of a read.
_LETTER = re.compile(r"[^\W\d_]+")
# Arabic-script letters without tatweel (U+0640), which is decoration, not a letter.
_ARABIC_LETTER = re.compile(
    r"[\u0620-\u063F\u0641-\u064A\u066E-\u06D3\u06D5\u06EE-\u06FF\u0750-\u077F\u08A0-\u08FF"
    r"\uFB50-\uFDFF\uFE70-\uFEFC]+"
)
_LATIN_LETTER = re.compile(r"[A-Za-z\u00C0-\u00D6\u00D8-\u00F6\u00F8-\u024F]+")


def _count(pattern: re.Pattern[str], text: str) -> int:
    return sum(map(len, pattern.findall(text)))


def detect_lang(text: str) -> str:
    """Cheap language guess: "ar" when Arabic script passes 30% of letters, "en" for Latin, else "und"."""
    sample = text[:LANG_SAMPLE_CHARS]
    letters = _count(_LETTER, sample)
    if not letters:
        return "und"
    if _count(_ARABIC_LETTER, sample) / letters > ARABIC_LANG_SHARE:
        return "ar"
    if _count(_LATIN_LETTER, sample) / letters > 0.5:
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


_SURROGATE = re.compile("[\ud800-\udfff]")


def scrub_surrogates(value: Any) -> Any:
    """`value` with every lone surrogate in its strings (nested too) replaced by U+FFFD."""
    if isinstance(value, str):
        return _SURROGATE.sub("\ufffd", value) if _SURROGATE.search(value) else value
    if isinstance(value, dict):
        return {scrub_surrogates(k): scrub_surrogates(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(scrub_surrogates(v) for v in value)
    return value


def display_path(path: str | None) -> str | None:
    """A file name as storable text: bytes that are not UTF-8 (surrogate-escaped by the OS layer)
    become backslash escapes, so the name stays readable and stable."""
    if path is None or not _SURROGATE.search(path):
        return path
    return os.fsencode(path).decode("utf-8", "backslashreplace")


def document_item(raw: RawInput, text: str, *, options: ReadOptions, fmt: str, encoding: str,
                  title: str | None = None, url: str | None = None, published: str | None = None,
                  outlet: str | None = None, meta: Mapping[str, Any] | None = None) -> Item:
    """An item whose result is a fresh `Document`: `text` = `raw_text`, id from origin and bytes.

    Empty strings for title/url/outlet become None; `published` gets source "metadata".
    """
    url = url or None
    # Lone surrogates (a JSON "\\ud800", an undecodable file name) cannot be stored or encoded:
    # they become U+FFFD here, once, and the raw bytes keep the original.
    text, title, url, outlet, published = (scrub_surrogates(v) for v in (text, title, url, outlet, published))
    meta = scrub_surrogates(dict(meta or {}))
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


def name_of(value: Any) -> str | None:
    """A display string from a field that may be a string, a {name: …} object or a list of them."""
    if isinstance(value, str):
        return value.strip() or None
    if isinstance(value, dict):
        return name_of(value.get("name") or value.get("title"))
    if isinstance(value, (list, tuple)):
        names = [n for n in (name_of(v) for v in value) if n]
        return ", ".join(names) or None
    return None


def split_keywords(value: Any) -> list[str]:
    """Keywords as a list of strings, from a list or a comma-separated string (Latin or Arabic comma)."""
    if isinstance(value, str):
        parts = value.replace("،", ",").split(",")
    elif isinstance(value, (list, tuple)):
        parts = [name_of(v) or "" for v in value]
    else:
        return []
    return [p.strip() for p in parts if p and p.strip()]
