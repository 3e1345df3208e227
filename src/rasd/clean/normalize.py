"""Arabic normalisation for matching and search, never for display.

Every operation maps one code point to one code point or deletes it (tables in
`rasd/data/normalize.json`), so a normalised string keeps a map back to the original offsets.
`normalize_arabic` is idempotent: normalising twice equals normalising once.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

#: Groups applied by default. `punctuation` (Arabic comma/semicolon to ASCII) is opt-in because
#: the cleaner's and extractors' patterns are written against the Arabic marks.
#: `hashtag_underscores`: a hashtag joins its words with "_" ("#الجيش_اليمني"); read as a space, the
#: names inside it are found as the words they are (one code point for one: offsets stay).
DEFAULT_GROUPS = (
    "diacritics", "tatweel", "bidi_and_joiners",
    "alef", "hamza_carriers", "alef_maqsura", "teh_marbuta", "persian_letters", "digits", "spaces",
    "hashtag_underscores",
)


@dataclass(frozen=True, slots=True)
class NormalizeOptions:
    """Which tables to apply (see `rasd/data/normalize.json` for the groups)."""

    groups: tuple[str, ...] = DEFAULT_GROUPS


def _expand(entry: str) -> range:
    lo, _, hi = entry.partition("-")
    return range(int(lo, 16), int(hi or lo, 16) + 1)


@lru_cache(maxsize=8)
def _table(groups: tuple[str, ...]) -> dict[int, int | None]:
    data = json.loads(resources.files("rasd.data").joinpath("normalize.json").read_text("utf-8"))
    table: dict[int, int | None] = {}
    known = set(data["delete"]) | set(data["map"])
    unknown = set(groups) - known
    if unknown:
        raise ValueError(f"unknown normalisation groups {sorted(unknown)}; known: {sorted(known)}")
    for name, entries in data["delete"].items():
        if name in groups:
            for e in entries:
                for cp in _expand(e):
                    table[cp] = None
    for name, mapping in data["map"].items():
        if name in groups:
            for src, dst in mapping.items():
                table[int(src, 16)] = int(dst, 16)
    return table


#: Below this length the characters present are found first with one regex (4.2 us for a median
#: 190-character line of the Al Mayadeen corpus, against 5.5 us for the replace chain and 14 us
#: for `str.translate` with a dict table); whole pages (~5,000 characters) are faster with the chain
#: (36 us against 52 us), measured with the same corpus.
_SHORT = 2000


@lru_cache(maxsize=8)
def _pairs(groups: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
    return tuple((chr(src), "" if dst is None else chr(dst)) for src, dst in _table(groups).items())


@lru_cache(maxsize=8)
def _finder(groups: tuple[str, ...]) -> tuple[re.Pattern[str], dict[str, str]]:
    pairs = _pairs(groups)
    # no groups, no characters: "[]" is not a regex, "(?!)" matches nothing (found by fuzzing, issue 12)
    chars = "".join(re.escape(a) for a, _ in pairs)
    return re.compile(f"[{chars}]" if chars else "(?!)"), dict(pairs)


def normalize_arabic(text: str, options: NormalizeOptions = NormalizeOptions()) -> str:
    """Normalise `text` for matching: strip diacritics/tatweel/bidi marks, unify letter forms and digits.

    Replacing each character present with `str.replace` is several times faster than `str.translate`
    with a dict table on Arabic text; the result is the same because no replacement produces a
    character that is itself replaced.
    """
    if len(text) < _SHORT:
        finder, mapping = _finder(options.groups)
        for ch in set(finder.findall(text)):
            text = text.replace(ch, mapping[ch])
        return text
    for src, dst in _pairs(options.groups):
        if src in text:
            text = text.replace(src, dst)
    return text


def normalize_with_offsets(
    text: str, options: NormalizeOptions = NormalizeOptions()
) -> tuple[str, list[int]]:
    """Normalise and return `(normalised, offsets)`; `offsets[i]` is the index in `text` of char i.

    `offsets` has one extra entry, `len(text)`, so an exclusive end offset maps too.
    """
    table = _table(options.groups)
    out: list[str] = []
    offsets: list[int] = []
    for i, ch in enumerate(text):
        cp = ord(ch)
        if cp in table:
            dst = table[cp]
            if dst is None:
                continue
            out.append(chr(dst))
        else:
            out.append(ch)
        offsets.append(i)
    offsets.append(len(text))
    return "".join(out), offsets




def normalize_key(text: str) -> str:
    """A comparison key: normalised, whitespace collapsed, stripped (for hashes and lookups)."""
    return " ".join(normalize_arabic(text).split())


def deleted_characters(options: NormalizeOptions = NormalizeOptions()) -> frozenset[str]:
    """The characters normalisation deletes (everything else maps one for one)."""
    return frozenset(chr(cp) for cp, dst in _table(options.groups).items() if dst is None)
