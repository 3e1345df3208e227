"""SQLite vs PostgreSQL on the same inputs: the load time of `rasd run` on each, and whether the
exports (documents, events; lines sorted) are byte-identical.

    python bench/postgres_compare.py ../shared/seeds ../shared/data/almayadeen-syria-articles
    python bench/postgres_compare.py --pg postgresql://user@host/db INPUT...   # an existing, empty database
    python bench/postgres_compare.py --command ingest INPUT...   # read + clean + store only

Without --pg a throwaway cluster is started (tests/pg_cluster.py: needs the PostgreSQL server
binaries and psycopg). Prints one JSON object: per backend the run's wall time and the exports'
line counts and sha256, and `identical` per export. Exit code 1 when an export differs.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RASD = [sys.executable, "-m", "rasd.cli"]


def run_and_export(inputs: list[str], db: str, command: str = "run") -> dict:
    """`rasd COMMAND INPUTS --db DB -q` timed, then both exports sorted; their counts and hashes."""
    t = time.perf_counter()
    r = subprocess.run(RASD + [command, *inputs, "--db", db, "-q"], capture_output=True, text=True)
    wall = time.perf_counter() - t
    if r.returncode not in (0, 3):
        raise SystemExit(f"rasd run failed on {db}: {r.stderr.strip()}")
    out: dict = {"run_s": round(wall, 1)}
    for what in ("documents", "events"):
        e = subprocess.run(RASD + ["export", what, "--db", db], capture_output=True, text=True, check=True)
        lines = sorted(e.stdout.splitlines())
        out[what] = {"lines": len(lines), "sha256": hashlib.sha256("\n".join(lines).encode()).hexdigest()}
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("inputs", nargs="+", help="files or folders for rasd run")
    ap.add_argument("--pg", help="an existing, empty PostgreSQL database (default: a throwaway cluster)")
    ap.add_argument("--command", default="run", choices=("run", "ingest"),
                    help="run (the whole pipeline, default) or ingest (read, clean, store: the store's share is larger)")
    args = ap.parse_args()
    cluster = None
    pg = args.pg
    if pg is None:
        sys.path.insert(0, str(ROOT))
        from tests.pg_cluster import PgCluster, find_problem

        problem = find_problem()
        if problem:
            raise SystemExit(f"cannot start PostgreSQL: {problem}")
        cluster = PgCluster()
        pg = cluster.database("bench")
    try:
        with tempfile.TemporaryDirectory() as tmp:
            res = {"inputs": args.inputs, "command": args.command,
                   "sqlite": run_and_export(args.inputs, str(Path(tmp) / "bench.db"), args.command),
                   "postgresql": run_and_export(args.inputs, pg, args.command)}
    finally:
        if cluster is not None:
            cluster.stop()
    res["identical"] = {w: res["sqlite"][w] == res["postgresql"][w] for w in ("documents", "events")}
    print(json.dumps(res, indent=1))
    return 0 if all(res["identical"].values()) else 1


if __name__ == "__main__":
    sys.exit(main())
