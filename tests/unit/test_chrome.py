"""The mode bar: none on x/y charts, the map's three zoom buttons only, nothing online, on every page and embed."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from essa_dash.app import create_app
from essa_dash.figures.chrome import MAP_BUTTONS, graph_config
from essa_dash.serving import router_payload
from essa_dash.views import REGISTRY, load_all


@pytest.fixture(scope="module")
def client(built_root: Path):
    return create_app(built_root).server.test_client()


def _configs(node: object) -> list[dict]:
    """Every dcc.Graph's config in a page's layout JSON."""
    found = []
    if isinstance(node, dict):
        if node.get("type") == "Graph":
            found.append(node["props"].get("config"))
        for value in node.values():
            found += _configs(value)
    elif isinstance(node, list):
        for value in node:
            found += _configs(value)
    return found


def test_charts_on_axes_have_no_mode_bar_and_nothing_online() -> None:
    config = graph_config()
    assert config["displayModeBar"] is False
    assert config["showSendToCloud"] is False and config["showEditInChartStudio"] is False
    assert "plotlyServerURL" not in config and "modeBarButtons" not in config


def test_the_map_keeps_only_its_zoom_buttons_and_local_shapes() -> None:
    config = graph_config(geo=True)
    assert config["modeBarButtons"] == MAP_BUTTONS == [["zoomInGeo", "zoomOutGeo", "resetGeo"]]
    assert config["topojsonURL"].startswith("/assets/")
    assert config["showSendToCloud"] is False


@pytest.mark.parametrize("path", ["/", "/country/VNM", "/risk/old_age", "/progress"])
def test_every_page_graph_uses_the_calm_config(client, path: str) -> None:
    response = client.post("/_dash-update-component", json=router_payload(path, ""))
    configs = _configs(json.loads(response.get_data(as_text=True))["response"]["_pages_content"]["children"])
    assert configs, path
    for config in configs:
        assert config["showSendToCloud"] is False
        assert config["displayModeBar"] is False or config["modeBarButtons"] == MAP_BUTTONS


@pytest.mark.parametrize("chart", sorted(load_all()))
def test_every_embed_uses_the_calm_config(client, chart: str) -> None:
    state = "?country=PHL" if chart == "country-sex" else ""
    page = client.get(f"/embed/{chart}{state}").get_data(as_text=True)
    config = json.loads(re.search(r'<script type="application/json" id="config">(.*?)</script>', page).group(1))
    assert config == graph_config(geo=REGISTRY[chart].map)
