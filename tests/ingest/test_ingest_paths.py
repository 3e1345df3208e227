"""Files, folders and stdin: order, bad files quarantined without stopping, size limits."""
from __future__ import annotations

import io
import json
import os
import sys
from pathlib import Path

import pytest

from rasd.document import Document, Quarantined, sha256_hex
from rasd.ingest import ReadOptions, iter_input_files, read_paths

from ingest_samples import BODY_AR

MiB = 1024 * 1024


def _tree(root: Path) -> None:
    (root / "b").mkdir()
    (root / "b" / "2.txt").write_text(BODY_AR + " ٢", encoding="utf-8")
    (root / "a.txt").write_text(BODY_AR, encoding="utf-8")
    (root / "c.jsonl").write_text(json.dumps({"text": BODY_AR}, ensure_ascii=False) + "\n", encoding="utf-8")
    (root / ".hidden.txt").write_text(BODY_AR, encoding="utf-8")
    (root / "image.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 100)
    (root / "empty.txt").write_bytes(b"")


def test_folders_are_walked_sorted_and_hidden_entries_skipped(tmp_path: Path) -> None:
    _tree(tmp_path)
    files = list(iter_input_files([str(tmp_path)]))
    assert [os.path.relpath(f, tmp_path) for f in files] == ["a.txt", "b/2.txt", "c.jsonl", "empty.txt", "image.png"]
    assert [it.raw.path for it in read_paths([str(tmp_path)])] == files


def test_bad_files_are_quarantined_with_reasons_and_reading_goes_on(tmp_path: Path) -> None:
    _tree(tmp_path)
    missing = str(tmp_path / "nope.txt")
    items = list(read_paths([missing, str(tmp_path)]))
    outcome = {os.path.basename(it.raw.path): (it.result.reason if isinstance(it.result, Quarantined) else "doc")
               for it in items}
    assert outcome == {"nope.txt": "parse_error", "a.txt": "doc", "2.txt": "doc", "c.jsonl": "doc",
                       "empty.txt": "empty", "image.png": "not_text"}
    missing_item = items[0].result
    assert "No such file" in missing_item.detail and missing_item.stage == "ingest"


@pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() == 0, reason="root reads files whatever their mode")
def test_unreadable_file_is_a_parse_error_with_the_os_error(tmp_path: Path) -> None:
    locked = tmp_path / "locked.txt"
    locked.write_text(BODY_AR, encoding="utf-8")
    locked.chmod(0)
    try:
        item = list(read_paths([str(locked)]))[0]
    finally:
        locked.chmod(0o644)
    assert item.result.reason == "parse_error" and "Permission denied" in item.result.detail


def test_file_over_max_bytes_is_too_large_hashed_in_chunks_and_never_kept(tmp_path: Path) -> None:
    big = tmp_path / "big.txt"
    chunk = (BODY_AR + "\n").encode()
    with big.open("wb") as f:  # ~200 KB against a 64 KB limit stands in for 200 MB against 50 MB
        for _ in range(200 * 1024 // len(chunk) + 1):
            f.write(chunk)
    data = big.read_bytes()
    item = list(read_paths([str(big)], ReadOptions(max_bytes=64 * 1024)))[0]
    assert item.result.reason == "too_large"
    assert item.raw.data is None and item.raw.size == len(data)
    assert item.raw.sha256 == item.result.raw_sha256 == sha256_hex(data)


def test_sparse_file_over_the_default_limit_is_too_large(tmp_path: Path) -> None:
    sparse = tmp_path / "huge.txt"
    with sparse.open("wb") as f:
        f.write(BODY_AR.encode())
        f.truncate(ReadOptions().max_bytes + MiB)
    item = list(read_paths([str(sparse)]))[0]
    assert isinstance(item.result, Quarantined) and item.result.reason == "too_large"
    assert item.raw.data is None and item.raw.size == ReadOptions().max_bytes + MiB


def test_big_jsonl_file_is_streamed_not_refused(tmp_path: Path) -> None:
    feed = tmp_path / "feed.jsonl"
    line = json.dumps({"text": BODY_AR}, ensure_ascii=False) + "\n"
    feed.write_text(line * 40, encoding="utf-8")
    items = list(read_paths([str(feed)], ReadOptions(max_bytes=len(line.encode()) * 2)))
    assert len(items) == 40 and all(isinstance(it.result, Document) for it in items)


class _FakeStdin:
    def __init__(self, data: bytes) -> None:
        self.buffer = io.BufferedReader(io.BytesIO(data))


@pytest.mark.parametrize(
    ("data", "fmt", "count"),
    [
        ((json.dumps({"text": BODY_AR}, ensure_ascii=False) + "\n").encode() * 3, "jsonl", 3),
        (f"<html><body><article><p>{BODY_AR}</p></article></body></html>".encode(), "html", 1),
        (BODY_AR.encode("utf-16"), "text", 1),
    ],
    ids=["jsonl", "html", "text"],
)
def test_stdin_is_sniffed(monkeypatch: pytest.MonkeyPatch, data: bytes, fmt: str, count: int) -> None:
    monkeypatch.setattr(sys, "stdin", _FakeStdin(data))
    items = list(read_paths(["-"]))
    assert len(items) == count
    assert all(isinstance(it.result, Document) and it.result.meta["format"] == fmt for it in items)
    assert items[0].result.origin.path is None


def test_stdin_over_the_limit_is_too_large_without_a_size(monkeypatch: pytest.MonkeyPatch) -> None:
    data = BODY_AR.encode() * 20
    monkeypatch.setattr(sys, "stdin", _FakeStdin(data))
    item = list(read_paths(["-"], ReadOptions(max_bytes=1000)))[0]
    assert item.result.reason == "too_large" and item.raw.size == len(data)
    assert item.raw.sha256 == sha256_hex(data)


def test_options_reject_a_nonsense_limit() -> None:
    with pytest.raises(ValueError):
        ReadOptions(max_bytes=0)
