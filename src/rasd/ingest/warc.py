"""WARC and WARC.gz crawl archives: each HTML (or plain-text) page record becomes one item.

Records are read one at a time by warcio (per-record gzip members or plain), so memory follows
the largest page, not the file. Each page keeps where it came from: the record's target URI is
the document URL and its byte offset in the file (the compressed offset for .warc.gz, the one a
CDX index holds) is `Origin.record`, so `rasd` ids are stable and a record can be found again.

Records that hold no page (warcinfo, request, metadata, revisit), non-2xx responses and
non-HTML payloads (images, scripts, PDFs) are skipped, each counted under a `warc_*` reason via
`on_skip`. A record that cannot be parsed is quarantined with its bytes, and reading resumes at
the next record start found after it.
"""
from __future__ import annotations

import hashlib
import re
import zlib
from typing import Any, BinaryIO, Callable, Iterator

from rasd.document import Item, RawInput
from rasd.ingest import html as html_reader
from rasd.ingest import text as text_reader
from rasd.ingest.base import ReadOptions, quarantine, raw_input
from rasd.ingest.compressed import open_decompressed

MEDIA_TYPE = "application/warc"

#: WARC record types that carry a page; the others describe the crawl, not its content.
CONTENT_TYPES = ("response", "resource", "conversion")
_HTML_MIME = ("text/html", "application/xhtml+xml")
_TEXT_MIME = ("text/plain",)
#: Payload media types that say nothing about the content; the payload's first bytes decide.
_UNKNOWN_MIME = ("", "application/octet-stream", "unknown/unknown")
#: Bytes read at a time when hashing a payload over the size limit, or scanning for the next record.
CHUNK = 1024 * 1024
#: Bytes of a corrupt region kept as its raw record (the rest is hashed): enough to inspect it.
KEEP_CORRUPT_BYTES = 64 * 1024
_GZIP_MEMBER = b"\x1f\x8b\x08"
_WARC_START = re.compile(rb"(?:^|\n)(WARC/[01]\.\d+\r?\n)")

Skip = Callable[[str], None]


def _no_skip(_reason: str) -> None:
    return None


def _warcio() -> Any:
    try:
        from warcio.archiveiterator import ArchiveIterator
        from warcio.exceptions import ArchiveLoadFailed
    except ImportError as exc:  # a core dependency; missing only in a broken install
        raise ImportError("reading WARC files needs warcio: pip install warcio (or reinstall rasd)") from exc
    return ArchiveIterator, ArchiveLoadFailed


def _mime(value: str | None) -> str:
    return (value or "").split(";", 1)[0].strip().lower()


def page_kind(record: Any, head: bytes) -> str | None:
    """"html", "text", or None when a content record's payload is not a page.

    The HTTP Content-Type decides for a response, the WARC Content-Type for a resource; an
    absent or generic type is settled by sniffing the payload's first bytes."""
    if record.http_headers is not None:
        mime = _mime(record.http_headers.get_header("Content-Type"))
    else:
        mime = _mime(record.rec_headers.get_header("Content-Type"))
    if mime in _HTML_MIME:
        return "html"
    if mime in _TEXT_MIME:
        return "text"
    if mime in _UNKNOWN_MIME:
        from rasd.ingest.paths import sniff_format  # paths imports this module

        fmt = sniff_format(None, head)
        return fmt if fmt in ("html", "text") else None
    return None


def skip_reason(record: Any) -> str | None:
    """Why a record is not read as a page (`warc_<type>`, `warc_http_status`), or None to read it."""
    if record.rec_type not in CONTENT_TYPES:
        return f"warc_{record.rec_type or 'untyped'}"
    if record.rec_type == "response":
        if record.http_headers is None:  # dns:, whois: and other non-HTTP responses
            return "warc_not_http"
        status = record.http_headers.get_statuscode() or ""
        if not status.startswith("2"):
            return "warc_http_status"
    return None


def _read_payload(stream: BinaryIO, limit: int) -> tuple[bytes | None, int, str]:
    """(payload or None when over `limit`, size, sha256): at most `limit + 1` bytes held."""
    data = stream.read(limit + 1)
    if len(data) <= limit:
        return data, len(data), hashlib.sha256(data).hexdigest()
    digest = hashlib.sha256(data)
    size = len(data)
    del data
    while chunk := stream.read(CHUNK):
        digest.update(chunk)
        size += len(chunk)
    return None, size, digest.hexdigest()


class TruncatedRecord(EOFError):
    """A record whose block ends before its Content-Length: the file was cut inside it."""


