"""The partial plotly.js bundles match the plotly.js Dash loads, draw every trace the code uses, and each page links the one it needs."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import brotli
import pytest
from plotly.offline import get_plotlyjs_version

from essa_dash import bundles, serving
from essa_dash.app import create_app
from essa_dash.paths import ASSETS_DIR, PROJECT_DIR
from essa_dash.query.state import State
from essa_dash.store import Store
from essa_dash.views import build, load_all

BUILD = PROJECT_DIR / "deploy" / "plotly-bundle" / "build.sh"
BUNDLES = (bundles.STATIC_DIR / bundles.BASIC, bundles.STATIC_DIR / bundles.GEO)


def _traces(variable: str) -> set[str]:
    return set(re.search(rf'^{variable}="([^"]+)"', BUILD.read_text(), re.MULTILINE).group(1).split())


#: Where each component build.sh leaves out of the core would show in a figure's JSON.
LEFT_OUT_USE = {
    "annotations3d": re.compile(r'"scene\d*"'),
    "images": re.compile(r'"images"'),
    "updatemenus": re.compile(r'"updatemenus"'),
    "sliders": re.compile(r'"sliders"'),
    "rangeslider": re.compile(r'"rangeslider"'),
    "rangeselector": re.compile(r'"rangeselector"'),
    "errorbars": re.compile(r'"error_[xy]"'),
}


def test_no_chart_uses_a_component_the_bundles_leave_out(store: Store) -> None:
    """plotly.js ignores what it has no component for: a figure using one would lose it without a word."""
    assert set(LEFT_OUT_USE) == _traces("LEFT_OUT")
    for chart in load_all():
        built = build(chart, store, State(country=("PHL",)) if chart == "country-sex" else State())
        if built is None:
            continue
        figure = json.loads(built.figure.to_json())
        figure["layout"].pop("template", None)  # plotly's theme styles every component, used or not
        figure = json.dumps(figure)
        used = [name for name, pattern in LEFT_OUT_USE.items() if pattern.search(figure)]
        assert used == [], f"{chart} uses {used}: take them out of LEFT_OUT in build.sh and rebuild"


@pytest.mark.parametrize(
    "path",
    [bundles.STATIC_DIR / name for name in (bundles.BASIC, bundles.GEO, bundles.REGENERATOR)] + [ASSETS_DIR / "topojson" / "asia_50m.json"],
    ids=lambda p: p.name,
)
def test_every_built_file_has_its_brotli_11_twin_and_the_server_sends_it(path: Path) -> None:
    """The builds write <file>.br; the server sends those bytes rather than compressing at level 9 itself."""
    data = path.read_bytes()
    twin = path.with_name(f"{path.name}.br").read_bytes()
    assert brotli.decompress(twin) == data, f"{path.name}.br is stale: run its build (deploy/)"
    assert serving.compress(data, "br") == twin
    assert len(twin) < len(brotli.compress(data, quality=serving.STATIC_BR_QUALITY))
    # bytes no .br decompresses to are compressed as before, never answered with a stale twin
    other = b"console.log('not a bundle');" * 40
    assert brotli.decompress(serving.compress(other, "br")) == other
    assert hashlib.sha256(other).hexdigest() not in serving.precompressed()


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
        # the queue that draws one chart per task comes right after the bundle, before Dash's scripts
        queued = re.findall(r'\.min\.js\?v=\w+"></script><script src="/static/plotly-queue\.js\?v=\w+"></script>', html)
        assert len(queued) == len(linked[path]), path
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
