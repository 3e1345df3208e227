"""Near-duplicate candidates over Ray: MinHash signatures in map tasks, LSH band keys shuffled
(grouped by key) across reduce tasks, the candidates confirmed on the driver (issue 11 item 4).

The local linker (`rasd.link.dedup.NearDuplicateIndex`) inserts documents one by one into a
datasketch `MinHashLSH` and asks each new document for the indexed ones that share at least one
band with it. Over all documents those are exactly the pairs that share a (band, band key), which
is what a shuffle finds without any index: each map task signs a shard of texts (the same
`signature` the linker uses) and sends each (band, key) -> document to the reduce task that owns
the key (a CRC-32 of the key: the same in every process, unlike Python's `hash`); each reduce
task groups its keys and emits the pairs of documents in a group. The bands are the linker's own
(`MinHashLSH(threshold=lsh_threshold, num_perm=num_perm).hashranges`), so the candidate pairs are
the same; `near_duplicates` then replays the linker's decision (for each document in linking
order, the best earlier candidate whose estimated Jaccard reaches `threshold`, ties by id).
`rasd.engine.ray_link.RayLinkPlanner` runs these steps for `rasd run --engine ray`.
"""
from __future__ import annotations

import zlib
from itertools import combinations
from typing import Any, Iterable, Sequence

import numpy as np
from datasketch import MinHashLSH

from rasd.link.dedup import DedupOptions, signature, signature_from_bytes

Pair = tuple[str, str]


def bands(options: DedupOptions = DedupOptions()) -> list[tuple[int, int]]:
    """The (start, end) hash-value ranges of the LSH bands the local linker's index uses."""
    return list(MinHashLSH(threshold=options.lsh_threshold, num_perm=options.num_perm).hashranges)


def band_keys(values: np.ndarray, ranges: Sequence[tuple[int, int]]) -> list[bytes]:
    """One key per band: the band's number and the bytes of its hash values."""
    return [i.to_bytes(2, "little") + np.ascontiguousarray(values[s:e], dtype=np.uint64).tobytes()
            for i, (s, e) in enumerate(ranges)]


def partition_of(key: bytes, partitions: int) -> int:
    """The reduce task that owns a band key (CRC-32: stable across processes and runs)."""
    return zlib.crc32(key) % partitions


def sign_and_route(texts: Sequence[tuple[str, str]], known: Sequence[tuple[str, bytes]],
                   options: DedupOptions, partitions: int) -> tuple:
    """Map: sign `texts` (id, text); route every band key of them and of `known` (id, stored
    signature bytes) to its partition as (key, id, is known). Returns (the signatures of `texts`
    as (id, bytes), partition 0, ...)."""
    ranges = bands(options)
    routed: list[list[tuple[bytes, str, bool]]] = [[] for _ in range(partitions)]
    sigs = [(doc_id, np.asarray(signature(text, options).hashvalues, dtype=np.uint64)) for doc_id, text in texts]
    rows = [(doc_id, values, False) for doc_id, values in sigs]
    rows += [(doc_id, np.frombuffer(data, dtype=np.uint64), True) for doc_id, data in known]
    for doc_id, values, is_known in rows:
        for key in band_keys(values, ranges):
            routed[partition_of(key, partitions)].append((key, doc_id, is_known))
    return ([(doc_id, values.tobytes()) for doc_id, values in sigs], *routed)


def pairs_of_groups(*parts: Iterable[tuple[bytes, str, bool]]) -> set[Pair]:
    """Reduce: group (key, id, is known) rows by key; every two ids of a group are a candidate
    pair (sorted), except two known ones (both decided before: nothing to ask of them)."""
    groups: dict[bytes, dict[str, bool]] = {}
    for part in parts:
        for key, doc_id, is_known in part:
            groups.setdefault(key, {})[doc_id] = is_known
    out: set[Pair] = set()
    for ids in groups.values():
        if len(ids) > 1:
            out.update((a, b) for a, b in combinations(sorted(ids), 2) if not (ids[a] and ids[b]))
    return out


