"""The CRF name tagger: IOB tags over PERS, ORG, LOC and MISC, and name spans in a text.

Tagging does not go through crfsuite's own tagger: the model's weights are read once, each
distinct word's summed weights (its own features, and what it lends to each neighbour) are kept
as a small vector, and Viterbi runs over those with numpy. The tags are crfsuite's (the tests
compare both); it is several times faster, because most of the cost was turning feature strings
into ids token by token.

    tagger = load_default_tagger()        # the shipped model, or None (then a warning, once)
    tagger.tag(["قال", "الرئيس", "سامر", "الخطيب"])   # -> ["O", "O", "B-PERS", "I-PERS"]
    tagger.find(text)                     # NAME spans, value {"type": "PERS", "text": ...}

The model is a python-crfsuite file trained on ANERcorp (`python -m rasd.extract.ner train`);
loading reads only that file and our own data files, never the network.
"""
from __future__ import annotations

import re
import warnings

import numpy as np
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Iterator, Sequence

from rasd.document import Span
from rasd.extract.ner.corpus import entity_spans
from rasd.extract.ner.features import WORD_CACHE_SIZE, NameLexicon, default_lexicon, sentence_features
from rasd.extract.textview import make_view

#: The shipped model (and its card, same name with .json) under rasd/data/models/.
MODEL_NAME = "ner_anercorp.crfsuite"
_TOKEN = re.compile(r"[^\W_]+|\S")
#: Tokens that end a sentence for tagging (ANERcorp's sentences end at `.`; pages also use ! ? ؟ and lines).
_SENTENCE_END = frozenset(".!?؟")
#: Longest run tagged as one sequence: a page line without punctuation can be long, and a CRF's
#: context does not reach that far; 80 tokens is well above ANERcorp's median sentence (about 30).
MAX_SEQUENCE = 80


def default_model_path() -> Path:
    """Where `rasd train ner` writes the model (absent until it is built: not shipped, see docs/ner.md)."""
    return Path(str(resources.files("rasd.data").joinpath("models", MODEL_NAME)))


def _crfsuite():
    try:
        import pycrfsuite
    except ImportError as exc:
        raise ImportError("the name tagger needs python-crfsuite: pip install python-crfsuite") from exc
    return pycrfsuite


