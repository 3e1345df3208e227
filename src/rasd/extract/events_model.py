"""The learned decisions over the rules' candidates: which events a page reports, of which type.

The trigger and argument rules propose; this model decides (docs/evaluation.md):

- the sentence model gives, for every sentence and each learned type of EVENTS.md, the
  probability that the sentence reports a real, specific event of that type, from features that
  carry across outlets (word stems and stem pairs, the rule triggers found there and their part of
  speech, tense and modality cues, whether it names a place, a date, a count, an actor, its place
  in the page); `EventExtractor` adds a trigger where a type is likely and the rules found none;
- the mention model gives, for every candidate mention (a rule trigger's, an added one, or one a
  rule filter drops), the probability that it is a specific event of the page, from its
  sentence's features, that probability and what the argument rules found; a mention is kept at
  `keep` or above.

The weights are logistic regressions trained by `rasd train events` on the training part of the
labelled corpus (`rasd.evaluation.train_events`) and shipped as a JSON file; inference here is
plain Python and numpy, so the runtime needs neither scikit-learn nor a network.
"""
from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable, Mapping

import numpy as np

#: The shipped model (absent: the extractor runs on the rules alone and says so once).
MODEL_PATH = Path(__file__).resolve().parents[1] / "data" / "models" / "event_types.json"
#: Stem pairs among the sentence features (a model is trained and read with the same setting).
BIGRAMS = True
#: Format of the model file; a file of another version is refused with a clear error.
MODEL_VERSION = 2

_WORD = re.compile(r"[\u0621-\u064A]{2,}")
_DIGIT = re.compile(r"\d")
#: Future and plan cues (a verb with the future prefix, a planned or expected act).
_FUTURE = re.compile(r"(?<!\S)(?:[وف]?س[يتن][\u0621-\u064A]{2,}|سوف|المقبل|القادم|المقبله|القادمه|غدا|"
                     r"يعتزم|تعتزم|من المقرر|من المتوقع|يتوقع|تتوقع|ستشهد)(?!\S)")
#: Condition, wish, question and negation cues.
_IRREALIS = re.compile(r"(?<!\S)(?:اذا|إذا|لو|لولا|ان كان|هل|ربما|قد يكون|يمكن|يجب|ينبغي|لم|لن|لا|ليس|ليست|"
                       r"نفى|نفت|ينفي|تنفي)(?!\S)")
#: Speech and reporting verbs (a report of an event, or an opinion).
_SAYS = re.compile(r"(?<!\S)[وف]?(?:قال|قالت|اعلن|اعلنت|افاد|افادت|ذكر|ذكرت|اكد|اكدت|اشار|اشارت|"
                   r"اوضح|اوضحت|صرح|صرحت|نقل|نقلت|بحسب|وفق|وفقا)(?!\S)")


@lru_cache(maxsize=1)
def _stemmer() -> Any:
    import Stemmer  # PyStemmer, a core dependency (search uses it too)
    return Stemmer.Stemmer("arabic")


_STEMS: dict[str, str] = {}


def stem(word: str) -> str:
    """The Snowball Arabic stem of a normalised word (cached: news repeats its words)."""
    s = _STEMS.get(word)
    if s is None:
        s = _stemmer().stemWord(word)
        if len(_STEMS) < 200_000:
            _STEMS[word] = s
    return s


@dataclass(frozen=True, slots=True)
class SentenceFacts:
    """What the extractor already knows about a sentence, besides its words."""

    rule_types: tuple[tuple[str, str], ...] = ()   # (type, part of speech) of the rule triggers
    places: int = 0
    countries: int = 0
    dates: int = 0
    quantities: int = 0
    actors: int = 0
    para: int = 0
    index: int = 0
    prev_types: tuple[str, ...] = ()               # rule trigger types of the sentence before


def words(norm: str, start: int, end: int) -> list[tuple[int, int, str]]:
    """(start, end, word) of the Arabic words of norm[start:end]."""
    return [(m.start(), m.end(), m.group()) for m in _WORD.finditer(norm, start, end)]


