"""Where input comes from: files, folders (walked recursively in sorted order) and stdin.

Each file's format is sniffed from its extension and first bytes and handed to the reader for
it; a gzip or zstd file (known by its first bytes) is decompressed as it is read and its inner
format sniffed the same way. JSON Lines, CSV, Parquet and WARC are streamed record by record.
Nothing here raises on one bad file: a missing or unreadable path, a file over the size limit,
binary content all become quarantined items, and reading goes on.
"""
from __future__ import annotations

import hashlib
import io
import os
import re
import stat
import sys
import zlib
from typing import BinaryIO, Callable, Iterable, Iterator

from rasd.document import Item, RawInput, sha256_hex
from rasd.ingest import html as html_reader
from rasd.ingest import jsonl as jsonl_reader
from rasd.ingest import tables
from rasd.ingest import text as text_reader
from rasd.ingest import warc as warc_reader
from rasd.ingest.base import ReadOptions, display_path, quarantine, raw_input
from rasd.ingest.compressed import CompressedInputError, compression_of, inner_name, open_decompressed

#: Bytes looked at to sniff a format: enough to get past a BOM, a doctype and leading comments.
SNIFF_BYTES = 4096
#: Chunk size for hashing a file over the size limit without holding it in memory.
HASH_CHUNK = 1024 * 1024

_EXTENSIONS = {
    ".jsonl": "jsonl", ".ndjson": "jsonl", ".jsonlines": "jsonl", ".json": "json",
    ".html": "html", ".htm": "html", ".xhtml": "html", ".txt": "text", ".text": "text",
    ".warc": "warc", ".csv": "csv", ".tsv": "csv", ".parquet": "parquet", ".pq": "parquet",
}
_MEDIA_TYPES = {"jsonl": jsonl_reader.JSONL_MEDIA_TYPE, "json": jsonl_reader.JSON_MEDIA_TYPE,
                "html": html_reader.MEDIA_TYPE, "text": text_reader.MEDIA_TYPE, "warc": warc_reader.MEDIA_TYPE,
                "csv": tables.CSV_MEDIA_TYPE, "parquet": tables.PARQUET_MEDIA_TYPE}
#: Formats read record by record from the stream: no whole-file size limit, memory per record.
STREAMED = ("jsonl", "warc", "csv", "parquet")
_HTML_START = re.compile(rb"<!doctype\s+html|<html[\s>]|<head[\s>]|<body[\s>]", re.IGNORECASE)

#: Called with a reason each time a reader passes over a record that holds no article (a WARC
#: request or image record); the engine counts them as `read: dropped.<reason>`.
OnSkip = Callable[[str], None]


def sniff_format(path: str | None, head: bytes) -> str:
    """The reader for a file: "jsonl", "json", "html", "text", "warc", "csv" or "parquet", from
    its first bytes where they are unambiguous (a WARC version line, Parquet's magic number),
    else its extension, else its first bytes again."""
    if head.startswith(b"WARC/"):
        return "warc"
    if head.startswith(b"PAR1"):
        return "parquet"
    ext = os.path.splitext(path or "")[1].lower()
    fmt = _EXTENSIONS.get(ext)
    if fmt == "parquet":  # a .parquet name without the magic number: read as what it is
        fmt = None
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
        yield html_reader.html_item(raw, options)
    else:
        yield text_reader.read_text(raw, options)


def _read_streamed(stream: BinaryIO, fmt: str, path: str | None, options: ReadOptions,
                   on_skip: OnSkip | None) -> Iterator[Item]:
    if fmt == "jsonl":
        yield from jsonl_reader.read_jsonl_stream(stream, path=path, options=options)
    elif fmt == "warc":
        yield from warc_reader.read_warc(stream, path=path, options=options, on_skip=on_skip)
    elif fmt == "csv":
        yield from tables.read_csv(stream, path=path, options=options)
    else:
        yield from tables.read_parquet(stream, path=path, options=options)


def _too_large(path: str | None, size: int, digest: str, fmt: str, options: ReadOptions) -> Item:
    raw = RawInput(sha256=digest, data=None, size=size, path=path, media_type=_MEDIA_TYPES[fmt])
    return quarantine(raw, "too_large", f"{size} bytes, over max_bytes={options.max_bytes}; not read")


