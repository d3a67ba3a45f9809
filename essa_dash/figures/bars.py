"""Horizontal bars: a country beside the region and the world, risk by risk."""

from __future__ import annotations

import math

import pandas as pd
import plotly.graph_objects as go

from essa_dash.figures._flags import flag_hover, flag_mark
from essa_dash.figures._theme import MUTED, ChartText, axis_end, frame, label_share, no_data_note
from essa_dash.figures.frames import DESKTOP, Frame
from essa_dash.schema import Coverage as C
from essa_dash.text import fmt_pcts, tr

#: Country in the accent colour; comparators in greys so the country stands out.
ROLE_STYLE = {"country": "#1d4e89", "region": "#88a0b8", "world": "#c4ccd4"}
BARGAP = 0.25
#: A fixed-height frame's height less title, legend, axis and source, layout px (roughly: labels err small).
PLOT_MARGIN_PX = 260
#: Bar labels never get smaller than this (the slide theme's smallest legible text, at layout size).
MIN_LABEL_PX = 9
LINE_EM = 1.35


def _labels(fit: Frame, bars: int) -> tuple[int, bool]:
    """(type size of the bar labels, whether every bar gets one).

    11 px on pages. A frame of fixed height (a slide) makes bars thinner: smaller type,
    and when even the smallest legible line is taller than a bar, only the country's
    bars are labelled (thinned, never overprinted); the region's and world's read off the axis.
    """
    if fit.height is None or not bars:
        return 11, True
    pitch = (fit.height - PLOT_MARGIN_PX) / bars
    size = max(MIN_LABEL_PX, min(11, math.floor(pitch / LINE_EM)))
    return size, pitch >= size * LINE_EM


def comparison_bars(rows: pd.DataFrame, *, text: ChartText, fit: Frame = DESKTOP) -> go.Figure:
    """Grouped bars of ``rows`` (as :func:`essa_dash.query.country.profile_bars` gives).

    Needs ``role``, ``country``, ``risk_label``, ``coverage_pct`` (NaN = no data),
    ``year``, ``edition``, ``source_title``. Each bar is labelled with its value and
    year; a missing value is null in the trace and the words "no data" (an annotation) stand where its bar would be.
    """
    risks = list(dict.fromkeys(rows["risk_label"]))
    roles = [role for role in ("world", "region", "country") if (rows["role"] == role).any()]
    label_px, every = _labels(fit, len(risks) * max(1, len(roles)))
    traces: list[dict] = []
    labelled: list[str] = []  # the labels drawn beside bars: the value axis leaves room for the longest
    gaps: dict[str, list[tuple[str, float, str]]] = {}  # risk -> (area, offset, hover) of its missing bars
    # plotly stacks grouped horizontal bars bottom-up: add the world first so the country is on top
    for k, role in enumerate(roles):
        part = rows[rows["role"] == role]
        name = part[C.country].iloc[0]
        known = part[C.coverage_pct].notna()
        label = (fmt_pcts(part[C.coverage_pct]) + " (" + part[C.year].astype("str") + ")" + flag_mark(part)).where(known, tr("no data"))
        labelled += label[known].tolist() if every or role == "country" else []
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
            + flag_hover(part)
        ).where(known, "<b>" + name + "</b> · " + part["risk_label"] + "<br>no data in " + part[C.edition])
        traces.append(
            {
                "type": "bar",
                "name": name,
                "y": part["risk_label"].tolist(),
                # missing stays missing: null, never a zero-length bar (its words are an annotation)
                "x": [None if pd.isna(v) else float(v) for v in part[C.coverage_pct]],
                "orientation": "h",
                "marker": {"color": ROLE_STYLE[role], "line": {"width": 0}},
                "text": label.where(known, "").tolist() if every or role == "country" else None,
                "textposition": "outside",
                "cliponaxis": False,
                "textfont": {"size": label_px, "color": MUTED},
                "hovertemplate": "%{customdata}<extra></extra>",
                "customdata": hover.tolist(),
            }
        )
        # where the bar would be in its group: bars share the category's width less the gap, bottom-up
        offset = (1 - BARGAP) * ((k + 0.5) / len(roles) - 0.5)
        for risk, gap_hover in zip(part.loc[~known, "risk_label"], hover[~known], strict=True):
            gaps.setdefault(risk, []).append((name, offset, gap_hover))
    notes = []
    for risk, missing in gaps.items():
        row = len(risks) - 1 - risks.index(risk)
        if len(missing) == 1:
            notes.append(no_data_note(x=0, y=row + missing[0][1], hover=missing[0][2]))
        else:  # one note for the risk's missing bars together: two lines of "no data" would overprint on a slide
            names = ", ".join(area for area, _, _ in missing[::-1])
            note = no_data_note(x=0, y=row + sum(o for _, o, _ in missing) / len(missing), hover="<br>".join(h for _, _, h in missing))
            notes.append({**note, "text": tr("no data: {areas}", areas=names)})
    ticks = [0, 25, 50, 75, 100]
    layout = {
        "barmode": "group",
        "bargap": BARGAP,
        "bargroupgap": 0.05,
        "legend": {"orientation": "h", "y": 1.02, "x": 0, "yanchor": "bottom", "traceorder": "reversed"},
        "xaxis": {
            "range": [0, max(118, axis_end(100, label_share(fit, risks, labelled, size=label_px)))],
            "tickvals": ticks,
            "ticktext": [f"{t}%" for t in ticks],
            "gridcolor": "#eef1f4",
        },
        # numeric positions of the "no data" notes count categories from the bottom: the axis spans all of them
        "yaxis": {"categoryorder": "array", "categoryarray": risks[::-1], "range": [-0.5, len(risks) - 0.5]},
        "annotations": notes,
    }
    return frame({"data": traces, "layout": layout}, text, height=150 + 70 * len(risks), fit=fit)
