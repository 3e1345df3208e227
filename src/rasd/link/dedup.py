"""Exact and near-duplicate detection: normalised-text hashes and MinHash LSH over character 5-grams.

Character 5-gram shingles of the normalised text, not word 3-grams: on Arabic news, word shingles
missed about half of the near duplicates we planted (clitics and spelling variants change whole
words but only a few characters). The index is incremental: a new batch is checked against every
signature already stored, which is loaded once, without recomputing the corpus.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable, Iterator

import numpy as np
from datasketch import LeanMinHash, MinHash, MinHashLSH

from rasd.clean.normalize import normalize_arabic
from rasd.document import sha256_hex

_NON_WORD = re.compile(r"[^\w]+", re.UNICODE)


@dataclass(frozen=True, slots=True)
class DedupOptions:
    """Near-duplicate settings."""

    num_perm: int = 128          # 128 permutations: Jaccard estimate error ~0.09 (1/sqrt(128)), plenty at 0.8
    threshold: float = 0.8       # estimated Jaccard of 5-gram sets at or above which two texts are near duplicates
    # LSH banding is tuned for a lower threshold than the decision one: banded at 0.8 (b=9, r=13) a
    # pair at true Jaccard 0.9 was missed (14 differing hash values hit every band). Candidates are
    # then confirmed on the estimated Jaccard, so the lower band threshold costs time, not precision.
    lsh_threshold: float = 0.5
    shingle: int = 5             # character n-gram size (see the module docstring)
    max_chars: int = 30_000      # cap the text hashed: long pages add cost, not discrimination
    seed: int = 1                # MinHash permutation seed; changing it invalidates stored signatures


def dedup_key(text: str) -> str:
    """The exact-duplicate key: normalised text, punctuation and whitespace collapsed."""
    return " ".join(_NON_WORD.sub(" ", normalize_arabic(text)).split())


def content_hash(text: str) -> str:
    """Hash of `dedup_key(text)`: equal for texts that differ only in diacritics, spacing, punctuation."""
    return sha256_hex(dedup_key(text))


_SCHEME = MinHash(num_perm=1).scheme  # datasketch's scheme tag, carried by LeanMinHash (only compared, never recomputed)

#: FNV-1a 64-bit prime: the base of the rolling code-point hash of a shingle.
_POLY = np.uint64(1099511628211)


def _permutations(num_perm: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Odd multipliers and offsets of the multiply-shift hash family, fixed by `seed`."""
    rng = np.random.Generator(np.random.PCG64(seed))
    a = rng.integers(1, 2**63, num_perm, dtype=np.uint64) | np.uint64(1)
    b = rng.integers(0, 2**63, num_perm, dtype=np.uint64)
    return a, b


_PERMS: dict[tuple[int, int], tuple[np.ndarray, np.ndarray]] = {}


