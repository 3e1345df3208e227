"""CSV and Parquet: one article per row, fields found as in JSON Lines, streamed; bad rows alone
are quarantined."""
from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

import pytest

from rasd.document import Document, Quarantined
from rasd.ingest import ReadOptions, read_paths
from rasd.ingest.tables import csv_delimiter

ROWS = [
    {"headline": "افتتاح مدرسة جديدة في ريف دمشق",
     "content": "افتتحت مديرية التربية مدرسة جديدة في ريف دمشق تتسع لخمسمئة طالب.\n\nوقال مدير المدرسة إن الدوام يبدأ الأسبوع المقبل.",
     "link": "https://example.org/school", "date": "2024-09-01", "site": "وكالة المثال"},
    {"headline": "أمطار غزيرة في الساحل",
     "content": "هطلت أمطار غزيرة على مدن الساحل السوري مساء أمس، وتسببت في قطع عدد من الطرق الفرعية.",
     "link": "https://example.org/rain", "date": "2024-11-15", "site": "وكالة المثال"},
    {"headline": "معرض للكتاب في حلب",
     "content": "انطلقت فعاليات معرض الكتاب في مدينة حلب بمشاركة أكثر من مئة دار نشر عربية.",
     "link": "https://example.org/books", "date": "2024-10-03", "site": "صحيفة المثال"},
]


def write_csv(path: Path, rows=ROWS, *, delimiter=",", encoding="utf-8") -> Path:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=list(rows[0]), delimiter=delimiter)
    writer.writeheader()
    writer.writerows(rows)
    path.write_bytes(buf.getvalue().encode(encoding))
    return path


def read(path: Path, options: ReadOptions = ReadOptions()) -> list:
    return list(read_paths([str(path)], options))


def docs_of(items) -> list[Document]:
    return [it.result for it in items if isinstance(it.result, Document)]


def check_rows(docs: list[Document], fmt: str) -> None:
    assert [d.title for d in docs] == [r["headline"] for r in ROWS]
    assert [d.origin.url for d in docs] == [r["link"] for r in ROWS]
    assert [d.published for d in docs] == [r["date"] for r in ROWS]
    assert [d.outlet for d in docs] == [r["site"] for r in ROWS]
    assert docs[0].text == ROWS[0]["content"]
    assert {d.meta["format"] for d in docs} == {fmt} and {d.lang for d in docs} == {"ar"}
    assert docs[0].meta["fields"] == {"text": "content", "title": "headline", "url": "link", "date": "date",
                                      "outlet": "site"}


def test_csv_rows_become_documents_with_detected_fields(tmp_path):
    items = read(write_csv(tmp_path / "feed.csv"))
    docs = docs_of(items)
    check_rows(docs, "csv")
    # record = the line the row starts on: the first row's content spans two lines (3 with the blank)
    assert [d.origin.record for d in docs] == [2, 5, 6]
    again = docs_of(read(tmp_path / "feed.csv"))
    assert [d.id for d in again] == [d.id for d in docs] and len({d.id for d in docs}) == 3


@pytest.mark.parametrize("encoding", ["utf-8-sig", "cp1256", "utf-16"])
def test_csv_encoding_is_detected(tmp_path, encoding):
    docs = docs_of(read(write_csv(tmp_path / "feed.csv", encoding=encoding)))
    check_rows(docs, "csv")


@pytest.mark.parametrize("name, delimiter", [("feed.tsv", "\t"), ("feed.csv", ";"), ("feed.csv", "\t")])
def test_csv_delimiter_from_the_header(tmp_path, name, delimiter):
    check_rows(docs_of(read(write_csv(tmp_path / name, delimiter=delimiter))), "csv")


def test_csv_delimiter_helper():
    assert csv_delimiter("a;b;c\n", "x.csv") == ";"
    assert csv_delimiter("title\n", "x.csv") == ","
    assert csv_delimiter("a,b\n", "x.tsv") == "\t"


def test_a_long_field_is_read_whole(tmp_path):
    long_text = ("قالت مصادر محلية إن الاشتباكات استمرت طوال الليل في الريف الشرقي. " * 4000).strip()
    assert len(long_text.encode()) > 131072  # over the csv module's default field limit
    rows = [dict(ROWS[0], content=long_text)] + ROWS[1:]
    docs = docs_of(read(write_csv(tmp_path / "feed.csv", rows)))
    assert len(docs) == 3 and docs[0].text == long_text


