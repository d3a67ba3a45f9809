"""The progress page in a real browser: values, controls in the URL, back button, bad links, phone width."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.e2e.conftest import choose, screenshot, wait_for_graph

DUMBBELLS, BARS = "progress-dumbbells", "progress-bars"


def open_progress(page: Page, url: str) -> None:
    page.goto(url)
    wait_for_graph(page, DUMBBELLS)
    wait_for_graph(page, BARS)


def panel_titles(page: Page) -> list[str]:
    # panel titles are the bold annotations; "change" headers and the source line are not
    return [
        t for t in page.locator(f"#{DUMBBELLS} .annotation-text").all_text_contents() if t not in ("change",) and not t.startswith("Source")
    ]


def table_row(page: Page, country: str, risk: str) -> list[str]:
    row = (
        page.locator("#progress-table tbody tr")
        .filter(has=page.get_by_role("rowheader", name=country, exact=True))
        .filter(has=page.get_by_role("cell", name=risk, exact=True))
    )
    expect(row).to_have_count(1)
    return [c.strip() for c in row.locator("th, td").all_inner_texts()]


def test_renders_baseline_latest_and_change_from_one_edition(page: Page, base_url: str) -> None:
    open_progress(page, base_url + "/progress")
    expect(page.locator("h1")).to_have_text("Has coverage improved since 2015?")
    dumbbells = page.locator(f"#{DUMBBELLS}")
    expect(dumbbells.locator(".gtitle")).to_contain_text("Coverage in the first year since 2015 and in the latest year, by risk")
    assert len(panel_titles(page)) == 9  # the nine SDG 1.3.1 series; health has none to compare
    changes = dumbbells.locator(".textpoint text").all_text_contents()
    assert "+0.4 pp" in changes  # Viet Nam, at least one benefit, 37.9 (2015) -> 38.3 (2022)
    assert "one year" in changes and "no data" in changes
    expect(dumbbells).to_contain_text("Source: ILO. ILOSTAT, SDG indicator 1.3.1")
    bars = page.locator(f"#{BARS}")
    expect(bars.locator(".gtitle")).to_contain_text("Change in coverage since the baseline, in percentage points")
    # Thailand disability: flagged (a jump the plausibility rule marks), so its label carries the mark
    assert "+62.2 pp (2015-2020) †" in [t.strip() for t in bars.locator(".textpoint text").all_text_contents()]

    readings = page.locator("figure.card figcaption")
    expect(readings.first).to_contain_text("Coverage rose in 45 of 79 country-risk pairs with two years of data in ILOSTAT 2025")
    expect(readings.first).to_contain_text("Largest rise: Thailand disability +62.2 pp (2015-2020)")

    assert table_row(page, "Viet Nam", "At least one")[:9] == [
        "Viet Nam",
        "At least one",
        "2015",
        "37.9",
        "2022",
        "38.3",
        "+0.4 pp",
        "ILOSTAT 2025",
        "ILOSTAT_DDF_2025, lines 313 and 315",
    ]
    assert table_row(page, "Myanmar", "At least one")[6] == "one year only"
    timor = table_row(page, "Timor-Leste", "At least one")
    assert "Revised: UN SDG DB 2023-07 gave 30.6 for 2020" in timor[9]
    expect(page.locator(".progress-caveats")).to_contain_text("labour force")
    screenshot(page, "progress")


def test_choosing_a_risk_changes_the_url_and_back_restores_the_view(page: Page, base_url: str) -> None:
    open_progress(page, base_url + "/progress?risk=old_age")
    assert panel_titles(page) == ["Old age"]
    choose(page, "risk", "Unemployed receiving unemployment benefits")
    expect(page).to_have_url(re.compile(r"/progress\?country=BRN,KHM,[A-Z,]+&risk=old_age,unemployment&sex=total&edition=ilostat-2025$"))
    expect(page.locator(f"#{DUMBBELLS} .annotation-text").filter(has_text="Unemployment")).to_have_count(1)
    page.keyboard.press("Escape")
    page.go_back()
    expect(page).to_have_url(re.compile(r"/progress\?risk=old_age$"))
    expect(page.locator(f"#{DUMBBELLS} .annotation-text").filter(has_text="Unemployment")).to_have_count(0)
    assert panel_titles(page) == ["Old age"]


def test_a_copied_link_reopens_the_same_view(page: Page, base_url: str) -> None:
    open_progress(page, base_url + "/progress?country=PHL,VNM&risk=at_least_one&edition=un-sdg-db-2023-07&sex=total")
    expect(page.locator("#control-edition")).to_contain_text("UN SDG Global Database (July 2023)")
    expect(page.locator("#control-country")).to_contain_text("Philippines")
    expect(page.locator("#control-sex input[value=total]")).to_be_checked()
    expect(page.locator(f"#{DUMBBELLS} .gtitle")).to_contain_text("Coverage in the first year since 2015")
    # the subtitle wraps to the chart's width: its lines join without a space in the text content
    expect(page.locator(f"#{DUMBBELLS}")).to_contain_text(re.compile(r"both\s?years\s?from\s?UN SDG Global Database \(July 2023\)"))
    expect(page.locator("#progress-table tbody tr")).to_have_count(2)
    # the SDG DB labels the WSPR 2017-19 figure 2016 and the 2020-22 figure 2020
    assert table_row(page, "Philippines", "At least one")[2:8] == ["2016", "47.1", "2020", "36.7", "-10.4 pp", "UN SDG DB 2023-07"]
    expect(page.locator(".progress-basis")).to_contain_text("part of a change inside it can be a revision")
    expect(page).to_have_url(re.compile(r"/progress\?country=PHL,VNM&risk=at_least_one&edition=un-sdg-db-2023-07&sex=total$"))


def test_unknown_values_get_a_notice_not_an_error_page(page: Page, base_url: str) -> None:
    open_progress(page, base_url + "/progress?country=XYZ,ASEAN&risk=health,pets&edition=wspr-2099&colour=red")
    notice = page.locator(".notice[role=alert]")
    expect(notice).to_contain_text("Unknown country 'XYZ'")
    expect(notice).to_contain_text("'ASEAN' is not an ASEAN Member State")
    expect(notice).to_contain_text("VNM (Viet Nam)")
    expect(notice).to_contain_text("Unknown risk 'pets'")
    expect(notice).to_contain_text("Risk 'health' has no comparable SDG 1.3.1 series")
    expect(notice).to_contain_text("old_age (Old age)")
    expect(notice).to_contain_text("Unknown edition 'wspr-2099'")
    expect(notice).to_contain_text("Unknown parameter 'colour'")
    # the default view, drawn in full
    assert len(panel_titles(page)) == 9
    expect(page.locator("#progress-table tbody tr")).to_have_count(99)


def test_no_sideways_scroll_at_phone_width(page: Page, base_url: str) -> None:
    page.set_viewport_size({"width": 390, "height": 844})
    open_progress(page, base_url + "/progress")
    expect(page.locator("#progress-table")).to_be_attached()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390 + 1, f"page scrolls sideways at phone width ({width}px)"
    screenshot(page, "progress-phone")
