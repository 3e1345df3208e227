"""Plain-text pages read through `read_bytes`: documents, metadata, ids, newlines, language."""
from __future__ import annotations

from rasd.document import Document, Quarantined, make_doc_id
from rasd.ingest import ReadOptions, read_bytes

from ingest_samples import BODY_AR, BODY_EN, TITLE_AR


def _one(data: bytes, path: str = "page.txt", **opts: object):
    items = list(read_bytes(data, path=path, options=ReadOptions(**opts)))
    assert len(items) == 1
    return items[0]


def test_text_page_becomes_a_document_with_its_origin_and_id() -> None:
    data = BODY_AR.encode("utf-8")
    item = _one(data, ingested_at="2025-01-01T00:00:00Z")
    doc = item.result
    assert isinstance(doc, Document)
    assert doc.text == doc.raw_text == BODY_AR
    assert doc.lang == "ar"
    assert doc.origin.path == "page.txt" and doc.origin.part == 0 and doc.origin.record is None
    assert doc.origin.raw_sha256 == item.raw.sha256
    assert doc.origin.ingested_at == "2025-01-01T00:00:00Z"
    assert doc.id == make_doc_id("page.txt", item.raw.sha256, 0)
    assert item.raw.data == data and item.raw.size == len(data)
    assert doc.meta["format"] == "text" and doc.meta["encoding"] == "utf-8"
    assert doc.meta["header_end"] == 0


def test_same_bytes_same_id_on_any_folder_different_bytes_different_id() -> None:
    a = _one(BODY_AR.encode(), path="/x/page.txt").result
    b = _one(BODY_AR.encode(), path="/y/z/page.txt").result
    c = _one((BODY_AR + ".").encode(), path="/x/page.txt").result
    assert a.id == b.id != c.id


def test_crlf_and_cr_newlines_become_lf() -> None:
    doc = _one(BODY_AR.replace("\n", "\r\n").encode("utf-16")).result
    assert "\r" not in doc.text
    assert doc.text == BODY_AR


def test_header_fields_fill_document_metadata() -> None:
    page = f" date 2025-12-17 title: {TITLE_AR}\nurl: https://example.org/news/1\n{BODY_AR}"
    item = _one(page.encode("cp1256"))
    doc = item.result
    assert doc.published == "2025-12-17" and doc.published_source == "metadata"
    assert doc.title == TITLE_AR
    assert doc.origin.url == "https://example.org/news/1" == item.raw.url
    assert doc.meta["encoding"] == "cp1256"
    assert doc.text[doc.meta["header_end"]:] == BODY_AR
    assert doc.text == page  # the raw page is kept whole; header_end marks the body


def test_english_and_undetermined_language() -> None:
    assert _one(BODY_EN.encode()).result.lang == "en"
    assert _one("12345 67 — 89".encode()).result.lang == "und"


def test_headers_without_a_body_are_quarantined_as_empty() -> None:
    item = _one(b"date 2025-12-17\n\n")
    assert isinstance(item.result, Quarantined) and item.result.reason == "empty"


def test_unknown_extension_with_text_content_reads_as_text() -> None:
    doc = _one(BODY_AR.encode(), path="article.dat").result
    assert isinstance(doc, Document) and doc.meta["format"] == "text"
