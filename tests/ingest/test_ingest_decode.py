"""Encoding detection: each supported encoding is recognised, binary and garbage are rejected."""
from __future__ import annotations

import codecs

import pytest
from hypothesis import given, settings, strategies as st

from rasd.document import QUARANTINE_REASONS
from rasd.ingest.base import Rejected
from rasd.ingest.decode import Decoded, decode_bytes

from ingest_samples import BODY_AR, BODY_EN


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        (BODY_AR.encode("utf-8"), "utf-8"),
        (codecs.BOM_UTF8 + BODY_AR.encode("utf-8"), "utf-8-sig"),
        (codecs.BOM_UTF16_LE + BODY_AR.encode("utf-16-le"), "utf-16-le"),
        (codecs.BOM_UTF16_BE + BODY_AR.encode("utf-16-be"), "utf-16-be"),
        (BODY_AR.encode("utf-16-le"), "utf-16-le"),
        (BODY_AR.encode("utf-16-be"), "utf-16-be"),
        (BODY_AR.encode("cp1256"), "cp1256"),
    ],
    ids=["utf8", "utf8-bom", "utf16le-bom", "utf16be-bom", "utf16le", "utf16be", "cp1256"],
)
def test_arabic_text_decodes_in_every_supported_encoding(data: bytes, encoding: str) -> None:
    result = decode_bytes(data)
    assert isinstance(result, Decoded), result
    assert result.text == BODY_AR
    assert result.encoding == encoding


def test_windows_1256_is_not_mistaken_for_windows_1252() -> None:
    result = decode_bytes((BODY_AR + "\n" + BODY_EN).encode("cp1256"))
    assert isinstance(result, Decoded)
    assert result.encoding == "cp1256"
    assert "ريف حلب" in result.text


def test_latin_legacy_text_decodes_as_cp1252() -> None:
    result = decode_bytes("Le café du quartier a rouvert après les frappes.".encode("cp1252"))
    assert isinstance(result, Decoded)
    assert "café" in result.text


@pytest.mark.parametrize(
    "data",
    [b"\x89PNG\r\n\x1a\n" + b"\x00" * 40, b"\xff\xd8\xff\xe0" + b"JFIF", b"%PDF-1.7\n", b"PK\x03\x04rest",
     b"MZ\x90\x00\x03\x00\x00\x00", b"\x7fELF\x02\x01"],
    ids=["png", "jpeg", "pdf", "zip", "exe", "elf"],
)
def test_binary_signatures_are_not_text(data: bytes) -> None:
    result = decode_bytes(data)
    assert isinstance(result, Rejected) and result.reason == "not_text"


def test_nul_bytes_outside_utf16_are_not_text() -> None:
    result = decode_bytes(b"abc\x00\x01\x02\x03\xfe\xfd" * 50)
    assert isinstance(result, Rejected) and result.reason == "not_text"


def test_text_starting_with_weak_magic_letters_stays_text() -> None:
    result = decode_bytes(b"MZ is the name of a street in the old town.")
    assert isinstance(result, Decoded)


@pytest.mark.parametrize("data", [b"", b"  \n\t\r\n"], ids=["no-bytes", "whitespace"])
def test_empty_input_is_rejected_as_empty(data: bytes) -> None:
    result = decode_bytes(data)
    assert isinstance(result, Rejected) and result.reason == "empty"


@pytest.mark.parametrize("codec", ["euc-kr", "shift_jis"])
def test_east_asian_legacy_bytes_are_undecodable(codec: str) -> None:
    sentence = {"euc-kr": "오늘 아침 시장에서 큰 화재가 발생했습니다", "shift_jis": "今朝、市場で大きな火事が発生しました"}[codec]
    result = decode_bytes((sentence + " ") .encode(codec) * 5)
    assert isinstance(result, Rejected) and result.reason == "undecodable"


def test_bad_bytes_after_a_utf8_bom_are_undecodable() -> None:
    result = decode_bytes(codecs.BOM_UTF8 + b"\xff\xfe\xfd abc")
    assert isinstance(result, Rejected) and result.reason == "undecodable"


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=400))
def test_decode_never_raises_and_rejects_with_a_known_reason(data: bytes) -> None:
    result = decode_bytes(data)
    if isinstance(result, Rejected):
        assert result.reason in QUARANTINE_REASONS
    else:
        assert result.text.strip()


@settings(max_examples=100, deadline=None)
@given(st.text(alphabet=st.sampled_from("ابتثجحخدذرزسشصضطظعغفقكلمنهوي ءآأإؤئة،.\n0123456789"), min_size=1, max_size=200))
def test_any_arabic_text_round_trips_through_utf8_and_utf16(text: str) -> None:
    if not text.strip():
        return
    for data in (text.encode("utf-8"), codecs.BOM_UTF16_LE + text.encode("utf-16-le")):
        result = decode_bytes(data)
        assert isinstance(result, Decoded) and result.text == text
