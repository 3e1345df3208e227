"""The web app: `create_app(db)` builds a FastAPI app over one store file.

Read-only by default: pages and the JSON API read through `StoreReader` (the store's read
backend, `rasd.store.read`: SQLite `mode=ro`, or PostgreSQL read-only pooled connections).
The writes the server does by itself happen at start-up: the search index, and the read indexes
of `rasd.store.schema` that a store written by an older rasd lacks. Answers of GET /api/ are
kept in memory per data version (`ResponseCache`) and dropped as soon as the store changes. The only
endpoint that writes (`POST /api/ingest`) answers 403 unless the app was built with a token.
Every response carries a strict Content-Security-Policy (no inline scripts or styles), nosniff
and a no-referrer policy; templates autoescape everything.
"""
from __future__ import annotations

import hmac
import json
import logging
import os
from collections import OrderedDict
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable
from urllib.parse import urlsplit

from rasd.web.queries import StoreReader

log = logging.getLogger("rasd.web")

#: The npm packages the pages use, and the folder of each that is served under /vendor/NAME/.
VENDOR_DIRS = {
    "leaflet": "leaflet/dist",
    "leaflet.markercluster": "leaflet.markercluster/dist",
    "swagger-ui-dist": "swagger-ui-dist",
}

#: Memory for cached API answers, per server process. The largest answers (the map's GeoJSON,
#: ~1.5 MB for 5,000 events) fit a few dozen times; list pages are 10-60 KB.
RESPONSE_CACHE_MB = 64

#: Threads per server process that run the request handlers (they are plain functions, run off the
#: event loop). Handlers are CPU-bound Python, so threads under one GIL add no speed, only
#: time-slicing: with Starlette's default of 40, 25 requests of one process were all in progress
#: at once and each took as long as all of them (50 clients: p95 320 ms, p99 456 ms, 410 req/s;
#: two threads: 190 / 261 ms, 525 req/s, on the same idle 2-core machine; issue 12). Two, not
#: one, so that a single slow request does not stop its process. Requests wait their turn in
#: order; processes (`rasd serve --workers`) give the cores.
REQUEST_THREADS = 2

#: An answer bigger than this is never cached (it would push out hundreds of list pages).
RESPONSE_CACHE_MAX_ENTRY = 8 * 1024 * 1024

#: Environment variable through which `rasd serve --workers N` hands create_app's arguments
#: (JSON) to each worker process, which uvicorn starts from an import string.
APP_ARGS_ENV = "RASD_WEB_APP_ARGS"

STATIC_DIR = Path(__file__).resolve().parent / "static"
TEMPLATE_DIR = Path(__file__).resolve().parent / "templates"


def _require_web() -> None:
    try:
        import fastapi  # noqa: F401
        import jinja2  # noqa: F401
    except ImportError as exc:
        raise ImportError("the web app needs fastapi, uvicorn and jinja2: pip install 'rasd[web]'") from exc


def find_node_modules(start: Path | None = None) -> Path | None:
    """The `node_modules` folder: in the working directory, else at the repository root of this checkout."""
    candidates = [Path.cwd() / "node_modules", Path(__file__).resolve().parents[3] / "node_modules"]
    if start is not None:
        candidates.insert(0, start)
    for c in candidates:
        if c.is_dir():
            return c
    return None


@lru_cache(maxsize=1)
def ui_strings() -> dict:
    """UI strings, event-type and modality labels for `ar` and `en` (static/i18n.json)."""
    return json.loads((STATIC_DIR / "i18n.json").read_text("utf-8"))


def load_governorates() -> list[dict]:
    """Governorates with centroids: from the gazetteer's admin table when installed, else our fallback table."""
    try:
        from rasd.extract.places.gazetteer import admin_tables

        govs = admin_tables()["governorates"]
        return [{"code": g["code"], "name": g["ar"], "name_en": g["en"], "lat": g["lat"], "lon": g["lon"]}
                for g in govs]
    except (ImportError, KeyError, OSError) as exc:
        log.info("gazetteer not available (%s); using the fallback governorate table", exc)
        return json.loads((STATIC_DIR / "governorates.json").read_text("utf-8"))["governorates"]


