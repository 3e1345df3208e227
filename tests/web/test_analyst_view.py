"""The web app as an Arabic-reading analyst sees it (issue 13 items 1, 4 and 6): the timeline newest
first with its chart over the dates of the news, vague counts as the page wrote them with numbers
and nouns that agree, and one passage per source document with every mention marked.

Stores are built from our own sentences (tests/web/fill.py), never from ../shared."""
from __future__ import annotations

import dataclasses
import re
import sqlite3

import pytest

from fill import TIMELINE, Article, build_document, fill_store
from tests.conftest import BACKENDS

# -- item 1: the timeline -----------------------------------------------------------------------

@pytest.fixture(scope="module", params=BACKENDS)
def tl_client(request, tmp_path_factory):
    """A client over the timeline articles: in an SQLite file, then in PostgreSQL."""
    from fastapi.testclient import TestClient

    from rasd.web.app import create_app

    if request.param == "postgresql":
        db = request.getfixturevalue("pg_cluster").database("tl")
    else:
        db = str(tmp_path_factory.mktemp("timeline") / "tl.db")
    fill_store(db, TIMELINE)
    with TestClient(create_app(db)) as c:
        yield c


def _day_headings(html: str) -> list[str]:
    # a date heading is isolated left to right (<bdi dir="ltr">), the undated one is not
    return re.findall(r'<section class="day">\s*<h2>(?:<bdi dir="ltr">)?([^<]*?)(?:</bdi>)? <small>', html)


def test_timeline_lists_newest_first_undated_last_and_switches_to_oldest(tl_client) -> None:
    assert _day_headings(tl_client.get("/timeline").text) == ["2024-03-08", "2024-03-01", "غير مؤرخ"]
    html = tl_client.get("/timeline", params={"order": "oldest"}).text
    assert _day_headings(html) == ["2024-03-01", "2024-03-08", "غير مؤرخ"]
    assert 'id="order-switch"' in html


def test_api_event_list_pages_newest_first_across_the_undated(tl_client) -> None:
    every = tl_client.get("/api/events", params={"order": "newest", "background": 1}).json()["items"]
    assert [(e["date"] or {}).get("value") for e in every] == ["2024-03-08", "2024-03-01", "1853-07", None]
    paged = [e["id"] for off in range(4) for e in tl_client.get(
        "/api/events", params={"order": "newest", "background": 1, "limit": 1, "offset": off}).json()["items"]]
    assert paged == [e["id"] for e in every]
    oldest = tl_client.get("/api/events", params={"background": 1}).json()["items"]  # the API's default
    assert [(e["date"] or {}).get("value") for e in oldest] == ["1853-07", "2024-03-01", "2024-03-08", None]
    assert tl_client.get("/api/events", params={"order": "sideways"}).status_code == 422


def test_recalled_history_is_off_by_default_behind_a_visible_switch(tl_client) -> None:
    html = tl_client.get("/timeline").text
    assert "1853" not in html
    switch = re.search(r'<a id="background-switch" href="([^"]+)"[^>]*>([^<]+)</a>', html)
    assert switch and "background=1" in switch.group(1) and "إظهار أحداث الخلفية" in switch.group(2)
    shown = tl_client.get(switch.group(1).replace("&amp;", "&")).text
    assert "1853-07" in _day_headings(shown) and "إخفاء أحداث الخلفية" in shown


def test_chart_covers_the_news_dates_when_background_is_shown(tl_client) -> None:
    html = tl_client.get("/timeline", params={"background": 1}).text
    chart = html[html.index('<figure class="chart">'):html.index("</figure>")]
    assert "1853" not in chart.split('id="chart-off"')[0]
    # right to left: the earliest date on the right, the latest on the left
    assert re.search(r'id="chart-left">2024-03-08<', chart) and re.search(r'id="chart-right">2024-03-01<', chart)
    assert re.search(r'id="chart-off">[^<]*: 1<', chart)
    # a date range chosen by the reader is drawn as chosen
    chosen = tl_client.get("/timeline", params={"background": 1, "date_from": "1800"}).text
    assert 'id="chart-right">1853-07<' in chosen and 'id="chart-off"' not in chosen


