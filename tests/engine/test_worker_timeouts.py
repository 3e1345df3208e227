"""Per-document time limits that hold in worker processes and off the main thread (issue 11 item 3):
a page that hangs, even inside a regular expression, is cut, quarantined as `timeout`, and the
batch goes on."""
from __future__ import annotations

import os
import re
import threading
import time

import pytest

from rasd.clean.pipeline import CleanStage
from rasd.document import Item
from rasd.engine.local import EngineOptions, LocalEngine
from rasd.engine.workers import ProcessPool, fork_available
from rasd.store.sqlite import SqliteStore
from tests.engine.test_local_engine import item

pytestmark = pytest.mark.skipif(not fork_available(), reason="worker processes need fork")

PAGE = ("قالت مصادر محلية إن اشتباكات عنيفة اندلعت صباح اليوم في ريف درعا الغربي بين مجموعتين مسلحتين، "
        "وإن الأهالي لزموا منازلهم حتى المساء.\n\nوأضافت المصادر أن الاشتباكات توقفت بعد وساطة من وجهاء المنطقة.\n")
#: Nested quantifiers on a string with no final "b": the regex engine backtracks for ages in C.
CATASTROPHIC = re.compile(r"(a+)+b")


class TrapStage:
    """Cleans like CleanStage, but hangs in a regex on pages saying HANG and dies on pages saying DIE."""

    def __init__(self) -> None:
        self.inner = CleanStage()
        self.counters = self.inner.counters

    def run(self, docs):
        for d in docs:
            if "HANG" in d.text:
                CATASTROPHIC.match("a" * 64)
            if "DIE" in d.text:
                os._exit(3)
            yield from self.inner.run([d])


def batch() -> list[Item]:
    return [item(PAGE + f"\n\nفقرة رقم {i} من الخبر." + ("\nHANG" if i == 1 else "\nDIE" if i == 3 else ""), f"p{i}.txt")
            for i in range(6)]


def check(store: SqliteStore, report, elapsed: float) -> None:
    q = {row["path"]: (row["reason"], row["detail"]) for row in store.list_quarantine()}
    assert q["p1.txt"][0] == "timeout" and "killed" in q["p1.txt"][1]
    assert q["p3.txt"][0] == "parse_error" and "died" in q["p3.txt"][1]
    stored = sorted(d.origin.path for d in store.iter_documents())
    assert stored == ["p0.txt", "p2.txt", "p4.txt", "p5.txt"]          # the batch went on past both
    assert report.quarantined == {"timeout": 1, "parse_error": 1}
    # counts from the worker processes reach the run's counters (a killed worker's are lost)
    assert report.counters["clean"]["seen"] == report.counters["clean"]["kept"] == 4
    assert elapsed < 60   # the hang (hours of backtracking) was cut near its 3 s budget


def test_a_hanging_page_in_a_worker_is_cut_and_quarantined(tmp_path):
    store = SqliteStore(tmp_path / "s.db")
    engine = LocalEngine(store, clean=TrapStage(), options=EngineOptions(extract=False, workers=2, doc_timeout_s=3.0))
    t0 = time.perf_counter()
    report = engine.run(batch(), store.begin_run({}, "t"))
    check(store, report, time.perf_counter() - t0)
    store.close()


def test_the_time_limit_holds_off_the_main_thread(tmp_path):
    # one worker, called from a thread (as the web server's upload does): SIGALRM cannot work
    # there, so the engine hands the documents to a worker process it can kill
    store = SqliteStore(tmp_path / "s.db")
    engine = LocalEngine(store, clean=TrapStage(), options=EngineOptions(extract=False, workers=1, doc_timeout_s=3.0))
    out: dict = {}
    run_id = store.begin_run({}, "t")

    def work() -> None:
        t0 = time.perf_counter()
        out["report"] = engine.run(batch(), run_id)
        out["elapsed"] = time.perf_counter() - t0

    th = threading.Thread(target=work, daemon=True)
    th.start()
    th.join(60)
    assert not th.is_alive(), "the run hung: no time limit off the main thread"
    check(store, out["report"], out["elapsed"])
    store.close()


def _square(x: int) -> int:
    if x == 5:
        time.sleep(60)
    return x * x


def test_the_pool_gives_results_in_input_order_and_replaces_a_killed_worker():
    with ProcessPool(2, _square, timeout_s=0.5) as pool:
        outs = list(pool.imap(range(12)))
        assert [o.task for o in outs] == list(range(12))
        assert [o.kind for o in outs] == ["ok"] * 5 + ["timeout"] + ["ok"] * 6
        assert [o.value for o in outs if o.kind == "ok"] == [x * x for x in range(12) if x != 5]
        assert pool.replaced == 1
