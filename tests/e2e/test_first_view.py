"""The page opens with its first chart already drawn from the HTML (essa_dash/first_view.py), and Dash's page takes its place unmoved."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Page

from tests.e2e.conftest import screenshot

#: When the copy's chart is drawn: whether Dash had mounted any graph by then, and where the chart is.
COPY_DRAWN = """
new MutationObserver((changes, watch) => {
    const svg = document.querySelector('#first-view .main-svg');
    if (!svg) return;
    watch.disconnect();
    const box = document.querySelector('#first-view .dash-graph').getBoundingClientRect();
    window.essaCopy = {dashGraphs: document.querySelectorAll('#react-entry-point .dash-graph').length,
                       box: [box.x, box.y + window.scrollY, box.width, box.height]};
}).observe(document, {childList: true, subtree: true});
"""
ALL_DRAWN = (
    "() => !document.getElementById('first-view') && document.querySelectorAll('.dash-graph').length > 0"
    " && [...document.querySelectorAll('.dash-graph')].every(g => g.querySelector('.main-svg'))"
)
FIRST_GRAPH = (
    "() => { const b = document.querySelector('.dash-graph').getBoundingClientRect();"
    " return [b.x, b.y + window.scrollY, b.width, b.height]; }"
)


def _opens_drawn_and_mounts_in_place(page: Page, url: str, name: str) -> None:
    page.add_init_script(COPY_DRAWN)
    page.goto(url)
    page.wait_for_function("() => window.essaCopy !== undefined", timeout=30_000)
    copy = page.evaluate("window.essaCopy")
    assert copy["dashGraphs"] == 0, "the HTML's chart was drawn after Dash mounted a graph"
    page.wait_for_function(ALL_DRAWN, timeout=60_000)
    # one chart per graph: the copy's is gone with its element, none drawn twice
    assert page.locator(".js-plotly-plot").count() == page.locator(".dash-graph").count()
    assert page.locator("#first-view, #first-view-figure").count() == 0
    assert page.evaluate(FIRST_GRAPH) == pytest.approx(copy["box"], abs=1), "the first chart moved when Dash mounted"
    screenshot(page, name)


@pytest.mark.parametrize("path", ["/risk/old_age", "/"])
def test_a_page_opens_with_its_first_chart_drawn_and_mounts_with_one_chart_per_graph(page: Page, base_url: str, path: str) -> None:
    _opens_drawn_and_mounts_in_place(page, base_url + path, "first-view" + path.replace("/", "-"))


def test_a_phone_that_visited_before_gets_a_copy_drawn_for_the_phone(browser: Browser, base_url: str) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844})
    context.add_cookies([{"name": "essa_vw", "value": "390", "url": base_url}])
    page = context.new_page()
    problems: list[str] = []
    page.on("console", lambda msg: problems.append(msg.text) if msg.type in ("error", "warning") else None)
    page.on("pageerror", lambda exc: problems.append(str(exc)))
    try:
        _opens_drawn_and_mounts_in_place(page, base_url + "/risk/old_age", "first-view-phone")
    finally:
        context.close()
    assert problems == []


def test_a_first_visit_on_a_phone_shows_no_desktop_copy(browser: Browser, base_url: str) -> None:
    """A first visit has no viewport cookie: its HTML is drawn for a desktop, which a phone's width does not show."""
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    try:
        page.goto(base_url + "/risk/old_age")
        page.wait_for_function(ALL_DRAWN, timeout=60_000)
        assert page.evaluate("window.essaCopy") is None
        assert page.evaluate("document.documentElement.scrollWidth") <= 391
    finally:
        context.close()


#: The renderer's Plotly.react calls for the ranking wait 2 s before they reach the chart queue, as when the
#: renderer remounts that graph after drawing others: the page's other charts are drawn first.
RANKING_LATE = """
let plotly;
Object.defineProperty(window, 'Plotly', { configurable: true, get() { return plotly; }, set(value) {
    plotly = value;
    let react = value.react;
    Object.defineProperty(value, 'react', { configurable: true, get() { return react; }, set(queued) {
        let late = null; // every call for the ranking waits for the first one's 2 s, in their order
        react = function (gd, ...rest) {
            if (gd.parentNode.id !== 'risk-ranking') return queued.call(this, gd, ...rest);
            late = late || new Promise(resolve => setTimeout(resolve, 2000));
            late = late.then(() => queued.call(this, gd, ...rest));
            return late;
        };
    } });
} });
"""


def test_the_copy_stays_until_the_renderer_draws_the_chart_it_shows(page: Page, base_url: str) -> None:
    page.add_init_script(RANKING_LATE)
    page.goto(base_url + "/risk/old_age")
    # attached, not visible: the renderer's page is hidden under the copy until the copy goes
    page.wait_for_selector("#react-entry-point #risk-map .main-svg", state="attached", timeout=30_000)
    assert page.locator("#react-entry-point #risk-ranking .main-svg").count() == 0
    assert page.locator("#first-view .main-svg").count() > 0, "the copy left before the renderer drew its ranking"
    page.wait_for_selector("#react-entry-point #risk-ranking .main-svg", timeout=30_000)
    page.wait_for_selector("#first-view", state="detached", timeout=5_000)