def test_newest_first_reads_an_index_without_sorting(demo_db) -> None:
    from rasd.web.queries import EVENTS_SOURCE

    desc = ", ".join(f"{t.strip()} DESC" for t in EVENTS_SOURCE.dated_order.split(","))
    con = sqlite3.connect(demo_db[0])
    try:
        plan = " | ".join(r[3] for r in con.execute(
            "EXPLAIN QUERY PLAN SELECT e.rowid FROM events e WHERE (e.date_value IS NULL) = 0 "
            f"ORDER BY {desc} LIMIT 50"))
    finally:
        con.close()
    assert "INDEX" in plan and "TEMP B-TREE" not in plan, plan


# -- item 4: counts ---------------------------------------------------------------------------


@pytest.mark.parametrize("n,category", [(0, "zero"), (1, "one"), (2, "two"), (3, "few"), (10, "few"),
                                        (11, "many"), (99, "many"), (100, "other"), (102, "other"),
                                        (103, "few"), (111, "many"), (1000, "other"), (2.5, "other")])
def test_arabic_plural_categories(n, category) -> None:
    from rasd.web.pages import plural_category

    assert plural_category(n) == category


def test_plural_categories_agree_with_babel() -> None:
    babel = pytest.importorskip("babel", reason="Babel is only a cross-check here")
    from rasd.web.pages import plural_category

    ar = babel.Locale("ar")
    assert [plural_category(n) for n in range(0, 1200)] == [ar.plural_form(n) for n in range(0, 1200)]


@pytest.mark.parametrize("n,unit,phrase", [
    (1, "killed", "قتيل واحد"), (2, "killed", "قتيلان"), (5, "killed", "5 قتلى"), (12, "killed", "12 قتيلًا"),
    (100, "killed", "100 قتيل"), (250, "people", "250 شخصًا"), (3, "families", "3 عائلات"),
    (2, "km", "2 كم"), (40, "km", "40 كم"), (11, "soldiers", "11 عنصرًا مسلحًا"),
])
def test_count_and_noun_agree(n, unit, phrase) -> None:
    from rasd.web.pages import count_phrase

    assert count_phrase(n, unit) == phrase


def test_count_and_noun_agree_in_english_too() -> None:
    from rasd.web.pages import count_phrase

    assert count_phrase(1, "people", "en", label="people") == "1 person"
    assert count_phrase(4, "people", "en", label="people") == "4 people"


@pytest.mark.parametrize("q,text,title", [
    ({"min": 1000, "max": 9999, "approx": True, "unit": "people", "text": "آلاف الأشخاص"},
     "آلاف الأشخاص", "~ 1000–9999 شخصًا"),
    ({"min": 100, "max": 999, "approx": True, "unit": "soldiers", "text": "ومئات المسلحين"},
     "مئات المسلحين", "~ 100–999 عنصرًا مسلحًا"),
    ({"min": 10, "max": 99, "approx": True, "unit": "injured", "text": "عشرات"}, "عشرات جرحى", "~ 10–99 جريحًا"),
    ({"unit": "injured", "text": "عدد من الجرحى"}, "عدد من الجرحى", "جرحى"),
    ({"value": 12, "unit": "killed", "approx": False, "text": "12 قتيلاً"}, "12 قتيلًا", "12 قتيلاً"),
])
def test_vague_counts_show_the_words_of_the_page_and_the_range_as_a_tooltip(q, text, title) -> None:
    from rasd.web.app import ui_strings
    from rasd.web.pages import quantity_display

    assert quantity_display(q, ui_strings()["ar"]) == {"text": text, "title": title}


def test_the_english_page_says_vague_counts_in_english_words() -> None:
    from rasd.web.app import ui_strings
    from rasd.web.pages import quantity_display

    en = ui_strings()["en"]
    shown = quantity_display({"min": 100, "max": 999, "approx": True, "unit": "soldiers", "text": "مئات المسلحين"},
                             en, "en")
    assert shown == {"text": "hundreds of fighters", "title": "~ 100–999 fighters «مئات المسلحين»"}
    assert quantity_display({"unit": "injured", "text": "عدد من الجرحى"}, en, "en")["text"] == "a number of injured"


def test_event_pages_show_vague_counts_as_written(client, demo_db) -> None:
    ev = next(e for e in client.get("/api/events", params={"type": "protest"}).json()["items"]
              if e["quantities"])
    for html in (client.get(f"/events/{ev['id']}").text, client.get("/timeline").text):
        assert '<span class="qty" title="~ 200–900 شخص">مئات المحتجين</span>' in html
    assert "~ 200–900 أشخاص" not in client.get("/timeline").text


# -- item 6: one passage per source, one count -------------------------------------------------

