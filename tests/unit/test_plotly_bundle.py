"""The partial plotly.js in assets/ matches the plotly.js Dash expects and draws every trace the code uses."""

from __future__ import annotations

import re

from plotly.offline import get_plotlyjs_version

from essa_dash.paths import ASSETS_DIR, PROJECT_DIR

BUILD = PROJECT_DIR / "deploy" / "plotly-bundle" / "build.sh"
BUNDLE = ASSETS_DIR / "plotly-essa.min.js"


def test_bundle_is_the_plotly_js_version_dash_loads() -> None:
    head = BUNDLE.read_text(encoding="utf-8")[:400]
    assert f"v{get_plotlyjs_version()}" in head, head[:120]


def test_every_trace_type_drawn_by_the_code_is_in_the_bundle() -> None:
    bundled = set(re.search(r'TRACES="([^"]+)"', BUILD.read_text()).group(1).split())
    used = {
        name.lower()
        for path in (PROJECT_DIR / "essa_dash").rglob("*.py")
        for name in re.findall(r"\bgo\.([A-Z][A-Za-z]+)\(", path.read_text())
    } - {"figure", "layout"}
    assert used <= bundled, f"rebuild deploy/plotly-bundle with {sorted(used - bundled)}"


def test_bundle_fetches_nothing_from_a_cdn() -> None:
    # plotly.js's default map shapes URL is its CDN; the build points it at assets/topojson/
    text = BUNDLE.read_text(encoding="utf-8")
    assert "https://cdn.plot.ly" not in text and '"/assets/topojson/"' in text
