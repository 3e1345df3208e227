"""A stored document comes back exactly as it went in (Hypothesis), and reads stream in order."""
from __future__ import annotations

import dataclasses
import random

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rasd.document import Document, Event, Origin, RawInput, Removed, Segment, SocialPost, Span, sha256_hex
from rasd.store.sqlite import SqliteStore

# Arabic letters, hamza forms, diacritics, tatweel, Arabic-Indic digits and punctuation, plus the
# bits of Latin, digits and whitespace that real pages mix in.
_ARABIC = [chr(c) for c in range(0x0621, 0x064B)] + [chr(c) for c in range(0x064B, 0x0653)]
_ARABIC += ["ـ", "،", "؛", "؟", "٠", "١", "٩", "ی", "ک", "\u200f", "\u00a0"]
_OTHER = list(" \n\t.,:-\"'()abcXYZ0123456789@#/")
arabic_text = st.text(alphabet=st.sampled_from(_ARABIC + _OTHER), max_size=120)
short_text = st.text(alphabet=st.sampled_from(_ARABIC + _OTHER), max_size=20)
opt_text = st.none() | short_text
hex_id = st.text(alphabet="0123456789abcdef", min_size=20, max_size=20)
small_int = st.integers(min_value=0, max_value=10_000_000)

json_values = st.recursive(
    st.none() | st.booleans() | st.integers(min_value=-(2**53), max_value=2**53)
    | st.floats(allow_nan=False, allow_infinity=False) | short_text,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(short_text, inner, max_size=3),
    max_leaves=8,
)
json_dict = st.dictionaries(short_text, json_values, max_size=4)

removed_st = st.builds(Removed, text=arabic_text, reason=st.sampled_from(["nav", "caption", "ad", "related"]),
                       start=st.none() | small_int, end=st.none() | small_int, detector=short_text)
social_st = st.builds(SocialPost, text=arabic_text, author=opt_text, handle=opt_text,
                      date=st.none() | st.just("2024-02-29"), url=st.none() | st.just("https://x.com/a/status/1"))
span_st = st.builds(Span, start=small_int, end=small_int, label=st.sampled_from(["place", "date", "actor"]),
                    value=json_values, produced_by=short_text, doc_id=st.none() | hex_id)
segment_st = st.builds(Segment, clean_start=small_int, raw_start=small_int, length=small_int)
event_st = st.builds(
    Event,
    id=hex_id, type=st.sampled_from(["airstrike", "armed_clash", "protest"]), doc_id=hex_id,
    actors=st.lists(json_dict, max_size=2).map(tuple),
    location=st.none() | json_dict,
    date=st.fixed_dictionaries({"value": st.none() | st.just("2024-05"), "precision": st.none() | st.just("month"),
                                "basis": st.sampled_from(["absolute", "relative", "document", "inferred"])}),
    quantities=st.lists(json_dict, max_size=2).map(tuple),
    attribution=st.lists(json_dict, max_size=2).map(tuple),
    modality=st.sampled_from(["asserted", "reported", "claimed"]),
    mentions=st.lists(json_dict, max_size=2).map(tuple),
    meta=json_dict,
)
origin_st = st.builds(Origin, path=st.none() | st.just("/data/صفحة 1.html"), url=st.none() | st.just("https://example.org/ar/1"),
                      part=st.integers(0, 5), record=st.none() | small_int,
                      raw_sha256=st.none() | st.just("a" * 64), ingested_at=st.none() | st.just("2024-06-01T10:00:00+00:00"))
document_st = st.builds(
    Document,
    id=hex_id, text=arabic_text, origin=origin_st, lang=st.sampled_from(["ar", "en"]), title=opt_text,
    kicker=opt_text, published=st.none() | st.just("2023-12-31"),
    published_source=st.sampled_from([None, "metadata", "text", "inferred"]), outlet=opt_text, meta=json_dict,
    raw_text=st.none(), removed=st.lists(removed_st, max_size=3).map(tuple),
    social_posts=st.lists(social_st, max_size=2).map(tuple), spans=st.lists(span_st, max_size=4).map(tuple),
    offset_map=st.lists(segment_st, max_size=3).map(tuple), duplicate_of=st.none() | hex_id, cleaned=st.booleans(),
    events=st.lists(event_st, max_size=3, unique_by=lambda e: e.id).map(tuple),
)


def _raw_for(doc: Document) -> RawInput:
    data = doc.text.encode("utf-8")
    return RawInput(sha256=sha256_hex(data), data=data, size=len(data), path=doc.origin.path, url=doc.origin.url)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(doc=document_st)
