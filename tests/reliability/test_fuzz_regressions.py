"""Issue 12: every input the fuzzers found breaking something, kept as a literal.

Each test names the behaviour that holds now and failed on the main before the fix (the finding
is quoted above it); a neighbouring case that already held is kept beside it where marked. Found
by `tests/reliability/test_fuzz_properties.py` (Hypothesis) or `bench/fuzz/run.py` (atheris);
see docs/reliability.md.
"""
from __future__ import annotations

import datetime as dt
import json

import pytest

from rasd.clean.lexicon import load_lexicon
from rasd.clean.normalize import NormalizeOptions, normalize_arabic, normalize_with_offsets
from rasd.clean.outlet import url_host
from rasd.clean.pipeline import clean_document, outlet_from_url
from rasd.clean.pubdate import find_date_mentions, parse_date_line, parse_english_date
from rasd.document import Document, Origin, Quarantined
from rasd.extract.dates import find_dates, infer_document_date
from rasd.extract.quantities import find_quantities
from rasd.ingest import read_bytes
from rasd.ingest.dates import parse_date
from rasd.ingest.headers import parse_headers
from tests.reliability import fuzz_oracles as oracle

BODY = "قُتل ثلاثة مدنيين وجُرح خمسة آخرون في قصفٍ مدفعي استهدف بلدة صغيرة شمال إدلب صباح أمس الأحد."


def page(text: str, url: str | None = None) -> Document:
    return Document(id="r", text=text, raw_text=text, origin=Origin(path="r.txt", url=url))


# -- re.IGNORECASE folds more than str.lower(): ſ→s, K (Kelvin)→k, İ/ı→i -----------------------
# Found: KeyError 'ſource' in ingest.headers, KeyError 'auguſt' in ingest.dates and clean.pubdate.

@pytest.mark.parametrize("header, slot, value", [
    ("ſource: مراسل", "outlet", "مراسل"),
    ("\u212aeywords: حلب، دمشق", "keywords", "حلب، دمشق"),   # held: the Kelvin sign lowers to "k"
    ("T\u0130TLE: عنوان الخبر", "title", "عنوان الخبر"),
    ("tıtle: عنوان الخبر", "title", "عنوان الخبر"),
])
def test_header_keys_match_as_the_pattern_folds_them(header, slot, value):
    fields = parse_headers(f"{header}\n\n{BODY}")
    assert fields.fields == {slot: value}


def test_text_page_with_a_long_s_header_key_is_a_document():
    data = "ſource: مراسل\n\n".encode() + BODY.encode()
    [item] = read_bytes(data, path="page.txt")
    assert isinstance(item.result, Document) and item.result.outlet == "مراسل"


@pytest.mark.parametrize("value, day", [
    ("Auguſt 5, 2024", "2024-08-05"), ("5 ſep 2024", "2024-09-05"), ("APR\u0130L 5, 2024", "2024-04-05"),
    ("aprıl 5, 2024", "2024-04-05"),
])
def test_metadata_month_names_match_as_the_pattern_folds_them(value, day):
    assert parse_date(value) == day


def test_json_record_with_a_long_s_month_keeps_its_date():
    line = json.dumps({"text": BODY, "date": "Auguſt 5, 2024"}, ensure_ascii=False).encode()
    [item] = read_bytes(line + b"\n", path="feed.jsonl")
    assert isinstance(item.result, Document) and item.result.published == "2024-08-05"


def test_cleaner_date_finders_take_a_long_s_month():
    lex = load_lexicon(())
    assert [(m.day, m.month, m.year) for m in find_date_mentions("5 Auguſt 2024", lex)] == [(5, 8, 2024)]
    assert parse_english_date("Auguſt 5, 2024", lex) == "2024-08-05"
    assert parse_date_line("5 Auguſt 2024", lex) == "2024-08-05"
    [part] = clean_document(page(f"5 Auguſt 2024\n\n{BODY}"))
    assert part.published == "2024-08-05" and part.text == BODY


# -- a URL urlsplit refuses --------------------------------------------------------------------
# Found: ValueError "Invalid IPv6 URL" from clean_document for url="http://[::1".

def test_page_with_an_unclosed_ipv6_url_is_cleaned():
    assert url_host("http://[::1") == ""
    assert outlet_from_url("http://[::1", load_lexicon(())) is None
    [part] = clean_document(page(BODY, url="http://[::1"))
    assert part.text == BODY


# -- normalisation with no groups --------------------------------------------------------------
# Found: re.error "unterminated character set" from normalize_arabic(text, NormalizeOptions(groups=())).

# the third text (over 2,000 characters) takes the replace chain, which held
@pytest.mark.parametrize("text", ["أَعلنَ", "ا" * 200, "إِدلب " * 500])
def test_normalising_with_no_groups_changes_nothing(text):
    none = NormalizeOptions(groups=())
    assert normalize_arabic(text, none) == text
    assert normalize_with_offsets(text, none) == (text, [*range(len(text)), len(text)])


