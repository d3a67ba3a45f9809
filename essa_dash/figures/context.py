"""The SDG context series beside coverage: a country's trends, the Member States' latest values, a pairing.

Pure builders: a frame in, a figure out, every word (titles, labels, hover text, "no
data") made by the caller in the text layer. A context value is never drawn on a
coverage axis: the pairing chart gives each its own axis, titled with its unit.
"""

from __future__ import annotations

import math

import pandas as pd
import plotly.graph_objects as go

from essa_dash.figures._grid import Panel, axes, panel_title
from essa_dash.figures._theme import (
    BLOCK_GAP_PX,
    FONT_FAMILY,
    LEGEND_ROW_PX,
    MUTED,
    NO_DATA_TEXT,
    TOP_PAD_PX,
    ChartText,
    axis_end,
    frame,
    legend_rows,
    names_px,
)
from essa_dash.figures.frames import DESKTOP, LINE_EM, Frame
from essa_dash.figures.trend import columns_for
from essa_dash.schema import Context as X
from essa_dash.text.fonts import taller_than_latin, text_px
from essa_dash.text.wrap import wrap

#: The area in the accent colour, the region and the world as grey reference lines.
ROLE_STYLE = {
    "country": {"color": "#1d4e89", "dash": "solid", "width": 2.5},
    "region": {"color": "#52606d", "dash": "dash", "width": 1.5},
    "world": {"color": "#9aa5b1", "dash": "dot", "width": 1.5},
}
BAR_COLOUR = "#1d4e89"
PANEL_PX = 190
BAR_PX, TWO_LINE_BAR_PX = 26, 34
#: Type of the value labels beside bars and dots, px; the most of a bar panel's width its labels may take.
LABEL_PX, LABEL_MOST = 11, 0.5
#: A panel title's type, px; the band under a panel for its x tick labels (10 px digits and their standoff), px.
TITLE_PX, TICKS_PX = 12, 26
#: Estimated width of the y tick labels left of a panel ("100", "80"), px.
Y_TICKS_PX = 30
#: Numbers are drawn in the Latin fonts in every language: a script's taller line box (Burmese) is for its words.
NUMBERS = {"family": FONT_FAMILY}
GRID_COLOUR = "#eef1f4"
#: Units read on their whole 0-100 scale.
BOUNDED = ("percent", "index")


def _panels(
    titles: list[str], cols: int, fit: Frame, *, plot_px: float, panel_px: float | None, h_spacing: float, left_px: float = Y_TICKS_PX
) -> tuple[list[Panel], list[dict], float]:
    """A grid of panels, each with its title in a band of the plot area right above it; (panels, titles, plot px).

    The titles stay inside the plot area, so nothing of the chart reaches above it but the
    legend, which :func:`frame` (and the slide theme) keep room for under the subtitle.
    ``panel_px``: each panel's height, and the plot grows to hold them (a page); None: the
    panels share ``plot_px`` (a frame of fixed height). Titles wrap to their panel's width
    (between words, in every script; ``left_px``: what stands left of the first column) and take the line
    boxes their script needs.
    """
    rows = max(1, math.ceil(len(titles) / cols))
    share = (1 - (cols - 1) * h_spacing) / cols
    chars = fit.chars(TITLE_PX, width=(fit.width - 2 * fit.side_px - left_px) * share)
    wrapped = [wrap(title, chars) for title in titles]
    rise, fall = taller_than_latin()
    bands = [
        max(len(lines) for lines in wrapped[r * cols : (r + 1) * cols]) * TITLE_PX * LINE_EM + (rise + fall) * TITLE_PX + 4
        for r in range(rows)
    ]
    if panel_px is not None:
        plot_px = sum(bands) + rows * panel_px + (rows - 1) * TICKS_PX
    height = max(40.0, (plot_px - sum(bands) - (rows - 1) * TICKS_PX) / rows)
    panels, notes = [], []
    for n, lines in enumerate(wrapped):
        row, col = divmod(n, cols)
        upper = (plot_px - sum(bands[: row + 1]) - row * (height + TICKS_PX)) / plot_px
        x0 = col * (share + h_spacing)
        suffix = str(n + 1) if n else ""
        x_domain = (round(x0, 6), min(1.0, round(x0 + share, 6)))
        y_domain = (max(0.0, round(upper - height / plot_px, 6)), round(upper, 6))
        panel = Panel(n, row, col, f"x{suffix}", f"y{suffix}", x_domain, y_domain)
        panels.append(panel)
        notes.append({**panel_title(panel, "<br>".join(lines), size=TITLE_PX), "yshift": 2, "align": "left"})
    return panels, notes, plot_px


