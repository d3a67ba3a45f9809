"""The overview page in a real browser: tiles and heatmap rendered with real values."""

from __future__ import annotations

import re

from playwright.sync_api import Browser, Page, expect

from tests.e2e.conftest import screenshot


def open_overview(page: Page, base_url: str) -> None:
    page.goto(base_url + "/")
    page.wait_for_selector("#overview-heatmap .heatmaplayer", timeout=30_000)


def test_tiles_show_the_five_headline_gaps(page: Page, base_url: str) -> None:
    open_overview(page, base_url)
    tiles = page.locator("#overview-tiles .tile")
    expect(tiles).to_have_count(5)
    values = tiles.locator(".tile-value").all_inner_texts()
    assert values == ["73%", "88%", "61%", "72%", "48%"]
    expect(tiles.nth(0)).to_contain_text("of the world's population without comprehensive social protection")
    expect(tiles.nth(4)).to_contain_text("Latest: 20% without (ILOSTAT 2025, 2023; same definition)")
    expect(tiles.nth(3)).to_contain_text("different measure")
    # revision apart from progress: the ILO's current series for the report's year, then its latest year
    expect(tiles.nth(4)).to_contain_text("Current series (ILOSTAT 2025): 70.8% covered in 2012 → 79.6% in 2023")
    expect(tiles.nth(4)).to_contain_text("a revision, not progress")
    expect(tiles.nth(3)).to_contain_text("WSPR 2024-26 publishes 36.9% for the same year")
    expect(tiles.nth(0)).to_contain_text("no primary source publishes a later figure")


def test_definition_and_source_are_one_click_away(page: Page, base_url: str) -> None:
    open_overview(page, base_url)
    tile = page.locator("#overview-tiles .tile").nth(1)
    quote = tile.locator("blockquote")
    expect(quote).to_be_hidden()
    tile.get_by_text("Definition and source").click()
    expect(quote).to_be_visible()
    expect(quote).to_contain_text("only 12 per cent of unemployed workers actually receive such benefits")
    expect(tile.locator("a").first).to_have_attribute("href", re.compile(r"^http://www\.unmultimedia\.org/"))


def test_heatmap_shows_values_years_and_no_data(page: Page, base_url: str) -> None:
    open_overview(page, base_url)
    graph = page.locator("#overview-heatmap")
    expect(graph.locator(".gtitle")).to_contain_text("latest year in ILOSTAT SDG 1.3.1 (June 2025 release)")
    texts = graph.locator(".heatmaplayer text").all_text_contents()
    assert "6.3% †2019" in texts  # Myanmar, at least one benefit: flagged (its marker beside the value)
    assert "100.0%2023" in texts  # Singapore
    # Brunei and Lao PDR children, Brunei and Singapore poor, ASEAN poor: words on the grey cell, no value in the data
    assert graph.locator(".annotation-text").all_text_contents().count("no data") == 5
    ticks = [t.strip() for t in graph.locator(".ytick text").all_text_contents()]
    assert "Viet Nam" in ticks and "Timor-Leste" in ticks and "ASEAN" in ticks
    expect(graph).to_contain_text("Source: ILO. ILOSTAT, SDG indicator 1.3.1")
    reading = page.locator("figure.card", has=page.locator("#overview-heatmap")).locator("figcaption")
    # one percent formatter: the sentence writes Singapore's figure as its cell does (100.0%)
    expect(reading).to_contain_text("ranges from 6.3% in Myanmar (2019) to 100.0% in Singapore (2023)")
    screenshot(page, "overview")


def test_overview_is_usable_at_phone_width(page: Page, base_url: str) -> None:
    page.set_viewport_size({"width": 390, "height": 844})
    open_overview(page, base_url)
    expect(page.locator("#overview-tiles .tile")).to_have_count(5)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390 + 1, f"page scrolls sideways at phone width ({width}px)"
    screenshot(page, "overview-phone")


def test_an_unknown_address_says_so_and_offers_the_pages(browser: Browser, base_url: str) -> None:
    # its own page: the document's 404 is the answer asked for, and Chromium logs every 404 as a console error
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" and "404" not in msg.text else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    address = base_url + "/nowhere/at/all"
    page.on("response", lambda r: errors.append(f"{r.status} {r.url}") if r.status >= 400 and r.url != address else None)
    response = page.goto(address)
    assert response is not None and response.status == 404  # an unknown address is no page: HTTP says so too
    expect(page.locator("h1")).to_have_text("There is no page at this address")
    expect(page.get_by_role("link", name="Country profiles")).to_have_attribute("href", "/country/VNM")
    assert errors == []
    context.close()
