"""`rasd run` SIGKILLed at 52 random points of ingest and linking resumes to the store a clean run makes,
on every store backend.

Issue 12 ("Nothing lost, nothing hangs"): a test kills `rasd run` at >= 50 random points (ingest and
linking) and checks the resumed store equals a clean run's, on every store backend.

How: the input is the bundled demo pages (`examples/`: 25 pages, a feed, bad inputs to quarantine).
A small fork server (SERVER below) imports rasd once, warms its models, then forks one child per
`rasd run` (`rasd.cli.app`, the same entry point as the console script), so 100+ runs fit in CI
time. In each child an SQLAlchemy listener counts the store's statements and commits, and so do
wrappers around the search index's own connection (sqlite3 or psycopg) (ingest and linking:
`link_pending` marks the phase); at the chosen count the child says `PAUSED` and waits, and the
test SIGKILLs it there: inside an open transaction or between two. A clean run gives the number of
checkpoints of each phase; kill points are drawn uniformly from each (seeded), 4 of the ingest ones
from the search index's update (a few dozen of ~400). After each kill no run may read as `running`
(on PostgreSQL, a store other machines open too, also as another machine lists them); the store is
resumed with another `rasd run` (every fourth resume is itself killed once more) and compared with
the clean store: both exports (documents, events), every link table (stories, their documents,
duplicates, fused events and members, signatures, vectors; write-time columns left out),
documents' duplicate marks, the search index and the quarantine. The demo input is 36 documents, one
batch at the default `LinkOptions.batch_docs`, so children link in batches of 4 (BATCH_DOCS) to
put kills between saved batches.

Backends: SQLite (a file per store) and PostgreSQL (one throwaway cluster, `tests/pg_cluster.py`, and
a database per store, dropped once compared; skipped with the reason where psycopg or the server
binaries are missing). The same kill points, resumes and comparisons run on each; a backend joins by
adding a `Backend` to BACKENDS.
"""
from __future__ import annotations

import io
import json
import os
import random
import select as pipe_select
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import pytest
from sqlalchemy import inspect, select, text

from rasd.store.export import export_documents, export_events
from rasd.store.links import link_docs, link_metadata
from rasd.store.schema import documents, quarantine
from rasd.store.sqlite import SqliteStore

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
SEED = 20241208
N_INGEST_KILLS = 26
N_LINK_KILLS = 26
#: Of the ingest kills, those aimed at the search index's update (a few dozen of the ~400 ingest
#: checkpoints: uniform draws alone would rarely land there).
N_INDEX_KILLS = 4
BATCH_DOCS = 4
#: Columns and export fields holding the time of writing or the run that wrote, not content.
CLOCK = {"linked_at", "updated_at", "ingested_at", "created_at", "run_id", "fetched_at"}

