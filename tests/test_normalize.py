"""Arabic normalisation: the named cases, idempotence, and offsets that map back."""
from hypothesis import given, settings, strategies as st

from rasd.clean.normalize import normalize_arabic, normalize_key, normalize_with_offsets

ARABIC = st.text(alphabet=st.characters(min_codepoint=0x0600, max_codepoint=0x06FF), max_size=80)
MIXED = st.text(
    alphabet=st.one_of(
        st.characters(min_codepoint=0x0600, max_codepoint=0x06FF),
        st.sampled_from(list(" \u00a0\u200f\u200e\u202b\u202c\ufeffabc123._#\n")),
    ),
    max_size=120,
)


def test_named_cases():
    assert normalize_arabic("حِمْص") == "حمص"
    assert normalize_arabic("أعلن") == normalize_arabic("اعلن") == "اعلن"
    assert normalize_arabic("إدلب آذار ٱلله") == "ادلب اذار الله"
    assert normalize_arabic("مدينةٌ") == "مدينه"
    assert normalize_arabic("إلى") == "الي"
    assert normalize_arabic("ســـوريا") == "سوريا"
    assert normalize_arabic("الجیش الوطنی") == "الجيش الوطني"   # Persian yeh
    assert normalize_arabic("کرد") == "كرد"                       # Persian kaf
    assert normalize_arabic("٣٥٠٠ ۱۲") == "3500 12"
    assert normalize_arabic("a\u00a0b") == "a b"
    assert normalize_arabic("\u200fحمص\u200e") == "حمص"
    assert normalize_arabic("مسؤول رئيس") == "مسوول رييس"
    assert normalize_arabic("#الجيش_الوطني") == "#الجيش الوطني"            # a hashtag's words


def test_key_collapses_whitespace():
    assert normalize_key("  حمص \n\n  حماة ") == "حمص حماه"


@settings(max_examples=300)
@given(MIXED)
def test_idempotent(text):
    once = normalize_arabic(text)
    assert normalize_arabic(once) == once


@settings(max_examples=300)
@given(MIXED)
def test_offsets_map_back(text):
    norm, offsets = normalize_with_offsets(text)
    assert norm == normalize_arabic(text)
    assert len(offsets) == len(norm) + 1 and offsets[-1] == len(text)
    assert offsets == sorted(offsets)
    for i, ch in enumerate(norm):
        # each kept character comes from the original position it points at
        assert normalize_arabic(text[offsets[i]]) == ch


@given(ARABIC)
def test_never_longer(text):
    assert len(normalize_arabic(text)) <= len(text)
