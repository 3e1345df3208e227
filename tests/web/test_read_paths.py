"""Issue 12's faster read paths give the same answers as the slower ones they replace: the
background and modality read indexes (plans and results), newest-first pages with a date bound,
Jinja's quicker dict lookup, and the snippet highlighter's set-based word matching."""
from __future__ import annotations

import random
import shutil
import sqlite3

import pytest

#: The read indexes issue 12 added (list filters with the background flag, modality).
NEW_INDEXES = ("bg_order", "modality_timeline")


def _plan(db: str, sql: str, params=()) -> str:
    con = sqlite3.connect(db)
    try:
        return " | ".join(r[3] for r in con.execute("EXPLAIN QUERY PLAN " + sql, params))
    finally:
        con.close()


def _copy_with_indexes(src: str, folder, name: str) -> str:
    from rasd.web.app import ensure_read_indexes

    path = str(folder / name)
    shutil.copy(src, path)
    ensure_read_indexes(path)
    return path


def _drop_new_indexes(path: str) -> list[str]:
    con = sqlite3.connect(path)
    try:
        names = [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'index' AND name LIKE 'ix_web_%'")
                 if any(k in r[0] for k in NEW_INDEXES)]
        for n in names:
            con.execute(f"DROP INDEX {n}")
        con.commit()
        return names
    finally:
        con.close()


@pytest.fixture(params=["events", "fused"])
def stores(request, demo_db, examples_db, tmp_path):
    """(store with the read indexes, the same store without issue 12's new ones): the demo store
    (per-document events) and the examples store (linked: fused events)."""
    src = demo_db[0] if request.param == "events" else examples_db
    fast = _copy_with_indexes(src, tmp_path, "fast.db")
    slow = _copy_with_indexes(src, tmp_path, "slow.db")
    assert _drop_new_indexes(slow)
    return request.param, fast, slow


