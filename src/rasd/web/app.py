"""The web app: `create_app(db)` builds a FastAPI app over one store file.

Read-only by default: pages and the JSON API read through `StoreReader` (SQLite `mode=ro`).
The one write the server does by itself is the search index, updated at start-up. The only
endpoint that writes (`POST /api/ingest`) answers 403 unless the app was built with a token.
Every response carries a strict Content-Security-Policy (no inline scripts or styles), nosniff
and a no-referrer policy; templates autoescape everything.
"""
from __future__ import annotations

import json
import logging
import sqlite3
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from rasd.store.search import update_search_index
from rasd.web.queries import StoreReader

log = logging.getLogger("rasd.web")

#: The npm packages the pages use, and the folder of each that is served under /vendor/NAME/.
VENDOR_DIRS = {
    "leaflet": "leaflet/dist",
    "leaflet.markercluster": "leaflet.markercluster/dist",
    "swagger-ui-dist": "swagger-ui-dist",
}

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


def prepare_search_index(db: str | Path) -> dict | None:
    """Bring the search index up to date; None (and a warning) when the file cannot be written."""
    try:
        return update_search_index(str(db))
    except sqlite3.OperationalError as exc:
        log.warning("search index not updated (%s); search uses what is already indexed", exc)
        return None


def create_app(db: str, *, token: str | None = None, tiles_url: str | None = None,
               node_modules: str | Path | None = None, index: bool = True) -> Any:
    """Build the app over the store file `db`.

    `token`: enables the writing endpoint (POST /api/ingest) for requests bearing it.
    `tiles_url`: an XYZ tile template (`https://tile.example/{z}/{x}/{y}.png`) for the map; none by default.
    `node_modules`: where the npm packages are (default: found next to the working directory or checkout).
    `index`: update the search index before serving (the only write the server does on its own).
    """
    _require_web()
    from fastapi import FastAPI
    from fastapi.staticfiles import StaticFiles

    from rasd import __version__
    from rasd.web import api, pages

    if "://" in str(db):
        raise ValueError("the web app reads an SQLite file; give its path")
    if not Path(db).exists():
        raise FileNotFoundError(f"no store at {db} (run `rasd run PATH --db {db}` first)")
    index_counts = prepare_search_index(db) if index else None
    reader = StoreReader(db, governorates=load_governorates())

    app = FastAPI(title="rasd", version=__version__, docs_url=None, redoc_url=None,
                  description="Read-only API over a rasd store: documents, events, actors, places, search.")
    app.state.reader = reader
    app.state.token = token
    app.state.tiles_url = tiles_url
    app.state.db_path = str(Path(db).resolve())
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
    app.include_router(api.router)
    app.include_router(pages.router)
    app.add_middleware(SecurityHeaders, csp=content_security_policy(tiles_url))
    return app
