"""End to end at scale (issue 11 item 6): `rasd run` over the real corpora replicated to N documents,
for the local and Ray engines with 1 and 2 workers, on SQLite and PostgreSQL.

    python bench/e2e_scale.py --docs 100000 [--configs local:1,local:2,ray:1,ray:2]
                              [--backends sqlite,postgres] [--same-dates] [--no-compare]
                              [--corpus-dir DIR] [--out results.jsonl] [--keep-stores DIR]

**The corpus.** The 796 Al Mayadeen articles and the 7,421 multi-source articles (`../shared/data`),
copied until there are `--docs` records (written once as two JSON Lines files under
`--corpus-dir`, reused when there). Copy 0 is the originals. Copy r >= 1 of article i is a new
page of the same outlet: the first half of article i's paragraphs (sentences where it has one
paragraph) followed by the second half of article j's (j drawn by a permutation seeded with r),
under i's title, at a URL of its own on i's host. Two copies of one article share about a third
of their text (estimated Jaccard well under the linker's 0.8), so they are neither exact nor near
duplicates and each is cleaned, extracted and linked as a page of its own; a corpus of exact
copies would be decided by the duplicate check and measure little. Copy r's publication date is
moved r spans of its corpus back (Al Mayadeen 2023-01..2024-08, multi-source 2012..2018), so the
pages per day stay those of the real corpora and the store grows in time, as an archive does
(`--same-dates` keeps every copy's date: then the pages per day grow with the copies, as in one
dense crawl of one period). Dates written in the text are not moved.

**A run.** Each configuration runs `python -m rasd.cli run DIR --db DB -q --workers N [--engine
ray]` in a child on a fresh store (a SQLite file, or a fresh database of a throwaway PostgreSQL
cluster started for the bench: fsync off, as the tests'), exactly what a user types, linking with
the sentence encoder included (embeddings "auto"). Reported per run: wall seconds, docs/s, the
run's own time line (from the store's run record: setup, learn boilerplate, read, clean, extract,
store, link, search index), CPU seconds of the run's processes (user + system of the child and
everything it waited for: forked workers; Ray's processes are counted where their raylet reaped
them), the peak RSS of the largest of those processes, the store's size on disk, the documents,
events and quarantined records, and the 1-minute load average before and after (the machine may
be shared: CPU per document does not depend on the load). Results are appended to `--out` (JSON
Lines) as each run ends, so a long sweep keeps what it measured.

**Same results.** Unless `--no-compare`, each store's documents and events are exported (`rasd
export documents|events`, lines sorted) and hashed; runs that differ from the first are flagged and
the script exits 1.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import re
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
SHARED = ROOT.parent / "shared" if (ROOT.parent / "shared").is_dir() else Path("/work/shared")
RASD = [sys.executable, "-m", "rasd.cli"]

#: corpus name -> (JSON Lines file, text field, date fields, id field or None)
CORPORA = {
    "almayadeen": (SHARED / "data" / "almayadeen-syria-articles" / "almayadeen_syria_2023-01_2024-08.jsonl",
                   "full_text", ("published_time", "last_updated"), "postId"),
    "multisource": (SHARED / "data" / "arabic-conflict-news-multisource" / "articles.jsonl",
                    "text", ("date", "date_raw"), "id"),
}

_SENTENCE_END = re.compile(r"(?<=[.!؟?])\s+")


def _units(text: str) -> list[str]:
    """A text's paragraphs, or its sentences when it is one paragraph."""
    paras = [p for p in text.split("\n") if p.strip()]
    if len(paras) >= 2:
        return paras
    return [s for s in _SENTENCE_END.split(text) if s.strip()] or [text]


def _parse_date(value) -> datetime | None:
    if not isinstance(value, str) or len(value) < 10:
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None


def _shift(value, days: int):
    """An ISO date or timestamp moved `days` back, in the same form; anything else unchanged."""
    d = _parse_date(value)
    if d is None or days == 0:
        return value
    moved = d - timedelta(days=days)
    if len(value) == 10:
        return moved.date().isoformat()
    return moved.isoformat()


def _moved_url(url, copy: int):
    """The URL of copy `copy`: the same host, a path of its own."""
    if not isinstance(url, str) or "://" not in url:
        return url
    scheme, rest = url.split("://", 1)
    host, _, path = rest.partition("/")
    return f"{scheme}://{host}/copy{copy}/{path}"