def _missing_bytes(record: Any) -> int:
    """Bytes of the record's block that the file does not hold (0 for a whole record)."""
    raw = record.raw_stream
    while raw.read(CHUNK):
        pass
    return max(0, int(getattr(raw, "limit", 0) or 0))


def _unsupported_encoding(record: Any) -> str | None:
    if record.http_headers is None:
        return None
    encoding = (record.http_headers.get_header("Content-Encoding") or "").strip().lower()
    if not encoding or encoding == "identity":
        return None
    from warcio.bufferedreaders import BufferedReader

    return None if encoding in BufferedReader.get_supported_decompressors() else encoding


def _warc_meta(record: Any, offset: int, whole_gzip: bool) -> dict[str, Any]:
    headers = record.rec_headers
    meta = {"offset": offset, "type": record.rec_type, "date": headers.get_header("WARC-Date"),
            "record_id": headers.get_header("WARC-Record-ID")}
    if whole_gzip:  # the offset counts decompressed bytes: gunzip the file, then seek there
        meta["offset_in"] = "decompressed file"
    return {k: v for k, v in meta.items() if v not in (None, "")}


def record_items(record: Any, offset: int, *, path: str | None, options: ReadOptions, skip: Skip,
                 whole_gzip: bool = False) -> Iterator[Item]:
    """The item for one parsed WARC record (none when it is skipped); reads the record's payload."""
    if record.format == "warc" and record.rec_headers.get_header("Content-Length") is None:
        raise TruncatedRecord("record header has no Content-Length (cut or corrupt header)")
    reason = skip_reason(record)
    if reason:
        skip(reason)
        return
    url = (record.rec_headers.get_header("WARC-Target-URI") or "").strip() or None
    encoding = _unsupported_encoding(record)
    stream = record.content_stream()
    data, size, digest = _read_payload(stream, options.max_bytes)
    missing = _missing_bytes(record)
    if missing:
        raise TruncatedRecord(f"record ends {missing} bytes short of its Content-Length")
    if data is None:
        raw = RawInput(sha256=digest, data=None, size=size, path=path, url=url, media_type=html_reader.MEDIA_TYPE,
                       record=offset)
        yield quarantine(raw, "too_large", f"WARC record at byte {offset}: payload of {size} bytes, "
                                          f"over max_bytes={options.max_bytes}; not read")
        return
    kind = page_kind(record, data[:4096]) if data else "html"
    if kind is None:
        skip("warc_not_html")
        return
    media_type = html_reader.MEDIA_TYPE if kind == "html" else text_reader.MEDIA_TYPE
    raw = raw_input(data, path=path, media_type=media_type, url=url, record=offset)
    if encoding:
        yield quarantine(raw, "undecodable", f"WARC record at byte {offset}: content-encoding {encoding!r} "
                                             "is not supported (pip install brotli for 'br')")
        return
    if not data.strip():
        yield quarantine(raw, "empty", f"WARC record at byte {offset} has an empty payload")
        return
    meta = {"warc": _warc_meta(record, offset, whole_gzip)}
    if kind == "html":
        yield html_reader.html_item(raw, options, url=url, meta=meta)
    else:
        yield text_reader.read_text(raw, options, url=url, meta=meta)


def next_record_start(stream: BinaryIO, after: int, gzipped: bool) -> int | None:
    """The offset of the first record start (a gzip member, or a `WARC/1.x` line) past `after`."""
    stream.seek(after + 1)
    pos = after + 1
    tail = b""
    while True:
        chunk = stream.read(CHUNK)
        if not chunk:
            return None
        window = tail + chunk
        base = pos - len(tail)
        if gzipped:
            found = window.find(_GZIP_MEMBER)
            start = found if found >= 0 else None
        else:
            m = _WARC_START.search(window)
            start = m.start(1) if m else None
        if start is not None and base + start > after:
            return base + start
        tail = window[-16:]
        pos += len(chunk)


def _region(stream: BinaryIO, start: int, end: int | None) -> tuple[bytes, int, str]:
    """The first KEEP_CORRUPT_BYTES of [start, end) and the size and hash of all of it."""
    stream.seek(start)
    digest = hashlib.sha256()
    kept = b""
    size = 0
    while end is None or size < end - start:
        want = CHUNK if end is None else min(CHUNK, end - start - size)
        chunk = stream.read(want)
        if not chunk:
            break
        if len(kept) < KEEP_CORRUPT_BYTES:
            kept += chunk[:KEEP_CORRUPT_BYTES - len(kept)]
        digest.update(chunk)
        size += len(chunk)
    return kept, size, digest.hexdigest()


