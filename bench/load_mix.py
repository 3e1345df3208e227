"""Server load with a realistic URL mix: HTML pages and API routes, mostly distinct URLs, drawn from the store.

    python bench/load_mix.py --db STORE.db [--clients 10,50,100] [--cache on,off] [--urls 2200] [--seed 12]
                             [--workers N] [--threads N] [--json OUT.json] [--slowest N]

Issue 12: the README's earlier p95 came from a mix that was 91 % response-cache hits; a person
browsing asks for pages and filters seldom asked before. This bench builds a seeded, deterministic
list of about --urls distinct URLs from the store itself:

* pages: /timeline (filters by type, governorate, date range, order, offsets), /events/{id},
  /documents/{id}, /documents?offset, /places/{key}, /actors/{key}, /stories, /stories/{id},
  /search?q= (real words and word pairs from the corpus' titles), /places, /actors;
* API: /api/events (type, governorate, place, date ranges, modality, order, offsets),
  /api/documents (outlet, date range, offsets), /api/search, /api/events/{id},
  /api/documents/{id}, /api/timeline, /api/places/{id}, /api/stories, /api/facets;

then appends a tenth more requests repeating a few hot URLs (first pages, unfiltered timeline), as
a real audience does, and shuffles. Each distinct URL is asked about once per phase.

For every (cache on|off, client count) it starts a fresh `rasd serve` (uvicorn, as users do) on a
free loopback port and sends the whole list through N closed-loop keep-alive clients (each
sends its next request when the previous answer is read) and prints req/s, p50/p95/p99 overall
and per route family, errors, the cache hit rate, and the CPU time per request of the server
(all its processes, from /proc) and of the generator itself (this process, on uvloop when
installed; ~0.1 ms a request against the server's ~3-5 ms, so the generator takes a few per cent
of the cores it shares with the server). The response cache covers /api/ only;
`--cache off` starts the server with `--cache-mb 0`. Target (issue 12): 50 clients, cache off,
p95 < 250 ms, p99 < 500 ms, 0 errors.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import re
import resource
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote, urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent))
from api_latency import client, cpu_seconds, pct, wait_port  # noqa: E402  (the same closed-loop client and percentiles)

#: Issue 12's target at 50 clients, response cache off.
TARGET_P95_MS, TARGET_P99_MS = 250.0, 500.0

#: Share of the distinct URLs per family (pages are what a person asks for; API routes what the
#: pages' scripts and other tools ask for).
FAMILIES = {"page_timeline": 10, "page_event": 14, "page_document": 10, "page_documents": 2, "page_place": 5,
            "page_actor": 3, "page_story": 4, "page_search": 7, "page_lists": 1,
            "api_events": 14, "api_documents": 6, "api_search": 8, "api_event": 6, "api_document": 3,
            "api_timeline": 4, "api_place": 2, "api_stories": 1, "api_misc": 1}

#: Repeated hot URLs, as a share of the distinct ones (the front pages are asked again and again).
HOT_SHARE = 0.10


class MixSpace:
    """Deterministic URL mix from one store (ids, places, actors, stories, words, dates, outlets)."""

    def __init__(self, db: str, seed: int) -> None:
        self.r = random.Random(seed)
        con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
        q = lambda sql: [row[0] for row in con.execute(sql)]  # noqa: E731
        self.event_ids = q("SELECT id FROM events ORDER BY id")
        self.doc_ids = q("SELECT id FROM documents ORDER BY id")
        self.outlets = q("SELECT DISTINCT outlet FROM documents WHERE outlet IS NOT NULL ORDER BY 1")
        self.types = q("SELECT DISTINCT type FROM events ORDER BY 1")
        self.govs = q("SELECT DISTINCT admin1 FROM events WHERE admin1 IS NOT NULL ORDER BY 1")
        self.months = q("SELECT DISTINCT substr(date_value, 1, 7) FROM events WHERE date_value >= '2023' ORDER BY 1")
        self.days = q("SELECT DISTINCT date_value FROM events WHERE length(date_value) = 10 "
                      "AND date_value >= '2023' ORDER BY 1")
        self.places = q("SELECT DISTINCT coalesce(json_extract(record, '$.location.place_id'), "
                        "json_extract(record, '$.location.name')) p FROM events WHERE p IS NOT NULL ORDER BY 1")
        self.actors = q("SELECT DISTINCT coalesce(json_extract(a.value, '$.actor_id'), "
                        "json_extract(a.value, '$.name')) k "
                        "FROM events e, json_each(e.record, '$.actors') a WHERE k IS NOT NULL ORDER BY 1")
        tables = set(q("SELECT name FROM sqlite_master WHERE type = 'table'"))
        self.stories = q("SELECT id FROM stories ORDER BY id") if "stories" in tables else []
        self.fused = q("SELECT id FROM fused_events ORDER BY id") if "fused_events" in tables else []
        words: list[str] = []
        for title in q("SELECT title FROM documents ORDER BY id"):
            words += re.findall(r"[\u0621-\u064A]{3,}", title or "")
        words = sorted(set(words))
        self.r.shuffle(words)
        self.terms = words[:600] + [f"{a} {b}" for a, b in zip(words[600:900], words[900:1200])]
        con.close()

    def _dates(self) -> dict:
        r = self.r
        a, b = sorted((r.choice(self.months), r.choice(self.months)))
        if r.random() < 0.4:
            a, b = sorted((r.choice(self.days), r.choice(self.days)))
        return {"date_from": a, "date_to": b}

    def _filters(self) -> dict:
        r = self.r
        f: dict = {}
        if r.random() < 0.45:
            f["type"] = r.choice(self.types)
        if r.random() < 0.35:
            f["governorate"] = r.choice(self.govs)
        elif r.random() < 0.15:
            f["place"] = r.choice(self.places)
        if r.random() < 0.35:
            f.update(self._dates())
        if r.random() < 0.08:
            f["modality"] = r.choice(["reported", "claimed", "asserted"])
        if r.random() < 0.08:
            f["background"] = "1"
        return f

    def one(self, family: str) -> str:
        """One URL of `family` (may repeat an earlier one; the caller keeps distinct ones)."""
        r = self.r
        if family == "page_timeline":
            f = self._filters()
            if r.random() < 0.3:
                f["order"] = "oldest"
            if r.random() < 0.5:
                f["offset"] = 100 * r.randrange(1, 15)
            return "/timeline?" + urlencode(f) if f else "/timeline"
        if family == "page_event":
            pool = self.fused if self.fused and r.random() < 0.5 else self.event_ids
            return f"/events/{r.choice(pool)}"
        if family == "page_document":
            return f"/documents/{r.choice(self.doc_ids)}"
        if family == "page_documents":
            return f"/documents?offset={100 * r.randrange(8)}"
        if family == "page_place":
            return f"/places/{quote(r.choice(self.places), safe='')}"
        if family == "page_actor":
            return f"/actors/{quote(r.choice(self.actors), safe='')}"
        if family == "page_story":
            return f"/stories/{r.choice(self.stories)}" if self.stories and r.random() < 0.95 else "/stories"
        if family == "page_search":
            off = f"&offset={20 * r.randrange(3)}" if r.random() < 0.2 else ""
            return f"/search?q={quote(r.choice(self.terms))}{off}"
        if family == "page_lists":
            return r.choice(["/places", "/actors", "/stories", "/map", f"/places?q={quote(r.choice(self.terms)[:3])}"])
        if family == "api_events":
            f = self._filters()
            f["limit"] = r.choice([20, 50])
            f["offset"] = f["limit"] * r.randrange(0 if len(f) > 2 else 1, 20 if len(f) <= 2 else 4)
            if r.random() < 0.3:
                f["order"] = "newest"
            return "/api/events?" + urlencode(f)
        if family == "api_documents":
            f: dict = {"limit": 20, "offset": 20 * r.randrange(40)}
            if r.random() < 0.3:
                f["outlet"] = r.choice(self.outlets)
            if r.random() < 0.3:
                f.update(self._dates())
                f["offset"] = 20 * r.randrange(3)
            return "/api/documents?" + urlencode(f)
        if family == "api_search":
            return f"/api/search?q={quote(r.choice(self.terms))}&limit=10&offset={10 * r.randrange(3)}"
        if family == "api_event":
            pool = self.fused if self.fused and r.random() < 0.5 else self.event_ids
            return f"/api/events/{r.choice(pool)}"
        if family == "api_document":
            return f"/api/documents/{r.choice(self.doc_ids)}"
        if family == "api_timeline":
            f = self._filters()
            return "/api/timeline?" + urlencode(f) if f else "/api/timeline"
        if family == "api_place":
            return f"/api/places/{quote(r.choice(self.places), safe='')}"
        if family == "api_stories":
            return f"/api/stories?limit=20&offset={20 * r.randrange(20)}"
        return r.choice(["/api/facets", "/api/governorates", f"/api/places?offset={50 * r.randrange(10)}",
                         f"/api/actors?offset={50 * r.randrange(5)}"])

    def build(self, n: int) -> list[tuple[str, str]]:
        """About n distinct (family, url) pairs in the FAMILIES shares, plus HOT_SHARE repeats, shuffled."""
        total = sum(FAMILIES.values())
        seen: set[str] = set()
        out: list[tuple[str, str]] = []
        for fam, w in FAMILIES.items():
            want, tries = round(n * w / total), 0
            got = 0
            while got < want and tries < want * 20:
                tries += 1
                url = self.one(fam)
                if url not in seen:
                    seen.add(url)
                    out.append((fam, url))
                    got += 1
        hot = [("page_timeline", "/timeline"), ("api_events", "/api/events?limit=50&offset=0"),
               ("api_timeline", "/api/timeline"), ("api_misc", "/api/facets"), ("page_lists", "/stories"),
               ("api_documents", "/api/documents?limit=20&offset=0")]
        out += [self.r.choice(hot) for _ in range(int(len(out) * HOT_SHARE))]
        self.r.shuffle(out)
        return out


class Seq:
    """A shared cursor over the URL list, so the list is sent once whatever the client count."""

    def __init__(self, urls: list[tuple[str, str]]) -> None:
        self.urls, self.i = urls, 0

    def draw(self, _rng: random.Random) -> tuple[str, str]:
        if self.i >= len(self.urls):
            raise IndexError
        self.i += 1
        return self.urls[self.i - 1]


def summarise(results: list[tuple], elapsed: float) -> dict:
    lat = [r[1] for r in results]
    out = {"requests": len(results), "seconds": round(elapsed, 2), "rps": round(len(results) / elapsed, 1),
           "errors": sum(1 for r in results if not r[2]), "distinct_urls": len({r[4] for r in results}),
           "cache_hit_rate": round(sum(1 for r in results if r[3]) / max(1, len(results)), 3),
           "p50_ms": round(pct(lat, 50), 1), "p95_ms": round(pct(lat, 95), 1), "p99_ms": round(pct(lat, 99), 1),
           "max_ms": round(max(lat), 1), "by_family": {}}
    for fam in sorted({r[0] for r in results}):
        v = [r[1] for r in results if r[0] == fam]
        out["by_family"][fam] = {"n": len(v), "p50_ms": round(pct(v, 50), 1), "p95_ms": round(pct(v, 95), 1),
                                 "p99_ms": round(pct(v, 99), 1),
                                 "errors": sum(1 for r in results if r[0] == fam and not r[2])}
    return out


def serving_children(pid: int) -> list[int]:
    """The worker processes of a `rasd serve --workers N` (children holding a TCP socket)."""
    out = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            if int(Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()[1]) != pid:
                continue
            if any(os.readlink(f"/proc/{entry}/fd/{fd}").startswith("socket:") for fd in os.listdir(f"/proc/{entry}/fd")):
                out.append(int(entry))
        except OSError:
            continue
    return out


def own_cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def event_loop_runner():
    """`asyncio.run`, on uvloop when it is installed (the web extra has it): the generator's own CPU
    per request is about halved, leaving more of a small machine's cores to the server it measures."""
    try:
        import uvloop
    except ImportError:
        return asyncio.run
    return lambda coro: asyncio.Runner(loop_factory=uvloop.new_event_loop).run(coro)


