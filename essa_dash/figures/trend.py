"""Trend: one risk year by year, one small panel per country, editions kept apart.

Editions revise earlier figures, so only the chosen edition's points are joined into a
line; other editions' figures are hollow markers that are never connected, within or
across editions. One panel per country avoids eleven tangled lines and lets every
panel carry the same regional and world reference lines.
"""

from __future__ import annotations

import math

import pandas as pd
import plotly.graph_objects as go

from essa_dash.figures._flags import flag_cells, hover_of, mark_of
from essa_dash.figures._grid import Panel, axes, grid, panel_title
from essa_dash.figures._theme import MUTED, ChartText, frame, risk_colour
from essa_dash.figures.frames import DESKTOP, Frame
from essa_dash.figures.slide import wrap_text
from essa_dash.schema import Coverage as C
from essa_dash.text import fmt_pct, tr
from essa_dash.text.fonts import text_px

REFERENCE_STYLE = {"region": {"color": "#52606d", "dash": "dash"}, "world": {"color": "#9aa5b1", "dash": "dot"}}
#: Other editions, oldest first: hollow shapes in a blue-grey sequence, told apart by shape as well as shade.
OTHER_SYMBOLS = ["circle-open", "square-open", "diamond-open", "triangle-up-open", "star-open", "hexagon-open"]
OTHER_COLOURS = ["#8aa2bd", "#5d7fa3", "#335c89", "#1d4e89", "#0b2e59", "#000000"]
PANEL_PX = 190
#: Above this coverage a flag mark goes under its point: the panel's name is in the headroom above 100 %.
MARK_BELOW_PCT = 85
GRID = "#eef1f4"
#: Type of a panel's "no data" / "none in <edition>" note, px.
NOTE_PX = 11
Y_TICKS = ["0%", "50%", "100%"]


def columns_for(panels: int, fit: Frame = DESKTOP) -> int:
    """Panels per row: up to four on a page (eleven countries in three rows), the frame's columns at most."""
    wanted = 1 if panels <= 1 else 2 if panels <= 4 else 3 if panels <= 6 else 4 if fit.height is None else math.ceil(panels / 2)
    return max(1, min(wanted, fit.columns))


def _hover(rows: pd.DataFrame) -> list[str]:
    """Each dated row's hover: the area, its figure and year, the edition and the source, the flags' words."""
    columns = (C.country, C.coverage_pct, C.year, C.edition, "source_title")
    flags = flag_cells(rows)
    return [
        f"<b>{area}</b><br>{fmt_pct(pct)} in {year}<br>{edition}<br>{title if isinstance(title, str) else ''}{hover_of(cell)}"
        for (area, pct, year, edition, title), cell in zip(zip(*(rows[c].tolist() for c in columns), strict=True), flags, strict=True)
    ]


def _thinned(marks: list[str]) -> list[str]:
    """``marks`` with each mark that follows a marked point dropped: one mark per run of flagged points."""
    out, before = [], ""
    for mark in marks:
        out.append(mark if mark and not before else "")
        before = mark
    return out


