"""Issue 12, fuzzing in CI: Hypothesis properties over every reader, the cleaner, normalisation
and the finders, each with a fixed budget (`max_examples`) so the file runs in well under a minute.

What each target promises is asserted in `tests/reliability/fuzz_oracles.py`; the inputs come from
`tests/reliability/fuzz_text.py`. An input that ever broke one of them is kept, as a literal, in
`test_fuzz_regressions.py`. To search longer: `HYPOTHESIS_PROFILE=fuzz-long pytest tests/reliability/test_fuzz_properties.py`
(ten times the examples), or the coverage-guided fuzzer, `python bench/fuzz/run.py`.
"""
from __future__ import annotations

import os

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rasd.clean.normalize import DEFAULT_GROUPS
from rasd.ingest import ReadOptions
from tests.reliability import fuzz_oracles as oracle
from tests.reliability.fuzz_text import ANCHORS, CHARS, READER_INPUTS, SENTENCES, TEXTS, news_text

#: Budget multiplier: 1 in CI; `HYPOTHESIS_PROFILE=fuzz-long` searches ten times as long.
SCALE = 10 if os.environ.get("HYPOTHESIS_PROFILE") == "fuzz-long" else 1


def budget(n: int):
    """A fixed example budget, no per-example deadline (2 shared cores make timings noisy)."""
    return settings(max_examples=n * SCALE, deadline=None, derandomize=SCALE == 1,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


# -- readers -----------------------------------------------------------------------------------

@budget(150)
@given(READER_INPUTS)
def test_readers_give_documents_or_quarantine_and_lose_no_record(case):
    data, path = case
    oracle.check_read(data, path)


@budget(60)
@given(READER_INPUTS, st.integers(1, 200))
def test_readers_respect_a_small_size_limit(case, max_bytes):
    data, path = case
    items = oracle.check_read(data, path, ReadOptions(max_bytes=max_bytes))
    for item in items:
        if item.raw.data is not None:
            assert len(item.raw.data) <= max_bytes or item.raw.media_type == "application/json"


@budget(40)
@given(st.binary(max_size=2000), st.sampled_from(oracle.READER_PATHS))
def test_readers_on_arbitrary_bytes(data, path):
    oracle.check_read(data, path)


# -- cleaner -----------------------------------------------------------------------------------

@budget(120)
@given(news_text(), st.one_of(st.none(), st.sampled_from(SENTENCES)),
       st.sampled_from([None, "https://example.org/news/1", "example.net", "http://[::1"]),
       st.one_of(st.none(), st.sampled_from(SENTENCES), st.text(CHARS, max_size=30)))
def test_cleaner_accounts_for_every_character(text, title, url, description):
    oracle.check_clean(text, title=title, url=url, description=description)


@budget(60)
@given(TEXTS, st.integers(-5, 400))
def test_cleaner_takes_any_header_end(text, header_end):
    oracle.check_clean(text, header_end=header_end)


@budget(15)
@given(st.lists(news_text(max_tokens=20), min_size=1, max_size=6))
def test_clean_stage_keeps_or_quarantines_each_page(texts):
    oracle.check_clean_batch(texts)


# -- normalisation -----------------------------------------------------------------------------

@budget(150)
@given(st.one_of(TEXTS, news_text(max_tokens=200)))
def test_normalisation_is_idempotent_and_maps_offsets(text):
    oracle.check_normalize(text)


@budget(60)
@given(st.text(CHARS, min_size=1900, max_size=2600))
def test_normalisation_agrees_across_the_long_text_path(text):
    oracle.check_normalize(text)


@budget(60)
@given(TEXTS, st.sets(st.sampled_from(DEFAULT_GROUPS + ("punctuation",))))
def test_normalisation_with_any_groups(text, groups):
    oracle.check_normalize(text, tuple(sorted(groups)))


# -- finders -----------------------------------------------------------------------------------

@budget(150)
@given(TEXTS, ANCHORS)
def test_date_finder_spans_stay_in_the_text(text, anchor):
    oracle.check_dates(text, anchor)


@budget(150)
@given(TEXTS)
def test_quantity_finder_spans_stay_in_the_text(text):
    oracle.check_quantities(text)


@budget(100)
@given(TEXTS)
def test_place_finder_spans_stay_in_the_text(text):
    oracle.check_places(text)


@budget(100)
@given(TEXTS, st.one_of(st.none(), ANCHORS.map(lambda d: d.isoformat() if d else None),
                        st.sampled_from(["", "2024", "not a date", "2024-13-45"])))
def test_actor_finder_spans_stay_in_the_text(text, doc_date):
    oracle.check_actors(text, doc_date)


@budget(80)
@given(news_text(), ANCHORS)
def test_event_extractor_mentions_point_into_the_text(text, anchor):
    oracle.check_events(text, anchor.isoformat() if anchor else None)
