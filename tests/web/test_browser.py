"""The pages in a real browser: Debian's chromium driven by Playwright over a live uvicorn server.

Screenshots go to $RASD_SCREENSHOTS (e.g. out/screenshots) or the test's temporary folder.
Skipped, with the reason, where playwright or chromium is missing.
"""
from __future__ import annotations

import pytest

from live import live_server, skip_reason

from tests.conftest import BACKENDS

pytestmark = pytest.mark.browser

if skip_reason():
    pytest.skip(skip_reason(), allow_module_level=True)


@pytest.fixture(scope="module", params=BACKENDS)
def server(request, demo_db):
    """A uvicorn server on a free loopback port, in a thread, over the demo store: the SQLite file,
    then the same articles in PostgreSQL (every browser test here runs on both backends)."""
    from rasd.web.app import create_app

    db = request.getfixturevalue("pg_demo_db")[0] if request.param == "postgresql" else demo_db[0]
    with live_server(create_app(db)) as url:
        yield url


def test_every_page_loads_rtl_without_errors(page, server, demo_db, shots):
    ev = None
    for name, path in [("timeline", "/timeline"), ("documents", "/documents"), ("actors", "/actors"),
                       ("places", "/places"), ("stories", "/stories"), ("search", "/search?q=غارات"),
                       ("document", f"/documents/{demo_db[1]['homs']}"), ("actor", "/actors/sy-opposition"),
                       ("place", "/places/sy-hama"), ("docs", "/docs")]:
        resp = page.goto(server + path)
        assert resp.status == 200, path
        assert page.get_attribute("html", "dir") == "rtl" and page.get_attribute("html", "lang") == "ar"
        page.wait_for_load_state("networkidle")
        page.screenshot(path=str(shots / f"{name}.png"), full_page=True)
        assert not page.errors, (path, page.errors)
        if name == "timeline":
            ev = page.locator("a.open").first.get_attribute("href")
    assert page.locator(".swagger-ui").count() == 1  # the docs page rendered from local files
    page.goto(server + ev)
    page.wait_for_load_state("networkidle")
    assert page.locator(".source mark").count() >= 1
    page.screenshot(path=str(shots / "event.png"), full_page=True)
    assert not page.errors, page.errors


def test_timeline_filter(page, server, shots):
    page.goto(server + "/timeline")
    total = int(page.get_attribute("#event-total", "data-count"))
    page.select_option("select[name=type]", "protest")  # filters.js submits the form
    page.wait_for_url("**type=protest**")
    assert int(page.get_attribute("#event-total", "data-count")) == 2 < total
    assert page.text_content("#event-total") == "حدثان"  # the dual, not "2 أحداث"
    assert page.locator("li.event-row").count() == 2
    assert page.locator("svg.timeline-svg rect").count() == 2
    page.screenshot(path=str(shots / "timeline_protest.png"), full_page=True)
    assert not page.errors, page.errors


def test_open_an_event_from_the_map(page, server, shots):
    page.goto(server + "/map")
    page.wait_for_selector("#map[data-ready='1']", timeout=15000)
    assert page.locator(".leaflet-syria-pane path").count() >= 1  # the outline of Syria
    page.screenshot(path=str(shots / "map.png"))
    # zoom into clusters until a single marker shows, then open its popup and follow the link
    for _ in range(6):
        markers = page.locator(".leaflet-marker-icon:not(.marker-cluster)")
        if markers.count():
            break
        page.locator(".marker-cluster").first.click()
        page.wait_for_timeout(600)
    markers.first.click()
    link = page.locator(".leaflet-popup-content a.popup-link")
    link.wait_for(timeout=5000)
    link.click()
    page.wait_for_url("**/events/**")
    assert page.locator("#ev-type").count() == 1
    page.screenshot(path=str(shots / "event_from_map.png"), full_page=True)
    assert not page.errors, page.errors


def test_arabic_search(page, server, shots):
    page.goto(server + "/search")
    page.fill("#q", "حِمْص")
    page.click("#search-go")
    page.wait_for_url("**/search?q=**")
    assert int(page.get_attribute("#result-total", "data-count")) >= 1
    marks = page.locator(".snippet mark").all_text_contents()
    assert "حِمْص" in marks  # the original, diacritised spelling is what is highlighted
    page.screenshot(path=str(shots / "search.png"), full_page=True)


def test_language_toggle_is_remembered(page, server, shots):
    page.goto(server + "/timeline")
    page.click("#lang-toggle")
    page.wait_for_url("**lang=en**")
    assert page.get_attribute("html", "dir") == "ltr" and page.get_attribute("html", "lang") == "en"
    assert page.text_content("h1").strip() == "Timeline"
    page.goto(server + "/places")  # no query parameter: the cookie keeps English
    assert page.get_attribute("html", "dir") == "ltr"
    page.screenshot(path=str(shots / "places_en.png"), full_page=True)
    page.click("#lang-toggle")
    assert page.get_attribute("html", "dir") == "rtl"


def test_xss_payloads_render_as_text(page, server, demo_db, shots):
    xss = demo_db[1]["xss"]
    page.goto(server + f"/documents/{xss}")
    assert "<script>alert(1)</script>" in page.text_content("#doc-title")
    assert "<img src=x onerror=alert(1)>" in page.text_content("#doc-text")
    page.click("#removed summary")
    assert "<script>alert(3)</script>" in page.text_content("#removed")
    page.screenshot(path=str(shots / "xss_document.png"), full_page=True)
    for path in ["/timeline", "/search?q=حلب", "/actors", "/map"]:
        page.goto(server + path)
        page.wait_for_load_state("networkidle")
    page.goto(server + "/map")
    page.wait_for_selector("#map[data-ready='1']", timeout=15000)
    assert page.locator("img[src=x]").count() == 0
    assert page.dialogs == [], page.dialogs


def test_map_shows_countries_and_loads_clusters_by_viewport(page, server, shots):
    requests = []
    page.on("request", lambda r: requests.append(r.url) if "/api/map/clusters" in r.url else None)
    page.goto(server + "/map")
    page.wait_for_selector("#map[data-ready='1']", timeout=15000)
    assert "لبنان" in page.locator(".country-label").all_text_contents()
    assert page.locator(".leaflet-countries-pane path").count() >= 10  # the region's outlines
    assert page.locator(".marker-cluster, .leaflet-marker-icon").count() >= 1
    first = len(requests)
    assert first >= 1 and "bbox=" in requests[-1] and "zoom=" in requests[-1]
    page.screenshot(path=str(shots / "map_countries.png"))
    # zooming in asks the server again for the new viewport
    page.locator(".leaflet-control-zoom-in").click()
    page.wait_for_timeout(1000)
    page.wait_for_selector("#map:not([data-loading='1'])")
    assert len(requests) > first
    # a governorate label never shows under a cluster
    hidden = page.evaluate("""() => {
        const boxes = [...document.querySelectorAll('.leaflet-marker-icon')].map(m => m.getBoundingClientRect());
        return [...document.querySelectorAll('.gov-label')].filter(l => l.style.visibility !== 'hidden').some(l => {
            const r = l.getBoundingClientRect();
            return boxes.some(b => r.left < b.right && b.left < r.right && r.top < b.bottom && b.top < r.bottom);
        });
    }""")
    assert hidden is False
    assert not page.errors, page.errors
