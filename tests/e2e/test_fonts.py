"""Scripts that render everywhere, offline: a Khmer, Lao, Thai or Burmese page draws with the fonts the app serves,
and a page in any other language downloads none of them."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page

from tests.e2e.conftest import screenshot

pytestmark = pytest.mark.e2e

FAMILIES = {"th": "Thai", "km": "Khmer", "lo": "Lao", "my": "Myanmar"}


def _fonts(page: Page, base_url: str, lang: str) -> tuple[list[str], list[dict[str, str]]]:
    fetched: list[str] = []
    page.on("request", lambda req: fetched.append(req.url) if req.url.endswith(".woff2") else None)
    page.goto(f"{base_url}/country/KHM?lang={lang}")
    page.wait_for_selector(".js-plotly-plot")
    page.evaluate("document.fonts.ready")
    faces = page.evaluate("[...document.fonts].filter(f => f.status === 'loaded').map(f => ({family: f.family, weight: f.weight}))")
    return fetched, faces


@pytest.mark.parametrize("lang", sorted(FAMILIES))
def test_a_page_in_a_script_without_spaces_loads_its_served_font(page: Page, base_url: str, lang: str) -> None:
    fetched, faces = _fonts(page, base_url, lang)
    family = f"ESSA Noto Sans {FAMILIES[lang]}"
    assert page.evaluate("document.documentElement.lang") == lang
    assert any(f["family"].strip('"') == family for f in faces), faces
    assert fetched and all(FAMILIES[lang] in url and url.startswith(base_url) for url in fetched), fetched
    # the language's own name in the switcher is drawn with real glyphs: wider than the dotted-box fallback of .notdef
    label = page.locator(f"a[hreflang='{lang}'], a[lang='{lang}']").first
    if label.count():
        assert label.bounding_box()["width"] > 10
    screenshot(page, f"fonts-{lang}")


@pytest.mark.parametrize("lang", ["en", "vi"])
def test_other_languages_download_no_served_font(page: Page, base_url: str, lang: str) -> None:
    fetched, faces = _fonts(page, base_url, lang)
    assert fetched == [] and not any(f["family"].startswith(('"ESSA', "ESSA")) for f in faces)
