"""`rasd run --workers N` and `rasd learn`: the CLI wiring of the pre-pass and the worker processes."""
from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

from tests.engine.test_order_independence import synthetic_records

RASD = [sys.executable, "-m", "rasd.cli"]


def rasd(*args, timeout=300):
    return subprocess.run(RASD + [str(a) for a in args], capture_output=True, text=True, timeout=timeout)


def write(path: Path, records) -> Path:
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in records) + "\n", "utf-8")
    return path


def export(db: Path, what: str) -> list[str]:
    r = rasd("export", what, "--db", db)
    assert r.returncode == 0, r.stderr
    return sorted(line for line in r.stdout.splitlines() if line.strip())


def test_run_with_two_workers_exports_what_one_worker_exports(tmp_path):
    feed = write(tmp_path / "feed.jsonl", synthetic_records())
    for w in (1, 2):
        r = rasd("run", feed, "--db", tmp_path / f"w{w}.db", "--workers", w, "-q")
        assert r.returncode == 0, r.stderr
    for what in ("documents", "events"):
        one, two = export(tmp_path / "w1.db", what), export(tmp_path / "w2.db", what)
        assert one and one == two


def test_learn_from_a_sample_then_run_on_the_stored_state(tmp_path):
    recs = synthetic_records()
    idlib = [r for r in recs if "sawt-idlib" in r["url"]]
    sample = write(tmp_path / "sample.jsonl", [r for r in idlib if "لـ\"صوت إدلب\"" in r["full_text"]])
    rest = write(tmp_path / "rest.jsonl", [r for r in idlib if "لـ\"صوت إدلب\"" not in r["full_text"]])
    no_learn = tmp_path / "run.toml"
    no_learn.write_text("[run]\nlearn_boilerplate = false\n", "utf-8")

    bare = tmp_path / "bare.db"
    assert rasd("ingest", rest, "--db", bare, "--config", no_learn, "-q").returncode == 0
    assert {json.loads(d)["outlet"] for d in export(bare, "documents")} == {None}   # nothing learnt, none named

    db = tmp_path / "s.db"
    r = rasd("learn", sample, "--db", db)
    assert r.returncode == 0 and "3 learnt" in r.stderr, r.stderr
    assert rasd("ingest", rest, "--db", db, "--config", no_learn, "-q").returncode == 0
    docs = [json.loads(d) for d in export(db, "documents")]
    assert len(docs) == len(idlib) - 3 and {d["outlet"] for d in docs} == {"صوت إدلب"}


def test_a_second_run_extends_the_stored_state_and_skips_stored_documents(tmp_path):
    recs = synthetic_records()
    a, b = write(tmp_path / "a.jsonl", recs[::2]), write(tmp_path / "b.jsonl", recs[1::2])
    db = tmp_path / "s.db"
    assert rasd("ingest", a, "--db", db, "-q").returncode == 0
    r = rasd("ingest", a, b, "--db", db, "-q")
    assert r.returncode == 0, r.stderr
    con = sqlite3.connect(db)
    pages = con.execute("SELECT count(*) FROM site_pages").fetchone()[0]
    runs = [json.loads(c) for (c,) in con.execute("SELECT config FROM runs ORDER BY started_at")]
    counts = [json.loads(c) for (c,) in con.execute("SELECT counts FROM runs ORDER BY started_at")]
    con.close()
    assert pages == len(recs)
    assert runs[1]["site_state"]["pages_known"] == len(recs[::2])          # a's pages were not relearnt
    assert runs[1]["site_state"]["pages_learnt_now"] == len(recs[1::2])
    assert counts[1]["skipped_done"] == len(recs[::2])                     # nor a's documents recleaned