def edition_trend(rows: pd.DataFrame, *, edition: str, text: ChartText, fit: Frame = DESKTOP) -> go.Figure:
    """Small multiples of ``rows`` (as :func:`essa_dash.query.risk.trend` gives), one panel per country.

    Needs ``role`` (country / region / world), ``country``, ``risk``, ``edition``,
    ``year``, ``coverage_pct`` and ``source_title``, plus ``published`` to order the
    other editions. ``edition``'s points are joined per country; the regional and world
    figures of ``edition`` are dashed lines in every panel; other editions are unjoined
    hollow markers, one legend entry each. A country row with NaN year and coverage
    stands for "no figure in any edition" and gets an empty panel that says so.
    """
    countries = list(dict.fromkeys(rows.loc[rows["role"] == "country", C.country]))
    cols = columns_for(len(countries), fit)
    grid_rows = max(1, math.ceil(len(countries) / cols))
    # panels reflow to the frame's columns; a frame with a fixed height shares it among the rows
    panel_px = PANEL_PX if fit.height is None else max(90, (fit.height - 190) // grid_rows)
    panels = grid(len(countries), cols, h_spacing=0.045 if cols > 2 else 0.08, v_spacing=0.35 / grid_rows if grid_rows > 1 else 0.1)
    # each country's name inside its panel's top left, in the headroom above 100 %: never in the legend's way
    notes = [panel_title(p, country, inside=True, size=13) for p, country in zip(panels, countries, strict=False)]
    # a note stays within its panel: the plot is the frame's width less its sides and the first column's ticks
    plot_px = fit.width - 2 * fit.side_px - max(text_px(tick, 13) for tick in Y_TICKS)
    dated = rows[rows[C.year].notna() & rows[C.coverage_pct].notna()]
    colour = risk_colour(rows[C.risk].iloc[0] if len(rows) else "")  # an empty selection still draws its frame
    others = list(dated.loc[dated[C.edition] != edition].sort_values("published")[C.edition].drop_duplicates())
    shown: set[str] = set()

    def legend_once(name: str) -> bool:
        first = name not in shown
        shown.add(name)
        return first

    traces: list[dict] = []

    # arrays and lists, not Series: the figure is made without validators (essa_dash.figures.spec), so a Series would
    # reach serialisation, which converts each through narwhals (~0.7 ms apiece, about 50 in a trend chart)
    def add(trace: dict, panel: Panel) -> None:
        traces.append({"type": "scatter", **trace, "xaxis": panel.x, "yaxis": panel.y})

    # the dated rows read once (hovers and marks for all traces), then split as positions: each country's rows by edition,
    # the region's and the world's in the chosen edition (a mask per panel and edition cost more than the panels' traces,
    # and a pandas groupby copied every part)
    years, pcts, areas = dated[C.year].to_numpy(), dated[C.coverage_pct].to_numpy(), dated[C.country].tolist()
    hovers, marks = _hover(dated), [mark_of(cell).strip() for cell in flag_cells(dated)]
    by_country: dict[str, dict[str, list[int]]] = {}
    references: dict[str, list[int]] = {role: [] for role in REFERENCE_STYLE}
    for i, (role, area, of) in enumerate(zip(dated["role"].tolist(), areas, dated[C.edition].tolist(), strict=True)):
        if role == "country":
            by_country.setdefault(area, {}).setdefault(of, []).append(i)
        elif role in references and of == edition:
            references[role].append(i)
    for panel, country in zip(panels, countries, strict=False):
        editions = by_country.get(country, {})
        for role, ref in references.items():
            if not ref:
                continue
            name = f"{areas[ref[0]]} ({edition})"
            add(
                dict(
                    name=name,
                    legendgroup=role,
                    showlegend=legend_once(name),
                    x=years[ref],
                    y=pcts[ref],
                    mode="lines",
                    line={"width": 1.5, **REFERENCE_STYLE[role]},
                    customdata=[hovers[i] for i in ref],
                    hovertemplate="%{customdata}<extra></extra>",
                ),
                panel,
            )
        for k, other in enumerate(others):
            part = editions.get(other)
            if not part:
                continue
            name = tr("{edition} (not joined)", edition=other)
            add(
                dict(
                    name=name,
                    legendgroup=other,
                    showlegend=legend_once(name),
                    x=years[part],
                    y=pcts[part],
                    mode="markers",
                    marker={
                        "symbol": OTHER_SYMBOLS[k % len(OTHER_SYMBOLS)],
                        "size": 8,
                        "color": OTHER_COLOURS[k % len(OTHER_COLOURS)],
                        "line": {"width": 1.5},
                    },
                    customdata=[hovers[i] for i in part],
                    hovertemplate="%{customdata}<extra></extra>",
                ),
                panel,
            )
        chosen = editions.get(edition, [])
        if chosen:
            name = tr("{edition}, joined by year", edition=edition)
            add(
                dict(
                    name=name,
                    legendgroup="chosen",
                    showlegend=legend_once(name),
                    x=years[chosen],
                    y=pcts[chosen],
                    mode="lines+markers+text",
                    # a flagged figure: the mark beside its point, under it near 100 % (beside it, the mark reached
                    # up into the panel's name on slides); in a run of flagged years only the first is marked, so
                    # marks never overprint (hover says each)
                    text=_thinned([marks[i] for i in chosen]),
                    textposition=["bottom right" if pcts[i] > MARK_BELOW_PCT else "middle right" for i in chosen],
                    line={"color": colour, "width": 2.5},
                    marker={"color": colour, "size": 7, "line": {"color": "white", "width": 1}},
                    customdata=[hovers[i] for i in chosen],
                    hovertemplate="%{customdata}<extra></extra>",
                ),
                panel,
            )
        if not chosen:
            note = tr("no data") if not editions else tr("none in {edition}", edition=edition)
            # wrapped to its panel ("none in UN SDG DB 2018-10" in Burmese ran into the next panel on a slide)
            lines = wrap_text(note, (panel.x_domain[1] - panel.x_domain[0]) * plot_px, NOTE_PX)
            notes.append(
                {
                    "text": "<br>".join(lines),
                    "x": 0.5,
                    "y": 0.5 if not editions else 0.6,  # below the panel's name even in a short slide panel
                    "xref": f"{panel.x} domain",
                    "yref": f"{panel.y} domain",
                    "showarrow": False,
                    "font": {"size": NOTE_PX, "color": MUTED},
                }
            )
    years = dated[C.year].astype("float64")
    low, high = (years.min(), years.max()) if len(years) else (2000.0, 2025.0)
    x_axis = {
        "range": [low - 1, high + 1],
        "nticks": 5,
        "tickformat": "d",
        "gridcolor": "#eef1f4",
        "showline": True,
        "linecolor": "#d9dee3",
    }
    # from below zero, so that a 0% figure sits above the axis line and its label clear of the first year's;
    # up to 122 for the country's name
    y_axis = {"range": [-8, 122], "tickvals": [0, 50, 100], "ticktext": Y_TICKS, "gridcolor": GRID}
    layout = axes(panels, x_axis, y_axis)
    for panel in panels:
        layout[panel.yaxis]["showticklabels"] = panel.col == 0
    layout["annotations"] = notes
    fig = {"data": traces, "layout": layout}
    # the legend sits under the subtitle (frame places it), above the panels
    return frame(fig, text, height=110 + panel_px * grid_rows, fit=fit)
