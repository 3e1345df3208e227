"""Run the crash test (tests/store/test_store_crash.py) N times in a row under a parallel load.

The load: one CPU-bound loop per core and a SQLite writer committing in a loop (fsyncs), each a
separate process, started before the first run and stopped after the last. Prints each failed
run's output and the pass count; exits 1 if any run failed.

    python bench/crash_under_load.py --runs 20
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

SPIN = "while True: pass"
WRITER = """
import os, sqlite3, tempfile
c = sqlite3.connect(os.path.join(tempfile.mkdtemp(), 'load.db'))
c.execute('CREATE TABLE t (x)')
while True:
    c.executemany('INSERT INTO t VALUES (?)', [(os.urandom(64),)] * 500)
    c.commit()
    c.execute('DELETE FROM t')
    c.commit()
"""


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=20)
    ap.add_argument("--test", default="tests/store/test_store_crash.py")
    args = ap.parse_args()
    load = [subprocess.Popen([sys.executable, "-c", SPIN]) for _ in range(os.cpu_count() or 2)]
    load.append(subprocess.Popen([sys.executable, "-c", WRITER]))
    passed = 0
    started = time.monotonic()
    try:
        for i in range(1, args.runs + 1):
            r = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", args.test],
                               cwd=ROOT, capture_output=True, text=True)
            if r.returncode == 0:
                passed += 1
            else:
                print(f"run {i} failed:\n{r.stdout[-3000:]}{r.stderr[-2000:]}")
            print(f"run {i}: {'pass' if r.returncode == 0 else 'FAIL'}", flush=True)
        load1 = os.getloadavg()[0]
    finally:
        for p in load:
            p.kill()
            p.wait()
    print(f"{passed} of {args.runs} runs passed in {time.monotonic() - started:.0f} s "
          f"under {len(load)} load processes on {os.cpu_count()} cores (1-minute load average {load1:.1f})")
    return 0 if passed == args.runs else 1


if __name__ == "__main__":
    sys.exit(main())
