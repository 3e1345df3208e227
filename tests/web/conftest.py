"""Fixtures for the web tests: a store filled with our own demo articles, and a TestClient over it."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

pytest.importorskip("fastapi", reason="the web tests need the web extra: pip install 'rasd[web]'")

sys.path.insert(0, str(Path(__file__).resolve().parent))
from fill import fill_store  # noqa: E402


@pytest.fixture(scope="session")
def demo_db(tmp_path_factory) -> tuple[str, dict[str, str]]:
    """(path of a store holding the demo articles, article key -> document id)."""
    path = tmp_path_factory.mktemp("web") / "demo.db"
    ids = fill_store(path)
    return str(path), ids


@pytest.fixture(scope="session")
def client(demo_db):
    """A TestClient over the demo store, read-only (no token)."""
    from fastapi.testclient import TestClient

    from rasd.web.app import create_app

    with TestClient(create_app(demo_db[0])) as c:
        yield c
