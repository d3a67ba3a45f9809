"""Progress since the baseline: baseline-latest dumbbells by risk, and the change as sorted bars.

Both builders take the frame of :func:`essa_dash.query.progress.progress_cells`: one row
per (country, risk) with ``status`` (``compared``, ``one_year``, ``before_baseline``,
``no_data``), ``baseline_*``, ``latest_*``, ``change_pp`` and ``change_label``. Only
``compared`` rows carry a change; the others are drawn so that they can never be read
as a change of zero.
"""

from __future__ import annotations

import math

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from essa_dash.figures._theme import MUTED, TEXT, ChartText, frame, risk_colour
from essa_dash.schema import Coverage as C

COMPARED, ONE_YEAR = "compared", "one_year"
#: The change column is narrow: short words for the cells that have no change to show.
NO_CHANGE_WORDS = {ONE_YEAR: "one year", "before_baseline": "pre-2015 only", "no_data": "no data"}
CONNECTOR = "#c4ccd4"
GRID = "#eef1f4"
#: Where the change column sits on each panel's 0-100 % axis (the axis runs on past 100 for it).
CHANGE_X = 128
X_RANGE = [-4, 156]
ROW_PX, PANEL_EXTRA_PX, PANEL_GAP_PX = 26, 30, 64
#: Pixels from the top of the figure: the title, the legend under the subtitle, the plot area.
TITLE_PX, LEGEND_PX = 22, 80
#: The dumbbells need room for the panel titles and "change" headers too.
DUMBBELL_TOP_PX, BARS_TOP_PX = 150, 112
BAR_PX = 21


def _year(value: object) -> str:
    return "?" if pd.isna(value) else str(int(value))


def _pct(value: object) -> str:
    return "no figure" if pd.isna(value) else f"{float(value):.1f}%"


def _span(part: pd.DataFrame) -> list[str]:
    return [f"{_year(a)}-{_year(b)}" for a, b in zip(part["baseline_year"], part["latest_year"], strict=True)]


def _hover(part: pd.DataFrame) -> list[str]:
    """One hover text per row: both figures with their years, the change and the edition."""
    texts = []
    for row in part.itertuples(index=False):
        lines = [f"<b>{getattr(row, C.country)}</b> · {row.risk_label}", f"{_year(row.baseline_year)}: {_pct(row.baseline_pct)}"]
        if row.status == COMPARED:
            lines += [f"{_year(row.latest_year)}: {_pct(row.latest_pct)}", f"change {row.change_label}"]
        else:
            lines[-1] += f" ({row.change_label})"
        texts.append("<br>".join([*lines, str(getattr(row, C.edition))]))
    return texts


def baseline_dumbbells(cells: pd.DataFrame, *, text: ChartText, columns: int = 3) -> go.Figure:
    """Small multiples, one panel per risk (risks in frame order), one row per country.

    Compared cells: an open marker at the baseline, a filled one at the latest year, in
    the risk's colour, joined by a line; the change in percentage points sits in a column
    on the right. A one-year cell is a grey diamond at its value with "one year only" in
    that column; cells without a figure since 2015 or without data show only the words.
    """
    risks = list(dict.fromkeys(cells[C.risk]))
    countries = list(dict.fromkeys(cells[C.country]))
    labels = dict(zip(cells[C.risk], cells["risk_label"], strict=False))
    ncols = max(1, min(columns, len(risks)))
    nrows = max(1, math.ceil(len(risks) / ncols))
    panel_px = ROW_PX * max(1, len(countries)) + PANEL_EXTRA_PX
    plot_px = nrows * panel_px + (nrows - 1) * PANEL_GAP_PX
    fig = make_subplots(
        rows=nrows,
        cols=ncols,
        subplot_titles=[f"<b>{labels[r]}</b>" for r in risks] or None,
        horizontal_spacing=0.035,
        vertical_spacing=PANEL_GAP_PX / plot_px if nrows > 1 else 0.0,
    )
    for i, risk in enumerate(risks):
        row, col = i // ncols + 1, i % ncols + 1
        part = cells[cells[C.risk] == risk]
        _panel(fig, part, risk, row=row, col=col)
        suffix = "" if i == 0 else str(i + 1)
        fig.add_annotation(
            text="change",
            x=CHANGE_X,
            xref=f"x{suffix}",
            y=1,
            yref=f"y{suffix} domain",
            yanchor="bottom",
            showarrow=False,
            font={"size": 10, "color": MUTED},
        )
    _legend_keys(fig)
    # panel titles start at the panel's left edge, clear of the "change" header on the right
    for i, annotation in enumerate(fig.layout.annotations[: len(risks)]):
        axis = fig.layout["xaxis" if i == 0 else f"xaxis{i + 1}"]
        annotation.update(font={"size": 13, "color": TEXT}, xanchor="left", x=axis.domain[0])
    fig.update_xaxes(range=X_RANGE, tickvals=[0, 50, 100], ticktext=["0%", "50%", "100%"], gridcolor=GRID, zeroline=False, fixedrange=True)
    fig.update_yaxes(
        categoryorder="array",
        categoryarray=countries[::-1],
        range=[-0.6, len(countries) - 0.4],
        gridcolor=GRID,
        fixedrange=True,
    )
    for c in range(2, ncols + 1):
        fig.update_yaxes(showticklabels=False, col=c)
    if not risks:
        fig.add_annotation(text="Nothing selected", x=0.5, y=0.5, xref="paper", yref="paper", showarrow=False, font={"color": MUTED})
    fig.update_layout(showlegend=True, hovermode="closest")
    return _pin_top(frame(fig, text, height=plot_px + DUMBBELL_TOP_PX + 50), top=DUMBBELL_TOP_PX)


