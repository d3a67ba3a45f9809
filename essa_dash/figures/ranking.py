"""Ranking: the Member States sorted by coverage of one risk, with the region and the world among them."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
from plotly.colors import hex_to_rgb

from essa_dash.figures._flags import flag_hover, flag_mark
from essa_dash.figures._theme import MUTED, TEXT, ChartText, axis_end, frame, label_share, no_data_note, risk_colour
from essa_dash.figures.frames import DESKTOP, Frame
from essa_dash.schema import Coverage as C
from essa_dash.text import fmt_pcts, tr

#: Aggregates in greys, darker for the region, so the Member States keep the risk's colour.
AGGREGATE_STYLE = {"region": "#7b8794", "world": "#b8c2cc"}
#: Member States not among the chosen ones stay visible but recede (a tint, so the legend shows it too).
DIMMED = 0.3
BAR_PX = 34


def _value_label(rows: pd.DataFrame) -> pd.Series:
    """'82.6% (2020)', or '(year not stated)' for publications that give none."""
    year = rows[C.year].astype("str").where(rows[C.year].notna(), tr("year not stated"))
    return fmt_pcts(rows[C.coverage_pct]) + " (" + year + ")" + flag_mark(rows)


def _hover(rows: pd.DataFrame, label: pd.Series) -> pd.Series:
    known = rows[C.coverage_pct].notna()
    head = "<b>" + rows[C.country] + "</b><br>"
    return (head + label + "<br>" + rows[C.edition] + "<br>" + rows["source_title"].fillna("") + flag_hover(rows)).where(
        known, head + rows[C.edition].map(lambda edition: tr("no data in {edition}", edition=edition))
    )


def ranking_bars(rows: pd.DataFrame, *, text: ChartText, fit: Frame = DESKTOP) -> go.Figure:
    """Horizontal bars of ``rows`` (as :func:`essa_dash.query.risk.ranking` gives), first row at the top.

    Needs ``role`` (country / region / world), ``country``, ``risk``, ``coverage_pct``
    (NaN = no data), ``year``, ``edition``, ``source_title`` and ``highlighted``. Member
    States take the risk's colour (dimmed when not highlighted); the region and the
    world are grey bars in their place in the ranking, named in the legend and in
    italics on the axis, so every country above them is above them. (Reference lines
    were tried: they cross the value labels.) Areas without a figure get no bar and
    no number in the figure's data, only the words "no data" (an annotation), so a gap
    never looks like, or reads as, zero.
    """
    order = list(rows[C.country])
    colour = risk_colour(rows[C.risk].iloc[0] if len(rows) else "")  # an empty selection still draws its frame
    label = _value_label(rows)
    hover = _hover(rows, label)
    known = rows[C.coverage_pct].notna()
    states = rows["role"] == "country"
    partial = bool((states & ~rows["highlighted"]).any())
    red, green, blue = hex_to_rgb(colour)
    groups = [
        (tr("Chosen Member States") if partial else tr("Member States"), known & states & rows["highlighted"], colour),
        (tr("Other Member States"), known & states & ~rows["highlighted"], f"rgba({red},{green},{blue},{DIMMED})"),
    ]
    for role in ("region", "world"):
        part = rows[rows["role"] == role]
        if not part.empty:
            name = tr("{area} (regional figure)", area=part[C.country].iloc[0]) if role == "region" else part[C.country].iloc[0]
            groups.append((name, known & (rows["role"] == role), AGGREGATE_STYLE[role]))

    traces = [
        {
            "type": "bar",
            "name": name,
            "y": rows.loc[mask, C.country].tolist(),
            "x": rows.loc[mask, C.coverage_pct].tolist(),
            "orientation": "h",
            "marker": {"color": fill, "line": {"width": 0}},
            "text": label[mask].tolist(),
            "textposition": "outside",
            "cliponaxis": False,
            "textfont": {"size": 11, "color": MUTED},
            "customdata": hover[mask].tolist(),
            "hovertemplate": "%{customdata}<extra></extra>",
        }
        for name, mask, fill in groups
        if mask.any()
    ]
    # areas without a figure: no bar and no number, the words "no data" by the axis
    gaps = [no_data_note(x=0, y=area, hover=gap) for area, gap in zip(rows.loc[~known, C.country], hover[~known], strict=True)]
    aggregates = set(rows.loc[rows["role"] != "country", C.country])
    ticks = [f"<i>{name}</i>" if name in aggregates else name for name in order]
    ticks_x = [0, 25, 50, 75, 100]
    layout = {
        "barmode": "overlay",
        "bargap": 0.3,
        "legend": {"orientation": "h", "y": 1.0, "x": 0, "yanchor": "bottom", "font": {"color": TEXT}},
        "showlegend": True,
        "xaxis": {
            "range": [0, max(122, axis_end(100, label_share(fit, order, label[known])))],
            "tickvals": ticks_x,
            "ticktext": [f"{t}%" for t in ticks_x],
            "gridcolor": "#eef1f4",
        },
        "yaxis": {
            "categoryorder": "array",
            "categoryarray": order[::-1],
            "tickvals": order,
            "ticktext": ticks,
            "ticksuffix": " ",
            "range": [-0.5, len(order) - 0.5],
        },
        "annotations": gaps,
    }
    return frame({"data": traces, "layout": layout}, text, height=170 + BAR_PX * len(order), fit=fit)
