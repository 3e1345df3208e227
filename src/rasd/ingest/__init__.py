"""Readers: bytes on disk or stdin to `Item`s (raw record + Document or Quarantined).

    for item in read_paths(["pages/", "feed.jsonl", "-"], ReadOptions(ingested_at=now)):
        ...  # item.raw: RawInput; item.result: Document | Quarantined

Formats: plain text (encoding detected, leading header fields parsed), JSON Lines / JSON arrays
(fields auto-detected or named in ReadOptions), HTML (trafilatura main text), CSV and Parquet
rows (fields as in JSON Lines), WARC / WARC.gz page records, and any of these gzip or zstd
compressed. `read_paths(..., on_skip=f)` calls `f(reason)` for each WARC record that holds no page.
"""
from rasd.ingest.base import ReadOptions, detect_lang
from rasd.ingest.paths import iter_input_files, read_bytes, read_file, read_paths, read_stream, sniff_format

__all__ = [
    "ReadOptions", "detect_lang", "iter_input_files", "read_bytes", "read_file", "read_paths",
    "read_stream", "sniff_format",
]
