"""Throughput of `SqliteStore.put_result` (not a test; run it: `python bench/store_put_bench.py`).

Writes N small documents (one raw record each, one transaction each), with and without children,
into a fresh file database and prints documents per second. 
"""
from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from rasd.document import Document, Event, Origin, RawInput, Removed, SocialPost, Span, make_doc_id, sha256_hex
from rasd.store.base import raw_source_key
from rasd.store.sqlite import SqliteStore

#: About the length of a short news item (~300 characters), our own words.
BODY = ("قالت مصادر محلية إن قصفاً مدفعياً استهدف أطراف بلدة في الريف الجنوبي صباح اليوم، "
        "ما أدى إلى أضرار في منازل المدنيين. وأضافت المصادر أن فرق الدفاع المدني وصلت إلى المكان "
        "وعملت على إخماد الحرائق، فيما لم ترد أنباء عن إصابات حتى ساعة إعداد هذا الخبر. ")


def make(i: int, children: bool) -> tuple[RawInput, Document]:
    """One raw record and its document; with `children`, 2 removed, 1 post, 5 spans, 1 event."""
    text = f"{BODY}رقم {i}"
    data = text.encode()
    raw = RawInput(sha256=sha256_hex(data), data=data, size=len(data), path="/bench/feed.jsonl", record=i + 1)
    doc_id = make_doc_id(raw_source_key(raw), raw.sha256, 0)
    kids: dict = {}
    if children:
        kids = dict(
            removed=(Removed("شارك الخبر", "share_widget"), Removed("اقرأ أيضاً", "related")),
            social_posts=(SocialPost("منشور قصير", "حساب", "@acc"),),
            spans=tuple(Span(k * 5, k * 5 + 4, "token", {"k": k}, "bench", doc_id) for k in range(5)),
            events=(Event(id=f"ev-{doc_id}", type="shelling", doc_id=doc_id,
                          mentions=({"doc_id": doc_id, "start": 0, "end": 10, "text": text[:10]},)),),
        )
    doc = Document(id=doc_id, text=text, origin=Origin(path=raw.path, record=raw.record, raw_sha256=raw.sha256),
                   title="عنوان", **kids)
    return raw, doc


def measure(n: int, children: bool, db: Path) -> float:
    """Seconds to put `n` results one transaction each (objects are built before the clock starts)."""
    items = [make(i, children) for i in range(n)]
    store = SqliteStore(db)
    run = store.begin_run({}, "bench")
    t0 = time.perf_counter()
    for raw, doc in items:
        store.put_result(raw, [doc], run)
    elapsed = time.perf_counter() - t0
    store.finish_run(run, {})
    assert store.stats()["documents"]["total"] == n
    store.close()
    return elapsed


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("-n", type=int, default=5000)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        for children in (False, True):
            elapsed = measure(args.n, children, Path(tmp) / f"bench-{children}.db")
            label = "with children" if children else "bare        "
            print(f"put_result {label}: {args.n} docs in {elapsed:.2f} s = {args.n / elapsed:,.0f} docs/s")


if __name__ == "__main__":
    main()
