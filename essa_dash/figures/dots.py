"""Dot plot: the same risk in several editions, to show how published figures moved."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from essa_dash.figures._theme import ChartText, frame
from essa_dash.schema import Coverage as C

#: Editions from oldest to newest in a light-to-dark sequence, with distinct marker shapes
#: so the order reads without colour too.
EDITION_COLOURS = ["#b8c6d6", "#8aa2bd", "#5d7fa3", "#335c89", "#1d4e89", "#0b2e59", "#000000"]
SYMBOLS = ["circle-open", "square-open", "diamond-open", "triangle-up", "square", "diamond", "circle"]


def edition_dots(rows: pd.DataFrame, *, text: ChartText) -> go.Figure:
    """One marker per (risk, edition) from ``rows`` (as :func:`essa_dash.query.country.edition_history` gives).

    Needs ``risk_label``, ``edition``, ``published``, ``coverage_pct``, ``year``; editions
    are drawn oldest first. Editions are never joined by lines: they are separate series.
    """
    risks = list(dict.fromkeys(rows["risk_label"]))
    editions = list(rows.sort_values("published")[C.edition].drop_duplicates())
    fig = go.Figure()
    for i, edition in enumerate(editions):
        part = rows[rows[C.edition] == edition]
        k = i + max(0, len(EDITION_COLOURS) - len(editions))
        fig.add_trace(
            go.Scatter(
                name=edition,
                x=part[C.coverage_pct],
                y=part["risk_label"],
                mode="markers",
                marker={"size": 12, "color": EDITION_COLOURS[k], "symbol": SYMBOLS[k], "line": {"width": 2, "color": EDITION_COLOURS[k]}},
                customdata=part[[C.year]].astype("str").to_numpy(),
                hovertemplate=f"<b>%{{y}}</b><br>%{{x:.1f}}% in %{{customdata[0]}}<br>{edition}<extra></extra>",
            )
        )
    fig.update_layout(legend={"orientation": "h", "y": 1.02, "x": 0, "yanchor": "bottom"})
    fig.update_xaxes(range=[-2, 102], ticksuffix="%", gridcolor="#eef1f4")
    fig.update_yaxes(categoryorder="array", categoryarray=risks[::-1], gridcolor="#eef1f4")
    return frame(fig, text, height=160 + 42 * len(risks))
