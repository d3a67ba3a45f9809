"""Every page draws for every (area, edition, sex) and (risk, edition, sex) the data has.

A load test of 4,000 views nobody had opened found a page that always failed
(a country page for one sex in an edition with no figures for it); no test had
drawn it. Here every page is drawn through Dash's own router callback, as a browser
asks for it, so a caption, a reading or a figure that breaks on an unusual view
fails here first.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from essa_dash.app import create_app
from essa_dash.query import member_states
from essa_dash.query.risk import risk_ids
from essa_dash.query.state import SEXES, edition_slug
from essa_dash.serving import router_payload
from essa_dash.store import Store


@pytest.fixture(scope="module")
def client(built_root: Path):
    return create_app(built_root).server.test_client()


def _draws(client, path: str) -> None:
    pathname, _, search = path.partition("?")
    response = client.post("/_dash-update-component", json=router_payload(pathname, f"?{search}" if search else ""))
    assert response.status_code == 200, path
    body = json.loads(response.get_data(as_text=True))
    assert body["response"]["_pages_content"]["children"], path


def _editions(store: Store) -> list[str]:
    return store.editions["edition"].tolist()


def test_every_country_page(client, store: Store) -> None:
    for iso3 in member_states(store.countries)["iso3"]:
        for edition in _editions(store):
            for sex in SEXES:
                _draws(client, f"/country/{iso3}?edition={edition_slug(edition)}&sex={sex}")


def test_every_risk_page(client, store: Store) -> None:
    for risk in risk_ids(store):
        for edition in _editions(store):
            for sex in SEXES:
                _draws(client, f"/risk/{risk}?edition={edition_slug(edition)}&sex={sex}")


def test_every_overview_and_progress_page(client, store: Store) -> None:
    for edition in _editions(store):
        _draws(client, f"/?edition={edition_slug(edition)}")
        for sex in SEXES:
            _draws(client, f"/progress?edition={edition_slug(edition)}&sex={sex}")
