"""Stories: documents about the same happening, grouped even when worded differently or translated.

A document is described by what it is about, not by its words: the events it reports (type and
place), the places and the actors it names (knowledge-base ids, so `قوات النظام` and `جيش الأسد`
are one feature and a translated wire story shares them with an Arabic original). Two documents
are compared by the IDF-weighted cosine of those features; optionally an embedding of title and
lead (any offline sentence encoder passed in as `embed`) is blended in. A new document joins the
story of its most similar earlier document published within a few days, or starts a story.
Story ids are `st_` + the founding document's id: stable, and never reassigned.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date as Date
from typing import Callable, Mapping, Sequence

from rasd.document import Document

#: Feature kinds and their weights: a shared event (type at a place) says more than a shared name.
KIND_WEIGHTS = {"e": 2.0, "p": 1.0, "a": 1.0}
#: Span labels that name actors (actor knowledge base, people, cited sources).
ACTOR_LABELS = frozenset({"ACTOR", "PERSON", "SOURCE"})

#: An embedding function: texts -> unit vectors (rows). Injected; never required.
Embed = Callable[[Sequence[str]], Sequence[Sequence[float]]]


@dataclass(frozen=True, slots=True)
class StoryOptions:
    """Story-clustering settings."""

    # Cosine at or above which a document joins a story. 0.12 (the seeds' December-2024 pages score
    # 0.13-0.15 together, every other seed pair <= 0.07) gave 21/50 right on a hand-checked Al
    # Mayadeen sample (single outlet, many newscasts and op-eds); at 0.30 the same sample kept 15
    # right of 25, so 0.30 it is, and pages between the two are only "related" (below).
    threshold: float = 0.30
    # Cosine at or above which an earlier page counts as related: enough to let an undated event of
    # an undated page fuse with a matching event there (fusion still checks type, place, actors).
    related_threshold: float = 0.12
    # Reports of one happening run for a few days; documents further apart start separate stories.
    window_days: int = 3
    # Features in more documents than this are too common to find candidates with (e.g. Syria,
    # the government): they still count in the cosine, they just are not used for lookup.
    max_postings: int = 2000
    # Weight of the embedding cosine when an embedder is given (0.5: equal to the features).
    embedding_weight: float = 0.5
    # The lead (about the first two paragraphs of a news page) says what the page is about.
    lead_chars: int = 800
    lead_boost: float = 2.0
    # Events dated this long before their page are background, not the page's news.
    background_days: int = 60


def _is_background(ev_date: dict | None, published: str | None, days: int) -> bool:
    """True for an event dated well before its page (history the page recalls, not its news)."""
    value = (ev_date or {}).get("value")
    if not value or not published:
        return False
    end = _ordinal(value) if len(value) >= 10 else _ordinal(value[:4] + ("-12-31" if len(value) == 4 else "-28"))
    if len(value) == 7:
        end = _ordinal(value + "-28")
    pub = _ordinal(published)
    return end is not None and pub is not None and pub - end > days


def doc_features(doc: Document, options: "StoryOptions | None" = None) -> dict[str, float]:
    """The document's story features with their salience: `e:type:place`, `p:place_id`, `a:actor`.

    A feature first named in the lead counts `lead_boost` times more; events dated long before the
    page (background: "the 2011 massacre") are left out, since every retrospective would otherwise
    share them.
    """
    opts = options or StoryOptions()
    out: dict[str, float] = {}

    def put(key: str, start: int) -> None:
        sal = opts.lead_boost if start < opts.lead_chars else 1.0
        out[key] = max(out.get(key, 0.0), sal)

    for s in doc.spans:
        v = s.value if isinstance(s.value, dict) else {}
        if s.label == "PLACE" and v.get("place_id") and v.get("precision") != "country":
            put("p:" + v["place_id"], s.start)
        elif s.label in ACTOR_LABELS and (v.get("actor_id") or v.get("name")):
            put("a:" + (v.get("actor_id") or v["name"]), s.start)
    for ev in doc.events:
        loc = ev.location or {}
        if loc.get("precision") == "country" or not (loc.get("place_id") or loc.get("admin1")):
            continue
        if _is_background(ev.date, doc.published, opts.background_days):
            continue
        start = min((m.get("start") or 0 for m in ev.mentions), default=0)
        put(f"e:{ev.type}:{loc.get('place_id') or loc.get('admin1')}", start)
    return out


def story_text(doc: Document, max_chars: int = 400) -> str:
    """What an embedder reads: the title and the lead of the body."""
    return ((doc.title or "") + "\n" + doc.text[:max_chars]).strip()


def _ordinal(day: str | None) -> int | None:
    if not day:
        return None
    try:
        return Date.fromisoformat(day[:10]).toordinal()
    except ValueError:
        return None


class StoryIndex:
    """Documents seen so far with their features and stories; `add` assigns a new document a story."""

    def __init__(self, options: StoryOptions = StoryOptions()):
        self.options = options
        self._ids: list[str] = []
        self._story: list[str] = []
        self._day: list[int | None] = []
        self._feats: list[dict[str, float]] = []
        self._vecs: list[Sequence[float] | None] = []
        self._pos: dict[str, int] = {}
        # feature -> day ordinal (None: undated) -> positions: a lookup reads only the window's days
        self._postings: dict[str, dict[int | None, list[int]]] = {}
        self._df: dict[str, int] = {}

    def __len__(self) -> int:
        return len(self._ids)

    def __contains__(self, doc_id: str) -> bool:
        return doc_id in self._pos

    def story_of(self, doc_id: str) -> str | None:
        """The story a document belongs to (None when not added)."""
        i = self._pos.get(doc_id)
        return None if i is None else self._story[i]

    def _weight(self, f: str) -> float:
        df = self._df.get(f, 0)
        return KIND_WEIGHTS.get(f[0], 1.0) * math.log(1.0 + (len(self._ids) + 1) / (df + 1))

    def restore(self, doc_id: str, story_id: str, features: Mapping[str, float], published: str | None,
                vector: Sequence[float] | None = None) -> None:
        """Put back a stored document's story membership without re-deciding it."""
        if doc_id in self._pos:
            return
        i = len(self._ids)
        self._pos[doc_id] = i
        self._ids.append(doc_id)
        self._story.append(story_id)
        self._day.append(_ordinal(published))
        feats = dict(features)
        self._feats.append(feats)
        self._vecs.append(vector)
        day = self._day[i]
        for f in feats:
            self._postings.setdefault(f, {}).setdefault(day, []).append(i)
            self._df[f] = self._df.get(f, 0) + 1

    def scores(self, features: Mapping[str, float], published: str | None,
               vector: Sequence[float] | None = None) -> dict[int, float]:
        """Similarity to every stored document within the time window that shares a feature: position -> score."""
        day = _ordinal(published)
        w = {f: self._weight(f) * sal for f, sal in features.items()}
        norm_a = math.sqrt(sum(x * x for x in w.values()))
        if norm_a == 0:
            return {}
        dots: dict[int, float] = {}
        common = []
        days = None if day is None else [None, *range(day - self.options.window_days, day + self.options.window_days + 1)]
        for f, wf in w.items():
            buckets = self._postings.get(f)
            if not buckets:
                continue
            if self._df[f] > self.options.max_postings:
                common.append(f)
                continue
            wf2 = wf * self._weight(f)
            for d in (buckets if days is None else days):
                for j in buckets.get(d, ()):
                    dots[j] = dots.get(j, 0.0) + wf2 * self._feats[j][f]
        out = {}
        for j, dot in dots.items():
            for f in common:  # too common to look up with, but they still count in the cosine
                if f in self._feats[j]:
                    dot += w[f] * self._weight(f) * self._feats[j][f]
            norm_b = math.sqrt(sum((self._weight(f) * sal) ** 2 for f, sal in self._feats[j].items()))
            score = dot / (norm_a * norm_b) if norm_b else 0.0
            if vector is not None and self._vecs[j] is not None:
                cos = sum(x * y for x, y in zip(vector, self._vecs[j]))
                score = (1 - self.options.embedding_weight) * score + self.options.embedding_weight * cos
            out[j] = score
        return out

    def add(self, doc_id: str, features: Mapping[str, float], published: str | None,
            vector: Sequence[float] | None = None) -> tuple[str, float, str | None, frozenset[str]]:
        """Assign a document a story: (story id, score, the document it matched or None when it starts
        one, every earlier document it is related to (score at or above the threshold))."""
        if doc_id in self._pos:
            return self._story[self._pos[doc_id]], 1.0, None, frozenset()
        feats = dict(features)
        allsc = self.scores(feats, published, vector)
        related = frozenset(self._ids[j] for j, v in allsc.items() if v >= self.options.related_threshold)
        sc = {j: v for j, v in allsc.items() if v >= self.options.threshold}
        if sc:
            j = min(sc, key=lambda k: (-sc[k], self._ids[k]))
            self.restore(doc_id, self._story[j], feats, published, vector)
            return self._story[j], sc[j], self._ids[j], related
        story = "st_" + doc_id
        self.restore(doc_id, story, feats, published, vector)
        return story, 0.0, None, related

    def join(self, doc_id: str, story_id: str, features: Mapping[str, float], published: str | None) -> None:
        """Put a document in a given story (a duplicate follows its canonical)."""
        self.restore(doc_id, story_id, features, published)