BODY = ("قصفت طائرات حربية بلدة كفرنبل في ريف إدلب الجنوبي فجر اليوم. وأسفر القصف عن مقتل ستة مدنيين بينهم "
        "امرأتان، وفق الدفاع المدني.\n\nوفي سياق آخر، عقد مجلس المحافظة اجتماعًا لبحث ملف المياه في المدينة "
        "واستمر الاجتماع ساعتين. " + "وتحدث المشاركون عن الأسعار والخدمات والمدارس والطرقات. " * 12 +
        "وختم البيان بالقول إن القصف أدى أيضًا إلى تدمير مدرسة البلدة.")


def _two_mention_store(path) -> tuple[str, str]:
    """A store with one event mentioned three times in one page: twice close together, once far below."""
    from rasd.store.sqlite import SqliteStore

    a = Article("kafr", "قصف على كفرنبل", BODY, "2024-05-02", "شبكة الرصد",
                [("air_strike", "قصفت طائرات حربية بلدة كفرنبل", "إدلب", [], "2024-05-02", "asserted",
                  [{"value": 6, "unit": "killed", "approx": False, "text": "ستة مدنيين"}], {})])
    raw, doc = build_document(a, "kafr.txt")
    ev = doc.events[0]
    extra = [(p, p + len(w), w) for w in ("مقتل ستة مدنيين", "تدمير مدرسة البلدة") for p in [BODY.index(w)]]
    mentions = ev.mentions + tuple({"doc_id": doc.id, "start": s, "end": e, "text": w} for s, e, w in extra)
    doc = dataclasses.replace(doc, events=(dataclasses.replace(ev, mentions=mentions),))
    with SqliteStore(path) as store:
        run = store.begin_run({"test": True}, "test")
        store.put_result(raw, [doc], run)
        store.finish_run(run, {})
    return doc.id, ev.id


def test_overlapping_excerpts_merge_into_one_passage_with_every_mention_marked() -> None:
    from rasd.web.queries import evidence_passages

    near = [{"start": BODY.index("قصفت"), "end": BODY.index("قصفت") + 4},
            {"start": BODY.index("مقتل"), "end": BODY.index("مقتل") + 4}]
    far = {"start": BODY.index("تدمير"), "end": BODY.index("تدمير") + 5}
    passages = evidence_passages(BODY, near + [far, dict(near[0])])  # the same mention twice: marked once
    assert len(passages) == 2
    first, last = passages
    assert [s["text"] for s in first["segments"] if s["mark"]] == ["قصفت", "مقتل"]
    assert [s["text"] for s in last["segments"] if s["mark"]] == ["تدمير"]
    assert first["end"] < last["start"] and not first["clipped_start"] and not last["clipped_end"]
    assert "".join(s["text"] for s in first["segments"]) == BODY[first["start"]:first["end"]]
    # excerpts that only touch (blank between them) are one passage too
    assert len(evidence_passages("أ ب ج د", [{"start": 0, "end": 1}, {"start": 6, "end": 7}], width=1)) == 1


def test_event_page_shows_each_paragraph_once_per_source(tmp_path) -> None:
    from fastapi.testclient import TestClient

    from rasd.web.app import create_app

    db = tmp_path / "kafr.db"
    doc_id, ev_id = _two_mention_store(db)
    with TestClient(create_app(str(db))) as c:
        ev = c.get(f"/api/events/{ev_id}").json()
        assert [p["doc_id"] for p in ev["passages"]] == [doc_id] and len(ev["passages"][0]["passages"]) == 2
        html = c.get(f"/events/{ev_id}").text
    sources = html[html.index('id="sources"'):html.index('id="disputes"') if 'id="disputes"' in html else None]
    assert sources.count('<article class="source"') == 1
    assert sources.count('<p class="evidence"') == 2
    assert sources.count("<mark>") == 3
    assert sources.count("وأسفر القصف عن") == 1  # the shared sentence is not repeated
    assert '<h2 id="sources-heading" data-count="1">المصادر (1)</h2>' in html


def test_a_verbatim_copy_is_named_on_its_originals_card_and_not_counted() -> None:
    from rasd.web.pages import source_cards
    from rasd.web.queries import source_count

    members = [{"doc_id": "copy", "duplicate_of": "orig"}, {"doc_id": "orig", "duplicate_of": None},
               {"doc_id": "other", "duplicate_of": None}, {"doc_id": "lone-copy", "duplicate_of": "absent"}]
    cards = source_cards(members)
    assert [(c["member"]["doc_id"], [m["doc_id"] for m in c["copies"]]) for c in cards] == [
        ("orig", ["copy"]), ("other", []), ("lone-copy", [])]
    assert source_count(members) == len(cards) == 3
    assert source_count([]) == 1


