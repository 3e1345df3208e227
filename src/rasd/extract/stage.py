"""The extraction stage: documents in, documents with their spans and events out."""
from __future__ import annotations

from dataclasses import replace
from typing import Iterable, Iterator

from rasd.document import Document
from rasd.extract.events import EventExtractor, ExtractOptions
from rasd.stage import StageCounters


class ExtractStage:
    """Runs the finders and the event extractor over cleaned documents.

    Each document comes back as `replace(doc, spans=..., events=...)`; duplicates (`duplicate_of`
    set) pass through untouched so an event is not counted twice. Counters: seen, kept,
    skipped.duplicate, skipped.empty, events, events.<type>.
    """

    def __init__(self, options: ExtractOptions = ExtractOptions(), *,
                 extractor: EventExtractor | None = None) -> None:
        self.options = options
        self.extractor = extractor or EventExtractor(options)
        self.counters = StageCounters("extract")

    def run(self, docs: Iterable[Document]) -> Iterator[Document]:
        """Yield each document with its spans and events filled in."""
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
            spans, events = self.extractor.extract(doc)
            self.counters.add("events", len(events))
            for ev in events:
                self.counters.add(f"events.{ev.type}")
            self.counters.kept()
            yield replace(doc, spans=tuple(doc.spans) + tuple(spans), events=tuple(events))
