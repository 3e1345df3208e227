"""The local engine: read -> clean -> extract -> store, in this process or in `workers` processes.

The engine wraps every record's work: a stage that raises or runs over its time budget turns into a
`Quarantined` record with a reason from the closed set, and the run goes on. Each record's
documents are written in one store transaction, by this process alone, in input order, so a killed
run leaves nothing half-written and the next run resumes where it stopped (`Store.is_done`).

Cleaning and extraction of a document depend only on the document and on the state learnt before
the run (`learn_site_state`: the pre-pass, stored and merged with what the store already holds),
so one worker or several, and any split of the input, give the same documents (issue 11 item 3).

Time limits: in the main thread of a single-worker run the budget is a SIGALRM timer; anywhere
else (several workers, or the engine called from a thread such as the web server's upload) the
documents go to forked worker processes and a worker past its deadline is killed and replaced
(`rasd.engine.workers`), which cuts any hang, a regular expression backtracking in C included.
"""
from __future__ import annotations

import signal
import threading
import time
from collections import Counter, deque
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from typing import Callable, Iterable, Iterator, Protocol

from rasd.clean.sitestate import STATE_VERSION, PageFacts, SiteState, page_facts
from rasd.document import Document, Item, Quarantined, RawInput
from rasd.engine.workers import ProcessPool, fork_available
from rasd.stage import StageCounters


@dataclass(frozen=True, slots=True)
class EngineOptions:
    """How the engine runs a batch."""

    extract: bool = True               # run the extraction stage (False for `rasd ingest`)
    # The pre-pass over the inputs (`learn_site_state`): per-site boilerplate lines and the
    # host -> outlet map, added to what the store holds. False: use only what the store holds.
    learn_boilerplate: bool = True
    # A document taking longer than this in cleaning + extraction is quarantined as `timeout`.
    # 30 s is ~1000x the median per-document time measured on the Al Mayadeen corpus, so only
    # a pathological input (catastrophic regex backtracking on a huge line) reaches it.
    doc_timeout_s: float = 30.0
    reprocess: bool = False            # ignore `is_done` and process every record again
    # Processes that clean and extract (the store is written by the calling process). 1 works in
    # this process, except off the main thread, where one worker process keeps the time limit.
    workers: int = 1
    # "local" (this process and forked workers) or "ray" (`workers` Ray actors: rasd.engine.ray,
    # `pip install rasd[ray]`); the documents and events do not depend on it.
    engine: str = "local"
    # The Ray cluster to join ("auto", "ray://host:10001", ...); empty: start a local Ray with
    # `workers` CPUs for the run and stop it after.
    address: str = ""


class StageTimeout(Exception):
    """Raised inside a record's processing when it runs over `doc_timeout_s`."""


def _alarm_usable() -> bool:
    return hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()


@contextmanager
def _time_budget(seconds: float):
    """Raise StageTimeout after `seconds` (main thread on Unix only; elsewhere no limit)."""
    if not (seconds > 0 and _alarm_usable()):
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


def process_document(clean: RecordStage, extract: RecordStage | None, doc: Document, seconds: Counter,
                     budget_s: float = 0.0) -> list[Document] | Quarantined:
    """Clean (possibly splitting the page) and extract one document; a failure or a run over
    `budget_s` (SIGALRM: main thread only) becomes a `Quarantined`. Adds to `seconds[stage]`."""
    stage = "clean"
    t0 = time.perf_counter()
    try:
        with _time_budget(budget_s):
            parts = list(clean.run([doc]))
            for p in parts:
                if isinstance(p, Quarantined):
                    return p
            if extract is not None:
                t1 = time.perf_counter()
                seconds["clean"] += t1 - t0
                stage, t0 = "extract", t1
                parts = list(extract.run(parts))
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
        seconds[stage] += time.perf_counter() - t0


def _in_worker(clean: RecordStage, extract: RecordStage | None, doc: Document, budget_s: float = 0.0):
    """What a worker process does with one document: the result, the stages' counter deltas and
    the seconds spent (the worker's stages are copies; their counters restart per document).
    `budget_s`: the in-process SIGALRM limit (a Ray worker's; a forked worker is killed instead)."""
    clean.counters.counts.clear()
    if extract is not None:
        extract.counters.counts.clear()
    seconds: Counter = Counter()
    out = process_document(clean, extract, doc, seconds, budget_s)
    stripped: list[int] = []
    if isinstance(out, list):
        # the parent holds the page's raw text: it need not come back with every part
        raw = doc.raw_text if doc.raw_text is not None else doc.text
        for i, part in enumerate(out):
            if part.raw_text is not None and part.raw_text == raw:
                out[i] = replace(part, raw_text=None)
                stripped.append(i)
    counts = dict(clean.counters.counts), dict(extract.counters.counts) if extract is not None else {}
    return out, stripped, counts, dict(seconds)


