"""What every fuzz target checks, shared by the Hypothesis properties and `bench/fuzz` (issue 12).

Each `check_*` runs one public entry point on one input and asserts what its docstring promises;
a crash (any exception) or a broken promise (AssertionError) is a finding. The checks build no
input themselves, so the property tests, the coverage-guided fuzzer and the regression tests feed
them the same way.
"""
from __future__ import annotations

import datetime as dt
import io
import json
from functools import lru_cache
from typing import Any, Iterable

from rasd.clean.normalize import (
    NormalizeOptions, deleted_characters, normalize_arabic, normalize_key, normalize_with_offsets,
)
from rasd.clean.lines import _SPACE as LINE_STRIPPED
from rasd.clean.pipeline import CleanStage, clean_document
from rasd.document import QUARANTINE_REASONS, Document, Item, Origin, Quarantined, sha256_hex
from rasd.extract.textview import make_view
from rasd.ingest import ReadOptions, read_bytes, read_stream, sniff_format
from rasd.ingest.compressed import compression_of
from rasd.ingest.paths import SNIFF_BYTES

#: Names the readers are fed under: each extension picks a reader, None makes them sniff.
READER_PATHS = (None, "page.txt", "page.html", "feed.jsonl", "feed.json", "page")


# -- readers -----------------------------------------------------------------------------------

def _summary(item: Item) -> tuple:
    r = item.result
    if isinstance(r, Quarantined):
        return ("q", r.reason, item.raw.sha256, item.raw.size, r.record)
    return ("d", r.id, r.text, r.title, r.published, r.outlet, item.raw.sha256, item.raw.size)


def _storable(value: Any) -> None:
    """The store writes text as UTF-8 and meta as JSON: both must encode."""
    if isinstance(value, str):
        value.encode("utf-8")
    elif value is not None:
        json.dumps(value, ensure_ascii=False).encode("utf-8")


def _expected_jsonl_items(data: bytes, max_bytes: int) -> int:
    """Items a JSON Lines reader owes for `data`: one per non-blank line, one per oversized line."""
    lines = data.split(b"\n")
    if lines and lines[-1] == b"":
        lines.pop()
    count = 0
    for number, line in enumerate(lines, start=1):
        if len(line) > max_bytes:
            count += 1
            continue
        line = line.rstrip(b"\r\n")
        if number == 1 and line.startswith(b"\xef\xbb\xbf"):
            line = line[3:]
        if line.strip():
            count += 1
    return count


def check_read(data: bytes, path: str | None, options: ReadOptions = ReadOptions()) -> list[Item]:
    """Read `data` as a file named `path`, whole and streamed: the same items either way, every
    item a storable Document or an ingest quarantine with a reason, its raw bytes kept, nothing
    dropped (one item per page, per JSON Lines line, per JSON array element)."""
    items = list(read_bytes(data, path=path, options=options))
    streamed = list(read_stream(io.BytesIO(data), path=path, options=options))
    assert [_summary(i) for i in items] == [_summary(i) for i in streamed]
    for item in items:
        assert isinstance(item, Item)
        raw, r = item.raw, item.result
        if raw.data is not None:
            assert sha256_hex(raw.data) == raw.sha256 and raw.size == len(raw.data)
        if isinstance(r, Quarantined):
            assert r.stage == "ingest" and r.reason in QUARANTINE_REASONS and r.detail
            continue
        assert isinstance(r, Document)
        assert r.text.strip(), "a document with no text should have been quarantined as empty"
        assert r.raw_text == r.text and not r.cleaned
        for value in (r.text, r.title, r.outlet, r.origin.url, r.published, dict(r.meta)):
            _storable(value)
        if r.published is not None:
            dt.date.fromisoformat(r.published)
    fmt = sniff_format(path, data[:SNIFF_BYTES])
    if fmt in ("warc", "csv", "parquet") or compression_of(data[:SNIFF_BYTES]):
        pass  # archives and tables hold any number of records (a WARC of request records: none)
    elif fmt == "jsonl":
        assert len(items) == _expected_jsonl_items(data, options.max_bytes)
    elif fmt == "json":
        assert items
        try:
            parsed = json.loads(data.decode("utf-8-sig"))
        except (ValueError, RecursionError):
            parsed = None
        if isinstance(parsed, list) and parsed and len(data) <= options.max_bytes:
            assert len(items) == len(parsed)
    else:
        assert len(items) == 1
    return items


# -- cleaner -----------------------------------------------------------------------------------

