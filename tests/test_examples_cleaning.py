"""The demo pages through the real readers and cleaner, checked against examples/MANIFEST.json."""
import json
from pathlib import Path

import pytest

from rasd.clean.pipeline import CleanStage
from rasd.clean.sitestate import SiteState, page_facts
from rasd.document import Document, Quarantined
from rasd.ingest import read_paths

ROOT = Path(__file__).resolve().parents[1]
EX = ROOT / "examples"
MANIFEST = json.loads((EX / "MANIFEST.json").read_text("utf-8"))


def _key(doc: Document):
    return (Path(doc.origin.path).name if "/bad/" not in doc.origin.path else "bad/" + Path(doc.origin.path).name,
            None if doc.origin.record is None else doc.origin.record - 1)


@pytest.fixture(scope="module")
def cleaned():
    items = list(read_paths([str(EX)]))
    docs = [it.result for it in items if isinstance(it.result, Document)]
    quarantined = {Path(it.result.path).name: it.result for it in items if isinstance(it.result, Quarantined)}
    # what a page borrows from its site's other pages comes from the pre-pass, as in `rasd run`
    state = SiteState.learn(page_facts(d) for d in docs)
    stage = CleanStage(site_boilerplate=state.boilerplate(), site_outlets=state.outlets())
    parts: dict = {}
    for d in docs:
        for out in stage.run([d]):
            if isinstance(out, Quarantined):
                quarantined[Path(out.path).name] = out
            else:
                parts.setdefault(_key(d), []).append(out)
    return parts, quarantined


PAGES = [p for p in MANIFEST["pages"]]


@pytest.mark.parametrize("page", PAGES, ids=[f"{p['file']}#{p.get('record')}" for p in PAGES])
def test_page_cleaned_as_expected(page, cleaned):
    parts, _ = cleaned
    got = parts.get((page["file"], page.get("record")))
    assert got, f"{page['file']} produced no document"
    main = next(d for d in got if d.origin.part == 0)
    for s in page["must_contain"]:
        assert s in main.text, f"lost body text: {s!r}"
    for s in page["must_not_contain"]:
        assert s not in main.text, f"noise left in body: {s!r}"
    for s in page.get("must_occur_once", []):
        assert main.text.count(s) == 1, f"{s!r} occurs {main.text.count(s)} times"
    if page.get("title"):
        assert main.title == page["title"]
    assert main.published == page.get("published")
    if page.get("expected_outlet"):
        assert main.outlet == page["expected_outlet"]
    assert len(got) == page["split_parts"]
    assert len(main.social_posts) == page["social_posts"]
    for app, part in zip(page.get("appended_parts", []), sorted(got, key=lambda d: d.origin.part)[1:]):
        if app.get("title"):
            assert part.title == app["title"]
        for s in app.get("must_contain", []):
            assert s in part.text
    # nothing lost: every removed piece is recorded with a reason
    assert all(r.reason for r in main.removed)


def test_bad_inputs_quarantined_with_expected_reasons(cleaned):
    parts, quarantined = cleaned
    for b in MANIFEST["bad"]:
        name = Path(b["file"]).name
        if b["file"].endswith(".jsonl"):
            good = [k for k in parts if k[0] == b["file"]]
            assert len(good) == b["good_records"]
        assert name in quarantined, f"{b['file']} not quarantined"
        assert quarantined[name].reason in b["acceptable_reasons"]
