"""Fixtures for the web tests: a store filled with our own demo articles, and a TestClient over it;
stores built (and linked) by the real pipeline from examples/ and from ../shared/seeds."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("fastapi", reason="the web tests need the web extra: pip install 'rasd[web]'")

sys.path.insert(0, str(Path(__file__).resolve().parent))
from fill import fill_store  # noqa: E402
from live import launch_chromium  # noqa: E402

from tests.conftest import BACKENDS  # noqa: E402


@pytest.fixture(scope="session")
def demo_db(tmp_path_factory) -> tuple[str, dict[str, str]]:
    """(path of a store holding the demo articles, article key -> document id)."""
    path = tmp_path_factory.mktemp("web") / "demo.db"
    ids = fill_store(path)
    return str(path), ids


@pytest.fixture(scope="session")
def pg_demo_db(pg_cluster) -> tuple[str, dict[str, str]]:
    """(URL of a PostgreSQL store holding the demo articles, article key -> document id): the same
    documents as `demo_db` (ids hash content, so they are the same ids)."""
    url = pg_cluster.database("demo")
    return url, fill_store(url)


@pytest.fixture(scope="session", params=BACKENDS)
def client(request, demo_db):
    """A TestClient over the demo store, read-only (no token): on the SQLite file, then on the
    same articles in PostgreSQL (every test using it runs on both backends)."""
    from fastapi.testclient import TestClient

    from rasd.web.app import create_app

    db = request.getfixturevalue("pg_demo_db")[0] if request.param == "postgresql" else demo_db[0]
    with TestClient(create_app(db)) as c:
        yield c


ROOT = Path(__file__).resolve().parents[2]


def build_real_store(folder: Path, source: Path, rules_only: bool = False) -> str:
    """`rasd run SOURCE --db folder/store.db -q` (read, clean, extract, store, link); the store's path.
    `rules_only`: extraction by the rules alone (`[extract] learned = false`)."""
    db = str(folder / "store.db")
    extra = []
    if rules_only:
        (folder / "rules.toml").write_text("[extract]\nlearned = false\n", encoding="utf-8")
        extra = ["--config", str(folder / "rules.toml")]
    r = subprocess.run([sys.executable, "-m", "rasd.cli", "run", str(source), "--db", db, "-q", *extra],
                       capture_output=True, text=True)
    assert r.returncode in (0, 3), r.stderr
    return db


@pytest.fixture(scope="session")
def examples_db(tmp_path_factory) -> str:
    """A store the real pipeline built and linked from the demo pages in examples/ (tests must not write to it)."""
    return build_real_store(tmp_path_factory.mktemp("examples"), ROOT / "examples")


@pytest.fixture(scope="session")
def examples_pg_db(pg_cluster, tmp_path_factory) -> str:
    """The URL of a PostgreSQL store the real pipeline built and linked from examples/ (as `examples_db`)."""
    url = pg_cluster.database("examples")
    r = subprocess.run([sys.executable, "-m", "rasd.cli", "run", str(ROOT / "examples"), "--db", url, "-q"],
                       capture_output=True, text=True)
    assert r.returncode in (0, 3), r.stderr
    return url


@pytest.fixture(scope="session")
def seeds_db(tmp_path_factory) -> str:
    """A store the real pipeline built and linked from ../shared/seeds; skips when ../shared is absent.

    Extraction by the rules alone: the tests over it check how the web shows what linking made of
    known pages (the Homs withdrawal claimed on one page and denied on another), which must not
    change each time the learned layer is retrained; extraction quality on the seeds is scored by
    `rasd eval --set seeds`."""
    from tests.conftest import shared_path

    return build_real_store(tmp_path_factory.mktemp("seeds"), shared_path("seeds"), rules_only=True)


@pytest.fixture(scope="session")
def almayadeen_db(tmp_path_factory) -> str:
    """A store the real pipeline built and linked from the 796 Al Mayadeen articles in
    ../shared/data (about 30 s to 2 min; once per session); skips when ../shared is absent."""
    from tests.conftest import shared_path

    return build_real_store(tmp_path_factory.mktemp("almayadeen"), shared_path("data", "almayadeen-syria-articles"))


#: Where this session's browser tests put their screenshots (printed at the end of the run).
_SHOTS: list[Path] = []


@pytest.fixture(scope="session")
def shots(tmp_path_factory) -> Path:
    """The folder for screenshots: $RASD_SCREENSHOTS (e.g. out/screenshots), else a temporary one.
    The run's summary names it and counts its pictures, so they go with the test output."""
    out = os.environ.get("RASD_SCREENSHOTS")
    path = Path(out).resolve() if out else tmp_path_factory.mktemp("screenshots")
    path.mkdir(parents=True, exist_ok=True)
    _SHOTS.append(path)
    return path


def pytest_terminal_summary(terminalreporter) -> None:
    """Name the screenshot folder and count its pictures at the end of a run that took any."""
    for path in _SHOTS:
        pngs = sorted(path.glob("*.png"))
        if pngs:
            terminalreporter.write_sep("-", "screenshots")
            terminalreporter.write_line(f"{len(pngs)} screenshots in {path}")


@pytest.fixture(scope="module")
def browser():
    """Headless chromium for one test module (the browser tests skip first where it is missing)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = launch_chromium(p)
        yield b
        b.close()


@pytest.fixture()
def page(browser):
    """A fresh right-to-left page that records dialogs (an executed alert) and console errors (CSP
    violations)."""
    ctx = browser.new_context(viewport={"width": 1280, "height": 900}, locale="ar")
    pg = ctx.new_page()
    pg.dialogs = []
    pg.errors = []
    pg.on("dialog", lambda d: (pg.dialogs.append(d.message), d.dismiss()))
    pg.on("console", lambda m: pg.errors.append(m.text) if m.type == "error" else None)
    pg.on("pageerror", lambda e: pg.errors.append(str(e)))
    yield pg
    ctx.close()
