"""Pinned links: ``release=<id>`` shows that release's figures byte for byte after a new release arrives.

A presenter's link or embed made today must show the same figures in two years. Here
a real ILOSTAT download is ingested (a new current release) and the same pinned
requests are made again, as after a deploy: the API answer, the page's figure data and
an image are unchanged, while the unpinned ones move to the new release.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from essa_dash import store as store_module
from essa_dash.app import create_app
from essa_dash.pinning import HEADER
from essa_dash.serving import router_payload
from tests.unit.test_releases import LABELS, ingest

API = "/api/v1/coverage.csv?country=WLD"  # the download adds a World figure
PAGE = ("/", "")
IMAGE = "/img/country-bars.svg?country=SGP"


def _client(root: Path):
    # a new process after a deploy: nothing of the previous release is held in memory
    store_module._current.cache_clear()
    store_module._pinned.cache_clear()
    return create_app(root).server.test_client()


def _page(client, pathname: str, search: str) -> dict:
    response = client.post("/_dash-update-component", json=router_payload(pathname, search))
    assert response.status_code == 200
    return json.loads(response.get_data(as_text=True))["response"]["_pages_content"]["children"]


def _figures(tree: object) -> list[object]:
    """Every figure's data in a page's component tree."""
    found: list[object] = []
    if isinstance(tree, dict):
        props = tree.get("props", {})
        if tree.get("type") == "Graph":
            found.append(props["figure"]["data"])
        for value in props.values() if isinstance(props, dict) else ():
            found += _figures(value)
    elif isinstance(tree, list):
        for item in tree:
            found += _figures(item)
    return found


def _svg(response) -> bytes:
    """An SVG's bytes with plotly's random per-render id (``defs-3fa2c1``) replaced: the figure is what must match."""
    body = response.get_data()
    found = re.search(rb'id="defs-([0-9a-f]+)"', body)
    assert response.status_code == 200 and found
    return body.replace(found.group(1), b"ID")


def _text(tree: object) -> str:
    return json.dumps(tree, ensure_ascii=False)


@pytest.fixture
def before_and_after(fresh_root: Path) -> tuple[object, object, str]:
    old = _client(fresh_root)
    old_id = old.get("/api/v1/countries").headers[HEADER]
    ingest(fresh_root, LABELS)
    new = _client(fresh_root)
    assert new.get("/api/v1/countries").headers[HEADER] != old_id
    return old, new, old_id


def test_a_pinned_api_answer_page_and_image_keep_their_bytes_after_an_ingest(before_and_after) -> None:
    old, new, old_id = before_and_after
    pin = f"release={old_id}"
    api_before = old.get(f"{API}&{pin}")
    api_after = new.get(f"{API}&{pin}")
    assert api_before.status_code == api_after.status_code == 200
    assert api_after.get_data() == api_before.get_data() and api_after.headers[HEADER] == old_id
    assert new.get(API).get_data() != api_before.get_data(), "the ingest changes this answer, so the test can fail"

    page_before = _figures(_page(old, PAGE[0], f"?{pin}"))
    page_after = _figures(_page(new, PAGE[0], f"?{pin}"))
    assert page_before and page_after == page_before

    assert _svg(new.get(f"{IMAGE}&{pin}")) == _svg(old.get(f"{IMAGE}&{pin}"))


def test_a_pinned_page_says_so_and_links_the_latest_view_with_what_changed(before_and_after) -> None:
    _, new, old_id = before_and_after
    words = _text(_page(new, PAGE[0], f"?release={old_id}"))
    assert f"A pinned view: data release 1.0.0 ({old_id})" in words
    assert "The latest release (1.1.0) differs for this view:" in words and "added" in words
    assert '"href": "/"' in words  # the same view on the latest data
    pinned_country = _text(_page(new, "/country/SGP", f"?sex=female&release={old_id}"))
    assert '"href": "/country/SGP?sex=female"' in pinned_country
    untouched = _text(_page(new, "/country/SGP", f"?release={old_id}"))
    assert "The latest release (1.1.0) shows the same figures for this view." in untouched
    latest = _text(_page(new, PAGE[0], ""))
    assert "A pinned view" not in latest and "Data release 1.1.0" in latest


def test_an_unknown_release_is_refused_never_answered_with_other_figures(built_root: Path) -> None:
    client = _client(built_root)
    tree = _page(client, "/country/SGP", "?release=0123456789ab")
    assert _figures(tree) == [] and "no release 0123456789ab in this data directory" in _text(tree)
    assert "is not a release id" in _text(_page(client, "/country/SGP", "?release=../../etc"))
    for path in ("/api/v1/coverage.json?release=0123456789ab", "/img/country-bars.svg?release=0123456789ab"):
        response = client.get(path)
        assert response.status_code == 404 and b"no release 0123456789ab" in response.get_data()
    assert client.get("/api/v1/coverage.json?release=nope").status_code == 400


def test_the_openapi_document_describes_release_and_names_its_own(built_root: Path) -> None:
    client = _client(built_root)
    doc = client.get("/api/v1/openapi.json").get_json()
    current = client.get("/api/v1/countries").headers[HEADER]
    assert doc["info"]["x-data-release"]["id"] == current
    get = doc["paths"]["/api/v1/coverage.csv"]["get"]
    assert "release" in [p["name"] for p in get["parameters"]]
    assert HEADER in get["responses"]["200"]["headers"] and "404" in get["responses"]


def test_the_changes_page_compares_the_current_release_with_the_one_before(before_and_after) -> None:
    _, new, old_id = before_and_after
    words = _text(_page(new, "/changes", ""))
    assert f"From 1.0.0 ({old_id}) to 1.1.0" in words and "Added (" in words and "a revision of the same published figure" in words
    assert words.count("compare with 1.0.0") == 1
    same = _text(_page(new, "/changes", f"?from={old_id}&to={old_id}"))
    assert "No coverage row was added, revised, removed or re-flagged." in same
    bad = _text(_page(new, "/changes", "?from=9.9.9"))
    assert "no release '9.9.9' here" in bad and "Traceback" not in bad


def test_the_changes_page_with_one_release_has_nothing_to_compare(built_root: Path) -> None:
    words = _text(_page(_client(built_root), "/changes", ""))
    assert "Only one data release is kept here" in words


def test_the_changes_page_names_countries_risks_and_sexes_in_the_readers_language(before_and_after) -> None:
    _, new, _ = before_and_after
    english = _text(_page(new, "/changes", ""))
    assert '"Total"' in english and '"total"' not in english  # the sex code was shown as it is stored
    vietnamese = _text(_page(new, "/changes", "?lang=vi"))
    assert '"Tổng"' in vietnamese and '"Total"' not in vietnamese and '"World"' not in vietnamese
    assert '"Thế giới"' in vietnamese  # the downloaded World figures, named by CLDR
