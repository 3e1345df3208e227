"""Throughput of the local and Ray engines, 1 and 2 workers each, with their exports compared (issue 11 item 4).

    python bench/ray_speed.py [--corpus seeds,almayadeen] [--configs local:1,local:2,ray:1,ray:2]
                              [--repeat 1] [--limit N] [--json]
    python bench/ray_speed.py --link [--corpus almayadeen] [--configs local:1,ray:1,ray:2] [--embeddings]

The records of the corpora (by default the five seeds and the 796 Al Mayadeen articles, read
together) are read into memory first (reading is not measured). Each configuration then runs as
`rasd run` does, on a fresh SQLite store: the pre-pass (`learn_site_state`, with the same number
of local worker processes; timed apart), `run` of the engine (clean + extract + the store's
writes: the docs/s figure), then linking (the local linker, without sentence embeddings; timed
apart). The documents and events exported from each store (`rasd export documents|events`, JSON
Lines, sorted) must be identical across configurations, or the script exits 1.

Ray is started once, with 2 CPUs, before the first Ray configuration, and that start is not
measured (`rasd run --engine ray` pays it once per run: see `ray_init_s`); the actors' start
(unpickling and warming up the stages) is part of each Ray run and is also shown apart
(`actors_s`). The machine may be shared: the 1-minute load average is printed before and after
each run, and configurations alternate when `--repeat` > 1. CPU seconds per document of the
whole session (`session_cpu`) are shown too: they do not depend on the load, and
2 x cpu(1 worker) / cpu(2 workers) is the speed-up two free cores would allow.

`--link` measures linking alone: the records are cleaned and extracted once (local engine, not
measured) into a store, and each configuration links a fresh copy of it (`link_pending`, as
`rasd run` links after extraction; sentence embeddings only with `--embeddings`): `local` is the
local linker, `ray:N` the same Linker with `RayLinkPlanner(workers=N)` (near duplicates by the
band-key shuffle, fusion in N actors partitioned by event type). Every link table (write times
left out) and the exports must be identical across configurations, or the script exits 1.
"""
from __future__ import annotations

import argparse
import json
import os
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
from rasd.link.stage import Linker, member_from_row  # noqa: E402
from rasd.store.export import sorted_exports  # noqa: E402
from rasd.store.links import link_pending, link_table_rows  # noqa: E402
from rasd.store.sqlite import SqliteStore  # noqa: E402

SHARED = ROOT.parent / "shared" if (ROOT.parent / "shared").is_dir() else Path("/work/shared")
CORPORA = {
    "seeds": SHARED / "seeds",
    "almayadeen": SHARED / "data" / "almayadeen-syria-articles",
    "multisource": SHARED / "data" / "arabic-conflict-news-multisource" / "articles.jsonl",
}


def load(names: list[str], limit: int | None) -> list:
    paths = []
    for name in names:
        if not CORPORA[name].exists():
            raise SystemExit(f"{CORPORA[name]} absent (../shared not on this machine)")
        paths.append(str(CORPORA[name]))
    items = []
    for it in read_paths(paths, ReadOptions(ingested_at="2024-01-01T00:00:00+00:00")):
        items.append(it)
        if limit and len(items) >= limit:
            break
    return items


def session_cpu(reaped: bool = False) -> float:
    """User + system CPU seconds of the live processes of this session: this one, its forked
    workers, and the Ray processes it started (raylet, GCS, actors: `ray.init` keeps them in the
    session). The machine may be shared; CPU seconds per document do not depend on its load.
    `reaped`: also the CPU of the session's ended processes that their parents waited for (the
    Ray actors killed when linking ends, counted in their raylet's)."""
    tick = os.sysconf("SC_CLK_TCK")
    sid = os.getsid(0)
    total = 0
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            with open(f"/proc/{pid}/stat", "rb") as f:
                fields = f.read().rsplit(b")", 1)[1].split()
        except OSError:
            continue
        if int(fields[3]) == sid:   # fields after the command: state ppid pgrp session ...
            total += int(fields[11]) + int(fields[12]) + (int(fields[13]) + int(fields[14]) if reaped else 0)
    return total / tick


