"""Presenter tools in a real browser: an embed inside an iframe, and slides moved by keyboard."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect
from pptx import Presentation

from essa_dash.figures.frames import SLIDE
from essa_dash.query.state import Vocabulary
from essa_dash.store import Store
from essa_dash.views import build, charts_for_url
from tests.e2e.conftest import screenshot


def chart_count(store: Store, *urls: str) -> int:
    """How many slides the server draws for these links (pages gain charts; the count is not typed in)."""
    vocabulary = Vocabulary.from_store(store)
    return sum(1 for url in urls for chart, state in charts_for_url(url, vocabulary)[0] if build(chart, store, state, SLIDE) is not None)


def test_embed_renders_inside_an_iframe(page: Page, base_url: str) -> None:
    page.set_content(
        f'<h1>A ministry page</h1><iframe src="{base_url}/embed/country-bars?country=KHM&edition=ilostat-2025" '
        'width="900" height="600" title="Cambodia"></iframe>'
    )
    frame = page.frame_locator("iframe")
    expect(frame.locator("#chart .main-svg").first).to_be_visible(timeout=30_000)
    expect(frame.locator(".gtitle")).to_contain_text("Cambodia beside ASEAN and World")
    expect(frame.locator(".annotation-text").filter(has_text="Source:").first).to_contain_text("Source: ILO. ILOSTAT")
    expect(frame.get_by_role("link", name="Open in ESSA Dash")).to_have_attribute("href", "/country/KHM?edition=ilostat-2025")
    screenshot(page, "embed-in-iframe")


def test_dashboard_pages_refuse_to_be_framed(page: Page, base_url: str) -> None:
    response = page.request.get(base_url + "/country/KHM")
    assert response.headers["x-frame-options"] == "DENY"
    assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
    embed = page.request.get(base_url + "/embed/country-bars")
    assert "frame-ancestors" not in embed.headers["content-security-policy"]
    assert "x-frame-options" not in embed.headers


def test_presenter_mode_moves_by_keyboard(page: Page, base_url: str, store: Store) -> None:
    page.set_viewport_size({"width": 1600, "height": 900})
    page.goto(base_url + "/present?views=/&views=/country/PHL")
    n = chart_count(store, "/", "/country/PHL")
    slides = page.locator(".slide")
    expect(slides).to_have_count(n)
    expect(page.locator("#counter")).to_have_text(f"Slide 1 of {n}")
    expect(slides.nth(0).locator(".main-svg").first).to_be_visible(timeout=30_000)
    expect(slides.nth(0).locator(".gtitle")).to_contain_text("by country and risk")
    screenshot(page, "present-slide-1")
    page.keyboard.press("ArrowRight")
    expect(page.locator("#counter")).to_have_text(f"Slide 2 of {n}")
    expect(slides.nth(0)).to_be_hidden()
    page.keyboard.press("Space")
    page.keyboard.press("End")
    expect(page.locator("#counter")).to_have_text(f"Slide {n} of {n}")
    expect(page).to_have_url(re.compile(rf"#{n}$"))
    page.keyboard.press("ArrowLeft")
    expect(page.locator("#counter")).to_have_text(f"Slide {n - 1} of {n}")
    title_size = slides.nth(2).locator(".gtitle").evaluate("el => parseFloat(getComputedStyle(el).fontSize)")
    assert title_size >= 36, f"slide titles must read from the back of a room ({title_size}px before scaling)"
    screenshot(page, "present-slide-3")


def test_a_ten_chart_deck_from_the_browser(page: Page, base_url: str, store: Store, tmp_path) -> None:
    page.goto(base_url + "/deck")
    views = "\n".join(
        [
            "/",
            "/risk/old_age?country=VNM,IDN,PHL",
            "/country/VNM",
            "/embed/country-bars?country=KHM",
            "/embed/progress-bars?risk=old_age",
            "/embed/risk-map?risk=children",
        ]
    )
    page.locator("#deck-title").fill("ASEAN seminar")
    page.locator("#deck-views").fill(views)
    page.locator("#deck-title").press("Tab")  # the title input is debounced: leaving it commits the value
    expect(page.locator("#deck-download")).to_have_attribute(
        "href", re.compile(r"title=ASEAN\+seminar.*views=%2Fembed%2Frisk-map%3Frisk%3Dchildren&lang=en&native=false$")
    )
    with page.expect_download(timeout=120_000) as download:
        page.locator("#deck-download").click()
    path = tmp_path / download.value.suggested_filename
    download.value.save_as(path)
    deck = Presentation(str(path))
    assert len(deck.slides) == 1 + chart_count(store, *views.splitlines()) + 1  # the cover, the charts, About the data
    assert deck.slides[0].shapes.title.text == "ASEAN seminar"
    assert all(slide.notes_slide.notes_text_frame.text for slide in list(deck.slides)[1:])


def test_the_deck_page_shows_progress_then_offers_the_deck(page: Page, base_url: str, store: Store, tmp_path) -> None:
    n = chart_count(store, "/", "/risk/old_age?country=VNM")
    page.goto(base_url + "/deck")
    page.locator("#deck-views").fill("/\n/risk/old_age?country=VNM")
    page.locator("#deck-build").click()
    bar = page.locator("#deck-progress-bar")
    expect(bar).to_be_visible(timeout=30_000)  # a progress bar while the slides are drawn
    expect(page.locator("#deck-progress")).to_contain_text(re.compile(rf"Slide \d+ of {n} drawn"))
    screenshot(page, "deck-progress")
    link = page.get_by_role("link", name="Download the deck (.pptx)")
    expect(link).to_be_visible(timeout=120_000)
    with page.expect_download(timeout=30_000) as download:
        link.click()
    path = tmp_path / "deck.pptx"
    download.value.save_as(path)
    deck = Presentation(str(path))
    assert len(deck.slides) == 1 + n + 1
    assert deck.slides[-1].shapes.title.text == "About the data"
