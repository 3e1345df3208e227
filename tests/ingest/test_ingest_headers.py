"""Leading header fields: parsed into metadata, glued or not, English or Arabic; bodies left alone."""
from __future__ import annotations

import pytest
from hypothesis import given, settings, strategies as st

from rasd.ingest.dates import match_date, parse_date
from rasd.ingest.headers import parse_headers

from ingest_samples import BODY_AR, TITLE_AR


def test_date_glued_on_the_body_line_with_leading_space() -> None:
    page = " date 2025-12-17 " + BODY_AR
    h = parse_headers(page)
    assert h.published == "2025-12-17"
    assert page[h.header_end:] == BODY_AR


def test_body_glued_to_the_date_without_a_space() -> None:
    page = "date 2024-03-05" + BODY_AR
    h = parse_headers(page)
    assert h.published == "2024-03-05"
    assert page[h.header_end:] == BODY_AR


def test_arabic_keys_on_their_own_lines() -> None:
    page = f"العنوان: {TITLE_AR}\nالتاريخ: 17 كانون الأول 2025\nالمصدر: وكالة محلية\nالرابط: https://example.org/a?id=7\n\n{BODY_AR}"
    h = parse_headers(page)
    assert h.fields["title"] == TITLE_AR
    assert h.fields["outlet"] == "وكالة محلية"
    assert h.fields["url"] == "https://example.org/a?id=7"
    assert h.published == "2025-12-17"
    assert page[h.header_end:] == BODY_AR


def test_english_keys_case_insensitive_with_several_on_one_line() -> None:
    page = f"Title: {TITLE_AR}\nDate: 05/03/2024 | Source: Example News\n{BODY_AR}"
    h = parse_headers(page)
    assert h.fields["title"] == TITLE_AR
    assert h.fields["outlet"] == "Example News"
    assert h.published == "2024-03-05"
    assert page[h.header_end:] == BODY_AR


def test_front_matter_fences_are_skipped() -> None:
    page = f"---\ntitle: {TITLE_AR}\ndate: 2024-01-02\n---\n\n{BODY_AR}"
    h = parse_headers(page)
    assert h.fields["title"] == TITLE_AR
    assert page[h.header_end:] == BODY_AR


@pytest.mark.parametrize(
    "page",
    [
        BODY_AR,
        "Date palms were burned in the raid, witnesses said.",
        "التاريخي في هذه المعركة أن القوات تقدمت دون مقاومة.",
        "المصدر الذي تحدث إلينا طلب عدم ذكر اسمه.",
        "title " + BODY_AR,  # a free-text key needs a separator
        "Title: " + "كلمة " * 200,  # a "title" longer than any headline is a body paragraph
    ],
    ids=["plain-body", "english-word-date", "arabic-prefix", "arabic-key-word-in-body", "no-separator", "too-long"],
)
def test_a_body_that_starts_like_a_key_is_not_a_header(page: str) -> None:
    h = parse_headers(page)
    assert h.header_end == 0 and not h.fields


def test_unparseable_date_value_with_separator_is_kept_raw() -> None:
    page = "date: unknown\n" + BODY_AR
    h = parse_headers(page)
    assert h.published is None
    assert h.fields["date"] == "unknown"
    assert page[h.header_end:] == BODY_AR


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2025-12-17", "2025-12-17"),
        ("2023-01-30T23:45:00+02:00", "2023-01-30"),
        ("2024-08-31T23:30:00-05:00", "2024-08-31"),  # the page's own offset, not UTC's next day
        ("17/12/2025", "2025-12-17"),
        ("١٧/١٢/٢٠٢٥", "2025-12-17"),
        ("12/31/2024", "2024-12-31"),
        ("الأربعاء 17 كانون الأول 2025", "2025-12-17"),
        ("3 أيار 2024م", "2024-05-03"),
        ("5 ديسمبر 2024", "2024-12-05"),
        ("December 17, 2025", "2025-12-17"),
        ("Wed, 17 Dec 2025 10:00:00 GMT", "2025-12-17"),
        (1700000000, "2023-11-14"),
        (1700000000000, "2023-11-14"),
        ("2025-13-01", None),
        ("31/02/2024", None),
        ("tomorrow", None),
        (None, None),
    ],
)
def test_parse_date(value: object, expected: str | None) -> None:
    assert parse_date(value) == expected


def test_match_date_reports_where_the_date_ends() -> None:
    text = "2024-08-31 10:30 قصف مدفعي"
    iso, end = match_date(text)
    assert iso == "2024-08-31"
    assert text[end:].strip().startswith("قصف")


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_header_end_always_lies_inside_the_text(text: str) -> None:
    h = parse_headers(text)
    assert 0 <= h.header_end <= len(text)
    assert (h.header_end == 0) == (not h.fields)


@settings(max_examples=100, deadline=None)
@given(st.dates(), st.sampled_from(["date ", "Date: ", "التاريخ: ", " date "]), st.sampled_from([" ", "\n", "\n\n"]))
def test_any_iso_date_header_is_parsed_and_the_body_found(day, key, gap) -> None:
    page = f"{key}{day.isoformat()}{gap}{BODY_AR}"
    h = parse_headers(page)
    if 1900 <= day.year <= 2100:
        assert h.published == day.isoformat()
        assert page[h.header_end:] == BODY_AR
