"""Readers: bytes on disk or stdin to `Item`s (raw record + Document or Quarantined).

    for item in read_paths(["pages/", "feed.jsonl", "-"], ReadOptions(ingested_at=now)):
        ...  # item.raw: RawInput; item.result: Document | Quarantined

Formats: plain text (encoding detected, leading header fields parsed), JSON Lines / JSON arrays
(fields auto-detected or named in ReadOptions) and HTML (trafilatura main text).
"""
from rasd.ingest.base import ReadOptions, detect_lang
from rasd.ingest.paths import iter_input_files, read_bytes, read_file, read_paths, read_stream, sniff_format

__all__ = [
    "ReadOptions", "detect_lang", "iter_input_files", "read_bytes", "read_file", "read_paths",
    "read_stream", "sniff_format",
]
