"""On a 390 px phone every page fits the screen in every language: nothing scrolls sideways but a labelled table region."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser

from essa_dash.ingest import add
from essa_dash.releases import disk
from tests.e2e.conftest import screenshot, serve
from tests.unit.test_cli import LABELS, asean_labels, edit

pytestmark = pytest.mark.e2e

#: The pages with charts.
PAGES = ["/", "/country/KHM", "/risk/old_age", "/progress"]
#: Every page, the 404 page too; /present draws its 1920x1080 slides scaled to the screen.
EVERY_PAGE = [
    "/",
    "/country/VNM",
    "/country/KHM",
    "/risk/old_age",
    "/progress",
    "/data",
    "/data?table=context",
    "/deck",
    "/languages",
    "/changes",
    "/present?views=/country/VNM",
    "/no-such-page",
]
#: English and the languages with the longest words (Vietnamese's many syllables, Khmer's and Burmese's unspaced script).
LONG_WORDS = ["en", "vi", "km", "my"]
PHONE = {"width": 390, "height": 844}
#: Drawn: the page's main element is there, no callback is in flight and every chart on screen has drawn.
_DRAWN = """() => document.querySelector('main') !== null && document.querySelector('[data-dash-is-loading="true"]') === null
    && [...document.querySelectorAll('.dash-graph, .slide:not([hidden]) .slide-chart')].every(g => g.querySelector('.main-svg'))"""
#: What is wider than the phone, with every <details> opened (a share panel's embed code is one long line):
#: the page's own scroll width, each visible element or run of text whose right edge passes the viewport outside a
#: box that scrolls or clips, each box that scrolls sideways without being a labelled, focusable region, and each
#: chart wider than its card.
_TOO_WIDE = """() => {
  document.querySelectorAll('details').forEach(d => { d.open = true; });
  const W = document.documentElement.clientWidth;
  const inBox = el => { for (let p = el.parentElement; p && p !== document.body; p = p.parentElement)
      if (getComputedStyle(p).overflowX !== 'visible') return true; return false; };
  const name = el => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
      + (typeof el.className === 'string' && el.className.trim() ? '.' + el.className.trim().split(/\\s+/).join('.') : '');
  const wider = [], reported = new Set();
  const walk = document.createTreeWalker(document.body, NodeFilter.SHOW_ELEMENT | NodeFilter.SHOW_TEXT);
  for (let node = walk.nextNode(); node; node = walk.nextNode()) {
    const el = node.nodeType === 1 ? node : node.parentElement;
    if (!el.checkVisibility({visibilityProperty: true}) || (node.nodeType === 3 && !node.textContent.trim())) continue;
    const range = document.createRange();
    range.selectNodeContents(node);
    const rects = node.nodeType === 1 ? [node.getBoundingClientRect()] : [...range.getClientRects()];
    const right = Math.max(0, ...rects.filter(r => r.width && r.height).map(r => r.right));
    if (right <= W + 0.5 || inBox(el)) continue;
    let outer = el.parentElement;
    while (outer && !reported.has(outer)) outer = outer.parentElement;
    if (outer || reported.has(el)) continue;  // the outermost too-wide element names the place
    if (node.nodeType === 1) reported.add(el);
    wider.push(`${node.nodeType === 3 ? 'text in ' : ''}${name(el)} +${Math.round(right - W)} px`);
  }
  const unlabelled = [...document.querySelectorAll('body *')].filter(el => el.scrollWidth > el.clientWidth + 1
      && ['auto', 'scroll'].includes(getComputedStyle(el).overflowX) && !el.classList.contains('graph-scroll')
      && !(el.role === 'region' && el.getAttribute('aria-label') && el.tabIndex === 0)).map(name);
  const charts = [...document.querySelectorAll('.graph-scroll')].filter(el => el.scrollWidth > el.clientWidth + 1)
      .map(el => el.querySelector('.dash-graph')?.id || '?');
  return {page: document.documentElement.scrollWidth, wider, unlabelled, charts};
}"""


def _too_wide(browser: Browser, base_url: str, paths: list[str], languages: list[str]) -> dict[str, dict]:
    """Each path in each language at 390x844, as a phone (touch, mobile viewport): what is wider than the screen."""
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    page = context.new_page()
    found: dict[str, dict] = {}
    try:
        for lang in languages:
            for path in paths:
                url = path if lang == "en" else f"{path}{'&' if '?' in path else '?'}lang={lang}"
                page.goto(base_url + url)
                page.wait_for_function(_DRAWN, timeout=30_000)
                page.wait_for_timeout(300)  # plotly's resize to its box
                if lang in ("en", "km"):  # the pictures to look at: English and an unspaced script
                    screenshot(page, "phone-" + re.sub(r"[^a-z0-9]+", "-", f"{lang}{path}".lower()).strip("-"))
                wide = page.evaluate(_TOO_WIDE)
                if wide["page"] > PHONE["width"] or wide["wider"] or wide["unlabelled"] or wide["charts"]:
                    found[url] = wide
    finally:
        context.close()
    return found


def test_every_page_fits_a_phone_in_every_language(browser: Browser, base_url: str) -> None:
    """At 390 px nothing scrolls sideways but a labelled table region: no page, no chart, no long id, URL or file name."""
    assert _too_wide(browser, base_url, EVERY_PAGE, LONG_WORDS) == {}


@pytest.fixture(scope="module")
def two_releases(built_root: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    """A server of a data directory with two kept releases (a real download ingested), and the comparison's path."""
    root = tmp_path_factory.mktemp("two-releases") / "data"
    shutil.copytree(built_root, root)
    add.apply(add.plan(edit(LABELS, asean_labels)(root.parent), root), root)
    newer, older = disk.kept(root)[:2]
    with serve(root, "server-two-releases.log") as url:
        yield url, f"/changes?from={older.id}&to={newer.id}"


def test_a_comparison_of_two_releases_fits_a_phone(browser: Browser, two_releases: tuple[str, str]) -> None:
    """The comparison's tables (by source, rows added and revised) are the widest of all: each scrolls in its region."""
    url, path = two_releases
    assert _too_wide(browser, url, [path], LONG_WORDS) == {}


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