def phase(port: int, urls: list[tuple[str, str]], clients: int, server_pid: int | None = None) -> dict:
    """Send every URL once through `clients` closed-loop clients; a short warm-up first (not counted).

    Also measures the CPU seconds the generator (this process) and the server (`server_pid` and its
    workers) spent during the timed part, per request."""
    results: list[tuple] = []
    cpu: dict = {}

    async def run() -> float:
        warm = Seq([("w", "/api/facets"), ("w", "/timeline"), ("w", "/api/governorates")] * 4)
        await asyncio.gather(*(guarded(warm, []) for _ in range(4)))
        seq = Seq(urls)
        cpu["client"], cpu["server"] = own_cpu(), cpu_seconds(server_pid) if server_pid else 0.0
        t0 = time.perf_counter()
        await asyncio.gather(*(guarded(seq, results) for _ in range(clients)))
        elapsed = time.perf_counter() - t0
        cpu["client"] = own_cpu() - cpu["client"]
        cpu["server"] = (cpu_seconds(server_pid) - cpu["server"]) if server_pid else float("nan")
        return elapsed

    async def guarded(seq: Seq, sink: list) -> None:
        try:
            await client("127.0.0.1", port, seq, random.Random(0), time.perf_counter() + 3600, [10 ** 9], sink)
        except IndexError:
            pass

    out = summarise(results, event_loop_runner()(run()))
    out["server_processes"] = max(1, len(serving_children(server_pid))) if server_pid else None
    out["slowest"] = [(round(r[1], 1), r[4]) for r in sorted(results, key=lambda r: -r[1])[:20]]
    n = max(1, out["requests"])
    out["client_cpu_ms_per_req"] = round(1000 * cpu["client"] / n, 2)
    out["server_cpu_ms_per_req"] = round(1000 * cpu["server"] / n, 2)
    return out


