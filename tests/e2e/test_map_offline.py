"""The coverage map draws with the network unplugged: shapes come from our own /assets/topojson/.

The pages that will hold the map may not exist yet, so the test serves a one-graph Dash
app of its own (same assets folder, same figure builder and graph config as the pages)
and watches every request the browser makes.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from dash import Dash, dcc, html
from playwright.sync_api import Browser, Page
from werkzeug.serving import make_server

from essa_dash import bundles
from essa_dash.figures.choropleth import TOPOJSON_URL, coverage_map, map_graph_config
from essa_dash.store import Store
from tests.e2e.conftest import ARTIFACTS
from tests.unit.test_figures_choropleth import ASEAN, map_rows, map_text

pytestmark = pytest.mark.e2e

ASSETS = Path(__file__).resolve().parents[2] / "assets"
GRAPH_CONFIG = {"displaylogo": False, "responsive": True}  # as essa_dash.components.cards uses
RISK = "children"  # Brunei and Lao PDR have no figure: both traces are drawn

#: Each drawn country path with the location plotly.js bound to it (d3 keeps the datum on the node).
DRAWN = """() => [...document.querySelectorAll('#map .choroplethlayer path')].map(p => {
    const box = p.getBoundingClientRect();
    return {loc: p.__data__ && p.__data__.loc, width: box.width, height: box.height,
            x: box.x + box.width / 2, y: box.y + box.height / 2};
})"""


@pytest.fixture(scope="module")
def map_url(store: Store) -> Iterator[str]:
    """A Dash app with one map in a card, served on a free loopback port from a background thread."""
    rows = map_rows(store, RISK)
    app = Dash(__name__, assets_folder=str(ASSETS), title="map offline test")
    graph = dcc.Graph(id="map", figure=coverage_map(rows, text=map_text(store, rows, RISK)), config=map_graph_config(GRAPH_CONFIG))
    app.layout = html.Main(html.Figure(html.Div(graph, className="graph-scroll"), className="card"), className="page")
    bundles.install(app.server)  # dcc.Graph's plotly.js request gets the app's geo bundle, as on the risk page
    server = make_server("127.0.0.1", 0, app.server, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()


@pytest.fixture
def watched(browser: Browser, map_url: str) -> Iterator[tuple[Page, list[str], list[str]]]:
    """A desktop page with every request URL and every problem (console error, failed request) recorded."""
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    page = context.new_page()
    requests: list[str] = []
    problems: list[str] = []
    page.on("request", lambda req: requests.append(req.url))
    page.on("requestfailed", lambda req: problems.append(f"failed request: {req.url}"))
    page.on("pageerror", lambda exc: problems.append(f"page error: {exc}"))
    page.on("console", lambda msg: problems.append(f"console {msg.type}: {msg.text}") if msg.type in ("error", "warning") else None)
    yield page, requests, problems
    context.close()


def test_map_draws_from_local_shapes_only(watched: tuple[Page, list[str], list[str]], map_url: str) -> None:
    page, requests, problems = watched
    page.goto(map_url + "/")
    page.wait_for_function("document.querySelectorAll('#map .choroplethlayer path').length >= 11", timeout=30_000)

    shapes = [url for url in requests if url.endswith("_50m.json")]
    assert shapes == [f"{map_url}{TOPOJSON_URL}asia_50m.json"], requests
    offsite = [url for url in requests if not url.startswith((f"{map_url}/", "data:", "blob:"))]
    assert offsite == [], offsite
    assert problems == [], problems

    drawn = [path for path in page.evaluate(DRAWN) if path["loc"]]  # (paths without a location: plotly's own, e.g. for null z)
    assert sorted(path["loc"] for path in drawn) == sorted(ASEAN)
    singapore = next(path for path in drawn if path["loc"] == "SGP")
    assert singapore["width"] > 1 and singapore["height"] > 1  # drawn, though only a few pixels across

    page.mouse.move(singapore["x"], singapore["y"])
    hover = page.locator("#map .hoverlayer")
    hover.get_by_text("Singapore").wait_for(timeout=5_000)
    assert "ILOSTAT 2025" in (hover.text_content() or "")

    brunei = next(path for path in drawn if path["loc"] == "BRN")
    page.mouse.move(brunei["x"], brunei["y"])
    hover.get_by_text("no data in ILOSTAT 2025").wait_for(timeout=5_000)

    page.mouse.move(5, 5)  # no hover label in the picture
    ARTIFACTS.mkdir(exist_ok=True)
    page.locator("#map").screenshot(path=str(ARTIFACTS / "map.png"))
