"""A figure made from a builder's plain spec without plotly's runtime validators (issue 17).

``go.Figure(spec)`` checks and copies every property of a figure through plotly's
validators, template included: about 10 ms a chart, repeated for every chart of every view
a visitor opens first (bench/RESULTS.md, "Figures without runtime validation"). The builders
write their figures as plain dicts, and the test suite builds every chart in every frame and
validates it against plotly's schema (tests/unit/test_figure_schema.py), so the contract
stays where it is checked once and the cost leaves the pages' hot path. The figure is still
a ``go.Figure``: whatever reads ``fig.layout.xaxis.range`` or ``fig.data[0].x`` reads it as before.
"""

from __future__ import annotations

from functools import cache
from typing import Any

import plotly.graph_objects as go
import plotly.io as pio


@cache
def _template(name: str) -> dict[str, Any]:
    # what the validator makes of a template's name: the registered template, as JSON (the figure copies it)
    return pio.templates[name].to_plotly_json()


def unvalidated(spec: dict[str, Any]) -> go.Figure:
    """``spec`` (``{"data": [...], "layout": {...}}``) as a figure, unchecked: what ``go.Figure(spec)`` makes of a valid one.

    A template given by name is resolved here, as plotly's validator would (plotly.js knows no
    names). Key order inside a property may differ from the validated figure's (JSON objects
    have none); every value is the same.
    """
    layout = dict(spec.get("layout") or {})
    if isinstance(layout.get("template"), str):
        layout["template"] = _template(layout["template"])
    return go.Figure({"data": list(spec.get("data") or []), "layout": layout}, _validate=False)
