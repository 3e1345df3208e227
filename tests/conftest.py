"""Shared test helpers: where ../shared is, and a skip when it is absent."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
#: ../shared beside the checkout; RASD_SHARED names another place (a git worktree one level deeper).
SHARED = Path(os.environ.get("RASD_SHARED") or ROOT / ".." / "shared").resolve()


def shared_path(*parts: str) -> Path:
    """A path under ../shared, skipping the calling test with a reason when it is absent."""
    p = SHARED.joinpath(*parts)
    if not p.exists():
        pytest.skip(f"needs ../shared/{'/'.join(parts)} (absent on this machine)")
    return p


#: The store backends the store, search, web and pipeline tests run on. PostgreSQL's tests skip
#: with the reason (`tests.pg_cluster.find_problem`) where psycopg or the server binaries are absent.
BACKENDS = ("sqlite", pytest.param("postgresql", marks=pytest.mark.postgres))


@pytest.fixture(scope="session")
def pg_cluster():
    """A throwaway PostgreSQL cluster for the session (tests.pg_cluster); skips with the reason
    where one cannot start."""
    from tests.pg_cluster import PgCluster, find_problem

    problem = find_problem()
    if problem:
        pytest.skip(f"PostgreSQL backend: {problem}")
    cluster = PgCluster()
    yield cluster
    cluster.stop()


@pytest.fixture
def make_db(request, tmp_path):
    """A factory of fresh, empty store locations on the backend of the test's parameter
    (`@pytest.mark.parametrize("make_db", BACKENDS, indirect=True)`): `make_db("name")` gives an
    SQLite file path, or the URL of a new database in the session's PostgreSQL cluster."""
    backend = getattr(request, "param", "sqlite")
    if backend == "postgresql":
        cluster = request.getfixturevalue("pg_cluster")
        return lambda name="rasd": cluster.database(name)
    return lambda name="rasd": str(tmp_path / f"{name}.db")