def _filters(reader) -> list:
    from rasd.web.queries import EventFilter

    facets = reader.facets()
    dates = sorted({i["date"] for i in reader.timeline(EventFilter(background=True))["items"]})
    mid = dates[len(dates) // 2][:7] if dates else "2024"
    out = [EventFilter(), EventFilter(background=True), EventFilter(date_from=mid), EventFilter(date_to=mid),
           EventFilter(date_from=dates[0] if dates else "2000", date_to=mid)]
    for t in facets["types"][:3]:
        out += [EventFilter(type=t), EventFilter(type=t, background=True), EventFilter(type=t, date_from=mid)]
    for g in facets["governorates"][:2]:
        out += [EventFilter(governorate=g), EventFilter(governorate=g, date_to=mid)]
    for m in facets["modalities"]:
        out += [EventFilter(modality=m), EventFilter(modality=m, background=True)]
    return out


def test_lists_and_timelines_are_the_same_with_and_without_the_new_indexes(stores):
    from rasd.web.queries import StoreReader

    _kind, fast, slow = stores
    a, b = StoreReader(fast), StoreReader(slow)
    filters = _filters(a)
    assert len(filters) >= 8
    for f in filters:
        assert a.timeline(f) == b.timeline(f), f
        for newest in (False, True):
            for limit, offset in ((5000, 0), (3, 0), (3, 2), (2, 5)):
                assert (a.list_events(f, limit=limit, offset=offset, newest_first=newest)
                        == b.list_events(f, limit=limit, offset=offset, newest_first=newest)), (f, newest, offset)


def test_newest_first_is_the_dated_events_reversed_then_the_undated(stores):
    """With or without a date bound (which writes the dated term itself), every page of the newest
    first order is a slice of: the oldest-first dated events reversed, then the undated ones."""
    from rasd.web.queries import StoreReader

    _kind, fast, _slow = stores
    r = StoreReader(fast)
    for f in _filters(r):
        oldest = r.list_events(f, limit=5000)["items"]
        dated = [e["id"] for e in oldest if (e["date"] or {}).get("value")]
        undated = [e["id"] for e in oldest if not (e["date"] or {}).get("value")]
        want = dated[::-1] + undated
        newest = r.list_events(f, limit=5000, newest_first=True)
        assert [e["id"] for e in newest["items"]] == want and newest["total"] == len(want), f
        for offset in range(0, len(want) + 2, 3):
            page = r.list_events(f, limit=3, offset=offset, newest_first=True)
            assert [e["id"] for e in page["items"]] == want[offset:offset + 3], (f, offset)


def test_background_filtered_lists_read_index_entries_not_records(stores):
    """Every list hides background events unless asked: the counts and pages (plain, dated, by type,
    governorate, modality) read an index holding the flag instead of each row's JSON."""
    from rasd.web.queries import BACKGROUND_SQL, MODALITY_SQL, StoreReader

    kind, fast, _slow = stores
    src = StoreReader(fast).source()
    bg = f"{BACKGROUND_SQL} = 0"
    dated = "(e.date_value IS NULL) = 0"
    cases = [
        (f"SELECT count(*) FROM {src.table} WHERE {bg}", ()),
        (f"SELECT count(*) FROM {src.table} WHERE {bg} AND {dated}", ()),
        (f"SELECT {src.key} FROM {src.table} WHERE {bg} AND {dated} ORDER BY {src.dated_order} LIMIT 5 OFFSET 2", ()),
        (f"SELECT {src.key} FROM {src.table} WHERE {dated} AND e.date_value >= ? AND {bg} "
         f"ORDER BY {src.dated_order} LIMIT 5", ("2020",)),
        (f"SELECT count(*) FROM {src.table} WHERE e.type = ? AND {bg}", ("attack",)),
        (f"SELECT count(*) FROM {src.table} WHERE e.admin1 = ? AND {bg}", ("حمص",)),
        (f"SELECT count(*) FROM {src.table} WHERE {MODALITY_SQL} = ? AND {bg}", ("reported",)),
        (f"SELECT e.date_value, e.type, count(*) FROM {src.table} WHERE {MODALITY_SQL} = ? AND {bg} "
         "GROUP BY e.date_value, e.type", ("reported",)),
    ]
    for sql, params in cases:
        plan = _plan(fast, sql, params)
        assert "SCAN" not in plan and "USING" in plan and "INDEX" in plan, (sql, plan)
        assert any(k in plan for k in NEW_INDEXES + ("ix_web_events_timeline", "ix_web_fused_timeline")), (sql, plan)


def test_jinja_dict_lookup_answers_as_jinja_does():
    """`d.name` on a dict: the key, the dict's own attribute for a name it has (`items`, `get`), and
    undefined for a missing key; other objects as before."""
    from jinja2 import Environment

    from rasd.web.pages import _env

    plain = Environment(autoescape=True)
    src = ("{{ d.a }}|{{ d.missing is defined }}|{{ d.items is callable }}|{{ d['items'] }}|{{ d.get('a') }}|"
           "{{ n.real }}|{{ l.0 }}|{{ d.sub.b }}|{{ d.missing }}|{{ d.values is defined }}")
    ctx = {"d": {"a": "<x>", "items": "key", "sub": {"b": 2}}, "n": 5, "l": ["first"]}
    want = plain.from_string(src).render(**ctx)
    assert _env.from_string(src).render(**ctx) == want
    assert want.split("|")[:4] == ["&lt;x&gt;", "False", "True", "key"]


def _highlight_reference(text: str, keys) -> list[tuple[int, int]]:
    """The highlighter before issue 12: each word of the text decided in turn."""
    from rasd.store.search import _WORD, word_keys

    wanted = set(keys)
    if not wanted or not text:
        return []
    return [(m.start(), m.end()) for m in _WORD.finditer(text)
            if m.group(0).strip("_\u0640") and not wanted.isdisjoint(word_keys(m.group(0)))]


TRICKY = ("الجيش والجيش الجيشان جيش_ الجيش_ _الجيش ـالجيش الجيشـ ـــ ___ الجَيْش الجيش1 1الجيش "
          "قصف القصف وقصف فقصف قصفت المعارضة معارضة المعارضات حمص حِمْص، حمصي (حمص) Homs homs")


def test_highlighter_marks_the_same_words_as_a_word_by_word_pass(demo_db):
    from rasd.store.search import all_keys, highlight_terms, query_keys

    con = sqlite3.connect(demo_db[0])
    texts = [r[0] for r in con.execute("SELECT text FROM documents")] + [TRICKY, "", "ـ"]
    con.close()
    words = sorted({w for t in texts for w in t.split()})
    rng = random.Random(12)
    queries = ["الجيش", "قصف", "المعارضة حمص", "homs", "ـــ", "___"] + rng.sample(words, 25)
    n_hits = 0
    for q in queries:
        keys = all_keys(query_keys(q))
        for t in texts:
            got = highlight_terms(t, keys)
            assert got == _highlight_reference(t, keys), (q, t[:80])
            n_hits += len(got)
    assert n_hits > 50


def test_highlighter_vocabulary_starts_again_past_its_limit(monkeypatch):
    from rasd.store import search

    small = search._Vocabulary(limit=5)
    monkeypatch.setattr(search, "_VOCABULARY", small)
    keys = search.all_keys(search.query_keys("حمص"))
    for _ in range(3):
        assert search.highlight_terms(TRICKY, keys) == _highlight_reference(TRICKY, keys)
        assert len(small.known) <= max(5, len(set(search._WORD.findall(TRICKY))))


def test_word_table_holds_every_indexed_form_with_its_keys_and_is_refilled(demo_db, tmp_path):
    from rasd.store.search import _WORD, WORDS_TABLE, update_search_index, word_keys

    db = str(tmp_path / "words.db")
    shutil.copy(demo_db[0], db)
    update_search_index(db)
    con = sqlite3.connect(db)
    try:
        rows = dict(con.execute(f"SELECT word, keys FROM {WORDS_TABLE}"))
        forms = {w for t, ti in con.execute("SELECT text, title FROM documents")
                 for w in _WORD.findall(t or "") + _WORD.findall(ti or "") if w.strip("_\u0640")}
        assert set(rows) == forms and len(forms) > 100
        assert all(rows[w] == " ".join(word_keys(w)) for w in forms)
        con.execute(f"DROP TABLE {WORDS_TABLE}")  # a store indexed before the table existed
        con.commit()
    finally:
        con.close()
    update_search_index(db)
    con = sqlite3.connect(db)
    try:
        assert dict(con.execute(f"SELECT word, keys FROM {WORDS_TABLE}")) == rows
    finally:
        con.close()


def test_highlighter_with_the_stores_vocabulary_marks_the_same_words(demo_db, tmp_path, monkeypatch):
    from rasd.store import search

    db = str(tmp_path / "voc.db")
    shutil.copy(demo_db[0], db)
    search.update_search_index(db)
    fresh = search._Vocabulary()
    monkeypatch.setattr(search, "_VOCABULARY", fresh)
    con = sqlite3.connect(db)
    try:
        assert search.load_vocabulary(con) == len(fresh.known) > 100
        texts = [r[0] for r in con.execute("SELECT text FROM documents")] + [TRICKY]
    finally:
        con.close()
    for q in ("الجيش", "قصف", "المعارضة حمص", "homs"):
        keys = search.all_keys(search.query_keys(q))
        assert all(search.highlight_terms(t, keys) == _highlight_reference(t, keys) for t in texts), q


def test_app_builds_its_per_version_tables_before_the_first_request(demo_db, tmp_path):
    from rasd.web.app import create_app

    db = str(tmp_path / "warm.db")
    shutil.copy(demo_db[0], db)
    version = None
    for warm in (True, False):
        reader = create_app(db, warm=warm).state.reader
        version = reader.data_version()
        built = {name for name, (v, _value) in reader._cache.items() if v == version}
        want = {"facets", "entities", "entity_rows", "vocabulary"}
        assert (want <= built) if warm else not (want & built), built


def test_a_timeline_is_counted_once_per_filter_and_again_after_a_write(demo_db, tmp_path):
    from rasd.web.queries import EventFilter, StoreReader

    db = str(tmp_path / "tl.db")
    shutil.copy(demo_db[0], db)
    reader = StoreReader(db)
    f = EventFilter()
    before = reader.timeline(f)
    assert reader.timeline(f)["items"] is before["items"]   # the same counts, not counted again
    assert before["total"] > 0 and before["filters"] == f.as_query()
    con = sqlite3.connect(db)
    try:
        (etype,) = con.execute("SELECT type FROM events GROUP BY type ORDER BY count(*) DESC LIMIT 1").fetchone()
        con.execute("DELETE FROM events WHERE type = ?", (etype,))
        con.commit()
    finally:
        con.close()
    after = reader.timeline(f)
    assert after["total"] < before["total"]
    assert after == StoreReader(db).timeline(f)   # what a fresh reader counts
