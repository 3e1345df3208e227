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
import stat
import sys
from typing import BinaryIO, Iterable, Iterator

from lxml import etree

from rasd.document import Item, RawInput, sha256_hex
from rasd.ingest import html as html_reader
from rasd.ingest import jsonl as jsonl_reader
from rasd.ingest import text as text_reader
from rasd.ingest.base import ReadOptions, display_path, quarantine, raw_input

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


def _no_bytes(path: str | None, reason: str, detail: str) -> Item:
    """A quarantined item for a path no bytes were read from: the hash is that of no bytes, `data`
    None; the detail carries why."""
    raw = RawInput(sha256=sha256_hex(b""), data=None, size=0, path=path, media_type="application/octet-stream")
    return quarantine(raw, reason, detail)


def _unreadable(path: str, exc: OSError) -> Item:
    return _no_bytes(path, "parse_error", f"cannot read {path!r}: {exc.strerror or exc}")


def read_file(path: str, options: ReadOptions = ReadOptions()) -> Iterator[Item]:
    """Read one file by path; a missing, unreadable or non-regular path is one quarantined item.

    Only regular files are opened: a FIFO would block forever and a device (/dev/zero) never ends.
    """
    shown = display_path(path)
    try:
        st = os.stat(path)
        if stat.S_ISDIR(st.st_mode):
            os.listdir(path)  # raises the real reason a folder could not be walked
            raise IsADirectoryError(21, "is a directory", path)
        if not stat.S_ISREG(st.st_mode):
            yield _no_bytes(shown, "not_text", f"{shown}: not a regular file ({_file_kind(st.st_mode)}); not opened")
            return
        with open(path, "rb") as stream:
            yield from read_stream(stream, path=shown, options=options, size=st.st_size)
    except OSError as exc:
        yield _unreadable(shown, exc)


def _file_kind(mode: int) -> str:
    for test, name in ((stat.S_ISFIFO, "a FIFO"), (stat.S_ISCHR, "a character device"),
                       (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket")):
        if test(mode):
            return name
    return "not a file"


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


def _walk(folder: str, seen: set[tuple[int, int]]) -> Iterator[str]:
    """Files under `folder` in sorted order. Every entry is judged alone: one that cannot be
    examined (a symlink loop, a broken link, no permission) is yielded as is so that reading it
    reports why, and never hides its siblings; a folder reached twice (a cycle) is walked once."""
    try:
        st = os.stat(folder)
    except OSError:
        yield folder
        return
    ident = (st.st_dev, st.st_ino)
    if ident in seen:  # a symlink cycle: already walked
        return
    seen.add(ident)
    try:
        with os.scandir(folder) as it:
            names = sorted(e.name for e in it if not e.name.startswith("."))
    except OSError:
        yield folder
        return
    for name in names:
        child = os.path.join(folder, name)
        try:
            is_dir = stat.S_ISDIR(os.stat(child).st_mode)
        except OSError:
            is_dir = False  # unreadable entry: read_file names the error
        if is_dir:
            yield from _walk(child, seen)
        elif not SKIP_IN_FOLDERS.search(name):
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
            try:
                yield from read_file(path, options)
            except Exception as exc:  # noqa: BLE001 - a reader bug on one file must not end the batch
                shown = display_path(path)
                yield _no_bytes(shown, "parse_error", f"{shown}: reading stopped: {type(exc).__name__}: {str(exc)[:300]}")
