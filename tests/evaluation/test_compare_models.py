"""bench/compare_models.py: per-page counts and the pooled F1 the bootstrap resamples."""
from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench" / "compare_models.py"


@pytest.fixture(scope="module")
def cm():
    spec = importlib.util.spec_from_file_location("compare_models", BENCH)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


class FakeScorer:
    """Scores each page from a table: (required, recall, system events, precision)."""

    def __init__(self, table):
        self.table = table

    @staticmethod
    def page_keys(doc):
        return {doc["url"]}

    def score_events(self, docs, events, gold):
        req, rec, n_sys, prec = self.table[gold[0]["doc"]]
        return {"gold_required": req, "system_events": n_sys, "recall": rec, "precision": prec}


def test_pages_are_scored_alone_and_pooled_by_counts_not_by_mean(cm):
    sc = FakeScorer({"p1": (4, 0.5, 2, 1.0), "p2": (1, 0.0, 6, None)})
    gold = [{"doc": "p1"}, {"doc": "p1"}, {"doc": "p2"}]
    counts = cm.page_counts(sc, [], [], gold)
    assert counts == {"p1": (4, 2, 2, 2), "p2": (1, 0, 6, 0)}
    # pooled: recall 2/5, precision 2/8 (not the mean of the pages' F1)
    p, r = 2 / 8, 2 / 5
    assert cm.f1(list(counts.values())) == pytest.approx(2 * p * r / (p + r))
    assert cm.f1([]) == 0.0 and cm.f1([(3, 0, 0, 0)]) == 0.0


def test_a_page_without_gold_counts_its_system_events_as_spurious(cm):
    sc = FakeScorer({"p1": (2, 1.0, 2, 1.0)})
    docs = [{"id": "d1", "url": "p1"}, {"id": "d3", "url": "p3"}]
    events = [{"mentions": [{"doc_id": "d3"}]}, {"mentions": [{"doc_id": "d3"}, {"doc_id": "d1"}]}]
    counts = cm.page_counts(sc, docs, events, [{"doc": "p1"}], ["p1", "p3"])
    assert counts["p3"] == (0, 0, 2, 0)
    assert cm.f1(list(counts.values())) == pytest.approx(2 * 0.5 * 1.0 / 1.5)