def _covered(ranges: Iterable[tuple[int, int]], n: int) -> bytearray:
    mark = bytearray(n)
    for s, e in ranges:
        mark[s:e] = b"\x01" * (e - s)
    return mark


def check_clean(text: str, *, title: str | None = None, url: str | None = None,
                description: str | None = None, header_end: int | None = None) -> list[Document]:
    """Clean one page: every part keeps the raw text, its offset map points at identical raw
    characters, every removed piece is the raw text at its offsets, and every visible raw
    character is either kept in some part or accounted for by a removed piece."""
    meta: dict[str, Any] = {}
    if description is not None:
        meta["description"] = description
    if header_end is not None:
        meta["header_end"] = header_end
    doc = Document(id="fuzz", text=text, raw_text=text, origin=Origin(path="fuzz.txt", url=url),
                   title=title, meta=meta)
    parts = clean_document(doc)
    assert parts and parts[0].origin.part == 0
    ranges: list[tuple[int, int]] = []
    for part in parts:
        assert part.cleaned and part.raw_text == text
        clean = part.text
        end = 0
        inside = bytearray(len(clean))
        for seg in part.offset_map:
            assert seg.length >= 0 and seg.clean_start >= end, "segments overlap or run backwards"
            assert 0 <= seg.raw_start and seg.raw_start + seg.length <= len(text)
            assert clean[seg.clean_start:seg.clean_start + seg.length] == text[seg.raw_start:seg.raw_start + seg.length]
            end = seg.clean_start + seg.length
            inside[seg.clean_start:end] = b"\x01" * seg.length
            ranges.append((seg.raw_start, seg.raw_start + seg.length))
        assert end <= len(clean)
        # what the cleaner adds between copied pieces is only layout (paragraph breaks, glue spaces)
        assert all(ch.isspace() for ch, k in zip(clean, inside) if not k)
        for r in part.removed:
            if r.start is not None:
                assert 0 <= r.start <= r.end <= len(text) and text[r.start:r.end] == r.text, r
                ranges.append((r.start, r.end))
        for g in part.meta.get("glued_splits", ()):
            assert text[g["raw_start"]:g["raw_end"]] == "".join(g["parts"])
        if len(clean) <= 3000:
            for i in range(0, len(clean), 7):
                k = part.raw_offset(i)
                assert k is None or text[k] == clean[i] or clean[i].isspace()
    mark = _covered(ranges, len(text))
    # lines are stripped of spaces and of the invisible marks `clean.lines` counts as space
    lost = [i for i, ch in enumerate(text) if not mark[i] and not ch.isspace() and ch not in LINE_STRIPPED]
    assert not lost, f"raw characters neither kept nor removed: {[text[i] for i in lost[:20]]} at {lost[:20]}"
    return parts


def check_clean_batch(texts: list[str]) -> None:
    """A batch through `CleanStage`: each page gives a kept Document or an `empty_after_clean`."""
    docs = [Document(id=f"b{i}", text=t, raw_text=t, origin=Origin(path=f"b{i}.txt")) for i, t in enumerate(texts)]
    out = list(CleanStage().run(docs))
    main = [o for o in out if isinstance(o, Quarantined) or o.origin.part == 0]
    assert len(main) == len(docs)
    for o in out:
        if isinstance(o, Quarantined):
            assert o.stage == "clean" and o.reason == "empty_after_clean"
        else:
            assert o.text.strip()


# -- normalisation -----------------------------------------------------------------------------