def in_process(db: str, urls: list[tuple[str, str]]) -> dict:
    """CPU time per request of the app alone, no sockets: each URL sent once through the ASGI app
    in this process (cache off), timed with `time.process_time`. Per family: mean ms and share."""
    from urllib.parse import unquote

    from rasd.web.app import create_app

    app = create_app(db, cache_mb=0)

    async def call(url: str) -> int:
        path, _, query = url.partition("?")
        scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "GET",
                 "scheme": "http", "path": unquote(path), "raw_path": path.encode(), "query_string": query.encode(),
                 "root_path": "", "headers": [(b"host", b"127.0.0.1")], "client": ("127.0.0.1", 1),
                 "server": ("127.0.0.1", 80)}
        status: list[int] = []

        async def receive() -> dict:
            return {"type": "http.request", "body": b"", "more_body": False}

        async def send(message: dict) -> None:
            if message["type"] == "http.response.start":
                status.append(message["status"])

        await app(scope, receive, send)
        return status[0]

    async def run() -> dict:
        for url in ("/timeline", "/api/facets", "/stories"):
            await call(url)
        by: dict[str, list[float]] = {}
        errors = 0
        t0 = time.process_time()
        for fam, url in urls:
            t = time.process_time()
            errors += await call(url) != 200
            by.setdefault(fam, []).append((time.process_time() - t) * 1000)
        total = (time.process_time() - t0) * 1000
        return {"ms_per_request": round(total / len(urls), 2), "errors": errors,
                "by_family": {f: {"n": len(v), "mean_ms": round(sum(v) / len(v), 2), "share": round(sum(v) / total, 3)}
                              for f, v in sorted(by.items(), key=lambda kv: -sum(kv[1]))}}

    return asyncio.run(run())


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--db", required=True)
    ap.add_argument("--clients", default="10,50,100")
    ap.add_argument("--cache", default="on,off")
    ap.add_argument("--urls", type=int, default=2200, help="Distinct URLs per phase.")
    ap.add_argument("--seed", type=int, default=12)
    ap.add_argument("--workers", type=int, default=None,
                    help="Server processes (default: `rasd serve`'s own, one per core up to 4).")
    ap.add_argument("--threads", type=int, default=None,
                    help="`rasd serve --threads`: handler threads per process (default: the server's own).")
    ap.add_argument("--json", default=None, help="Also write the summaries to this file.")
    ap.add_argument("--slowest", type=int, default=0, help="Print this many slowest requests of each phase.")
    ap.add_argument("--in-process", action="store_true",
                    help="Only the app's CPU time per request (no server, no sockets; cache off).")
    args = ap.parse_args()
    urls = MixSpace(args.db, args.seed).build(args.urls)
    if args.in_process:
        r = in_process(args.db, urls)
        print(f"in process: {len(urls)} requests, {r['ms_per_request']} ms CPU a request, {r['errors']} not 200; "
              f"load average {os.getloadavg()[0]:.2f}")
        for fam, e in r["by_family"].items():
            print(f"     {fam:15s} n={e['n']:5d} mean={e['mean_ms']:7.2f} ms  share={e['share']:6.1%}")
        return 0
    print(f"store {args.db}: {len(urls)} requests, {len({u for _, u in urls})} distinct URLs; "
          f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f}", flush=True)
    summaries: dict = {}
    met = True
    for cache in args.cache.split(","):
        for n in (int(c) for c in args.clients.split(",")):
            # a fresh server per phase, so one phase's cached answers never serve the next
            with socket.socket() as s:
                s.bind(("127.0.0.1", 0))
                port = s.getsockname()[1]
            workers = ["--workers", str(args.workers)] if args.workers else []
            workers += ["--threads", str(args.threads)] if args.threads else []
            proc = subprocess.Popen([sys.executable, "-m", "rasd.cli", "serve", "--db", args.db, "--port", str(port),
                                     *workers, "--cache-mb", "64" if cache == "on" else "0"],
                                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            try:
                wait_port(port, proc)
                s = phase(port, urls, n, proc.pid)
            finally:
                proc.terminate()
                proc.wait(timeout=20)
            label = f"cache={cache} clients={n}"
            summaries[label] = s
            if cache == "off" and n == 50:
                met = s["p95_ms"] < TARGET_P95_MS and s["p99_ms"] < TARGET_P99_MS and s["errors"] == 0
            print(f"== {label}: {s['requests']} req in {s['seconds']} s = {s['rps']} req/s; p50 {s['p50_ms']} "
                  f"p95 {s['p95_ms']} p99 {s['p99_ms']} max {s['max_ms']} ms; errors {s['errors']}; "
                  f"cache hits {s['cache_hit_rate']:.0%}; CPU per request: server {s['server_cpu_ms_per_req']} ms, "
                  f"generator {s['client_cpu_ms_per_req']} ms; server processes {s['server_processes']}; "
                  f"load {os.getloadavg()[0]:.2f}", flush=True)
            for ms, url in s["slowest"][:args.slowest]:
                print(f"     slow {ms:8.1f} ms {url}", flush=True)
            for fam, e in s["by_family"].items():
                print(f"     {fam:15s} n={e['n']:5d} p50={e['p50_ms']:7.1f} p95={e['p95_ms']:7.1f} "
                      f"p99={e['p99_ms']:7.1f} errors={e['errors']}", flush=True)
    if args.json:
        Path(args.json).write_text(json.dumps(summaries, ensure_ascii=False, indent=1), "utf-8")
    print(f"target (50 clients, cache off: p95 < {TARGET_P95_MS:g} ms, p99 < {TARGET_P99_MS:g} ms, 0 errors): "
          f"{'MET' if met else 'NOT MET'}")
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
