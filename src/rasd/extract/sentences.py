"""Paragraphs, sentences and clauses of a cleaned text, over its normalised form.

Offsets here are offsets into the NORMALISED text; `rasd.extract.textview.TextView` maps them
back to the original (normalisation only deletes or replaces characters one for one, so the map
is monotone).
"""
from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from typing import Sequence
from dataclasses import dataclass

from rasd.extract.textview import make_view  # noqa: F401  (re-exported for bench/eval_examples.py)

# Sentence ends: . ! ? ؟ (and runs of them) before a space or the end; a line break always ends one.
_SENT_END = re.compile(r"[.!?؟]+(?=[\s\"”»)]|$)[\"”»)]*|\n+")
_PARA = re.compile(r"\n\s*\n")
# Clause punctuation inside a sentence.
_CLAUSE_PUNCT = re.compile(r"[،؛;,]")
# "و" + a plural past verb (تقدموا, هربوا) opens a new clause; nouns rarely end in "وا".
_PLURAL_VERB = re.compile(r"(?<=\s)[وف]\w{2,}وا(?!\w)")


@dataclass(frozen=True, slots=True)
class Sentence:
    """One sentence: normalised offsets, its paragraph, and its clause boundaries."""

    start: int
    end: int
    para: int
    index: int                           # position of the sentence in the document
    clauses: tuple[tuple[int, int], ...]  # (start, end) of each clause, in order

    def clause_of(self, pos: int) -> tuple[int, int]:
        """The clause holding normalised offset `pos` (the last one when past the end)."""
        for c in self.clauses:
            if c[0] <= pos < c[1]:
                return c
        return self.clauses[-1]


def _strip(norm: str, s: int, e: int) -> tuple[int, int]:
    while s < e and norm[s].isspace():
        s += 1
    while e > s and norm[e - 1].isspace():
        e -= 1
    return s, e


def paragraphs(norm: str) -> list[tuple[int, int]]:
    """(start, end) of each paragraph (blank-line separated), stripped, in order."""
    out, pos = [], 0
    for m in _PARA.finditer(norm):
        out.append(_strip(norm, pos, m.start()))
        pos = m.end()
    out.append(_strip(norm, pos, len(norm)))
    return [p for p in out if p[1] > p[0]]


def split_clauses(norm: str, start: int, end: int, openers: re.Pattern[str],
                  extra_breaks: list[int] = ()) -> tuple[tuple[int, int], ...]:
    """Cut the sentence norm[start:end] at clause punctuation, clause openers and `extra_breaks`."""
    cuts = {start, end}
    seg = norm[start:end]
    for m in _CLAUSE_PUNCT.finditer(seg):
        cuts.add(start + m.end())
    for m in openers.finditer(seg):
        cuts.add(start + m.start())
    for m in _PLURAL_VERB.finditer(seg):
        cuts.add(start + m.start())
    cuts.update(b for b in extra_breaks if start < b < end)
    pts = sorted(cuts)
    out = []
    for a, b in zip(pts, pts[1:]):
        a2, b2 = _strip(norm, a, b)
        if b2 > a2:
            out.append((a2, b2))
    return tuple(out) or ((start, end),)


def split_sentences(norm: str, openers: re.Pattern[str],
                    extra_breaks: list[int] = (), need: Sequence[int] | None = None) -> list[Sentence]:
    """Sentences of the normalised text with their paragraph index and clauses.

    With `need` (sorted offsets, e.g. the triggers'), only sentences holding one of them are cut
    into clauses; the others keep one clause (nothing reads their clauses, and cutting every
    sentence was a tenth of extraction time).
    """
    out: list[Sentence] = []
    breaks = sorted(extra_breaks)
    for pi, (ps, pe) in enumerate(paragraphs(norm)):
        pos = ps
        bounds = []
        for m in _SENT_END.finditer(norm, ps, pe):
            bounds.append((pos, m.end()))
            pos = m.end()
        if pos < pe:
            bounds.append((pos, pe))
        for s, e in bounds:
            s, e = _strip(norm, s, e)
            if e <= s:
                continue
            if need is not None and bisect_left(need, e) == bisect_left(need, s):
                clauses: tuple[tuple[int, int], ...] = ((s, e),)
            else:
                clauses = split_clauses(norm, s, e, openers,
                                        breaks[bisect_right(breaks, s):bisect_left(breaks, e)])
            out.append(Sentence(s, e, pi, len(out), clauses))
    return out
