"""POST /api/ingest's work: run read → clean → extract → store on one uploaded file.

Only reached with a valid bearer token (see `api.check_token`). The pipeline's modules are
imported here, lazily, so a read-only server never loads them.
"""
from __future__ import annotations

import re
import tempfile
import threading
from datetime import datetime, timezone
from pathlib import Path

from rasd.store.search import update_search_index

#: One ingest at a time: SQLite has one writer, and the pipeline's lexicons are built per call.
_INGEST_LOCK = threading.Lock()

_SAFE_NAME = re.compile(r"[^\w.\-]+", re.UNICODE)


def safe_filename(name: str) -> str:
    """The upload's base name with anything but letters, digits, dot, dash and underscore replaced."""
    base = Path(name.replace("\\", "/")).name
    base = _SAFE_NAME.sub("_", base).lstrip(".")[:120]
    return base or "upload.txt"


def ingest_upload(db_path: str, filename: str, data: bytes) -> dict:
    """Write `data` to a temporary file named like the upload, run the pipeline on it into `db_path`."""
    from rasd import __version__
    from rasd.clean.pipeline import CleanStage
    from rasd.engine.local import EngineOptions, LocalEngine
    from rasd.extract.stage import ExtractStage
    from rasd.ingest import ReadOptions, read_paths
    from rasd.store.lock import writer_lock
    from rasd.store import open_store

    # one upload at a time in this process, and one writer at a time on the store (a CLI run
    # beside the server: the upload waits for it)
    with _INGEST_LOCK, writer_lock(db_path), tempfile.TemporaryDirectory(prefix="rasd-upload-") as tmp:
        path = Path(tmp) / safe_filename(filename)
        path.write_bytes(data)
        read_opts = ReadOptions(ingested_at=datetime.now(timezone.utc).isoformat(timespec="seconds"))
        run_opts = EngineOptions(learn_boilerplate=False)
        store = open_store(db_path)
        try:
            run_id = store.begin_run({"source": "web upload", "file": path.name}, __version__)
            engine = LocalEngine(store, clean=CleanStage(), extract=ExtractStage(), options=run_opts)
            try:
                report = engine.run(read_paths([str(path)], read_opts), run_id)
            except Exception:
                store.finish_run(run_id, {}, status="failed")
                raise
            store.finish_run(run_id, {"stages": report.counters, "quarantined": dict(report.quarantined),
                                      "documents_written": report.documents_written}, status="ok")
        finally:
            store.close()
        index = update_search_index(db_path)
    return {"run_id": run_id, "file": path.name, "records": report.records,
            "documents_written": report.documents_written, "quarantined": dict(report.quarantined),
            "search_index": index}
