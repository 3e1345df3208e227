"""Ingest + clean + store throughput and peak memory on the Al Mayadeen corpus (one core).

    python bench/ingest_bench.py [--corpus FILE] [--sizes 1,2,4] [--json]

For each size k the corpus is written k times into one JSON Lines file (each copy's URLs made
unique, so every record is really processed), then `rasd ingest` runs on it in a fresh
process pinned to one core (taskset when available). Reports docs/s, MB/s and the child's peak
RSS; peak RSS that stays flat as k grows shows the run streams. The peer is the floor any
ingester pays: `json.loads` of each line plus an SQLite insert of its text, in the same run.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / ".." / "shared" / "data" / "almayadeen-syria-articles" / "almayadeen_syria_2023-01_2024-08.jsonl"


def make_corpus(src: Path, k: int, dst: Path) -> tuple[int, int]:
    """Write `k` copies of `src` with unique URLs; return (records, bytes)."""
    n = 0
    with open(src, encoding="utf-8") as f:
        lines = [json.loads(l) for l in f if l.strip()]
    with open(dst, "w", encoding="utf-8") as out:
        for i in range(k):
            for rec in lines:
                r = dict(rec)
                if i:
                    r["url"] = f"{rec.get('url')}?copy={i}"
                    r["full_text"] = rec.get("full_text", "") + f"\n(نسخة {i})"
                out.write(json.dumps(r, ensure_ascii=False) + "\n")
                n += 1
    return n, dst.stat().st_size


def run_child(cmd: list[str]) -> tuple[float, float, int]:
    """Run `cmd`, return (seconds, peak RSS MB of the child, exit code)."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)   # this child's own rusage, not all children's
    dt = time.perf_counter() - t0
    proc.returncode = os.waitstatus_to_exitcode(status)
    return dt, usage.ru_maxrss / 1024.0, proc.returncode


def peer(corpus: Path, db: Path) -> float:
    """The floor: parse each line and insert its text into SQLite, nothing else."""
    t0 = time.perf_counter()
    con = sqlite3.connect(db)
    con.execute("create table t (url text, text text)")
    with open(corpus, encoding="utf-8") as f:
        for line in f:
            r = json.loads(line)
            con.execute("insert into t values (?, ?)", (r.get("url"), r.get("full_text")))
    con.commit()
    con.close()
    return time.perf_counter() - t0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", default=str(CORPUS))
    ap.add_argument("--sizes", default="1,2,4")
    ap.add_argument("--json", action="store_true")
    a = ap.parse_args()
    src = Path(a.corpus)
    if not src.exists():
        print(f"skip: corpus not found at {src}")
        return 0
    rasd = shutil.which("rasd") or str(Path(sys.executable).parent / "rasd")
    pin = ["taskset", "-c", "0"] if shutil.which("taskset") else []
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for k in [int(x) for x in a.sizes.split(",")]:
            corpus = Path(tmp) / f"corpus{k}.jsonl"
            n, size = make_corpus(src, k, corpus)
            db = Path(tmp) / f"bench{k}.db"
            dt, rss, rc = run_child(pin + [rasd, "ingest", str(corpus), "--db", str(db), "--quiet"])
            peer_s = peer(corpus, Path(tmp) / f"peer{k}.db")
            rows.append({"copies": k, "docs": n, "MB": round(size / 1e6, 2), "seconds": round(dt, 2),
                         "docs_per_s": round(n / dt, 1), "MB_per_s": round(size / 1e6 / dt, 2),
                         "peak_rss_MB": round(rss, 1), "exit_code": rc,
                         "peer_docs_per_s": round(n / peer_s, 1), "ratio_vs_peer": round(peer_s / dt, 3)})
    if a.json:
        print(json.dumps(rows))
    else:
        print("copies  docs    MB   seconds  docs/s   MB/s  peak_RSS_MB  peer_docs/s  speed_vs_peer")
        for r in rows:
            print(f"{r['copies']:>6} {r['docs']:>5} {r['MB']:>6} {r['seconds']:>8} {r['docs_per_s']:>7} "
                  f"{r['MB_per_s']:>6} {r['peak_rss_MB']:>11} {r['peer_docs_per_s']:>11} {r['ratio_vs_peer']:>13}")
        print("(one core; rasd ingest = read + clean + store; peer = json.loads + sqlite insert of the raw text)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
