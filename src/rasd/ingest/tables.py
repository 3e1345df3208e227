"""Tables: CSV (and TSV) rows and Parquet rows, one article per row, streamed.

A row becomes an object keyed by column name and goes through the same field detection as a
JSON Lines record (`jsonl.record_item`), so `text`/`content`/`body`, `title`, `url`, `date`…
columns are found the same way and `ReadOptions.*_field` overrides them. A row's raw bytes are
the row as a JSON object (column order kept), so its hash is stable across runs.

CSV: the encoding is detected on the first 64 KiB as for text pages, the delimiter from the
header line; one row is held at a time. Parquet (needs pyarrow: `pip install rasd[parquet]`):
read one row group at a time in batches, never whole; a row group that fails to decode is
quarantined and the next one is read.
"""
from __future__ import annotations

import csv
import datetime as _dt
import decimal
import io
import json
import os
import re
from typing import Any, BinaryIO, Iterator

from rasd.document import Item, RawInput, sha256_hex
from rasd.ingest.base import ReadOptions, Rejected, quarantine, raw_input
from rasd.ingest.decode import decode_bytes
from rasd.ingest.jsonl import guarded_record
from rasd.optional import require_pyarrow

CSV_MEDIA_TYPE = "text/csv"
PARQUET_MEDIA_TYPE = "application/vnd.apache.parquet"

#: Bytes the CSV encoding and delimiter are judged on: a header and a few dozen article rows.
CSV_SAMPLE_BYTES = 64 * 1024
#: Delimiters a CSV header is tried with; the one the header line holds most of wins.
CSV_DELIMITERS = ",\t;|"
#: Parquet rows turned into Python objects at a time: small enough that a batch of long
#: articles (~10 KB each) stays a few MB, large enough that Arrow's per-batch cost is amortised.
PARQUET_BATCH_ROWS = 256

_SURROGATE = re.compile("[\udc80-\udcff]")


def _row_bytes(obj: dict[str, Any]) -> bytes:
    text = json.dumps(obj, ensure_ascii=False, default=str)
    return text.encode("utf-8", "surrogateescape" if _SURROGATE.search(text) else "strict")


def _csv_encoding(sample: bytes) -> str | Rejected:
    """The encoding of a CSV file from its first bytes (cut at a line end so no character is split)."""
    if len(sample) >= CSV_SAMPLE_BYTES and b"\n" in sample:
        sample = sample[: sample.rfind(b"\n") + 1]
    decoded = decode_bytes(sample)
    return decoded if isinstance(decoded, Rejected) else decoded.encoding


def csv_delimiter(header_line: str, path: str | None) -> str:
    """`\\t` for a .tsv file, else the delimiter the header line holds most of (comma on a tie)."""
    if path and os.path.splitext(path)[1].lower() == ".tsv":
        return "\t"
    counts = {d: header_line.count(d) for d in CSV_DELIMITERS}
    best = max(counts, key=lambda d: (counts[d], d == ","))
    return best if counts[best] else ","


def _peek(stream: BinaryIO, n: int) -> bytes:
    """Up to `n` first bytes, the stream left where it was (a pipe gives what it holds buffered)."""
    if _seekable(stream):
        pos = stream.tell()
        data = stream.read(n)
        stream.seek(pos)
        return data
    peek = getattr(stream, "peek", None)
    return peek(n)[:n] if peek is not None else b""


def read_csv(stream: BinaryIO, *, path: str | None, options: ReadOptions) -> Iterator[Item]:
    """Read a CSV/TSV stream with a header row; each data row becomes one item (record = its first line)."""
    encoding = _csv_encoding(_peek(stream, CSV_SAMPLE_BYTES))
    if isinstance(encoding, Rejected):
        head = _peek(stream, CSV_SAMPLE_BYTES)
        yield quarantine(raw_input(head, path=path, media_type=CSV_MEDIA_TYPE), encoding.reason,
                         f"CSV file: {encoding.detail} (judged on the first {len(head)} bytes)")
        return
    if csv.field_size_limit() < options.max_bytes:
        csv.field_size_limit(options.max_bytes)  # a long article is one field; the limit is per field
    text = io.TextIOWrapper(stream, encoding="utf-8" if encoding == "utf-8-sig" else encoding,
                            errors="surrogateescape", newline="")
    try:
        yield from _csv_rows(text, encoding, path, options)
    finally:
        text.detach()  # the caller owns (and closes) the byte stream


