"""One writer at a time per store: an advisory lock beside the SQLite file (PostgreSQL: a session
advisory lock in the database).

`rasd run`, `rasd ingest`, `rasd extract` and `rasd link` hold it while they write. A second
writer on the same store waits for the first to finish, after saying so, instead of failing with
"database is locked" or an IntegrityError half-way. The lock is `flock` on `<store>.lock`: the
kernel releases it when the holder dies, so a killed run never leaves the store locked. Readers
(the web server, exports) take no lock; SQLite's WAL lets them read while a writer writes.
"""
from __future__ import annotations

import os
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator

try:
    import fcntl
except ImportError:  # pragma: no cover - not on POSIX: no advisory locks, SQLite's own locking only
    fcntl = None  # type: ignore[assignment]


def lock_path(db: str) -> Path | None:
    """The lock file of a store given by path; None for a URL (a database server locks for itself)."""
    if "://" in db:
        return None
    return Path(db + ".lock")


@contextmanager
def writer_lock(db: str, on_wait: Callable[[str], None] | None = None) -> Iterator[None]:
    """Hold the store's writer lock; if another process holds it, call `on_wait` once and wait."""
    from rasd.store.postgres import is_postgres_url

    if is_postgres_url(db):
        with _postgres_writer_lock(db, on_wait):
            yield
        return
    path = lock_path(db)
    if path is None or fcntl is None:
        yield
        return
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 64, 0).decode("ascii", "replace").strip() or "?"
            if on_wait is not None:
                on_wait(f"another rasd process (pid {holder}) is writing to {db}; waiting for it to finish")
            fcntl.flock(fd, fcntl.LOCK_EX)
        os.ftruncate(fd, 0)
        os.pwrite(fd, str(os.getpid()).encode(), 0)
        yield
    finally:
        os.close(fd)   # closing the descriptor releases the lock


#: The advisory-lock key of the writer lock on a PostgreSQL store (any constant; "rasd" in ASCII).
PG_WRITER_LOCK_KEY = 0x72617364


@contextmanager
def _postgres_writer_lock(db: str, on_wait: Callable[[str], None] | None) -> Iterator[None]:
    """The writer lock of a PostgreSQL store: a session advisory lock held on a connection of its
    own; the server releases it when that connection closes, so a killed run never leaves it held."""
    from rasd.store.postgres import libpq_url, require_psycopg

    require_psycopg()
    import psycopg

    with psycopg.connect(libpq_url(db), autocommit=True) as conn:
        got = conn.execute("SELECT pg_try_advisory_lock(%s)", (PG_WRITER_LOCK_KEY,)).fetchone()[0]
        if not got:
            holder = conn.execute(
                "SELECT a.pid FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid WHERE l.locktype = "
                "'advisory' AND l.objid = %s AND l.granted LIMIT 1", (PG_WRITER_LOCK_KEY,)).fetchone()
            if on_wait is not None:
                on_wait(f"another rasd process (server pid {holder[0] if holder else '?'}) is writing to this "
                        "PostgreSQL store; waiting for it to finish")
            conn.execute("SELECT pg_advisory_lock(%s)", (PG_WRITER_LOCK_KEY,))
        yield
