"""Bytes to text, with the encoding detected, never assumed.

Order: empty → binary magic numbers → BOM → NUL bytes (UTF-16 without BOM, else binary) →
strict UTF-8 → charset-normalizer restricted to the legacy code pages Arabic pages use →
validation that the result reads as Arabic or Latin letters. Each step that fails says why.
"""
from __future__ import annotations

import codecs
import unicodedata
from dataclasses import dataclass

from charset_normalizer import from_bytes

from rasd.ingest.base import Rejected

#: Signatures of binary formats met in scraped folders (images, archives, documents, programs).
#: A text page never starts with these bytes.
MAGIC_NUMBERS: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "PNG image"), (b"\xff\xd8\xff", "JPEG image"), (b"GIF87a", "GIF image"),
    (b"GIF89a", "GIF image"), (b"%PDF-", "PDF document"), (b"PK\x03\x04", "ZIP archive"),
    (b"PK\x05\x06", "ZIP archive"), (b"\x1f\x8b", "gzip archive"), (b"BZh", "bzip2 archive"),
    (b"\xfd7zXZ\x00", "xz archive"), (b"7z\xbc\xaf\x27\x1c", "7z archive"),
    (b"Rar!\x1a\x07", "RAR archive"), (b"\x7fELF", "ELF executable"), (b"MZ", "Windows executable"),
    (b"\xca\xfe\xba\xbe", "Java class / Mach-O"), (b"\xcf\xfa\xed\xfe", "Mach-O executable"),
    (b"II*\x00", "TIFF image"), (b"MM\x00*", "TIFF image"), (b"RIFF", "RIFF media"),
    (b"OggS", "Ogg media"), (b"ID3", "MP3 audio"), (b"fLaC", "FLAC audio"),
    (b"SQLite format 3\x00", "SQLite database"), (b"\x00asm", "WebAssembly"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "MS Office document"), (b"wOFF", "web font"),
    (b"\x28\xb5\x2f\xfd", "zstd archive"),
)
#: Magic numbers that are also plausible starts of a text ("MZ…", "BZh…", "RIFF…", "ID3…"):
#: binary only when a NUL byte follows soon, as it always does in those formats.
WEAK_MAGIC = {b"MZ", b"BZh", b"RIFF", b"ID3", b"OggS", b"fLaC"}
#: Window in which a weak magic must be backed by a NUL byte (headers of those formats are <64 B).
WEAK_MAGIC_WINDOW = 64

#: Legacy code pages tried after UTF-8: Windows Arabic (most Arabic sites before UTF-8),
#: ISO Arabic (older Unix mail and news), Windows Western (Latin pages). Others are never seen
#: in Arabic news scrapes and only add false matches.
LEGACY_CANDIDATES = ("cp1256", "iso8859_6", "cp1252")

#: A decoding passes validation when at least this share of its letters are Arabic script or
#: ASCII Latin. Windows-1256 Arabic mis-read as Windows-1252 yields ~90% accented Latin letters
#: ("ÇáÓæÑí"), real French or Spanish text has ~5%; 0.8 separates the two with room to spare.
MIN_SCRIPT_SHARE = 0.8
#: Characters a legacy mis-decoding produces and real Arabic/Latin news text hardly ever holds:
#: Latin-1 symbols (± ¹ ¾ ® ´ ¤ ¸ ·; guillemets « » excluded, Arabic news uses them) and the
#: Urdu-only letters of windows-1256 (ٹ ڈ ڑ ں ہ ے). EUC-KR or Shift-JIS bytes read as cp1256
#: give 20-40% of these; a real page well under 1%.
SUSPICIOUS_CHARS = frozenset(chr(c) for c in range(0xA1, 0xC0) if c not in (0xAB, 0xBB)) | set("ٹڈڑںہے")
#: Largest share of `SUSPICIOUS_CHARS` among non-space characters of a plausible text.
MAX_SUSPICIOUS_SHARE = 0.05
#: Largest share of control, private-use or unassigned characters a real text carries.
MAX_BAD_CHAR_SHARE = 0.01
#: Characters sampled for validation; enough to judge a page, constant cost on huge ones.
VALIDATION_SAMPLE = 20000
#: Bytes sampled for the UTF-16 parity test.
NUL_SAMPLE = 65536

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"), (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_ALLOWED_CONTROLS = set("\t\n\r\f\v")


@dataclass(frozen=True, slots=True)
class Decoded:
    """Text decoded from bytes, with the codec that did it (`utf-8-sig` when a BOM was present)."""

    text: str
    encoding: str


def sniff_binary(data: bytes) -> str | None:
    """Name the binary format `data` starts with, or None when it has no known signature."""
    for magic, name in MAGIC_NUMBERS:
        if data.startswith(magic):
            if magic in WEAK_MAGIC and b"\x00" not in data[:WEAK_MAGIC_WINDOW]:
                continue
            return name
    return None