def ray_candidate_pairs(texts: Sequence[tuple[str, str]], known: Sequence[tuple[str, bytes]] = (),
                        options: DedupOptions = DedupOptions(), *, shards: int = 4,
                        partitions: int = 2, ray: Any = None) -> tuple[dict[str, np.ndarray], set[Pair]]:
    """Signatures (id -> hash values) of `texts` and `known`, and the pairs sharing an LSH band,
    computed by `shards` map tasks and `partitions` reduce tasks on the Ray this process joined."""
    if ray is None:
        from rasd.engine.ray import require_ray

        ray = require_ray()
    sign = ray.remote(num_returns=partitions + 1)(sign_and_route)
    reduce = ray.remote(pairs_of_groups)
    texts, known = list(texts), list(known)
    shards = max(1, min(shards, len(texts) + len(known)))
    # num_returns >= 2: each map task gives a list of refs, its signatures then one per partition
    outs = [sign.remote(texts[i::shards], known[i::shards], options, partitions) for i in range(shards)]
    reducers = [reduce.remote(*[o[p + 1] for o in outs]) for p in range(partitions)]
    pairs: set[Pair] = set()
    for part in ray.get(reducers):
        pairs |= part
    sigs = {doc_id: np.frombuffer(data, dtype=np.uint64) for o in ray.get([o[0] for o in outs]) for doc_id, data in o}
    sigs.update((doc_id, np.frombuffer(data, dtype=np.uint64)) for doc_id, data in known)
    return sigs, pairs


def local_candidate_pairs(sigs: dict[str, np.ndarray], order: Sequence[str],
                          options: DedupOptions = DedupOptions()) -> set[Pair]:
    """The pairs the local linker's index finds: each document of `order` queried against the
    ones inserted before it, then inserted (the reference `ray_candidate_pairs` must equal)."""
    lsh = MinHashLSH(threshold=options.lsh_threshold, num_perm=options.num_perm)
    out: set[Pair] = set()
    for doc_id in order:
        m = signature_from_bytes(sigs[doc_id].tobytes(), options)
        out.update(tuple(sorted((doc_id, other))) for other in lsh.query(m) if other != doc_id)
        lsh.insert(doc_id, m)
    return out


def jaccard(a: np.ndarray, b: np.ndarray) -> float:
    """Estimated Jaccard of two signatures, computed as datasketch's `LeanMinHash.jaccard` does."""
    return float(np.float64(np.count_nonzero(a == b)) / np.float64(len(a)))


def near_duplicates(order: Sequence[str], sigs: dict[str, np.ndarray], pairs: Iterable[Pair],
                    options: DedupOptions = DedupOptions(), known: Iterable[str] = (),
                    check: Iterable[str] | None = None) -> dict[str, tuple[str, float]]:
    """The local linker's near-duplicate decision for each document of `order` (linking order;
    `known`: documents indexed before all of them): the best earlier candidate whose estimated
    Jaccard reaches `threshold`, best first, then by id. `check`: the documents the linker checks
    (all of `order` by default; exact copies are indexed but not checked)."""
    position = {doc_id: i for i, doc_id in enumerate(order)}
    for doc_id in known:
        position.setdefault(doc_id, -1)
    best: dict[str, tuple[str, float]] = {}
    wanted = set(order if check is None else check)
    for a, b in pairs:
        if a not in position or b not in position:
            continue
        earlier, later = (a, b) if position[a] < position[b] else (b, a)
        if later not in wanted or position[later] < 0 or position[earlier] == position[later]:
            continue
        j = jaccard(sigs[a], sigs[b])
        if j < options.threshold:
            continue
        if later not in best or (-j, earlier) < (-best[later][1], best[later][0]):
            best[later] = (earlier, j)
    return best


__all__ = ["band_keys", "bands", "jaccard", "local_candidate_pairs", "near_duplicates", "pairs_of_groups",
           "partition_of", "ray_candidate_pairs", "sign_and_route"]
