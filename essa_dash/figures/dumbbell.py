"""Dumbbell: two values per row joined by a line (female vs male, baseline vs latest)."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from essa_dash.figures._flags import flag_cells, hover_of, mark_of
from essa_dash.figures._theme import MUTED, ChartText, frame, label_share, names_px, no_data_note
from essa_dash.figures.frames import DESKTOP, Frame
from essa_dash.text import fmt_num, tr


def dumbbell(
    rows: pd.DataFrame,
    *,
    label: str,
    start: str,
    end: str,
    start_name: str,
    end_name: str,
    text: ChartText,
    fit: Frame = DESKTOP,
    start_colour: str = "#CC6677",
    end_colour: str = "#332288",
    start_hover: str | None = None,
    end_hover: str | None = None,
) -> go.Figure:
    """One row per ``rows[label]``, a marker at ``rows[start]`` and ``rows[end]`` (per cent) and a line between.

    ``start_hover`` / ``end_hover`` name optional text columns for the hover labels
    (e.g. the year and edition of each value). A missing value is null in the figure's
    data and named in words ("no data", or "Men: no data" under the one that is there).
    """
    # the rows read once as lists: a women-and-men chart of a selection nobody drew before is drawn afresh, and
    # pandas filters and maps over a dozen rows cost more than the chart's own work
    labels = list(rows[label])
    values = {column: rows[column].tolist() for column in (start, end)}
    known = {column: [not pd.isna(v) for v in values[column]] for column in (start, end)}
    flags = {column: flag_cells(rows, f"{column}_flags") for column in (start, end)}
    pair = [a and b for a, b in zip(known[start], known[end], strict=True)]
    # a line between the two values of a row that has both (a shape: layout, not data)
    lines = [
        {"type": "line", "x0": float(a), "x1": float(b), "y0": y, "y1": y, "line": {"color": "#c4ccd4", "width": 4}, "layer": "below"}
        for y, a, b, both in zip(labels, values[start], values[end], pair, strict=True)
        if both
    ]
    # each value's label outside its pair: the lower one left of its marker, the higher one right of it, so two
    # close values (women 5.7, men 11.5 on a phone) never overprint; a value alone keeps its label above it
    lower = [both and a <= b for a, b, both in zip(values[start], values[end], pair, strict=True)]
    sides = {
        start: ["middle left" if both and low else "middle right" if both else "top center" for both, low in zip(pair, lower, strict=True)],
        end: ["middle right" if both and low else "middle left" if both else "top center" for both, low in zip(pair, lower, strict=True)],
    }
    texts = {
        column: [fmt_num(v) + mark_of(cell) if k else "" for v, k, cell in zip(values[column], known[column], flags[column], strict=True)]
        for column in (start, end)
    }
    # room beyond 0 and 100 % for a label beside its marker (the marker's radius and a gap besides)
    share = label_share(fit, labels, [*texts[start], *texts[end]], size=10, most=0.25) + 14 / max(
        1.0, fit.width - 2 * fit.side_px - names_px(labels)
    )
    pad = 107 * share / max(0.5, 1 - 2 * share)
    ticks = [0, 25, 50, 75, 100] if fit.width > 500 else [0, 50, 100]  # a phone's narrow plot: three ticks, upright
    traces: list[dict] = []
    for column, name, colour, hover in ((start, start_name, start_colour, start_hover), (end, end_name, end_colour, end_hover)):
        hovers = rows[hover].astype("str").tolist() if hover else [""] * len(labels)
        traces.append(
            {
                "type": "scatter",
                "name": name,
                "x": [float(v) if k else None for v, k in zip(values[column], known[column], strict=True)],
                "y": labels,
                "mode": "markers+text",
                "marker": {"size": 14, "color": colour, "line": {"width": 1, "color": "white"}},
                # the value in the locale's form (52,3 in Indonesian); a flagged value (``<column>_flags``,
                # e.g. female_flags): the mark beside it, the words in its hover
                "text": texts[column],
                "textposition": sides[column],
                "textfont": {"size": 10, "color": MUTED},
                "customdata": [h + hover_of(cell) for h, cell in zip(hovers, flags[column], strict=True)],
                "hovertemplate": f"<b>%{{y}}</b><br>{name}: %{{x:.1f}}%" + ("<br>" if hover else "") + "%{customdata}<extra></extra>",
            }
        )
    notes = []
    for y, a, b in zip(labels, values[start], values[end], strict=True):
        if pd.isna(a) and pd.isna(b):
            notes.append(no_data_note(x=0, y=y, hover=tr("{label}: no data", label=y)))
        elif pd.isna(a) or pd.isna(b):
            # one of the two is missing: say which, under the marker that is there
            gap = start_name if pd.isna(a) else end_name
            notes.append(
                no_data_note(
                    x=b if pd.isna(a) else a,
                    y=y,
                    hover=None,
                    text=tr("{label}: no data", label=gap),
                    xanchor="center",
                    xshift=0,
                    yshift=-16,
                )
            )
    layout = {
        "legend": {"orientation": "h", "y": 1.02, "x": 0, "yanchor": "bottom"},
        "xaxis": {"range": [-2 - pad, 105 + pad], "tickvals": ticks, "ticktext": [f"{t}%" for t in ticks], "gridcolor": "#eef1f4"},
        "yaxis": {"categoryorder": "array", "categoryarray": labels[::-1], "range": [-0.5, len(labels) - 0.5]},
        "annotations": notes,
        "shapes": lines,
    }
    return frame({"data": traces, "layout": layout}, text, height=170 + 48 * len(labels), fit=fit)
