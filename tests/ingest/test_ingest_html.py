"""HTML pages: trafilatura main text with metadata; pages without a body are quarantined."""
from __future__ import annotations

from rasd.document import Document, Quarantined
from rasd.ingest import ReadOptions, read_bytes

from ingest_samples import BODY_AR, TITLE_AR


def _page(charset: str = "utf-8") -> str:
    paragraphs = "".join(f"<p>{p}</p>" for p in BODY_AR.split("\n\n"))
    return (
        f"<!DOCTYPE html><html lang='ar'><head><meta charset='{charset}'><title>{TITLE_AR}</title>"
        "<meta property='og:site_name' content='موقع تجريبي'>"
        "<meta property='article:published_time' content='2024-12-05T22:30:00+03:00'>"
        "<link rel='canonical' href='https://example.org/news/55'></head><body>"
        "<nav><a href='/'>الرئيسية</a> <a href='/s'>سياسة</a></nav>"
        f"<article><h1>{TITLE_AR}</h1>{paragraphs}</article>"
        "<footer>جميع الحقوق محفوظة</footer></body></html>"
    )


def test_html_main_text_and_metadata() -> None:
    item = list(read_bytes(_page().encode("utf-8"), path="p.html", options=ReadOptions()))[0]
    doc = item.result
    assert isinstance(doc, Document)
    assert "اشتباكات عنيفة" in doc.text and "نزحت عشرات العائلات" in doc.text
    assert "جميع الحقوق محفوظة" not in doc.text
    assert doc.title == TITLE_AR and doc.outlet == "موقع تجريبي"
    assert doc.published == "2024-12-05" and doc.published_source == "metadata"
    assert doc.origin.url == "https://example.org/news/55"
    assert doc.meta["format"] == "html" and item.raw.media_type == "text/html"
    assert doc.text == doc.raw_text and doc.lang == "ar"


def test_windows_1256_html_with_declared_charset() -> None:
    doc = list(read_bytes(_page("windows-1256").encode("cp1256"), path="p.htm", options=ReadOptions()))[0].result
    assert isinstance(doc, Document) and "ريف حلب" in doc.text


def test_html_sniffed_without_extension() -> None:
    doc = list(read_bytes(_page().encode(), path="download", options=ReadOptions()))[0].result
    assert isinstance(doc, Document) and doc.meta["format"] == "html"


def test_html_without_main_text_is_a_parse_error() -> None:
    data = b"<html><head><title>x</title></head><body><nav><a href='/'>a</a></nav></body></html>"
    result = list(read_bytes(data, path="empty.html", options=ReadOptions()))[0].result
    assert isinstance(result, Quarantined) and result.reason == "parse_error"
    assert result.detail == "html has no main text"


def test_html_with_no_body_element_is_a_parse_error() -> None:
    data = "<html><head><title>صفحة</title></head></html>".encode()
    result = list(read_bytes(data, path="nobody.html", options=ReadOptions()))[0].result
    assert isinstance(result, Quarantined) and result.reason == "parse_error"
