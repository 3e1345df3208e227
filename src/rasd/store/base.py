"""The `Store` interface every backend implements, and the helpers the engine shares with it."""
from __future__ import annotations

from typing import Any, Iterable, Iterator, Mapping, Protocol, Sequence, runtime_checkable

from rasd.document import Document, Event, Origin, Quarantined, RawInput

#: Run statuses. `interrupted` is never written by a run itself: `list_runs` shows it for a run
#: left `running` by a process that is gone (killed, crashed, machine rebooted).
RUN_STATUSES = ("running", "ok", "failed", "interrupted")


def raw_source_key(raw: RawInput) -> str:
    """The source key of a raw record, as `Origin.source_key` builds it (url, else file name, #record).

    The engine knows only the raw record before processing it, so `is_done` and the processed
    marker written by `put_result` both use this key.
    """
    return Origin(path=raw.path, url=raw.url, record=raw.record).source_key()


@runtime_checkable
class Store(Protocol):
    """Where raw inputs, documents, events, quarantine and runs are kept.

    Writes are idempotent (re-running on the same input changes nothing) and each `put_result`
    is one transaction, so a killed run leaves no half-written document and the next run resumes.
    """

    def begin_run(self, config: Mapping, version: str) -> str:
        """Record the start of a run with its resolved config and package version; return its id."""
        ...

    def finish_run(self, run_id: str, counts: Mapping, status: str = "ok") -> None:
        """Record the end of a run with its counters."""
        ...

    def is_done(self, raw_sha256: str, source_key: str) -> bool:
        """True when this raw record from this source was fully processed by an earlier call."""
        ...

    def put_result(self, raw: RawInput, docs: Sequence[Document], run_id: str) -> int:
        """Write a raw record and its documents (with children and events) in one transaction.

        Returns the number of documents that were new. Exact duplicates (same normalised text
        under another id) get `duplicate_of` set to the earliest stored one.
        """
        ...

    def put_quarantine(self, raw: RawInput | None, q: Quarantined, run_id: str) -> None:
        """Record a quarantined record (and keep its raw bytes when given); re-runs do not duplicate it."""
        ...

    def get_document(self, doc_id: str) -> Document | None:
        """The stored document with its removed pieces, social posts, spans, events and offset map."""
        ...

    def iter_documents(self, *, batch: int = 500) -> Iterator[Document]:
        """Every document, streamed in (path, url, record, part) order."""
        ...

    def iter_events(self) -> Iterator[Event]:
        """Every event, in (document, position) order."""
        ...

    def replace_events(self, doc_id: str, events: Sequence[Event], *, meta: Mapping | None = None) -> None:
        """Replace one document's events (re-extraction without re-cleaning); `meta`, when given,
        replaces the document's meta too (extraction adds the page's genre there)."""
        ...

    def put_places(self, records: Iterable[Mapping[str, Any]], source: str) -> int:
        """Keep imported places (`rasd gazetteer import`), replacing those with the same id."""
        ...

    def iter_places(self) -> Iterator[dict]:
        """The imported places, which the pipeline layers on the packaged gazetteer."""
        ...

    def put_site_pages(self, rows: Iterable[Mapping[str, Any]], run_id: str | None = None) -> int:
        """Keep the cleaning pre-pass's per-page facts (rasd.clean.sitestate); pages already kept stay."""
        ...

    def iter_site_pages(self, version: int | None = None) -> Iterator[dict]:
        """The kept per-page facts, in page order."""
        ...

    def get_raw(self, sha256: str) -> bytes | None:
        """The raw bytes with this hash, or None when unknown or not kept."""
        ...

    def list_quarantine(self, reason: str | None = None) -> list[dict]:
        """Quarantined records, optionally of one reason, oldest first."""
        ...

    def list_runs(self) -> list[dict]:
        """Runs, oldest first; a run whose process died while running shows as `interrupted`."""
        ...

    def stats(self) -> dict:
        """Counts: raw inputs, documents (by part, duplicates), removed by reason, quarantine, events, runs."""
        ...

    def close(self) -> None:
        """Release connections."""
        ...
