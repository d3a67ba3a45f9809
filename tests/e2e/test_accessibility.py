"""Every page passes axe-core's WCAG 2 A and AA rules (contrast included) in a real browser,
at a phone's 390 px and a desktop's 1400 px; the screenshots of both are kept in tests/artifacts/."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Browser

from tests.e2e.conftest import screenshot

AXE = (Path(__file__).resolve().parents[1] / "vendor" / "axe-core" / "axe.min.js").read_text()
PAGES = {
    "/": "#overview-heatmap .main-svg",
    "/country/VNM": "#country-bars .main-svg",
    "/risk/old_age": "#risk-map .main-svg",
    "/progress": "#progress-dumbbells .main-svg",
    "/data": "#explorer-table tbody tr",
    "/data?table=context&sort=value&desc=true&page=2": "#explorer-table th[aria-sort]",
    "/deck": "#deck-views",
}


@pytest.mark.parametrize(("path", "ready"), list(PAGES.items()))
@pytest.mark.parametrize("width", [1400, 390])
def test_page_has_no_wcag_violations(browser: Browser, base_url: str, path: str, ready: str, width: int) -> None:
    # the app's CSP rightly forbids injected scripts: only this test context may run axe
    context = browser.new_context(viewport={"width": width, "height": 900}, bypass_csp=True)
    page = context.new_page()
    try:
        page.goto(base_url + path)
        page.wait_for_selector(ready, timeout=30_000)
        page.evaluate(AXE)
        screenshot(page, f"page-{re.sub(r'[^A-Za-z0-9_]+', '-', path).strip('-') or 'overview'}-{width}")
        violations = page.evaluate(
            """async () => (await axe.run(document, {runOnly: ["wcag2a", "wcag2aa"]})).violations
                .map(v => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.slice(0, 3).map(n => n.target.join(" ")).join("; ")}`)"""
        )
    finally:
        context.close()
    assert violations == []
