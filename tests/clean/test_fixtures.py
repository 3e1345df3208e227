"""The cleaner on pages we wrote ourselves, one per noise kind (tests/fixtures/clean/*.yaml)."""
from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from rasd.clean.normalize import normalize_key
from rasd.clean.pipeline import clean_document
from rasd.document import Document, Origin, sha256_hex

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "clean"
CASES = sorted(FIXTURES.glob("*.yaml"))


def page_doc(case: dict, name: str = "page.txt") -> Document:
    """A document as a text reader hands it over: text == raw_text, meta from the fixture."""
    text = case["text"]
    meta = case.get("meta") or {}
    return Document(id=sha256_hex(text)[:20], text=text, raw_text=text,
                    origin=Origin(path=name, raw_sha256=sha256_hex(text)), title=meta.get("title"), meta=meta)


def load(path: Path) -> dict:
    return yaml.safe_load(path.read_text("utf-8"))


@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_fixture_keeps_body_and_drops_noise(path: Path) -> None:
    case = load(path)
    parts = clean_document(page_doc(case, path.name))
    main = parts[0]
    for snippet in case["must_contain"]:
        assert snippet in main.text, f"{path.stem}: body lost {snippet!r}"
    for snippet in case["must_not_contain"]:
        assert snippet not in main.text, f"{path.stem}: noise kept {snippet!r}"


@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_fixture_fields(path: Path) -> None:
    case = load(path)
    exp = case.get("expect") or {}
    parts = clean_document(page_doc(case, path.name))
    main = parts[0]
    for field in ("title", "kicker", "published", "published_source", "outlet"):
        if field in exp:
            assert getattr(main, field) == exp[field], f"{path.stem}: {field}"
    reasons = {r.reason for r in main.removed}
    assert set(exp.get("reasons", [])) <= reasons, f"{path.stem}: reasons {sorted(reasons)}"
    if "social_posts" in exp:
        assert len(main.social_posts) == exp["social_posts"]
    if "parts" in exp:
        assert len(parts) == exp["parts"]
    if exp.get("summary_once"):
        desc = normalize_key(case["meta"]["description"])
        assert [normalize_key(p) for p in main.text.split("\n\n")].count(desc) == 1


def test_every_line_is_kept_or_accounted_for() -> None:
    """Nothing is lost silently: each raw line is in the body, a removed piece or a split part."""
    for path in CASES:
        case = load(path)
        parts = clean_document(page_doc(case, path.name))
        raw = parts[0].raw_text
        covered = [(r.start, r.end) for r in parts[0].removed if r.start is not None]
        covered += [(s.raw_start, s.raw_start + s.length) for p in parts for s in p.offset_map]
        pos = 0
        for line in raw.split("\n"):
            start, pos = pos, pos + len(line) + 1
            stripped = line.strip()
            if not stripped:
                continue
            s = start + line.index(stripped[0])
            assert any(a <= s < b for a, b in covered), f"{path.stem}: unaccounted line {stripped!r}"