SERVER = r'''
import dataclasses, os, sqlite3, sys, time, types
import rasd.link.embed as embed_mod
import rasd.link.stage as stage_mod
import rasd.store.links as links_mod
import rasd.store.postgres_search as pg_search_mod
import rasd.store.search as search_mod
from rasd.cli import app
from sqlalchemy import event
from sqlalchemy.engine import Engine

examples, warm_db, batch_docs = sys.argv[1], sys.argv[2], int(sys.argv[3])

def say(line):
    os.write(1, (line + "\n").encode())

def rasd_run(db):
    try:
        app(["run", examples, "--db", db, "--quiet"])
    except SystemExit as e:
        return e.code or 0
    return 0

# The sentence encoder loads its weights on first use (2 s); every child shares one warm copy.
if embed_mod.embeddings_available():
    warm = embed_mod.UseEmbedder()
    warm(["تحميل"])
    embed_mod.load_embedder = lambda threads=1: warm
# 36 documents are one batch at the default size: cut them smaller so kills land between batches.
init = stage_mod.Linker.__init__
def small_batches(self, options=stage_mod.LinkOptions(), embed=None, **more):
    init(self, dataclasses.replace(options, batch_docs=batch_docs), embed, **more)
stage_mod.Linker.__init__ = small_batches
# The search index is written over a connection of its own, not through the store's engine (sqlite3
# on SQLite, psycopg on PostgreSQL): its statements and commits are checkpoints too (`hook`).
hook = [lambda: None]

class CountedSqlite(sqlite3.Connection):
    def execute(self, *a):
        hook[0]()
        return super().execute(*a)
    def executemany(self, *a):
        hook[0]()
        return super().executemany(*a)
    def commit(self):
        hook[0]()
        return super().commit()

search_sqlite3 = types.ModuleType("sqlite3")
search_sqlite3.__dict__.update(sqlite3.__dict__)
search_sqlite3.connect = lambda *a, **kw: sqlite3.connect(*a, factory=CountedSqlite, **kw)
search_mod.sqlite3 = search_sqlite3

pg_connect = pg_search_mod._connect
def counted_pg_connect(db):
    import psycopg
    class CountedCursor(psycopg.Cursor):
        def execute(self, *a, **kw):
            hook[0]()
            return super().execute(*a, **kw)
        def copy(self, *a, **kw):
            hook[0]()
            return super().copy(*a, **kw)
    class CountedPg(psycopg.Connection):
        __slots__ = ()
        def commit(self):
            hook[0]()
            return super().commit()
    conn = pg_connect(db)
    conn.__class__ = CountedPg
    conn.cursor_factory = CountedCursor
    return conn
pg_search_mod._connect = counted_pg_connect

rasd_run(warm_db)   # fills every lazy cache (gazetteer, lexicons, models) before forking
say("READY")

for line in sys.stdin:
    db, pause_at = line.split()
    pid = os.fork()
    if pid == 0:
        counts = {"ingest": 0, "link": 0}
        phase, total = ["ingest"], [0]
        def checkpoint(*_args, **_kw):
            total[0] += 1
            counts[phase[0]] += 1
            if total[0] == int(pause_at):
                say(f"PAUSED {phase[0]} {total[0]}")
                time.sleep(600)
        event.listen(Engine, "before_cursor_execute", checkpoint)
        event.listen(Engine, "commit", checkpoint)
        hook[0] = checkpoint
        link_pending = links_mod.link_pending
        span = [0, 0]   # checkpoints before linking, and at its end (the search index and the
                        # run's record are written after it)
        def marked(*a, **kw):
            phase[0] = "link"
            span[0] = total[0]
            try:
                return link_pending(*a, **kw)
            finally:
                phase[0] = "ingest"
                span[1] = total[0]
        links_mod.link_pending = marked
        update_search_index = search_mod.update_search_index
        index = [0, 0]   # checkpoints before the search index is brought up to date, and at its end
        def indexing(*a, **kw):
            index[0] = total[0]
            try:
                return update_search_index(*a, **kw)
            finally:
                index[1] = total[0]
        search_mod.update_search_index = indexing
        rc = rasd_run(db)
        say(f"DONE {rc} ingest={counts['ingest']} link={counts['link']} from={span[0]} to={span[1]} "
            f"index_from={index[0]} index_to={index[1]}")
        sys.stdout.flush()
        os._exit(0)
    say(f"PID {pid}")
    _, status = os.waitpid(pid, 0)
    say(f"REAPED {pid} {-os.WTERMSIG(status) if os.WIFSIGNALED(status) else os.WEXITSTATUS(status)}")
'''


@dataclass(frozen=True)
class Backend:
    """A store backend under test: where its fresh stores come from, and how to open one.

    `stores(request, tmp)` is called once per test and gives `new_db(name)`, the `--db` argument of
    a new, empty store, and `drop(db)`, which removes one once it is compared. `shared`: other
    machines open the same store (a database server), so a killed run must also read as ended there."""

    name: str
    stores: Callable[[pytest.FixtureRequest, Path], tuple[Callable[[str], str], Callable[[str], None]]]
    open: Callable[[str], object]
    shared: bool = False


def _sqlite_stores(_request: pytest.FixtureRequest, tmp: Path):
    return (lambda name: str(tmp / f"{name}.db")), (lambda db: None)


def _postgres_stores(request: pytest.FixtureRequest, _tmp: Path):
    # One cluster for the session (skipped with its reason where PostgreSQL cannot start), one
    # empty database per store (CREATE DATABASE from template0: about as cheap as a new file).
    cluster = request.getfixturevalue("pg_cluster")
    return cluster.database, cluster.drop_database


def _open_postgres(db: str):
    from rasd.store.postgres import PostgresStore

    return PostgresStore(db)


BACKENDS = [
    pytest.param(Backend("sqlite", _sqlite_stores, SqliteStore), id="sqlite"),
    pytest.param(Backend("postgresql", _postgres_stores, _open_postgres, shared=True), id="postgresql",
                 marks=pytest.mark.postgres),
]


