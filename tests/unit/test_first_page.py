"""The first layout carries the page opened, exactly as the pages router draws it, and puts the location where the browser is."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any
from urllib.parse import quote

import brotli
import pytest
from flask.testing import FlaskClient

from essa_dash import first_view, serving
from essa_dash.app import create_app
from essa_dash.text import current_language


@pytest.fixture(scope="module")
def client(built_root: Path) -> FlaskClient:
    app = create_app(built_root)
    serving.install(app.server)  # compressed as served: the router's stored answer is brotli
    return app.server.test_client(use_cookies=False)  # a jar would replace the Cookie header (the viewport) with its own


def _find(node: Any, ident: str) -> dict[str, Any]:
    """The component with id ``ident`` in a layout's JSON."""
    if isinstance(node, list):
        for child in node:
            found = _find(child, ident)
            if found:
                return found
    elif isinstance(node, dict) and "props" in node:
        if node["props"].get("id") == ident:
            return node
        return _find(node["props"].get("children"), ident)
    return {}


def _layout(client: FlaskClient, page: str | None, **headers: str) -> dict[str, Any]:
    url = "/_dash-layout" + (f"?page={quote(page, safe='')}" if page is not None else "")
    response = client.get(url, headers={"Accept-Encoding": "br", **headers})
    assert response.status_code == 200
    return json.loads(brotli.decompress(response.data))


def _router(client: FlaskClient, pathname: str, search: str, **headers: str) -> dict[str, Any]:
    response = client.post(
        "/_dash-update-component", json=serving.router_payload(pathname, search), headers={"Accept-Encoding": "br", **headers}
    )
    return json.loads(brotli.decompress(response.data))["response"]


@pytest.mark.parametrize(
    ("page", "headers"),
    [
        ("/risk/old_age?sex=female", {}),
        ("/", {"Accept-Language": "th"}),
        ("/country/KHM?lang=vi", {"Cookie": "essa_vw=390"}),
        ("/no/such/page", {}),
    ],
)
def test_the_first_layout_holds_the_page_the_router_draws_and_is_located_there(
    client: FlaskClient, page: str, headers: dict[str, str]
) -> None:
    pathname, _, query = page.partition("?")
    search = f"?{query}" if query else ""
    layout = _layout(client, page, **headers)
    drawn = _router(client, pathname, search, **headers)
    assert _find(layout, "_pages_content")["props"]["children"] == drawn["_pages_content"]["children"]
    assert _find(layout, "_pages_store")["props"]["data"] == drawn["_pages_store"]["data"]
    # as the browser has them: dcc.Location then reports nothing new and the router does not run again
    location = _find(layout, "_pages_location")["props"]
    assert (location["pathname"], location["search"]) == (pathname, search)
    assert current_language() == "en"  # the router's request inside the layout's left no language behind


def test_the_first_layout_is_drawn_for_the_viewport_and_language_of_its_request(client: FlaskClient) -> None:
    desktop = _find(_layout(client, "/country/KHM"), "_pages_content")
    assert _find(_layout(client, "/country/KHM", Cookie="essa_vw=390"), "_pages_content") != desktop
    assert _find(_layout(client, "/country/KHM", **{"Accept-Language": "vi"}), "_pages_content") != desktop


@pytest.mark.parametrize("page", [None, "", "risk/old_age", "//elsewhere.example/", "https://elsewhere.example/"])
def test_without_a_page_of_this_site_the_frame_is_empty_and_the_router_draws_the_page(client: FlaskClient, page: str | None) -> None:
    layout = _layout(client, page)
    assert _find(layout, "_pages_content")["props"].get("children") is None
    assert "pathname" not in _find(layout, "_pages_location")["props"]


def test_every_page_asks_for_its_first_layout_after_the_viewport_and_before_plotly_js(client: FlaskClient) -> None:
    for path in ("/", "/risk/old_age", "/data"):
        # the scripts the browser runs as it parses: not Dash's, held back on a page with a copy (first_view.held_back)
        tags = re.findall(r"<script\b[^>]*>", client.get(path).get_data(as_text=True))
        scripts = [re.search(r'src="([^"]+)"', tag).group(1) for tag in tags if "src=" in tag and first_view.HELD_BACK not in tag]
        # the viewport's frame is in its cookie before the layout is asked for; plotly.js (if any) is parsed after
        assert scripts[0].startswith("/assets/viewport.js?"), path
        assert scripts[1].startswith("/static/first-page.js?v="), path
        assert len([s for s in scripts if "viewport.js" in s]) == 1, path


def test_the_first_layout_frames_its_page_so_the_frame_callback_need_not_run(client: FlaskClient) -> None:
    layout = _layout(client, "/country/KHM?lang=vi&sex=female")
    switcher = json.dumps(_find(layout, "language-switcher"))
    # the switcher links this view in each language and marks Vietnamese as current; the navigation is Vietnamese
    assert '"href": "/country/KHM?sex=female&lang=th"' in switcher.replace("\\u002f", "/")
    current = [link["props"]["lang"] for link in _find(layout, "language-switcher")["props"]["children"] if "aria-current" in link["props"]]
    assert current == ["vi"]
    assert _find(layout, "skip-link")["props"]["children"] != "Skip to content"
