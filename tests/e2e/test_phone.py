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