def shingle_hashes(text: str, n: int = 5, max_chars: int = 30_000) -> np.ndarray:
    """Distinct 64-bit hashes of the dedup key's character n-grams (vectorised, no per-shingle Python)."""
    key = dedup_key(text)[:max_chars]
    cps = np.frombuffer(key.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    if len(cps) == 0:
        return np.zeros(0, dtype=np.uint64)
    n = min(n, len(cps))
    width = len(cps) - n + 1
    h = np.zeros(width, dtype=np.uint64)
    for k in range(n):
        h = h * _POLY + cps[k:k + width]
    # murmur3's 64-bit finaliser: spreads the polynomial hash over all bits before the shift below.
    h ^= h >> np.uint64(33)
    h *= np.uint64(0xFF51AFD7ED558CCD)
    h ^= h >> np.uint64(33)
    return np.unique(h)


def signature(text: str, options: DedupOptions = DedupOptions()) -> LeanMinHash:
    """MinHash signature of a text's character shingles.

    Multiply-shift hashing over numpy arrays instead of datasketch's per-shingle SHA-1: 1.2 ms
    instead of 6.1 ms for a 4,000-character article (bench/link_scale.py), the difference between
    10,000 documents in 12 s and in a minute. Stored signatures made by an older scheme must be
    recomputed (`rasd link --rebuild`).
    """
    perms = _PERMS.get((options.num_perm, options.seed))
    if perms is None:
        perms = _PERMS[(options.num_perm, options.seed)] = _permutations(options.num_perm, options.seed)
    a, b = perms
    hv = shingle_hashes(text, options.shingle, options.max_chars)
    if len(hv) == 0:
        values = np.full(options.num_perm, np.uint64(2**32 - 1), dtype=np.uint64)
    else:
        values = ((hv[:, None] * a + b) >> np.uint64(32)).min(axis=0)
    return LeanMinHash(seed=options.seed, hashvalues=values, scheme=_SCHEME)


def signature_bytes(sig: LeanMinHash) -> bytes:
    """Compact bytes of a signature's hash values (for the store)."""
    return np.asarray(sig.hashvalues, dtype=np.uint64).tobytes()


def signature_from_bytes(data: bytes, options: DedupOptions = DedupOptions()) -> LeanMinHash:
    """Rebuild a signature stored with `signature_bytes`."""
    hv = np.frombuffer(data, dtype=np.uint64)
    return LeanMinHash(seed=options.seed, hashvalues=hv, scheme=_SCHEME)


class NearDuplicateIndex:
    """An LSH index of document signatures; `check` finds a document's near-duplicate canonical.

    The banding is datasketch's `MinHashLSH` for `lsh_threshold` (25 bands of 5 values at 0.5 and
    128 permutations), kept in compact form: the signatures are rows of one uint64 matrix (1 KB a
    document) and each band maps a 64-bit mix of its values to the rows holding them. A
    `MinHashLSH` held ~8 KB a document (a bytes key and a set per band) and a `LeanMinHash` per
    signature beside it. A band hit is confirmed on the band's values, so the candidates are
    exactly those `MinHashLSH.query` returns, and the Jaccard estimate is datasketch's
    (equal values / permutations), computed for all candidates at once.
    """

    def __init__(self, options: DedupOptions = DedupOptions()):
        self.options = options
        lsh = MinHashLSH(threshold=options.lsh_threshold, num_perm=options.num_perm)
        self._bands, self._rows = lsh.b, lsh.r
        # odd multipliers mixing a band's values into one 64-bit key (fixed: only compared in-process)
        self._mix = np.random.Generator(np.random.PCG64(0)).integers(
            1, 2**63, self._rows, dtype=np.uint64) | np.uint64(1)
        self._tables: list[dict[int, int | list[int]]] = [{} for _ in range(self._bands)]
        self._sigs = np.zeros((0, options.num_perm), dtype=np.uint64)
        self._ids: list[str] = []
        self._row: dict[str, int] = {}

    def __len__(self) -> int:
        return len(self._ids)

    def __contains__(self, doc_id: str) -> bool:
        return doc_id in self._row

    def _keys(self, hv: np.ndarray) -> list[int]:
        bands = hv[:self._bands * self._rows].reshape(self._bands, self._rows)
        return (bands * self._mix).sum(axis=1).tolist()

    def add(self, doc_id: str, sig: LeanMinHash) -> None:
        """Index a signature (no-op when the id is already indexed)."""
        if doc_id in self._row:
            return
        hv = np.asarray(sig.hashvalues, dtype=np.uint64)
        row = len(self._ids)
        if row == len(self._sigs):  # grow by half: amortised appends without a list of arrays
            grown = np.zeros((max(1024, row + row // 2), self.options.num_perm), dtype=np.uint64)
            grown[:row] = self._sigs[:row]
            self._sigs = grown
        self._sigs[row] = hv
        self._ids.append(doc_id)
        self._row[doc_id] = row
        for table, key in zip(self._tables, self._keys(hv)):
            held = table.get(key)
            if held is None:
                table[key] = row
            elif isinstance(held, int):
                table[key] = [held, row]
            else:
                held.append(row)

    def _query(self, hv: np.ndarray) -> np.ndarray:
        """Rows sharing at least one whole band with `hv` (MinHashLSH.query), sorted."""
        found = []
        for b, (table, key) in enumerate(zip(self._tables, self._keys(hv))):
            held = table.get(key)
            if held is None:
                continue
            rows = np.array([held] if isinstance(held, int) else held, dtype=np.int64)
            lo, hi = b * self._rows, (b + 1) * self._rows
            found.append(rows[(self._sigs[rows, lo:hi] == hv[lo:hi]).all(axis=1)])  # the mix is a hash: confirm
        return np.unique(np.concatenate(found)) if found else np.zeros(0, dtype=np.int64)

    def candidates(self, sig: LeanMinHash) -> list[tuple[str, float]]:
        """Indexed ids whose estimated Jaccard with `sig` reaches the threshold, best first."""
        hv = np.asarray(sig.hashvalues, dtype=np.uint64)
        rows = self._query(hv)
        if not len(rows):
            return []
        # LeanMinHash.jaccard (equal values / permutations), for every candidate at once: a page of
        # the bench's generated corpus shares a band with ~3 % of the others
        jaccard = np.count_nonzero(self._sigs[rows] == hv, axis=1) / float(len(hv))
        keep = np.nonzero(jaccard >= self.options.threshold)[0]
        out = [(self._ids[int(rows[k])], float(jaccard[k])) for k in keep]
        return sorted(out, key=lambda t: (-t[1], t[0]))

    def check(self, doc_id: str, sig: LeanMinHash) -> tuple[str, float] | None:
        """Return (canonical id, estimated Jaccard) of the best earlier near duplicate, then index the doc.

        The canonical is the best-matching already indexed document that is not itself this one.
        """
        best = next(((cid, j) for cid, j in self.candidates(sig) if cid != doc_id), None)
        self.add(doc_id, sig)
        return best

    def signatures(self) -> Iterator[tuple[str, bytes]]:
        """Every indexed (doc_id, signature bytes), in indexing order (what a planner elsewhere
        needs of the documents indexed before a run's, rasd.link.plan)."""
        for row, doc_id in enumerate(self._ids):
            yield doc_id, self._sigs[row].tobytes()

    def load(self, rows: Iterable[tuple[str, bytes]]) -> int:
        """Index stored (doc_id, signature bytes) rows; returns how many were added."""
        n = 0
        for doc_id, data in rows:
            if doc_id not in self._row:
                self.add(doc_id, signature_from_bytes(data, self.options))
                n += 1
        return n
