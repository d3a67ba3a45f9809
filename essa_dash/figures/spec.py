"""A figure made from a builder's plain spec without plotly's runtime validators (issue 17).

``go.Figure(spec)`` checks and copies every property of a figure through plotly's
validators, template included: about 10 ms a chart, repeated for every chart of every view
a visitor opens first (bench/RESULTS.md, "Figures without runtime validation"). The builders
write their figures as plain dicts, and the test suite builds every chart in every frame and
validates it against plotly's schema (tests/unit/test_figure_schema.py), so the contract
stays where it is checked once and the cost leaves the pages' hot path. The figure is still
a ``go.Figure``: whatever reads ``fig.layout.xaxis.range`` or ``fig.data[0].x`` reads it as before.

Its ``to_dict`` (what Dash, kaleido and the slides serialise) is plotly's, done in one pass: plotly
deep-copies the figure and then walks the copy to turn numpy arrays into typed arrays, which
took 1.2 ms a figure (2.3 ms for the trend's 15 traces), paid again by every view a visitor opens
first. The result is the same to the byte (tests/unit/test_figure_schema.py compares them for
every chart in every frame).
"""

from __future__ import annotations

import copy
from functools import cache
from typing import Any

import plotly.graph_objects as go
import plotly.io as pio
from _plotly_utils.basevalidators import is_homogeneous_array
from _plotly_utils.utils import to_typed_array_spec

#: What a figure holds that needs no copy: JSON's scalars (immutable).
_SCALARS = (str, int, float, bool, type(None))
#: The keys whose arrays plotly leaves as they are (_plotly_utils.utils.is_skipped_key).
_NOT_TYPED = frozenset({"geojson", "layer", "layers", "range"})


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
    return Unchecked({"data": list(spec.get("data") or []), "layout": layout}, _validate=False)


class Unchecked(go.Figure):
    """A figure made without the validators, serialised without the deep copy."""

    def to_dict(self) -> dict[str, Any]:
        """What ``go.Figure.to_dict`` gives (new containers, arrays of properties as typed arrays), in one pass."""
        found: dict[str, Any] = {"data": _sent(self._data), "layout": _sent(self._layout)}
        if frames := [frame._props for frame in self._frame_objs]:
            found["frames"] = _sent(frames)
        return found


def _sent(value: Any) -> Any:
    # plotly's convert_to_base64 over a deep copy: only a dict's values become typed arrays, never a list's items
    if isinstance(value, dict):
        return {key: _property(key, item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        items = [item if isinstance(item, _SCALARS) else _sent(item) for item in value]
        return items if isinstance(value, list) else tuple(items)
    return value if isinstance(value, _SCALARS) else copy.deepcopy(value)


def _property(key: str, value: Any) -> Any:
    if isinstance(value, _SCALARS):
        return value
    if key in _NOT_TYPED:
        return copy.deepcopy(value)
    if isinstance(value, dict | list | tuple) or not is_homogeneous_array(value):
        return _sent(value)
    return to_typed_array_spec(copy.deepcopy(value))
