"""The views drawn ahead of a visitor (essa_dash.next_views) are the ones the browser asks for after a click of a multi-choice control.

A view drawn ahead is only worth its drawing if the store finds it under the key of the request the
browser then sends: same path, same parsed query, same language. So a real browser clicks the
dropdowns, and every router request it sends after a click must be one of the views named ahead
from the view before it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page, Request, expect

from essa_dash import next_views, page_views
from essa_dash.app import create_app
from essa_dash.callback_cache import ROUTER_OUTPUT
from essa_dash.store import Store, read_store
from tests.e2e.conftest import _SETTLED as SETTLED
from tests.e2e.conftest import choose, rendered_url, wait_for_graph


def same(path: str) -> str:
    return path


@pytest.fixture(scope="module")
def store(built_root: Path) -> Store:
    create_app(built_root)  # Dash's page registry, which names the pages of a path
    return read_store(built_root)


def router_searches(page: Page) -> list[str]:
    """Every location the page's router is asked to draw from now on (the search of each), in order."""
    searches: list[str] = []

    def seen(request: Request) -> None:
        if request.method != "POST" or not urlsplit(request.url).path.endswith("/_dash-update-component"):
            return
        body: Any = request.post_data_json
        if isinstance(body, dict) and body.get("output") == ROUTER_OUTPUT:
            searches.append(next(item.get("value") or "" for item in body["inputs"] if item["property"] == "search"))

    page.on("request", seen)
    return searches


def assert_drawn_ahead(store: Store, path: str, before: str, after: str) -> None:
    named = next_views.next_searches(store, path, before, strip=same)
    key = page_views.view_key(store, path, after, "en", strip=same)
    keys = {page_views.view_key(store, path, search, "en", strip=same) for search in named}
    assert key is not None and key in keys, (before, after, named)


def test_each_country_a_visitor_adds_on_the_risk_page_was_named_ahead(page: Page, base_url: str, store: Store) -> None:
    searches = router_searches(page)
    page.goto(base_url + "/risk/old_age?country=VNM")  # a shared link: the controls spell out the defaults on the next click
    wait_for_graph(page, "risk-ranking")
    searches.append("?country=VNM")  # the first view came in the page's HTML (first_page.py), not by the router
    for name in ("Indonesia", "Thailand"):
        before = searches[-1]
        choose(page, "country", name)
        assert searches[-1] != before
        assert_drawn_ahead(store, "/risk/old_age", before, searches[-1])
    assert searches[-1].startswith("?country=VNM,IDN,THA&")
    before = searches[-1]
    check(page, "sex", "female")
    assert_drawn_ahead(store, "/risk/old_age", before, searches[-1])
    before = searches[-1]
    choose(page, "edition", "UN SDG Global Database (July 2023)")
    assert_drawn_ahead(store, "/risk/old_age", before, searches[-1])
    assert searches[-1] == "?country=VNM,IDN,THA&sex=female&edition=un-sdg-db-2023-07"


def check(page: Page, param: str, value: str) -> None:
    """Click a radio button of the page's controls and wait until the page is drawn for it (as conftest.choose)."""
    page.wait_for_function(SETTLED, arg=None, timeout=30_000)
    before = rendered_url(page)
    page.locator(f"#control-{param} input[value={value}]").check()
    page.wait_for_function(SETTLED, arg=before, timeout=30_000)


def test_a_country_and_a_risk_taken_away_on_the_progress_page_were_named_ahead(page: Page, base_url: str, store: Store) -> None:
    searches = router_searches(page)
    page.goto(base_url + "/progress")
    wait_for_graph(page, "progress-dumbbells")
    searches.append("")
    for param, name in (("country", "Viet Nam"), ("risk", "Unemployed receiving unemployment benefits")):
        before = searches[-1]
        choose(page, param, name)  # every choice is chosen at first: a click takes it away
        assert searches[-1] != before
        assert_drawn_ahead(store, "/progress", before, searches[-1])
    assert "VNM" not in searches[-1] and "unemployment" not in searches[-1]


def test_an_analyst_s_filters_checkbox_and_next_page_on_the_explorer_were_named_ahead(page: Page, base_url: str, store: Store) -> None:
    """The explorer's choices carry their row counts in their names, its checkbox and pager are no dropdowns: each click's view
    is one the drawer names ahead of it."""
    searches = router_searches(page)
    page.goto(base_url + "/data?country=VNM")
    page.wait_for_selector("#react-entry-point #explorer-table tbody tr", timeout=30_000)
    searches.append("?country=VNM")
    steps = [
        lambda: choose(page, "country", "Thailand (94)"),
        lambda: choose(page, "risk", "Older persons receiving a pension (15)"),
        lambda: click_and_settle(page, lambda: page.get_by_label("Latest value per country, risk and edition only").check()),
        lambda: choose(page, "risk", "Older persons receiving a pension (6)"),  # taken away: the latest values of every risk
        lambda: next_page(page),
    ]
    for step in steps:
        before = searches[-1]
        step()
        assert searches[-1] != before
        assert_drawn_ahead(store, "/data", before, searches[-1])
    assert searches[-1] == "?country=VNM,THA&latest=true&page=2", searches


def click_and_settle(page: Page, click: Any) -> None:
    """Run ``click`` and wait until the page is drawn for the URL it wrote (as conftest.choose)."""
    page.wait_for_function(SETTLED, arg=None, timeout=30_000)
    before = rendered_url(page)
    click()
    page.wait_for_function(SETTLED, arg=before, timeout=30_000)


def next_page(page: Page) -> None:
    """Follow the table's "Next page" link and wait for the second page's rows (the controls' URL leaves the page out)."""
    page.wait_for_function(SETTLED, arg=None, timeout=30_000)
    page.locator("#pager-next").click()
    expect(page.locator(".table-pager .pager-where")).to_contain_text("Page 2")
    page.wait_for_function(SETTLED, arg=None, timeout=30_000)
