"""The partial plotly.js bundles match the plotly.js Dash loads, draw every trace the code uses, and each page links the one it needs."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from plotly.offline import get_plotlyjs_version

from essa_dash import bundles
from essa_dash.app import create_app
from essa_dash.paths import ASSETS_DIR, PROJECT_DIR

BUILD = PROJECT_DIR / "deploy" / "plotly-bundle" / "build.sh"
BUNDLES = (bundles.STATIC_DIR / bundles.BASIC, bundles.STATIC_DIR / bundles.GEO)


def _traces(variable: str) -> set[str]:
    return set(re.search(rf'^{variable}="([^"]+)"', BUILD.read_text(), re.MULTILINE).group(1).split())


@pytest.mark.parametrize("bundle", BUNDLES, ids=lambda p: p.name)
def test_bundle_is_the_plotly_js_version_dash_loads(bundle: Path) -> None:
    head = bundle.read_text(encoding="utf-8")[:400]
    assert f"v{get_plotlyjs_version()}" in head, head[:120]


def test_every_trace_type_drawn_by_the_code_is_in_the_geo_bundle_and_only_maps_are_left_out_of_the_basic_one() -> None:
    used = {
        name.lower()
        for path in (PROJECT_DIR / "essa_dash").rglob("*.py")
        for name in re.findall(r"\bgo\.([A-Z][A-Za-z]+)\(", path.read_text())
    } - {"figure", "layout"}
    assert used <= _traces("TRACES"), f"rebuild deploy/plotly-bundle with {sorted(used - _traces('TRACES'))}"
    basic = re.search(r"traces: ([a-z ]+)\.", (bundles.STATIC_DIR / bundles.BASIC).read_text(encoding="utf-8")[:400]).group(1).split()
    assert set(basic) == _traces("TRACES") - _traces("GEO_TRACES")
    # the geo code itself is gone, not only the trace names: no map projections
    basic_code, geo_code = ((bundles.STATIC_DIR / name).read_text(encoding="utf-8") for name in (bundles.BASIC, bundles.GEO))
    assert "mercator" in geo_code and "mercator" not in basic_code


@pytest.mark.parametrize("bundle", BUNDLES, ids=lambda p: p.name)
def test_bundle_fetches_nothing_from_a_cdn(bundle: Path) -> None:
    text = bundle.read_text(encoding="utf-8")
    assert "https://cdn.plot.ly" not in text


def test_no_plotly_js_in_assets() -> None:
    """Dash would put it into every page, the data explorer included."""
    assert not list(ASSETS_DIR.glob("plotly*.js"))


def test_each_page_links_the_bundle_its_charts_need(built_root: Path) -> None:
    client = create_app(built_root).server.test_client()
    linked = {}
    for path in ("/", "/country/VNM", "/risk/old_age", "/progress", "/data", "/languages", "/no-such-page"):
        html = client.get(path).get_data(as_text=True)
        linked[path] = re.findall(r'<script src="/static/(plotly-essa-\w+)\.min\.js\?v=\w+"></script>', html)
        # the regenerator runtime Dash's loaders call instead of the whole @babel/polyfill; no DataTable script
        scripts = re.findall(r'<script src="([^"]+)"', html)
        assert any(src.startswith("/static/regenerator-runtime.min.js?v=") for src in scripts), path
        assert not [src for src in scripts if "polyfill@" in src or "/dash_table/" in src], path
    assert linked == {
        "/": ["plotly-essa-basic"],
        "/country/VNM": ["plotly-essa-basic"],
        "/risk/old_age": ["plotly-essa-geo"],
        "/progress": ["plotly-essa-basic"],
        "/data": [],
        "/languages": [],
        "/no-such-page": [],
    }
    # a page that arrived without plotly.js and then draws a chart fetches Dash's URL: it gets the geo bundle
    with client.get(bundles.DASH_PLOTLY_URL) as lazy:
        assert lazy.status_code == 200 and lazy.data == (bundles.STATIC_DIR / bundles.GEO).read_bytes()
    assert bundles.needs_full_load("/risk/old_age") and not bundles.needs_full_load("/country/VNM")
