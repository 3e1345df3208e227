"""The Document record: read-only meta, and cleaned offsets that map back to the raw page."""
import pickle

import pytest

from rasd.clean.pipeline import clean_document
from rasd.document import Document, Origin, make_doc_id, sha256_hex

PAGE = ("زر الذهاب إلى الأعلى\n\nعنوان الخبر هنا\n\nقالت مصادر محلية إن قصفاً استهدف أطراف البلدة صباح اليوم.\n\n"
        "وأضافت المصادر أن فرق الإنقاذ وصلت إلى المكان.\n")


def test_meta_is_read_only_and_pickles():
    doc = Document(id="x", text="نص", origin=Origin(), meta={"a": 1})
    with pytest.raises(TypeError):
        doc.meta["a"] = 2
    assert pickle.loads(pickle.dumps(doc)).meta == {"a": 1}


def test_cleaned_offsets_map_back_to_the_raw_page():
    origin = Origin(path="p.txt", raw_sha256=sha256_hex(PAGE))
    doc = Document(id=make_doc_id(origin.source_key(), origin.raw_sha256), text=PAGE, raw_text=PAGE, origin=origin)
    (clean,) = clean_document(doc)
    i = clean.text.index("قصفاً")
    j = i + len("قصفاً")
    assert PAGE[clean.raw_offset(i):clean.raw_offset(j)] == "قصفاً"
