"""JSON Lines (one article per line, streamed) and JSON array files (one article per element).

Fields are found by name from `rasd/data/ingest/jsonl_fields.yaml` unless `ReadOptions` names
them. A bad line becomes a quarantined item for that line and reading goes on.
"""
from __future__ import annotations

import hashlib
import io
import json
from typing import Any, BinaryIO, Iterator

from rasd.document import Item, RawInput
from rasd.ingest.base import (
    ReadOptions, document_item, load_data, name_of, normalize_newlines, quarantine, raw_input,
    split_keywords,
)
from rasd.ingest.dates import parse_date

JSONL_MEDIA_TYPE = "application/x-ndjson"
JSON_MEDIA_TYPE = "application/json"

#: Bytes read at a time while skipping (and hashing) a line over the size limit.
SKIP_CHUNK = 1024 * 1024

_OVERRIDES = {"text": "text_field", "title": "title_field", "url": "url_field", "date": "date_field",
              "outlet": "outlet_field"}


def _get(obj: dict, name: str) -> Any:
    value: Any = obj
    for part in name.split("."):
        if not isinstance(value, dict) or part not in value:
            return None
        value = value[part]
    return value


def _names(slot: str, options: ReadOptions) -> list[str]:
    """The field names a slot is looked up under: the ReadOptions override, else the known names."""
    override = getattr(options, _OVERRIDES[slot]) if slot in _OVERRIDES else None
    return [override] if override else list(load_data("jsonl_fields.yaml")[slot])


def _field(obj: dict, slot: str, options: ReadOptions) -> tuple[str | None, Any]:
    for name in _names(slot, options):
        value = _get(obj, name)
        if value not in (None, "", [], {}):
            return name, value
    return None, None


def record_item(obj: Any, raw: RawInput, options: ReadOptions, *, fmt: str = "jsonl",
                encoding: str = "utf-8") -> Item:
    """Turn one parsed JSON record into an item: a Document, or parse_error / empty.

    CSV rows and Parquet rows come here too, as objects (`fmt` and `encoding` name their file's).
    """
    where = f"record {raw.record}" if raw.record is not None else "record"
    if not isinstance(obj, dict):
        return quarantine(raw, "parse_error", f"{where} is a JSON {type(obj).__name__}, not an object")
    text_name, text = _field(obj, "text", options)
    if text_name is None:
        names = _names("text", options)
        empty = [name for name in names if _get(obj, name) in ("", [])]
        if empty:
            return quarantine(raw, "empty", f"{where}: text field {empty[0]!r} is empty")
        keys = ", ".join(sorted(map(str, obj)))[:200]
        if options.text_field:
            missing = f"no field {options.text_field!r} (the text_field asked for)"
        else:
            missing = f"none of the known text fields ({', '.join(names)})"
        return quarantine(raw, "parse_error", f"{where} has {missing}; its keys: {keys}")
    if isinstance(text, list) and all(isinstance(t, str) for t in text):
        text = "\n\n".join(t for t in text if t.strip())
    if not isinstance(text, str):
        return quarantine(raw, "parse_error", f"{where}: text field {text_name!r} is a {type(text).__name__}")
    text = normalize_newlines(text)
    if not text.strip():
        return quarantine(raw, "empty", f"{where}: text field {text_name!r} is only whitespace")
    used = {"text": text_name}
    values: dict[str, Any] = {}
    for slot in ("title", "url", "date", "outlet", "author", "description", "keywords"):
        name, value = _field(obj, slot, options)
        if name is not None:
            used[slot] = name
            values[slot] = value
    published = parse_date(values.get("date"))
    author = name_of(values.get("author"))
    outlet = name_of(values.get("outlet")) or author
    meta: dict[str, Any] = {
        "description": values["description"] if isinstance(values.get("description"), str) else None,
        "keywords": split_keywords(values.get("keywords")),
        "author": author,
        "fields": used,
    }
    if values.get("date") is not None and published is None:
        meta["date_raw"] = str(values["date"])[:100]
    title = values.get("title") if isinstance(values.get("title"), str) else None
    url = values.get("url") if isinstance(values.get("url"), str) else None
    return document_item(
        raw, text, options=options, fmt=fmt, encoding=encoding,
        title=title.strip() if title else None, url=url.strip() if url else None,
        published=published, outlet=outlet, meta=meta,
    )


def _json_msg(exc: json.JSONDecodeError) -> str:
    """The decoder's message without its trailing " at" ("Unterminated string starting at"),
    since the position follows it here: "... starting at column 7", not "at at" (issue 13)."""
    return exc.msg.removesuffix(" at")


