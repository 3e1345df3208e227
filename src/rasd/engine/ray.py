"""The Ray engine: clean and extract shards of records in Ray actors; the driver reads and writes.

`rasd run --engine ray [--workers N] [--address ADDR]`. The driver reads the records, skips those
the store has done, and sends the rest in shards of `SHARD_DOCS` documents to N actors (one CPU
each), at most `DEPTH` shards queued per actor. Each actor holds its own copy of the stages (sent
pickled once, when it starts, and warmed up there) and answers a shard with what a forked worker
of the local engine answers for each document (`_in_worker`: the parts without the page's raw
text, the counter deltas, the seconds). The driver writes the results through the store's
`put_result` / `put_quarantine`, one transaction per record, in input order, as the local engine
does, so counters, progress, quarantine, resume and the stored documents are the same.

Time limits. Inside an actor each document runs under the SIGALRM budget (actor methods run in the
actor's main thread), which stops a stage looping in Python. What SIGALRM cannot stop (a regular
expression backtracking in C) the driver stops: a shard still running `doc_timeout_s` per document
(plus `GRACE_S`) after it began has its actor killed; its documents are sent again one per task,
each to an actor with nothing queued behind it, where the one that hangs again is killed after
`doc_timeout_s` (+ `GRACE_S`) and quarantined as `timeout`. An actor that dies on its own is handled
the same way, its document quarantined as `parse_error` ("Ray worker died"). Alone, because a dying
actor can take with it the reply of a task it had already finished: a death is the running
document's only when nothing else was queued on that actor (a single document that died with a
shard behind it is sent again alone first). The batch goes on in every case.
"""
from __future__ import annotations

import itertools
import logging
import time
from collections import deque
from dataclasses import dataclass, field
from typing import Any, Callable, Iterator

from rasd.document import Document, Item, Quarantined
from rasd.engine.local import EngineOptions, LocalEngine, RecordStage, _in_worker, _timed_out, _warm_up
from rasd.optional import require

INSTALL_HINT = "pip install rasd[ray]"

#: Documents per Ray task. Ray's per-call overhead is about a millisecond and a document costs
#: 8-16 ms of clean + extract (docs/scale.md), so 8 documents make the overhead ~1 % while a
#: shard that must be run again after a kill repeats little work.
SHARD_DOCS = 8
#: Shards queued per actor: one running and one waiting, so an actor never waits for the driver.
DEPTH = 2
#: Seconds added to a shard's deadline before the driver kills its actor: the actor's own SIGALRM
#: budget fires first whenever it can, and a result needs a moment to come back.
GRACE_S = 5.0
#: How long the actors may take to start (import rasd, unpickle and warm up the stages).
START_TIMEOUT_S = 300.0
#: Results held for in-order writing behind a slow shard, per actor, before no new shard is sent.
MAX_AHEAD_PER_WORKER = 64


def require_ray() -> Any:
    """The `ray` module, or ImportError naming the extra that installs it."""
    return require("ray", f"--engine ray needs Ray: {INSTALL_HINT}")


class ShardWorker:
    """A Ray actor's body: the stages, warmed up once, applied to shards of documents."""

    def __init__(self, clean: RecordStage, extract: RecordStage | None, budget_s: float) -> None:
        self.clean, self.extract, self.budget_s = clean, extract, budget_s
        _warm_up(clean, extract)   # models and tables load here, not inside a document's budget

    def ready(self) -> bool:
        """True once the actor has started (the driver waits for it before sending work)."""
        return True

    def process(self, docs: list[Document]) -> list[tuple]:
        """`_in_worker`'s answer for each document of the shard, in order."""
        return [_in_worker(self.clean, self.extract, d, self.budget_s) for d in docs]


@dataclass
class _Slot:
    actor: Any
    queued: deque = field(default_factory=deque)   # (shard, ref); the head is running
    started: float = 0.0                            # when the head shard began


def _connect(ray: Any, address: str, workers: int) -> bool:
    """Join `address`, or start a local Ray with `workers` CPUs; True when this call started it.
    A Ray already initialised in this process (a test's `ray.init(num_cpus=2)`) is used as it is."""
    if ray.is_initialized():
        return False
    if address:
        ray.init(address=address, logging_level=logging.ERROR, log_to_driver=False)
    else:
        ray.init(num_cpus=workers, include_dashboard=False, logging_level=logging.ERROR, log_to_driver=False)
    return True


