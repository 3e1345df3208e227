"""gzip and zstd streams: decompressed as they are read, so a compressed JSON Lines or CSV file
streams like a plain one, and a cut or corrupt stream is reported, not passed over.

The codec is known from the first bytes (a `.gz` name without gzip's magic number is read as
what it is). Multi-member gzip and multi-frame zstd files are read to the end.
"""
from __future__ import annotations

import io
import os
import zlib
from typing import Any, BinaryIO

GZIP_MAGIC = b"\x1f\x8b"
ZSTD_MAGIC = b"\x28\xb5\x2f\xfd"
#: Name endings taken off to find the inner format (`feed.jsonl.gz` is JSON Lines).
SUFFIXES = (".gz", ".gzip", ".zst", ".zstd")
#: Compressed bytes fed to the decompressor at a time. gzip output is capped at READ_OUT per call;
#: zstd's decompressor has no cap, so its input is fed in small pieces (zstd expands real text
#: ~5-10x; even an extreme 1000x stays at 16 MB per piece).
READ_IN = 16 * 1024
READ_OUT = 1024 * 1024


class CompressedInputError(OSError):
    """A compressed stream that is truncated or corrupt; the message says which codec and where."""


def compression_of(head: bytes) -> str | None:
    """"gzip", "zstd", or None from a stream's first bytes."""
    if head.startswith(GZIP_MAGIC):
        return "gzip"
    if head.startswith(ZSTD_MAGIC):
        return "zstd"
    return None


def inner_name(path: str | None) -> str | None:
    """`path` without its compression suffix (`a.jsonl.gz` -> `a.jsonl`), for sniffing the inner format."""
    if path is None:
        return None
    root, ext = os.path.splitext(path)
    return root if ext.lower() in SUFFIXES else path


def _zstd() -> Any:
    try:
        import zstandard
    except ImportError as exc:
        raise ImportError("reading .zst files needs zstandard: pip install rasd[zstd]") from exc
    return zstandard


class _Decompressing(io.RawIOBase):
    """A raw stream of the decompressed bytes of `source`; truncation and corruption raise
    `CompressedInputError` naming how many decompressed bytes came before."""

    def __init__(self, source: BinaryIO, codec: str):
        self._source = source
        self._codec = codec
        self._errors: tuple[type[BaseException], ...] = (zlib.error,)
        if codec == "zstd":
            self._errors = (zlib.error, _zstd().ZstdError)
        self._pending = b""      # decompressed, not yet returned
        self._tail = b""         # compressed, not yet fed (gzip's unconsumed input)
        self._out = 0
        self._in_member = False  # inside a gzip member / zstd frame that has not ended
        self._finished = False
        self._new()

    def _new(self) -> None:
        self._d = zlib.decompressobj(wbits=31) if self._codec == "gzip" else _zstd().ZstdDecompressor().decompressobj()

    def readable(self) -> bool:
        return True

    def _fail(self, why: str) -> CompressedInputError:
        return CompressedInputError(f"{self._codec} stream {why} after {self._out} decompressed bytes")

    def _step(self) -> None:
        """Decompress one piece into `_pending` (or mark the end)."""
        data = self._tail or self._source.read(READ_IN)
        self._tail = b""
        if not data:
            if self._in_member and self._codec == "gzip":  # output held back by the READ_OUT cap
                self._pending += self._d.flush()
                self._in_member = not self._d.eof
            if self._in_member:
                raise self._fail("is truncated (ends inside a compressed block)")
            self._finished = True
            return
        try:
            if self._codec == "gzip":
                out = self._d.decompress(data, READ_OUT)
                self._tail = self._d.unconsumed_tail
            else:
                out = self._d.decompress(data)
        except self._errors as exc:
            raise self._fail(f"is corrupt ({exc})") from exc
        self._in_member = True
        if self._d.eof:
            rest = self._d.unused_data
            self._in_member = False
            self._new()
            if rest.strip(b"\x00"):  # the next member or frame (gzip pads some files with NULs)
                self._tail = rest
        self._pending += out

    def readinto(self, buffer: Any) -> int:
        while not self._pending and not self._finished:
            self._step()
        n = min(len(buffer), len(self._pending))
        buffer[:n] = self._pending[:n]
        self._pending = self._pending[n:]
        self._out += n
        return n


def open_decompressed(stream: BinaryIO, codec: str) -> io.BufferedReader:
    """A buffered (peekable, line-readable) stream of `stream`'s decompressed bytes."""
    return io.BufferedReader(_Decompressing(stream, codec), buffer_size=READ_OUT)