class Server:
    """The fork server's pipes; lines are read with os.read into a buffer (no buffered readline
    behind a select, which can leave a line in Python's buffer while select waits on the pipe)."""

    def __init__(self, tmp: Path):
        script = tmp / "server.py"
        script.write_text(SERVER, encoding="utf-8")
        self.stderr = tmp / "server.err"
        self.proc = subprocess.Popen(
            [sys.executable, str(script), str(EXAMPLES), str(tmp / "warm.db"), str(BATCH_DOCS)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self.stderr.open("wb"), cwd=ROOT)
        self.buf = b""

    def line(self, timeout: float = 120.0) -> str:
        deadline = time.monotonic() + timeout
        while b"\n" not in self.buf:
            if time.monotonic() > deadline or self.proc.poll() is not None:
                raise AssertionError(f"fork server stalled or died; stderr: {self.stderr.read_text()[-3000:]}")
            ready, _, _ = pipe_select.select([self.proc.stdout], [], [], 0.5)
            if ready:
                chunk = os.read(self.proc.stdout.fileno(), 65536)
                if not chunk:
                    raise AssertionError(f"fork server closed its output; stderr: {self.stderr.read_text()[-3000:]}")
                self.buf += chunk
        head, self.buf = self.buf.split(b"\n", 1)
        return head.decode()

    def expect(self, prefix: str) -> list[str]:
        got = self.line()
        assert got.startswith(prefix), f"expected {prefix}, got {got!r}"
        return got.split()

    def run(self, db: str, pause_at: int = 0) -> tuple[str, list[str]]:
        """One `rasd run`; paused at checkpoint `pause_at` it is SIGKILLed there. Returns
        ("killed", [phase, n]) or ("done", [rc, ingest=, link=, from=, to=])."""
        self.proc.stdin.write(f"{db} {pause_at}\n".encode())
        self.proc.stdin.flush()
        pid = int(self.expect("PID")[1])
        got = self.line().split()
        if got[0] == "PAUSED":
            os.kill(pid, signal.SIGKILL)
            assert self.expect("REAPED")[1:] == [str(pid), str(-signal.SIGKILL)]
            return "killed", got[1:]
        assert got[0] == "DONE", got
        self.expect("REAPED")
        return "done", got[1:]

    def close(self) -> None:
        self.proc.stdin.close()
        self.proc.wait(timeout=60)


def _strip(value):
    """A record without its write-time fields."""
    if isinstance(value, dict):
        return {k: _strip(v) for k, v in value.items() if k not in CLOCK}
    if isinstance(value, list):
        return [_strip(v) for v in value]
    return value


def snapshot(store) -> dict:
    """What a resumed store must share with a clean one."""
    out = {}
    for name, export in (("documents", export_documents), ("events", export_events)):
        buf = io.StringIO()
        export(store, "jsonl", buf)
        out[name] = sorted(json.dumps(_strip(json.loads(line)), sort_keys=True, ensure_ascii=False)
                           for line in buf.getvalue().splitlines())
    with store.engine.connect() as conn:
        for t in link_metadata.sorted_tables:
            cols = [c for c in t.c if c.name not in CLOCK]
            out[t.name] = sorted(tuple(r) for r in conn.execute(select(*cols)))
        out["duplicate_of"] = sorted(tuple(r) for r in conn.execute(select(documents.c.id, documents.c.duplicate_of)))
        if inspect(conn).has_table("search_docs"):   # SQLite's full-text index, brought up to date by each run
            out["search_docs"] = sorted(tuple(r) for r in conn.execute(text("SELECT doc_id, fingerprint FROM search_docs")))
        q = select(quarantine.c.raw_sha256, quarantine.c.path, quarantine.c.record, quarantine.c.stage,
                   quarantine.c.reason, quarantine.c.detail)
        out["quarantine"] = sorted(tuple(r) for r in conn.execute(q))
    return out


def _linked(backend: Backend, db: str) -> tuple[int, int]:
    """(documents linked, documents stored)."""
    store = backend.open(db)
    try:
        with store.engine.connect() as conn:
            n_linked = len(conn.execute(select(link_docs.c.doc_id)).all()) if store.engine.dialect.has_table(
                conn, "link_docs") else 0
            return n_linked, len(conn.execute(select(documents.c.id)).all())
    finally:
        store.close()


def _still_running(backend: Backend, db: str, host: str | None = None, wait_s: float = 0.0) -> list[str]:
    """The ids of the runs listed as `running`, seen from this machine or from `host`; asked again
    for up to `wait_s` while any is (the server may take a moment to see a killed client go)."""
    deadline = time.monotonic() + wait_s
    while True:
        store = backend.open(db)
        try:
            if host is not None:
                store._host = host   # what another machine's `rasd runs` or web server lists
            running = [r["id"] for r in store.list_runs() if r["status"] == "running"]
        finally:
            store.close()
        if not running or time.monotonic() > deadline:
            return running
        time.sleep(0.1)


@pytest.mark.slow
@pytest.mark.parametrize("backend", BACKENDS)
def test_run_killed_at_random_points_resumes_to_the_clean_store(request: pytest.FixtureRequest, tmp_path: Path,
                                                                 backend: Backend) -> None:
    new_db, drop_db = backend.stores(request, tmp_path)
    server = Server(tmp_path)
    try:
        server.expect("READY")
        clean_db = new_db("clean")
        status, done = server.run(clean_db)
        assert status == "done" and done[0] == "3"   # examples/bad is quarantined: exit code 3
        n_ingest, n_link, link_from, link_to, index_from, index_to = (int(x.split("=")[1]) for x in done[1:])
        assert link_to - link_from == n_link and link_to <= index_from < index_to
        store = backend.open(clean_db)
        clean = snapshot(store)
        runs = store.list_runs()
        store.close()
        n_docs = len(clean["documents"])
        assert n_docs >= 30 and len(clean["fused_events"]) > 0 and len(clean["link_duplicates"]) >= 2
        assert len(clean["quarantine"]) >= 3 and [r["status"] for r in runs] == ["ok"]
        assert n_link > 3 * (n_docs // BATCH_DOCS)  # several statements per saved batch

        rnd = random.Random(SEED)
        # ingest checkpoints: those before linking and the few after it (search index, run record)
        ingest_points = list(range(1, link_from + 1)) + list(range(link_to + 1, n_ingest + n_link + 1))
        points = ([rnd.choice(ingest_points) for _ in range(N_INGEST_KILLS - N_INDEX_KILLS)]
                  + [rnd.randint(index_from + 1, index_to) for _ in range(N_INDEX_KILLS)]
                  + [rnd.randint(link_from + 1, link_to) for _ in range(N_LINK_KILLS)])
        kills = {"ingest": 0, "link": 0}
        in_index = sum(index_from < p <= index_to for p in points)
        partly_linked = 0
        for i, point in enumerate(points):
            db = new_db(f"p{i}")
            status, where = server.run(db, point)
            assert status == "killed" and where == ["link" if link_from < point <= link_to else "ingest",
                                                    str(point)]
            kills[where[0]] += 1
            assert not _still_running(backend, db), f"kill point {point}: the killed run still reads as running"
            if backend.shared:
                assert not _still_running(backend, db, host="another-machine", wait_s=10), (
                    f"kill point {point}: the killed run still reads as running from another machine")
            linked, stored = _linked(backend, db)
            if 0 < linked < stored:
                partly_linked += 1   # the batches saved before the kill are kept
            if i % 4 == 3:   # kill the resume too, somewhere in its first checkpoints
                status, where = server.run(db, rnd.randint(1, n_ingest // 2))
                kills[where[0] if status == "killed" else "ingest"] += status == "killed"
            status, done = server.run(db)
            assert status == "done" and done[0] in ("0", "3"), (point, done)
            store = backend.open(db)
            try:
                got = snapshot(store)
                statuses = [r["status"] for r in store.list_runs()]
            finally:
                store.close()
            for key in clean:
                assert got[key] == clean[key], f"kill point {point} ({where}): {key} differs from the clean run"
            assert "running" not in statuses and statuses[-1] == "ok"
            drop_db(db)
        print(f"kills: {kills} ({in_index} of the ingest ones in the search index's update), {partly_linked} between "
              f"saved link batches; checkpoints: ingest {n_ingest} (search index {index_to - index_from}), "
              f"link {n_link}; {n_docs} documents")
        assert kills["ingest"] >= N_INGEST_KILLS and kills["link"] >= N_LINK_KILLS and in_index >= N_INDEX_KILLS
        assert partly_linked >= 5, "no kill landed between two saved link batches"
    finally:
        server.close()