class RaySession:
    """One Ray for a run's engine and its linking (rasd.engine.ray_link): joined (`address`) or
    started (`workers` CPUs) when first needed, and stopped by `close` when this session started
    it, so `rasd run --engine ray` starts Ray once, and not at all when there is nothing to do."""

    def __init__(self, address: str = "", workers: int = 1) -> None:
        self.address, self.workers = address, workers
        self.started = False
        self._ray: Any = None

    def get(self) -> Any:
        """The `ray` module, connected."""
        if self._ray is None:
            ray = require_ray()
            self.started = _connect(ray, self.address, self.workers)
            self._ray = ray
        return self._ray

    def close(self) -> None:
        """Stop Ray if this session started it."""
        if self._ray is not None and self.started:
            self._ray.shutdown()
        self._ray, self.started = None, False


class RayEngine(LocalEngine):
    """The local engine's run, with cleaning and extraction in `options.workers` Ray actors."""

    def __init__(self, store, *, clean: RecordStage, extract: RecordStage | None = None,
                 options: EngineOptions = EngineOptions(engine="ray"),
                 progress: Callable[[int, int], None] | None = None, shard_docs: int = SHARD_DOCS,
                 session: RaySession | None = None):
        """`session`: a Ray shared with what follows the run (its linking), which then stops it."""
        super().__init__(store, clean=clean, extract=extract, options=options, progress=progress)
        if shard_docs < 1:
            raise ValueError(f"shard_docs must be at least 1, got {shard_docs}")
        self._ray = require_ray()
        self.shard_docs = shard_docs
        self.session = session
        self._actor_cls: Any = None
        self._stage_refs: tuple = ()
        self.replaced = 0   # actors killed on a timeout or found dead
        self.start_s = 0.0  # seconds the actors took to start (unpickle and warm up the stages)

    # -- actors ----------------------------------------------------------------------------------

    def _start_actors(self, n: int) -> list[_Slot]:
        """Start `n` actors of one CPU each and wait until they are ready."""
        ray = self._ray
        if self._actor_cls is None:
            self._actor_cls = ray.remote(num_cpus=1, max_restarts=0)(ShardWorker)
            # the stages go to the object store once; every actor, replacements included, reads them
            # (an ObjectRef passed at top level reaches the constructor as the object it names)
            self._stage_refs = (ray.put(self.clean), ray.put(self.extract))
        actors = [self._actor_cls.remote(*self._stage_refs, self.options.doc_timeout_s) for _ in range(n)]
        try:
            ray.get([a.ready.remote() for a in actors], timeout=START_TIMEOUT_S)
        except ray.exceptions.GetTimeoutError:
            for a in actors:
                ray.kill(a)
            raise RuntimeError(f"{n} Ray actor(s) of 1 CPU did not start in {START_TIMEOUT_S:g} s: does the "
                               f"cluster have {n} free CPUs? ({ray.cluster_resources().get('CPU', 0):g} in all)") from None
        return [_Slot(a) for a in actors]

    def _replace(self, slot: _Slot) -> None:
        """Kill `slot`'s actor and give the slot a fresh one (its queued shards are lost with it)."""
        self._ray.kill(slot.actor, no_restart=True)
        self.replaced += 1
        slot.actor = self._start_actors(1)[0].actor
        slot.queued.clear()
        slot.started = time.monotonic()

    # -- the run -----------------------------------------------------------------------------------

    def _results(self, todo: Iterator[Item]) -> Iterator[tuple[Item, list[Document] | Quarantined]]:
        """Each item with its result, computed by the actors in shards, in input order."""
        ray = self._ray
        first = next(todo, None)
        if first is None:   # nothing to process (every record done already): no Ray to start
            return
        todo = itertools.chain([first], todo)
        if self.session is not None:
            self.session.get()
            started_ray = False
        else:
            started_ray = _connect(ray, self.options.address, self.options.workers)
        slots: list[_Slot] = []
        try:
            t0 = time.perf_counter()
            slots += self._start_actors(self.options.workers)
            self.start_s = time.perf_counter() - t0
            yield from self._schedule(todo, slots)
        finally:
            for slot in slots:   # their CPUs go back to the cluster (a test's Ray outlives the run)
                ray.kill(slot.actor, no_restart=True)
            if started_ray:
                ray.shutdown()

    def _schedule(self, todo: Iterator[Item], slots: list[_Slot]) -> Iterator[tuple[Item, list[Document] | Quarantined]]:
        ray = self._ray
        budget = self.options.doc_timeout_s
        stage = "extract" if self.extract is not None else "clean"
        source = enumerate(todo)
        exhausted = False
        retry: deque[list[tuple[int, Item]]] = deque()   # shards to send again, before new ones
        # the documents of a failed shard, sent again one per task, each to an actor with nothing
        # queued behind it: an actor that dies takes the reply of a task it had already finished
        # with it, so a death is the running document's only when nothing else was queued there
        solo: set[int] = set()

        def alone(shard: list[tuple[int, Item]]) -> bool:
            return len(shard) == 1 and shard[0][0] in solo
        done: dict[int, tuple[Item, list[Document] | Quarantined]] = {}
        next_index = out_index = 0
        max_ahead = MAX_AHEAD_PER_WORKER * self.shard_docs * len(slots)

        def next_shard() -> list[tuple[int, Item]] | None:
            nonlocal exhausted, next_index
            if retry:
                return retry.popleft()
            if exhausted or next_index - out_index >= max_ahead:
                return None
            shard = []
            for index, item in source:
                shard.append((index, item))
                if len(shard) >= self.shard_docs:
                    break
            if len(shard) < self.shard_docs:
                exhausted = True
            next_index += len(shard)
            return shard or None

        def fail(slot: _Slot, kind: str, detail: str) -> None:
            """The head shard of `slot` failed: a single document is quarantined (one that died with
            another shard queued behind it is first sent again alone), a larger shard is sent again
            one document per task, each alone; after a kill or a death the shards queued behind it
            are sent again too."""
            shard, _ref = slot.queued.popleft()
            again: list[list[tuple[int, Item]]] = []
            if len(shard) == 1 and kind == "died" and slot.queued and not alone(shard):
                # a shard was queued behind it: the death may be that one's, run it again alone
                again.append(shard)
                solo.add(shard[0][0])
            elif len(shard) == 1:
                index, item = shard[0]
                doc = item.result
                if kind == "timeout":
                    out = _timed_out(doc, stage, f"over {budget:g} s (clean + extract; Ray worker killed)")
                else:
                    out = _timed_out(doc, stage, detail, reason="parse_error")
                done[index] = (item, out)
            else:
                again += [[pair] for pair in shard]
                solo.update(index for index, _ in shard)
            if kind in ("timeout", "died"):
                again += [s for s, _ in slot.queued]
                self._replace(slot)
            else:
                slot.started = time.monotonic()
            retry.extendleft(reversed(again))

        while True:
            # send shards to actors with room, shortest queue first; a document sent again alone
            # goes only to an idle actor, and nothing is queued behind it
            while True:
                open_ = [s for s in slots if not (s.queued and alone(s.queued[-1][0]))]
                slot = min(open_, key=lambda s: len(s.queued), default=None)
                if slot is None or len(slot.queued) >= DEPTH:
                    break
                if retry and alone(retry[0]) and slot.queued:
                    break
                shard = next_shard()
                if shard is None:
                    break
                if not slot.queued:
                    slot.started = time.monotonic()
                ref = slot.actor.process.remote([item.result for _, item in shard])
                slot.queued.append((shard, ref))
            while out_index in done:
                yield done.pop(out_index)
                out_index += 1
            busy = [s for s in slots if s.queued]
            if not busy:
                if exhausted and not retry:
                    return
                continue
            now = time.monotonic()
            wait_s = None
            if budget > 0:
                wait_s = max(0.0, min(s.started + budget * len(s.queued[0][0]) + GRACE_S for s in busy) - now)
            heads = {s.queued[0][1]: s for s in busy}
            ready, rest = ray.wait(list(heads), num_returns=1, timeout=wait_s)
            if ready and rest:
                ready += ray.wait(rest, num_returns=len(rest), timeout=0)[0]
            for ref in ready:
                slot = heads[ref]
                try:
                    answers = ray.get(ref)
                except ray.exceptions.RayActorError as e:
                    fail(slot, "died", f"Ray worker died: {type(e).__name__}")
                    continue
                except ray.exceptions.RayTaskError as e:
                    fail(slot, "error", f"{type(e.cause).__name__ if e.cause else 'RayTaskError'}: "
                                        f"{str(e.cause or e)[:500]}")
                    continue
                shard, _ = slot.queued.popleft()
                slot.started = time.monotonic()
                for (index, item), value in zip(shard, answers):
                    done[index] = (item, self._from_worker(item.result, value))
            now = time.monotonic()
            if budget > 0:
                late = [slot for slot in busy if slot.queued and slot.queued[0][1] not in ready and
                        now - slot.started >= budget * len(slot.queued[0][0]) + GRACE_S]
                # a head may have finished while the driver was busy (starting a replacement actor
                # blocks it for seconds on a loaded machine): its answer is taken next round, not
                # thrown away with a killed actor
                finished = set(ray.wait([s.queued[0][1] for s in late], num_returns=len(late), timeout=0)[0]) \
                    if late else set()
                for slot in late:
                    if slot.queued[0][1] not in finished:
                        fail(slot, "timeout", "")
        # not reached


__all__ = ["INSTALL_HINT", "RayEngine", "RaySession", "SHARD_DOCS", "ShardWorker", "require_ray"]