def _pin_top(fig: go.Figure, *, top: int) -> go.Figure:
    """Title, legend and plot area at fixed pixel offsets from the top, whatever the height.

    ``frame`` places the title at a fraction of the figure's height, which drifts down
    on charts as tall as these and runs into the legend.
    """
    height = fig.layout.height
    fig.update_layout(
        title={"y": 1 - TITLE_PX / height},
        margin={"t": top},
        legend={
            "orientation": "h",
            "x": 0,
            "xanchor": "left",
            "xref": "container",
            "y": 1 - LEGEND_PX / height,
            "yanchor": "top",
            "yref": "container",
            "font": {"size": 12},
        },
    )
    return fig


def _panel(fig: go.Figure, part: pd.DataFrame, risk: str, *, row: int, col: int) -> None:
    colour = risk_colour(risk)
    compared = part[(part["status"] == COMPARED) & part["baseline_pct"].notna() & part["latest_pct"].notna()]
    one = part[(part["status"] == ONE_YEAR) & part["baseline_pct"].notna()]
    where = {"row": row, "col": col}
    xs: list[float | None] = []
    ys: list[str | None] = []
    for start, end, country in zip(compared["baseline_pct"], compared["latest_pct"], compared[C.country], strict=True):
        xs += [start, end, None]
        ys += [country, country, None]
    fig.add_trace(
        go.Scatter(x=xs, y=ys, mode="lines", line={"color": CONNECTOR, "width": 4}, hoverinfo="skip", showlegend=False),
        **where,
    )
    markers = (
        ("baseline_pct", {"symbol": "circle-open", "size": 11, "color": colour, "line": {"width": 3, "color": colour}}, compared),
        ("latest_pct", {"symbol": "circle", "size": 12, "color": colour, "line": {"width": 1, "color": TEXT}}, compared),
        ("baseline_pct", {"symbol": "diamond", "size": 10, "color": MUTED, "line": {"width": 1, "color": "white"}}, one),
    )
    for column, marker, rows in markers:
        fig.add_trace(
            go.Scatter(
                x=rows[column],
                y=rows[C.country],
                mode="markers",
                marker=marker,
                customdata=_hover(rows),
                hovertemplate="%{customdata}<extra></extra>",
                showlegend=False,
            ),
            **where,
        )
    known = part["status"] == COMPARED
    fig.add_trace(
        go.Scatter(
            x=[CHANGE_X] * len(part),
            y=part[C.country],
            mode="text",
            text=part["change_label"].where(known, part["status"].map(NO_CHANGE_WORDS)),
            textfont={"size": 11, "color": [TEXT if k else MUTED for k in known]},
            hoverinfo="skip",
            showlegend=False,
        ),
        **where,
    )


