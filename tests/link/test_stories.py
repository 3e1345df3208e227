"""Story clustering on feature sets we write ourselves; the optional embedder is a fake."""
from rasd.link.stories import StoryIndex, StoryOptions

HOMS_NEWS = {"e:withdrawal:sy-homs": 2.0, "p:sy-homs": 2.0, "a:sy_gov": 1.0, "a:opposition": 1.0, "a:commander_x": 2.0}
HOMS_WIRE = {"e:withdrawal:sy-homs": 1.0, "p:sy-homs": 2.0, "a:sy_gov": 1.0, "a:commander_x": 1.0, "a:agency": 1.0}
IDLIB_MARKET = {"p:sy-idlib": 2.0, "a:agri_directorate": 2.0}


def _background(idx, n=20):
    for i in range(n):  # other stories, so that IDF means something
        idx.add(f"bg{i}", {f"p:place{i}": 2.0, f"a:actor{i}": 1.0, "a:sy_gov": 1.0}, "2024-06-01")


def test_translated_report_joins_the_story_and_an_unrelated_page_does_not():
    idx = StoryIndex()
    _background(idx)
    s1, _, _, _ = idx.add("ar", HOMS_NEWS, "2024-12-08")
    s2, score, matched, related = idx.add("wire", HOMS_WIRE, "2024-12-09")
    s3, _, _, _ = idx.add("market", IDLIB_MARKET, "2024-12-09")
    assert s1 == "st_ar" and s2 == "st_ar" and matched == "ar" and "ar" in related and score >= 0.30
    assert s3 == "st_market"


def test_same_features_far_apart_in_time_start_a_new_story():
    idx = StoryIndex()
    _background(idx)
    idx.add("ar", HOMS_NEWS, "2024-12-08")
    assert idx.add("later", HOMS_WIRE, "2025-03-01")[0] == "st_later"


def test_story_ids_are_stable_on_restore():
    idx = StoryIndex()
    idx.add("ar", HOMS_NEWS, "2024-12-08")
    again = StoryIndex()
    again.restore("ar", idx.story_of("ar"), HOMS_NEWS, "2024-12-08")
    assert again.add("ar", HOMS_NEWS, "2024-12-08")[0] == "st_ar"


def test_embedding_similarity_can_join_pages_with_few_shared_features():
    opts = StoryOptions(embedding_weight=0.5)
    plain, emb = StoryIndex(opts), StoryIndex(opts)
    a = {"p:sy-homs": 1.0, **{f"a:x{i}": 1.0 for i in range(10)}}
    b = {"p:sy-homs": 1.0, **{f"a:y{i}": 1.0 for i in range(10)}}
    for idx in (plain, emb):
        _background(idx)
    plain.add("a", a, "2024-12-08")
    emb.add("a", a, "2024-12-08", vector=[1.0, 0.0])
    assert plain.add("b", b, "2024-12-08")[0] == "st_b"
    assert emb.add("b", b, "2024-12-08", vector=[1.0, 0.0])[0] == "st_a"
