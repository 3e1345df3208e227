"""WARC and WARC.gz: page records become documents that keep their URI, date and byte offset;
other records are skipped and counted; a corrupt or cut record is quarantined and reading goes on."""
from __future__ import annotations

import gzip
import io
from collections import Counter
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from rasd.document import Document, Quarantined
from rasd.ingest import ReadOptions, read_bytes, read_paths

# Our own sentences, one page per town.
TOWNS = ["حلب", "حمص", "درعا", "إدلب", "دير الزور"]


def page_html(town: str) -> str:
    return (f"<html><head><meta charset='utf-8'><title>اشتباكات في ريف {town}</title></head><body>"
            f"<nav>الرئيسية | أخبار | اتصل بنا</nav><article><h1>اشتباكات في ريف {town}</h1>"
            f"<p>قالت مصادر محلية إن اشتباكات عنيفة اندلعت صباح اليوم في ريف {town} بين مجموعات مسلحة، "
            f"وأسفرت عن سقوط عدد من الجرحى بين المدنيين.</p>"
            f"<p>وأضافت المصادر أن فرق الإسعاف نقلت المصابين إلى مستشفى المدينة، فيما عاد الهدوء الحذر "
            f"إلى المنطقة مع حلول المساء.</p></article></body></html>")


def http(content_type: str, status: str = "200 OK") -> StatusAndHeaders:
    return StatusAndHeaders(status, [("Content-Type", content_type)], protocol="HTTP/1.1")


def write_warc(path: Path, *, gz: bool, towns=TOWNS, extras: bool = True) -> Path:
    """A crawl archive: warcinfo, then per town a request and an HTML response; with `extras` also
    an image, a 404 page, a plain-text resource and a metadata record."""
    with open(path, "wb") as f:
        w = WARCWriter(f, gzip=gz)
        w.write_record(w.create_warcinfo_record(path.name, {"software": "rasd tests"}))
        for i, town in enumerate(towns):
            url = f"https://news.example.org/syria/{i}"
            w.write_record(w.create_warc_record(url, "request", payload=io.BytesIO(b"GET / HTTP/1.1\r\n\r\n")))
            w.write_record(w.create_warc_record(url, "response", payload=io.BytesIO(page_html(town).encode()),
                                                http_headers=http("text/html; charset=utf-8"),
                                                warc_headers_dict={"WARC-Date": f"2024-03-0{i + 1}T10:00:00Z"}))
        if extras:
            w.write_record(w.create_warc_record("https://news.example.org/logo.png", "response",
                                                payload=io.BytesIO(b"\x89PNG\r\n\x1a\n" + bytes(64)),
                                                http_headers=http("image/png")))
            w.write_record(w.create_warc_record("https://news.example.org/gone", "response",
                                                payload=io.BytesIO(page_html("حماة").encode()),
                                                http_headers=http("text/html", "404 Not Found")))
            text = ("وصلت قافلة مساعدات إنسانية إلى مدينة الرقة صباح اليوم، وتضم شاحنات محملة بالمواد "
                    "الغذائية والطبية.\n\nوقال مسؤول محلي إن توزيع المساعدات سيبدأ غداً.\n").encode()
            w.write_record(w.create_warc_record("https://news.example.org/brief.txt", "resource",
                                                payload=io.BytesIO(text), warc_content_type="text/plain"))
            w.write_record(w.create_warc_record("https://news.example.org/syria/0", "metadata",
                                                payload=io.BytesIO(b"outlinks: 3\r\n"),
                                                warc_content_type="application/warc-fields"))
    return path


def read(path: Path, options: ReadOptions = ReadOptions()) -> tuple[list, Counter]:
    skipped: Counter = Counter()
    items = list(read_paths([str(path)], options, on_skip=lambda reason: skipped.update([reason])))
    return items, skipped


def docs_of(items) -> list[Document]:
    return [it.result for it in items if isinstance(it.result, Document)]


def quarantined_of(items) -> list[Quarantined]:
    return [it.result for it in items if isinstance(it.result, Quarantined)]