def test_the_source_count_is_defined_where_it_is_shown(client) -> None:
    ev = client.get("/api/events").json()["items"][0]
    html = client.get(f"/events/{ev['id']}").text
    assert "المصدر وثيقة واحدة نشرت الخبر" in html
    en = client.get(f"/events/{ev['id']}", params={"lang": "en"}).text
    assert "A source is one document that reported it" in en


def test_dates_beside_arabic_text_are_isolated_left_to_right(tl_client) -> None:
    """Issue 13 item 3: "2024-03-08" must not read "08-03-2024" inside right-to-left text."""
    html = tl_client.get("/timeline").text
    assert '<h2><bdi dir="ltr">2024-03-08</bdi> <small>' in html
    ev = next(e for e in tl_client.get("/api/events", params={"order": "newest"}).json()["items"]
              if (e.get("date") or {}).get("value"))
    page = tl_client.get(f"/events/{ev['id']}").text
    assert f'<span class="h-date"><bdi dir="ltr">{ev["date"]["value"]}</bdi></span>' in page
    assert ">None<" not in page and " None " not in page


def test_arabic_pages_print_no_english_codes(tl_client) -> None:
    """Issue 13 item 2: type codes, precisions and date bases have Arabic labels (the code stays
    in a tooltip); the only Latin text left is the language toggle."""
    ids = [e["id"] for e in tl_client.get("/api/events", params={"background": 1}).json()["items"]]
    assert ids
    for path in ["/timeline"] + [f"/events/{i}" for i in ids]:
        html = tl_client.get(path, params={"lang": "ar"}).text
        text = re.sub(r"<script.*?</script>|<style.*?</style>|<[^>]+>", " ", html, flags=re.S)
        assert not re.findall(r"\b[a-z_]{3,}\b", text), path


# -- item 3 (rest): the date filters in the page's language ----------------------------------------

@pytest.mark.parametrize("typed, stored", [
    ("2024-03-08", "2024-03-08"), ("2024/3/8", "2024-03-08"), ("8/3/2024", "2024-03-08"),
    ("٨/٣/٢٠٢٤", "2024-03-08"), ("٢٠٢٤-٠٣-٠٨", "2024-03-08"), ("۲۰۲۴-۳-۸", "2024-03-08"),
    ("\u200f08.03.2024", "2024-03-08"), ("2024 ٫ 3 ٫ 8", "2024-03-08"), ("03-2024", "2024-03"),
    ("2024-3", "2024-03"), ("1853", "1853"), ("", None), ("  ", None)])
def test_date_fields_read_arabic_indic_digits_and_either_order(typed, stored) -> None:
    from rasd.web.pages import parse_date_field

    assert parse_date_field(typed) == (stored, True)


@pytest.mark.parametrize("typed", ["2024-02-30", "2024-13", "31/02/2024", "tomorrow", "12345", "2024-03-08-01",
                                   "٢٠٢٤-٠٣-٠٨x", "0000-01-01", "1/2/3"])
def test_dates_not_in_the_calendar_are_not_understood(typed) -> None:
    from rasd.web.pages import parse_date_field

    assert parse_date_field(typed) == (None, False)


def test_timeline_date_fields_are_text_in_the_page_language(tl_client) -> None:
    html = tl_client.get("/timeline", params={"lang": "ar"}).text
    assert 'type="date"' not in html  # Chromium shows those in the browser's locale (mm/dd/yyyy)
    assert 'placeholder="سنة-شهر-يوم"' in html
    assert 'placeholder="yyyy-mm-dd"' in tl_client.get("/timeline", params={"lang": "en"}).text
    # typed in Arabic-Indic digits, day first: the filter reads it and the field shows it as stored
    one = tl_client.get("/timeline", params={"lang": "ar", "date_from": "٠٥/٠٣/٢٠٢٤"}).text
    assert 'id="filter-date_from" value="2024-03-05"' in one
    assert _day_headings(one) == ["2024-03-08"]
    # a date that is not one is shown back as typed, marked, and not applied
    bad = tl_client.get("/timeline", params={"lang": "ar", "date_from": "31/02/2024"}).text
    assert 'value="31/02/2024"' in bad and 'aria-invalid="true"' in bad and "تاريخ غير مفهوم" in bad
    assert _day_headings(bad) == _day_headings(tl_client.get("/timeline", params={"lang": "ar"}).text)