# -- relative dates at the calendar's ends -----------------------------------------------------
# Found: OverflowError in find_dates("… صباح أمس الأحد.", date(1, 1, 1)) and, with no anchor at all,
# in infer_document_date("أمس الجمعة 31/12/9999"), so in the event extractor.

def test_yesterday_on_the_first_day_of_the_calendar_is_unresolved():
    [span] = find_dates(BODY, dt.date.min)
    assert span.value["value"] is None and BODY[span.start:span.end] == span.value["text"]


def test_yesterday_on_the_last_day_of_the_calendar_resolves():   # held; "tomorrow" is the risk there
    [span] = find_dates(BODY, dt.date.max)
    assert span.value["value"] == "9999-12-26"  # أمس الأحد: the Sunday before Friday 9999-12-31


@pytest.mark.parametrize("text", ["أمس الجمعة 31/12/9999", "9999-12-31 وأمس الجمعة"])
def test_a_page_naming_the_last_day_of_the_calendar_infers_no_date(text):
    assert infer_document_date(text)[0] is None
    oracle.check_events(text, None)


@pytest.mark.parametrize("stamp", [-62135596800, 253402214400])
def test_epoch_stamps_outside_publication_years_are_no_date(stamp):
    assert parse_date(stamp) is None
    line = json.dumps({"text": BODY, "published": stamp}).encode()
    [item] = read_bytes(line, path="feed.jsonl")
    assert isinstance(item.result, Document) and item.result.published is None
    oracle.check_events(item.result.text, item.result.published)


# -- a byte-order mark as the whole text -------------------------------------------------------
# Found (atheris, readers): b"\xff\xfe\xff\xfe" as page.txt became a Document with text "".

@pytest.mark.parametrize("data", [b"\xff\xfe\xff\xfe", b"\xef\xbb\xbf\xef\xbb\xbf", b"\xfe\xff\xfe\xff\x00\n"])
def test_a_page_of_byte_order_marks_is_quarantined_empty(data):
    [item] = read_bytes(data, path="page.txt")
    assert isinstance(item.result, Quarantined) and item.result.reason == "empty"
    oracle.check_read(data, "page.txt")


# -- a run of thousands of digits --------------------------------------------------------------
# Found: ValueError "Exceeds the limit (4300 digits) for integer string conversion" from
# find_quantities("0" * 4301), so the event extractor quarantined the page.

# the third (a decimal: float() takes any length) held
@pytest.mark.parametrize("text", ["0" * 4301, "قتل " + "7" * 5000 + " شخصاً", "قتل " + "9" * 330 + ".5 شخصاً"])
def test_a_digit_run_of_thousands_is_no_count(text):
    assert oracle.check_quantities(text) == []
    oracle.check_events(text, "2024-03-05")


def test_counts_written_with_separators_still_count():   # held
    [span] = find_quantities("وبلغت الخسائر 1,250,000,000,000 دولار")
    assert span.value["value"] == 1_250_000_000_000


# -- a WARC record whose Content-Length does not fit in a machine integer -----------------------
# Found (atheris, readers, in CI): OverflowError "cannot fit 'int' into an index-sized integer"
# from warcio reading a record of Content-Length 46666666666666666666666663, which ended the file.

def _warc_record(length: str, body: bytes, uri: str = "https://example.org/a") -> bytes:
    head = (f"WARC/1.0\r\nWARC-Type: response\r\nWARC-Target-URI: {uri}\r\n"
            "WARC-Record-ID: <urn:uuid:00000000-0000-0000-0000-000000000001>\r\n"
            "WARC-Date: 2024-06-01T09:00:00Z\r\nContent-Type: application/http; msgtype=response\r\n"
            f"Content-Length: {length}\r\n\r\n")
    return head.encode() + body + b"\r\n\r\n"


HTTP_PAGE = ("HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n\r\n"
             f"<html><body><article><p>{BODY}</p></article></body></html>").encode()


@pytest.mark.parametrize("length", ["46666666666666666666666663", "9" * 40])
def test_a_warc_record_of_impossible_length_is_quarantined_and_the_next_is_read(length):
    good = _warc_record(str(len(HTTP_PAGE)), HTTP_PAGE, "https://example.org/b")
    data = _warc_record(length, HTTP_PAGE) + good
    items = oracle.check_read(data, "crawl.warc")
    bad = [i.result for i in items if isinstance(i.result, Quarantined)]
    docs = [i.result for i in items if isinstance(i.result, Document)]
    assert bad and all(q.reason == "parse_error" and "OverflowError" in q.detail for q in bad)
    assert sum(i.raw.size for i in items if isinstance(i.result, Quarantined)) > 0
    assert [d.origin.url for d in docs] == ["https://example.org/b"]
