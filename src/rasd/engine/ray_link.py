"""Linking over Ray (issue 11 item 4): the Linker's planner (rasd.link.plan) for `rasd run --engine ray`.

`workers` Ray actors (`LinkWorker`, one CPU each) do both parts; they start when the Linker hands
over its first text, so their start overlaps the driver's first pass over the documents.

Near duplicates: while the Linker primes a run's documents, their texts go in shards of
`SHARD_TEXTS` to the actors in turn (the map step), which sign them and route each LSH band key
to the partition that owns it (rasd.engine.ray_dedup); the signatures indexed before the run are
routed the same way. Before the first document is linked each actor reduces one partition (the
shuffle: every map output's part for it, by reference through Ray's object store), grouping the
keys into candidate pairs; the driver confirms them on the estimated Jaccard and replays the
local index's choice (`near_duplicates`): for each document in link order, the best earlier
candidate at the threshold, ties by id.

Fusion: each actor holds the clusters of some event types (a `FusionIndex` of its own) and
fuses, batch by batch, the new members of its types in link order. Events of different
types never fuse (`pair_score`, and `FusionIndex` blocks by type), so each actor decides exactly
what the one local index decides for its types. Not by story: the local fusion joins events of
different stories on specific evidence (the same town and stated day), so a partition by story
would miss those joins (docs/scale.md). A type goes to the actor with the fewest members so far
when it is first seen (the restored clusters first), which balances the actors without changing
any decision.
"""
from __future__ import annotations

import time
from typing import Any, Iterable, Sequence

import numpy as np

from rasd.document import Event
from rasd.engine.ray import START_TIMEOUT_S, RaySession
from rasd.engine.ray_dedup import near_duplicates, pairs_of_groups, sign_and_route
from rasd.link.dedup import DedupOptions
from rasd.link.fusion import FusionIndex, FusionOptions, Member, fuse
from rasd.link.plan import NearDecision

#: Texts per map task: a signature costs ~1.2 ms (rasd.link.dedup.signature), so 64 texts make a
#: task of ~80 ms, far above Ray's ~1 ms per task, and 796 articles still make 13 tasks.
SHARD_TEXTS = 64
#: Stored signatures per map task (routing only: no hashing, ~25 keys each).
SHARD_KNOWN = 4096
#: Restored clusters sent to a fusion actor per call (bounds one message).
RESTORE_CHUNK = 2000


class LinkWorker:
    """A Ray actor's body: map and reduce steps of the band-key shuffle, then the clusters of some
    event types, and the members of those types fused into them, batch by batch, as the local
    `FusionIndex` does."""

    def __init__(self) -> None:
        self.index = FusionIndex()

    def ready(self) -> bool:
        """True once the actor has started."""
        return True

    def sign(self, texts: list[tuple[str, str]], known: list[tuple[str, bytes]], options: DedupOptions,
             partitions: int) -> tuple:
        """The map step (`sign_and_route`): signatures, then one list of routed keys per partition."""
        return sign_and_route(texts, known, options, partitions)

    def reduce(self, *parts: list) -> set:
        """The reduce step (`pairs_of_groups`) over one partition's parts."""
        return pairs_of_groups(*parts)

    def restore(self, clusters: list[tuple[str, list[Member]]], options: FusionOptions | None = None,
                forgetting: bool = False) -> int:
        """Put back clusters decided before the run (members in joining order); `options` (first
        call) starts an empty index with them, forgetting as the driver's does (`forgetting`)."""
        if options is not None:
            self.index = FusionIndex(options)
            self.index.forgetting = forgetting
        for fused_id, members in clusters:
            self.index.restore(fused_id, members)
        return len(clusters)

    def fuse(self, members: list[Member], refresh: list[str]) -> tuple[list[tuple[str, bool]], dict[str, Event]]:
        """(fused id, joined) for each member in order, and the fused record of each cluster touched."""
        touched: dict[str, None] = dict.fromkeys(refresh)
        out = []
        for m in members:
            fused_id, joined = self.index.add(m)
            touched[fused_id] = None
            out.append((fused_id, joined))
        clusters = self.index.clusters
        fused = {fid: fuse(clusters[fid]) for fid in touched if fid in clusters and clusters[fid].members}
        self.index.forget_behind(members)   # as the local linker does after each batch
        return out, fused


