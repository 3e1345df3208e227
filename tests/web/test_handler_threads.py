"""Request handlers run on a few threads per process, in turn, and uploads run apart (issue 12).

Handlers are CPU-bound Python under one GIL: with Starlette's 40 threads every request of a busy
process was in progress at once and each took as long as all of them. These tests count how many
handlers are in progress together, and check that a slow upload leaves the reading threads free.
"""
from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

pytest.importorskip("fastapi")
from fastapi.testclient import TestClient  # noqa: E402

from rasd.web.app import REQUEST_THREADS, create_app  # noqa: E402
from rasd.web.queries import StoreReader  # noqa: E402


class InFlight:
    """Counts the calls in progress together (the most seen), each held for `hold_s`."""

    def __init__(self, hold_s: float = 0.05) -> None:
        self.hold_s, self.now, self.most = hold_s, 0, 0
        self.lock = threading.Lock()

    def wrap(self, fn):
        def held(*args, **kwargs):
            with self.lock:
                self.now += 1
                self.most = max(self.most, self.now)
            try:
                time.sleep(self.hold_s)
                return fn(*args, **kwargs)
            finally:
                with self.lock:
                    self.now -= 1
        return held


def _concurrent_gets(client: TestClient, path: str, n: int) -> list[int]:
    with ThreadPoolExecutor(n) as pool:
        return list(pool.map(lambda _: client.get(path).status_code, range(n)))


@pytest.mark.parametrize("threads", [1, REQUEST_THREADS])
def test_no_more_handlers_in_progress_than_threads(demo_db, monkeypatch, threads):
    counter = InFlight()
    monkeypatch.setattr(StoreReader, "facets", counter.wrap(StoreReader.facets))
    with TestClient(create_app(demo_db[0], cache_mb=0, threads=threads)) as client:
        assert _concurrent_gets(client, "/api/facets", 8) == [200] * 8
    assert counter.most == threads


def test_an_upload_in_progress_does_not_hold_the_reading_thread(tmp_path, monkeypatch):
    from fill import DEMO, fill_store

    db = str(tmp_path / "w.db")
    fill_store(db, DEMO[:1])
    release, started = threading.Event(), threading.Event()

    def slow_upload(*_args):
        started.set()
        release.wait(30)
        return {"file": "a.txt", "documents_written": 0}

    monkeypatch.setattr("rasd.web.ingest.ingest_upload", slow_upload)
    with TestClient(create_app(db, token="tok", cache_mb=0, threads=1)) as client:
        with ThreadPoolExecutor(1) as pool:
            upload = pool.submit(client.post, "/api/ingest", files={"file": ("a.txt", "نص".encode(), "text/plain")},
                                 headers={"Authorization": "Bearer tok"})
            assert started.wait(30)
            t = time.monotonic()
            assert client.get("/api/facets").status_code == 200   # answered while the upload runs
            assert time.monotonic() - t < 10
            release.set()
            assert upload.result(30).status_code == 200
