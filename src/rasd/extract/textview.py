"""A text, its normalised form and the map between their offsets, shared by every finder.

Normalisation (`rasd.clean.normalize`) only deletes characters or maps them one for one, so the
map is kept as the deleted positions alone; a text with nothing deleted needs no map. The places,
actors, dates and quantities finders and the event extractor each view the same page in turn, so
`make_view` remembers the last few pages and the map is built once per page.
"""
from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from functools import lru_cache

from rasd.clean.normalize import deleted_characters, normalize_arabic


@lru_cache(maxsize=1)
def deleted_chars() -> re.Pattern[str]:
    """The character class normalisation deletes (default groups): the table entries mapping to None."""
    return re.compile("[" + "".join(re.escape(ch) for ch in sorted(deleted_characters())) + "]")


@dataclass(frozen=True, slots=True)
class TextView:
    """`norm` is `text` normalised; `to_orig`/`to_orig_end`/`to_norm` map offsets between them.

    `deleted` holds the original offsets of the deleted characters and `keys[k] = deleted[k] - k`,
    the normalised offset the k-th deletion sits before (each index is searched one way).
    """

    text: str
    norm: str
    deleted: tuple[int, ...] = ()
    keys: tuple[int, ...] = ()

    def to_orig(self, i: int) -> int:
        """Original offset of the normalised start offset `i`."""
        i = min(max(i, 0), len(self.norm))
        return i + bisect_right(self.keys, i) if self.keys else i

    def to_orig_end(self, j: int) -> int:
        """Original (exclusive) end offset of the normalised end offset `j`."""
        if j <= 0:
            return 0
        return self.to_orig(min(j, len(self.norm)) - 1) + 1

    def to_norm(self, k: int) -> int:
        """Normalised offset of the original offset `k` (the first char at or after it)."""
        k = min(max(k, 0), len(self.text))
        return k - bisect_left(self.deleted, k) if self.deleted else k


@lru_cache(maxsize=4)   # one page goes through places, actors, dates, quantities and events in turn
def make_view(text: str) -> TextView:
    """Normalise `text` (`normalize_arabic`, default groups) and keep the offset map."""
    norm = normalize_arabic(text)
    if len(norm) == len(text):
        return TextView(text, norm)
    deleted = tuple(m.start() for m in deleted_chars().finditer(text))
    return TextView(text, norm, deleted, tuple(d - k for k, d in enumerate(deleted)))
