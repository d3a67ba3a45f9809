"""The country profile in a real browser: values, controls in the URL, back button, bad links."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.e2e.conftest import choose, screenshot, wait_for_graph


def bars_title(page: Page) -> str:
    return page.locator("#country-bars .gtitle").text_content() or ""


def test_profile_shows_country_region_and_world(page: Page, base_url: str) -> None:
    page.goto(base_url + "/country/VNM")
    wait_for_graph(page, "country-bars")
    assert "Viet Nam beside ASEAN and World" in bars_title(page)
    labels = page.locator("#country-bars .bartext").all_text_contents()
    assert "38.3% (2022)" in labels  # Viet Nam, at least one benefit
    assert "46.0% (2023) †" in labels  # ASEAN: an ILO modelled estimate, flagged
    # no regional figure for the poor: said in words where the bar would be, never a bar of length 0
    notes = page.locator("#country-bars .annotation-text").all_text_contents()
    assert "no data: ASEAN, World" in notes  # the poor: one note names both missing comparators
    expect(page.locator(".callout")).to_contain_text("61.5 million")
    expect(page.locator(".callout")).to_contain_text("World Population Prospects 2024")
    expect(page.locator(".aggregate-note")).to_contain_text("published by the ILO, not computed here")
    screenshot(page, "country-VNM")


def test_controls_live_in_the_url_and_back_steps_through_them(page: Page, base_url: str) -> None:
    page.goto(base_url + "/country/VNM")
    wait_for_graph(page, "country-bars")
    choose(page, "edition", "UN SDG Global Database (July 2023)")
    expect(page).to_have_url(re.compile(r"/country/VNM\?sex=total&edition=un-sdg-db-2023-07$"))
    expect(page.locator("#country-bars .gtitle")).to_contain_text("beside South-Eastern Asia and World")
    choose(page, "iso3", "Cambodia")
    expect(page).to_have_url(re.compile(r"/country/KHM\?sex=total&edition=un-sdg-db-2023-07$"))
    expect(page.locator("h1")).to_contain_text("Cambodia")
    page.go_back()
    expect(page).to_have_url(re.compile(r"/country/VNM\?sex=total&edition=un-sdg-db-2023-07$"))
    expect(page.locator("h1")).to_contain_text("Viet Nam")
    page.go_back()
    expect(page).to_have_url(re.compile(r"/country/VNM$"))
    expect(page.locator("#country-bars .gtitle")).to_contain_text("beside ASEAN and World")


def test_a_copied_link_reopens_the_same_view(page: Page, base_url: str) -> None:
    page.goto(base_url + "/country/PHL?sex=female&edition=ilostat-2025")
    wait_for_graph(page, "country-bars")
    assert "Philippines (women) beside ASEAN and World" in bars_title(page)
    expect(page.locator("#control-sex input[value=female]")).to_be_checked()
    expect(page.locator("#country-sex")).to_be_visible()  # the Philippines publishes pensions by sex


def test_unknown_ids_get_a_friendly_message_listing_the_choices(page: Page, base_url: str) -> None:
    page.goto(base_url + "/country/XYZ?sex=other&colour=red")
    wait_for_graph(page, "country-bars")
    notice = page.locator(".notice[role=alert]")
    expect(notice).to_contain_text("Unknown country 'XYZ'")
    expect(notice).to_contain_text("VNM (Viet Nam)")
    expect(notice).to_contain_text("Unknown sex 'other'. Valid choices: total, female, male")
    expect(notice).to_contain_text("Unknown parameter 'colour'")
    expect(page.locator("h1")).to_contain_text("Viet Nam")  # the default view, not an error page


def test_controls_work_from_the_keyboard_and_keep_focus(page: Page, base_url: str) -> None:
    page.goto(base_url + "/country/VNM")
    wait_for_graph(page, "country-bars")
    page.locator("#control-sex input[value=total]").focus()
    page.keyboard.press("ArrowRight")
    expect(page).to_have_url(re.compile(r"sex=female"))
    expect(page.locator("#country-bars .gtitle")).to_contain_text("Viet Nam (women)")  # the page was redrawn
    expect(page.locator("#control-sex input[value=female]")).to_be_focused()
    page.locator("#control-iso3 .dash-dropdown-focus-target").focus()
    page.keyboard.press("Tab")  # into the edition dropdown
    page.keyboard.press("ArrowDown")  # opens it on the current edition
    expect(page.locator(".dash-options-list-option-checkbox[value='ILOSTAT 2025']")).to_be_focused()
    page.keyboard.press("ArrowDown")
    expect(page.locator(".dash-options-list-option-checkbox[value='UN SDG DB 2023-07']")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"edition=un-sdg-db-2023-07"))
    expect(page.locator("#control-edition button")).to_be_focused()
    outline = page.evaluate("getComputedStyle(document.querySelector('#control-edition .dash-dropdown-wrapper')).outlineStyle")
    assert outline == "solid", "the focused control must show where the focus is"


def test_a_withdrawn_edition_says_withdrawn_by_the_publisher(page: Page, base_url: str) -> None:
    page.goto(base_url + "/country/IDN?edition=un-sdg-db-2020-04")
    wait_for_graph(page, "country-bars")
    notice = page.locator(".notice")
    expect(notice).to_contain_text("withdrawn by the publisher")
    expect(notice).to_contain_text("April 2021")
    expect(notice).not_to_contain_text("has no figures for Indonesia")
    screenshot(page, "country-IDN-withdrawn")
