"""Every page draws for every (area, edition, sex) and (risk, edition, sex) the data has.

A load test of 4,000 views nobody had opened found a page that always failed
(a country page for one sex in an edition with no figures for it); no test had
drawn it. Every page is drawn through Dash's own router callback, as a browser
asks for it, so a caption, a reading or a figure that breaks on an unusual view
fails here first. The pages are drawn once per session (tests/unit/conftest.py):
test_readings reads the same drawings.
"""

from __future__ import annotations

from essa_dash.query import member_states
from essa_dash.query.risk import risk_ids
from essa_dash.query.state import SEXES
from tests.unit.conftest import Pages


def test_every_country_page(every_page: Pages) -> None:
    assert not every_page.failed("/country/"), every_page.failed("/country/")


def test_every_risk_page(every_page: Pages) -> None:
    assert not every_page.failed("/risk/"), every_page.failed("/risk/")


def test_every_overview_and_progress_page(every_page: Pages) -> None:
    assert not every_page.failed("/?") and not every_page.failed("/progress"), every_page.failed("/")


def test_every_page_was_asked(every_page: Pages) -> None:
    """An empty pass would fail nothing: each family of pages is there for every edition and sex."""
    store = every_page.store
    views = len(store.editions) * len(SEXES)
    paths = [url.partition("?")[0] for url in every_page.problems]
    assert sum(p.startswith("/country/") for p in paths) == len(member_states(store.countries)) * views
    assert sum(p.startswith("/risk/") for p in paths) == len(risk_ids(store)) * views
    assert paths.count("/") == len(store.editions) and paths.count("/progress") == views