def _axis_range(unit: str, values: pd.Series) -> list[float]:
    # shares and the index are read on their whole 0-100 scale; a rate gets room above its highest value
    if unit in BOUNDED:
        return [0, 100]
    top = values.max()
    return [0, float(top) * 1.15 if pd.notna(top) and top > 0 else 1.0]


def _page_height(plot_px: float, fit: Frame, *, bottom: int, legend: bool) -> int:
    """The ``height`` to ask :func:`frame` for so that its plot area is ``plot_px`` tall (with one-line texts; it adds the rest)."""
    one_line = TOP_PAD_PX + fit.line_px(fit.title_px) + fit.line_px(fit.subtitle_px) + fit.line_px(fit.source_px)
    return math.ceil(plot_px + one_line + (BLOCK_GAP_PX if legend else 0) + bottom)


def _fixed_plot_px(fit: Frame, text: ChartText, *, bottom: int, legend: list[str]) -> float:
    """The plot area's height in a frame of fixed height, estimated (the slide theme redoes the margins)."""
    rise, fall = taller_than_latin()
    title = len(wrap(text.title, fit.chars(fit.title_px, bold=True))) * fit.line_px(fit.title_px)
    subtitle = len(wrap(text.subtitle, fit.chars(fit.subtitle_px))) * fit.line_px(fit.subtitle_px)
    source = (len(wrap(text.source, fit.chars(fit.source_px))) + 1) * fit.line_px(fit.source_px)
    top = TOP_PAD_PX + (rise + 0.5) * fit.title_px + title + subtitle + fall * fit.subtitle_px + 2 * BLOCK_GAP_PX
    top += legend_rows(legend, fit) * LEGEND_ROW_PX
    return float(fit.height or 0) - top - bottom - source


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
    legend = [str(rows.loc[rows["role"] == role, X.country].iloc[0]) for role in ROLE_STYLE if (rows["role"] == role).any()]
    bottom = 60
    # a little short: the panels' title bands, a share of it, then come out a little taller than they need, never shorter
    plot_px = 0.9 * _fixed_plot_px(fit, text, bottom=bottom, legend=legend) if fit.height is not None else 0.0
    grid, notes, plot_px = _panels(
        list(panels.values()), cols, fit, plot_px=plot_px, panel_px=PANEL_PX if fit.height is None else None, h_spacing=0.06
    )
    traces: list[dict] = []
    layout: dict = {}
    shown: set[str] = set()
    for panel, indicator in zip(grid, ids, strict=True):
        part = rows[rows[X.indicator] == indicator]
        for role, style in ROLE_STYLE.items():
            line = part[part["role"] == role]
            if line.empty:
                continue
            traces.append(
                {
                    "type": "scatter",
                    "x": line[X.year].astype("float64").tolist(),
                    "y": line[X.value].tolist(),
                    "xaxis": panel.x,
                    "yaxis": panel.y,
                    "mode": "lines+markers" if role == "country" else "lines",
                    "name": str(line[X.country].iloc[0]),
                    "legendgroup": role,
                    "legendrank": list(ROLE_STYLE).index(role) + 1,  # the country first, whichever panel it first appears in
                    "showlegend": role not in shown,
                    "line": {"color": style["color"], "dash": style["dash"], "width": style["width"]},
                    "marker": {"size": 5},
                    "hovertemplate": "%{customdata}<extra></extra>",
                    "customdata": line["hover"].tolist(),
                }
            )
            shown.add(role)
        empty_panel = part[part["role"] == "country"].empty
        if empty_panel:
            # in paper coordinates: plotly.js drops a reference to the domain of an axis that holds no trace
            notes.append(
                {
                    "text": empty,
                    "xref": "paper",
                    "yref": "paper",
                    "x": sum(panel.x_domain) / 2,
                    "y": sum(panel.y_domain) / 2,
                    "showarrow": False,
                    "font": {"size": 13, "color": NO_DATA_TEXT},
                    "bgcolor": "rgba(255,255,255,0.85)",  # read over the region's and the world's lines, which it lies on
                }
            )
        low, high = _axis_range(units[indicator], part[X.value])
        # from a little below zero: the "0" stands clear of the first year's label under it
        layout.update(
            axes(
                [panel],
                {"tickformat": "d", "tickfont": {"size": 10, **NUMBERS}, "showgrid": False, "showticklabels": not empty_panel, "nticks": 6},
                {
                    "range": [low - 0.06 * (high - low), high],
                    "gridcolor": GRID_COLOUR,
                    "tickfont": {"size": 10, **NUMBERS},
                    "zeroline": False,
                },
            )
        )
    layout.update(annotations=notes, hovermode="closest", showlegend=True)
    height = _page_height(plot_px, fit, bottom=bottom, legend=bool(legend))
    return frame({"data": traces, "layout": layout}, text, height=height, bottom=bottom, fit=fit)


