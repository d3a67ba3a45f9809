"""Repeated callback requests are answered from memory, byte for byte the same as a fresh render."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from flask.testing import FlaskClient

from essa_dash import callback_cache
from essa_dash.app import create_app


def router_request(path: str, search: str = "") -> dict:
    """The body Dash's renderer posts when the address changes (the pages router callback)."""
    return {
        "output": ".._pages_content.children..._pages_store.data..",
        "outputs": [{"id": "_pages_content", "property": "children"}, {"id": "_pages_store", "property": "data"}],
        "inputs": [
            {"id": "_pages_location", "property": "pathname", "value": path},
            {"id": "_pages_location", "property": "search", "value": search},
        ],
        "changedPropIds": ["_pages_location.pathname"],
        "state": [],
    }


@pytest.fixture(scope="module")
def client(built_root: Path) -> FlaskClient:
    app = create_app(built_root)
    client = app.server.test_client()
    client.get("/")  # the pages router is registered on the first request
    return client


def test_second_identical_request_is_a_hit_with_the_same_bytes(client: FlaskClient) -> None:
    body = router_request("/country/LAO", "?edition=ilostat-2025")
    first = client.post("/_dash-update-component", json=body)
    assert first.status_code == 200 and "X-ESSA-Cache" not in first.headers
    assert "Lao PDR" in json.dumps(first.get_json())
    second = client.post("/_dash-update-component", json=body)
    assert second.headers["X-ESSA-Cache"] == "hit"
    assert second.data == first.data
    assert "Content-Security-Policy" in second.headers  # security headers still apply to hits


def test_a_different_view_is_rendered_afresh(client: FlaskClient) -> None:
    a = client.post("/_dash-update-component", json=router_request("/country/MMR"))
    b = client.post("/_dash-update-component", json=router_request("/country/SGP"))
    assert "X-ESSA-Cache" not in b.headers
    assert a.data != b.data


def test_cache_is_bounded_by_bytes() -> None:
    cache = callback_cache.CallbackCache(max_bytes=100)
    for i in range(10):
        cache.put(str(i), b"x" * 20, {})
    assert cache.get("0") is None and cache.get("9") is not None
    cache.put("big", b"x" * 60, {})  # larger than a quarter of the budget: never stored
    assert cache.get("big") is None