class RayLinkPlanner:
    """Near duplicates by a band-key shuffle and fusion partitioned by event type, in `workers` actors.

    `session`: the Ray to use (the run's; by default one joined or started with `workers` CPUs when
    first needed and stopped when linking ends). `timings` keeps the seconds the driver waited on
    each part.
    """

    def __init__(self, workers: int = 2, session: RaySession | None = None, shard_texts: int = SHARD_TEXTS):
        if workers < 1 or shard_texts < 1:
            raise ValueError(f"workers and shard_texts must be at least 1, got {workers} and {shard_texts}")
        self.workers, self.shard_texts = workers, shard_texts
        self._own_session = session is None
        self.session = session or RaySession(workers=workers)
        self.timings: dict[str, float] = {"near_wait_s": 0.0, "fusion_start_s": 0.0, "fusion_wait_s": 0.0}
        self._reset_near()
        self._actors: list[Any] = []
        self._ready = False
        self._index: FusionIndex | None = None
        self._actor_of_type: dict[str, int] = {}
        self._load: list[int] = []
        self._cls: Any = None

    def _start(self) -> list[Any]:
        """The actors, started (without waiting) on first use."""
        if not self._actors:
            ray = self.session.get()
            if self._cls is None:
                self._cls = ray.remote(num_cpus=1, max_restarts=0)(LinkWorker)
            self._actors = [self._cls.remote() for _ in range(self.workers)]
            self._ready = False
        return self._actors

    def _wait_ready(self) -> None:
        if self._ready:
            return
        ray = self.session.get()
        try:
            ray.get([a.ready.remote() for a in self._start()], timeout=START_TIMEOUT_S)
        except ray.exceptions.GetTimeoutError:
            self.close()
            raise RuntimeError(f"{self.workers} Ray link actor(s) of 1 CPU did not start in {START_TIMEOUT_S:g} s: "
                               f"does the cluster have {self.workers} free CPUs?") from None
        self._ready = True

    # -- near duplicates -------------------------------------------------------------------------

    def _reset_near(self) -> None:
        self._buffer: list[tuple[str, str]] = []
        self._maps: list[Any] = []          # each map call's refs: signatures, then one per partition
        self._order: list[tuple[tuple, str]] = []
        self._checked: set[str] = set()
        self._dedup: DedupOptions | None = None

    def _map(self, texts: list[tuple[str, str]], known: list[tuple[str, bytes]]) -> None:
        actors = self._start()
        actor = actors[len(self._maps) % len(actors)]   # in turn: shards are of a size
        # num_returns >= 2: the call's refs are its signatures, then one list per partition
        self._maps.append(actor.sign.options(num_returns=self.workers + 1).remote(
            texts, known, self._dedup, self.workers))

    def add_text(self, doc_id: str, text: str, key: tuple, checked: bool, options: DedupOptions) -> None:
        """Buffer a text; a full shard goes to a map task at once (signed while the rest is primed)."""
        self._dedup = options
        self._order.append((key, doc_id))
        if checked:
            self._checked.add(doc_id)
        self._buffer.append((doc_id, text))
        if len(self._buffer) >= self.shard_texts:
            self._map(self._buffer, [])
            self._buffer = []

    def near_duplicates(self, known: Iterable[tuple[str, bytes]], options: DedupOptions) -> dict[str, NearDecision]:
        """The decisions for the texts added since the last call (none: no Ray is asked)."""
        if not self._order:
            self._reset_near()
            return {}
        t0 = time.perf_counter()
        ray = self.session.get()
        self._dedup = options
        self._wait_ready()
        if self._buffer:
            self._map(self._buffer, [])
        known_sigs: dict[str, np.ndarray] = {}
        chunk: list[tuple[str, bytes]] = []
        for doc_id, data in known:
            known_sigs[doc_id] = np.frombuffer(data, dtype=np.uint64)
            chunk.append((doc_id, data))
            if len(chunk) >= SHARD_KNOWN:
                self._map([], chunk)
                chunk = []
        if chunk:
            self._map([], chunk)
        # the shuffle: partition p of every map output goes to actor p
        reducers = [actor.reduce.remote(*[refs[p + 1] for refs in self._maps]) for p, actor in enumerate(self._actors)]
        signed = ray.get([refs[0] for refs in self._maps])
        pairs: set = set()
        for part in ray.get(reducers):
            pairs |= part
        sigs = dict(known_sigs)
        raw = {doc_id: data for out in signed for doc_id, data in out}
        sigs.update((doc_id, np.frombuffer(data, dtype=np.uint64)) for doc_id, data in raw.items())
        order = [doc_id for _, doc_id in sorted(self._order)]
        best = near_duplicates(order, sigs, pairs, options, known=known_sigs, check=self._checked)
        self._reset_near()
        self.timings["near_wait_s"] += time.perf_counter() - t0
        return {doc_id: (raw[doc_id], best.get(doc_id)) for doc_id in order}

    # -- fusion ------------------------------------------------------------------------------------

    def _actor_for(self, event_type: str, weight: int) -> int:
        i = self._actor_of_type.get(event_type)
        if i is None:
            i = self._actor_of_type[event_type] = min(range(len(self._load)), key=lambda k: (self._load[k], k))
        self._load[i] += weight
        return i

    def start_fusion(self, index: FusionIndex, options: FusionOptions) -> None:
        """Give each actor the restored clusters of its types."""
        t0 = time.perf_counter()
        ray = self.session.get()
        self._wait_ready()
        self._load = [0] * self.workers
        self._actor_of_type = {}
        self._index = index
        parts: list[list[tuple[str, list[Member]]]] = [[] for _ in self._actors]
        for fused_id, cluster in index.clusters.items():
            if cluster.members:
                i = self._actor_for(cluster.members[0].event.type, len(cluster.members))
                parts[i].append((fused_id, list(cluster.members)))
        # an actor runs its calls in the order sent: these come before any batch
        acks = [self._actors[i].restore.remote(part[k:k + RESTORE_CHUNK], options if k == 0 else None,
                                               index.forgetting)
                for i, part in enumerate(parts) for k in range(0, max(len(part), 1), RESTORE_CHUNK)]
        ray.get(acks)
        self.timings["fusion_start_s"] += time.perf_counter() - t0

    def submit_fusion(self, members: Sequence[Member], refresh: Sequence[str]) -> Any:
        """Send each actor the batch's members of its types (and the clusters of its types to recompute)."""
        per: list[tuple[list[int], list[Member], list[str]]] = [([], [], []) for _ in self._actors]
        for pos, m in enumerate(members):
            i = self._actor_for(m.event.type, 1)
            per[i][0].append(pos)
            per[i][1].append(m)
        for fid in refresh:
            cluster = self._index.clusters.get(fid) if self._index is not None else None
            if cluster is not None and cluster.members:
                per[self._actor_for(cluster.members[0].event.type, 0)][2].append(fid)
        calls = [(positions, actor.fuse.remote(ms, again))
                 for actor, (positions, ms, again) in zip(self._actors, per) if ms or again]
        return len(members), calls

    def collect_fusion(self, ticket: Any) -> tuple[list[tuple[str, bool]], dict[str, Event]]:
        """The actors' answers to one batch, put back in member order."""
        t0 = time.perf_counter()
        ray = self.session.get()
        n, calls = ticket
        answers: list[Any] = [None] * n
        fused: dict[str, Event] = {}
        for positions, ref in calls:
            out, records = ray.get(ref)
            for pos, answer in zip(positions, out, strict=True):
                answers[pos] = answer
            fused.update(records)
        self.timings["fusion_wait_s"] += time.perf_counter() - t0
        return answers, fused

    def close(self) -> None:
        """Kill the fusion actors (their CPUs go back) and stop a Ray this planner started."""
        if self._actors:
            ray = self.session.get()
            for actor in self._actors:
                ray.kill(actor, no_restart=True)
        self._actors, self._index, self._ready = [], None, False
        self._reset_near()
        if self._own_session:
            self.session.close()
            self._cls = None


__all__ = ["LinkWorker", "RayLinkPlanner", "SHARD_TEXTS"]