@pytest.mark.parametrize("gz", [False, True], ids=["warc", "warc.gz"])
def test_page_records_become_documents_with_uri_date_and_offset(tmp_path, gz):
    path = write_warc(tmp_path / ("crawl.warc.gz" if gz else "crawl.warc"), gz=gz)
    items, skipped = read(path)
    docs = docs_of(items)
    assert quarantined_of(items) == []
    html_docs = [d for d in docs if d.meta["format"] == "html"]
    assert [d.origin.url for d in html_docs] == [f"https://news.example.org/syria/{i}" for i in range(len(TOWNS))]
    for i, (doc, town) in enumerate(zip(html_docs, TOWNS)):
        assert f"ريف {town} بين مجموعات مسلحة" in doc.text
        assert "اتصل بنا" not in doc.text  # the page went through trafilatura, menu left out
        assert doc.meta["warc"]["date"] == f"2024-03-0{i + 1}T10:00:00Z"
        assert doc.meta["warc"]["offset"] == doc.origin.record
        assert doc.origin.path == str(path) and doc.lang == "ar"
        assert doc.published is None  # a crawl date is not a publication date
    text_doc = [d for d in docs if d.meta["format"] == "text"]
    assert len(text_doc) == 1 and text_doc[0].origin.url == "https://news.example.org/brief.txt"
    assert "قافلة مساعدات" in text_doc[0].text
    assert skipped == Counter({"warc_warcinfo": 1, "warc_request": len(TOWNS), "warc_not_html": 1,
                               "warc_http_status": 1, "warc_metadata": 1})


@pytest.mark.parametrize("gz", [False, True], ids=["warc", "warc.gz"])
def test_a_documents_offset_finds_its_record_again(tmp_path, gz):
    path = write_warc(tmp_path / ("crawl.warc.gz" if gz else "crawl.warc"), gz=gz)
    items, _ = read(path)
    offsets = set()
    with open(path, "rb") as f:
        for doc in docs_of(items):
            f.seek(doc.origin.record)
            record = next(iter(ArchiveIterator(f)))
            assert record.rec_headers.get_header("WARC-Target-URI") == doc.origin.url
            assert record.content_stream().read() == next(it.raw.data for it in items if it.result is doc)
            offsets.add(doc.origin.record)
    assert len(offsets) == len(docs_of(items))


def test_ids_are_stable_across_reads_and_distinct_per_record(tmp_path):
    path = write_warc(tmp_path / "crawl.warc.gz", gz=True)
    first = [d.id for d in docs_of(read(path)[0])]
    again = [d.id for d in docs_of(read(path)[0])]
    assert first == again and len(set(first)) == len(first)


def test_the_same_page_at_two_offsets_is_two_documents(tmp_path):
    path = write_warc(tmp_path / "twice.warc", gz=False, towns=["حلب", "حلب"], extras=False)
    docs = docs_of(read(path)[0])
    assert len(docs) == 2 and docs[0].origin.raw_sha256 == docs[1].origin.raw_sha256
    assert docs[0].id != docs[1].id


def _record_starts(path: Path) -> list[int]:
    with open(path, "rb") as f:
        it = ArchiveIterator(f)
        starts = []
        for _ in it:
            starts.append(it.offset)
    return starts


def test_a_corrupt_record_is_quarantined_and_the_file_goes_on_plain(tmp_path):
    path = write_warc(tmp_path / "crawl.warc", gz=False, extras=False)
    data = bytearray(path.read_bytes())
    starts = _record_starts(path)
    # the second town's response (records: warcinfo, req0, resp0, req1, resp1, ...): break its version line
    bad = starts[4]
    data[bad:bad + 8] = b"WARX/9.9"
    path.write_bytes(bytes(data))
    items, _ = read(path)
    q = quarantined_of(items)
    assert len(q) == 1 and q[0].reason == "parse_error" and "corrupt WARC record" in q[0].detail
    assert q[0].record == bad
    urls = [d.origin.url for d in docs_of(items)]
    assert urls == [f"https://news.example.org/syria/{i}" for i in range(len(TOWNS)) if i != 1]
    # the quarantined item keeps the bad bytes it skipped over
    bad_item = next(it for it in items if isinstance(it.result, Quarantined))
    assert bad_item.raw.data.startswith(b"WARX/9.9")


def test_a_corrupt_gzip_member_is_quarantined_and_the_file_goes_on(tmp_path):
    path = write_warc(tmp_path / "crawl.warc.gz", gz=True, extras=False)
    data = bytearray(path.read_bytes())
    starts = _record_starts(path)
    bad = starts[4]  # the second town's response member
    for k in range(bad + 20, bad + 60):  # scramble its deflate data
        data[k] ^= 0x5A
    path.write_bytes(bytes(data))
    items, _ = read(path)
    q = quarantined_of(items)
    assert len(q) == 1 and q[0].reason == "parse_error"
    assert q[0].record == bad and f"resumed at byte {starts[5]}" in q[0].detail
    urls = [d.origin.url for d in docs_of(items)]
    assert urls == [f"https://news.example.org/syria/{i}" for i in range(len(TOWNS)) if i != 1]