def _legend_keys(fig: go.Figure) -> None:
    """Legend entries for the marker shapes, in neutral colours (the panel title names the risk)."""
    keys = (
        ("First year since 2015 (baseline)", {"symbol": "circle-open", "size": 11, "color": TEXT, "line": {"width": 3, "color": TEXT}}),
        ("Latest year", {"symbol": "circle", "size": 12, "color": TEXT}),
        ("One year only: no change to measure", {"symbol": "diamond", "size": 10, "color": MUTED}),
    )
    for name, marker in keys:
        fig.add_trace(go.Scatter(x=[None], y=[None], mode="markers", marker=marker, name=name, hoverinfo="skip"))


def change_bars(cells: pd.DataFrame, *, text: ChartText) -> go.Figure:
    """Horizontal bars of ``change_pp`` for the compared cells, largest rise on top.

    One bar per country (one risk) or per country and risk (several), in the risk's
    colour; every bar is labelled with its signed change and years, so a fall reads as
    a fall without the colour or the direction. Cells without a change get no bar.
    """
    several = cells[C.risk].nunique() > 1
    compared = cells[(cells["status"] == COMPARED) & cells["change_pp"].notna()]
    compared = compared.assign(
        _label=(compared[C.country] + " · " + compared["risk_label"]) if several else compared[C.country],
    ).sort_values("change_pp", kind="stable")
    fig = go.Figure()
    for risk in dict.fromkeys(cells[C.risk]):
        part = compared[compared[C.risk] == risk]
        if part.empty:
            continue
        fig.add_trace(
            go.Bar(
                name=part["risk_label"].iloc[0],
                y=part["_label"],
                x=part["change_pp"],
                orientation="h",
                marker={"color": risk_colour(risk), "line": {"width": 1, "color": TEXT}},
                customdata=_hover(part),
                hovertemplate="%{customdata}<extra></extra>",
            )
        )
    # labels as one text trace: a bar's own "outside" text puts a zero bar's label on either side
    rising = compared["change_pp"] >= 0
    fig.add_trace(
        go.Scatter(
            x=compared["change_pp"],
            y=compared["_label"],
            mode="text",
            text=[f" {label} ({span}) " for label, span in zip(compared["change_label"], _span(compared), strict=True)],
            textposition=["middle right" if r else "middle left" for r in rising],
            textfont={"size": 11, "color": TEXT},
            cliponaxis=False,
            hoverinfo="skip",
            showlegend=False,
        )
    )
    if compared.empty:
        fig.add_annotation(
            text="No cell has two years of data since 2015: there is no change to show.",
            x=0.5,
            y=0.5,
            xref="paper",
            yref="paper",
            showarrow=False,
            font={"color": MUTED},
        )
        # still a chart: the zero line and the axis in points, with the sentence on it
        fig.update_xaxes(range=[-10, 10], ticksuffix=" pp", gridcolor=GRID, zeroline=True, zerolinecolor=TEXT, fixedrange=True)
        fig.update_yaxes(showticklabels=False, showgrid=False, fixedrange=True)
        return _pin_top(frame(fig, text, height=300), top=BARS_TOP_PX)
    low, high = min(0.0, float(compared["change_pp"].min())), max(0.0, float(compared["change_pp"].max()))
    # room for the outside labels ("+12.3 pp (2015-2022)") on whichever side has bars
    pad = (high - low) * 0.25 + 3
    # one bar per category, so nothing stacks or shifts sideways
    fig.update_layout(barmode="overlay", bargap=0.3, showlegend=several)
    fig.update_xaxes(
        range=[low - (pad if low < 0 else 1), high + (pad if high > 0 else 1)],
        ticksuffix=" pp",
        gridcolor=GRID,
        zeroline=True,
        zerolinecolor=TEXT,
        zerolinewidth=1.5,
        fixedrange=True,
    )
    fig.update_yaxes(
        categoryorder="array",
        categoryarray=list(compared["_label"]),
        range=[-0.6, len(compared) - 0.4],  # the text trace would otherwise pad the axis
        fixedrange=True,
        ticksuffix=" ",
    )
    return _pin_top(frame(fig, text, height=BARS_TOP_PX + 60 + BAR_PX * len(compared)), top=BARS_TOP_PX)