class NameTagger:
    """A trained CRF and the lexicon its features were built with."""

    def __init__(self, model_path: str | Path, lexicon: NameLexicon | None = None):
        """Open the model file; FileNotFoundError names the path and the command that builds it."""
        path = Path(model_path)
        if not path.is_file():
            raise FileNotFoundError(f"no name-tagger model at {path}; build it with `rasd train ner`")
        self.model_path = path
        self.lexicon = lexicon if lexicon is not None else default_lexicon()
        self._tagger = _crfsuite().Tagger()
        self._tagger.open(str(path))
        info = self._tagger.info()
        self.labels: tuple[str, ...] = tuple(self._tagger.labels())
        index = {label: k for k, label in enumerate(self.labels)}
        n = len(self.labels)
        attrs: dict[str, int] = {}
        rows: list[np.ndarray] = []
        for (attr, label), w in info.state_features.items():
            k = attrs.get(attr)
            if k is None:
                k = attrs[attr] = len(rows)
                rows.append(np.zeros(n))
            rows[k][index[label]] = w
        # one extra zero row: words with no feature in the model point there
        self._matrix = np.vstack(rows + [np.zeros(n)]) if rows else np.zeros((1, n))
        self._attrs = attrs
        weights = {attr: self._matrix[k] for attr, k in attrs.items()}
        self._weights = weights
        self._trans = np.zeros((n, n))
        for (a, b), w in info.transitions.items():
            self._trans[index[a], index[b]] = w
        self._zero = np.zeros(n)
        self._bos = weights.get("BOS", self._zero)
        self._eos = weights.get("EOS", self._zero)
        self._vectors: dict[str, np.ndarray] = {}

    def _word_vectors(self, word: str) -> np.ndarray:
        """Rows: the word's own summed weights, then what it lends at offsets -2, -1, +1, +2."""
        vec = self._vectors.get(word)
        if vec is None:
            info = self.lexicon.word(word)
            attrs, empty = self._attrs, len(self._matrix) - 1
            idx: list[int] = []
            bounds: list[int] = []
            for group in (("bias", *info.own), info.ctx[-2], info.ctx[-1], info.ctx[1], info.ctx[2]):
                bounds.append(len(idx))
                idx.extend([attrs[f] for f in group if f in attrs] or [empty])
            vec = np.add.reduceat(self._matrix[idx], bounds, axis=0)
            if len(self._vectors) >= WORD_CACHE_SIZE:
                self._vectors.clear()
            self._vectors[word] = vec
        return vec

    def _emissions(self, sentences: Sequence[Sequence[str]]) -> np.ndarray:
        """Summed state weights of every token of `sentences`, concatenated: shape (tokens, labels)."""
        words = [w for s in sentences for w in s]
        sid = np.repeat(np.arange(len(sentences)), [len(s) for s in sentences])
        a = np.stack([self._word_vectors(w) for w in words])
        e = a[:, 0].copy()
        # a word at j lends its "-k:" features to the token k places after it, "+k:" to k before,
        # within its own sentence
        for k, behind, ahead in ((1, 2, 3), (2, 1, 4)):
            same = (sid[k:] == sid[:-k])[:, None]
            e[k:] += a[:-k, behind] * same
            e[:-k] += a[k:, ahead] * same
        firsts = np.cumsum([0] + [len(s) for s in sentences[:-1]])
        e[firsts] += self._bos
        e[firsts + [len(s) - 1 for s in sentences]] += self._eos
        get = self._weights.get
        word = self.lexicon.word
        i = 0
        for s in sentences:
            prev = None
            for w in s:
                bare = word(w).bare
                if prev is not None:
                    pair = prev + "|" + bare
                    v = get("bg-1=" + pair)
                    if v is not None:
                        e[i] += v
                    v = get("bg+1=" + pair)
                    if v is not None:
                        e[i - 1] += v
                prev = bare
                i += 1
        return e

    def tag(self, words: Sequence[str]) -> list[str]:
        """IOB tags of already normalised words (one sentence)."""
        return self.tag_many([words])[0]

    def tag_many(self, sentences: Sequence[Sequence[str]]) -> list[list[str]]:
        """IOB tags of each sentence (Viterbi over all of them at once)."""
        kept = [s for s in sentences if s]
        if not kept:
            return [[] for _ in sentences]
        e = self._emissions(kept)
        lengths = np.array([len(s) for s in kept])
        b, width, n = len(kept), int(lengths.max()), len(self.labels)
        pos = np.arange(width)
        valid = pos[None, :] < lengths[:, None]
        padded = np.zeros((b, width, n))
        padded[valid] = e
        trans = self._trans[None, :, :]
        score = padded[:, 0]
        back = np.zeros((b, width, n), dtype=np.int64)
        back[:] = np.arange(n)
        rows = np.arange(b)[:, None]
        for t in range(1, width):
            cand = score[:, :, None] + trans
            best = cand.argmax(axis=1)
            new = cand.max(axis=1) + padded[:, t]
            live = valid[:, t]
            score = np.where(live[:, None], new, score)
            back[live, t] = best[live]
        k = score.argmax(axis=1)
        paths = np.zeros((b, width), dtype=np.int64)
        for t in range(width - 1, -1, -1):
            here = t < lengths
            paths[here, t] = k[here]
            k = np.where(here & (t > 0), back[rows[:, 0], t, k], k)
        labels = self.labels
        tagged = iter([[labels[j] for j in paths[r, :lengths[r]]] for r in range(b)])
        return [next(tagged) if s else [] for s in sentences]

    def tag_crfsuite(self, words: Sequence[str]) -> list[str]:
        """The same tags through crfsuite's own tagger (slower; kept to check `tag` against)."""
        if not words:
            return []
        return list(self._tagger.tag(sentence_features(words, self.lexicon)))

    def find(self, text: str) -> list[Span]:
        """NAME spans in `text` (offsets index `text`), value {"type", "text"}, in text order."""
        if not text:
            return []
        view = make_view(text)
        out: list[Span] = []
        seqs = list(_sequences(view.norm))
        for toks, tags in zip(seqs, self.tag_many([[t[2] for t in toks] for toks in seqs])):
            for s, e, kind in sorted(entity_spans(tags)):
                a, b = view.to_orig(toks[s][0]), view.to_orig_end(toks[e - 1][1])
                out.append(Span(a, b, "NAME", {"type": kind, "text": text[a:b]}, "ner"))
        return out


def _sequences(norm: str) -> Iterator[list[tuple[int, int, str]]]:
    """(start, end, word) runs of the normalised text, cut at sentence ends, line breaks and MAX_SEQUENCE."""
    cur: list[tuple[int, int, str]] = []
    last_end = 0
    for m in _TOKEN.finditer(norm):
        if cur and "\n" in norm[last_end:m.start()]:
            yield cur
            cur = []
        word = m.group()
        cur.append((m.start(), m.end(), word))
        last_end = m.end()
        if word in _SENTENCE_END or len(cur) >= MAX_SEQUENCE:
            yield cur
            cur = []
    if cur:
        yield cur


@lru_cache(maxsize=1)
def load_default_tagger() -> NameTagger | None:
    """The shipped tagger, or None with one warning when the model file or python-crfsuite is missing."""
    path = default_model_path()
    try:
        return NameTagger(path)
    except (FileNotFoundError, ImportError) as exc:
        warnings.warn(f"name tagger off, persons come from patterns only: {exc}", RuntimeWarning, stacklevel=2)
        return None
