"""The page's HTML carries a static copy of the page down to its first chart, with that chart's figure as JSON data."""

from __future__ import annotations

import json
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import brotli
import pytest
from flask.testing import FlaskClient

from essa_dash import first_view, serving
from essa_dash.app import create_app


@pytest.fixture(scope="module")
def client(built_root: Path) -> FlaskClient:
    app = create_app(built_root)
    serving.install(app.server)
    return app.server.test_client(use_cookies=False)  # a jar would replace the Cookie header (the viewport) with its own


class _Tags(HTMLParser):
    """(tag, id, class) of every element opened, in document order, and the JSON data script's text."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, str | None, str | None]] = []
        self.data: dict[str, str] = {}
        self._script: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        self.tags.append((tag, found.get("id"), found.get("class")))
        self._script = found.get("id") if tag == "script" else None

    def handle_data(self, data: str) -> None:
        if self._script:
            self.data[self._script] = self.data.get(self._script, "") + data


def _parsed(html: str) -> _Tags:
    parser = _Tags()
    parser.feed(html)
    return parser


def _graphs(node: Any) -> list[dict[str, Any]]:
    """Every dcc.Graph's props in a layout's JSON, in page order."""
    if isinstance(node, list):
        return [g for child in node for g in _graphs(child)]
    if isinstance(node, dict) and "props" in node:
        own = [node["props"]] if node.get("type") == "Graph" else []
        return own + _graphs(node["props"].get("children"))
    return []


def _layout(client: FlaskClient, page: str, **headers: str) -> Any:
    response = client.get("/_dash-layout", query_string={"page": page}, headers={"Accept-Encoding": "br", **headers})
    return json.loads(brotli.decompress(response.data))


def test_components_render_to_the_tags_ids_and_classes_react_writes_and_stop_after_the_first_graph() -> None:
    layout = {
        "type": "Div",
        "namespace": "dash_html_components",
        "props": {
            "id": "control-risk",  # an id the stylesheets select on: kept
            "className": "page",
            "style": {"marginTop": 4, "flexGrow": 0},
            "children": [
                {"type": "H1", "namespace": "dash_html_components", "props": {"children": "A <title>", "role": "heading"}},
                {"type": "Link", "namespace": "dash_core_components", "props": {"href": "/x", "className": "nav", "children": "X"}},
                {"type": "Location", "namespace": "dash_core_components", "props": {"id": "where"}},
                {"type": "Dropdown", "namespace": "dash_core_components", "props": {"options": [{"label": "One", "value": 1}], "value": 1}},
                {
                    "type": "Graph",
                    "namespace": "dash_core_components",
                    "props": {"id": "g", "figure": {"data": [{"x": [1]}]}, "config": {"a": 1}},
                },
                {"type": "P", "namespace": "dash_html_components", "props": {"children": "after the chart"}},
            ],
        },
    }
    html = first_view.render(layout, phone=False)
    parsed = _parsed(html)
    assert parsed.tags[:4] == [("div", "first-view", "desktop"), ("div", "control-risk", "page"), ("h1", None, None), ("a", None, "nav")]
    assert ("div", None, "dash-graph") in parsed.tags and ("div", first_view.PLOT, None) in parsed.tags
    assert f'<div id="{first_view.PLOT}" data-graph="g"' in html  # the renderer's graph whose drawing ends the copy
    assert 'style="margin-top:4px;flex-grow:0"' in html and 'href="/x"' in html and "A &lt;title&gt;" in html
    assert "role=" not in html and "where" not in html and "after the chart" not in html
    assert "<span>One</span>" in html  # the dropdown shows its chosen label, as Dash 4's closed dropdown does
    assert json.loads(parsed.data[first_view.FIGURE]) == {"figure": {"data": [{"x": [1]}]}, "config": {"a": 1}}
    assert first_view.render({"type": "Div", "namespace": "dash_html_components", "props": {"children": "no chart"}}, phone=False) == ""


@pytest.mark.parametrize(("page", "headers", "frame"), [("/risk/old_age", {}, "desktop"), ("/", {"Cookie": "essa_vw=390"}, "phone")])
def test_the_page_html_holds_its_first_graph_with_the_figure_the_first_layout_gives_it(
    client: FlaskClient, page: str, headers: dict[str, str], frame: str
) -> None:
    response = client.get(page, headers=headers)
    html = response.get_data(as_text=True)
    parsed = _parsed(html)
    first = _graphs(_layout(client, page, **headers))[0]
    assert json.loads(parsed.data[first_view.FIGURE]) == {"figure": first["figure"], "config": first["config"]}
    copy = html[html.index('<div id="first-view"') : html.index('<div id="react-entry-point"')]
    ids = {ident for _, ident, _ in _parsed(copy).tags if ident}
    # only the ids the stylesheets select on: scripts and tests looking for an id find the renderer's element
    assert ids - {first_view.ELEMENT, first_view.PLOT, first_view.FIGURE} <= first_view.styled_ids() and first["id"] not in ids
    assert f'data-graph="{first["id"]}"' in copy
    assert [tag for tag, _, classes in _parsed(copy).tags if classes == "dash-graph"] == ["div"]
    assert ("div", "first-view", frame) in parsed.tags
    # data, not code: the copy adds no executable script, so the CSP is unchanged
    assert f'<script id="{first_view.FIGURE}" type="application/json">' in html
    assert response.headers["Content-Security-Policy"] == client.get("/data").headers["Content-Security-Policy"]
    assert "Cookie" in response.headers["Vary"] and "Accept-Language" in response.headers["Vary"]


def test_a_page_without_charts_carries_no_copy(client: FlaskClient) -> None:
    assert 'id="first-view"' not in client.get("/data").get_data(as_text=True)


def test_dash_scripts_are_loaded_after_the_copys_chart_not_fetched_beside_plotly_js(client: FlaskClient) -> None:
    """Issue 17: on a slow network Dash's scripts took half the bandwidth plotly.js had, and the copy's chart waited."""
    import re

    from essa_dash import bundles

    html = client.get("/risk/old_age").get_data(as_text=True)
    queue = html.index(bundles.queue_tag())
    tags = re.findall(r"<script\b[^>]*>", html)
    held = [tag for tag in tags if f'type="{first_view.HELD_BACK}"' in tag]
    files = [re.search(r'src="([^"]+)"', tag).group(1) for tag in held if "src=" in tag]
    # every script after the queue is held back, in front of the page's scripts (parsed before the queue runs), in order
    assert held and all(html.index(tag) < queue for tag in held)
    assert not [tag for tag in tags if html.index(tag) > queue]
    assert any("dash_renderer" in src for src in files) and any("react-dom" in src for src in files) and len(files) >= 8
    assert held[-1] == f'<script id="_dash-renderer" type="{first_view.HELD_BACK}">'  # the renderer's start last
    assert "new DashRenderer()" in html  # the same text: the CSP's hash of it still holds
    # the page's own scripts stop at the queue: plotly.js, then the script that draws the copy and loads the rest
    assert re.findall(r'<script src="([^"]+)"></script>', html)[-1] == bundles.url(bundles.QUEUE)
    assert first_view.HELD_BACK in client.get("/", headers={"Cookie": "essa_vw=390"}).get_data(as_text=True)  # a phone's copy too
    # a page without a copy (no chart) runs Dash's scripts as Dash writes them
    assert first_view.HELD_BACK not in client.get("/data").get_data(as_text=True)
    assert first_view.held_back('<script src="a.js"></script>', after="<script>q</script>") == ('<script src="a.js"></script>', "")
    assert f'script[type="{first_view.HELD_BACK}"]' in (bundles.STATIC_DIR / bundles.QUEUE).read_text()  # what the queue loads
