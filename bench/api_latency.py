"""API latency under load: a 10,000-document store, the server on loopback, 50 concurrent clients.

    python bench/api_latency.py [--docs 10000] [--clients 50] [--seconds 15] [--workers 1,2]
                                [--models closed,think] [--think-ms 500] [--max-requests 50000]

Builds the store (our own Arabic sentences, varied; cached in bench/results/api_store_N.db),
starts `rasd serve --workers W` in a subprocess on a free 127.0.0.1 port for each W, and runs
each load model against it, --seconds each:

* `closed`: every client sends its next request as soon as the previous answer is read (zero
  think time; the harshest load: throughput-bound, latency = clients / rate);
* `think`: every client waits an exponentially distributed think time (mean --think-ms)
  before each request, like a person reading a page (an open-ish load of about
  clients / think-time requests a second).

Requests are drawn at random per client from a wide spread of URLs (list pages at any offset,
every filter, date ranges, search terms taken from the store's own titles and their pages,
detail records, timelines, map layers), so the response cache cannot serve a handful of hot
URLs; the report says how many distinct URLs were asked and the cache hit rate (from the
server's `x-cache` header). Prints p50/p95/p99 latency (ms), the request rate, errors and the
load average before and after, overall and per endpoint; target p95 < 100 ms, no errors.
Loopback only: the client refuses any host but 127.0.0.1.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import re
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Callable
from urllib.parse import quote

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "web"))

#: The target of issue 5: 95% of requests answered within this many milliseconds.
TARGET_P95_MS = 100.0

#: The endpoints the target covers (lists and search); detail reads are reported beside them.
TARGET_ENDPOINTS = ("documents", "documents_outlet", "events", "events_type", "events_gov", "events_date",
                    "events_combo", "search", "timeline", "geojson")

SEARCH_TERMS = ["المعارضة", "حمص", "غارات", "اعتقال", "مظاهرة", "اللاذقية", "نزوح العائلات", "أعلنت", "ميناء",
                "قوات النظام"]
TYPES = ["air_strike", "protest", "arrest", "armed_clash", "territory_control", "displacement"]
GOVERNORATES = ["حمص", "حلب", "Hama", "درعا", "إدلب", "اللاذقية", "دير الزور", "ريف دمشق", "السويداء", "Idlib"]
MONTHS = ["2024-09", "2024-10", "2024-11", "2024-12"]

#: Share of each kind of request: lists and search (what the target is about) dominate; the
#: map's GeoJSON (up to 5,000 features, ~1.5 MB) is rare, as a page asks for it once.
MIX = {"documents": 12, "documents_outlet": 5, "events": 12, "events_type": 8, "events_gov": 8,
       "events_date": 5, "events_combo": 4, "search": 16, "document": 10, "event": 10, "timeline": 7,
       "geojson": 3}

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


class UrlSpace:
    """Random request URLs over the whole store: any page, any filter, many search terms."""

    def __init__(self, doc_ids: list[str], event_ids: list[str], outlets: list[str], n_docs: int,
                 n_events: int, terms: list[str], months: list[str] = MONTHS) -> None:
        self.months = months
        self.doc_ids, self.event_ids, self.outlets, self.terms = doc_ids, event_ids, outlets, terms
        self.n_docs, self.n_events = n_docs, n_events
        kinds = list(MIX)
        self.kinds, self.weights = kinds, [MIX[k] for k in kinds]
        self.make: dict[str, Callable[[random.Random], str]] = {
            "documents": lambda r: f"/api/documents?limit=20&offset={20 * r.randrange(max(1, n_docs // 20))}",
            "documents_outlet": lambda r: (f"/api/documents?outlet={quote(r.choice(outlets))}&limit=20"
                                           f"&offset={20 * r.randrange(50)}"),
            "events": lambda r: f"/api/events?limit=50&offset={50 * r.randrange(max(1, n_events // 50))}",
            "events_type": lambda r: f"/api/events?type={r.choice(TYPES)}&limit=50&offset={50 * r.randrange(25)}",
            "events_gov": lambda r: (f"/api/events?governorate={quote(r.choice(GOVERNORATES))}&limit=50"
                                     f"&offset={50 * r.randrange(20)}"),
            "events_date": lambda r: self._date_url(r),
            "events_combo": lambda r: (f"/api/events?type={r.choice(TYPES)}&governorate="
                                       f"{quote(r.choice(GOVERNORATES))}&limit=50&offset={50 * r.randrange(4)}"),
            "search": lambda r: f"/api/search?q={quote(r.choice(terms))}&limit=10&offset={10 * r.randrange(5)}",
            "document": lambda r: f"/api/documents/{r.choice(doc_ids)}",
            "event": lambda r: f"/api/events/{r.choice(event_ids)}",
            "timeline": lambda r: "/api/timeline" + r.choice(
                ["", f"?type={r.choice(TYPES)}", f"?governorate={quote(r.choice(GOVERNORATES))}",
                 f"?type={r.choice(TYPES)}&governorate={quote(r.choice(GOVERNORATES))}"]),
            "geojson": lambda r: "/api/events.geojson" + r.choice(
                ["", f"?type={r.choice(TYPES)}", f"?governorate={quote(r.choice(GOVERNORATES))}",
                 f"?date_from={r.choice(self.months)}&date_to={r.choice(self.months)}"]),
        }

    def _date_url(self, r: random.Random) -> str:
        a, b = sorted((r.choice(self.months), r.choice(self.months)))
        day = f"-{r.randint(1, 28):02d}" if r.random() < 0.5 else ""
        return f"/api/events?date_from={a}{day}&date_to={b}&limit=50&offset={50 * r.randrange(10)}"

    def draw(self, r: random.Random) -> tuple[str, str]:
        """(endpoint name, path) of one request."""
        kind = r.choices(self.kinds, self.weights)[0]
        return kind, self.make[kind](r)


def search_terms(query: Callable[[str], list[tuple]], rng: random.Random, n: int = 80) -> list[str]:
    """Search queries: our fixed ones plus words and word pairs from the store's own titles."""
    words: list[str] = []
    for (title,) in query("SELECT title FROM documents ORDER BY random() LIMIT 300"):
        words += [w for w in re.findall(r"[\u0621-\u064A]{3,}", title or "") if w not in words]
    rng.shuffle(words)
    pairs = [f"{a} {b}" for a, b in zip(words[::2], words[1::2])]
    return SEARCH_TERMS + words[:n // 2] + pairs[:n // 2]


async def client(host: str, port: int, space: UrlSpace, rng: random.Random, stop_at: float,
                 budget: list[int], results: list[tuple], think_ms: float = 0.0) -> None:
    """One keep-alive connection sending requests until time or the shared budget runs out.

    `think_ms` 0: back to back (closed loop); otherwise an exponential pause of that mean
    before each request. Each result is (endpoint, ms, ok, cache hit, path).
    """
    if host != "127.0.0.1":
        raise ValueError("the load generator only targets 127.0.0.1")
    reader, writer = await asyncio.open_connection(host, port)
    try:
        while time.perf_counter() < stop_at and budget[0] > 0:
            if think_ms:
                await asyncio.sleep(rng.expovariate(1000.0 / think_ms))
                if time.perf_counter() >= stop_at:
                    break
            budget[0] -= 1
            name, path = space.draw(rng)
            t0 = time.perf_counter()
            ok, hit = False, False
            try:
                writer.write(f"GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: keep-alive\r\n\r\n".encode())
                await writer.drain()
                head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 10)
                status = int(head.split(b" ", 2)[1])
                length = 0
                for line in head.split(b"\r\n"):
                    low = line.lower()
                    if low.startswith(b"content-length:"):
                        length = int(line.split(b":", 1)[1])
                    elif low.startswith(b"x-cache:"):
                        hit = low.endswith(b"hit")
                body = await asyncio.wait_for(reader.readexactly(length), 10)
                ok = status == 200 and len(body) == length
            except (OSError, asyncio.TimeoutError, asyncio.IncompleteReadError, ValueError):
                results.append((name, (time.perf_counter() - t0) * 1000, False, False, path))
                writer.close()
                reader, writer = await asyncio.open_connection(host, port)
                continue
            results.append((name, (time.perf_counter() - t0) * 1000, ok, hit, path))
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


