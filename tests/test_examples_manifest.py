"""Consistency of examples/MANIFEST.json with the demo pages it describes.

These tests check the manifest against the raw pages only (files exist, snippets occur, counts
match what is on the page); whether the cleaner and the extractor meet the expectations is tested
elsewhere, once those stages exist.
"""

from __future__ import annotations

import importlib.util
import json
import re
from collections import Counter
from datetime import date
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
MANIFEST_PATH = EXAMPLES / "MANIFEST.json"
# Files in examples/ that are tooling or documentation, not inputs.
NOT_INPUTS = {"MANIFEST.json", "make_bad.py", "README.md", ".gitattributes"}

MIN_PAGES = 20
# Every kind of noise the demo must show, each on at least this many pages.
MIN_PAGES_PER_KIND = 2
REQUIRED_KINDS = {
    "nav_headlines", "menu_words", "kicker", "repeated_title", "photo_caption",
    "caption_icon_duplicate", "ui_back_to_top", "ui_tag_icon", "ui_form_messages", "ui_close",
    "ui_share_print", "ad_marker", "ad_label", "donation_appeal", "subscription_appeal",
    "agency_credit", "source_signature", "lone_source", "keyword_list", "read_also_list",
    "related_articles", "summary_repeated", "embedded_tweet", "tweets_glued", "tweet_then_body",
    "tweet_hashtags", "appended_article", "header_date", "header_url", "dateline",
    "relative_date", "paired_months", "arabic_indic_digits", "exact_duplicate", "near_duplicate",
    "conflicting_report", "denial", "hedge", "expectation",
}
EVENT_TYPES = {
    "territory_control", "withdrawal", "armed_clash", "air_strike", "shelling", "bombing",
    "attack_on_civilians", "detainee_release", "arrest", "defection", "protest", "reinforcement",
    "displacement", "sanctions", "diplomacy", "agreement",
}
MODALITIES = {"asserted", "reported", "claimed", "alleged", "denied", "expected", "hedged"}
# The brief asks for pages of 150-700 words; feed records are exempt (they are shorter items).
MIN_WORDS, MAX_WORDS = 150, 700
# Word 3-shingle containment (shared / smaller set) above which two raw pages count as the same
# story lightly edited. Measured on these pages: 07/08 = 0.76 (their own page furniture included),
# the most similar unrelated pair = 0.07.
NEAR_DUP_MIN_CONTAINMENT = 0.6
TWEET_SIGNATURE = re.compile(
    r"pic\.twitter\.com/\w+ — [^()\n]+ \(@\w+\) [A-Z][a-z]+ \d{1,2}, \d{4}"
)
DATE_FORMS = (re.compile(r"\d{4}"), re.compile(r"\d{4}-\d{2}"), re.compile(r"\d{4}-\d{2}-\d{2}"))
TAG = re.compile(r"<[^>]+>")


def _manifest() -> dict:
    return json.loads(MANIFEST_PATH.read_text(encoding="utf-8"))


MANIFEST = _manifest()
PAGES = MANIFEST["pages"]


def _page_id(page: dict) -> str:
    return page["file"] if "record" not in page else f"{page['file']}#{page['record']}"


def raw_text(page: dict) -> str:
    """The page as a reader of the raw input sees it: decoded file, or the record's text fields."""
    path = EXAMPLES / page["file"]
    if page["format"] == "jsonl":
        line = path.read_text(encoding="utf-8").splitlines()[page["record"]]
        rec = json.loads(line)
        return "\n".join([rec["title"], rec["description"], rec["full_text"]])
    return path.read_bytes().decode(page["encoding"])


def _valid_date(value: str) -> bool:
    if not any(form.fullmatch(value) for form in DATE_FORMS):
        return False
    parts = [int(x) for x in value.split("-")] + [1] * (3 - value.count("-") - 1)
    date(*parts)
    return True


def _shingles(text: str) -> set[tuple[str, ...]]:
    words = TAG.sub(" ", text).split()
    return {tuple(words[i : i + 3]) for i in range(len(words) - 2)}


def test_manifest_has_enough_pages_and_files():
    assert len(PAGES) >= MIN_PAGES
    files = {p["file"] for p in PAGES if p["format"] != "jsonl"}
    assert len(files) >= 24
    assert sum(1 for p in PAGES if p["format"] == "jsonl") == 6
    assert sum(1 for p in PAGES if p["format"] == "html") >= 2