def corpus_records(name: str) -> list[dict]:
    path = CORPORA[name][0]
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def make_copy(records: list[dict], name: str, copy: int, spread: bool) -> list[dict]:
    """Copy `copy` of one corpus (0: the records as they are)."""
    if copy == 0:
        return records
    _, text_field, date_fields, id_field = CORPORA[name]
    rng = random.Random(f"{name}:{copy}")
    order = list(range(len(records)))
    rng.shuffle(order)
    partner = {i: order[(k + 1) % len(order)] for k, i in enumerate(order)}   # a cycle: never i itself
    days = 0
    if spread:
        dates = [d.date() for r in records if (d := _parse_date(r.get(date_fields[0]))) is not None]
        span = (max(dates) - min(dates)).days + 1 if dates else 365
        days = copy * span
    out = []
    for i, rec in enumerate(records):
        mine = _units(rec.get(text_field) or "")
        theirs = _units(records[partner[i]].get(text_field) or "")
        text = "\n".join(mine[:(len(mine) + 1) // 2] + theirs[len(theirs) // 2:] or theirs[-1:])
        new = dict(rec)
        new[text_field] = text
        new["url"] = _moved_url(rec.get("url"), copy)
        if id_field and rec.get(id_field) is not None:
            new[id_field] = f"{rec[id_field]}:copy{copy}"
        main_date = _shift(rec.get(date_fields[0]), days)
        for field in date_fields:
            if field in new:
                # a field in another form (an RFC 822 date) takes the moved main date
                new[field] = _shift(new[field], days) if _parse_date(new[field]) else main_date
        out.append(new)
    return out


def build_corpus(folder: Path, n_docs: int, spread: bool) -> dict:
    """Write the replicated corpus (two JSON Lines files) into `folder`; its record counts."""
    folder.mkdir(parents=True, exist_ok=True)
    names = [n for n in CORPORA if CORPORA[n][0].exists()]
    if not names:
        raise SystemExit("the corpora of ../shared/data are absent: nothing to replicate")
    originals = {n: corpus_records(n) for n in names}
    total = sum(len(v) for v in originals.values())
    counts = {n: 0 for n in names}
    files = {n: open(folder / f"{n}.jsonl", "w", encoding="utf-8") for n in names}
    try:
        written, copy = 0, 0
        while written < n_docs:
            room = n_docs - written
            for n in names:
                # the last copy is cut in proportion, so the two corpora keep their shares
                take = len(originals[n]) if room >= total else round(room * len(originals[n]) / total)
                for rec in make_copy(originals[n], n, copy, spread)[:take]:
                    files[n].write(json.dumps(rec, ensure_ascii=False) + "\n")
                counts[n] += take
                written += take
            copy += 1
            if room < total:
                break
    finally:
        for f in files.values():
            f.close()
    info = {"docs": sum(counts.values()), "records": counts, "copies": copy, "spread_dates": spread,
            "bytes": sum((folder / f"{n}.jsonl").stat().st_size for n in names)}
    (folder / "corpus.json").write_text(json.dumps(info))
    return info


#: Runs a command and prints, as JSON on stderr's last line, the CPU seconds and peak RSS of every
#: process it waited for (the command, its forked workers, whatever they reaped).
_WRAP = ("import json,resource,subprocess,sys\n"
         "r=subprocess.run(sys.argv[1:])\n"
         "u=resource.getrusage(resource.RUSAGE_CHILDREN)\n"
         "print('RUSAGE '+json.dumps({'rc':r.returncode,'cpu_s':u.ru_utime+u.ru_stime,'maxrss_mb':u.ru_maxrss/1024}),"
         "file=sys.stderr)\n")


def _store_size(db: str) -> int:
    if db.startswith("postgresql://"):
        import psycopg

        with psycopg.connect(db) as c:
            return c.execute("SELECT pg_database_size(current_database())").fetchone()[0]
    return sum(p.stat().st_size for p in Path(db).parent.glob(Path(db).name + "*"))


def _last_run(db: str) -> dict:
    from rasd.store import open_store

    store = open_store(db)
    try:
        return store.list_runs()[-1]
    finally:
        store.close()


def _exports(db: str) -> dict:
    out = {}
    for what in ("documents", "events"):
        e = subprocess.run(RASD + ["export", what, "--db", db], capture_output=True, text=True, check=True)
        lines = sorted(e.stdout.splitlines())
        out[what] = {"lines": len(lines), "sha256": hashlib.sha256("\n".join(lines).encode()).hexdigest()[:16]}
    return out


def run_one(corpus: Path, db: str, engine: str, workers: int, compare: bool) -> dict:
    cmd = RASD + ["run", str(corpus), "--db", db, "-q", "--workers", str(workers)]
    if engine == "ray":
        cmd += ["--engine", "ray"]
    load_before = os.getloadavg()[0]
    t = time.perf_counter()
    p = subprocess.run([sys.executable, "-c", _WRAP, *cmd], capture_output=True, text=True)
    wall = time.perf_counter() - t
    load_after = os.getloadavg()[0]
    usage = json.loads(p.stderr.rsplit("RUSAGE ", 1)[1]) if "RUSAGE " in p.stderr else {}
    if usage.get("rc") not in (0, 3):
        raise SystemExit(f"rasd run failed ({usage.get('rc')}): {p.stderr[-2000:]}")
    run = _last_run(db)
    counts = run["counts"] or {}
    docs = counts.get("documents_written", 0)
    out = {"engine": engine, "workers": workers, "backend": "postgres" if db.startswith("postgresql") else "sqlite",
           "records": counts.get("records"), "documents": docs,
           "quarantined": sum((counts.get("quarantined") or {}).values()),
           "wall_s": round(wall, 1), "docs_per_s": round(docs / wall, 1) if wall else None,
           "timings_s": counts.get("timings_s"), "cpu_s": round(usage.get("cpu_s", 0), 1),
           "cpu_ms_per_doc": round(1000 * usage.get("cpu_s", 0) / docs, 2) if docs else None,
           "peak_rss_mb": round(usage.get("maxrss_mb", 0)), "store_mb": round(_store_size(db) / 2**20),
           "link": {k: v for k, v in (counts.get("link") or {}).items() if isinstance(v, (int, float))},
           "load_1min": [round(load_before, 2), round(load_after, 2)]}
    if compare:
        t = time.perf_counter()
        out["exports"] = _exports(db)
        out["export_s"] = round(time.perf_counter() - t, 1)
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--docs", type=int, default=100_000)
    ap.add_argument("--configs", default="local:1,local:2,ray:1,ray:2")
    ap.add_argument("--backends", default="sqlite,postgres")
    ap.add_argument("--same-dates", action="store_true", help="keep every copy's publication date")
    ap.add_argument("--no-compare", action="store_true", help="do not export and compare the stores")
    ap.add_argument("--corpus-dir", help="where the replicated corpus is written (reused when there)")
    ap.add_argument("--keep-stores", help="keep the stores in this folder (SQLite files)")
    ap.add_argument("--pg", help="an existing, empty PostgreSQL database for the postgres backend (one "
                                 "configuration; kept afterwards, e.g. for bench/api_latency.py --db)")
    ap.add_argument("--out", help="append each run's result to this JSON Lines file")
    args = ap.parse_args()

    tmp = tempfile.TemporaryDirectory(prefix="rasd-e2e-")
    corpus = Path(args.corpus_dir or Path(tmp.name) / "corpus")
    info_path = corpus / "corpus.json"
    info = json.loads(info_path.read_text()) if info_path.exists() else None
    if info is None or info["docs"] != args.docs or info["spread_dates"] == args.same_dates:
        t = time.perf_counter()
        info = build_corpus(corpus, args.docs, spread=not args.same_dates)
        print(f"corpus: {info['docs']} records, {info['bytes'] / 2**20:.0f} MB, {info['copies']} copies "
              f"({time.perf_counter() - t:.0f} s, not measured)", flush=True)
    stores = Path(args.keep_stores) if args.keep_stores else Path(tmp.name)
    stores.mkdir(parents=True, exist_ok=True)
    cluster = None
    results = []
    first_exports = None
    failed = False
    try:
        for backend in args.backends.split(","):
            if backend == "postgres" and cluster is None and not args.pg:
                sys.path.insert(0, str(ROOT))
                from tests.pg_cluster import PgCluster, find_problem

                problem = find_problem()
                if problem:
                    print(f"postgres: skipped ({problem})", flush=True)
                    continue
                cluster = PgCluster()
            for config in args.configs.split(","):
                engine, workers = config.split(":")
                label = f"{backend} {engine}:{workers}"
                if backend == "postgres":
                    db = args.pg or cluster.database("e2e")
                else:
                    db = str(stores / f"e2e_{args.docs}_{engine}{workers}.db")
                if backend == "sqlite" and Path(db).exists():
                    for p in Path(db).parent.glob(Path(db).name + "*"):
                        p.unlink()
                r = run_one(corpus, db, engine, int(workers), not args.no_compare)
                r["corpus"] = info
                if "exports" in r:
                    first_exports = first_exports or r["exports"]
                    r["same_exports_as_first"] = r["exports"] == first_exports
                    failed |= not r["same_exports_as_first"]
                results.append(r)
                if args.out:
                    with open(args.out, "a", encoding="utf-8") as f:
                        f.write(json.dumps(r, ensure_ascii=False) + "\n")
                tl = r["timings_s"] or {}
                print(f"{label}: {r['documents']} docs in {r['wall_s']} s = {r['docs_per_s']} docs/s, "
                      f"CPU {r['cpu_ms_per_doc']} ms/doc, peak RSS {r['peak_rss_mb']} MB, store {r['store_mb']} MB, "
                      f"extract {tl.get('extract')} store {tl.get('store')} link {tl.get('link')} "
                      f"load {r['load_1min']}" + ("" if r.get("same_exports_as_first", True) else "  EXPORTS DIFFER"),
                      flush=True)
                if backend == "postgres" and cluster is not None and not args.keep_stores:
                    cluster.drop_database(db)
    finally:
        if cluster is not None:
            cluster.stop()
        tmp.cleanup()
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
