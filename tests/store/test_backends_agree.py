"""SQLite and PostgreSQL hold the same store: the same pipeline run on the demo pages of examples/
exports the same documents and events (sorted lines, byte for byte), and answers the same searches."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
RASD = [sys.executable, "-m", "rasd.cli"]


def _rasd(*args: str) -> str:
    r = subprocess.run(RASD + list(args), capture_output=True, text=True)
    assert r.returncode in (0, 3), r.stderr
    return r.stdout


@pytest.mark.postgres
@pytest.mark.slow
def test_the_same_run_exports_the_same_on_both_backends(tmp_path, pg_cluster):
    sqlite_db, pg_db = str(tmp_path / "ex.db"), pg_cluster.database("agree")
    for db in (sqlite_db, pg_db):
        _rasd("run", str(ROOT / "examples"), "--db", db, "-q")
    for what in (["documents"], ["events"], ["events", "--format", "acled"]):
        a = sorted(_rasd("export", *what, "--db", sqlite_db).splitlines())
        b = sorted(_rasd("export", *what, "--db", pg_db).splitlines())
        if what[-1] == "acled":   # ACLED's last column is the time each run ingested the page
            a, b = ([line.rsplit(",", 1)[0] for line in x] for x in (a, b))
        assert a and a == b, f"export {' '.join(what)} differs between SQLite and PostgreSQL"
