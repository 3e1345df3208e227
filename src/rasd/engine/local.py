"""The local engine: read -> clean -> extract -> store, one record at a time, in one process.

The engine wraps every record's work: a stage that raises or runs over its time budget turns into a
`Quarantined` record with a reason from the closed set, and the run goes on. Each record's
documents are written in one store transaction, so a killed run leaves nothing half-written and
the next run resumes where it stopped (`Store.is_done`).
"""
from __future__ import annotations

import signal
import threading
import time
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Callable, Iterable, Iterator, Protocol

from rasd.document import Document, Item, Quarantined, RawInput
from rasd.stage import StageCounters


@dataclass(frozen=True, slots=True)
class EngineOptions:
    """How the engine runs a batch."""

    extract: bool = True               # run the extraction stage (False for `rasd ingest`)
    learn_boilerplate: bool = True     # pre-pass over the inputs learning per-outlet boilerplate lines
    # A document taking longer than this in cleaning + extraction is quarantined as `timeout`.
    # 30 s is ~1000x the median per-document time measured on the Al Mayadeen corpus, so only
    # a pathological input (catastrophic regex backtracking on a huge line) reaches it.
    doc_timeout_s: float = 30.0
    reprocess: bool = False            # ignore `is_done` and process every record again


class StageTimeout(Exception):
    """Raised inside a record's processing when it runs over `doc_timeout_s`."""


