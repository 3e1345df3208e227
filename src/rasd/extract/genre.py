"""Page genre: news report, bulletin/roundup, opinion/analysis, interview or other.

A page's genre decides how its events are read: an opinion or analysis piece argues about
happenings (a city named as a symbol, last decade's battle recalled), a bulletin strings many
reports together. `genre_features(doc)` turns a page into a few numbers that carry across
outlets (first-person and hedging words, questions, quotes, agency and reporting-verb cues,
length, paragraphs, numbers, years, title cues; the words live in
`rasd/data/genre/cues.yaml`), and `GenreClassifier` applies a multinomial logistic regression
trained on the labelled corpus (`rasd train genre`, rasd.extract.genre_train) and shipped as
weights in `rasd/data/models/genre.json`. Prediction is plain Python: the runtime needs no
scikit-learn.
"""
from __future__ import annotations

from collections import Counter

import datetime as dt
import json
import math
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any, Mapping

from rasd.extract.textview import make_view
from rasd.clean.normalize import normalize_arabic
from rasd.document import Document
from rasd.extract.datafiles import load_yaml

#: The labels, exactly as eval/gold/pages.jsonl spells them.
GENRES = ("news_report", "bulletin_roundup", "opinion_analysis", "interview", "other")
#: The genre whose events are read as argument, not report (their events are background).
OPINION = "opinion_analysis"
#: The packaged model (weights written by `rasd train genre`).
MODEL_FILE = "genre.json"

#: A word of normalised text (digits included, so years and counts are words).
_WORD = re.compile(r"\w+")
_YEAR = re.compile(r"^(1[5-9]\d\d|20\d\d)$")
_SENTENCE_END = re.compile(r"[.!?؟\n]+")
_QUOTES = "\"«»“”„"
#: Words of the page's opening that may hold its dateline ("دمشق - سانا", "قال مراسل ...").
LEAD_WORDS = 40
#: A paragraph shorter than this (characters) reads as a headline or a bulletin item.
SHORT_PARAGRAPH = 120


@lru_cache(maxsize=1)
def _cues() -> dict[str, frozenset[str] | tuple[tuple[str, ...], ...]]:
    """The cue lists of data/genre/cues.yaml, normalised (title cues as word tuples)."""
    raw = load_yaml("genre", "cues.yaml")
    out: dict[str, Any] = {}
    for name, entries in raw.items():
        if name.startswith("title_"):
            out[name] = tuple(sorted({tuple(_WORD.findall(normalize_arabic(e))) for e in entries}, key=len,
                                     reverse=True))
        else:
            out[name] = frozenset(normalize_arabic(e) for e in entries)
    return out


_WITH_CONJ: dict[frozenset[str], frozenset[str]] = {}


def _hits(tokens: "list[str] | Counter[str]", cue: frozenset[str]) -> int:
    """How many tokens are a cue word, bare or behind a conjunction (و, ف).

    With a Counter of the page's tokens, the cue forms are looked up in it (a page has far more
    tokens than a cue list has words)."""
    forms = _WITH_CONJ.get(cue)
    if forms is None:
        forms = _WITH_CONJ[cue] = frozenset(cue | {p + c for c in cue if len(c) >= 2 for p in "وف"})
    if isinstance(tokens, Counter):
        return sum(tokens[f] for f in forms if f in tokens)
    return sum(1 for t in tokens if t in forms)


def _title_opens(title_tokens: list[str], phrases) -> bool:
    return any(p and tuple(title_tokens[:len(p)]) == p for p in phrases)


