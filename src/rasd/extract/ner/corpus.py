"""ANERcorp reading, its fixed train/test split, and entity-level scoring of IOB tag sequences.

ANERcorp (Benajiba et al. 2007) is one `token TAG` per line with no blank lines; a sentence ends
with a `. O` line. `split_sentences` cuts there; `split_train_test` keeps document order and puts
the cut at the first sentence boundary at or after `TRAIN_FRACTION` of the tokens, so the test
part is the tail of the corpus (whole articles, apart from the one the cut falls in).
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Sequence

#: The entity types ANERcorp tags (IOB: B-X opens, I-X continues).
ENTITY_TYPES = ("PERS", "ORG", "LOC", "MISC")
TAGS = frozenset({"O"} | {f"{p}-{t}" for p in "BI" for t in ENTITY_TYPES})
#: Share of tokens in the training part: the proportion of the CAMeL Lab re-release's official
#: split (125,102 train / 25,008 test tokens), applied to this copy by position, since that split's
#: file list is not available to us.
TRAIN_FRACTION = 0.8334

Sentence = list[tuple[str, str]]


class CorpusError(ValueError):
    """A line of an IOB file that cannot be read (the message names the line)."""


def read_iob(path: str | Path) -> list[tuple[str, str]]:
    """(token, tag) pairs of a `token TAG` file.

    Lines with an empty token (five in ANERcorp) and the stray right-to-left marks are skipped;
    a line whose tag is not one of `TAGS` raises `CorpusError` naming it, except ANERcorp's one
    known glued line (`. Oالإصابة O`), which is read as the two tokens it holds.
    """
    out: list[tuple[str, str]] = []
    text = Path(path).read_text(encoding="utf-8")
    for n, line in enumerate(text.splitlines(), 1):
        line = line.replace("\u200f", "").replace("\u200e", "").strip()
        if not line:
            continue
        parts = line.rsplit(" ", 1)
        if len(parts) != 2 or not parts[0].strip():
            continue
        token, tag = parts[0].strip(), parts[1].strip()
        if tag not in TAGS:
            raise CorpusError(f"{path}:{n}: unknown tag {tag!r}")
        glued = token.split(" O", 1) if token.startswith(". O") else None
        if glued is not None and glued[1]:
            out.append((".", "O"))
            token = glued[1]
        out.append((token, tag))
    return out


def split_sentences(pairs: Iterable[tuple[str, str]]) -> list[Sentence]:
    """Sentences: runs of pairs ending with a `.` token (the tail, if any, is a last sentence)."""
    out: list[Sentence] = []
    cur: Sentence = []
    for pair in pairs:
        cur.append(pair)
        if pair[0] == ".":
            out.append(cur)
            cur = []
    if cur:
        out.append(cur)
    return out


def split_train_test(sentences: Sequence[Sentence], fraction: float = TRAIN_FRACTION) -> tuple[list[Sentence], list[Sentence]]:
    """(train, test): sentences in corpus order, cut at the first sentence end at or after `fraction` of the tokens."""
    if not 0.0 < fraction < 1.0:
        raise ValueError(f"fraction must lie strictly between 0 and 1, not {fraction}")
    total = sum(len(s) for s in sentences)
    target = fraction * total
    seen = 0
    for i, s in enumerate(sentences):
        seen += len(s)
        if seen >= target:
            return list(sentences[:i + 1]), list(sentences[i + 1:])
    return list(sentences), []


def entity_spans(tags: Sequence[str]) -> set[tuple[int, int, str]]:
    """Entities of an IOB sequence as (start, end, type), end exclusive.

    As in conlleval, an I-X after O or after another type opens a new entity.
    """
    out: set[tuple[int, int, str]] = set()
    start, kind = None, None
    for i, tag in enumerate(list(tags) + ["O"]):
        prefix, _, t = tag.partition("-")
        if kind is not None and (prefix != "I" or t != kind):
            out.add((start, i, kind))
            start, kind = None, None
        if prefix == "B" or (prefix == "I" and kind is None):
            start, kind = i, t
    return out


@dataclass(frozen=True, slots=True)
class Counts:
    """True positives, false positives and false negatives of one entity type."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    def scores(self) -> dict[str, float | int]:
        """precision, recall, F1 (rounded to 4 places) and the counts."""
        p = self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0
        r = self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        return {"precision": round(p, 4), "recall": round(r, 4), "f1": round(f, 4),
                "tp": self.tp, "fp": self.fp, "fn": self.fn}


def evaluate(gold: Sequence[Sequence[str]], pred: Sequence[Sequence[str]]) -> dict:
    """Token accuracy and exact-span entity precision/recall/F1, per type and overall (micro)."""
    if len(gold) != len(pred):
        raise ValueError(f"{len(gold)} gold sequences but {len(pred)} predicted")
    tokens = correct = 0
    per: dict[str, list[int]] = {t: [0, 0, 0] for t in ENTITY_TYPES}
    for g, p in zip(gold, pred):
        if len(g) != len(p):
            raise ValueError(f"sequence lengths differ: {len(g)} gold, {len(p)} predicted")
        tokens += len(g)
        correct += sum(a == b for a, b in zip(g, p))
        ge, pe = entity_spans(g), entity_spans(p)
        for span in ge | pe:
            c = per.setdefault(span[2], [0, 0, 0])
            c[0 if span in ge and span in pe else (2 if span in ge else 1)] += 1
    overall = Counts(*(sum(c[k] for c in per.values()) for k in range(3)))
    return {
        "tokens": tokens,
        "token_accuracy": round(correct / tokens, 4) if tokens else 0.0,
        "overall": overall.scores(),
        "per_type": {t: Counts(*c).scores() for t, c in per.items()},
    }