def check_normalize(text: str, groups: tuple[str, ...] | None = None) -> str:
    """Normalisation is idempotent, never lengthens, and its offsets map each kept character back;
    the fast path (`normalize_arabic`, which changes strategy at 2,000 characters) agrees with the
    offset-keeping one; the shared `TextView` maps offsets both ways."""
    options = NormalizeOptions() if groups is None else NormalizeOptions(groups=groups)
    norm = normalize_arabic(text, options)
    assert normalize_arabic(norm, options) == norm
    slow, offsets = normalize_with_offsets(text, options)
    assert slow == norm and len(norm) <= len(text)
    assert len(offsets) == len(norm) + 1 and offsets[-1] == len(text)
    assert all(a < b for a, b in zip(offsets, offsets[1:]))
    for i in range(0, len(norm), max(1, len(norm) // 200)):
        assert normalize_arabic(text[offsets[i]], options) == norm[i]
    deleted = deleted_characters(options)
    assert not any(ch in deleted for ch in norm)
    key = normalize_key(text)
    assert normalize_key(key) == key
    if groups is None:
        view = make_view(text)
        assert view.text == text and view.norm == norm
        for k in range(0, len(norm), max(1, len(norm) // 200)):
            assert view.to_orig(k) == offsets[k]
            assert view.to_norm(view.to_orig(k)) == k
            assert view.to_orig_end(k + 1) == offsets[k] + 1
    return norm


# -- finders -----------------------------------------------------------------------------------

@lru_cache(maxsize=1)
def place_finder():
    """The default place finder (gazetteer loaded once per process)."""
    from rasd.extract.gazetteer import Gazetteer, PlaceFinder
    return PlaceFinder(Gazetteer.load_default())


@lru_cache(maxsize=1)
def actor_finder():
    """The default actor finder (knowledge base loaded once per process)."""
    from rasd.extract.actors import ActorFinder, ActorKB
    return ActorFinder(ActorKB.load_default())


@lru_cache(maxsize=1)
def event_extractor():
    """The default event extractor, sharing the cached place and actor finders."""
    from rasd.extract.events import EventExtractor
    return EventExtractor(places=place_finder(), actors=actor_finder())


@lru_cache(maxsize=1)
def extract_stage():
    """The extraction stage (finders, events, genre) around the cached event extractor."""
    from rasd.extract.stage import ExtractStage
    return ExtractStage(extractor=event_extractor())


def _check_spans(text: str, spans: Iterable[Any], label: str | None = None) -> list:
    spans = list(spans)
    for s in spans:
        assert 0 <= s.start < s.end <= len(text), (s.start, s.end, len(text))
        if label is not None:
            assert s.label == label
        if isinstance(s.value, dict) and "text" in s.value:
            assert s.value["text"] == text[s.start:s.end], s
    return spans


def check_dates(text: str, anchor: dt.date | None) -> list:
    """DATE spans lie inside the text, in text order, their `text` the slice they cover."""
    from rasd.extract.dates import find_dates
    spans = _check_spans(text, find_dates(text, anchor), "DATE")
    assert [s.start for s in spans] == sorted(s.start for s in spans)
    for s in spans:
        value = s.value["value"]
        assert value is None or isinstance(value, str)
    return spans


def check_quantities(text: str) -> list:
    """QUANTITY spans lie inside the text, in order, without overlapping."""
    from rasd.extract.quantities import find_quantities
    spans = _check_spans(text, find_quantities(text), "QUANTITY")
    assert all(a.end <= b.start for a, b in zip(spans, spans[1:]))
    return spans


def check_places(text: str) -> list:
    """PLACE spans lie inside the text."""
    return _check_spans(text, place_finder().find(text))


def check_actors(text: str, doc_date: str | None) -> list:
    """Actor spans lie inside the text."""
    return _check_spans(text, actor_finder().find(text, doc_date=doc_date))


def check_events(text: str, published: str | None) -> tuple[list, list]:
    """The event extractor on a cleaned page: spans inside the text, every event mention the
    slice of the text it points at, every event of a known shape; the extraction stage gives the
    same events again, with the page's genre."""
    doc = Document(id="fuzz", text=text, raw_text=text, origin=Origin(path="fuzz.txt"), published=published,
                   published_source="metadata" if published else None, cleaned=True)
    spans, events = event_extractor().extract(doc)
    _check_spans(text, spans)
    for ev in events:
        assert ev.doc_id == "fuzz" and ev.type and ev.mentions
        for m in ev.mentions:
            assert 0 <= m["start"] < m["end"] <= len(text)
            assert m["text"] == text[m["start"]:m["end"]]
        json.dumps({"actors": ev.actors, "location": ev.location, "date": ev.date,
                    "quantities": ev.quantities, "meta": dict(ev.meta)}, ensure_ascii=False, default=str)
    [out] = extract_stage().run([doc])
    assert out.text == text and [e.id for e in out.events] == [e.id for e in events]
    if text.strip():  # a blank page passes the stage untouched (counted as skipped.empty)
        assert "genre" in out.meta and all("background" in e.meta for e in out.events)
    return spans, events


def check_finders(text: str, anchor: dt.date | None) -> None:
    """Every finder, then the event extractor, on one text."""
    check_dates(text, anchor)
    check_quantities(text)
    check_places(text)
    check_actors(text, anchor.isoformat() if anchor else None)
    check_events(text, anchor.isoformat() if anchor else None)