def test_page_ids_are_unique():
    ids = Counter(_page_id(p) for p in PAGES)
    assert [i for i, n in ids.items() if n > 1] == []


def test_every_listed_file_exists():
    listed = [p["file"] for p in PAGES] + [b["file"] for b in MANIFEST["bad"]]
    missing = [f for f in listed if not (EXAMPLES / f).is_file()]
    assert missing == []


def test_every_input_file_is_listed():
    listed = {p["file"] for p in PAGES} | {b["file"] for b in MANIFEST["bad"]}
    on_disk = {
        str(p.relative_to(EXAMPLES))
        for p in EXAMPLES.rglob("*")
        if p.is_file() and p.name not in NOT_INPUTS and "__pycache__" not in p.parts
    }
    assert on_disk - listed == set()


@pytest.mark.parametrize("page", PAGES, ids=_page_id)
def test_snippets_occur_in_raw_page(page):
    raw = raw_text(page)
    assert 2 <= len(page["must_contain"]) <= 4
    wanted = page["must_contain"] + page["must_not_contain"] + page["must_occur_once"]
    wanted += [s for part in page["appended_parts"] for s in part["must_contain"]]
    wanted += [page["title"]] + ([page["kicker"]] if page["kicker"] else [])
    wanted += [part["title"] for part in page["appended_parts"]]
    assert [s for s in wanted if s not in raw] == []


@pytest.mark.parametrize("page", PAGES, ids=_page_id)
def test_noise_snippets_are_not_body_snippets(page):
    keep = page["must_contain"] + page["must_occur_once"]
    clash = [(k, d) for k in keep for d in page["must_not_contain"] if d in k or k in d]
    assert clash == []


@pytest.mark.parametrize("page", [p for p in PAGES if p["must_occur_once"]], ids=_page_id)
def test_repeated_summaries_really_repeat(page):
    raw = raw_text(page)
    assert all(raw.count(s) >= 2 for s in page["must_occur_once"])


@pytest.mark.parametrize("page", PAGES, ids=_page_id)
def test_social_post_count_matches_embeds(page):
    assert len(TWEET_SIGNATURE.findall(raw_text(page))) == page["social_posts"]


@pytest.mark.parametrize("page", PAGES, ids=_page_id)
def test_split_parts_match_appended_parts(page):
    assert page["split_parts"] == 1 + len(page["appended_parts"])
    assert ("appended_article" in page["kinds"]) == bool(page["appended_parts"])


@pytest.mark.parametrize("page", PAGES, ids=_page_id)
def test_dates_and_events_are_well_formed(page):
    raw = raw_text(page)
    assert page["published"] is None or _valid_date(page["published"])
    events = list(page["expected_events"])
    for part in page["appended_parts"]:
        assert part["published"] is None or _valid_date(part["published"])
        events += part["expected_events"]
    assert len(page["expected_events"]) <= 3
    for event in events:
        assert event["type"] in EVENT_TYPES
        assert event["place"] in raw
        assert event["date"] is None or _valid_date(event["date"])
        assert event.get("modality", "asserted") in MODALITIES


def test_every_event_type_is_demonstrated():
    seen = {
        e["type"]
        for p in PAGES
        for e in p["expected_events"] + [x for part in p["appended_parts"] for x in part["expected_events"]]
    }
    assert EVENT_TYPES - {"attack_on_civilians"} <= seen


def test_kinds_are_declared_and_each_required_kind_appears_twice():
    declared = set(MANIFEST["kinds"])
    used = Counter(k for p in PAGES for k in set(p["kinds"]))
    assert set(used) - declared == set()
    assert REQUIRED_KINDS <= declared
    thin = {k: used[k] for k in REQUIRED_KINDS if used[k] < MIN_PAGES_PER_KIND}
    assert thin == {}


@pytest.mark.parametrize("page", [p for p in PAGES if p["format"] != "jsonl"], ids=_page_id)
def test_page_length_is_article_sized(page):
    words = len(TAG.sub(" ", raw_text(page)).split())
    assert MIN_WORDS <= words <= MAX_WORDS


