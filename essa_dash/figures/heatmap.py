"""Country x risk heatmap of coverage, with 'no data' cells that cannot be mistaken for zero."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from essa_dash.figures._flags import flag_hover, flag_mark
from essa_dash.figures._theme import COVERAGE_SCALE, NO_DATA, ChartText, frame, no_data_note
from essa_dash.figures.frames import DESKTOP, Frame
from essa_dash.schema import Coverage as C
from essa_dash.text import fmt_pcts, tr

#: Room above the cells for the risks' names (the x axis is on top).
TOP_TICKS_PX = 26
#: A cell this tall (layout px) holds the value and its year on two lines.
TWO_LINES_PX = 34


#: Frames narrower than this (a phone) get the compact grid.
NARROW_PX = 500
#: The upright risk names of the compact grid: the longest ("Unemployment") at the tick font.
UPRIGHT_TICKS_PX = 64


def coverage_heatmap(grid: pd.DataFrame, *, text: ChartText, fit: Frame = DESKTOP) -> go.Figure:
    """Heatmap of ``grid`` (one row per cell, as :func:`essa_dash.query.heatmap_grid` gives).

    The frame must hold ``country``, ``risk_label``, ``coverage_pct`` (NaN = no data),
    ``year``, ``edition`` and ``source_title``; row and column order follow the frame.
    Each cell shows its value and year; a missing cell is null in the figure's data,
    drawn as a grey rectangle (a shape) with the words "no data" (an annotation), so it
    is never coloured as, or read as, a low value.
    """
    countries = list(dict.fromkeys(grid[C.country]))
    risks = list(dict.fromkeys(grid["risk_label"]))
    missing = grid[C.coverage_pct].isna()
    value = fmt_pcts(grid[C.coverage_pct])  # str even when the grid is empty
    year = grid[C.year].astype("str")
    # the year under the value, or beside it where the frame's height leaves cells too short for two lines
    cell_px = (fit.height - 180) / max(1, len(countries)) if fit.height else 40
    gap = "<br>" if cell_px >= TWO_LINES_PX else " "
    # a phone's cells are about 28 px wide: the value and its year in small type,
    # risk names written upwards (room for them above the grid), no colour scale beside it
    narrow = fit.width < NARROW_PX
    year_px = 7 if narrow else 10
    shown = value + flag_mark(grid) + gap + f"<span style='font-size:{year_px}px'>" + year + "</span>"
    cells = grid.assign(
        _text=shown.where(~missing, ""),
        _hover=(
            "<b>"
            + grid[C.country]
            + "</b> · "
            + grid["risk_label"]
            + "<br>"
            + (
                pd.Series([tr("{value} covered in {year}", value=v, year=y) for v, y in zip(value, year, strict=True)], index=grid.index)
                + "<br>"
                + grid[C.edition]
                + "<br>"
                + grid["source_title"].fillna("")
                + flag_hover(grid)
            ).where(~missing, grid[C.edition].map(lambda e: tr("no data in {edition}", edition=e)))
        ),
    ).set_index([C.country, "risk_label"])

    def matrix(column: str) -> list[list[object]]:
        return cells[column].unstack("risk_label").reindex(index=countries, columns=risks).to_numpy().tolist()

    # a missing cell: null z (plotly leaves it uncoloured and still answers hover on it,
    # with the cell's "no data in <edition>"), a grey rectangle behind it and the words on it
    gaps = grid.loc[missing, [C.country, "risk_label"]]
    shapes, notes = [], []
    for country, risk in zip(gaps[C.country], gaps["risk_label"], strict=True):
        x, y = risks.index(risk), countries.index(country)
        shapes.append(
            {
                "type": "rect",
                "x0": x - 0.5,
                "x1": x + 0.5,
                "y0": y - 0.5,
                "y1": y + 0.5,
                "fillcolor": NO_DATA,
                "line": {"width": 2, "color": "white"},  # the cells' 2 px gap
                "layer": "below",
            }
        )
        note = no_data_note(x=x, y=y, hover=None, xanchor="center", xshift=0)  # the cell below answers hover
        if narrow:
            note = {**note, "text": tr("no<br>data"), "font": {**note.get("font", {}), "size": 8}}
        notes.append(note)
    heatmap = {
        "type": "heatmap",
        "x": risks,
        "y": countries,
        "xgap": 2,
        "ygap": 2,
        "z": [[None if pd.isna(v) else v for v in row] for row in matrix(C.coverage_pct)],
        "zmin": 0,
        "zmax": 100,
        "colorscale": COVERAGE_SCALE,
        "text": matrix("_text"),
        "texttemplate": "%{text}",
        "textfont": {"size": 8 if narrow else 12},
        "customdata": matrix("_hover"),
        "hovertemplate": "%{customdata}<extra></extra>",
        "hoverongaps": True,
        "colorbar": {"title": {"text": tr("% covered"), "side": "right"}, "ticksuffix": "%", "thickness": 12, "len": 0.8},
        # on a phone every cell prints its value: the scale would take a fifth of the width
        "showscale": not narrow,
        "name": "coverage",
    }
    layout = {
        "xaxis": {"side": "top", "tickangle": -90 if narrow else 0, "showgrid": False, "zeroline": False},
        # cell rows top-down in frame order; the numeric positions of the gaps count rows from the top
        "yaxis": {"autorange": "reversed", "showgrid": False, "zeroline": False, "ticksuffix": "  "},
        "shapes": shapes,
        "annotations": notes,
    }
    # the risks' names sit on top of the cells: room for them under the title block
    ticks = TOP_TICKS_PX + (UPRIGHT_TICKS_PX if narrow else 0)
    return frame({"data": [heatmap], "layout": layout}, text, height=100 + 40 * len(countries), fit=fit, top_extra=ticks)