def sentence_features(norm: str, start: int, end: int, facts: SentenceFacts) -> dict[str, float]:
    """The sparse features of one sentence (name -> value)."""
    f: dict[str, float] = {}
    ws = _WORD.findall(norm, start, end)
    get = _STEMS.get
    stems = [get(w) or stem(w) for w in ws]
    f.update(dict.fromkeys(["w:" + s for s in stems], 1.0))
    if BIGRAMS:
        f.update(dict.fromkeys(["b:" + a + "_" + b for a, b in zip(stems, stems[1:])], 1.0))
    for t, pos in facts.rule_types:
        f["r:" + t] = 1.0
        f["rp:" + t + ":" + pos] = 1.0
    for t in facts.prev_types:
        f["prev:" + t] = 1.0
    seg = norm[start:end]
    if _FUTURE.search(seg):
        f["cue:future"] = 1.0
    if _IRREALIS.search(seg):
        f["cue:irrealis"] = 1.0
    if _SAYS.search(seg):
        f["cue:says"] = 1.0
    if "؟" in seg or "?" in seg:
        f["cue:question"] = 1.0
    if _DIGIT.search(seg):
        f["cue:digit"] = 1.0
    for name, n in (("place", facts.places), ("country", facts.countries), ("date", facts.dates),
                    ("quantity", facts.quantities), ("actor", facts.actors)):
        if n:
            f["has:" + name] = 1.0
    if not facts.rule_types:
        f["rules:none"] = 1.0
    if facts.para == 0:
        f["pos:lede"] = 1.0
    if facts.index == 0:
        f["pos:first"] = 1.0
    f["len:" + ("short" if len(ws) < 8 else "mid" if len(ws) < 30 else "long")] = 1.0
    return f


#: Features of the sentence that are crossed with the candidate's type in the mention model.
_CROSSED = ("cue:", "has:", "pos:", "len:", "rules:", "m:")


def mention_features(sent_feats: Mapping[str, float], type_: str, p_type: float,
                     mention: Mapping[str, Any]) -> dict[str, float]:
    """Features of one candidate event mention: its sentence's, its own, and the sentence model's
    probability for its type (bucketed), the small ones also crossed with the type."""
    f = dict(sent_feats)
    # rounded: the probability is a sum taken in the features' (hash-seeded) order, and its last
    # bits would make training differ from one process to the next
    p_type = round(p_type, 9)
    own = {"m:type:" + type_: 1.0, "m:p": p_type, f"m:pbin:{min(int(p_type * 5), 4)}": 1.0}
    for k, v in mention.items():
        if v is True:
            own["m:" + k] = 1.0
        elif isinstance(v, str):
            own[f"m:{k}:{v}"] = 1.0
        elif isinstance(v, (int, float)) and v:
            own["m:" + k] = float(v)
    f.update(own)
    for k, v in list(f.items()):
        if k.startswith(_CROSSED):
            f[type_ + "|" + k] = v
    return f


def _logistic(w: Mapping[str, float], b: float, feats: Mapping[str, float]) -> float:
    z = b + sum(w.get(k, 0.0) * v for k, v in feats.items())
    return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))