def test_exact_duplicates_are_byte_identical():
    dups = [p for p in PAGES if p["duplicate_of"]]
    assert dups
    for page in dups:
        assert page["file"] != page["duplicate_of"]
        assert (EXAMPLES / page["file"]).read_bytes() == (EXAMPLES / page["duplicate_of"]).read_bytes()


def _containment(a: str, b: str) -> float:
    sa, sb = _shingles(a), _shingles(b)
    return len(sa & sb) / min(len(sa), len(sb))


def test_near_duplicates_overlap_but_differ():
    by_file = {p["file"]: p for p in PAGES if p["format"] != "jsonl"}
    pairs = [(p, by_file[p["near_duplicate_of"]]) for p in by_file.values() if p["near_duplicate_of"]]
    assert len(pairs) == 2
    for a, b in pairs:
        assert b["near_duplicate_of"] == a["file"]
        ra, rb = raw_text(a), raw_text(b)
        assert ra != rb and a["title"] != b["title"]
        assert _containment(ra, rb) >= NEAR_DUP_MIN_CONTAINMENT


def test_unrelated_pages_are_not_near_duplicates():
    related = {
        frozenset((p["file"], p[key]))
        for p in PAGES
        for key in ("duplicate_of", "near_duplicate_of")
        if p[key]
    }
    files = sorted({p["file"] for p in PAGES if p["format"] != "jsonl"})
    texts = {f: raw_text(next(p for p in PAGES if p["file"] == f)) for f in files}
    too_close = [
        (a, b)
        for i, a in enumerate(files)
        for b in files[i + 1 :]
        if frozenset((a, b)) not in related
        and _containment(texts[a], texts[b]) >= NEAR_DUP_MIN_CONTAINMENT
    ]
    assert too_close == []


def test_conflicting_reports_point_at_each_other():
    by_file = {p["file"]: p for p in PAGES}
    pairs = [p for p in PAGES if p["conflicts_with"]]
    assert len(pairs) >= 2
    for page in pairs:
        other = by_file[page["conflicts_with"]]
        assert other["conflicts_with"] == page["file"]
        mine = {(e["type"], e["place"], e["date"]) for e in page["expected_events"]}
        theirs = {(e["type"], e["place"], e["date"]) for e in other["expected_events"]}
        assert mine & theirs, "conflicting pages must share at least one event"
    assert any("denial" in p["kinds"] for p in pairs)


def test_legacy_encodings_really_need_detection():
    for page in PAGES:
        data = (EXAMPLES / page["file"]).read_bytes()
        if page["encoding"] == "cp1256":
            with pytest.raises(UnicodeDecodeError):
                data.decode("utf-8")
        if page["encoding"] == "utf-16":
            assert data[:2] in (b"\xff\xfe", b"\xfe\xff")


def _load_make_bad():
    spec = importlib.util.spec_from_file_location("examples_make_bad", EXAMPLES / "make_bad.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_generated_files_match_make_bad():
    make_bad = _load_make_bad()
    assert make_bad.main(["--check"]) == 0
    outputs = make_bad.outputs()
    assert outputs == make_bad.outputs(), "generation must be deterministic"
    listed = {p["file"] for p in PAGES} | {b["file"] for b in MANIFEST["bad"]}
    assert {str(rel) for rel in outputs} <= listed


def test_bad_inputs_are_bad_in_the_declared_way():
    bad = {b["file"]: b for b in MANIFEST["bad"]}
    assert (EXAMPLES / "bad/empty.txt").read_bytes() == b""
    binary = (EXAMPLES / "bad/binary_as_page.txt").read_bytes()
    assert binary.startswith(b"\x89PNG\r\n\x1a\n")
    with pytest.raises(UnicodeDecodeError):
        binary.decode("utf-8")
    feed = bad["bad/feed_with_bad_line.jsonl"]
    lines = (EXAMPLES / feed["file"]).read_text(encoding="utf-8").splitlines()
    failing = []
    for number, line in enumerate(lines, start=1):
        try:
            json.loads(line)
        except json.JSONDecodeError:
            failing.append(number)
    assert failing == feed["bad_lines"]
    assert len(lines) - len(failing) == feed["good_records"]
    shell = (EXAMPLES / "bad/empty_body.html").read_text(encoding="utf-8")
    assert "<p" not in shell and "<article" not in shell
    for entry in bad.values():
        assert entry["expected_reason"] in entry["acceptable_reasons"]