def genre_features(doc: Document) -> dict[str, float]:
    """The numbers the genre model sees for one page (names as in the model file's `features`)."""
    cues = _cues()
    text = doc.text or ""
    # the extractor's normalised view of the same text (cached: no second normalisation)
    tokens = _WORD.findall(make_view(text).norm)
    counts = Counter(tokens)
    n = max(1, len(tokens))
    per_k = 1000.0 / n
    paragraphs = [p for p in text.split("\n") if p.strip()]
    n_par = max(1, len(paragraphs))
    sentences = [s for s in _SENTENCE_END.split(text) if s.strip()]
    lead = tokens[:LEAD_WORDS]
    title = doc.title or ""
    title_tokens = _WORD.findall(normalize_arabic(title))
    page_year = int(doc.published[:4]) if doc.published and doc.published[:4].isdecimal() else None
    years = [int(t) for t, c in counts.items() if _YEAR.match(t) for _ in range(c)]
    return {
        "log_words": math.log1p(len(tokens)),
        "log_paragraphs": math.log1p(len(paragraphs)),
        "words_per_paragraph": math.log1p(len(tokens) / n_par),
        "words_per_sentence": math.log1p(len(tokens) / max(1, len(sentences))),
        "short_paragraphs": sum(1 for p in paragraphs if len(p.strip()) < SHORT_PARAGRAPH) / n_par,
        "questions": (text.count("؟") + text.count("?")) * per_k,
        "quotes": sum(text.count(q) for q in _QUOTES) / 2 * per_k,
        "numbers": sum(c for t, c in counts.items() if t.isdecimal()) * per_k,
        "years": len(years) * per_k,
        "old_years": (sum(1 for y in years if y < page_year - 1) * per_k) if page_year else 0.0,
        "first_person": _hits(counts, cues["first_person"]) * per_k,
        "hedges": _hits(counts, cues["hedges"]) * per_k,
        "reporting_verbs": _hits(counts, cues["reporting_verbs"]) * per_k,
        "agency": _hits(counts, cues["agency"]) * per_k,
        "news_time": _hits(counts, cues["news_time"]) * per_k,
        "interview_words": _hits(counts, cues["interview"]) * per_k,
        "bulletin_words": _hits(counts, cues["bulletin"]) * per_k,
        "lead_agency": float(_hits(lead, cues["agency"]) > 0),
        "lead_reporting": float(_hits(lead, cues["reporting_verbs"]) > 0),
        "title_question": float("؟" in title or "?" in title),
        "title_colon": float(":" in title),
        "title_quote": float(any(q in title for q in _QUOTES)),
        "title_opinion": float(_title_opens(title_tokens, cues["title_opinion"])),
        "title_bulletin": float(_title_opens(title_tokens, cues["title_bulletin"])),
        "title_interview": float(_title_opens(title_tokens, cues["title_interview"])),
    }


@dataclass(frozen=True, slots=True)
class GenreModel:
    """A multinomial logistic regression over standardised features: p(genre) = softmax(W·z + b)."""

    labels: tuple[str, ...]
    features: tuple[str, ...]
    mean: tuple[float, ...]
    scale: tuple[float, ...]
    coef: tuple[tuple[float, ...], ...]       # one row per label
    intercept: tuple[float, ...]
    card: Mapping[str, Any]

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> "GenreModel":
        """Build from the model file's JSON; raise ValueError when its shapes disagree."""
        labels, feats = tuple(data["labels"]), tuple(data["features"])
        coef = tuple(tuple(float(x) for x in row) for row in data["coef"])
        model = cls(labels, feats, tuple(map(float, data["mean"])), tuple(map(float, data["scale"])), coef,
                    tuple(map(float, data["intercept"])), data.get("card") or {})
        if not (len(coef) == len(model.intercept) == len(labels)) or any(len(r) != len(feats) for r in coef) \
                or len(model.mean) != len(feats) or len(model.scale) != len(feats):
            raise ValueError("genre model: labels, features and weights have different sizes")
        unknown = set(labels) - set(GENRES)
        if unknown:
            raise ValueError(f"genre model: unknown labels {sorted(unknown)}")
        return model

    def probabilities(self, features: Mapping[str, float]) -> dict[str, float]:
        """p(label) for one page's features (a missing feature counts as its training mean)."""
        z = [(features.get(f, m) - m) / (s or 1.0) for f, m, s in zip(self.features, self.mean, self.scale)]
        scores = [b + sum(w * x for w, x in zip(row, z)) for row, b in zip(self.coef, self.intercept)]
        top = max(scores)
        exps = [math.exp(s - top) for s in scores]
        total = sum(exps)
        return {label: e / total for label, e in zip(self.labels, exps)}


