"""The charts' plotly template: plotly_white, cut to what the charts draw.

A figure given a template by name deep-copies the whole registered template (plotly's
template validator) and carries it in its JSON. plotly_white holds defaults for 24 trace
types and for polar, ternary and 3-D axes; the charts draw five trace types on cartesian
axes and a map, so the rest was about half of the copy (~6 ms a figure) and ~3.5 kB of
every figure's JSON. What is kept is plotly_white's own values, so every chart looks the
same; tests/unit/test_views.py checks that every trace type a chart draws is kept.
"""

from __future__ import annotations

import plotly.graph_objects as go
import plotly.io as pio

#: The registered name frame() gives every chart.
TEMPLATE = "essa_white"
#: The trace types the charts draw: a new one is added here, or it loses plotly_white's defaults.
TRACE_TYPES = frozenset({"bar", "scatter", "heatmap", "choropleth", "scattergeo"})
#: Layout parts for subplot kinds no chart has (polar, ternary, 3-D scenes).
_UNUSED_LAYOUT = frozenset({"polar", "ternary", "scene"})


def _pruned(base: go.layout.Template) -> go.layout.Template:
    spec = base.to_plotly_json()
    return go.layout.Template(
        layout={k: v for k, v in spec["layout"].items() if k not in _UNUSED_LAYOUT},
        data={k: v for k, v in spec["data"].items() if k in TRACE_TYPES},
    )


pio.templates[TEMPLATE] = _pruned(pio.templates["plotly_white"])
