"""One writer per store: a second `rasd run` on the same store waits for the first, then completes."""
from __future__ import annotations

import subprocess
import sys
import time

import pytest

from rasd.store.lock import lock_path, writer_lock

fcntl = pytest.importorskip("fcntl")


def _page(tmp_path, name: str, text: str):
    p = tmp_path / name
    p.write_text(text, "utf-8")
    return p


def test_a_second_writer_waits_for_the_first_and_then_stores_everything(tmp_path):
    db = str(tmp_path / "s.db")
    a = _page(tmp_path, "a.txt", "قصفت المدفعية أحياء في مدينة حلب صباح الاثنين، وأفاد ناشطون بسقوط جرحى.\n")
    b = _page(tmp_path, "b.txt", "نظم أهالي بلدة المشيرفة وقفة احتجاجية أمام مبنى البلدية للمطالبة بالمياه.\n")
    r = subprocess.run([sys.executable, "-m", "rasd.cli", "run", str(a), "--db", db, "-q"],
                       capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    with writer_lock(db):   # this test is the first writer now
        second = subprocess.Popen([sys.executable, "-m", "rasd.cli", "run", str(b), "--db", db, "-q"],
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        time.sleep(5)   # enough for it to start and reach the lock
        assert second.poll() is None, second.communicate()   # still waiting, nothing written
    out, errs = second.communicate(timeout=300)
    assert second.returncode == 0, errs
    assert "is writing to" in errs and "waiting" in errs
    from rasd.store.sqlite import SqliteStore

    store = SqliteStore(db)
    try:
        assert len(list(store.iter_documents())) == 2
        assert {r["status"] for r in store.list_runs()} == {"ok"}
    finally:
        store.close()


def test_the_lock_goes_with_its_holder(tmp_path):
    db = str(tmp_path / "s.db")
    holder = subprocess.Popen([sys.executable, "-c", (
        "import sys, time; from rasd.store.lock import writer_lock\n"
        f"with writer_lock({db!r}):\n    print('held', flush=True); time.sleep(60)")],
        stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline().strip() == "held"
    holder.kill()   # kill -9: no clean-up code runs
    holder.wait()
    waited = []
    with writer_lock(db, on_wait=waited.append):
        pass
    assert waited == [] and lock_path(db).exists()
    assert lock_path("postgresql://h/db") is None


def test_a_web_upload_waits_for_a_writer_too(tmp_path):
    import threading

    from rasd.web.ingest import ingest_upload

    db = str(tmp_path / "s.db")
    done = []
    page = "نظم أهالي بلدة المشيرفة وقفة احتجاجية أمام مبنى البلدية للمطالبة بالمياه.\n".encode()
    with writer_lock(db):
        t = threading.Thread(target=lambda: done.append(ingest_upload(db, "a.txt", page)))
        t.start()
        t.join(3)
        assert t.is_alive() and not done   # waiting on the lock this test holds
    t.join(120)
    assert done and done[0]["documents_written"] == 1