@contextmanager
def _time_budget(seconds: float):
    """Raise StageTimeout after `seconds` (main thread on Unix only; elsewhere no limit)."""
    usable = seconds > 0 and hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()
    if not usable:
        yield
        return

    def _alarm(_sig, _frame):
        raise StageTimeout(f"over {seconds:g} s")

    old = signal.signal(signal.SIGALRM, _alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


class RecordStage(Protocol):
    """What the engine needs of a stage: a name, counters, and `run` over documents."""

    counters: StageCounters

    def run(self, docs: Iterable[Document]) -> Iterator[Document | Quarantined]: ...


@dataclass
class RunReport:
    """What a run did: per-stage counters, quarantine counts, documents written, elapsed time, and
    the seconds spent in each stage (`timings_s`: read, clean, extract, store)."""

    run_id: str
    counters: dict[str, dict[str, int]] = field(default_factory=dict)
    quarantined: Counter = field(default_factory=Counter)
    documents_written: int = 0
    records: int = 0
    skipped_done: int = 0
    bytes_read: int = 0
    elapsed_s: float = 0.0
    timings_s: dict[str, float] = field(default_factory=dict)


class LocalEngine:
    """Runs the pipeline over readers' items and writes results into a store."""

    def __init__(self, store, *, clean: RecordStage, extract: RecordStage | None = None,
                 options: EngineOptions = EngineOptions(),
                 progress: Callable[[int, int], None] | None = None):
        self.store = store
        self.clean = clean
        self.extract = extract if options.extract else None
        self.options = options
        self.progress = progress
        self.read_counters = StageCounters("read")
        self.store_counters = StageCounters("store")
        self._seconds: Counter = Counter()   # stage -> seconds spent in it this run

    def _process(self, doc: Document) -> list[Document] | Quarantined:
        """Clean (possibly splitting the page) and extract one document."""
        stage = "clean"
        t0 = time.perf_counter()
        try:
            with _time_budget(self.options.doc_timeout_s):
                parts = list(self.clean.run([doc]))
                for p in parts:
                    if isinstance(p, Quarantined):
                        return p
                if self.extract is not None:
                    t1 = time.perf_counter()
                    self._seconds["clean"] += t1 - t0
                    stage, t0 = "extract", t1
                    parts = list(self.extract.run(parts))
            return parts  # type: ignore[return-value]
        except StageTimeout as e:
            return Quarantined(stage=stage, reason="timeout", detail=str(e), path=doc.origin.path,
                               raw_sha256=doc.origin.raw_sha256, record=doc.origin.record, doc_id=doc.id)
        except Exception as e:  # noqa: BLE001
            # Any failure on one page (a stage bug included) must not kill the batch; the page is
            # kept for inspection with the exception's class and message.
            return Quarantined(stage=stage, reason="parse_error", detail=f"{type(e).__name__}: {str(e)[:500]}",
                               path=doc.origin.path, raw_sha256=doc.origin.raw_sha256,
                               record=doc.origin.record, doc_id=doc.id)
        finally:
            self._seconds[stage] += time.perf_counter() - t0

    def run(self, items: Iterable[Item], run_id: str) -> RunReport:
        """Process every item; returns the run's report (the caller begins and finishes the run)."""
        report = RunReport(run_id=run_id)
        t0 = time.perf_counter()
        clock = time.perf_counter
        records = iter(items)
        while True:
            t = clock()
            item = next(records, None)   # reading (and decoding) happens in the readers' iterator
            self._seconds["read"] += clock() - t
            if item is None:
                break
            report.records += 1
            report.bytes_read += item.raw.size
            self.read_counters.seen()
            result = item.result
            if isinstance(result, Quarantined):
                self.read_counters.quarantined(result.reason)
                self._quarantine(item.raw, result, run_id, report)
                continue
            self.read_counters.kept()
            t = clock()
            done = not self.options.reprocess and self.store.is_done(item.raw.sha256, result.origin.source_key())
            self._seconds["store"] += clock() - t
            if done:
                report.skipped_done += 1
                self.store_counters.add("skipped.already_done")
                skip = getattr(self.clean, "skip", None)  # what a stage learns from a page, it learns when resumed too
                if skip is not None:
                    skip(result, lambda doc_id=result.id: self.store.get_document(doc_id))
                self._tick(report)
                continue
            out = self._process(result)
            if isinstance(out, Quarantined):
                self._quarantine(item.raw, out, run_id, report)
                continue
            self.store_counters.seen(len(out))
            t = clock()
            try:
                written = self.store.put_result(item.raw, out, run_id)
            except Exception as e:  # noqa: BLE001 - the store rolled the record back; the batch goes on
                self._seconds["store"] += clock() - t
                q = Quarantined(stage="store", reason="parse_error", detail=f"{type(e).__name__}: {str(e)[:500]}",
                                path=result.origin.path, raw_sha256=item.raw.sha256,
                                record=result.origin.record, doc_id=result.id)
                self._quarantine(item.raw, q, run_id, report)
                continue
            self._seconds["store"] += clock() - t
            report.documents_written += written
            self.store_counters.kept(written)
            if written < len(out):
                self.store_counters.add("unchanged", len(out) - written)
            self._tick(report)
        report.elapsed_s = time.perf_counter() - t0
        report.counters = self.counters()
        stages = ["read", "clean"] + (["extract"] if self.extract is not None else []) + ["store"]
        report.timings_s = {stage: self._seconds[stage] for stage in stages}
        return report

    def _quarantine(self, raw: RawInput, q: Quarantined, run_id: str, report: RunReport) -> None:
        t = time.perf_counter()
        self.store.put_quarantine(raw, q, run_id)
        self._seconds["store"] += time.perf_counter() - t
        report.quarantined[q.reason] += 1
        if q.stage not in ("read", "ingest"):
            self.store_counters.quarantined(q.reason)
        self._tick(report)

    def _tick(self, report: RunReport) -> None:
        if self.progress is not None:
            self.progress(report.records, report.bytes_read)

    def counters(self) -> dict[str, dict[str, int]]:
        """Per-stage counters in pipeline order."""
        out = {"read": self.read_counters.as_dict(), "clean": self.clean.counters.as_dict()}
        if self.extract is not None:
            out["extract"] = self.extract.counters.as_dict()
        out["store"] = self.store_counters.as_dict()
        return out