def measure(items: list, engine_name: str, workers: int, lexicon) -> tuple[dict, tuple[list[str], list[str]]]:
    with tempfile.TemporaryDirectory() as tmp:
        store = SqliteStore(Path(tmp) / "s.db")
        load_before = os.getloadavg()[0]
        t0 = time.perf_counter()
        state = learn_site_state(store, items, CleanOptions(), lexicon, workers=workers)
        learn_s = time.perf_counter() - t0
        clean = CleanStage(CleanOptions(), lexicon, site_boilerplate=state.boilerplate(), site_outlets=state.outlets())
        options = EngineOptions(workers=workers, engine=engine_name)
        if engine_name == "ray":
            from rasd.engine.ray import RayEngine

            engine = RayEngine(store, clean=clean, extract=ExtractStage(), options=options)
        else:
            engine = LocalEngine(store, clean=clean, extract=ExtractStage(), options=options)
        run_id = store.begin_run({}, "bench")
        records = len(items)
        cpu = [0.0, 0.0]
        ticks = [0]

        def tick(_read: int, _bytes: int) -> None:
            # one call per record written (or quarantined): sampled on the first (the workers or
            # actors have started and loaded their models) and on the last, while the workers live
            ticks[0] += 1
            if ticks[0] == 1:
                cpu[0] = session_cpu()
            if ticks[0] == records:
                cpu[1] = session_cpu()

        engine.progress = tick
        t0 = time.perf_counter()
        report = engine.run(items, run_id)
        wall = time.perf_counter() - t0
        load_after = os.getloadavg()[0]
        t0 = time.perf_counter()
        link_pending(store, Linker(), member_from_row)
        link_s = time.perf_counter() - t0
        exports = sorted_exports(store)
        store.close()
    docs = sum(isinstance(it.result, Document) for it in items)
    actors_s = getattr(engine, "start_s", 0.0)
    return {"engine": engine_name, "workers": workers, "docs": docs, "wall_s": round(wall, 2),
            "docs_per_s": round(docs / wall, 1),
            "docs_per_s_after_start": round(docs / (wall - actors_s), 1) if actors_s else round(docs / wall, 1),
            "actors_s": round(actors_s, 2),
            # CPU of the whole session per record from the first record written to the last (workers,
            # Ray's own processes; not the actors' start): N x cpu(1) / cpu(N) bounds the speed-up
            "cpu_ms_per_doc": round(1000 * (cpu[1] - cpu[0]) / max(records - 1, 1), 2),
            # seconds the documents spent in clean + extract, summed over the workers (timed where
            # they ran): against wall_s x workers it says whether the workers were busy or waiting
            "stage_ms_per_doc": round(1000 * (report.timings_s.get("clean", 0) + report.timings_s.get("extract", 0)) / docs, 2),
            "store_s": round(report.timings_s.get("store", 0), 2), "learn_s": round(learn_s, 2), "link_s": round(link_s, 2),
            "written": report.documents_written, "quarantined": dict(report.quarantined),
            "events": report.counters.get("extract", {}).get("events", 0),
            "load_1min_before": round(load_before, 2), "load_1min_after": round(load_after, 2)}, exports