def _bad_share(sample: str) -> float:
    if not sample:
        return 0.0
    bad = 0
    for ch in sample:
        if ch in _ALLOWED_CONTROLS:
            continue
        cat = unicodedata.category(ch)
        if cat in ("Cc", "Co", "Cn", "Cs") or ch == "\ufffd":
            bad += 1
    return bad / len(sample)


def script_share(text: str) -> float:
    """Share of letters that are Arabic script or ASCII Latin (1.0 for a text without letters)."""
    letters = good = 0
    for ch in text[:VALIDATION_SAMPLE]:
        if ch.isalpha():
            letters += 1
            o = ord(ch)
            if ch.isascii() or 0x0600 <= o <= 0x06FF or 0x0750 <= o <= 0x077F or 0xFB50 <= o <= 0xFEFF:
                good += 1
    return good / letters if letters else 1.0


def is_plausible(text: str, *, check_script: bool = True) -> bool:
    """True when `text` reads as text: few control characters and (optionally) Arabic/Latin letters."""
    sample = text[:VALIDATION_SAMPLE]
    if _bad_share(sample) > MAX_BAD_CHAR_SHARE:
        return False
    if not check_script:
        return True
    visible = sum(1 for ch in sample if not ch.isspace())
    suspicious = sum(1 for ch in sample if ch in SUSPICIOUS_CHARS)
    if visible and suspicious / visible > MAX_SUSPICIOUS_SHARE:
        return False
    return script_share(sample) >= MIN_SCRIPT_SHARE


def _try(data: bytes, codec: str) -> str | None:
    try:
        return data.decode(codec)
    except (UnicodeDecodeError, LookupError):
        return None


def _decode_utf16_without_bom(data: bytes) -> Decoded | None:
    sample = data[:NUL_SAMPLE]
    even_nuls = sample[0::2].count(0)
    odd_nuls = sample[1::2].count(0)
    # ASCII spaces, digits and newlines put their NUL in the high byte: odd offsets for LE.
    order = ("utf-16-le", "utf-16-be") if odd_nuls >= even_nuls else ("utf-16-be", "utf-16-le")
    for codec in order:
        text = _try(data[: len(data) - len(data) % 2], codec)
        if text is not None and "\x00" not in text[:VALIDATION_SAMPLE] and is_plausible(text):
            return Decoded(text, codec)
    return None


def _decode_legacy(data: bytes) -> Decoded | None:
    best = from_bytes(data, cp_isolation=list(LEGACY_CANDIDATES), preemptive_behaviour=False).best()
    tried: set[str] = set()
    if best is not None:
        text = str(best)
        tried.add(best.encoding)
        if is_plausible(text):
            return Decoded(text, best.encoding)
    # charset-normalizer's choice failed validation (or it had none): rank the candidates by
    # how much of the text reads as Arabic/Latin letters and keep the best valid one.
    scored = []
    for codec in LEGACY_CANDIDATES:
        if codec in tried:
            continue
        text = _try(data, codec)
        if text is not None and is_plausible(text):
            scored.append((script_share(text), codec, text))
    if not scored:
        return None
    _, codec, text = max(scored)
    return Decoded(text, codec)


def decode_bytes(data: bytes) -> Decoded | Rejected:
    """Detect the encoding of `data` and decode it, or say why it is not text.

    Rejections: `empty` (no bytes, or only whitespace), `not_text` (binary signature, NUL bytes
    outside UTF-16), `undecodable` (no supported encoding yields plausible text).
    """
    if not data:
        return Rejected("empty", "file has no bytes")
    kind = sniff_binary(data)
    if kind:
        return Rejected("not_text", f"binary content ({kind})")
    for bom, codec in _BOMS:
        if data.startswith(bom):
            text = _try(data[len(bom):], codec)
            if text is None:
                return Rejected("undecodable", f"{codec} byte-order mark but invalid {codec} bytes")
            name = "utf-8-sig" if codec == "utf-8" else codec
            return _non_empty(Decoded(text, name))
    if b"\x00" in data:
        found = _decode_utf16_without_bom(data)
        if found is None:
            return Rejected("not_text", "NUL bytes and not UTF-16 text")
        return _non_empty(found)
    text = _try(data, "utf-8")
    if text is not None:
        if is_plausible(text, check_script=False):
            return _non_empty(Decoded(text, "utf-8"))
        return Rejected("not_text", "valid UTF-8 but mostly control characters")
    found = _decode_legacy(data)
    if found is None:
        return Rejected("undecodable", f"not UTF-8/UTF-16 and no plausible decoding as {', '.join(LEGACY_CANDIDATES)}")
    return _non_empty(found)


def _non_empty(decoded: Decoded) -> Decoded | Rejected:
    if not decoded.text.strip():
        return Rejected("empty", f"only whitespace ({decoded.encoding})")
    return decoded