def content_security_policy(tiles_url: str | None) -> str:
    """The CSP header: everything from this origin only; map tiles' host added to img-src when configured."""
    img = "'self' data:"
    if tiles_url:
        parts = urlsplit(tiles_url.replace("{s}", "a"))
        host = parts.netloc
        if "{s}" in tiles_url:
            host = "*." + host.split(".", 1)[1] if "." in host else host
        img += f" {parts.scheme}://{host}"
    return ("default-src 'self'; script-src 'self'; style-src 'self'; "
            f"img-src {img}; connect-src 'self'; font-src 'self'; object-src 'none'; "
            "base-uri 'none'; frame-ancestors 'none'; form-action 'self'")


class SecurityHeaders:
    """Pure ASGI middleware adding the security headers to every HTTP response (cheaper than BaseHTTPMiddleware)."""

    def __init__(self, app: Any, csp: str) -> None:
        self.app = app
        self.headers = [
            (b"content-security-policy", csp.encode()),
            (b"x-content-type-options", b"nosniff"),
            (b"referrer-policy", b"no-referrer"),
            (b"x-frame-options", b"DENY"),
            (b"cross-origin-opener-policy", b"same-origin"),
        ]

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: dict) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = list(message.get("headers", [])) + self.headers
            await send(message)

        await self.app(scope, receive, send_with_headers)


async def _refuse(send: Any, status: int, detail: str, extra: list | None = None) -> None:
    """A JSON error answer sent before the app (or the body) is read."""
    body = json.dumps({"detail": detail}).encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
                            *(extra or [])]})
    await send({"type": "http.response.body", "body": body})


#: Bytes a multipart upload may carry beyond the file itself (boundaries, part headers, file name).
MULTIPART_SLACK = 64 * 1024


class WriteGuard:
    """Pure ASGI middleware: a request that would write (any method but GET, HEAD, OPTIONS) is
    refused before its body is read unless writes are on (403), it bears the token (401) and it
    declares a length within the upload limit (411, 413). The body is then counted as it arrives,
    so a length that lies is cut off at the limit too."""

    def __init__(self, app: Any, token: str | None, max_bytes: int) -> None:
        self.app, self.token, self.max_bytes = app, token, max_bytes + MULTIPART_SLACK

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http" or scope["method"] in ("GET", "HEAD", "OPTIONS"):
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        if not self.token:
            await _refuse(send, 403, "writes are disabled: start the server with --token")
            return
        scheme, _, given = headers.get(b"authorization", b"").decode("latin-1").partition(" ")
        if scheme.lower() != "bearer" or not hmac.compare_digest(given.strip().encode(), self.token.encode()):
            await _refuse(send, 401, "missing or wrong bearer token", [(b"www-authenticate", b"Bearer")])
            return
        length = headers.get(b"content-length", b"").decode("latin-1")
        if not length.isdecimal():
            await _refuse(send, 411, "a write needs a Content-Length")
            return
        if int(length) > self.max_bytes:
            await _refuse(send, 413, f"body over {self.max_bytes} bytes")
            return
        seen = 0

        async def counted() -> dict:
            nonlocal seen
            message = await receive()
            seen += len(message.get("body", b""))
            if seen > self.max_bytes:
                raise ValueError("request body longer than its Content-Length allows")
            return message

        await self.app(scope, counted, send)


class TrustedHosts:
    """Pure ASGI middleware: answers 400 to a request whose Host is not one the server is known by
    (a DNS-rebinding page reaches the server under its own name)."""

    def __init__(self, app: Any, hosts: Iterable[str]) -> None:
        self.app = app
        self.hosts = frozenset(h.lower().strip("[]") for h in hosts)

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] == "http":
            host = dict(scope.get("headers") or []).get(b"host", b"").decode("latin-1").lower()
            if _host_name(host) not in self.hosts:
                await _refuse(send, 400, "unknown Host header")
                return
        await self.app(scope, receive, send)