def _restore_raw(out: list[Document], stripped: list[int], doc: Document) -> list[Document]:
    """Put back the raw text `_in_worker` left out of the parts listed in `stripped`."""
    raw = doc.raw_text if doc.raw_text is not None else doc.text
    for i in stripped:
        out[i] = replace(out[i], raw_text=raw)
    return out


#: A page the parent cleans and extracts before forking workers, so that what the stages load on
#: first use (splitter tables, models) is loaded once and inherited, not loaded again by every
#: worker inside its first document's time budget.
_WARM_UP_TEXT = ("قالت مصادر محلية إن اشتباكات اندلعت صباح اليوم في ريف درعا الغربي بين مجموعتين مسلحتين.\n\n"
                 "وأضافت المصادر أن الاشتباكات توقفت مساء بعد وساطة من وجهاء المنطقة.")


def _warm_up_document() -> Document:
    from rasd.document import Origin

    return Document(id="warm-up", text=_WARM_UP_TEXT, raw_text=_WARM_UP_TEXT,
                    origin=Origin(path="warm-up.txt", url="https://warm-up.example/a"))


def _warm_up(clean: RecordStage, extract: RecordStage | None) -> None:
    """Run the stages once on `_WARM_UP_TEXT`, leaving their counters as they were."""
    stages = [s for s in (clean, extract) if s is not None]
    saved = [Counter(s.counters.counts) for s in stages]
    process_document(clean, extract, _warm_up_document(), Counter())
    for s, counts in zip(stages, saved):
        s.counters.counts.clear()
        s.counters.counts.update(counts)


def _use_processes(workers: int, timeout_s: float) -> bool:
    """Whether documents go to worker processes: several workers, or one off the main thread
    (where SIGALRM cannot keep the time limit) when a limit is set and processes can be forked."""
    if workers > 1:
        return True
    return timeout_s > 0 and not _alarm_usable() and fork_available()


def _timed_out(doc: Document, stage: str, detail: str, reason: str = "timeout") -> Quarantined:
    return Quarantined(stage=stage, reason=reason, detail=detail, path=doc.origin.path,
                       raw_sha256=doc.origin.raw_sha256, record=doc.origin.record, doc_id=doc.id)


#: Pre-pass rows written to the store per transaction.
LEARN_BATCH = 500


@dataclass
class LearnReport:
    """What the pre-pass did: pages read, pages whose facts were new (computed and stored), pages
    already known to the store, pages that failed or ran out of time (they teach nothing)."""

    pages: int = 0
    learnt: int = 0
    known: int = 0
    failed: int = 0
    elapsed_s: float = 0.0


def stored_site_state(store) -> SiteState:
    """The state the store holds (every run's pre-pass facts, this format version only)."""
    return SiteState.learn(PageFacts.from_row(r) for r in store.iter_site_pages(STATE_VERSION))


