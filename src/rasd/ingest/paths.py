"""Where input comes from: files, folders (walked recursively in sorted order) and stdin.

Each file's format is sniffed from its extension and first bytes and handed to the reader for
it. Nothing here raises on one bad file: a missing or unreadable path, a file over the size
limit, binary content all become quarantined items, and reading goes on.
"""
from __future__ import annotations

import hashlib
import io
import os
import re
import sys
from typing import BinaryIO, Iterable, Iterator

from lxml import etree

from rasd.document import Item, RawInput, sha256_hex
from rasd.ingest import html as html_reader
from rasd.ingest import jsonl as jsonl_reader
from rasd.ingest import text as text_reader
from rasd.ingest.base import ReadOptions, quarantine, raw_input

#: Bytes looked at to sniff a format: enough to get past a BOM, a doctype and leading comments.
SNIFF_BYTES = 4096
#: Chunk size for hashing a file over the size limit without holding it in memory.
HASH_CHUNK = 1024 * 1024

_EXTENSIONS = {
    ".jsonl": "jsonl", ".ndjson": "jsonl", ".jsonlines": "jsonl", ".json": "json",
    ".html": "html", ".htm": "html", ".xhtml": "html", ".txt": "text", ".text": "text",
}
_MEDIA_TYPES = {"jsonl": jsonl_reader.JSONL_MEDIA_TYPE, "json": jsonl_reader.JSON_MEDIA_TYPE,
                "html": html_reader.MEDIA_TYPE, "text": text_reader.MEDIA_TYPE}
_HTML_START = re.compile(rb"<!doctype\s+html|<html[\s>]|<head[\s>]|<body[\s>]", re.IGNORECASE)


def sniff_format(path: str | None, head: bytes) -> str:
    """The reader for a file: "jsonl", "json", "html" or "text", from its extension, else its first bytes."""
    ext = os.path.splitext(path or "")[1].lower()
    fmt = _EXTENSIONS.get(ext)
    stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if fmt in ("jsonl", "json"):
        # An array under a .jsonl name is still an array; JSON Lines under .json is handled by
        # the JSON reader itself.
        return "json" if stripped.startswith(b"[") else fmt
    if fmt:
        return fmt
    if stripped.startswith(b"{"):
        return "jsonl"
    if stripped.startswith(b"["):
        return "json"
    if _HTML_START.search(head[:SNIFF_BYTES]):
        return "html"
    return "text"


def _read_one(raw: RawInput, fmt: str, options: ReadOptions) -> Iterator[Item]:
    if fmt == "json":
        yield from jsonl_reader.read_json(raw.data or b"", path=raw.path, options=options)
    elif fmt == "jsonl":
        yield from jsonl_reader.read_jsonl_stream(io.BytesIO(raw.data or b""), path=raw.path, options=options)
    elif fmt == "html":
        try:
            yield html_reader.read_html(raw, options)
        except (ValueError, TypeError, etree.LxmlError) as exc:  # trafilatura/lxml on broken markup
            yield quarantine(raw, "parse_error", f"html extraction failed: {type(exc).__name__}: {exc}")
    else:
        yield text_reader.read_text(raw, options)


def _too_large(path: str | None, size: int, digest: str, fmt: str, options: ReadOptions) -> Item:
    raw = RawInput(sha256=digest, data=None, size=size, path=path, media_type=_MEDIA_TYPES[fmt])
    return quarantine(raw, "too_large", f"{size} bytes, over max_bytes={options.max_bytes}; not read")


def read_bytes(data: bytes, *, path: str | None, options: ReadOptions = ReadOptions()) -> Iterator[Item]:
    """Read one file's bytes (format sniffed from `path`'s extension and the content).

    JSON Lines is read line by line and the size limit applies per line; any other format over
    `options.max_bytes` is quarantined as `too_large` (hash and size kept, bytes dropped).
    """
    fmt = sniff_format(path, data[:SNIFF_BYTES])
    if fmt != "jsonl" and len(data) > options.max_bytes:
        yield _too_large(path, len(data), sha256_hex(data), fmt, options)
        return
    yield from _read_one(raw_input(data, path=path, media_type=_MEDIA_TYPES[fmt]), fmt, options)


def _peek(stream: BinaryIO, n: int) -> bytes:
    peek = getattr(stream, "peek", None)
    if peek is not None:
        return peek(n)[:n]
    pos = stream.tell()
    head = stream.read(n)
    stream.seek(pos)
    return head


