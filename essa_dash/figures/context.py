"""The SDG context series beside coverage: a country's trends, the Member States' latest values, a pairing.

Pure builders: a frame in, a figure out, every word (titles, labels, hover text, "no
data") made by the caller in the text layer. A context value is never drawn on a
coverage axis: the pairing chart gives each its own axis, titled with its unit.
"""

from __future__ import annotations

import math
import textwrap

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from essa_dash.figures._theme import MUTED, NO_DATA_TEXT, ChartText, frame
from essa_dash.figures.frames import DESKTOP, Frame
from essa_dash.figures.trend import columns_for
from essa_dash.schema import Context as X

#: The area in the accent colour, the region and the world as grey reference lines.
ROLE_STYLE = {
    "country": {"color": "#1d4e89", "dash": "solid", "width": 2.5},
    "region": {"color": "#52606d", "dash": "dash", "width": 1.5},
    "world": {"color": "#9aa5b1", "dash": "dot", "width": 1.5},
}
BAR_COLOUR = "#1d4e89"
PANEL_PX = 210
BAR_PX = 26


def _titles(panels: dict[str, str], cols: int, fit: Frame) -> list[str]:
    """Panel titles wrapped to their column's width (a phone's single column is narrow)."""
    chars = fit.chars(12, width=fit.width / cols - 2 * fit.side_px)
    return ["<br>".join(textwrap.wrap(title, chars)) for title in panels.values()]


def _axis_range(unit: str, values: pd.Series) -> list[float]:
    # shares and the index are read on their whole 0-100 scale; a rate gets room above its highest value
    if unit in ("percent", "index"):
        return [0, 100]
    top = values.max()
    return [0, float(top) * 1.15 if pd.notna(top) and top > 0 else 1.0]