@pytest.mark.parametrize("gz", [False, True], ids=["warc", "warc.gz"])
@pytest.mark.parametrize("cut", ["in_header", "in_body"])
def test_a_cut_file_keeps_the_records_before_the_cut(tmp_path, gz, cut):
    path = write_warc(tmp_path / ("crawl.warc.gz" if gz else "crawl.warc"), gz=gz, extras=False)
    starts = _record_starts(path)
    last = starts[-1]  # the last response
    data = path.read_bytes()
    path.write_bytes(data[: last + 60] if cut == "in_header" else data[: len(data) - 40])
    items, _ = read(path)
    assert [d.origin.url for d in docs_of(items)] == [f"https://news.example.org/syria/{i}"
                                                       for i in range(len(TOWNS) - 1)]
    q = quarantined_of(items)
    assert len(q) == 1 and q[0].reason == "parse_error" and q[0].record == last


def test_a_warc_is_known_by_its_first_bytes_whatever_its_name(tmp_path):
    plain = write_warc(tmp_path / "crawl.warc", gz=False, extras=False).rename(tmp_path / "crawl.txt")
    packed = write_warc(tmp_path / "crawl.warc.gz", gz=True, extras=False).rename(tmp_path / "crawl.bin")
    for path in (plain, packed):
        assert len(docs_of(read(path)[0])) == len(TOWNS)


def test_a_payload_over_the_size_limit_is_quarantined_not_read(tmp_path):
    path = write_warc(tmp_path / "crawl.warc", gz=False, extras=False)
    items, _ = read(path, ReadOptions(max_bytes=200))
    q = quarantined_of(items)
    assert len(q) == len(TOWNS) and {x.reason for x in q} == {"too_large"}
    assert all(it.raw.data is None and it.raw.size > 200 for it in items)


def test_an_empty_warc_is_quarantined_as_empty(tmp_path):
    path = tmp_path / "none.warc.gz"
    path.write_bytes(gzip.compress(b""))
    items, _ = read(path)
    assert [q.reason for q in quarantined_of(items)] == ["empty"]


def test_warc_bytes_read_through_read_bytes(tmp_path):
    path = write_warc(tmp_path / "crawl.warc.gz", gz=True, extras=False)
    items = list(read_bytes(path.read_bytes(), path="upload.warc.gz"))
    assert len(docs_of(items)) == len(TOWNS)


def test_rasd_run_on_a_warc_fills_the_store(tmp_path):
    """End to end: `rasd run crawl.warc.gz` stores one document per page record with its URI,
    offset and WARC date, counts the skipped records, and a corrupt record is quarantined."""
    import subprocess
    import sys

    from rasd.store.sqlite import SqliteStore

    path = write_warc(tmp_path / "crawl.warc.gz", gz=True)
    data = bytearray(path.read_bytes())
    bad = _record_starts(path)[4]  # the second town's response
    for k in range(bad + 20, bad + 60):
        data[k] ^= 0x5A
    path.write_bytes(bytes(data))
    db = tmp_path / "store.db"
    r = subprocess.run([sys.executable, "-m", "rasd.cli", "run", str(path), "--db", str(db), "-q"],
                       capture_output=True, text=True)
    assert r.returncode == 3, r.stderr  # 3: the run finished with quarantined records
    store = SqliteStore(str(db))
    try:
        docs = list(store.iter_documents())
        by_url = {d.origin.url: d for d in docs}
        want = {f"https://news.example.org/syria/{i}" for i in range(len(TOWNS)) if i != 1}
        assert want <= set(by_url) and "https://news.example.org/syria/1" not in by_url
        for url in want:
            doc = by_url[url]
            assert doc.origin.path == str(path) and doc.meta["warc"]["offset"] == doc.origin.record
            assert doc.meta["warc"]["date"].startswith("2024-03-0")
        [q] = store.list_quarantine()
        assert q["reason"] == "parse_error" and q["record"] == bad
        [run] = store.list_runs()
        read = run["counts"]["stages"]["read"]
        assert read["dropped.warc_request"] == len(TOWNS) and read["dropped.warc_not_html"] == 1
    finally:
        store.close()


def test_a_warc_gzipped_whole_is_read_decompressed(tmp_path):
    plain = write_warc(tmp_path / "crawl.warc", gz=False)
    packed = tmp_path / "crawl.warc.gz"
    packed.write_bytes(gzip.compress(plain.read_bytes()))  # `gzip crawl.warc`: one member, not one per record
    want, want_skipped = read(plain)
    got, got_skipped = read(packed)
    assert quarantined_of(got) == [] and got_skipped == want_skipped
    assert [(d.origin.url, d.origin.record, d.text) for d in docs_of(got)] == \
        [(d.origin.url, d.origin.record, d.text) for d in docs_of(want)]
    assert {d.meta["warc"]["offset_in"] for d in docs_of(got)} == {"decompressed file"}
