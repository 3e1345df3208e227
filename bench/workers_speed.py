"""Clean + extract throughput of the local engine with 1 and 2 workers (issue 11 items 3-4).

    python bench/workers_speed.py [--corpus almayadeen,multisource] [--workers 1,2] [--repeat 1]
                                  [--limit N] [--store null|sqlite] [--json]

For each corpus: the records are read into memory first (reading is not measured), the pre-pass
learns the site state (timed apart, with each worker count), then `LocalEngine.run` cleans and
extracts every record with a fresh clean and extract stage. `--store null` (default) measures
clean + extract and the engine's own overhead (sending documents to workers and results back)
with a store that keeps nothing; `--store sqlite` writes a fresh SQLite file, as `rasd run` does
(the store is written by the parent alone). `workers = 1` runs in this process (no worker process,
the default of `rasd run`); `workers = N > 1` forks N processes. The best of `--repeat` runs is
kept; the load average (1 min) is printed before and after each run, since the machine may be
shared.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from rasd.clean.pipeline import CleanOptions, CleanStage, load_lexicon  # noqa: E402
from rasd.document import Document  # noqa: E402
from rasd.engine.local import EngineOptions, LocalEngine, learn_site_state  # noqa: E402
from rasd.extract.stage import ExtractStage  # noqa: E402
from rasd.ingest import ReadOptions, read_paths  # noqa: E402
from rasd.store.sqlite import SqliteStore  # noqa: E402

SHARED = ROOT.parent / "shared" if (ROOT.parent / "shared").is_dir() else Path("/work/shared")
CORPORA = {
    "almayadeen": SHARED / "data" / "almayadeen-syria-articles",
    "multisource": SHARED / "data" / "arabic-conflict-news-multisource" / "articles.jsonl",
}


class NullStore:
    """A store that keeps nothing: `run` then measures clean + extract and the engine's overhead."""

    def __init__(self) -> None:
        self.rows: list[dict] = []

    def is_done(self, raw_sha256: str, source_key: str) -> bool:
        return False

    def put_result(self, raw, docs, run_id) -> int:
        return len(docs)

    def put_quarantine(self, raw, q, run_id) -> None:
        pass

    def put_site_pages(self, rows, run_id=None) -> int:
        rows = list(rows)
        self.rows += rows
        return len(rows)

    def iter_site_pages(self, version=None):
        return iter(self.rows)


def load(name: str, limit: int | None) -> list:
    path = CORPORA[name]
    if not path.exists():
        raise SystemExit(f"{path} absent (../shared not on this machine)")
    items = []
    for it in read_paths([str(path)], ReadOptions(ingested_at="2024-01-01T00:00:00+00:00")):
        items.append(it)
        if limit and len(items) >= limit:
            break
    return items


def measure(items: list, workers: int, store_kind: str, lexicon) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        store = NullStore() if store_kind == "null" else SqliteStore(Path(tmp) / "s.db")
        load_before = os.getloadavg()[0]
        t0 = time.perf_counter()
        state = learn_site_state(store, items, CleanOptions(), lexicon, workers=workers)
        learn_s = time.perf_counter() - t0
        clean = CleanStage(CleanOptions(), lexicon, site_boilerplate=state.boilerplate(), site_outlets=state.outlets())
        engine = LocalEngine(store, clean=clean, extract=ExtractStage(), options=EngineOptions(workers=workers))
        run_id = store.begin_run({}, "bench") if store_kind == "sqlite" else "bench"
        t0 = time.perf_counter()
        report = engine.run(items, run_id)
        wall = time.perf_counter() - t0
        if store_kind == "sqlite":
            store.close()
    docs = sum(isinstance(it.result, Document) for it in items)
    return {"workers": workers, "docs": docs, "wall_s": round(wall, 2), "docs_per_s": round(docs / wall, 1),
            "learn_s": round(learn_s, 2), "quarantined": dict(report.quarantined),
            "events": report.counters.get("extract", {}).get("events", 0),
            "load_1min_before": round(load_before, 2), "load_1min_after": round(os.getloadavg()[0], 2)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--corpus", default="almayadeen,multisource")
    ap.add_argument("--workers", default="1,2")
    ap.add_argument("--repeat", type=int, default=1)
    ap.add_argument("--limit", type=int, default=None, help="first N records of each corpus")
    ap.add_argument("--store", choices=("null", "sqlite"), default="null")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    lexicon = load_lexicon(())
    counts = [int(w) for w in args.workers.split(",")]
    out = {"cpus": os.cpu_count(), "store": args.store, "corpora": {}}
    for name in args.corpus.split(","):
        items = load(name, args.limit)
        runs = {}
        for _ in range(args.repeat):
            for w in counts:
                r = measure(items, w, args.store, lexicon)
                if not args.json:
                    print(f"{name:12s} workers={w} {r['docs']} docs {r['wall_s']:7.2f} s {r['docs_per_s']:7.1f} docs/s "
                          f"(pre-pass {r['learn_s']:.2f} s; load {r['load_1min_before']} -> {r['load_1min_after']})",
                          flush=True)
                if w not in runs or r["docs_per_s"] > runs[w]["docs_per_s"]:
                    runs[w] = r
        entry = {"runs": [runs[w] for w in counts]}
        if 1 in runs:
            entry["ratio_vs_1"] = {w: round(runs[w]["docs_per_s"] / runs[1]["docs_per_s"], 2) for w in counts if w != 1}
            if not args.json:
                print(f"{name:12s} ratio vs 1 worker: {entry['ratio_vs_1']}", flush=True)
        out["corpora"][name] = entry
    if args.json:
        print(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
