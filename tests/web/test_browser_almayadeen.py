"""Issue 13, done when: in Chromium, over a store the real pipeline built (and linked) from the 796 Al
Mayadeen articles in ../shared: the timeline newest first with no event before 1900 by default; no
raw type or precision code in the Arabic page text; every date isolated left to right; the map's
country outlines; one excerpt per source on an event page; the date filters in the page's language.

Every page type is photographed in Arabic and in English (item 7); the run's summary names the
folder ($RASD_SCREENSHOTS or a temporary one). Skipped, with the reason, where ../shared,
playwright or chromium is missing.
"""
from __future__ import annotations

import json
import re
import urllib.parse
import urllib.request

import pytest

from live import live_server, skip_reason

pytestmark = [pytest.mark.browser, pytest.mark.shared, pytest.mark.slow]

if skip_reason():
    pytest.skip(skip_reason(), allow_module_level=True)

#: The documents' own words (titles, excerpts, article text, snippets): not the page's UI text.
ARTICLE_TEXT = "#doc-text, #doc-title, .kicker, #removed, .evidence, .snippet, .result-title, .source header a, " \
               ".story h2, .story-docs, .social, h1 a, [lang=en]"

#: The JavaScript that returns a page's UI text: `main` without the documents' own words.
UI_TEXT = f"""() => {{
    const main = document.querySelector('main').cloneNode(true);
    main.querySelectorAll({json.dumps(ARTICLE_TEXT)}).forEach(n => n.remove());
    return main.innerText;
}}"""

#: The JavaScript that returns each UI text holding a date (YYYY-MM or YYYY-MM-DD) whose element is
#: not laid out left to right (a `<bdi dir=ltr>` or another left-to-right element).
UNISOLATED_DATES = f"""() => {{
    const skip = {json.dumps(ARTICLE_TEXT + ", svg, script")};
    const bad = [];
    const walker = document.createTreeWalker(document.querySelector('main'), NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {{
        if (!/\\b(1[89]|20)\\d\\d-\\d\\d\\b/.test(n.textContent)) continue;
        const el = n.parentElement;
        if (el.closest(skip)) continue;
        if (getComputedStyle(el).direction !== 'ltr') bad.push(n.textContent.trim());
    }}
    return bad;
}}"""


def _codes() -> set[str]:
    """Every code the store writes that has a label (types, precisions, modalities, date bases, genres,
    units, span labels, roles): none of them may show in the Arabic page's text."""
    from rasd.web.app import ui_strings

    ar = ui_strings()["ar"]
    codes = {"actor", "target"}
    for section in ("types", "precisions", "modalities", "date_bases", "genres", "units", "span_labels",
                    "dispute_fields", "removal_reasons"):
        codes |= set(ar[section])
    return codes


@pytest.fixture(scope="module")
def served(almayadeen_db):
    from rasd.web.app import create_app

    with live_server(create_app(almayadeen_db)) as url:
        yield url


def _get(base: str, path: str) -> dict:
    return json.loads(urllib.request.urlopen(base + path).read())


@pytest.fixture(scope="module")
def pages(served) -> dict[str, str]:
    """One path of each page type: the event with the most sources, the place and actor with the most
    events, the first document and story."""
    events = _get(served, "/api/events?limit=500")["items"]
    ev = max(events, key=lambda e: (e["n_sources"], len(e["quantities"]), e["id"]))
    story = _get(served, "/api/stories?limit=1")["items"]
    doc = _get(served, "/api/documents?limit=1")["items"][0]["id"]
    out = {"timeline": "/timeline", "map": "/map", "search": "/search?q=" + urllib.parse.quote("حمص"),
           "documents": "/documents", "document": f"/documents/{doc}",
           "event": f"/events/{ev['id']}", "actors": "/actors", "places": "/places", "stories": "/stories",
           "actor": f"/actors/{_get(served, '/api/actors?limit=1')['items'][0]['id']}",
           "place": f"/places/{_get(served, '/api/places?limit=1')['items'][0]['id']}"}
    if story:
        out["story"] = f"/stories/{story[0]['id']}"
    return out


def _dates(page) -> list[str]:
    """The timeline's day headings that are dates, in page order."""
    return [h for h in page.locator("section.day h2 bdi").all_inner_texts()]


def test_timeline_newest_first_and_nothing_before_1900(page, served, shots) -> None:
    page.goto(served + "/timeline", wait_until="networkidle")
    newest = _dates(page)
    assert len(newest) >= 5 and newest == sorted(newest, reverse=True), newest[:10]
    page.screenshot(path=str(shots / "almayadeen_timeline_ar.png"))
    page.locator("#order-switch").click()
    page.wait_for_load_state("networkidle")
    oldest = _dates(page)
    assert oldest == sorted(oldest) and int(oldest[0][:4]) >= 1900, oldest[:5]
    ends = [page.locator("#chart-left").inner_text(), page.locator("#chart-right").inner_text()]
    assert all(int(e[:4]) >= 1900 for e in ends), ends
    assert page.errors == []