def measure_link(base: Path, engine_name: str, workers: int, embed) -> tuple[dict, tuple]:
    """Link a copy of the extracted store at `base` with the local linker or its Ray planner."""
    import shutil

    with tempfile.TemporaryDirectory() as tmp:
        shutil.copy(base, Path(tmp) / "s.db")
        store = SqliteStore(Path(tmp) / "s.db")
        planner = None
        if engine_name == "ray":
            from rasd.engine.ray_link import RayLinkPlanner

            planner = RayLinkPlanner(workers=workers)
        load_before = os.getloadavg()[0]
        cpu0, t0 = session_cpu(reaped=True), time.perf_counter()
        result = link_pending(store, Linker(embed=embed, planner=planner), member_from_row)
        wall = time.perf_counter() - t0
        cpu = session_cpu(reaped=True) - cpu0
        load_after = os.getloadavg()[0]
        same = (link_table_rows(store), sorted_exports(store), result.counters)
        store.close()
    r = {"engine": engine_name, "workers": workers, "link_s": round(wall, 2), "session_cpu_s": round(cpu, 2),
         "counters": result.counters, "load_1min_before": round(load_before, 2), "load_1min_after": round(load_after, 2)}
    if planner is not None:
        r["planner_s"] = {k: round(v, 2) for k, v in planner.timings.items()}
    return r, same


def main_link(args, configs: list[tuple[str, int]], items: list) -> None:
    """`--link`: extract once, then link a copy of the store per configuration."""
    out: dict = {"cpus": os.cpu_count(), "corpus": args.corpus, "records": len(items), "runs": []}
    embed = None
    if args.embeddings:
        from rasd.link.embed import load_embedder

        embed = load_embedder()
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp) / "extracted.db"
        store = SqliteStore(base)
        lexicon = load_lexicon(())
        state = learn_site_state(store, items, CleanOptions(), lexicon)
        clean = CleanStage(CleanOptions(), lexicon, site_boilerplate=state.boilerplate(), site_outlets=state.outlets())
        t0 = time.perf_counter()
        LocalEngine(store, clean=clean, extract=ExtractStage(), options=EngineOptions()).run(items, store.begin_run({}, "bench"))
        store.close()
        out["extract_s"] = round(time.perf_counter() - t0, 2)
        start_ray(configs, out)
        if not args.json:
            print(f"extracted {len(items)} records in {out['extract_s']} s; ray.init {out.get('ray_init_s', '-')} s "
                  f"(neither counted below)", flush=True)
        reference, same = None, True
        for _ in range(args.repeat):
            for engine_name, workers in configs:
                r, result = measure_link(base, engine_name, workers, embed)
                reference = reference or result
                r["identical"] = result == reference
                same &= r["identical"]
                out["runs"].append(r)
                if not args.json:
                    print(f"{engine_name:5s} workers={workers} link {r['link_s']:6.2f} s, session CPU {r['session_cpu_s']:6.2f} s"
                          f"{' ' + str(r['planner_s']) if 'planner_s' in r else ''}; {r['counters']}; "
                          f"link tables and exports identical to the first: {r['identical']} "
                          f"(load {r['load_1min_before']} -> {r['load_1min_after']})", flush=True)
    times: dict = {}
    for r in out["runs"]:
        times.setdefault(f"{r['engine']}:{r['workers']}", []).append(r["link_s"])
    out["best_link_s"] = {k: min(v) for k, v in times.items()}
    out["identical"] = same
    if args.json:
        print(json.dumps(out, indent=1))
    else:
        print(f"best link seconds {out['best_link_s']}; identical across configurations: {same}", flush=True)
    sys.exit(0 if same else 1)


