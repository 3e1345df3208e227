"""Issue 13 items 1 and 6 in chromium: the timeline's chart axis names the dates under its own ends
(right to left), its switches are on screen, and an event's source card marks every mention once."""
from __future__ import annotations

import pytest

from fill import TIMELINE, fill_store
from live import live_server, skip_reason

from tests.conftest import BACKENDS

pytestmark = pytest.mark.browser

if skip_reason():
    pytest.skip(skip_reason(), allow_module_level=True)


@pytest.fixture(scope="module", params=BACKENDS)
def server(request, tmp_path_factory):
    """A live server over the timeline articles: in an SQLite file, then in PostgreSQL."""
    from rasd.web.app import create_app

    if request.param == "postgresql":
        db = request.getfixturevalue("pg_cluster").database("tl")
    else:
        db = str(tmp_path_factory.mktemp("tl-browser") / "tl.db")
    fill_store(db, TIMELINE)
    with live_server(create_app(db)) as url:
        yield url


def _bar_dates_by_x(page) -> list[str]:
    """The dates of the chart's bars from left to right on screen."""
    bars = page.locator("svg.timeline-svg g.bar")
    out = []
    for i in range(bars.count()):
        box = bars.nth(i).bounding_box()
        out.append((box["x"], bars.nth(i).locator("title").first.text_content().split(":")[0]))
    return [d for _, d in sorted(out)]


def test_timeline_chart_axis_and_switches_in_chromium(page, server) -> None:
    page.goto(server + "/timeline?background=1")
    assert page.get_attribute("html", "dir") == "rtl"
    dates = _bar_dates_by_x(page)
    assert dates == ["2024-03-08", "2024-03-01"]  # right to left: the earliest at the right end
    left, right = page.locator("#chart-left"), page.locator("#chart-right")
    assert left.inner_text() == dates[0] and right.inner_text() == dates[-1]
    svg = page.locator("svg.timeline-svg").bounding_box()
    lb, rb = left.bounding_box(), right.bounding_box()
    # each label sits under its own end of the chart, on one line above the legend
    assert abs(lb["x"] - svg["x"]) < 20 and abs((rb["x"] + rb["width"]) - (svg["x"] + svg["width"])) < 20
    assert abs(lb["y"] - rb["y"]) < 2 and lb["y"] < page.locator(".chart .legend").bounding_box()["y"]
    assert page.locator("#chart-off").is_visible()
    # the list: newest first; the background switch turns the recalled history off again
    headings = page.locator("section.day h2").all_inner_texts()
    assert headings[0].startswith("2024-03-08") and headings[-1].startswith("غير مؤرخ")
    page.locator("#background-switch").click()
    page.wait_for_load_state()
    assert "background" not in page.url and "1853" not in page.locator("main").inner_text()
    page.locator("#order-switch").click()
    page.wait_for_load_state()
    assert page.locator("section.day h2").first.inner_text().startswith("2024-03-01")
    assert page.errors == []