def read_bytes(data: bytes, *, path: str | None, options: ReadOptions = ReadOptions()) -> Iterator[Item]:
    """Read one file's bytes (format sniffed from `path`'s extension and the content).

    JSON Lines is read line by line and the size limit applies per line; any other format over
    `options.max_bytes` is quarantined as `too_large` (hash and size kept, bytes dropped).
    """
    fmt = sniff_format(path, data[:SNIFF_BYTES])
    if fmt in STREAMED or compression_of(data[:SNIFF_BYTES]):
        yield from read_stream(io.BytesIO(data), path=path, options=options)
        return
    if len(data) > options.max_bytes:
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


def _gunzip_head(head: bytes) -> bytes:
    try:
        return zlib.decompressobj(wbits=31).decompress(head, SNIFF_BYTES)
    except zlib.error:
        return b""


def _read_compressed(stream: BinaryIO, codec: str, head: bytes, path: str | None, options: ReadOptions,
                     on_skip: OnSkip | None) -> Iterator[Item]:
    """A gzip/zstd file: a per-record gzipped WARC goes to the WARC reader whole (its offsets are
    the compressed ones); anything else is decompressed as it is read and sniffed by its inner
    name (`a.jsonl.gz` -> `a.jsonl`) and first bytes. A cut or corrupt stream ends in one
    quarantined item after the records read before it."""
    name = inner_name(path)
    if codec == "gzip" and sniff_format(name, _gunzip_head(head)) == "warc":
        yield from warc_reader.read_warc(stream, path=path, options=options, on_skip=on_skip, gzipped=True)
        return
    inner = open_decompressed(stream, codec)
    try:
        yield from _read_format(inner, path=path, name=name, options=options, size=None, on_skip=on_skip)
    except CompressedInputError as exc:
        yield _no_bytes(path, "parse_error", f"{path or 'stdin'}: {exc}; the records before it were read")


def read_stream(stream: BinaryIO, *, path: str | None, options: ReadOptions = ReadOptions(),
                size: int | None = None, on_skip: OnSkip | None = None) -> Iterator[Item]:
    """Read an open binary stream (a file or stdin); JSON Lines, CSV, Parquet and WARC are
    streamed, never held whole, and gzip/zstd are decompressed as they are read.

    `size`, when known (os.stat), lets an oversized file be quarantined before any read; it is
    then hashed in chunks. Without it, at most `max_bytes + 1` bytes are buffered to find out.
    `on_skip` is told of each record passed over as no article (see `OnSkip`).
    """
    head = _peek(stream, SNIFF_BYTES)
    codec = compression_of(head)
    if codec:
        yield from _read_compressed(stream, codec, head, path, options, on_skip)
        return
    yield from _read_format(stream, path=path, name=path, options=options, size=size, on_skip=on_skip)


def _read_format(stream: BinaryIO, *, path: str | None, name: str | None, options: ReadOptions,
                 size: int | None, on_skip: OnSkip | None) -> Iterator[Item]:
    """Read an uncompressed stream whose format is sniffed from `name` and its first bytes."""
    fmt = sniff_format(name, _peek(stream, SNIFF_BYTES))
    if fmt in STREAMED:
        yield from _read_streamed(stream, fmt, path, options, on_skip)
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


def read_file(path: str, options: ReadOptions = ReadOptions(), on_skip: OnSkip | None = None) -> Iterator[Item]:
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
            yield from read_stream(stream, path=shown, options=options, size=st.st_size, on_skip=on_skip)
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


def read_paths(paths: Iterable[str], options: ReadOptions = ReadOptions(),
               on_skip: OnSkip | None = None) -> Iterator[Item]:
    """Read every file, folder and "-" (stdin) in `paths` into items, one bad file never stopping the rest.

    `on_skip(reason)` is called for each record passed over as holding no article (WARC request,
    metadata and non-HTML records); without it they are passed over uncounted.
    """
    for path in iter_input_files(paths):
        if path == "-":
            stdin = getattr(sys.stdin, "buffer", None)
            if stdin is None:
                yield _unreadable("-", OSError("stdin is closed or not a byte stream"))
            else:
                yield from read_stream(stdin, path=None, options=options, on_skip=on_skip)
        else:
            try:
                yield from read_file(path, options, on_skip)
            except Exception as exc:  # noqa: BLE001 - a reader bug on one file must not end the batch
                shown = display_path(path)
                yield _no_bytes(shown, "parse_error", f"{shown}: reading stopped: {type(exc).__name__}: {str(exc)[:300]}")