def _host_name(host: str) -> str:
    """The name of a Host header without its port ("[::1]:8000" -> "::1", "a.org:80" -> "a.org")."""
    if host.startswith("["):
        return host[1:].partition("]")[0]
    return host.partition(":")[0] if host.count(":") == 1 else host


def trusted_hosts(bound: str, extra: Iterable[str] = ()) -> list[str]:
    """The default trusted Host list: the bound address, the loopback names, and any extra names."""
    return sorted({bound, "localhost", "127.0.0.1", "::1", *extra})


class ResponseCache:
    """Pure ASGI middleware: answers a GET /api/ request seen before from memory while the data is unchanged.

    Keyed by (path, query string); an entry holds the store's data version it was computed
    under (`StoreReader.data_version`, one `PRAGMA data_version` per request) and is used only
    while that version is current, so nothing stale is served after a run or an upload. Only
    200 answers are kept, least recently used dropped past `max_bytes`. Every answer it passes
    carries `x-cache: hit` or `miss`; `hits` and `misses` count them.
    """

    def __init__(self, app: Any, reader: StoreReader, max_bytes: int = RESPONSE_CACHE_MB * 1024 * 1024) -> None:
        self.app = app
        self.reader = reader
        self.max_bytes = max_bytes
        self.entries: OrderedDict[tuple[str, bytes], tuple[int, int, list, bytes]] = OrderedDict()
        self.size = 0
        self.hits = 0
        self.misses = 0

    def _store(self, key: tuple[str, bytes], entry: tuple[int, int, list, bytes]) -> None:
        old = self.entries.pop(key, None)
        if old is not None:
            self.size -= len(old[3])
        self.entries[key] = entry
        self.size += len(entry[3])
        while self.size > self.max_bytes and self.entries:
            _k, dropped = self.entries.popitem(last=False)
            self.size -= len(dropped[3])

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if (scope["type"] != "http" or scope["method"] != "GET" or not scope["path"].startswith("/api/")
                or self.max_bytes <= 0):
            await self.app(scope, receive, send)
            return
        key = (scope["path"], scope.get("query_string", b""))
        version = self.reader.data_version()
        hit = self.entries.get(key)
        if hit is not None and hit[0] == version:
            self.entries.move_to_end(key)
            self.hits += 1
            await send({"type": "http.response.start", "status": hit[1], "headers": hit[2] + [(b"x-cache", b"hit")]})
            await send({"type": "http.response.body", "body": hit[3]})
            return
        self.misses += 1
        start: dict = {}
        chunks: list[bytes] = []

        async def capture(message: dict) -> None:
            if message["type"] == "http.response.start":
                start.update(message)
                message = {**message, "headers": list(message.get("headers", [])) + [(b"x-cache", b"miss")]}
            elif message["type"] == "http.response.body" and start.get("status") == 200:
                chunks.append(message.get("body", b""))
                if not message.get("more_body", False):
                    body = b"".join(chunks)
                    if len(body) <= RESPONSE_CACHE_MAX_ENTRY:
                        self._store(key, (version, 200, list(start.get("headers", [])), body))
            await send(message)

        await self.app(scope, receive, capture)


def ensure_read_indexes(db: str | Path) -> list[str]:
    """Create the indexes of `rasd.store.schema` missing from an existing store, and the web's read
    indexes on the link tables when the store has them (`rasd.web.fused.read_indexes`, in the
    store's dialect: JSONB expressions on PostgreSQL); their names.

    A store written before an index was added to the schema lacks it, and the web's list
    queries are written against those indexes. Idempotent (`IF NOT EXISTS`); an unwritable file
    leaves the store as it is (a warning; lists then sort instead of reading an index).
    """
    from rasd.store import read
    from rasd.web.fused import read_index_specs

    return read.ensure_read_indexes(db, read_index_specs(read.sql_for(db)))


def prepare_search_index(db: str | Path) -> dict | None:
    """Bring the search index up to date; None (and a warning) when the store cannot be written."""
    from rasd.store import read

    return read.prepare_search_index(db)


