"""The small publication-date parser."""
from __future__ import annotations

from rasd.clean.lexicon import load_lexicon
from rasd.clean.pubdate import find_date_mentions, find_publication_date, parse_date_line, parse_english_date

LEX = load_lexicon()


def test_month_spellings_and_arabic_indic_digits() -> None:
    for text, month in [("٣ نيسان/أبريل ٢٠٢٣", 4), ("3 أبريل 2023", 4), ("3 من كانون الثاني 2023", 1),
                        ("3 يناير 2023", 1), ("3 جانفي 2023", 1), ("3 تشرين الثاني 2023", 11)]:
        (m,) = find_date_mentions(text, LEX)
        assert (m.day, m.month, m.year) == (3, month, 2023), text


def test_anchor_detection() -> None:
    assert find_date_mentions("اليوم 5 أيار 2023", LEX)[0].anchored
    assert find_date_mentions("مساء السبت 6 أيار", LEX)[0].weekday == 5
    assert not find_date_mentions("في 5 أيار 2023", LEX)[0].anchored


def test_anchored_old_date_is_a_look_back() -> None:
    body = ["وكانت الانتفاضة قد بدأت يوم الجمعة 18 آذار 2011 في درعا.", "وتعود الذكرى في آذار 2024 هذا العام."]
    assert find_publication_date(body, body, LEX) is None


def test_date_line_and_embed_dates() -> None:
    assert parse_date_line("الأحد 8 كانون الأول 2024", LEX) == "2024-12-08"
    assert parse_date_line("2024-12-08", LEX) == "2024-12-08"
    assert parse_date_line("المعارضة تدخل المدينة في 8 كانون الأول 2024", LEX) is None
    assert parse_english_date("December 4, 2024", LEX) == "2024-12-04"
    assert parse_english_date("Feb 30, 2024", LEX) is None
