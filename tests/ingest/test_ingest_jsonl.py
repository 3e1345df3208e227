"""JSON Lines and JSON arrays: field detection, overrides, bad lines quarantined, streaming."""
from __future__ import annotations

import io
import json
from pathlib import Path

from rasd.document import Document, Quarantined
from rasd.ingest import ReadOptions, read_bytes, read_paths
from rasd.ingest.jsonl import read_jsonl_stream

from ingest_samples import BODY_AR, TITLE_AR


def _line(**fields: object) -> str:
    return json.dumps(fields, ensure_ascii=False)


def _read(lines: list[str], path: str = "feed.jsonl", **opts: object) -> list:
    data = ("\n".join(lines) + "\n").encode("utf-8")
    return list(read_bytes(data, path=path, options=ReadOptions(**opts)))


def test_fields_are_auto_detected_and_dates_kept_in_the_articles_offset() -> None:
    items = _read([_line(url="https://example.org/a", title=TITLE_AR, published_time="2024-08-31T23:30:00-05:00",
                         author="موقع الأخبار", description="ملخص قصير", keywords="حلب,اشتباكات، نزوح",
                         full_text=BODY_AR)])
    doc = items[0].result
    assert isinstance(doc, Document)
    assert doc.text == BODY_AR and doc.title == TITLE_AR
    assert doc.origin.url == "https://example.org/a" and doc.origin.record == 1
    assert doc.published == "2024-08-31" and doc.published_source == "metadata"
    assert doc.outlet == "موقع الأخبار"  # no outlet field: the author stands in
    assert doc.meta["description"] == "ملخص قصير"
    assert doc.meta["keywords"] == ["حلب", "اشتباكات", "نزوح"]
    assert doc.meta["format"] == "jsonl" and doc.meta["fields"]["text"] == "full_text"
    assert items[0].raw.record == 1 and items[0].raw.data.startswith(b"{")


def test_outlet_field_wins_over_author_and_nested_source_name_is_found() -> None:
    items = _read([_line(text=BODY_AR, source={"id": "x", "name": "وكالة أ"}, author="كاتب"),
                   _line(text=BODY_AR, outlet="جريدة ب", author="كاتب")])
    assert [it.result.outlet for it in items] == ["وكالة أ", "جريدة ب"]


def test_overrides_name_the_fields() -> None:
    line = _line(body_ar=BODY_AR, head="عنوان آخر", when="05/03/2024", link="https://e.org/x", site="ص",
                 text="نص لا يريده المستخدم")
    doc = _read([line], text_field="body_ar", title_field="head", date_field="when", url_field="link",
                outlet_field="site")[0].result
    assert doc.text == BODY_AR and doc.title == "عنوان آخر" and doc.published == "2024-03-05"
    assert doc.origin.url == "https://e.org/x" and doc.outlet == "ص"


def test_a_malformed_line_is_quarantined_and_reading_goes_on() -> None:
    items = _read([_line(text=BODY_AR), '{"text": "نص مقطوع', "", _line(text=BODY_AR + " ثانية")])
    kinds = [type(it.result).__name__ for it in items]
    assert kinds == ["Document", "Quarantined", "Document"]
    bad = items[1].result
    assert bad.reason == "parse_error" and bad.record == 2 and "line 2" in bad.detail
    assert items[2].result.origin.record == 4  # blank line 3 is skipped but still counted


def test_a_line_without_text_field_is_a_parse_error_naming_the_fields() -> None:
    item = _read([_line(title=TITLE_AR, url="https://e.org")])[0]
    assert isinstance(item.result, Quarantined) and item.result.reason == "parse_error"
    assert "text" in item.result.detail and "full_text" in item.result.detail


def test_an_empty_text_field_and_non_object_lines() -> None:
    items = _read([_line(text="", title="t"), "[1, 2]", '"just a string"'])
    assert [it.result.reason for it in items] == ["empty", "parse_error", "parse_error"]


def test_non_utf8_line_is_undecodable_and_the_next_line_still_reads() -> None:
    data = b'{"text": "\xc7\xe1\xd3"}\n' + _line(text=BODY_AR).encode() + b"\n"
    items = list(read_bytes(data, path="f.jsonl", options=ReadOptions()))
    assert items[0].result.reason == "undecodable"
    assert isinstance(items[1].result, Document)


def test_a_line_over_max_bytes_is_too_large_and_not_kept() -> None:
    long_line = _line(text=BODY_AR * 50)
    items = _read([_line(text=BODY_AR), long_line, _line(text=BODY_AR + "!")], max_bytes=2000)
    assert [type(it.result).__name__ for it in items] == ["Document", "Quarantined", "Document"]
    assert items[1].result.reason == "too_large" and items[1].raw.data is None
    assert items[1].raw.size == len(long_line.encode())
    assert items[2].result.origin.record == 3


def test_records_are_streamed_one_line_at_a_time() -> None:
    class CountingStream(io.BytesIO):
        """Tracks how far the reader has read when each record comes out."""

    lines = [_line(text=f"{BODY_AR} رقم {i}") for i in range(50)]
    stream = CountingStream(("\n".join(lines) + "\n").encode())
    reader = read_jsonl_stream(stream, path="s.jsonl", options=ReadOptions())
    next(reader)
    assert stream.tell() < len(stream.getvalue()) / 10  # one line read, not the whole stream


def test_json_array_file_and_jsonl_under_a_json_name(tmp_path: Path) -> None:
    array = tmp_path / "batch.json"
    array.write_text(json.dumps([{"text": BODY_AR, "title": "أ"}, {"title": "بلا نص"}], ensure_ascii=False),
                     encoding="utf-8")
    misnamed = tmp_path / "lines.json"
    misnamed.write_text(_line(text=BODY_AR) + "\n" + _line(text=BODY_AR + ".") + "\n", encoding="utf-8")
    broken = tmp_path / "broken.json"
    broken.write_text('[{"text": ', encoding="utf-8")
    items = list(read_paths([str(array), str(misnamed), str(broken)]))
    results = [(it.raw.path.rsplit("/", 1)[-1], type(it.result).__name__, it.raw.record) for it in items]
    assert results == [("batch.json", "Document", 1), ("batch.json", "Quarantined", 2),
                       ("lines.json", "Document", 1), ("lines.json", "Document", 2),
                       ("broken.json", "Quarantined", None)]
    assert items[0].result.title == "أ"
    assert items[-1].result.reason == "parse_error"


def test_jsonl_sniffed_from_content_and_bom_on_first_line() -> None:
    data = b"\xef\xbb\xbf" + _line(text=BODY_AR).encode() + b"\r\n"
    doc = list(read_bytes(data, path="export.dat", options=ReadOptions()))[0].result
    assert isinstance(doc, Document) and doc.text == BODY_AR
