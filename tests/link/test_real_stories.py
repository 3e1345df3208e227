"""Stories the real pipeline (read, clean, extract, link) finds on our demo pages and on the seeds.

Each page set has known groups: pages reporting one happening (an exact copy, a light rewrite, two
reports of one air strike with different tolls; the seeds' Arabic report and translated wire story
of the advance on Homs). The test asserts the exact partition of the multi-page stories: every group
found, and nothing else joined.
"""
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import text

from rasd.store.links import list_stories
from rasd.store.sqlite import SqliteStore
from tests.conftest import shared_path

ROOT = Path(__file__).resolve().parents[2]


def _stories(source: Path, db: Path) -> set[frozenset[str]]:
    r = subprocess.run([sys.executable, "-m", "rasd.cli", "run", str(source), "--db", str(db), "-q"],
                       capture_output=True, text=True)
    assert r.returncode in (0, 3), r.stderr
    store = SqliteStore(str(db))
    try:
        with store.engine.connect() as conn:
            name = {row.id: Path(row.path or "").name
                    for row in conn.execute(text("select id, path from documents"))}
        return {frozenset(name[d["doc_id"]] for d in s["documents"])
                for s in list_stories(store) if len(s["documents"]) > 1}
    finally:
        store.close()


def test_demo_pages_form_exactly_their_known_stories(tmp_path):
    assert _stories(ROOT / "examples", tmp_path / "ex.db") == {
        frozenset({"01_hama_capture.txt", "09_hama_capture_copy.txt"}),
        frozenset({"07_tal_rifaat_wire.txt", "08_tal_rifaat_rewrite.txt"}),
        frozenset({"05_idlib_airstrike_civil_defence.txt", "06_idlib_airstrike_observatory.txt"}),
    }


@pytest.mark.shared
def test_seed_pages_form_one_story_and_nothing_else_joins(tmp_path):
    seeds = shared_path("seeds")
    stories = _stories(seeds, tmp_path / "seeds.db")
    assert len(stories) == 1
    (only,) = stories
    assert len(only) == 2 and all(n.startswith(("002", "003")) for n in only)
