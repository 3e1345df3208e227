"""Fuzz targets: bytes from the fuzzer to one call of a rasd entry point, checked by the oracles.

Each target takes the raw bytes libFuzzer (through atheris) or a replayed file gives it and runs
the matching check of `tests/reliability/fuzz_oracles.py`; an exception or a failed assertion is
a finding. Targets never need atheris, so a finding can be replayed without it (`run.py --replay`).

- `readers`: the first byte picks the file name (so the reader), the rest is the file's bytes.
- `cleaner`, `normalise`, `finders`: the bytes decoded as UTF-8, bad bytes as U+FFFD (what a
  reader leaves of them); for `finders` the length picks the anchor date, the calendar's ends
  included.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Callable

#: File names a `readers` input is read under, picked by its first byte.
READER_PATHS = (None, "page.txt", "page.html", "feed.jsonl", "feed.json", "page")
#: Anchor dates a `finders` input is resolved against, picked by its length.
ANCHORS = (None, dt.date(2024, 3, 5), dt.date(1995, 1, 1), dt.date.min, dt.date.max, dt.date(2038, 1, 19))


def _text(data: bytes) -> str:
    return data.decode("utf-8", "replace")


def run_readers(data: bytes) -> None:
    """One file through the reader its name picks (whole and streamed)."""
    from tests.reliability.fuzz_oracles import check_read
    path = READER_PATHS[data[0] % len(READER_PATHS)] if data else None
    check_read(data[1:], path)


def run_cleaner(data: bytes) -> None:
    """One page through the cleaner."""
    from tests.reliability.fuzz_oracles import check_clean
    check_clean(_text(data))


def run_normalise(data: bytes) -> None:
    """One text through normalisation and the shared offset view."""
    from tests.reliability.fuzz_oracles import check_normalize
    check_normalize(_text(data))


def run_finders(data: bytes) -> None:
    """One text through the date, quantity, place and actor finders and the event extractor."""
    from tests.reliability.fuzz_oracles import check_finders
    check_finders(_text(data), ANCHORS[len(data) % len(ANCHORS)])


TARGETS: dict[str, Callable[[bytes], None]] = {
    "readers": run_readers, "cleaner": run_cleaner, "normalise": run_normalise, "finders": run_finders,
}

#: Modules each target exercises: imported under atheris' instrumentation so coverage guides it.
MODULES = {
    "readers": ("rasd.ingest", "rasd.ingest.paths", "rasd.ingest.jsonl", "rasd.ingest.html",
                "rasd.ingest.text", "rasd.ingest.headers", "rasd.ingest.dates", "rasd.ingest.decode",
                "rasd.ingest.warc", "rasd.ingest.tables", "rasd.ingest.compressed"),
    "cleaner": ("rasd.clean.pipeline",),
    "normalise": ("rasd.clean.normalize", "rasd.extract.textview"),
    "finders": ("rasd.extract.dates", "rasd.extract.quantities", "rasd.extract.gazetteer",
                "rasd.extract.actors", "rasd.extract.events"),
}

SEEDS = Path(__file__).resolve().parent / "seeds"


def seed_inputs(target: str) -> list[tuple[str, bytes]]:
    """The seed corpus of a target as fuzzer inputs: our own pages and sentences (bench/fuzz/seeds)."""
    if target == "readers":
        out = []
        for f in sorted((SEEDS / "readers").iterdir()):
            suffix = f.suffix if f.suffix in (".txt", ".html", ".jsonl", ".json") else ""
            name = {".txt": "page.txt", ".html": "page.html", ".jsonl": "feed.jsonl", ".json": "feed.json"}.get(suffix)
            out.append((f.name, bytes([READER_PATHS.index(name)]) + f.read_bytes()))
            out.append((f"{f.name}.sniffed", bytes([0]) + f.read_bytes()))
        return out
    return [(f.name, f.read_bytes()) for f in sorted((SEEDS / "text").iterdir())]