def test_arabic_pages_show_labels_not_codes_and_isolate_dates(page, served, pages, shots) -> None:
    codes = _codes()
    for name, path in pages.items():
        page.goto(served + path, wait_until="networkidle")
        assert page.get_attribute("html", "dir") == "rtl", path
        if name == "map":
            page.wait_for_selector("#map[data-ready='1']", timeout=15000)
        text = page.evaluate(UI_TEXT)
        leaked = sorted({w for w in re.findall(r"[A-Za-z_]+", text) if w in codes})
        assert not leaked, (path, leaked)
        assert page.evaluate(UNISOLATED_DATES) == [], path
        # adjacent names in an event line are separate words, never joined letters ("الدوليالنظام")
        for row in page.locator("li.event-row").all()[:20]:
            glued = row.evaluate("""r => [...r.querySelectorAll('a.actor, a.place, .qty')].filter(a => {
                const next = a.nextSibling;
                return next && next.nodeType === 1 && !/\\s$/.test(a.textContent); }).map(a => a.textContent)""")
            assert glued == [], (path, glued)
        page.screenshot(path=str(shots / f"almayadeen_{name}_ar.png"), full_page=name not in ("map", "timeline"))
    assert page.errors == [], page.errors


def test_every_page_type_in_english(page, served, pages, shots) -> None:
    for name, path in pages.items():
        page.goto(served + path + ("&" if "?" in path else "?") + "lang=en", wait_until="networkidle")
        assert page.get_attribute("html", "dir") == "ltr", path
        if name == "map":
            page.wait_for_selector("#map[data-ready='1']", timeout=15000)
        page.screenshot(path=str(shots / f"almayadeen_{name}_en.png"), full_page=name not in ("map", "timeline"))
    assert page.errors == [], page.errors


def test_map_draws_the_country_outlines(page, served, shots) -> None:
    page.goto(served + "/map", wait_until="networkidle")
    page.wait_for_selector("#map[data-ready='1']", timeout=15000)
    assert page.locator(".leaflet-countries-pane path").count() >= 10
    assert page.locator(".leaflet-syria-pane path").count() >= 1
    assert page.locator(".marker-cluster, .leaflet-marker-icon").count() >= 5
    count = page.locator("#map-count").inner_text()
    n = int(re.match(r"\d+", count).group())
    assert count == f"{n} {_ar_events_noun(n)}", count  # 1,867 events: "حدثًا", not "أحداث"
    assert page.errors == []


def _ar_events_noun(n: int) -> str:
    from rasd.web.pages import plural_category, unit_forms

    return unit_forms()["ar"]["events"][plural_category(n)]


def test_event_page_top_and_one_excerpt_per_source(page, served, pages, shots) -> None:
    page.goto(served + pages["event"], wait_until="networkidle")
    glance = page.locator("#event-glance")
    box = glance.bounding_box()
    assert box["y"] < 250  # the top of the page: what, where, when, how many, who says so
    for cell in ("what", "where", "when", "count", "who"):
        assert page.locator(f"#glance-{cell} .glance-value").inner_text().strip(), cell
    n = int(page.get_attribute("#sources-heading", "data-count"))
    cards = page.locator("#sources article.source")
    assert n >= 2 and cards.count() == n
    docs = [cards.nth(i).get_attribute("data-doc") for i in range(n)]
    assert len(set(docs)) == n  # one card per source document
    for i in range(n):
        card = cards.nth(i)
        assert card.locator(".excerpt").count() == 1, docs[i]  # one excerpt per source
        texts = card.locator(".excerpt p.evidence").all_inner_texts()
        assert texts and card.locator(".excerpt mark").count() >= 1
        bare = [t.strip("… \n") for t in texts]
        assert not any(a in b for j, a in enumerate(bare) for k, b in enumerate(bare) if j != k), docs[i]
    assert f"{n}" in page.locator("#glance-who").inner_text()
    page.screenshot(path=str(shots / "almayadeen_event_top_ar.png"))


def test_place_page_opens_on_its_events_over_time(page, served, pages, shots) -> None:
    page.goto(served + pages["place"], wait_until="networkidle")
    chart = page.locator("#month-chart")
    assert chart.bounding_box()["y"] < 400  # at the top, above the list
    bars = page.locator("#month-chart g.month-bar")
    months = [bars.nth(i).get_attribute("data-month") for i in range(bars.count())]
    assert len(months) >= 12 and months == sorted(months)  # every month, none missing
    # right to left: the latest month at the left end, the earliest at the right end
    xs = [bars.nth(i).bounding_box()["x"] for i in (0, len(months) - 1)]
    assert xs[0] > xs[1]
    drawn = sum(int(bars.nth(i).get_attribute("data-n")) for i in range(bars.count()))
    assert drawn >= 1
    page.screenshot(path=str(shots / "almayadeen_place_top_ar.png"))


def test_date_filters_read_the_page_language(page, served, shots) -> None:
    """Issue 13 item 3: no browser date picker in the browser's locale; a text field in the page's
    language that reads Arabic-Indic digits and the day-first order."""
    page.goto(served + "/timeline", wait_until="networkidle")
    assert page.locator("input[type=date]").count() == 0
    field = page.locator("#filter-date_from")
    assert field.get_attribute("placeholder") == "سنة-شهر-يوم"
    total = int(page.get_attribute("#event-total", "data-count"))
    field.fill("٠١/٠٣/٢٠٢٤")
    page.locator("#apply-filters").click()
    page.wait_for_load_state("networkidle")
    assert page.input_value("#filter-date_from") == "2024-03-01"
    assert 0 < int(page.get_attribute("#event-total", "data-count")) < total
    assert min(_dates(page)) >= "2024-03-01"
    page.screenshot(path=str(shots / "almayadeen_timeline_date_filter_ar.png"))
    page.locator("#lang-toggle").click()
    page.wait_for_load_state("networkidle")
    assert page.locator("#filter-date_from").get_attribute("placeholder") == "yyyy-mm-dd"
    assert page.input_value("#filter-date_from") == "2024-03-01"
    assert page.errors == []
