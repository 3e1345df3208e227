"""In Chromium, over stores built by the real pipeline from the demo pages and from the seeds.

Each page type loads right-to-left with no console error (a CSP violation shows as one) and no
script error; the map draws its markers. Screenshots go to $RASD_SCREENSHOTS or a temporary folder
(the run's summary names it).
"""
from __future__ import annotations

from pathlib import Path

import pytest

from live import live_server, skip_reason
from tests.conftest import SHARED

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.browser

if skip_reason():
    pytest.skip(skip_reason(), allow_module_level=True)

SOURCES = {"examples": ROOT / "examples", "seeds": SHARED / "seeds",
           "examples_pg": ROOT / "examples"}   # the demo pages in PostgreSQL (skips without a cluster)


@pytest.fixture(scope="module", params=sorted(SOURCES))
def served(request, tmp_path_factory):
    """(name, base URL) of a uvicorn server over a store the real pipeline built from one source."""
    from rasd.web.app import create_app

    src = SOURCES[request.param]
    if not src.exists():
        pytest.skip(f"{src} absent (../shared not on this machine)")
    db = request.getfixturevalue(f"{request.param}_db")  # built and linked by `rasd run` (conftest)
    with live_server(create_app(db)) as url:
        yield request.param, url


def test_every_page_type_in_chromium(served, browser, shots):
    import json
    import urllib.request

    name, base = served
    get = lambda path: json.loads(urllib.request.urlopen(base + path).read())  # noqa: E731
    doc = get("/api/documents?limit=1")["items"][0]["id"]
    ev = get("/api/events?limit=1")["items"][0]["id"]
    paths = ["/timeline", "/map", "/documents", f"/documents/{doc}", f"/events/{ev}", "/actors", "/places",
             "/stories", "/search?q=%D8%AD%D9%85%D8%B5"]
    for path in paths:
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        errors: list[str] = []
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(base + path, wait_until="networkidle")
        assert page.evaluate("document.documentElement.dir") == "rtl", path
        assert page.locator("main, body").first.inner_text().strip(), f"{path} rendered empty"
        if path == "/map":
            page.wait_for_selector(".leaflet-marker-icon, .marker-cluster", timeout=10_000)
        page.screenshot(path=str(shots / f"{name}{path.replace('/', '_').split('?')[0]}.png"), full_page=False)
        assert not errors, f"{path}: {errors}"
        page.close()


def test_disputed_event_shows_its_sources_and_disputes_in_chromium(served, browser, shots):
    """A fused, disputed event: each source side by side with its evidence marked, the disputes in Arabic,
    then in English after the language toggle."""
    import json
    import urllib.request

    name, base = served
    disputed = json.loads(urllib.request.urlopen(base + "/api/events?disputed=true&limit=50").read())["items"]
    assert disputed, f"{name}: no disputed event"
    ev = max(disputed, key=lambda e: e["n_sources"])
    assert ev["n_sources"] >= 2
    page = browser.new_page(viewport={"width": 1280, "height": 1400})
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(f"{base}/events/{ev['id']}", wait_until="networkidle")
    cards = page.locator("#sources article.source")
    assert cards.count() >= 2
    boxes = [cards.nth(i).bounding_box() for i in range(2)]
    assert abs(boxes[0]["y"] - boxes[1]["y"]) < 5, boxes  # side by side, not stacked
    for i in range(cards.count()):
        assert cards.nth(i).locator("mark").count() >= 1 and cards.nth(i).locator("mark").first.is_visible()
        assert cards.nth(i).locator(".source-outlet").inner_text().strip()
    sides = page.locator("#disputes .dispute-side")
    assert sides.count() >= 2 and all(sides.nth(i).locator(".side-value").inner_text().strip()
                                      for i in range(sides.count()))
    page.locator("#sources").scroll_into_view_if_needed()
    page.screenshot(path=str(shots / f"{name}_disputed_event.png"), full_page=True)
    page.locator("#lang-toggle").click()
    page.wait_for_load_state("networkidle")
    assert page.evaluate("document.documentElement.dir") == "ltr"
    assert "Disputes between sources" in page.locator("main").inner_text()
    page.screenshot(path=str(shots / f"{name}_disputed_event_en.png"), full_page=True)
    page.goto(f"{base}/stories?lang=ar", wait_until="networkidle")
    assert page.locator("#stories .story-docs a").count() >= 1
    page.screenshot(path=str(shots / f"{name}_stories.png"), full_page=False)
    assert not errors, errors
    page.close()