def test_document_survives_put_and_get_unchanged(doc: Document) -> None:
    store = SqliteStore(":memory:")
    try:
        run = store.begin_run({}, "test")
        assert store.put_result(_raw_for(doc), [doc], run) == 1
        assert store.get_document(doc.id) == doc
        assert list(store.iter_documents()) == [doc]
        assert list(store.iter_events()) == list(doc.events)
        assert store.stats()["documents"]["total"] == 1
    finally:
        store.close()


def test_raw_text_is_not_stored_but_raw_bytes_are(store, make_result) -> None:
    raw, docs = make_result("نص الخبر الأصلي قبل التنظيف.")
    doc = dataclasses.replace(docs[0], raw_text="نص الصفحة الخام مع القوائم")
    run = store.begin_run({}, "test")
    store.put_result(raw, [doc], run)
    got = store.get_document(doc.id)
    assert got.raw_text is None
    assert got == dataclasses.replace(doc, raw_text=None)
    assert store.get_raw(raw.sha256) == raw.data
    assert store.get_raw("0" * 64) is None


def test_iter_documents_streams_in_origin_order_with_children(store, make_result) -> None:
    run = store.begin_run({}, "test")
    inputs = []
    for i, (path, record) in enumerate([("/b.jsonl", 2), ("/a.jsonl", 10), ("/a.jsonl", 9), ("/c.txt", None),
                                        ("/a.jsonl", None), ("/b.jsonl", 1)]):
        inputs.append(make_result(f"خبر رقم {i} عن مدينة حمص.", path=path, record=record, parts=2))
    random.Random(7).shuffle(inputs)
    for raw, docs in inputs:
        store.put_result(raw, docs, run)
    got = list(store.iter_documents(batch=3))  # several batches, children loaded per batch
    key = lambda d: (d.origin.path or "", d.origin.url or "",  # noqa: E731
                     -1 if d.origin.record is None else d.origin.record, d.origin.part, d.id)
    assert [d.id for d in got] == [d.id for d in sorted(got, key=key)]
    expected = {d.id: d for _, docs in inputs for d in docs}
    assert {d.id for d in got} == set(expected)
    for d in got:
        assert d == expected[d.id]


def test_replace_events_swaps_one_documents_events_only(store, make_result) -> None:
    run = store.begin_run({}, "test")
    raw1, (a,) = make_result("قصفت طائرات حربية قرية في ريف حماة.", path="/1.txt")
    raw2, (b,) = make_result("تظاهر العشرات في ساحة المدينة.", path="/2.txt")
    store.put_result(raw1, [a], run)
    store.put_result(raw2, [b], run)
    new = (Event(id="new-1", type="airstrike", doc_id=a.id), Event(id="new-2", type="shelling", doc_id=a.id))
    store.replace_events(a.id, new)
    assert store.get_document(a.id).events == new
    assert store.get_document(b.id).events == b.events
    assert {e.id for e in store.iter_events()} == {"new-1", "new-2", b.events[0].id}
    store.replace_events(a.id, [])
    assert store.get_document(a.id).events == ()
    assert store.stats()["events_by_type"] == {"armed_clash": 1}


def test_stats_counts_what_was_stored(store, make_result) -> None:
    run = store.begin_run({}, "test")
    for i in range(3):
        raw, docs = make_result(f"خبر {i}: انفجار عبوة ناسفة في سوق المدينة.", path=f"/{i}.txt", parts=2)
        store.put_result(raw, docs, run)
    s = store.stats()
    assert s["raw_inputs"] == 3
    assert s["documents"] == {"total": 6, "by_part": {0: 3, 1: 3}, "duplicates": 0}
    assert s["removed_by_reason"] == {"related": 6}
    assert s["events_by_type"] == {"armed_clash": 6}
    assert s["runs"]["total"] == 1


def test_events_can_be_replaced_while_iterating_documents(store, make_result) -> None:
    """Re-extraction streams documents and rewrites their events in the same loop."""
    run = store.begin_run({}, "test")
    for i in range(7):
        raw, docs = make_result(f"خبر {i} عن غارة جوية على قرية.", path=f"/{i}.txt")
        store.put_result(raw, docs, run)
    for doc in store.iter_documents(batch=2):
        store.replace_events(doc.id, [Event(id=f"re-{doc.id}", type="airstrike", doc_id=doc.id)])
    assert store.stats()["events_by_type"] == {"airstrike": 7}
    assert all(d.events[0].id == f"re-{d.id}" for d in store.iter_documents())
