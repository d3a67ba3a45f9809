"""On a 390 px phone every chart is laid out for the phone: nothing scrolls sideways, inside a card or outside."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser

from tests.e2e.conftest import screenshot

pytestmark = pytest.mark.e2e

PAGES = ["/", "/country/KHM", "/risk/old_age", "/progress"]
WIDER = """() => [...document.querySelectorAll('.graph-scroll')]
    .filter(el => el.scrollWidth > el.clientWidth + 1).map(el => el.querySelector('.dash-graph')?.id || '?')"""


@pytest.mark.parametrize("path", PAGES)
def test_charts_fit_a_phone_without_sideways_scrolling(browser: Browser, base_url: str, path: str) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    page = context.new_page()
    try:
        page.goto(base_url + path)
        page.wait_for_selector(".js-plotly-plot")
        page.wait_for_timeout(500)  # every graph of the page drawn
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        assert page.evaluate(WIDER) == [], "charts wider than their card (sideways scrolling)"
        widths = page.evaluate("[...document.querySelectorAll('.js-plotly-plot')].map(e => e.getBoundingClientRect().width)")
        assert widths and max(widths) <= 390
        screenshot(page, f"phone{path.replace('/', '-')}")
    finally:
        context.close()


#: Chart texts that must stay inside their chart's card: the source line, notes under the plot, "no data" words.
OUTSIDE = """() => [...document.querySelectorAll('.js-plotly-plot')].flatMap(plot => {
    const card = plot.getBoundingClientRect();
    return [...plot.querySelectorAll('.annotation-text, .gtitle')]
      .map(t => [t.textContent.trim().slice(0, 60), t.getBoundingClientRect()])
      .filter(([text, r]) => text && r.width > 0 && (r.left < card.left - 1 || r.right > card.right + 1))
      .map(([text, r]) => `${plot.closest('.dash-graph')?.id || '?'}: ${text} (${Math.round(r.left)}-${Math.round(r.right)}`
                          + ` in ${Math.round(card.left)}-${Math.round(card.right)})`);
})"""


@pytest.mark.parametrize("path", PAGES)
def test_source_lines_and_notes_stay_inside_their_card_on_a_phone(browser: Browser, base_url: str, path: str) -> None:
    """The source line started where the plot does (right of the category names) but wrapped to the card's width."""
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    page = context.new_page()
    try:
        page.goto(base_url + path)
        page.wait_for_selector(".js-plotly-plot")
        page.wait_for_timeout(500)  # every graph of the page drawn
        assert page.evaluate(OUTSIDE) == []
    finally:
        context.close()


def test_the_overview_heatmap_is_the_compact_grid_on_a_phone(browser: Browser, base_url: str) -> None:
    """Laid out for the phone (risk names upright, no colour scale), not a desktop grid squeezed."""
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    try:
        page.goto(base_url + "/")
        page.wait_for_selector(".js-plotly-plot .heatmaplayer")
        assert page.locator(".js-plotly-plot .colorbar").count() == 0
        desktop = browser.new_context(viewport={"width": 1400, "height": 900})
        wide = desktop.new_page()
        wide.goto(base_url + "/")
        wide.wait_for_selector(".js-plotly-plot .heatmaplayer")
        assert wide.locator(".js-plotly-plot .colorbar").count() >= 1
        desktop.close()
    finally:
        context.close()


def test_the_data_table_scrolls_in_its_own_region_on_a_phone(browser: Browser, base_url: str) -> None:
    """The explorer's table is wider than a phone: its labelled region scrolls (touch or arrow keys), the page does not."""
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    page = context.new_page()
    try:
        page.goto(base_url + "/data?country=KHM")
        region = page.locator(".table-scroll[role=region]")
        region.locator("tbody tr").first.wait_for(timeout=30_000)
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        assert region.get_attribute("aria-label") and region.get_attribute("tabindex") == "0"
        assert region.evaluate("e => e.scrollWidth > e.clientWidth"), "the table fits: nothing to scroll"
        assert page.locator(".table-hint").is_visible()  # the cue that it scrolls, in words
        assert page.locator("#explorer-table-where").is_visible()  # rows X-Y of N, outside the scrolling box
        region.focus()
        page.keyboard.press("ArrowRight")
        page.wait_for_function("() => document.querySelector('.table-scroll').scrollLeft > 0", timeout=10_000)
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        screenshot(page, "phone-data")
    finally:
        context.close()