@lru_cache(maxsize=1)
def load_model() -> GenreModel:
    """The packaged genre model (read once; no network)."""
    text = resources.files("rasd.data.models").joinpath(MODEL_FILE).read_text("utf-8")
    return GenreModel.from_json(json.loads(text))


@dataclass(frozen=True, slots=True)
class Genre:
    """A page's genre and the model's probability for it (`probs`: every label's)."""

    label: str
    p: float
    probs: Mapping[str, float]

    def to_meta(self) -> dict:
        """The `Document.meta["genre"]` value: label, its probability and every label's (3 decimals)."""
        return {"label": self.label, "p": round(self.p, 3),
                "probs": {k: round(v, 3) for k, v in self.probs.items()}}


class GenreClassifier:
    """Tells a page's genre from `genre_features` with a `GenreModel` (default: the packaged one)."""

    def __init__(self, model: GenreModel | None = None) -> None:
        self.model = model or load_model()

    def classify(self, doc: Document) -> Genre:
        """The most probable genre of a page."""
        probs = self.model.probabilities(genre_features(doc))
        label = max(self.model.labels, key=lambda k: (probs[k], -self.model.labels.index(k)))
        return Genre(label, probs[label], probs)


def genre_of(meta: Mapping[str, Any] | None) -> str | None:
    """The genre label stored in a document's meta (None when the page was never classified)."""
    g = (meta or {}).get("genre")
    return g.get("label") if isinstance(g, Mapping) else None


@dataclass(frozen=True, slots=True)
class BackgroundOptions:
    """When an extracted event is background (argument or recalled history) rather than news."""

    # Events of pages of these genres are argument about happenings, not reports of them (on Al
    # Mayadeen a quarter of the pages are opinion/analysis and a third of the events came only from them).
    genres: tuple[str, ...] = (OPINION,)
    # An event dated before this year is history however the page tells it (the Al Mayadeen
    # timeline started in 1853 before this rule).
    before_year: int = 1900
    # An event whose latest possible day lies more than this many days before the page's date is
    # recalled history: a year, so "last spring's offensive" counts and "three weeks ago" does not.
    recall_days: int = 365


def _period_end(value: str) -> dt.date | None:
    """The last day a date value (YYYY, YYYY-MM or YYYY-MM-DD) can mean; None when unreadable."""
    try:
        if len(value) == 4:
            return dt.date(int(value), 12, 31)
        if len(value) == 7:
            y, m = int(value[:4]), int(value[5:7])
            return dt.date(y + (m == 12), m % 12 + 1, 1) - dt.timedelta(days=1)
        return dt.date.fromisoformat(value[:10])
    except ValueError:
        return None


def background_reasons(event_date: Mapping[str, Any] | None, page_genre: str | None, published: str | None,
                       options: BackgroundOptions = BackgroundOptions()) -> list[str]:
    """Why an event is background (empty: it is news): `opinion_page`, `before_1900`, `recalled_history`."""
    reasons = []
    if page_genre in options.genres:
        reasons.append("opinion_page")
    value = str((event_date or {}).get("value") or "")
    end = _period_end(value) if value[:4].isdecimal() else None
    if end is not None:
        if end.year < options.before_year:
            reasons.append(f"before_{options.before_year}")
        elif published:
            page = _period_end(published[:10])
            if page is not None and (page - end).days > options.recall_days:
                reasons.append("recalled_history")
    return reasons