def _bar_labels(labels: pd.Series, panel_px: float) -> tuple[list[str], float]:
    """The labels beside the bars (NaN: no bar, no label), and the share of the panel the widest takes.

    A label that would take more than :data:`LABEL_MOST` of its panel ("9.6 per 100,000
    employees (2017)" on a phone) goes on two lines, between words; the rows are then taller.
    """
    known = [str(label) for label in labels.dropna()]
    if max((text_px(label, LABEL_PX) for label in known), default=0.0) > LABEL_MOST * panel_px:
        split = {label: "<br>".join(wrap(label, math.ceil(len(label) / 2) + 1)) for label in known}
    else:
        split = {label: label for label in known}
    widest = max((text_px(line, LABEL_PX) for label in split.values() for line in label.split("<br>")), default=0.0)
    share = min(LABEL_MOST, (widest + 6) / max(1.0, panel_px))
    return ["" if pd.isna(label) else split[str(label)] for label in labels], share


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
    cols = len(ids) if side else 1
    areas = list(dict.fromkeys(rows[X.country]))
    bottom = 50
    plot_px = 0.9 * _fixed_plot_px(fit, text, bottom=bottom, legend=[]) if fit.height is not None else 0.0
    h_spacing = 0.06
    # one panel's plot: the frame's width less the area names left of the first, shared by the panels of a row
    names = names_px(areas)
    width_px = (fit.width - 2 * fit.side_px - names) * (1 - (cols - 1) * h_spacing) / cols
    parts = {i: rows[rows[X.indicator] == i].set_index(X.country).reindex(areas) for i in ids}
    labels = {i: _bar_labels(part["label"].where(part[X.value].notna()), width_px) for i, part in parts.items()}
    two_lines = any("<br>" in label for texts, _ in labels.values() for label in texts)
    grid, notes, plot_px = _panels(
        list(panels.values()),
        cols,
        fit,
        plot_px=plot_px,
        panel_px=(TWO_LINE_BAR_PX if two_lines else BAR_PX) * max(1, len(areas)) if fit.height is None else None,
        h_spacing=h_spacing,
        left_px=names,
    )
    traces: list[dict] = []
    layout: dict = {}
    for panel, indicator in zip(grid, ids, strict=True):
        part = parts[indicator]
        traces.append(
            {
                "type": "bar",
                "y": areas,
                "x": [None if pd.isna(v) else float(v) for v in part[X.value]],
                "xaxis": panel.x,
                "yaxis": panel.y,
                "orientation": "h",
                "marker": {"color": BAR_COLOUR, "line": {"width": 0}},
                "text": labels[indicator][0],
                "textposition": "outside",
                "cliponaxis": False,
                "textfont": {"size": LABEL_PX, "color": MUTED, **NUMBERS},
                "hovertemplate": "%{customdata}<extra></extra>",
                "customdata": part["hover"].tolist(),
                "showlegend": False,
            }
        )
        notes += [
            {
                "text": empty,
                "x": 0,
                "y": area,
                "xref": panel.x,
                "yref": panel.y,
                "xanchor": "left",
                "showarrow": False,
                "font": {"size": 11, "color": NO_DATA_TEXT},
            }
            for area in part.index[part[X.value].isna()]
        ]
        # room on the right for the labels ("70.4% (2021)") beside the longest bar, from the panel's width in the frame
        room = labels[indicator][1]
        top = _axis_range(units[indicator], part[X.value])[1]
        layout.update(
            axes(
                [panel],
                {
                    "range": [0, axis_end(top, room)],
                    # a share or the index ends at 100: no tick past it in the labels' room
                    **({"tickvals": [0, 50, 100] if width_px < 300 else [0, 25, 50, 75, 100]} if units[indicator] in BOUNDED else {}),
                    "showgrid": True,
                    "gridcolor": GRID_COLOUR,
                    "tickfont": {"size": 11, **NUMBERS},
                },
                {"autorange": "reversed", "tickfont": {"size": 12}, "showticklabels": panel.col == 0, "type": "category"},
            )
        )
    layout.update(annotations=notes, showlegend=False)
    height = _page_height(plot_px, fit, bottom=bottom, legend=False)
    return frame({"data": traces, "layout": layout}, text, height=height, bottom=bottom, fit=fit)


