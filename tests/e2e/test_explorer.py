"""The data explorer in a real browser: filter, sort and page the table by links, download, and compare with the API.

Every step waits for the state it needs (a URL, a row count, an attribute), never for a time.
"""

from __future__ import annotations

import io
import re

import openpyxl
import pandas as pd
from playwright.sync_api import Page, expect

from tests.e2e.conftest import choose, screenshot

ROWS = "#explorer-table tbody tr"


def open_explorer(page: Page, base_url: str, query: str = "") -> None:
    page.goto(base_url + "/data" + query)
    page.wait_for_selector(ROWS, timeout=30_000)


def test_filter_download_and_match_the_api(page: Page, base_url: str, tmp_path) -> None:
    open_explorer(page, base_url)
    expect(page.locator("#explorer-summary")).to_contain_text("figures from")
    choose(page, "country", "Viet Nam (108)")  # the count is shown beside each choice
    expect(page).to_have_url(re.compile(r"/data\?country=VNM$"))
    choose(page, "edition", "ILOSTAT SDG 1.3.1 (June 2025 release) (26)")
    expect(page).to_have_url(re.compile(r"/data\?country=VNM&edition=ilostat-2025$"))
    expect(page.locator("#explorer-summary")).to_contain_text("26 figures from 1 source")
    expect(page.locator("#api-url")).to_have_text(f"{base_url}/api/v1/coverage.csv?country=VNM&edition=ilostat-2025")

    with page.expect_download() as download:
        page.locator("#download-csv").click()
    csv_path = tmp_path / download.value.suggested_filename
    download.value.save_as(csv_path)
    assert re.fullmatch(r"essa-coverage_VNM_all-risks_\d{4}-\d\d-\d\d_release-[0-9a-f]{12}\.csv", csv_path.name)  # names its data release
    api = page.request.get(f"{base_url}/api/v1/coverage.csv?country=VNM&edition=ilostat-2025")
    assert csv_path.read_bytes() == api.body()  # what you download is what the API answers for the same URL
    frame = pd.read_csv(csv_path, encoding="utf-8-sig")
    assert len(frame) == 26 and set(frame["iso3"]) == {"VNM"} and set(frame["edition"]) == {"ILOSTAT 2025"}

    with page.expect_download() as download:
        page.locator("#download-xlsx").click()
    book = openpyxl.load_workbook(io.BytesIO(download.value.path().read_bytes()), read_only=True)
    assert book.sheetnames == ["Data", "Sources", "Definitions", "About"]
    data = pd.DataFrame(list(book["Data"].values)[1:], columns=next(book["Data"].values))
    assert data["coverage_pct"].tolist() == frame["coverage_pct"].tolist()
    sources = [row[0] for row in list(book["Sources"].values)[1:]]
    assert sources == ["ILOSTAT_DDF_2025"]
    screenshot(page, "explorer")


def test_latest_switch_and_table_rows(page: Page, base_url: str) -> None:
    open_explorer(page, base_url, "?country=KHM&risk=old_age&sex=total&edition=ilostat-2025")
    expect(page.locator("#explorer-summary")).to_contain_text("5 figures")  # 2000, 2015, 2017, 2018, 2020
    page.get_by_label("Latest value per country, risk and edition only").check()
    expect(page).to_have_url(re.compile(r"latest=true"))
    expect(page.locator("#explorer-summary")).to_contain_text("1 figure from 1 source")
    expect(page.locator(ROWS)).to_have_count(1)
    expect(page.locator(ROWS).first).to_contain_text("8.1")


def test_bad_filters_show_the_valid_choices(page: Page, base_url: str) -> None:
    open_explorer(page, base_url, "?country=KHM,ATLANTIS&year_from=1800")
    notice = page.locator(".notice[role=alert]")
    expect(notice).to_contain_text("Unknown country 'ATLANTIS'")
    expect(notice).to_contain_text("'year_from' must be a year from")
    expect(page.locator("#explorer-summary")).to_contain_text("1 country or aggregate")  # KHM kept, ATLANTIS dropped