@dataclass
class EventModel:
    """The two learned decisions and their thresholds (chosen on held-out folds).

    Sentence model: per-type weights; a sentence whose rules found no trigger of type T gets one
    when p(T) >= `add`. Mention model: one set of weights over every candidate mention (rule or
    added); a mention is kept when p >= `keep`.
    """

    types: tuple[str, ...]
    weights: dict[str, dict[str, float]]
    bias: dict[str, float]
    add: float = 0.8
    mention_weights: dict[str, float] = field(default_factory=dict)
    mention_bias: float = 0.0
    keep: float = 0.0
    meta: dict[str, Any] = field(default_factory=dict)
    #: the place ranker's weights (`events_places`); empty: the argument rules choose the place
    place_weights: dict[str, float] = field(default_factory=dict)
    place_margin: float | None = None

    def probabilities(self, feats: Mapping[str, float]) -> dict[str, float]:
        """p(type) for every learned type."""
        return self.probabilities_many([feats])[0]

    def probabilities_many(self, feats_list: "list[Mapping[str, float]]") -> list[dict[str, float]]:
        """`probabilities` of many feature sets in one numpy step (a page's sentences)."""
        if not feats_list:
            return []
        index, matrix, bias = self._matrix()
        rows, vals, sid = [], [], []
        known = index.keys()
        for i, feats in enumerate(feats_list):
            common = feats.keys() & known
            rows += [index[k] for k in common]
            vals += [feats[k] for k in common]
            sid += [i] * len(common)
        z = np.tile(bias, (len(feats_list), 1))
        if rows:
            np.add.at(z, np.asarray(sid), matrix[rows] * np.asarray(vals)[:, None])
        p = 1.0 / (1.0 + np.exp(-np.clip(z, -30.0, 30.0)))
        return [dict(zip(self.types, row)) for row in p.tolist()]

    def _matrix(self) -> tuple[dict[str, int], Any, Any]:
        """Feature -> row, the (features x types) weight matrix and the biases (built once)."""
        got = self.__dict__.get("_mat")
        if got is None:
            feats = sorted({k for t in self.types for k in self.weights.get(t, {})})
            index = {k: i for i, k in enumerate(feats)}
            matrix = np.zeros((len(feats), len(self.types)))
            for j, t in enumerate(self.types):
                for k, w in self.weights.get(t, {}).items():
                    matrix[index[k], j] = w
            got = self.__dict__["_mat"] = (index, matrix, np.array([self.bias.get(t, 0.0) for t in self.types]))
        return got

    def mention_probability(self, feats: Mapping[str, float]) -> float:
        if not self.mention_weights:
            return 1.0
        return _logistic(self.mention_weights, self.mention_bias, feats)

    def strongest_word(self, type_: str, norm: str, start: int, end: int,
                       skip: Callable[[int], bool] | None = None) -> tuple[int, int] | None:
        """The word of the sentence whose stem weighs most for `type_` (where a trigger is placed),
        less the words `skip(start)` rules out."""
        w = self.weights.get(type_, {})
        best, at = 0.0, None
        for s, e, word in words(norm, start, end):
            if skip is not None and skip(s):
                continue
            v = w.get("w:" + stem(word), 0.0)
            if v > best:
                best, at = v, (s, e)
        return at

    def additions(self, norm: str, start: int, end: int, probs: Mapping[str, float],
                  have: set[str], threshold: float | None = None,
                  skip: Callable[[int], bool] | None = None) -> list[tuple[str, int, int, float]]:
        """(type, start, end, p) of the triggers to add to a sentence: likely types it lacks."""
        th = self.add if threshold is None else threshold
        out = []
        for t, p in sorted(probs.items(), key=lambda kv: -kv[1]):
            if p >= th and t not in have:
                at = self.strongest_word(t, norm, start, end, skip)
                if at is not None:
                    out.append((t, at[0], at[1], p))
        return out

    def to_json(self) -> dict[str, Any]:
        return {"version": MODEL_VERSION, "types": list(self.types), "weights": self.weights,
                "bias": self.bias, "add": self.add, "mention_weights": self.mention_weights,
                "mention_bias": self.mention_bias, "keep": self.keep, "meta": self.meta,
                "place_weights": self.place_weights, "place_margin": self.place_margin}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> "EventModel":
        if data.get("version") != MODEL_VERSION:
            raise ValueError(f"event model version {data.get('version')!r}, expected {MODEL_VERSION}")
        return cls(types=tuple(data["types"]), weights={t: dict(w) for t, w in data["weights"].items()},
                   bias=dict(data["bias"]), add=float(data["add"]),
                   mention_weights=dict(data.get("mention_weights") or {}),
                   mention_bias=float(data.get("mention_bias") or 0.0), keep=float(data.get("keep") or 0.0),
                   meta=dict(data.get("meta") or {}), place_weights=dict(data.get("place_weights") or {}),
                   place_margin=None if data.get("place_margin") is None else float(data["place_margin"]))

    def save(self, path: str | Path) -> None:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        # rounded weights, sorted keys: the file is small and the same training gives the same bytes
        data = self.to_json()
        data["weights"] = {t: {k: round(v, 4) for k, v in sorted(w.items())}
                           for t, w in sorted(data["weights"].items())}
        data["bias"] = {t: round(v, 6) for t, v in sorted(data["bias"].items())}
        data["mention_weights"] = {k: round(v, 4) for k, v in sorted(data["mention_weights"].items())}
        data["mention_bias"] = round(data["mention_bias"], 6)
        data["place_weights"] = {k: round(v, 4) for k, v in sorted(data["place_weights"].items())}
        Path(path).write_text(json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":")),
                              encoding="utf-8")

    @classmethod
    def load(cls, path: str | Path | None = None) -> "EventModel | None":
        """The model at `path` (default: the shipped one); None when the default file is absent."""
        p = Path(path) if path else MODEL_PATH
        if not p.exists():
            if path:
                raise FileNotFoundError(f"no event model at {p}")
            return None
        return cls.from_json(json.loads(p.read_text(encoding="utf-8")))
