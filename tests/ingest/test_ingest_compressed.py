"""gzip and zstd JSON Lines: read like the plain file, streamed; a cut or corrupt stream keeps the
records before it and ends in one quarantined item."""
from __future__ import annotations

import gzip
import io
import json
from pathlib import Path

import pytest

from rasd.document import Document, Quarantined
from rasd.ingest import ReadOptions, read_paths, read_stream
from rasd.ingest.compressed import CompressedInputError, compression_of, inner_name, open_decompressed

SENTENCES = [
    "أعلنت السلطات المحلية في مدينة حمص افتتاح جسر جديد فوق نهر العاصي بعد أشهر من العمل.",
    "قالت مصادر طبية إن ثلاثة أشخاص أصيبوا في حادث سير على الطريق الدولي قرب مدينة حماة.",
    "وصلت دفعة جديدة من المساعدات الغذائية إلى مخيم في ريف إدلب الشمالي صباح اليوم.",
]


def jsonl_bytes(n: int = 30) -> bytes:
    lines = [json.dumps({"url": f"https://example.org/{i}", "title": f"خبر {i}",
                         "content": f"{SENTENCES[i % 3]} رقم الخبر {i}.", "published": "2024-05-0{}".format(1 + i % 9)},
                        ensure_ascii=False) for i in range(n)]
    return ("\n".join(lines) + "\n").encode("utf-8")


def zstd_compress(data: bytes) -> bytes:
    zstandard = pytest.importorskip("zstandard", reason="zstd input is optional: pip install rasd[zstd]")
    return zstandard.ZstdCompressor().compress(data)


def items_of(path: Path) -> list:
    return list(read_paths([str(path)], ReadOptions()))


def summary(items) -> list[tuple]:
    return [(it.result.origin.record, it.result.origin.url, it.result.text, it.result.published, it.raw.sha256)
            for it in items if isinstance(it.result, Document)]


@pytest.mark.parametrize("suffix, pack", [(".gz", gzip.compress), (".zst", zstd_compress)], ids=["gzip", "zstd"])
def test_compressed_jsonl_reads_like_the_plain_file(tmp_path, suffix, pack):
    plain = tmp_path / "feed.jsonl"
    plain.write_bytes(jsonl_bytes())
    packed = tmp_path / f"feed.jsonl{suffix}"
    packed.write_bytes(pack(jsonl_bytes()))
    want = summary(items_of(plain))
    got = items_of(packed)
    assert len(want) == 30 and summary(got) == want
    assert all(it.result.origin.path == str(packed) for it in got)


@pytest.mark.parametrize("suffix, pack", [(".gz", gzip.compress), (".zst", zstd_compress)], ids=["gzip", "zstd"])
def test_a_truncated_stream_keeps_the_records_before_the_cut(tmp_path, suffix, pack):
    data = pack(jsonl_bytes(2000))
    path = tmp_path / f"feed.jsonl{suffix}"
    path.write_bytes(data[: len(data) // 2])
    items = items_of(path)
    docs = [it.result for it in items if isinstance(it.result, Document)]
    assert 0 < len(docs) < 2000
    assert [d.origin.record for d in docs] == list(range(1, len(docs) + 1))
    q = [it.result for it in items if isinstance(it.result, Quarantined)]
    assert len(q) == 1 and q[-1].reason == "parse_error" and "truncated" in q[-1].detail
    assert items[-1].result is q[-1]


def test_corrupt_gzip_data_is_reported_as_corrupt(tmp_path):
    data = bytearray(gzip.compress(jsonl_bytes(2000)))
    for k in range(len(data) // 2, len(data) // 2 + 50):
        data[k] ^= 0xFF
    path = tmp_path / "feed.jsonl.gz"
    path.write_bytes(bytes(data))
    items = items_of(path)
    assert isinstance(items[0].result, Document)
    last = items[-1].result
    assert isinstance(last, Quarantined) and last.reason == "parse_error" and "corrupt" in last.detail


def test_multi_member_gzip_is_read_to_the_end(tmp_path):
    path = tmp_path / "feed.ndjson.gz"
    half = jsonl_bytes(10).split(b"\n")
    path.write_bytes(gzip.compress(b"\n".join(half[:5]) + b"\n") + gzip.compress(b"\n".join(half[5:])))
    docs = [it.result for it in items_of(path) if isinstance(it.result, Document)]
    assert [d.origin.url for d in docs] == [f"https://example.org/{i}" for i in range(10)]


def test_the_codec_comes_from_the_first_bytes_not_the_name(tmp_path):
    lying = tmp_path / "feed.jsonl"  # gzip under a plain name
    lying.write_bytes(gzip.compress(jsonl_bytes(5)))
    plain = tmp_path / "notes.txt.gz"  # a plain text under a .gz name
    plain.write_text(SENTENCES[0], "utf-8")
    assert len([it for it in items_of(lying) if isinstance(it.result, Document)]) == 5
    [item] = items_of(plain)
    assert isinstance(item.result, Document) and item.result.text == SENTENCES[0]


def test_a_compressed_single_page_is_read_and_named_by_its_inner_format(tmp_path):
    page = f"<html><body><article><p>{SENTENCES[1]}</p><p>{SENTENCES[2]}</p></article></body></html>"
    path = tmp_path / "page.html.gz"
    path.write_bytes(gzip.compress(page.encode()))
    [item] = items_of(path)
    assert isinstance(item.result, Document) and item.result.meta["format"] == "html"
    assert SENTENCES[1] in item.result.text


def test_a_decompressed_page_over_the_limit_is_too_large(tmp_path):
    path = tmp_path / "big.txt.gz"
    path.write_bytes(gzip.compress((SENTENCES[0] + "\n").encode() * 2000))
    [item] = list(read_paths([str(path)], ReadOptions(max_bytes=10_000)))
    assert item.result.reason == "too_large"


def test_compressed_stdin_is_read():
    stream = io.BufferedReader(io.BytesIO(gzip.compress(jsonl_bytes(4))))
    docs = [it.result for it in read_stream(stream, path=None) if isinstance(it.result, Document)]
    assert len(docs) == 4


def test_decompression_holds_a_bounded_buffer():
    # a highly compressible member: 64 MB of one byte from ~64 KB of gzip
    data = gzip.compress(b"a" * (64 * 1024 * 1024), compresslevel=9)
    stream = open_decompressed(io.BytesIO(data), "gzip")
    total = 0
    biggest = 0
    while chunk := stream.read1(10 * 1024 * 1024):
        total += len(chunk)
        biggest = max(biggest, len(stream.raw._pending) + len(chunk))
    assert total == 64 * 1024 * 1024
    assert biggest <= 2 * 1024 * 1024  # never the whole member in memory


def test_helpers():
    assert compression_of(b"\x1f\x8b\x08rest") == "gzip"
    assert compression_of(b"\x28\xb5\x2f\xfdrest") == "zstd"
    assert compression_of(b"{\"a\": 1}") is None
    assert inner_name("x/feed.jsonl.gz") == "x/feed.jsonl" and inner_name("a.csv.ZST") == "a.csv"
    assert inner_name("plain.jsonl") == "plain.jsonl"
    with pytest.raises(CompressedInputError, match="truncated"):
        open_decompressed(io.BytesIO(gzip.compress(b"x" * 1000)[:-12]), "gzip").read()
