"""Missing is null in every chart's figure data, for every registry chart and several views.

A gap drawn as a zero-length bar, a bar at 0.8 or a z=0 map layer looks right on
screen, but hover, a screen reader, a downloaded figure JSON and the next developer
read a value. Every point whose hover text says "no data" must hold a null value, and
every chart with such a gap must say "no data" in words on the chart.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from essa_dash.query.state import State
from essa_dash.views import build, load_all

#: The default view and three harder ones: a country with many gaps, women, an older edition.
VIEWS = {
    "default": State(),
    "many gaps": State(country=("BRN",)),
    "women": State(country=("PHL",), sex="female"),
    "older edition": State(edition="UN SDG DB 2018-10"),
}


def _null(value: object) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def _points(trace) -> list[tuple[object, object]]:
    """(value, hover text) per point: z per cell for heatmaps and maps, x for bars and markers."""
    hover = trace.customdata if trace.customdata is not None else trace.hovertext
    if hover is None or trace.type == "scattergeo":
        return []  # a map's markers and labels stand at a country, their position is no value
    if trace.type in ("heatmap", "choropleth"):
        return list(zip(np.ravel(np.array(trace.z, dtype=object)), np.ravel(np.array(hover, dtype=object)), strict=True))
    values = trace.x if (trace.type == "bar" and trace.orientation == "h") or trace.type == "scatter" else trace.y
    return list(zip(values, [str(np.ravel(np.array(h, dtype=object))) for h in hover], strict=True))


@pytest.mark.parametrize("view", sorted(VIEWS))
@pytest.mark.parametrize("chart", sorted(load_all()))
def test_no_data_is_null_and_said_in_words(chart: str, view: str, store) -> None:
    built = build(chart, store, VIEWS[view])
    if built is None:
        return  # the chart has nothing to show for this view (the page says so instead)
    gaps = 0
    for trace in built.figure.data:
        for value, hover in _points(trace):
            if "no data" in str(hover):
                gaps += 1
                assert _null(value), f"{chart} ({view}): {trace.name!r} draws {value!r} for {hover!r}"
    words = [a.text for a in built.figure.layout.annotations] + [
        str(t)
        for trace in built.figure.data
        if getattr(trace, "text", None) is not None
        for t in np.ravel(np.array(trace.text, dtype=object))
    ]
    if gaps:
        assert any("no data" in w for w in words), f"{chart} ({view}) has {gaps} gaps and never says 'no data'"