#: Where a dot's label may go, in order of preference, as (plotly textposition, x side, y side): -1 left/below,
#: 0 centred, 1 right/above of the dot.
LABEL_PLACES = (
    ("top center", 0, 1),
    ("bottom center", 0, -1),
    ("middle right", 1, 0),
    ("middle left", -1, 0),
    ("top right", 1, 1),
    ("top left", -1, 1),
    ("bottom right", 1, -1),
    ("bottom left", -1, -1),
)
DOT_PX = 11
#: The y axis's title and tick labels left of the pairing chart's plot, px; its axis titles' type (plotly's default: 14).
PAIR_LEFT_PX, AXIS_TITLE_PX = 56, 14
#: The pairing chart's value axes, in their units (per cent): from a little below zero, so that the two axes'
#: "0" labels do not meet in the corner.
PAIR_X, PAIR_Y = (0.0, 105.0), (-6.0, 108.0)
PAIR_TICKS = (0, 20, 40, 60, 80, 100)


Box = tuple[float, float, float, float]


def _overlap(a: Box, b: Box) -> float:
    """The area two boxes (left, bottom, right, top) share, px²."""
    return max(0.0, min(a[2], b[2]) - max(a[0], b[0])) * max(0.0, min(a[3], b[3]) - max(a[1], b[1]))


def _label_places(xs: list[float], ys: list[float], labels: list[str], width: float, height: float) -> list[str]:
    """A textposition for each dot's label, so that no two labels overlap, none covers a dot or leaves the plot.

    Each label takes the first place of :data:`LABEL_PLACES` that is clear of the dots, of the
    plot's edges and of the other labels, else the least crowded one; a few rounds let two
    close dots settle on places that suit both (one above, one below). ``xs`` and ``ys``
    are the dots in plot px from the bottom left, ``width`` x ``height`` the plot; the boxes
    are estimated a little large, as the plot's size is.
    """
    rise, fall = taller_than_latin()
    tall = LABEL_PX * (1.0 + rise + fall) + 6  # the line's ink and some air
    gap = DOT_PX / 2 + 2
    dots = [(x - gap, y - gap, x + gap, y + gap) for x, y in zip(xs, ys, strict=True)]
    candidates: list[list[tuple[str, Box]]] = []
    for x, y, label in zip(xs, ys, labels, strict=True):
        wide = text_px(label, LABEL_PX) + 10
        places = []
        for name, side_x, side_y in LABEL_PLACES:
            left = x - wide / 2 if side_x == 0 else x + gap if side_x > 0 else x - gap - wide
            low = y - tall / 2 if side_y == 0 else y + gap if side_y > 0 else y - gap - tall
            places.append((name, (left, low, left + wide, low + tall)))
        candidates.append(places)
    chosen: dict[int, Box] = {}

    def crowding(n: int, box: Box) -> float:
        outside = max(0.0, -box[0]) + max(0.0, box[2] - width) + max(0.0, box[3] - height) + max(0.0, -box[1])
        others = sum(_overlap(box, other) for k, other in chosen.items() if k != n)
        return outside * tall * 4 + others + sum(_overlap(box, dot) for k, dot in enumerate(dots) if k != n)

    out = [""] * len(xs)
    for _ in range(4):  # from the left; then again, each label against where the others went
        for n in sorted(range(len(xs)), key=lambda k: xs[k]):
            scored = [(crowding(n, box), name, box) for name, box in candidates[n]]
            best = next((s for s in scored if s[0] == 0), min(scored, key=lambda s: s[0]))
            out[n], chosen[n] = best[1], best[2]
    return out