# -- item 7: the top of each page ------------------------------------------------------------------

def test_event_page_opens_on_what_where_when_how_many_and_who_says_so(client) -> None:
    ev = next(e for e in client.get("/api/events", params={"limit": 200}).json()["items"]
              if e["location"] and e["quantities"] and (e["date"] or {}).get("value"))
    html = client.get(f"/events/{ev['id']}", params={"lang": "ar"}).text
    top = html[html.index('id="event-glance"'):html.index("</section>", html.index('id="event-glance"'))]
    assert html.index('id="event-glance"') < html.index('class="facts"')  # above the details
    for label in ("ماذا", "أين", "متى", "كم", "من يقول ذلك"):
        assert label in top
    assert f'<bdi dir="ltr">{ev["date"]["value"]}</bdi>' in top
    assert (ev["location"].get("name") or ev["location"]["text"]) in top
    assert "ورد في" in top and "مصدر واحد" in top  # one source: "مصدر واحد", never "1 مصادر"


@pytest.mark.parametrize("n, phrase", [(1, "حدث واحد"), (2, "حدثان"), (7, "7 أحداث"), (11, "11 حدثًا"),
                                       (1867, "1867 حدثًا"), (100, "100 حدث"), (103, "103 أحداث")])
def test_event_counts_agree_with_their_noun(n, phrase) -> None:
    from rasd.web.pages import count_phrase

    assert count_phrase(n, "events") == phrase


def _ev(date: str | None, background: bool = False) -> dict:
    return {"date": {"value": date}, "background": background}


def test_month_chart_draws_every_month_right_to_left_and_counts_what_it_leaves_out() -> None:
    from rasd.web.pages import MONTH_CHART_MAX, month_chart

    events = [_ev("2024-03-02"), _ev("2024-03-20"), _ev("2023-11"), _ev("2024"), _ev(None),
              _ev("1853-05-01", background=True)]
    chart = month_chart(events, rtl=True)
    months = [b["month"] for b in chart["bars"]]
    assert months[0] == "2023-04" and months[-1] == "2024-03" and len(months) == 12  # a year at least
    assert {b["month"]: b["n"] for b in chart["bars"] if b["n"]} == {"2023-11": 1, "2024-03": 2}
    assert chart["left_out"] == 3 and chart["drawn"] == 3 and chart["busiest"] == "2024-03"
    xs = {b["month"]: b["x"] for b in chart["bars"]}
    assert xs["2024-03"] < xs["2023-11"]  # right to left: the latest month at the left end
    assert (chart["left"], chart["right"]) == ("2024-03", "2023-04")
    assert [y["text"] for y in chart["years"]] == ["2024"]
    assert month_chart(events, rtl=False)["bars"][0]["x"] < month_chart(events, rtl=False)["bars"][-1]["x"]
    # a long history: the latest five years, the older events counted as left out
    long = [_ev(f"{y}-06-01") for y in range(2000, 2025)]
    chart = month_chart(long, rtl=True)
    assert len(chart["bars"]) == MONTH_CHART_MAX and chart["left_out"] == 20
    assert month_chart([_ev("2024"), _ev(None)], rtl=True) == {"bars": [], "left_out": 2}


def test_place_page_opens_on_its_chart_and_lists_newest_first(client) -> None:
    html = client.get("/places/sy-hama", params={"lang": "ar"}).text
    assert 'id="month-chart"' in html and html.index('id="month-chart"') < html.index('class="events"')
    assert 'class="month-svg"' in html and "style=" not in html  # SVG from the server, no inline style (CSP)
    dates = re.findall(r'<li class="event-row"><span class="muted"><bdi dir="ltr">([^<]+)</bdi>', html)
    assert dates and dates == sorted(dates, reverse=True)


def test_a_duplicate_names_its_original_by_title_not_by_id(examples_db) -> None:
    from fastapi.testclient import TestClient

    from rasd.web.app import create_app

    with TestClient(create_app(examples_db)) as c:
        docs = c.get("/api/documents", params={"limit": 500}).json()["items"]
        copy = next(d for d in docs if d.get("duplicate_of"))
        original = c.get(f"/api/documents/{copy['duplicate_of']}").json()
        html = c.get(f"/documents/{copy['id']}", params={"lang": "ar"}).text
        assert f'title="{original["id"]}">{original["title"]}</a>' in html
        listing = c.get("/documents", params={"lang": "ar"}).text
        assert f'href="/documents/{original["id"]}">وثيقة أخرى</a>)' in listing
