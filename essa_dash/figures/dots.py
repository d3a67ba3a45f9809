"""Dot plot: the same risk in several editions, to show how published figures moved."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from essa_dash.figures._flags import flag_hover, flag_mark
from essa_dash.figures._theme import ChartText, frame, no_data_note
from essa_dash.figures.frames import DESKTOP, Frame
from essa_dash.schema import Coverage as C
from essa_dash.text import tr

#: Editions from oldest to newest in a light-to-dark sequence, with distinct marker shapes
#: so the order reads without colour too.
EDITION_COLOURS = ["#b8c6d6", "#8aa2bd", "#5d7fa3", "#335c89", "#1d4e89", "#0b2e59", "#000000"]
SYMBOLS = ["circle-open", "square-open", "diamond-open", "triangle-up", "square", "diamond", "circle"]


def edition_dots(rows: pd.DataFrame, *, text: ChartText, fit: Frame = DESKTOP) -> go.Figure:
    """One marker per (risk, edition) from ``rows`` (as :func:`essa_dash.query.country.edition_history` gives).

    Needs ``risk_label``, ``edition``, ``published``, ``coverage_pct``, ``year``; editions
    are drawn oldest first. Editions are never joined by lines: they are separate series.
    """
    risks = list(dict.fromkeys(rows["risk_label"]))
    editions = list(rows.sort_values("published")[C.edition].drop_duplicates())
    traces = []
    marked: set[tuple[str, float]] = set()  # (risk, value) already marked: editions that agree share one mark
    for i, edition in enumerate(editions):
        part = rows[(rows[C.edition] == edition) & rows[C.coverage_pct].notna()]
        k = i + max(0, len(EDITION_COLOURS) - len(editions))
        marks = []
        for risk, value, mark in zip(part["risk_label"], part[C.coverage_pct], flag_mark(part).str.strip(), strict=True):
            spot = (risk, round(float(value)))
            marks.append(mark if mark and spot not in marked else "")
            marked.update([spot] if mark else [])
        traces.append(
            {
                "type": "scatter",
                "name": edition,
                "x": part[C.coverage_pct].tolist(),
                "y": part["risk_label"].tolist(),
                # a flagged figure: the mark beside its marker, the flag's words in its hover
                "mode": "markers+text",
                "text": marks,
                # beside the marker, on its row (above it, the top row's mark ran into the legend); left of it
                # near 100 %, where the right of it is past the plot's edge
                "textposition": ["middle left" if value > 90 else "middle right" for value in part[C.coverage_pct]],
                "marker": {
                    "size": 12,
                    "color": EDITION_COLOURS[k],
                    "symbol": SYMBOLS[k],
                    "line": {"width": 2, "color": EDITION_COLOURS[k]},
                },
                "customdata": pd.concat([part[C.year].astype("str"), flag_hover(part)], axis=1).to_numpy().tolist(),
                "hovertemplate": "<b>%{y}</b><br>"
                + tr("{value} covered in {year}", value="%{x:.1f}%", year="%{customdata[0]}")
                + f"<br>{edition}%{{customdata[1]}}<extra></extra>",
            }
        )
    # a risk no edition has a figure for: the words on its row, not an empty line
    known = set(rows.loc[rows[C.coverage_pct].notna(), "risk_label"])
    notes = [no_data_note(x=0, y=risk, hover=tr("{risk}: no figure in any edition", risk=risk)) for risk in risks if risk not in known]
    layout = {
        "legend": {"orientation": "h", "y": 1.02, "x": 0, "yanchor": "bottom"},
        "xaxis": {"range": [-2, 102], "ticksuffix": "%", "gridcolor": "#eef1f4"},
        "yaxis": {"categoryorder": "array", "categoryarray": risks[::-1], "gridcolor": "#eef1f4", "range": [-0.5, len(risks) - 0.5]},
        "annotations": notes,
    }
    return frame({"data": traces, "layout": layout}, text, height=160 + 42 * len(risks), fit=fit)