def test_sorting_and_paging_are_links_and_filters_keep_the_order(page: Page, base_url: str) -> None:
    open_explorer(page, base_url, "?country=VNM")
    expect(page.locator("#explorer-table-where")).to_have_text(re.compile(r"^Rows 1–50 of 108\.$"))
    year = page.locator("#explorer-table thead th", has_text="Year")
    year.get_by_role("link").click()
    expect(page).to_have_url(re.compile(r"/data\?country=VNM&sort=year$"))
    expect(year).to_have_attribute("aria-sort", "ascending")
    expect(page.locator("#sort-year")).to_be_focused()  # the redrawn table keeps the reader on the link (assets/a11y.js)
    year.get_by_role("link").click()  # the sorted column reverses
    expect(page).to_have_url(re.compile(r"/data\?country=VNM&sort=year&desc=true$"))
    expect(year).to_have_attribute("aria-sort", "descending")
    expect(page.locator("#explorer-table-where")).to_contain_text("Sorted by Year, descending.")
    newest = page.locator(f"{ROWS} .col-year").first.inner_text()
    page.locator("#pager-next").focus()
    page.keyboard.press("Enter")  # a keyboard reader pages on from where they are
    expect(page).to_have_url(re.compile(r"sort=year&desc=true&page=2$"))
    expect(page.locator("#pager-next")).to_be_focused()
    expect(page.locator("#explorer-table-where")).to_contain_text("Rows 51–100 of 108.")
    years = [int(y) for y in page.locator(f"{ROWS} .col-year").all_inner_texts()]
    assert years == sorted(years, reverse=True) and years[0] <= int(newest)
    page.locator("#pager-next").click()
    expect(page.locator(ROWS)).to_have_count(8)  # the last page: 101-108
    expect(page.locator("#pager-previous")).to_be_focused()  # no next page: the pager's other link
    expect(page.locator(".table-pager .pager-off")).to_have_text("Next page")  # no link past the last page
    # a new filter keeps the order and starts again at the first page; the downloads hold every row
    choose(page, "edition", "ILOSTAT SDG 1.3.1 (June 2025 release) (26)")
    expect(page).to_have_url(re.compile(r"/data\?country=VNM&edition=ilostat-2025&sort=year&desc=true$"))
    expect(page.locator("#download-csv")).to_have_attribute("href", "/api/v1/coverage.csv?country=VNM&edition=ilostat-2025")
    expect(page.locator(".table-pager")).to_have_count(0)  # 26 rows: one page
    page.go_back()  # the browser's history steps through the table's pages like any other view
    expect(page).to_have_url(re.compile(r"page=3$"))
    expect(page.locator(ROWS)).to_have_count(8)


def test_the_table_needs_no_script_of_its_own(page: Page, base_url: str) -> None:
    html = page.request.get(base_url + "/data").text()
    assert "ag_grid" not in html and "ag-grid" not in html
    page.goto(base_url + "/")
    page.wait_for_selector("#overview-heatmap .main-svg", timeout=30_000)
    page.get_by_role("link", name="Data", exact=True).click()  # inside the app, no page load
    page.wait_for_selector(ROWS, timeout=30_000)
    page.get_by_role("link", name="Overview", exact=True).click()
    page.wait_for_selector("#overview-heatmap .main-svg", timeout=30_000)


def test_withdrawn_values_only_on_purpose_and_flagged(page: Page, base_url: str) -> None:
    open_explorer(page, base_url, "?country=IDN")
    expect(page.locator("#explorer-table")).not_to_contain_text("UN SDG DB 2020-04")  # out of the default view
    page.get_by_label("Include values withdrawn by the publisher (flagged)").check()
    expect(page).to_have_url(re.compile(r"include_withdrawn=true"))
    choose(page, "edition", "UN SDG Global Database (April 2020) - withdrawn values (4)")
    expect(page.locator("#explorer-summary")).to_contain_text("4 figures from 1 source")
    rows = page.locator(ROWS)
    expect(rows).to_have_count(4)
    for i in range(4):
        expect(rows.nth(i)).to_contain_text("withdrawn")
    screenshot(page, "explorer-withdrawn")