def context_trends(
    rows: pd.DataFrame, *, panels: dict[str, str], units: dict[str, str], empty: str, text: ChartText, fit: Frame = DESKTOP
) -> go.Figure:
    """Small multiples, one panel per indicator of ``panels`` (id -> panel title), in that order.

    ``rows`` needs ``indicator``, ``role`` (country / region / world), ``country``, ``year``,
    ``value`` and ``hover``. The country's values are joined year by year (one series, one
    edition); the region and the world are reference lines. A panel without a value for
    the country says ``empty`` in it: a missing series is said, never drawn as zero.
    """
    ids = list(panels)
    cols = columns_for(len(ids), fit)
    grid_rows = max(1, math.ceil(len(ids) / cols))
    panel_px = PANEL_PX if fit.height is None else max(90, (fit.height - 190) // grid_rows)
    fig = make_subplots(
        rows=grid_rows,
        cols=cols,
        subplot_titles=_titles(panels, cols, fit),
        horizontal_spacing=0.06,
        vertical_spacing=0.45 / grid_rows if grid_rows > 1 else 0.1,
    )
    fig.update_annotations(font={"size": 12})
    # traces, axes and notes are collected and applied in one call each: plotly's per-call cost dominates otherwise
    traces, trace_rows, trace_cols, notes = [], [], [], []
    axes: dict[str, dict] = {}
    shown: set[str] = set()
    for n, indicator in enumerate(ids):
        row, col = n // cols + 1, n % cols + 1
        suffix = str(n + 1) if n else ""
        part = rows[rows[X.indicator] == indicator]
        for role, style in ROLE_STYLE.items():
            line = part[part["role"] == role]
            if line.empty:
                continue
            traces.append(
                go.Scatter(
                    x=line[X.year].astype("float64"),
                    y=line[X.value],
                    mode="lines+markers" if role == "country" else "lines",
                    name=str(line[X.country].iloc[0]),
                    legendgroup=role,
                    showlegend=role not in shown,
                    line={"color": style["color"], "dash": style["dash"], "width": style["width"]},
                    marker={"size": 5},
                    hovertemplate="%{customdata}<extra></extra>",
                    customdata=line["hover"],
                )
            )
            trace_rows.append(row)
            trace_cols.append(col)
            shown.add(role)
        empty_panel = part[part["role"] == "country"].empty
        if empty_panel:
            # in paper coordinates: plotly.js drops a reference to the domain of an axis that holds no trace
            x_domain, y_domain = fig.layout[f"xaxis{suffix}"].domain, fig.layout[f"yaxis{suffix}"].domain
            notes.append(
                {
                    "text": empty,
                    "xref": "paper",
                    "yref": "paper",
                    "x": sum(x_domain) / 2,
                    "y": sum(y_domain) / 2,
                    "showarrow": False,
                    "font": {"size": 13, "color": NO_DATA_TEXT},
                }
            )
        axes[f"yaxis{suffix}"] = {"range": _axis_range(units[indicator], part[X.value]), "gridcolor": "#eef1f4", "tickfont": {"size": 10}}
        axes[f"xaxis{suffix}"] = {"tickformat": "d", "tickfont": {"size": 10}, "showgrid": False, "showticklabels": not empty_panel}
    fig.add_traces(traces, rows=trace_rows, cols=trace_cols)
    fig.update_layout(**axes)
    for note in notes:  # one per panel without data: rarely more than two
        fig.add_annotation(**note)
    fig.update_layout(legend={"orientation": "h", "y": -0.08, "yanchor": "top", "x": 0}, hovermode="closest")
    return frame(fig, text, height=110 + panel_px * grid_rows, bottom=70, fit=fit, top_extra=24)  # the first row's panel titles


def context_bars(
    rows: pd.DataFrame, *, panels: dict[str, str], units: dict[str, str], empty: str, text: ChartText, fit: Frame = DESKTOP
) -> go.Figure:
    """Horizontal bars of the latest value of each area, one panel per indicator of ``panels``, side by side.

    ``rows`` needs ``indicator``, ``country``, ``value`` (NaN: no data), ``label`` (the
    value and its year) and ``hover``; areas are drawn in the order of the first panel's
    rows. A missing value stays missing: no bar, the words ``empty`` where it would start.
    """
    ids = list(panels)
    # side by side where there is room; one above the other on a phone
    side = len(ids) == 1 or fit.columns > 1
    fig = make_subplots(
        rows=1 if side else len(ids),
        cols=len(ids) if side else 1,
        subplot_titles=_titles(panels, len(ids) if side else 1, fit),
        shared_yaxes=side,
        horizontal_spacing=0.12,
        vertical_spacing=0.12,
    )
    fig.update_annotations(font={"size": 12})
    areas = list(dict.fromkeys(rows[X.country]))
    for n, indicator in enumerate(ids, start=1):
        part = rows[rows[X.indicator] == indicator].set_index(X.country).reindex(areas)
        fig.add_trace(
            go.Bar(
                y=areas,
                x=part[X.value],
                orientation="h",
                marker={"color": BAR_COLOUR, "line": {"width": 0}},
                text=part["label"],
                textposition="outside",
                cliponaxis=False,
                textfont={"size": 11, "color": MUTED},
                hovertemplate="%{customdata}<extra></extra>",
                customdata=part["hover"],
                showlegend=False,
            ),
            row=1 if side else n,
            col=n if side else 1,
        )
        for area in part.index[part[X.value].isna()]:
            fig.add_annotation(
                text=empty,
                x=0,
                y=area,
                xanchor="left",
                showarrow=False,
                font={"size": 11, "color": NO_DATA_TEXT},
                row=1 if side else n,
                col=n if side else 1,
            )
        # room on the right for the labels ("70.4% (2021)") beside the longest bar
        top = _axis_range(units[indicator], part[X.value])[1]
        fig.update_xaxes(range=[0, top * 1.18], row=1 if side else n, col=n if side else 1, showgrid=True, gridcolor="#eef1f4")
    fig.update_yaxes(autorange="reversed", tickfont={"size": 12})
    stacks = 1 if side else len(ids)
    return frame(fig, text, height=140 + BAR_PX * max(1, len(areas)) * stacks, bottom=50, fit=fit, top_extra=24)  # the panel titles


def pair_scatter(rows: pd.DataFrame, *, x_title: str, y_title: str, text: ChartText, fit: Frame = DESKTOP) -> go.Figure:
    """One dot per paired country: x the context value, y the coverage figure, each on its own axis.

    ``rows`` needs ``context_value``, ``coverage_pct``, ``label`` (the country and both
    years, written on the chart) and ``hover``; only rows where both values exist are
    drawn (the caller says which countries have no pair). No fitted line: the chart sets
    two series side by side and draws no relation between them.
    """
    drawn = rows[rows["context_value"].notna() & rows["coverage_pct"].notna()]
    fig = go.Figure(
        go.Scatter(
            x=drawn["context_value"],
            y=drawn["coverage_pct"],
            mode="markers+text",
            text=drawn["label"],
            textposition="top center",
            textfont={"size": 11, "color": MUTED},
            marker={"size": 11, "color": BAR_COLOUR, "line": {"color": "white", "width": 1}},
            hovertemplate="%{customdata}<extra></extra>",
            customdata=drawn["hover"],
            cliponaxis=False,
            showlegend=False,
        )
    )
    fig.update_xaxes(title={"text": x_title}, range=[0, 105], gridcolor="#eef1f4", zeroline=False)
    fig.update_yaxes(title={"text": y_title}, range=[0, 108], gridcolor="#eef1f4", zeroline=False)
    return frame(fig, text, height=540, bottom=60, fit=fit)


SPARK_WIDTH, SPARK_HEIGHT, SPARK_PAD = 120, 32, 3


def sparkline_svg(years: list[int], values: list[float], *, low: float, high: float) -> str | None:
    """A small SVG line of one series (years on x, ``low``-``high`` on y), or None with fewer than two points.

    Plain SVG text, so a tile shows a trend without a plotly graph of its own (and the
    page stays light: five tiles, no five extra graphs); the points are joined only
    within one series of one edition, as everywhere.
    """
    if len(years) < 2 or high <= low:
        return None
    first, last = min(years), max(years)
    span = max(last - first, 1)

    def point(year: int, value: float) -> str:
        x = SPARK_PAD + (year - first) / span * (SPARK_WIDTH - 2 * SPARK_PAD)
        y = SPARK_HEIGHT - SPARK_PAD - (min(max(value, low), high) - low) / (high - low) * (SPARK_HEIGHT - 2 * SPARK_PAD)
        return f"{x:.1f},{y:.1f}"

    points = " ".join(point(y, v) for y, v in sorted(zip(years, values, strict=True)))
    end = point(*max(zip(years, values, strict=True)))
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{SPARK_WIDTH}" height="{SPARK_HEIGHT}" '
        f'viewBox="0 0 {SPARK_WIDTH} {SPARK_HEIGHT}">'
        f'<polyline fill="none" stroke="{BAR_COLOUR}" stroke-width="1.8" points="{points}"/>'
        f'<circle cx="{end.split(",")[0]}" cy="{end.split(",")[1]}" r="2.5" fill="{BAR_COLOUR}"/></svg>'
    )