def _hash_rest(stream: BinaryIO, digest: "hashlib._Hash") -> int:
    size = 0
    while chunk := stream.read(HASH_CHUNK):
        digest.update(chunk)
        size += len(chunk)
    return size


def read_stream(stream: BinaryIO, *, path: str | None, options: ReadOptions = ReadOptions(),
                size: int | None = None) -> Iterator[Item]:
    """Read an open binary stream (a file or stdin); JSON Lines is streamed, never held whole.

    `size`, when known (os.stat), lets an oversized file be quarantined before any read; it is
    then hashed in chunks. Without it, at most `max_bytes + 1` bytes are buffered to find out.
    """
    fmt = sniff_format(path, _peek(stream, SNIFF_BYTES))
    if fmt == "jsonl":
        yield from jsonl_reader.read_jsonl_stream(stream, path=path, options=options)
        return
    if size is not None and size > options.max_bytes:
        digest = hashlib.sha256()
        total = _hash_rest(stream, digest)
        yield _too_large(path, total, digest.hexdigest(), fmt, options)
        return
    data = stream.read(options.max_bytes + 1)
    if len(data) > options.max_bytes:
        digest = hashlib.sha256(data)
        total = len(data) + _hash_rest(stream, digest)
        del data
        yield _too_large(path, total, digest.hexdigest(), fmt, options)
        return
    yield from _read_one(raw_input(data, path=path, media_type=_MEDIA_TYPES[fmt]), fmt, options)


def _unreadable(path: str, exc: OSError) -> Item:
    # No bytes were read: the hash is that of no bytes, `data` None; the detail carries the error.
    raw = RawInput(sha256=sha256_hex(b""), data=None, size=0, path=path, media_type="application/octet-stream")
    return quarantine(raw, "parse_error", f"cannot read {path!r}: {exc.strerror or exc}")


def read_file(path: str, options: ReadOptions = ReadOptions()) -> Iterator[Item]:
    """Read one file by path; a missing or unreadable path is one quarantined `parse_error` item."""
    try:
        st = os.stat(path)
        if os.path.isdir(path):
            os.listdir(path)  # raises the real reason a folder could not be walked
            raise IsADirectoryError(21, "is a directory", path)
        with open(path, "rb") as stream:
            yield from read_stream(stream, path=path, options=options, size=st.st_size)
    except OSError as exc:
        yield _unreadable(path, exc)


def iter_input_files(paths: Iterable[str]) -> Iterator[str]:
    """The files `read_paths` visits, in order: files as given, folders walked in sorted order.

    Hidden entries (".git", ".DS_Store") inside folders are skipped; "-" stands for stdin. A path
    that does not exist, or a folder that cannot be listed, is yielded as is so that reading it
    reports the error.
    """
    for path in paths:
        if path != "-" and os.path.isdir(path):
            yield from _walk(path, set())
        else:
            yield path


#: Files skipped when walking a folder (a file named on the command line is always read): code,
#: docs and manifests that sit beside pages in a corpus folder (examples/ holds MANIFEST.json and
#: make_bad.py) and would otherwise be quarantined as malformed pages.
SKIP_IN_FOLDERS = re.compile(
    r"(^(MANIFEST|README|LICEN[CS]E|SOURCE)(\.[^.]*)?$)|(\.(py|pyc|md|ya?ml|toml|sh|cfg|ini|lock)$)", re.IGNORECASE
)


def _walk(folder: str, seen: set[str]) -> Iterator[str]:
    real = os.path.realpath(folder)
    if real in seen:  # a symlink loop
        return
    seen.add(real)
    try:
        with os.scandir(folder) as it:
            entries = sorted((e.name, e.is_dir()) for e in it
                             if not e.name.startswith(".") and (e.is_dir() or not SKIP_IN_FOLDERS.search(e.name)))
    except OSError:
        yield folder
        return
    for name, is_dir in entries:
        child = os.path.join(folder, name)
        if is_dir:
            yield from _walk(child, seen)
        else:
            yield child


def read_paths(paths: Iterable[str], options: ReadOptions = ReadOptions()) -> Iterator[Item]:
    """Read every file, folder and "-" (stdin) in `paths` into items, one bad file never stopping the rest."""
    for path in iter_input_files(paths):
        if path == "-":
            stdin = getattr(sys.stdin, "buffer", None)
            if stdin is None:
                yield _unreadable("-", OSError("stdin is closed or not a byte stream"))
            else:
                yield from read_stream(stdin, path=None, options=options)
        else:
            yield from read_file(path, options)