def test_bad_rows_are_quarantined_alone(tmp_path):
    path = write_csv(tmp_path / "feed.csv")
    lines = path.read_text("utf-8").splitlines(keepends=True)
    # a row with more values than columns, a row with no text, then the good rows
    bad = 'عنوان,نص,https://example.org/x,2024-01-01,موقع,زائد\n'
    empty = 'عنوان فارغ,,https://example.org/e,2024-01-01,موقع\n'
    path.write_text(lines[0] + bad + empty + "".join(lines[1:]), "utf-8")
    items = read(path)
    q = [it.result for it in items if isinstance(it.result, Quarantined)]
    assert [(x.reason, x.record) for x in q] == [("parse_error", 2), ("empty", 3)]
    assert "6 values for 5 columns" in q[0].detail
    check_rows(docs_of(items), "csv")


def test_a_field_over_max_bytes_is_too_large_and_reading_goes_on(tmp_path):
    rows = [dict(ROWS[0], content="خبر طويل جداً " * 2000)] + ROWS[1:]
    items = read(write_csv(tmp_path / "feed.csv", rows), ReadOptions(max_bytes=5000))
    q = [it.result for it in items if isinstance(it.result, Quarantined)]
    assert [x.reason for x in q] == ["too_large"]
    assert [d.title for d in docs_of(items)] == [r["headline"] for r in ROWS[1:]]


def test_text_field_override_applies_to_csv(tmp_path):
    rows = [{"body_ar": r["content"], "notes": "ملاحظة قصيرة لا تكفي"} for r in ROWS]
    docs = docs_of(read(write_csv(tmp_path / "feed.csv", rows), ReadOptions(text_field="body_ar")))
    assert [d.text for d in docs] == [r["content"] for r in ROWS]


def test_a_header_only_csv_is_empty(tmp_path):
    path = tmp_path / "feed.csv"
    path.write_text("title,content\n", "utf-8")
    assert [it.result.reason for it in read(path)] == ["empty"]


def test_gzipped_csv_streams(tmp_path):
    import gzip

    path = tmp_path / "feed.csv.gz"
    path.write_bytes(gzip.compress(write_csv(tmp_path / "plain.csv").read_bytes()))
    check_rows(docs_of(read(path)), "csv")


# --- Parquet ---------------------------------------------------------------------------------

def write_parquet(path: Path, rows, *, row_group_size: int = 2) -> Path:
    pa = pytest.importorskip("pyarrow", reason="Parquet input is optional: pip install rasd[parquet]")
    import pyarrow.parquet as pq

    table = pa.Table.from_pylist(rows)
    pq.write_table(table, path, row_group_size=row_group_size)
    return path


def test_parquet_rows_become_documents_with_detected_fields(tmp_path):
    rows = [dict(r, date=dt.datetime.fromisoformat(r["date"] + "T08:30:00")) for r in ROWS]
    path = write_parquet(tmp_path / "feed.parquet", rows)
    docs = docs_of(read(path))
    check_rows(docs, "parquet")
    assert [d.origin.record for d in docs] == [1, 2, 3]


def test_parquet_is_read_one_row_group_at_a_time(tmp_path, monkeypatch):
    pq = pytest.importorskip("pyarrow.parquet")
    path = write_parquet(tmp_path / "feed.parquet", ROWS * 20, row_group_size=7)
    seen_groups = []
    original = pq.ParquetFile.iter_batches

    def spy(self, *args, **kwargs):
        seen_groups.append(tuple(kwargs.get("row_groups") or ()))
        return original(self, *args, **kwargs)

    monkeypatch.setattr(pq.ParquetFile, "iter_batches", spy)
    monkeypatch.setattr(pq.ParquetFile, "read", lambda *a, **k: pytest.fail("whole file read"))
    docs = docs_of(read(path))
    assert len(docs) == 60 and [d.origin.record for d in docs] == list(range(1, 61))
    assert seen_groups == [(g,) for g in range(9)]


def test_a_parquet_file_by_magic_and_a_broken_one(tmp_path):
    path = write_parquet(tmp_path / "feed.bin", ROWS)  # extension says nothing; PAR1 does
    check_rows(docs_of(read(path)), "parquet")
    broken = tmp_path / "broken.parquet"
    broken.write_bytes(path.read_bytes()[: len(path.read_bytes()) // 2])
    [item] = read(broken)
    assert item.result.reason == "parse_error" and "Parquet" in item.result.detail
