"""Ranking: the Member States sorted by coverage of one risk, with the region and the world among them."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
from plotly.colors import hex_to_rgb

from essa_dash.figures._flags import flag_cells, hover_of, mark_of
from essa_dash.figures._theme import MUTED, TEXT, ChartText, axis_end, frame, label_share, no_data_note, risk_colour
from essa_dash.figures.frames import DESKTOP, Frame
from essa_dash.schema import Coverage as C
from essa_dash.text import fmt_pct, tr

#: Aggregates in greys, darker for the region, so the Member States keep the risk's colour.
AGGREGATE_STYLE = {"region": "#7b8794", "world": "#b8c2cc"}
#: Member States not among the chosen ones stay visible but recede (a tint, so the legend shows it too).
DIMMED = 0.3
BAR_PX = 34


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

    A selection of countries nobody drew before draws this chart afresh (its highlight), so the rows are
    read once as lists: a dozen rows through pandas masks cost 13 ms, most of a cold view's ranking.
    """
    order = rows[C.country].tolist()
    colour = risk_colour(rows[C.risk].iloc[0] if len(rows) else "")  # an empty selection still draws its frame
    roles, chosen, editions = rows["role"].tolist(), rows["highlighted"].tolist(), rows[C.edition].tolist()
    pcts = rows[C.coverage_pct].tolist()
    known = [not pd.isna(pct) for pct in pcts]
    flags = flag_cells(rows)
    label = [_value_label(pct, year, cell) for pct, year, cell in zip(pcts, rows[C.year].tolist(), flags, strict=True)]
    titles = [title if isinstance(title, str) else "" for title in rows["source_title"].tolist()]
    hover = [
        f"<b>{area}</b><br>{label[i]}<br>{editions[i]}<br>{titles[i]}{hover_of(flags[i])}"
        if known[i]
        else f"<b>{area}</b><br>" + tr("no data in {edition}", edition=editions[i])
        for i, area in enumerate(order)
    ]
    states = [role == "country" for role in roles]
    partial = any(state and not highlighted for state, highlighted in zip(states, chosen, strict=True))
    red, green, blue = hex_to_rgb(colour)
    drawn = [i for i in range(len(order)) if known[i]]
    groups = [
        (tr("Chosen Member States") if partial else tr("Member States"), [i for i in drawn if states[i] and chosen[i]], colour),
        (tr("Other Member States"), [i for i in drawn if states[i] and not chosen[i]], f"rgba({red},{green},{blue},{DIMMED})"),
    ]
    for role in ("region", "world"):
        if role in roles:
            area = order[roles.index(role)]
            name = tr("{area} (regional figure)", area=area) if role == "region" else area
            groups.append((name, [i for i in drawn if roles[i] == role], AGGREGATE_STYLE[role]))

    traces = [
        {
            "type": "bar",
            "name": name,
            "y": [order[i] for i in bars],
            "x": [pcts[i] for i in bars],
            "orientation": "h",
            "marker": {"color": fill, "line": {"width": 0}},
            "text": [label[i] for i in bars],
            "textposition": "outside",
            "cliponaxis": False,
            "textfont": {"size": 11, "color": MUTED},
            "customdata": [hover[i] for i in bars],
            "hovertemplate": "%{customdata}<extra></extra>",
        }
        for name, bars, fill in groups
        if bars
    ]
    # areas without a figure: no bar and no number, the words "no data" by the axis
    gaps = [no_data_note(x=0, y=order[i], hover=hover[i]) for i in range(len(order)) if not known[i]]
    aggregates = {area for area, state in zip(order, states, strict=True) if not state}
    ticks = [f"<i>{name}</i>" if name in aggregates else name for name in order]
    ticks_x = [0, 25, 50, 75, 100]
    layout = {
        "barmode": "overlay",
        "bargap": 0.3,
        "legend": {"orientation": "h", "y": 1.0, "x": 0, "yanchor": "bottom", "font": {"color": TEXT}},
        "showlegend": True,
        "xaxis": {
            "range": [0, max(122, axis_end(100, label_share(fit, order, [label[i] for i in drawn])))],
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


def _value_label(pct: float, year: object, flags: str) -> str:
    """'82.6% (2020)', or '(year not stated)' for publications that give none; the flag mark after it."""
    stated = tr("year not stated") if pd.isna(year) else str(year)
    return f"{fmt_pct(pct)} ({stated}){mark_of(flags)}"
