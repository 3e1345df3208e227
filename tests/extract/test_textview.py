"""The shared offset view: its map agrees with the reference normaliser's, both ways."""
from __future__ import annotations

from hypothesis import given, settings, strategies as st

from rasd.clean.normalize import normalize_with_offsets
from rasd.extract.textview import make_view

# letters, forms that map 1:1, and characters that are deleted (diacritics, tatweel, bidi marks)
ALPHABET = "قواتلنظامحرب أإآٱةىئؤی٣3،.\u064b\u064e\u0650\u0651\u0652\u0640\u0670\u200f\u200e\u00ad\ufeff\u00a0"


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=ALPHABET, max_size=80))
def test_view_maps_offsets_like_the_reference(text: str) -> None:
    view = make_view(text)
    norm, offsets = normalize_with_offsets(text)
    assert view.norm == norm
    assert [view.to_orig(i) for i in range(len(norm) + 1)] == offsets
    for i in range(len(norm)):
        assert view.to_orig_end(i + 1) == offsets[i] + 1
        assert view.to_norm(offsets[i]) == i


@settings(max_examples=100, deadline=None)
@given(st.text(alphabet=ALPHABET, max_size=40))
def test_an_original_offset_maps_to_the_next_kept_character(text: str) -> None:
    view = make_view(text)
    _, offsets = normalize_with_offsets(text)
    for k in range(len(text) + 1):
        assert view.to_norm(k) == sum(1 for o in offsets[:-1] if o < k)
