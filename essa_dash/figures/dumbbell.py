"""Dumbbell: two values per row joined by a line (female vs male, baseline vs latest)."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from essa_dash.figures._theme import MUTED, ChartText, frame


def dumbbell(
    rows: pd.DataFrame,
    *,
    label: str,
    start: str,
    end: str,
    start_name: str,
    end_name: str,
    text: ChartText,
    start_colour: str = "#CC6677",
    end_colour: str = "#332288",
    start_hover: str | None = None,
    end_hover: str | None = None,
) -> go.Figure:
    """One row per ``rows[label]``, a marker at ``rows[start]`` and ``rows[end]`` (per cent) and a line between.

    ``start_hover`` / ``end_hover`` name optional text columns for the hover labels
    (e.g. the year and edition of each value).
    """
    labels = list(rows[label])
    fig = go.Figure()
    for y, a, b in zip(rows[label], rows[start], rows[end], strict=True):
        fig.add_shape(type="line", x0=a, x1=b, y0=y, y1=y, line={"color": "#c4ccd4", "width": 4}, layer="below")
    for column, name, colour, hover in ((start, start_name, start_colour, start_hover), (end, end_name, end_colour, end_hover)):
        fig.add_trace(
            go.Scatter(
                name=name,
                x=rows[column],
                y=rows[label],
                mode="markers+text",
                marker={"size": 14, "color": colour, "line": {"width": 1, "color": "white"}},
                text=rows[column].map("{:.1f}".format),
                textposition="top center",
                textfont={"size": 10, "color": MUTED},
                customdata=rows[hover] if hover else None,
                hovertemplate=f"<b>%{{y}}</b><br>{name}: %{{x:.1f}}%" + ("<br>%{customdata}" if hover else "") + "<extra></extra>",
            )
        )
    fig.update_layout(legend={"orientation": "h", "y": 1.02, "x": 0, "yanchor": "bottom"})
    fig.update_xaxes(range=[-2, 105], ticksuffix="%", gridcolor="#eef1f4")
    fig.update_yaxes(categoryorder="array", categoryarray=labels[::-1])
    return frame(fig, text, height=170 + 48 * len(labels))
