"""API latency under load: a 10,000-document store, the server on loopback, 50 concurrent clients.

    python bench/api_latency.py [--docs 10000] [--clients 50] [--seconds 20] [--max-requests 20000]

Builds the store (our own Arabic sentences, varied; cached in bench/results/api_store_N.db),
starts `rasd serve` in a subprocess on a free 127.0.0.1 port, and runs a bounded closed-loop
load: each client sends its next request as soon as the previous answer is read, over
keep-alive HTTP/1.1, cycling through list, filter, detail and search URLs. Stops after
--seconds or --max-requests, whichever comes first. Prints p50/p95/p99 latency (ms), the
request rate and the error count, overall and per endpoint; target p95 < 100 ms, no errors.
Loopback only: the client refuses any host but 127.0.0.1.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "web"))

#: The target of issue 5: 95% of requests answered within this many milliseconds.
TARGET_P95_MS = 100.0

SEARCH_TERMS = ["المعارضة", "حمص", "غارات", "اعتقال", "مظاهرة", "اللاذقية", "نزوح العائلات", "أعلنت", "ميناء",
                "قوات النظام"]
TYPES = ["air_strike", "protest", "arrest", "armed_clash", "territory_control", "displacement"]


def build_store(path: Path, n: int) -> None:
    """Write n varied articles into a fresh store at `path` and index them for search."""
    from fill import bulk_articles, fill_store

    from rasd.store.search import update_search_index

    t0 = time.perf_counter()
    fill_store(path, bulk_articles(n))
    t1 = time.perf_counter()
    counts = update_search_index(str(path))
    print(f"store: {n} documents written in {t1 - t0:.1f} s, search index {counts} in "
          f"{time.perf_counter() - t1:.1f} s", flush=True)


def urls(rng: random.Random, doc_ids: list[str], event_ids: list[str]) -> list[tuple[str, str]]:
    """(endpoint name, path) pairs the clients cycle through."""
    out = []
    for i in range(400):
        off = rng.randint(0, 9000)
        out += [
            ("documents", f"/api/documents?limit=20&offset={off}"),
            ("events", f"/api/events?limit=50&offset={rng.randint(0, 5000)}"),
            ("events_type", f"/api/events?type={rng.choice(TYPES)}&limit=50"),
            ("events_gov", f"/api/events?governorate={quote(rng.choice(['حمص', 'حلب', 'Hama', 'درعا']))}&limit=50"),
            ("search", f"/api/search?q={quote(rng.choice(SEARCH_TERMS))}&limit=10"),
            ("document", f"/api/documents/{rng.choice(doc_ids)}"),
            ("event", f"/api/events/{rng.choice(event_ids)}"),
            ("timeline", "/api/timeline" + (f"?type={rng.choice(TYPES)}" if i % 2 else "")),
        ]
    rng.shuffle(out)
    return out


async def client(host: str, port: int, work: list[tuple[str, str]], start: int, stop_at: float,
                 budget: list[int], results: list[tuple[str, float, bool]]) -> None:
    """One keep-alive connection sending requests back to back until time or the shared budget runs out."""
    if host != "127.0.0.1":
        raise ValueError("the load generator only targets 127.0.0.1")
    reader, writer = await asyncio.open_connection(host, port)
    i = start
    try:
        while time.perf_counter() < stop_at and budget[0] > 0:
            budget[0] -= 1
            name, path = work[i % len(work)]
            i += 1
            t0 = time.perf_counter()
            ok = False
            try:
                writer.write(f"GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: keep-alive\r\n\r\n".encode())
                await writer.drain()
                head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 10)
                status = int(head.split(b" ", 2)[1])
                length = 0
                for line in head.split(b"\r\n"):
                    if line.lower().startswith(b"content-length:"):
                        length = int(line.split(b":", 1)[1])
                body = await asyncio.wait_for(reader.readexactly(length), 10)
                ok = status == 200 and len(body) == length
            except (OSError, asyncio.TimeoutError, asyncio.IncompleteReadError, ValueError):
                results.append((name, (time.perf_counter() - t0) * 1000, False))
                writer.close()
                reader, writer = await asyncio.open_connection(host, port)
                continue
            results.append((name, (time.perf_counter() - t0) * 1000, ok))
    finally:
        writer.close()


def pct(values: list[float], p: float) -> float:
    """The p-th percentile (nearest rank)."""
    if not values:
        return float("nan")
    s = sorted(values)
    return s[min(len(s) - 1, max(0, int(round(p / 100 * len(s) + 0.5)) - 1))]


def wait_port(port: int, proc: subprocess.Popen, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode}")
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise RuntimeError("server did not start")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--docs", type=int, default=10_000)
    ap.add_argument("--clients", type=int, default=50)
    ap.add_argument("--seconds", type=float, default=20.0)
    ap.add_argument("--max-requests", type=int, default=20_000)
    ap.add_argument("--db", default=None, help="Use this store instead of building one.")
    ap.add_argument("--json", action="store_true", help="Print the summary as JSON.")
    args = ap.parse_args()

    db = Path(args.db) if args.db else ROOT / "bench" / "results" / f"api_store_{args.docs}.db"
    if not db.exists():
        db.parent.mkdir(parents=True, exist_ok=True)
        build_store(db, args.docs)
    import sqlite3

    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    doc_ids = [r[0] for r in con.execute("SELECT id FROM documents ORDER BY random() LIMIT 500")]
    event_ids = [r[0] for r in con.execute("SELECT id FROM events ORDER BY random() LIMIT 500")]
    n_docs, n_events = con.execute("SELECT (SELECT count(*) FROM documents), (SELECT count(*) FROM events)").fetchone()
    con.close()

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen([sys.executable, "-m", "rasd.cli", "serve", "--db", str(db), "--port", str(port)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        wait_port(port, proc)
        work = urls(random.Random(1), doc_ids, event_ids)
        results: list[tuple[str, float, bool]] = []

        async def run() -> float:
            # a short warm-up (each thread opens its connection, caches fill), not counted
            warm: list = []
            await asyncio.gather(*(client("127.0.0.1", port, work, i * 7, time.perf_counter() + 2, [200], warm)
                                   for i in range(5)))
            t0 = time.perf_counter()
            budget = [args.max_requests]
            await asyncio.gather(*(client("127.0.0.1", port, work, i * 97, t0 + args.seconds, budget, results)
                                   for i in range(args.clients)))
            return time.perf_counter() - t0

        elapsed = asyncio.run(run())
    finally:
        proc.terminate()
        proc.wait(timeout=10)

    lat = [r[1] for r in results]
    errors = sum(1 for r in results if not r[2])
    summary = {
        "documents": n_docs, "events": n_events, "clients": args.clients, "requests": len(results),
        "seconds": round(elapsed, 2), "rps": round(len(results) / elapsed, 1), "errors": errors,
        "p50_ms": round(pct(lat, 50), 1), "p95_ms": round(pct(lat, 95), 1), "p99_ms": round(pct(lat, 99), 1),
        "cpu_count": os.cpu_count(), "target_p95_ms": TARGET_P95_MS,
        "by_endpoint": {},
    }
    for name in sorted({r[0] for r in results}):
        v = [r[1] for r in results if r[0] == name]
        summary["by_endpoint"][name] = {"n": len(v), "p50_ms": round(pct(v, 50), 1), "p95_ms": round(pct(v, 95), 1),
                                        "mean_ms": round(statistics.fmean(v), 1),
                                        "errors": sum(1 for r in results if r[0] == name and not r[2])}
    if args.json:
        print(json.dumps(summary, ensure_ascii=False, indent=1))
    else:
        print(f"{summary['requests']} requests in {summary['seconds']} s ({summary['rps']}/s), {args.clients} clients, "
              f"{n_docs} documents, {n_events} events")
        print(f"latency p50 {summary['p50_ms']} ms  p95 {summary['p95_ms']} ms  p99 {summary['p99_ms']} ms  "
              f"errors {errors}  (target p95 < {TARGET_P95_MS:g} ms)")
        for name, s in summary["by_endpoint"].items():
            print(f"  {name:12s} n={s['n']:6d} p50={s['p50_ms']:7.1f} p95={s['p95_ms']:7.1f} errors={s['errors']}")
    return 0 if errors == 0 and summary["p95_ms"] < TARGET_P95_MS else 1


if __name__ == "__main__":
    sys.exit(main())