def pair_scatter(rows: pd.DataFrame, *, x_title: str, y_title: str, text: ChartText, fit: Frame = DESKTOP) -> go.Figure:
    """One dot per paired country: x the context value, y the coverage figure, each on its own axis.

    ``rows`` needs ``context_value``, ``coverage_pct``, ``label`` (the country and both
    years, written on the chart) and ``hover``; only rows where both values exist are
    drawn (the caller says which countries have no pair). No fitted line: the chart sets
    two series side by side and draws no relation between them. Each label goes where it
    is clear of the others (close dots: Cambodia and Myanmar), measured in the frame's px.
    """
    drawn = rows[rows["context_value"].notna() & rows["coverage_pct"].notna()]
    rise, fall = taller_than_latin()
    width = fit.width - 2 * fit.side_px - PAIR_LEFT_PX
    # the x title wraps to the plot's width (a phone's is narrower than "Informal employment, % of employment")
    x_lines = wrap(x_title, max(8, math.floor(len(x_title) * width / max(1.0, text_px(x_title, AXIS_TITLE_PX)))))
    bottom = math.ceil(44 + len(x_lines) * 13 * LINE_EM + (rise + fall) * 13)
    height = _fixed_plot_px(fit, text, bottom=bottom, legend=[]) if fit.height is not None else 420.0
    xs = [(v - PAIR_X[0]) / (PAIR_X[1] - PAIR_X[0]) * width for v in drawn["context_value"]]
    ys = [(v - PAIR_Y[0]) / (PAIR_Y[1] - PAIR_Y[0]) * height for v in drawn["coverage_pct"]]
    places = _label_places(xs, ys, [str(label) for label in drawn["label"]], width, height)
    fig = {
        "data": [
            {
                "type": "scatter",
                "x": drawn["context_value"].tolist(),
                "y": drawn["coverage_pct"].tolist(),
                "mode": "markers+text",
                "text": drawn["label"].tolist(),
                "textposition": places,
                "textfont": {"size": LABEL_PX, "color": MUTED},
                "marker": {"size": DOT_PX, "color": BAR_COLOUR, "line": {"color": "white", "width": 1}},
                "hovertemplate": "%{customdata}<extra></extra>",
                "customdata": drawn["hover"].tolist(),
                "cliponaxis": False,
                "showlegend": False,
            }
        ],
        "layout": {
            "xaxis": {
                "title": {"text": "<br>".join(x_lines)},
                "range": list(PAIR_X),
                "gridcolor": GRID_COLOUR,
                "zeroline": False,
                "tickfont": NUMBERS,
            },
            "yaxis": {
                "title": {"text": y_title},
                "range": list(PAIR_Y),
                # written out: frame() then knows what stands left of the plot, and wraps the source in the plot's width
                "tickvals": list(PAIR_TICKS),
                "ticktext": [str(tick) for tick in PAIR_TICKS],
                "gridcolor": GRID_COLOUR,
                "zeroline": False,
                "tickfont": NUMBERS,
            },
        },
    }
    return frame(fig, text, height=_page_height(height, fit, bottom=bottom, legend=False), bottom=bottom, fit=fit)


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
