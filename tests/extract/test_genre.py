"""Page genre (packaged model, no network) and background events, with pages we wrote ourselves."""
from __future__ import annotations

import json
from importlib import resources

import pytest

from rasd.document import Document, Event, Origin
from rasd.extract.genre import (
    GENRES,
    BackgroundOptions,
    GenreClassifier,
    GenreModel,
    background_reasons,
    genre_features,
)
from rasd.extract.stage import ExtractStage
from tests.fixtures.genre.pages import NEWS_TEXT, NEWS_TITLE, OPINION_TEXT, OPINION_TITLE

PAGE_DATE = "2024-03-05"


def _doc(title: str, text: str, doc_id: str = "d1") -> Document:
    return Document(id=doc_id, text=text, origin=Origin(url=f"https://example.org/p/{doc_id}"), title=title,
                    published=PAGE_DATE)


class FixedExtractor:
    """Stands in for the event extractor: returns events of the given dates, whatever the page."""

    def __init__(self, dates: list[str | None]) -> None:
        self.dates = dates

    def extract(self, doc: Document, genre: str | None = None):
        return [], [Event(id=f"{doc.id}-{i}", type="shelling", doc_id=doc.id,
                          date={"value": d, "precision": None, "basis": None}, meta={"note": "kept"})
                    for i, d in enumerate(self.dates)]


def test_packaged_model_loads_offline_with_the_gold_labels() -> None:
    data = json.loads(resources.files("rasd.data.models").joinpath("genre.json").read_text("utf-8"))
    model = GenreModel.from_json(data)
    assert set(model.labels) == set(GENRES)
    assert list(model.features) == list(genre_features(_doc(NEWS_TITLE, NEWS_TEXT)))
    assert data["card"]["trained_on"].endswith("split == train only")


def test_an_invented_opinion_piece_is_opinion_analysis() -> None:
    g = GenreClassifier().classify(_doc(OPINION_TITLE, OPINION_TEXT))
    assert g.label == "opinion_analysis" and g.p > 0.5
    assert abs(sum(g.probs.values()) - 1.0) < 1e-9


def test_an_invented_news_report_is_news_report() -> None:
    g = GenreClassifier().classify(_doc(NEWS_TITLE, NEWS_TEXT))
    assert g.label == "news_report" and g.p > 0.9


def test_a_model_file_with_mismatched_sizes_is_refused() -> None:
    bad = {"labels": ["news_report", "other"], "features": ["log_words"], "mean": [0.0], "scale": [1.0],
           "coef": [[1.0]], "intercept": [0.0, 0.0]}
    with pytest.raises(ValueError, match="different sizes"):
        GenreModel.from_json(bad)
    with pytest.raises(ValueError, match="unknown labels"):
        GenreModel.from_json({**bad, "labels": ["news_report", "gossip"], "coef": [[1.0], [0.0]]})


def test_every_event_of_an_opinion_page_is_background() -> None:
    stage = ExtractStage(extractor=FixedExtractor([PAGE_DATE, None]))
    (doc,) = stage.run([_doc(OPINION_TITLE, OPINION_TEXT)])
    assert doc.meta["genre"]["label"] == "opinion_analysis"
    assert [e.meta["background"] for e in doc.events] == [True, True]
    assert all(e.meta["background_reasons"] == ["opinion_page"] for e in doc.events)
    assert doc.events[0].meta["note"] == "kept"  # the extractor's own meta stays
    assert stage.counters.as_dict()["events.background"] == 2


def test_news_page_events_are_news_unless_dated_long_before_the_page() -> None:
    stage = ExtractStage(extractor=FixedExtractor(["2024-03-04", "1860", "2021-05", "2023-06-10", None]))
    (doc,) = stage.run([_doc(NEWS_TITLE, NEWS_TEXT)])
    assert doc.meta["genre"]["label"] == "news_report"
    marks = [(e.meta["background"], e.meta.get("background_reasons")) for e in doc.events]
    assert marks == [(False, None), (True, ["before_1900"]), (True, ["recalled_history"]), (False, None),
                     (False, None)]


def test_a_pre_1900_event_is_background_even_without_a_page_date() -> None:
    assert background_reasons({"value": "1853-10"}, "news_report", None) == ["before_1900"]
    assert background_reasons({"value": "1901"}, "news_report", None) == []


def test_recall_counts_from_the_last_day_a_date_can_mean() -> None:
    # March 2023 may mean the 31st: 340 days before the page, inside the year
    assert background_reasons({"value": "2023-03"}, "news_report", PAGE_DATE) == []
    assert background_reasons({"value": "2022"}, "news_report", PAGE_DATE) == ["recalled_history"]
    assert background_reasons({"value": "2023"}, "news_report", PAGE_DATE) == []
    assert background_reasons({"value": "2023-13-40"}, "news_report", PAGE_DATE) == []  # unreadable: news
    wide = BackgroundOptions(recall_days=30)
    assert background_reasons({"value": "2024-01-20"}, "news_report", PAGE_DATE, wide) == ["recalled_history"]


def test_duplicates_and_empty_pages_pass_through_without_a_genre() -> None:
    stage = ExtractStage(extractor=FixedExtractor([PAGE_DATE]))
    dup = Document(id="d2", text=NEWS_TEXT, origin=Origin(), duplicate_of="d1")
    empty = Document(id="d3", text="  ", origin=Origin())
    out = list(stage.run([dup, empty]))
    assert [d.meta.get("genre") for d in out] == [None, None] and all(not d.events for d in out)
