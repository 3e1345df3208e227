"""Text helpers for the actor finder: fast normalisation with an offset map, word boundaries, tokens.

`NormText` holds the normalised text and maps offsets back to the original with the page's
`rasd.extract.textview.TextView` (shared with the other finders); `tests/extract/test_actors_kb.py`
checks it against `normalize_with_offsets`.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterator

from rasd.clean.normalize import normalize_key
from rasd.extract.textview import make_view

#: Quote marks that may sit between words without breaking a phrase ("مقاتلي “الجيش الحر”").
QUOTES = "\"'«»“”„‘’`"

_TOKEN = re.compile(r"[^\W_]+|\S")
_SPACE = re.compile(r"[ \t\u00a0]*")


@dataclass(frozen=True, slots=True)
class Token:
    """A word or a single punctuation mark in the normalised text."""

    start: int
    end: int
    text: str
    newline_before: bool   # a line break separates it from the previous token

    @property
    def is_word(self) -> bool:
        """True for a run of letters/digits, False for punctuation."""
        return self.text[0].isalnum()


class NormText:
    """A normalised text with a map from its offsets back to the original text."""

    __slots__ = ("original", "norm", "_view")

    def __init__(self, original: str):
        """Normalise `original` (deletions and 1:1 replacements only)."""
        self._view = make_view(original)
        self.original = original
        self.norm = self._view.norm

    def to_orig(self, i: int) -> int:
        """Original offset of normalised character `i`."""
        return self._view.to_orig(i)

    def span_to_orig(self, start: int, end: int) -> tuple[int, int]:
        """Original (start, end) of the normalised span [start, end)."""
        if start >= end:
            o = self.to_orig(start) if start < len(self.norm) else len(self.original)
            return o, o
        return self.to_orig(start), self.to_orig(end - 1) + 1

    def orig_text(self, start: int, end: int) -> str:
        """The original text behind the normalised span [start, end)."""
        a, b = self.span_to_orig(start, end)
        return self.original[a:b]

    def word_start(self, i: int) -> int:
        """Start of the letter run that contains or ends right before index `i`."""
        norm = self.norm
        while i > 0 and norm[i - 1].isalnum():
            i -= 1
        return i

    def word_end(self, i: int) -> int:
        """End of the letter run that starts at or contains index `i`."""
        norm, n = self.norm, len(self.norm)
        while i < n and norm[i].isalnum():
            i += 1
        return i

    def next_token(self, pos: int) -> Token | None:
        """The token starting at or after `pos` (spaces skipped), or None at the end."""
        gap = _SPACE.match(self.norm, pos)
        p = gap.end()
        newline = False
        while p < len(self.norm) and self.norm[p] in "\r\n\u2028\u2029":
            newline = True
            p = _SPACE.match(self.norm, p + 1).end()
        m = _TOKEN.match(self.norm, p)
        if m is None:
            return None
        return Token(m.start(), m.end(), m.group(), newline)

    def tokens_from(self, pos: int) -> Iterator[Token]:
        """Tokens from `pos` onwards."""
        while True:
            tok = self.next_token(pos)
            if tok is None:
                return
            yield tok
            pos = tok.end

    def prev_word(self, pos: int, *, skip_quotes: bool = True) -> Token | None:
        """The word ending before `pos` with only spaces (and quotes) between; None if punctuation intervenes."""
        norm = self.norm
        i = pos
        while i > 0 and (norm[i - 1] in " \t\u00a0" or (skip_quotes and norm[i - 1] in QUOTES)):
            i -= 1
        if i == 0 or not norm[i - 1].isalnum():
            return None
        start = self.word_start(i)
        return Token(start, i, norm[start:i], False)


def norm_word(text: str) -> str:
    """Normalised key for a single word or phrase from a data file."""
    return normalize_key(text)
