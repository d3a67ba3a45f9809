"""The context panel in a real browser: the latest value and year of each SDG series, 'no data' said plainly."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.e2e.conftest import choose, screenshot, wait_for_graph


def test_the_country_panel_shows_each_series_and_says_no_data(page: Page, base_url: str) -> None:
    page.goto(base_url + "/country/VNM")
    wait_for_graph(page, "country-context")
    panel = page.locator("#context-panel")
    expect(panel.locator("h2")).to_have_text("Beside coverage: other SDG series for Viet Nam")
    tiles = panel.locator(".context-tile")
    expect(tiles).to_have_count(5)
    expect(tiles.nth(0)).to_contain_text("Informal employment (SDG 8.3.1)")
    expect(tiles.nth(0).locator(".tile-value")).to_have_text("70.4%")
    expect(tiles.nth(0).locator(".tile-meta")).to_have_text("in 2021")
    expect(tiles.nth(1).locator(".tile-value")).to_have_text("68 of 100")
    # a sparkline is an image with a text alternative that states the trend's ends
    expect(tiles.nth(0).locator("img.sparkline")).to_have_attribute("alt", "Trend from 2007 (81.9%) to 2021 (70.4%)")
    expect(tiles.nth(4)).to_contain_text("no data")
    expect(tiles.nth(4)).to_contain_text("Fatal occupational injuries: no data for Viet Nam in the UN SDG Global Database.")
    panel.locator("summary", has_text="Definition and source").click()
    expect(panel.locator(".sources")).to_contain_text("SL_ISV_IFEM")
    screenshot(page, "country-VNM-context")

    # another country: the panel follows it (Singapore publishes no informal employment, but fatal injuries)
    choose(page, "iso3", "Singapore")
    expect(panel.locator("h2")).to_have_text("Beside coverage: other SDG series for Singapore")
    expect(tiles.nth(0).locator(".tile-value")).to_have_text("no data")
    expect(tiles.nth(4).locator(".tile-value")).to_have_text("1.1 per 100,000 employees")


def test_a_risk_page_and_the_overview_show_their_context_charts(page: Page, base_url: str) -> None:
    page.goto(base_url + "/risk/employment_injury")
    wait_for_graph(page, "risk-context")
    expect(page.locator("#risk-context .gtitle")).to_contain_text("Work injury: the SDG series read beside its coverage")
    page.goto(base_url + "/")
    wait_for_graph(page, "context-pairs")
    expect(page.locator("#context-pairs .gtitle")).to_contain_text("Old age coverage and informal employment")
    expect(page.locator("#context-pairs")).to_contain_text("Viet Nam (2019 / 2019)")
