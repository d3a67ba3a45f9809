"""Small multiples laid out as plain layout data: one x/y axis pair per panel, in a grid.

``plotly.subplots.make_subplots`` builds the same grid through the figure's
validators, one call per trace and axis; for the progress dumbbells (nine panels,
~60 traces) that step-by-step building cost most of the figure's time. Here the grid
is a dict that the builder hands to ``frame()``, which makes the figure once, without
validators (essa_dash.figures.spec; the tests validate every builder's output).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Panel:
    """One panel of the grid: its axis references and its place (0-based row and column)."""

    index: int
    row: int
    col: int
    x: str  # trace reference: "x", "x2", ...
    y: str
    x_domain: tuple[float, float]
    y_domain: tuple[float, float]

    @property
    def xaxis(self) -> str:
        """Layout key of the panel's x axis: "xaxis", "xaxis2", ..."""
        return "xaxis" + self.x[1:]

    @property
    def yaxis(self) -> str:
        return "yaxis" + self.y[1:]


def grid(panels: int, cols: int, *, h_spacing: float, v_spacing: float) -> list[Panel]:
    """``panels`` panels, ``cols`` per row, filled row by row from the top left (as make_subplots does)."""
    cols = max(1, cols)
    rows = max(1, -(-panels // cols))
    width = (1 - (cols - 1) * h_spacing) / cols
    height = (1 - (rows - 1) * v_spacing) / rows
    out = []
    for i in range(max(1, panels)):
        row, col = divmod(i, cols)
        suffix = "" if i == 0 else str(i + 1)
        x0 = col * (width + h_spacing)
        y1 = 1 - row * (height + v_spacing)
        # rounded: float sums can step past 1, which plotly refuses
        x_domain = (round(x0, 6), min(1.0, round(x0 + width, 6)))
        y_domain = (max(0.0, round(y1 - height, 6)), min(1.0, round(y1, 6)))
        out.append(Panel(i, row, col, f"x{suffix}", f"y{suffix}", x_domain, y_domain))
    return out[:panels] if panels else out


def axes(panels: list[Panel], x: dict[str, Any], y: dict[str, Any]) -> dict[str, Any]:
    """Layout entries for every panel's axes: ``x`` and ``y`` on each, anchored to each other, in its domain."""
    layout: dict[str, Any] = {}
    for p in panels:
        layout[p.xaxis] = {**x, "domain": list(p.x_domain), "anchor": p.y}
        layout[p.yaxis] = {**y, "domain": list(p.y_domain), "anchor": p.x}
    return layout


def panel_title(panel: Panel, text: str, *, inside: bool = False, **font: Any) -> dict[str, Any]:
    """A panel's title from its left edge: on top of its domain, or ``inside`` its top (in headroom the axis keeps for it).

    Paper coordinates, as make_subplots gives its titles (the native PowerPoint charts read them so).
    """
    return {
        "text": text,
        "x": panel.x_domain[0],
        "xref": "paper",
        "xanchor": "left",
        "xshift": 4 if inside else 0,
        "y": panel.y_domain[1],
        "yref": "paper",
        "yanchor": "top" if inside else "bottom",
        "showarrow": False,
        "font": font or {"size": 13},
    }
