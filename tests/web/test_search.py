"""Arabic-aware search: the cases of search_cases.yaml, run as data, plus the index's unit behaviour."""
from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from rasd.store.search import highlight_terms, index_text, make_snippet, query_keys, update_search_index, word_keys

CASES = yaml.safe_load((Path(__file__).parent / "search_cases.yaml").read_text("utf-8"))


@pytest.mark.parametrize("case", CASES, ids=[c["case"] for c in CASES])
def test_search_case(client, demo_db, case):
    ids = demo_db[1]
    key_of = {v: k for k, v in ids.items()}
    res = client.get("/api/search", params={"q": case["q"], "limit": 50}).json()
    found = {key_of[i["id"]] for i in res["items"]}
    assert set(case["hits"]) <= found, f"{case['q']!r} found {sorted(found)}"
    assert not (set(case.get("not", [])) & found), f"{case['q']!r} found {sorted(found)}"
    if not case["hits"]:
        assert res["total"] == 0
    for item in res["items"]:
        # snippets come from the original text, and each highlight is a whole original word
        doc = client.get(f"/api/documents/{item['id']}").json()
        assert item["snippet"] in doc["text"]
        for s, e in item["highlights"]:
            piece = item["snippet"][s:e]
            assert piece and piece in doc["text"]
            assert word_keys(piece), piece


def test_snippet_highlights_original_diacritised_word():
    text = "قالت مصادر إن الطيران قصف ريف حِمْص الشمالي مساء أمس."
    snip = make_snippet(text, [k for ks in query_keys("حمص") for k in ks])
    assert snip is not None
    hit = [s for s in snip.segments() if s["hit"]]
    assert [h["text"] for h in hit] == ["حِمْص"]


def test_index_text_never_holds_the_original_spelling():
    stemmed = index_text("أعلنت المعارضةُ السيطرةَ")
    assert "أ" not in stemmed and "ُ" not in stemmed


def test_highlight_terms_offsets_point_into_text():
    text = "والمعارضة تقول إن المعارضة المسلحة تقدمت"
    spans = highlight_terms(text, [k for ks in query_keys("معارضة") for k in ks])
    assert [text[s:e] for s, e in spans] == ["والمعارضة", "المعارضة"]


def test_update_is_incremental(tmp_path):
    import sys

    sys.path.insert(0, str(Path(__file__).parent))
    from fill import DEMO, fill_store

    db = tmp_path / "s.db"
    fill_store(db, DEMO[:3])
    first = update_search_index(str(db))
    assert first["indexed"] == 3 and first["total"] == 3
    assert update_search_index(str(db))["indexed"] == 0
    fill_store(db, DEMO[3:5])
    again = update_search_index(str(db))
    assert again == {"indexed": 2, "removed": 0, "total": 5}


def test_update_accepts_a_store(tmp_path):
    from rasd.store.sqlite import SqliteStore

    db = tmp_path / "e.db"
    with SqliteStore(db) as store:
        assert update_search_index(store)["total"] == 0