def cpu_seconds(pid: int) -> float:
    """CPU time (user + system) of process `pid` and its child processes (`--workers`), from /proc."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(entry) == pid or int(stat[1]) == pid:  # fields after the name: state, ppid, ... utime, stime
            total += (int(stat[11]) + int(stat[12])) / tick
    return total


#: Seconds in a row the server's processes must use no CPU to count as warmed.
IDLE_S = 8


def wait_ready(port: int, proc: subprocess.Popen, timeout: float = 900) -> float:
    """Seconds until the server answers and its processes are idle: the port opens before every
    worker has warmed its caches (`StoreReader.warm`: at 100,000 documents on PostgreSQL, about a
    minute a worker), and a load started then measures the warm-up, not the server."""
    t0 = time.monotonic()
    wait_port(port, proc, timeout)
    deadline = t0 + timeout
    # a worker answers once warmed; the others may still be warming (they wait on the database
    # between bursts of their own CPU): ready when one answers and the processes have then been
    # idle for IDLE_S seconds in a row
    answered, idle = False, 0
    while time.monotonic() < deadline:
        if not answered:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=30) as s:
                    s.sendall(b"GET /api/facets HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
                    answered = s.recv(16).startswith(b"HTTP/1.1 200")
            except OSError:
                pass
        before = cpu_seconds(proc.pid)
        time.sleep(1.0)
        idle = idle + 1 if cpu_seconds(proc.pid) - before < 0.1 else 0
        if answered and idle >= IDLE_S:
            return time.monotonic() - t0
    raise RuntimeError("server still busy after starting")


def summarise(results: list[tuple], elapsed: float, load: tuple) -> dict:
    """Latency percentiles, rate, errors, cache hits and distinct URLs, overall and per endpoint."""
    lat = [r[1] for r in results]
    target = [r[1] for r in results if r[0] in TARGET_ENDPOINTS]
    out = {
        "requests": len(results), "seconds": round(elapsed, 2), "rps": round(len(results) / elapsed, 1),
        "errors": sum(1 for r in results if not r[2]), "distinct_urls": len({r[4] for r in results}),
        "cache_hit_rate": round(sum(1 for r in results if r[3]) / max(1, len(results)), 3),
        "p50_ms": round(pct(lat, 50), 1), "p95_ms": round(pct(lat, 95), 1), "p99_ms": round(pct(lat, 99), 1),
        "lists_search_p95_ms": round(pct(target, 95), 1),
        "loadavg_before": load[0], "loadavg_after": load[1], "by_endpoint": {},
    }
    for name in sorted({r[0] for r in results}):
        rs = [r for r in results if r[0] == name]
        v = [r[1] for r in rs]
        out["by_endpoint"][name] = {"n": len(v), "p50_ms": round(pct(v, 50), 1), "p95_ms": round(pct(v, 95), 1),
                                    "mean_ms": round(statistics.fmean(v), 1),
                                    "hit_rate": round(sum(1 for r in rs if r[3]) / len(rs), 2),
                                    "errors": sum(1 for r in rs if not r[2])}
    return out


def load_phase(port: int, space: UrlSpace, args: argparse.Namespace, think_ms: float, seed: int) -> dict:
    """One load model against a running server: warm-up (not counted), then --seconds measured."""
    results: list[tuple] = []

    async def run() -> float:
        # a short warm-up: each server thread opens its connection; not counted
        warm: list = []
        await asyncio.gather(*(client("127.0.0.1", port, space, random.Random(seed * 1000 + i),
                                      time.perf_counter() + 2, [200], warm) for i in range(5)))
        t0 = time.perf_counter()
        budget = [args.max_requests]
        await asyncio.gather(*(client("127.0.0.1", port, space, random.Random(seed * 7919 + i), t0 + args.seconds,
                                      budget, results, think_ms) for i in range(args.clients)))
        return time.perf_counter() - t0

    before = tuple(round(x, 2) for x in os.getloadavg())
    elapsed = asyncio.run(run())
    after = tuple(round(x, 2) for x in os.getloadavg())
    return summarise(results, elapsed, (before, after))


def print_summary(label: str, s: dict) -> None:
    """The human-readable lines for one (workers, model) run."""
    ok = s["errors"] == 0 and s["lists_search_p95_ms"] < TARGET_P95_MS
    print(f"== {label}: {s['requests']} requests in {s['seconds']} s ({s['rps']}/s), {s['distinct_urls']} distinct "
          f"URLs, cache hit rate {s['cache_hit_rate']:.0%}, load average {s['loadavg_before']} -> {s['loadavg_after']}")
    print(f"   latency p50 {s['p50_ms']} ms  p95 {s['p95_ms']} ms  p99 {s['p99_ms']} ms  errors {s['errors']};  "
          f"lists+search p95 {s['lists_search_p95_ms']} ms  -> target p95 < {TARGET_P95_MS:g} ms "
          f"{'MET' if ok else 'NOT MET'}")
    for name, e in s["by_endpoint"].items():
        print(f"     {name:16s} n={e['n']:6d} p50={e['p50_ms']:7.1f} p95={e['p95_ms']:7.1f} "
              f"hit={e['hit_rate']:.0%} errors={e['errors']}")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--docs", type=int, default=10_000)
    ap.add_argument("--clients", type=int, default=50)
    ap.add_argument("--seconds", type=float, default=15.0, help="Measured seconds per (workers, model).")
    ap.add_argument("--max-requests", type=int, default=50_000)
    ap.add_argument("--workers", default="1", help="Comma-separated server process counts to measure, e.g. 1,2.")
    ap.add_argument("--models", default="closed,think", help="closed (zero think time), think, or both.")
    ap.add_argument("--think-ms", type=float, default=500.0, help="Mean think time of the `think` model.")
    ap.add_argument("--cache-mb", type=int, default=64, help="The server's response cache (0: none).")
    ap.add_argument("--db", default=None, help="Use this store instead of building one.")
    ap.add_argument("--json", action="store_true", help="Print the summaries as JSON.")
    args = ap.parse_args()

    rng = random.Random(1)
    if args.db and args.db.startswith("postgresql://"):
        db: str | Path = args.db   # an existing PostgreSQL store (e.g. one `rasd run --db postgresql://...` wrote)
        from sqlalchemy import create_engine, text

        engine = create_engine(args.db.replace("postgresql://", "postgresql+psycopg://", 1))
        con = engine.connect()

        def query(sql: str) -> list[tuple]:
            return [tuple(r) for r in con.execute(text(sql))]
    else:
        db = Path(args.db) if args.db else ROOT / "bench" / "results" / f"api_store_{args.docs}.db"
        if not db.exists():
            db.parent.mkdir(parents=True, exist_ok=True)
            build_store(db, args.docs)
        import sqlite3

        con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)

        def query(sql: str) -> list[tuple]:
            return list(con.execute(sql))
    doc_ids = [r[0] for r in query("SELECT id FROM documents ORDER BY random() LIMIT 2000")]
    event_ids = [r[0] for r in query("SELECT id FROM events ORDER BY random() LIMIT 2000")]
    outlets = [r[0] for r in query("SELECT DISTINCT outlet FROM documents WHERE outlet IS NOT NULL")]
    n_docs, n_events = query("SELECT (SELECT count(*) FROM documents), (SELECT count(*) FROM events)")[0]
    # the date filters ask for the months the store's events have (the generated store's are MONTHS)
    months = [r[0] for r in query("SELECT DISTINCT substr(date_value, 1, 7) FROM events "
                                  "WHERE date_value IS NOT NULL ORDER BY 1")] or MONTHS
    space = UrlSpace(doc_ids, event_ids, outlets, n_docs, n_events, search_terms(query, rng), months)
    con.close()
    print(f"store: {n_docs} documents, {n_events} events; {args.clients} clients; {os.cpu_count()} CPUs", flush=True)

    summaries = {}
    failed = False
    for seed, workers in enumerate(int(w) for w in args.workers.split(",")):
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        proc = subprocess.Popen([sys.executable, "-m", "rasd.cli", "serve", "--db", str(db), "--port", str(port),
                                 "--workers", str(workers), "--cache-mb", str(args.cache_mb)],
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        try:
            ready = wait_ready(port, proc)
            print(f"server with {workers} worker(s) ready (warmed, idle) after {ready:.0f} s", flush=True)
            for model in args.models.split(","):
                think = args.think_ms if model == "think" else 0.0
                label = f"workers={workers} model={model}" + (f" (think {think:g} ms exp.)" if think else "")
                s = load_phase(port, space, args, think, seed * 10 + len(summaries))
                summaries[label] = s
                failed |= s["errors"] > 0 or s["lists_search_p95_ms"] >= TARGET_P95_MS
                if not args.json:
                    print_summary(label, s)
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:   # still answering the last slow requests
                proc.kill()
                proc.wait(timeout=20)
    if args.json:
        print(json.dumps(summaries, ensure_ascii=False, indent=1))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
