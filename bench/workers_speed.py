"""Clean + extract throughput of the local engine with 1 and 2 workers (issue 11 items 3-4).

    python bench/workers_speed.py [--corpus almayadeen,multisource] [--workers 1,2] [--repeat 1]
                                  [--limit N] [--store null|sqlite] [--json]

For each corpus: the records are read into memory first (reading is not measured), the pre-pass
learns the site state (timed apart, with each worker count), then `LocalEngine.run` cleans and
extracts every record with a fresh clean and extract stage. `--store null` (default) measures
clean + extract and the engine's own overhead (sending documents to workers and results back)
with a store that keeps nothing; `--store sqlite` writes a fresh SQLite file, as `rasd run` does
(the store is written by the parent alone). `workers = 1` runs in this process (no worker process,
the default of `rasd run`); `workers = N > 1` forks N processes. Repeats alternate the worker
counts; the best and the median of `--repeat` runs are kept, and the load average (1 min) is
printed before and after each run, since the machine may be shared. CPU seconds (this process
and its reaped workers) are reported too: `cpu_ms_per_doc` is what a document costs whatever the
machine's load, so 2 x cpu(1) / cpu(2) bounds the 2-worker speed-up on two free cores.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
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


def _spin(seconds: float) -> None:
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        pass


def ceiling(n: int, seconds: float = 3.0) -> float:
    """Cores that `n` busy-looping processes of this session get right now: what any program with
    n processes could get (the control for the workers' ratio on a shared machine)."""
    import multiprocessing as mp

    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    procs = [mp.get_context("fork").Process(target=_spin, args=(seconds,)) for _ in range(n)]
    t0 = time.perf_counter()
    for p in procs:
        p.start()
    for p in procs:
        p.join()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    used = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    return used / (time.perf_counter() - t0)


def _cpu() -> tuple[float, float]:
    """User + system CPU seconds of this process, and of its finished children (the workers)."""
    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime, kids.ru_utime + kids.ru_stime


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
        cpu0 = _cpu()
        t0 = time.perf_counter()
        report = engine.run(items, run_id)
        wall = time.perf_counter() - t0
        cpu1 = _cpu()
        parent, children = cpu1[0] - cpu0[0], cpu1[1] - cpu0[1]
        if store_kind == "sqlite":
            store.close()
    docs = sum(isinstance(it.result, Document) for it in items)
    return {"workers": workers, "docs": docs, "wall_s": round(wall, 2), "docs_per_s": round(docs / wall, 1),
            "cpu_ms_per_doc": round(1000 * (parent + children) / docs, 2),
            "cpu_parent_ms_per_doc": round(1000 * parent / docs, 2), "cpu_workers_ms_per_doc": round(1000 * children / docs, 2),
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
    ap.add_argument("--control", action="store_true",
                    help="before each repeat, measure the cores 1 and 2 busy-looping processes get (3 s each)")
    args = ap.parse_args()
    lexicon = load_lexicon(())
    counts = [int(w) for w in args.workers.split(",")]
    out = {"cpus": os.cpu_count(), "store": args.store, "corpora": {}}
    for name in args.corpus.split(","):
        items = load(name, args.limit)
        runs: dict[int, list[dict]] = {w: [] for w in counts}
        controls = []
        for _ in range(args.repeat):
            if args.control:
                c1, c2 = ceiling(1), ceiling(2)
                controls.append({"cores_1": round(c1, 2), "cores_2": round(c2, 2), "ratio": round(c2 / c1, 2)})
                if not args.json:
                    print(f"{name:12s} control: 1 busy process gets {c1:.2f} cores, 2 get {c2:.2f} "
                          f"(the most any 2-process program could gain now: x{c2 / c1:.2f}; "
                          f"load {os.getloadavg()[0]:.2f})", flush=True)
            for w in counts:
                r = measure(items, w, args.store, lexicon)
                runs[w].append(r)
                if not args.json:
                    print(f"{name:12s} workers={w} {r['docs']} docs {r['wall_s']:7.2f} s {r['docs_per_s']:7.1f} docs/s "
                          f"cpu {r['cpu_ms_per_doc']:.2f} ms/doc = parent {r['cpu_parent_ms_per_doc']:.2f} + workers "
                          f"{r['cpu_workers_ms_per_doc']:.2f} (pre-pass {r['learn_s']:.2f} s; "
                          f"load {r['load_1min_before']} -> {r['load_1min_after']})", flush=True)
        best = {w: max(rs, key=lambda r: r["docs_per_s"]) for w, rs in runs.items()}
        median = {w: statistics.median(r["docs_per_s"] for r in rs) for w, rs in runs.items()}
        entry = {"runs": runs, "controls": controls, "best_docs_per_s": {w: best[w]["docs_per_s"] for w in counts},
                 "median_docs_per_s": median}
        if 1 in runs:
            cpu1 = statistics.median(r["cpu_ms_per_doc"] for r in runs[1])
            entry["ratio_best"] = {w: round(best[w]["docs_per_s"] / best[1]["docs_per_s"], 2) for w in counts if w != 1}
            entry["ratio_median"] = {w: round(median[w] / median[1], 2) for w in counts if w != 1}
            entry["cpu_bound"] = {w: round(w * cpu1 / statistics.median(r["cpu_ms_per_doc"] for r in runs[w]), 2)
                                  for w in counts if w != 1}
            if not args.json:
                print(f"{name:12s} ratio vs 1 worker: best {entry['ratio_best']}, median {entry['ratio_median']}; "
                      f"bound from CPU per document (N x cpu(1) / cpu(N)): {entry['cpu_bound']}", flush=True)
        out["corpora"][name] = entry
    if args.json:
        print(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