def guarded_record(obj: Any, raw: RawInput, options: ReadOptions, *, fmt: str = "jsonl",
                   encoding: str = "utf-8") -> Item:
    """`record_item`, with any failure on this one record quarantined instead of ending the file."""
    try:
        return record_item(obj, raw, options, fmt=fmt, encoding=encoding)
    except Exception as exc:  # noqa: BLE001 - one record's failure must not stop the others
        where = f"record {raw.record}" if raw.record is not None else "record"
        return quarantine(raw, "parse_error", f"{where}: {type(exc).__name__}: {str(exc)[:300]}")


def _line_records(stream: BinaryIO, max_bytes: int) -> Iterator[tuple[int, bytes | tuple[int, str]]]:
    """Yield (line number, line bytes) or (line number, (size, sha256)) for a line over the limit.

    Holds one line in memory at a time; a line over `max_bytes` is hashed in chunks, never whole.
    """
    number = 0
    while True:
        line = stream.readline(max_bytes + 1)
        if not line:
            return
        number += 1
        if len(line) > max_bytes and not line.endswith(b"\n"):
            digest = hashlib.sha256(line)
            size = len(line)
            while True:
                chunk = stream.readline(SKIP_CHUNK)
                if not chunk:
                    break
                body = chunk[:-1] if chunk.endswith(b"\n") else chunk
                digest.update(body)
                size += len(body)
                if chunk.endswith(b"\n"):
                    break
            yield number, (size, digest.hexdigest())
            continue
        yield number, line


def read_jsonl_stream(stream: BinaryIO, *, path: str | None, options: ReadOptions) -> Iterator[Item]:
    """Read a JSON Lines stream line by line; each non-blank line becomes one item."""
    for number, line in _line_records(stream, options.max_bytes):
        if isinstance(line, tuple):
            size, digest = line
            raw = RawInput(sha256=digest, data=None, size=size, path=path, media_type=JSONL_MEDIA_TYPE,
                           record=number)
            yield quarantine(raw, "too_large", f"line {number} is {size} bytes, over max_bytes={options.max_bytes}")
            continue
        line = line.rstrip(b"\r\n")
        if number == 1 and line.startswith(b"\xef\xbb\xbf"):
            line = line[3:]
        if not line.strip():
            continue
        raw = raw_input(line, path=path, media_type=JSONL_MEDIA_TYPE, record=number)
        try:
            decoded = line.decode("utf-8")
        except UnicodeDecodeError as exc:
            yield quarantine(raw, "undecodable", f"line {number} is not UTF-8: {exc.reason} at byte {exc.start}")
            continue
        try:
            obj = json.loads(decoded)
        except json.JSONDecodeError as exc:
            yield quarantine(raw, "parse_error", f"line {number}: malformed JSON: {_json_msg(exc)} at column {exc.colno}")
            continue
        except RecursionError:
            yield quarantine(raw, "parse_error", f"line {number}: JSON nested too deeply to parse")
            continue
        yield guarded_record(obj, raw, options)


def read_json(data: bytes, *, path: str | None, options: ReadOptions) -> Iterator[Item]:
    """Read a whole JSON file: an array of records, one record, or (misnamed) JSON Lines."""
    raw_file = raw_input(data, path=path, media_type=JSON_MEDIA_TYPE)
    try:
        obj = json.loads(data.decode("utf-8-sig"))
    except RecursionError:
        if b"\n" in data.strip():  # several lines: read them one by one, the deep one alone fails
            yield from read_jsonl_stream(io.BytesIO(data), path=path, options=options)
        else:
            yield quarantine(raw_file, "parse_error", "JSON nested too deeply to parse")
        return
    except UnicodeDecodeError as exc:
        yield quarantine(raw_file, "undecodable", f"JSON file is not UTF-8: {exc.reason} at byte {exc.start}")
        return
    except json.JSONDecodeError as exc:
        if exc.msg == "Extra data":  # several top-level values: it is JSON Lines under a .json name
            yield from read_jsonl_stream(io.BytesIO(data), path=path, options=options)
        else:
            detail = f"malformed JSON: {_json_msg(exc)} at line {exc.lineno} column {exc.colno}"
            yield quarantine(raw_file, "parse_error", detail)
        return
    if not isinstance(obj, list):
        yield guarded_record(obj, raw_file, options)
        return
    if not obj:
        yield quarantine(raw_file, "empty", "JSON array has no records")
        return
    for index, element in enumerate(obj, start=1):
        data_i = json.dumps(element, ensure_ascii=False, sort_keys=True).encode("utf-8")
        raw = raw_input(data_i, path=path, media_type=JSON_MEDIA_TYPE, record=index)
        yield guarded_record(element, raw, options)