def create_app(db: str, *, token: str | None = None, tiles_url: str | None = None,
               node_modules: str | Path | None = None, index: bool = True,
               cache_mb: int = RESPONSE_CACHE_MB, allowed_hosts: Iterable[str] | None = None,
               warm: bool = True, threads: int = REQUEST_THREADS) -> Any:
    """Build the app over the store file `db`.

    `token`: enables the writing endpoint (POST /api/ingest) for requests bearing it.
    `tiles_url`: an XYZ tile template (`https://tile.example/{z}/{x}/{y}.png`) for the map; none by default.
    `node_modules`: where the npm packages are (default: found next to the working directory or checkout).
    `index`: update the search index and add missing read indexes before serving (the only
    writes the server does on its own).
    `cache_mb`: memory for cached GET /api/ answers (0: no cache).
    `allowed_hosts`: the Host names answered (`rasd serve`: the bound address and localhost);
    None answers any (an app built in-process, as the tests do).
    `warm`: build the reader's per-version tables before serving (`StoreReader.warm`).
    `threads`: threads that run the request handlers (REQUEST_THREADS); uploads run apart.
    """
    _require_web()
    from fastapi import FastAPI
    from fastapi.staticfiles import StaticFiles

    from rasd import __version__
    from rasd.web import api, pages

    from rasd.store.read import is_postgres

    postgres = is_postgres(db)
    if "://" in str(db) and not postgres:
        raise ValueError("the web app reads an SQLite file or a postgresql:// database; give its path or URL")
    if not postgres and not Path(db).exists():
        raise FileNotFoundError(f"no store at {db} (run `rasd run PATH --db {db}` first)")
    if index:
        ensure_read_indexes(db)
    index_counts = prepare_search_index(db) if index else None
    reader = StoreReader(db, governorates=load_governorates())
    if warm:
        reader.warm()

    app = FastAPI(title="rasd", version=__version__, docs_url=None, redoc_url=None, lifespan=_handler_threads(threads),
                  description="Read-only API over a rasd store: documents, events, actors, places, search.")
    app.state.reader = reader
    app.state.token = token
    app.state.tiles_url = tiles_url
    app.state.db_path = str(db) if postgres else str(Path(db).resolve())
    app.state.index_counts = index_counts
    nm = find_node_modules(Path(node_modules) if node_modules else None)
    vendors = {}
    app.mount("/static", StaticFiles(directory=str(STATIC_DIR)), name="static")
    if nm is not None:
        for name, sub in VENDOR_DIRS.items():
            folder = nm / sub
            if folder.is_dir():
                app.mount(f"/vendor/{name}", StaticFiles(directory=str(folder)), name=f"vendor-{name}")
                vendors[name] = True
    app.state.vendors = vendors
    app.state.node_modules = nm
    app.include_router(api.router)
    app.include_router(pages.router)
    app.add_middleware(ResponseCache, reader=reader, max_bytes=cache_mb * 1024 * 1024)
    from rasd.web.api import MAX_UPLOAD_BYTES

    app.add_middleware(WriteGuard, token=token, max_bytes=MAX_UPLOAD_BYTES)   # before any body is read
    if allowed_hosts is not None:
        app.add_middleware(TrustedHosts, hosts=list(allowed_hosts))
    app.add_middleware(SecurityHeaders, csp=content_security_policy(tiles_url))  # outermost: on cached answers too
    return app


def _handler_threads(threads: int) -> Any:
    """The app's lifespan: it sets how many threads run the request handlers (`REQUEST_THREADS`)."""
    from contextlib import asynccontextmanager

    import anyio.to_thread

    @asynccontextmanager
    async def lifespan(_app: Any) -> Any:
        anyio.to_thread.current_default_thread_limiter().total_tokens = max(1, threads)
        yield

    return lifespan


def app_from_env() -> Any:
    """The app for one of `rasd serve --workers N`'s processes: create_app's arguments from $RASD_WEB_APP_ARGS."""
    return create_app(**json.loads(os.environ[APP_ARGS_ENV]))
