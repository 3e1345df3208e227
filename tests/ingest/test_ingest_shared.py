"""The readers on the real material in ../shared (skipped where absent)."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from rasd.document import Document
from rasd.ingest import read_paths

pytestmark = pytest.mark.shared

ALMAYADEEN = "data/almayadeen-syria-articles/almayadeen_syria_2023-01_2024-08.jsonl"


def test_all_seeds_read_as_arabic_documents(shared_dir: Path) -> None:
    seeds = sorted((shared_dir / "seeds").glob("*.txt"))
    if not seeds:
        pytest.skip("no seeds in ../shared/seeds")
    items = list(read_paths([str(shared_dir / "seeds")]))
    assert len(items) == len(seeds)
    for item in items:
        assert isinstance(item.result, Document), item.result
        assert item.result.lang == "ar" and item.result.meta["encoding"] == "utf-8"


def test_seed_with_a_glued_date_header(shared_dir: Path) -> None:
    seed = next(iter(sorted((shared_dir / "seeds").glob("001_*.txt"))), None)
    if seed is None:
        pytest.skip("seed 001 absent")
    doc = next(read_paths([str(seed)])).result
    assert doc.published == "2025-12-17" and doc.published_source == "metadata"
    end = doc.meta["header_end"]
    assert end > 0 and doc.text[end].isalpha() and doc.text[end - 1].isspace()
    assert "2025-12-17" in doc.text[:end] and "2025-12-17" not in doc.text[end:end + 40]


def test_almayadeen_jsonl_reads_every_record_with_metadata(shared_dir: Path) -> None:
    path = shared_dir / ALMAYADEEN
    if not path.exists():
        pytest.skip(f"{ALMAYADEEN} absent")
    with path.open(encoding="utf-8") as f:
        expected = sum(1 for line in f if line.strip())
    items = list(read_paths([str(path)]))
    docs = [it.result for it in items if isinstance(it.result, Document)]
    assert len(items) == len(docs) == expected
    assert all(d.title and d.origin.url and d.published for d in docs)
    first = json.loads(path.open(encoding="utf-8").readline())
    assert docs[0].published == first["published_time"][:10]
    assert len({d.id for d in docs}) == len(docs)  # same bytes in two records still get two ids