def start_ray(configs: list[tuple[str, int]], out: dict) -> None:
    """Start Ray once, with as many CPUs as the largest Ray configuration, when any is asked for
    (its start is timed into `out["ray_init_s"]`, not counted in the runs)."""
    if not any(e == "ray" for e, _ in configs):
        return
    import logging

    import ray

    t0 = time.perf_counter()
    ray.init(num_cpus=max(w for e, w in configs if e == "ray"), include_dashboard=False,
             logging_level=logging.ERROR, log_to_driver=False)
    out["ray_init_s"] = round(time.perf_counter() - t0, 2)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--corpus", default="seeds,almayadeen")
    ap.add_argument("--configs", default="local:1,local:2,ray:1,ray:2", help="engine:workers, comma-separated")
    ap.add_argument("--repeat", type=int, default=1)
    ap.add_argument("--limit", type=int, default=None, help="first N records")
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--link", action="store_true", help="measure linking alone (local linker against its Ray planner)")
    ap.add_argument("--embeddings", action="store_true", help="--link: with the sentence encoder")
    args = ap.parse_args()
    if args.link and args.configs == ap.get_default("configs"):
        args.configs = "local:1,ray:1,ray:2"
    configs = [(c.split(":")[0], int(c.split(":")[1])) for c in args.configs.split(",")]
    items = load(args.corpus.split(","), args.limit)
    if args.link:
        main_link(args, configs, items)
        return
    lexicon = load_lexicon(())
    out: dict = {"cpus": os.cpu_count(), "corpus": args.corpus, "records": len(items), "runs": []}
    start_ray(configs, out)
    if "ray_init_s" in out and not args.json:
        print(f"ray.init(num_cpus=...) {out['ray_init_s']} s (not counted below)", flush=True)
    reference = None
    same = True
    for _ in range(args.repeat):
        for engine_name, workers in configs:
            r, exports = measure(items, engine_name, workers, lexicon)
            if reference is None:
                reference = exports
            r["exports_identical"] = exports == reference
            same &= r["exports_identical"]
            out["runs"].append(r)
            if not args.json:
                extra = f" ({r['docs_per_s_after_start']:.1f} after the actors' {r['actors_s']:.1f} s start)" \
                    if engine_name == "ray" else ""
                print(f"{engine_name:5s} workers={workers} {r['docs']} docs {r['wall_s']:7.2f} s "
                      f"{r['docs_per_s']:6.1f} docs/s{extra}; clean + extract {r['stage_ms_per_doc']:.1f} ms/doc where they ran, "
                      f"store {r['store_s']:.1f} s, CPU {r['cpu_ms_per_doc']:.1f} ms/doc; pre-pass {r['learn_s']:.1f} s, link {r['link_s']:.1f} s; "
                      f"{len(exports[0])} documents, {len(exports[1])} events exported, "
                      f"identical to the first: {r['exports_identical']} "
                      f"(load {r['load_1min_before']} -> {r['load_1min_after']})", flush=True)
    best: dict = {}
    for r in out["runs"]:
        key = f"{r['engine']}:{r['workers']}"
        best.setdefault(key, []).append(r["docs_per_s"])
    out["median_docs_per_s"] = {k: statistics.median(v) for k, v in best.items()}
    out["best_docs_per_s"] = {k: max(v) for k, v in best.items()}
    ratios = {}
    for e in ("local", "ray"):
        if f"{e}:1" in best and f"{e}:2" in best:
            ratios[e] = round(out["best_docs_per_s"][f"{e}:2"] / out["best_docs_per_s"][f"{e}:1"], 2)
    out["ratio_2_vs_1_best"] = ratios
    cpu: dict = {}
    for r in out["runs"]:
        cpu.setdefault(f"{r['engine']}:{r['workers']}", []).append(r["cpu_ms_per_doc"])
    out["median_cpu_ms_per_doc"] = {k: statistics.median(v) for k, v in cpu.items()}
    out["cpu_bound_2_vs_1"] = {e: round(2 * out["median_cpu_ms_per_doc"][f"{e}:1"] / out["median_cpu_ms_per_doc"][f"{e}:2"], 2)
                               for e in ("local", "ray") if f"{e}:1" in cpu and f"{e}:2" in cpu}
    out["exports_identical"] = same
    if args.json:
        print(json.dumps(out, indent=1))
    else:
        print(f"best docs/s {out['best_docs_per_s']}; 2 workers / 1 worker: {ratios}; CPU ms/doc (median) "
              f"{out['median_cpu_ms_per_doc']}, bound on two free cores 2 x cpu(1) / cpu(2): {out['cpu_bound_2_vs_1']}; "
              f"exports identical across configurations: {same}", flush=True)
    sys.exit(0 if same else 1)


if __name__ == "__main__":
    main()
