"""Horizontal bars: a country beside the region and the world, risk by risk."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from essa_dash.figures._theme import MUTED, ChartText, frame
from essa_dash.schema import Coverage as C

#: Country in the accent colour; comparators in greys so the country stands out.
ROLE_STYLE = {"country": "#1d4e89", "region": "#88a0b8", "world": "#c4ccd4"}


def comparison_bars(rows: pd.DataFrame, *, text: ChartText) -> go.Figure:
    """Grouped bars of ``rows`` (as :func:`essa_dash.query.country.profile_bars` gives).

    Needs ``role``, ``country``, ``risk_label``, ``coverage_pct`` (NaN = no data),
    ``year``, ``edition``, ``source_title``. Each bar is labelled with its value and
    year; a missing value gets the words "no data" where its bar would be.
    """
    risks = list(dict.fromkeys(rows["risk_label"]))
    fig = go.Figure()
    # plotly stacks grouped horizontal bars bottom-up: add the world first so the country is on top
    for role in ("world", "region", "country"):
        part = rows[rows["role"] == role]
        if part.empty:
            continue
        name = part[C.country].iloc[0]
        known = part[C.coverage_pct].notna()
        label = (part[C.coverage_pct].map("{:.1f}%".format) + " (" + part[C.year].astype("str") + ")").where(known, "no data")
        hover = (
            "<b>"
            + name
            + "</b> · "
            + part["risk_label"]
            + "<br>"
            + label
            + "<br>"
            + part[C.edition]
            + "<br>"
            + part["source_title"].fillna("")
        ).where(known, "<b>" + name + "</b> · " + part["risk_label"] + "<br>no data in " + part[C.edition])
        fig.add_trace(
            go.Bar(
                name=name,
                y=part["risk_label"],
                x=part[C.coverage_pct].fillna(0),
                orientation="h",
                marker={"color": ROLE_STYLE[role], "line": {"width": 0}},
                text=label,
                textposition="outside",
                cliponaxis=False,
                textfont={"size": 11, "color": MUTED},
                hovertemplate="%{customdata}<extra></extra>",
                customdata=hover,
            )
        )
    fig.update_layout(
        barmode="group",
        bargap=0.25,
        bargroupgap=0.05,
        legend={"orientation": "h", "y": 1.02, "x": 0, "yanchor": "bottom", "traceorder": "reversed"},
    )
    ticks = [0, 25, 50, 75, 100]
    fig.update_xaxes(range=[0, 118], tickvals=ticks, ticktext=[f"{t}%" for t in ticks], gridcolor="#eef1f4", title=None)
    fig.update_yaxes(categoryorder="array", categoryarray=risks[::-1], title=None)
    return frame(fig, text, height=150 + 70 * len(risks))