def _csv_rows(text: io.TextIOWrapper, encoding: str, path: str | None, options: ReadOptions) -> Iterator[Item]:
    first = text.readline()
    header_line = first.lstrip("\ufeff")
    if not header_line.strip():
        yield quarantine(raw_input(first.encode("utf-8", "surrogateescape"), path=path, media_type=CSV_MEDIA_TYPE),
                         "empty", "CSV file has no header row")
        return
    delimiter = csv_delimiter(header_line, path)
    header = [h.strip() for h in next(csv.reader([header_line], delimiter=delimiter))]
    reader = csv.reader(text, delimiter=delimiter)
    line = 1  # lines read so far; reader.line_num counts from after the header
    rows = 0
    while True:
        start = line + 1
        try:
            row = next(reader, None)
        except csv.Error as exc:
            line = 1 + reader.line_num
            raw = RawInput(sha256=sha256_hex(b""), data=None, size=0, path=path, media_type=CSV_MEDIA_TYPE,
                           record=start)
            reason = "too_large" if "field larger than field limit" in str(exc) else "parse_error"
            yield quarantine(raw, reason, f"CSV line {start}: {exc}")
            continue
        if row is None:
            break
        line = 1 + reader.line_num
        if not any(cell.strip() for cell in row):
            continue
        rows += 1
        yield _csv_item(row, header, start, encoding, path, options)
    if rows == 0:
        yield quarantine(raw_input(header_line.encode("utf-8", "surrogateescape"), path=path, media_type=CSV_MEDIA_TYPE),
                         "empty", "CSV file has a header row and no data rows")


def _csv_item(row: list[str], header: list[str], start: int, encoding: str, path: str | None,
              options: ReadOptions) -> Item:
    obj = {name or f"column_{i + 1}": (row[i] if i < len(row) else "") for i, name in enumerate(header)}
    extra = row[len(header):]
    data = _row_bytes({**obj, **({"": extra} if extra else {})})
    raw = raw_input(data, path=path, media_type=CSV_MEDIA_TYPE, record=start)
    if len(data) > options.max_bytes:
        return quarantine(RawInput(sha256=raw.sha256, data=None, size=raw.size, path=path, media_type=CSV_MEDIA_TYPE,
                                   record=start), "too_large", f"CSV line {start}: row of {len(data)} bytes, "
                                                               f"over max_bytes={options.max_bytes}")
    if any(cell.strip() for cell in extra):
        return quarantine(raw, "parse_error", f"CSV line {start}: {len(row)} values for {len(header)} columns")
    if _SURROGATE.search(data.decode("utf-8", "surrogateescape")):
        return quarantine(raw, "undecodable", f"CSV line {start}: bytes that are not {encoding}")
    return guarded_record(obj, raw, options, fmt="csv", encoding=encoding)



def plain(value: Any) -> Any:
    """A Parquet cell as JSON-ready Python: dates and times as ISO strings, bytes as UTF-8 text."""
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, (_dt.datetime, _dt.date, _dt.time)):
        return value.isoformat()
    if isinstance(value, (bytes, bytearray)):
        return bytes(value).decode("utf-8", "replace")
    if isinstance(value, decimal.Decimal):
        return float(value)
    return value


def _seekable(stream: BinaryIO) -> bool:
    try:
        return bool(stream.seekable())
    except (AttributeError, ValueError, OSError):
        return False


def read_parquet(stream: BinaryIO, *, path: str | None, options: ReadOptions) -> Iterator[Item]:
    """Read a Parquet file row group by row group; each row becomes one item (record = row number, 1-based)."""
    pa = require_pyarrow("reading Parquet")
    import pyarrow.parquet as pq

    if not _seekable(stream):
        yield quarantine(raw_input(b"", path=path, media_type=PARQUET_MEDIA_TYPE), "parse_error",
                         "Parquet needs a seekable file (its index is at the end); not read from a pipe")
        return
    try:
        parquet = pq.ParquetFile(stream)
    except (pa.ArrowException, OSError, ValueError) as exc:
        yield quarantine(raw_input(_peek(stream, 4096), path=path, media_type=PARQUET_MEDIA_TYPE), "parse_error",
                         f"not a readable Parquet file: {type(exc).__name__}: {str(exc)[:300]}")
        return
    row = 0
    if parquet.metadata.num_rows == 0:
        yield quarantine(raw_input(b"", path=path, media_type=PARQUET_MEDIA_TYPE), "empty", "Parquet file has no rows")
        return
    for group in range(parquet.num_row_groups):
        first = row
        try:
            for batch in parquet.iter_batches(batch_size=PARQUET_BATCH_ROWS, row_groups=[group]):
                for obj in batch.to_pylist():
                    row += 1
                    yield _parquet_item(plain(obj), row, path, options)
        except (pa.ArrowException, OSError, ValueError) as exc:
            rows = parquet.metadata.row_group(group).num_rows
            raw = raw_input(b"", path=path, media_type=PARQUET_MEDIA_TYPE, record=row + 1)
            yield quarantine(raw, "parse_error", f"Parquet row group {group} (rows {first + 1}-{first + rows}) "
                                                 f"failed from row {row + 1}: {type(exc).__name__}: {str(exc)[:300]}")
            row = first + rows


def _parquet_item(obj: dict[str, Any], row: int, path: str | None, options: ReadOptions) -> Item:
    data = _row_bytes(obj)
    raw = raw_input(data, path=path, media_type=PARQUET_MEDIA_TYPE, record=row)
    if len(data) > options.max_bytes:
        return quarantine(RawInput(sha256=raw.sha256, data=None, size=raw.size, path=path,
                                   media_type=PARQUET_MEDIA_TYPE, record=row),
                          "too_large", f"Parquet row {row}: {len(data)} bytes, over max_bytes={options.max_bytes}")
    return guarded_record(obj, raw, options, fmt="parquet", encoding="utf-8")