def _corrupt_item(stream: BinaryIO, start: int, end: int | None, path: str | None, exc: BaseException) -> Item:
    kept, size, digest = _region(stream, start, end)
    raw = RawInput(sha256=digest, data=kept, size=size, path=path, media_type=MEDIA_TYPE, record=start)
    message = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    if "non-chunked gzip" in str(exc):
        message = "gzip is not one member per record (recompress it: warcio recompress IN OUT)"
    where = f"bytes {start}-{end}" if end is not None else f"bytes {start}-end"
    resumed = f"; resumed at byte {end}" if end is not None else ""
    return quarantine(raw, "parse_error", f"corrupt WARC record at {where}: {type(exc).__name__}: {message[:300]}{resumed}")


#: What a broken record raises inside warcio: its own error, a bad gzip member, a short read,
#: a header it cannot parse (a response without WARC-Target-URI: AttributeError on None), a
#: Content-Length past a machine integer (OverflowError).
def _errors(archive_error: type) -> tuple[type[BaseException], ...]:
    return (archive_error, zlib.error, EOFError, ValueError, IndexError, KeyError, UnicodeDecodeError, OSError,
            AttributeError, TypeError, OverflowError)


def _trailing(stream: BinaryIO, end: int, path: str | None) -> Iterator[Item]:
    """A quarantined item for bytes after the last whole record (a file cut inside a gzip
    member's header, or junk appended), none when the records reach the end of the file."""
    size = stream.seek(0, 2)
    stream.seek(end)
    if size <= end or not stream.read(CHUNK).strip(b"\r\n\x00"):
        return
    yield _corrupt_item(stream, end, None, path, TruncatedRecord(f"{size - end} bytes after the last whole "
                                                                 "record do not form a record (a cut file?)"))


def _seekable(stream: BinaryIO) -> bool:
    try:
        return bool(stream.seekable())
    except (AttributeError, ValueError, OSError):
        return False


def read_warc(stream: BinaryIO, *, path: str | None, options: ReadOptions, on_skip: Skip | None = None,
              gzipped: bool = False, whole_gzip: bool = False, skip_first: int = 0) -> Iterator[Item]:
    """Read every page record of a WARC (or per-record gzipped WARC.gz) stream.

    On a seekable stream a corrupt record is quarantined (its bytes up to the next record start)
    and reading resumes there; on a pipe the rest of the stream is quarantined in one item.
    A WARC gzipped whole (`gzip crawl.warc`) is read again decompressed, past the records
    already read; its offsets then count decompressed bytes (`meta.warc.offset_in`).
    """
    archive_iterator, archive_error = _warcio()
    errors = _errors(archive_error)
    skip = on_skip or _no_skip
    seekable = _seekable(stream)
    start = first = stream.tell() if seekable else 0
    empty = True
    handled = 0  # records read or skipped, for the whole-gzip restart
    while True:
        it = archive_iterator(stream, no_record_parse=False)
        offset = start
        try:
            for record in it:
                offset = it.offset
                empty = False
                handled += 1
                if handled <= skip_first:
                    continue
                yield from record_items(record, offset, path=path, options=options, skip=skip, whole_gzip=whole_gzip)
            if empty:
                yield quarantine(raw_input(b"", path=path, media_type=MEDIA_TYPE), "empty", "WARC file has no records")
            elif seekable:
                yield from _trailing(stream, it.offset, path)
            return
        except errors as exc:
            empty = False
            if gzipped and seekable and "non-chunked gzip" in str(exc):
                stream.seek(first)
                yield from read_warc(open_decompressed(stream, "gzip"), path=path, options=options, on_skip=on_skip,
                                     whole_gzip=True, skip_first=handled)
                return
            if not seekable:
                offset = max(offset, it.offset)
                raw = raw_input(b"", path=path, media_type=MEDIA_TYPE, record=offset)
                yield quarantine(raw, "parse_error", f"corrupt WARC record at byte {offset}: {type(exc).__name__}: "
                                                     f"{str(exc)[:300]}; the rest of the stream was not read")
                return
            # after a failed next() the iterator's offset is already the failing record's start
            failed_at = max(offset, it.offset)
            resume = next_record_start(stream, failed_at, gzipped)
            yield _corrupt_item(stream, failed_at, resume, path, exc)
            if resume is None:
                return
            stream.seek(resume)
            start = resume
