"""Stories the real pipeline (read, clean, extract, link) finds on our demo pages.

The pages have known groups: pages reporting one happening (an exact copy, a light rewrite, two
reports of one air strike with different tolls). The test asserts the exact partition of the
multi-page stories: every group found, and nothing else joined. (The seeds' own story set is no
longer pinned: the seeds are a smoke test, not a target.)
"""
import subprocess
import sys
from pathlib import Path

from sqlalchemy import text

from rasd.store.links import list_stories
from rasd.store.sqlite import SqliteStore

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
