"""The extraction stage: documents in, documents with their spans, genre and events out."""
from __future__ import annotations

from dataclasses import replace
from typing import Iterable, Iterator

from rasd.document import Document, Event
from rasd.extract.events import EventExtractor, ExtractOptions
from rasd.extract.genre import BackgroundOptions, GenreClassifier, background_reasons
from rasd.stage import StageCounters


class ExtractStage:
    """Runs the finders, the event extractor and the genre classifier over cleaned documents.

    Each document comes back as `replace(doc, spans=..., events=..., meta={..., "genre": ...})`:
    `meta["genre"]` is `{label, p, probs}` (rasd.extract.genre), and every event's meta gets
    `background` (true for events of an opinion/analysis page, dated before 1900, or recalled
    history more than a year before the page's date) with `background_reasons` when true. Background
    events stay stored and exported, marked; the timeline, the map and the ACLED export leave them
    out unless asked. Duplicates (`duplicate_of` set) pass through untouched so an event is not
    counted twice. Counters: seen, kept, skipped.duplicate, skipped.empty, events, events.<type>,
    genre.<label>, events.background.
    """

    def __init__(self, options: ExtractOptions = ExtractOptions(), *,
                 extractor: EventExtractor | None = None, genre: GenreClassifier | None = None,
                 background: BackgroundOptions = BackgroundOptions()) -> None:
        self.options = options
        self.extractor = extractor or EventExtractor(options)
        self.genre = genre or GenreClassifier()
        self.background = background
        self.counters = StageCounters("extract")

    def run(self, docs: Iterable[Document]) -> Iterator[Document]:
        """Yield each document with its spans, genre and events filled in."""
        for doc in docs:
            self.counters.seen()
            if doc.duplicate_of is not None:
                self.counters.add("skipped.duplicate")
                self.counters.kept()
                yield doc
                continue
            if not doc.text.strip():
                self.counters.add("skipped.empty")
                self.counters.kept()
                yield doc
                continue
            genre = self.genre.classify(doc)
            spans, events = self.extractor.extract(doc, genre=genre.label)
            self.counters.add(f"genre.{genre.label}")
            events = [self._mark(ev, genre.label, doc.published) for ev in events]
            self.counters.add("events", len(events))
            for ev in events:
                self.counters.add(f"events.{ev.type}")
                if ev.meta.get("background"):
                    self.counters.add("events.background")
            self.counters.kept()
            yield replace(doc, spans=tuple(doc.spans) + tuple(spans), events=tuple(events),
                          meta={**doc.meta, "genre": genre.to_meta()})

    def _mark(self, ev: Event, genre: str, published: str | None) -> Event:
        """The event with `meta["background"]` set (and its reasons where it is background)."""
        reasons = background_reasons(ev.date, genre, published, self.background)
        meta = {k: v for k, v in ev.meta.items() if k not in ("background", "background_reasons")}
        meta["background"] = bool(reasons)
        if reasons:
            meta["background_reasons"] = reasons
        return replace(ev, meta=meta)
