"""Property: every offset-map segment points at identical text in raw_text."""
from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from rasd.clean.pipeline import clean_document
from rasd.document import Document, Origin

PIECES = [
    "أعلنت البلدية انتهاء أعمال الصيانة في الحي.", "وقال مسؤول إن الضخ يعود غدًا،", "[ad_1]", "إعلان",
    "صورة للسوق (رويترز)", "زر الذهاب إلى الأعلى", "اقرأ أيضاً:", "مقالات ذات صلة", "• عنوان",
    "نص تغريدة pic.twitter.com/Ab12 — كاتب (@writer) May 1, 2023", "#وسم", "المصدر: عربي21",
    "ادعم عنب بلدي", "عنوان قصير", "بعد غياب..", "date 2024-01-01", "اليوم 3 آذار 2023", "×",
    "أفاد مراسلالميادينفي المدينة", "الوزارة الأميركيةمقتل", "أنّالمنطقة",   # glued words get a space
]
texts = st.lists(st.one_of(st.sampled_from(PIECES), st.text(min_size=0, max_size=40)), max_size=25).flatmap(
    lambda parts: st.lists(st.sampled_from(["\n", "\n\n", " ", "\n \n"]), min_size=len(parts), max_size=len(parts))
    .map(lambda seps: "".join(p + s for p, s in zip(parts, seps))))


@settings(max_examples=150, deadline=None)
@given(texts)
def test_offset_map_points_at_identical_raw_text(text: str) -> None:
    d = Document(id="h", text=text, raw_text=text, origin=Origin(path="h.txt"))
    for part in clean_document(d):
        raw = part.raw_text
        assert raw == text
        for seg in part.offset_map:
            assert part.text[seg.clean_start:seg.clean_start + seg.length] == raw[seg.raw_start:seg.raw_start + seg.length]
        covered = sum(s.length for s in part.offset_map)
        inserted = sum(len(g["parts"]) - 1 for g in part.meta.get("glued_splits", ()))
        paragraphs = len(part.offset_map) - inserted
        assert covered == len(part.text) - 2 * max(0, paragraphs - 1) - inserted
        for g in part.meta.get("glued_splits", ()):
            assert raw[g["raw_start"]:g["raw_end"]] == "".join(g["parts"])
        for r in part.removed:
            if r.start is not None:
                assert raw[r.start:r.end] == r.text