def learn_site_state(store, items: Iterable[Item], clean_options, lexicon, *, workers: int = 1,
                     doc_timeout_s: float = 30.0, run_id: str | None = None,
                     report: LearnReport | None = None) -> SiteState:
    """The pre-pass: reduce each page of `items` to its `PageFacts` (pages the store already
    knows are skipped: their facts depend on the page alone), store the new facts, and return the
    state of everything the store now holds, this input's pages and earlier runs' alike.

    Learning on shard A then on shard B leaves the same state as learning on A and B together.
    """
    report = report if report is not None else LearnReport()
    t0 = time.perf_counter()
    known = {r["page"] for r in store.iter_site_pages(STATE_VERSION)}

    def docs() -> Iterator[Document]:
        for it in items:
            if isinstance(it.result, Document):
                report.pages += 1
                if it.result.id in known:
                    report.known += 1
                    continue
                known.add(it.result.id)
                yield it.result

    def facts(doc: Document) -> PageFacts:
        return page_facts(doc, clean_options, lexicon)

    def computed() -> Iterator[PageFacts]:
        if _use_processes(workers, doc_timeout_s):
            facts(_warm_up_document())   # load what cleaning loads on first use, before forking
            with ProcessPool(workers, facts, doc_timeout_s) as pool:
                for oc in pool.imap(docs()):
                    if oc.kind == "ok":
                        yield oc.value
                    else:
                        report.failed += 1
            return
        for doc in docs():
            try:
                with _time_budget(doc_timeout_s):
                    f = facts(doc)
            except Exception:  # noqa: BLE001 - StageTimeout or a stage bug: the run quarantines it later
                report.failed += 1
                continue
            yield f

    batch: list[dict] = []
    for f in computed():
        batch.append(f.to_row())
        if len(batch) >= LEARN_BATCH:
            report.learnt += store.put_site_pages(batch, run_id)
            batch = []
    if batch:
        report.learnt += store.put_site_pages(batch, run_id)
    state = stored_site_state(store)
    report.elapsed_s = time.perf_counter() - t0
    return state


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
        if options.workers < 1:
            raise ValueError(f"workers must be at least 1, got {options.workers}")
        self.store = store
        self.clean = clean
        self.extract = extract if options.extract else None
        self.options = options
        self.progress = progress
        self.read_counters = StageCounters("read")
        self.store_counters = StageCounters("store")
        self._seconds: Counter = Counter()   # stage -> seconds spent in it this run (summed over workers)
        self._pending: set[tuple[str, str]] = set()   # records sent for processing, not yet written

    def _process(self, doc: Document) -> list[Document] | Quarantined:
        """Clean (possibly splitting the page) and extract one document, in this process."""
        return process_document(self.clean, self.extract, doc, self._seconds, self.options.doc_timeout_s)

    def _to_process(self, items: Iterable[Item], run_id: str, report: RunReport) -> Iterator[Item]:
        """Read the records; quarantine unreadable ones and skip those already done; yield the rest."""
        clock = time.perf_counter
        records = iter(items)
        while True:
            t = clock()
            item = next(records, None)   # reading (and decoding) happens in the readers' iterator
            self._seconds["read"] += clock() - t
            if item is None:
                return
            report.records += 1
            report.bytes_read += item.raw.size
            self.read_counters.seen()
            result = item.result
            if isinstance(result, Quarantined):
                self.read_counters.quarantined(result.reason)
                self._quarantine(item.raw, result, run_id, report)
                continue
            self.read_counters.kept()
            key = (item.raw.sha256, result.origin.source_key())
            t = clock()
            # a record sent to a worker and not yet written is as good as done (the same record
            # twice in one input is processed once, whatever the number of workers)
            done = key in self._pending or (not self.options.reprocess and self.store.is_done(*key))
            self._seconds["store"] += clock() - t
            if done:
                report.skipped_done += 1
                self.store_counters.add("skipped.already_done")
                self._tick(report)
                continue
            self._pending.add(key)
            yield item

    def _from_worker(self, doc: Document, value) -> list[Document] | Quarantined:
        """The result `_in_worker` sent back for `doc`, its counters and seconds added to this run's."""
        out, stripped, (clean_counts, extract_counts), seconds = value
        if stripped:
            out = _restore_raw(out, stripped, doc)
        self.clean.counters.counts.update(clean_counts)
        if self.extract is not None:
            self.extract.counters.counts.update(extract_counts)
        self._seconds.update(seconds)
        return out

    def _in_processes(self, items: Iterator[Item]) -> Iterator[tuple[Item, list[Document] | Quarantined]]:
        """Each item with its result, computed by worker processes, in input order."""
        from functools import partial

        sent: deque[Item] = deque()

        def docs() -> Iterator[Document]:
            for item in items:
                sent.append(item)
                yield item.result

        stage = "extract" if self.extract is not None else "clean"
        _warm_up(self.clean, self.extract)
        with ProcessPool(self.options.workers, partial(_in_worker, self.clean, self.extract),
                         self.options.doc_timeout_s) as pool:
            for oc in pool.imap(docs()):
                item = sent.popleft()
                doc = item.result
                if oc.kind == "ok":
                    out = self._from_worker(doc, oc.value)
                elif oc.kind == "timeout":
                    # the worker was killed, so which stage it was in is unknown: the last one it runs
                    out = _timed_out(doc, stage, f"{oc.detail} (clean + extract; worker process killed)")
                else:
                    out = _timed_out(doc, stage, oc.detail, reason="parse_error")
                yield item, out

    def _results(self, todo: Iterator[Item]) -> Iterator[tuple[Item, list[Document] | Quarantined]]:
        """Each item to process with its result, in input order (the Ray engine overrides this)."""
        if _use_processes(self.options.workers, self.options.doc_timeout_s):
            return self._in_processes(todo)
        return ((item, self._process(item.result)) for item in todo)

    def run(self, items: Iterable[Item], run_id: str) -> RunReport:
        """Process every item; returns the run's report (the caller begins and finishes the run)."""
        report = RunReport(run_id=run_id)
        t0 = time.perf_counter()
        for item, out in self._results(self._to_process(items, run_id, report)):
            self._write(item, out, run_id, report)
        report.elapsed_s = time.perf_counter() - t0
        report.counters = self.counters()
        stages = ["read", "clean"] + (["extract"] if self.extract is not None else []) + ["store"]
        report.timings_s = {stage: self._seconds[stage] for stage in stages}
        return report

    def _write(self, item: Item, out: list[Document] | Quarantined, run_id: str, report: RunReport) -> None:
        """Store one record's result (or its quarantine) in one transaction."""
        clock = time.perf_counter
        result = item.result
        self._pending.discard((item.raw.sha256, result.origin.source_key()))
        if isinstance(out, Quarantined):
            self._quarantine(item.raw, out, run_id, report)
            return
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
            return
        self._seconds["store"] += clock() - t
        report.documents_written += written
        self.store_counters.kept(written)
        if written < len(out):
            self.store_counters.add("unchanged", len(out) - written)
        self._tick(report)

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
