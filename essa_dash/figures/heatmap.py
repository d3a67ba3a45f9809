"""Country x risk heatmap of coverage, with 'no data' cells that cannot be mistaken for zero.

Plotly neither wraps nor shrinks tick labels or cell text: left to itself it lets the
risks' names run into each other over narrow columns (Malay's "Sekurang-kurangnya satu",
Filipino's "Kawalan ng trabaho") and "walang datos" run out of its grey cell. So the
builder estimates each column's width for its frame and writes every text to fit it:
names wrapped between words (ICU's word boundaries in Thai, Khmer, Lao and Burmese) or
after a hyphen, shrunk down to :data:`MIN_NAME_PX` if a word is still too long; values
and the "no data" words shrunk, and wrapped in a cell tall enough for two lines. On a
phone the grid is two panels of half the risks each, so a column is wide enough for a value.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd
import plotly.graph_objects as go

from essa_dash.figures._flags import flag_hover, flag_mark
from essa_dash.figures._theme import COVERAGE_SCALE, FONT_FAMILY, NO_DATA, ChartText, frame, no_data_note
from essa_dash.figures.frames import DESKTOP, LINE_EM, Frame
from essa_dash.schema import Coverage as C
from essa_dash.text import fmt_pcts, tr
from essa_dash.text.fonts import line_box, taller_than_latin, text_px
from essa_dash.text.wrap import wrap

#: A cell this tall (layout px) holds the value and its year on two lines.
TWO_LINES_PX = 34
#: Frames narrower than this (a phone) get the compact grid: two panels, names upright, no colour scale.
NARROW_PX = 500
#: The risks' names over the columns: the page's body type, shrunk to fit down to this, px (smaller is not read).
NAME_PX, MIN_NAME_PX = 13, 9
#: Lines a risk's name may take over its column; upright on a phone, lines side by side across the column.
NAME_LINES = 3
#: From the names to the cells (plotly's tick padding) and between a phone's two panels, px.
NAME_GAP_PX, PANEL_GAP_PX = 9, 14
#: Share of a column's width its texts may fill: the cell gap takes 2 px, and text is not drawn edge to edge.
FILL = 0.92
#: Room the colour scale takes right of the cells (bar, "100%", its title written upwards), px: measured 97.
SCALE_PX = 100
#: A phone's country names: smaller type, two lines at most of this many characters.
PHONE_NAME_PX, PHONE_NAME_CHARS = 11, 11
#: Row height of a phone's grid, px: two lines of country name, or a value over its year.
PHONE_ROW_PX = 36
#: Type of a value in its cell (a page's, a phone's), px, and its year's share of it; the smallest a value is shrunk to.
VALUE_PX, PHONE_VALUE_PX, YEAR_SHARE, MIN_VALUE_PX = 12, 10, 10 / 12, 7
#: The "no data" words in a cell: their size and the smallest they are shrunk to, px.
NOTE_PX, MIN_NOTE_PX = 11, 7


@dataclass(frozen=True)
class Names:
    """How a panel's risk names sit over its columns: the lines of each, their type and the room they take."""

    ticktext: list[str]
    size: float
    angle: int
    #: height the names take above the cells, px
    px: int
    #: from the names to the cells, px, past plotly's own padding: a script's line box reaching below Latin's
    standoff: int = 0


def fit_lines(text: str, width: float, size: float, most: int) -> list[str] | None:
    """``text`` in at most ``most`` lines that are each at most ``width`` px wide at ``size`` px, as few lines as that
    allows (broken between words, or after a hyphen); None if it cannot be done."""
    for chars in range(len(text), 0, -1):
        lines = wrap(text, chars, hyphens=True)
        if len(lines) > most:
            return None
        if all(text_px(line, size) <= width for line in lines):
            return lines
    return None


def narrowest(text: str, size: float) -> list[str]:
    """``text`` broken at every point where a line may end whose widest line is the narrowest (a word too long for
    its column at the smallest type: as little past the column as its words allow)."""
    return min(
        (wrap(text, chars, hyphens=True) for chars in range(len(text), 0, -1)), key=lambda lines: max(text_px(x, size) for x in lines)
    )


def column_names(risks: list[str], column_px: float, *, upright: bool) -> Names:
    """The risks' names laid out over columns ``column_px`` wide.

    Across (desktop, embed, slide): each name wrapped to the column's width, between
    words or after a hyphen, in at most :data:`NAME_LINES` lines, at the largest type
    from :data:`NAME_PX` down to :data:`MIN_NAME_PX` at which every name fits. Upright
    (a phone): the lines of a name stand side by side across the column, as many as fit,
    each as short as they allow, so the names take as little height as they can.
    """
    room = column_px * FILL
    if upright:
        size = PHONE_NAME_PX
        most = max(1, min(NAME_LINES, math.floor(room / (size * LINE_EM))))
        # the least height with which no name needs more lines than stand side by side (the longest name's
        # shortest lines); then each name in as few lines as that height allows ("Kahit isa" stays one line)
        shortest = []
        for risk in risks:
            for chars in range(1, len(risk) + 1):
                if len(lines := wrap(risk, chars, hyphens=True)) <= most:
                    break
            shortest.append(lines)
        height = max((text_px(line, size) for lines in shortest for line in lines), default=0)
        wrapped = [fit_lines(r, height, size, most) or lines for r, lines in zip(risks, shortest, strict=True)]
        return Names(["<br>".join(n) for n in wrapped], size, -90, math.ceil(height + NAME_GAP_PX))
    rise, fall = taller_than_latin()
    size = float(NAME_PX)
    while True:
        fitted = [fit_lines(r, room, size, NAME_LINES) for r in risks]
        if all(fitted) or size <= MIN_NAME_PX:
            break
        size -= 0.5
    # at the smallest type a name that still does not fit keeps its words whole, as narrow as they allow
    wrapped = [lines or narrowest(r, size) for lines, r in zip(fitted, risks, strict=True)]
    most = max((len(n) for n in wrapped), default=1)
    standoff = math.ceil((rise + fall) * size)
    return Names(["<br>".join(n) for n in wrapped], size, 0, math.ceil(most * LINE_EM * size + NAME_GAP_PX) + standoff, standoff)


def fitted_size(widths: list[float], width: float, largest: float, smallest: float) -> float:
    """The largest type from ``largest`` down to ``smallest`` (by half pixels) at which texts of ``widths`` (px at
    1 px type) fit ``width``."""
    widest = max(widths, default=0.0)
    size = largest
    while size > smallest and widest * size > width:
        size -= 0.5
    return size


def no_data_words(column_px: float, cell_px: float) -> tuple[str, float]:
    """The "no data" words for a cell ``column_px`` x ``cell_px``, and their type: on one line, or two where the cell
    is tall enough ("walang / datos", "không có / dữ liệu"), shrunk if a word is still too long."""
    words = tr("no data")
    room = column_px * FILL
    ascent, descent = line_box()
    size = float(NOTE_PX)
    while True:
        # as many lines as the cell's height holds at this size: the pitch between them, the box of the last
        most = max(1, min(2, 1 + math.floor((cell_px * FILL / size - ascent - descent) / LINE_EM)))
        lines = fit_lines(words, room, size, most)
        if lines is not None or size <= MIN_NOTE_PX:
            return "<br>".join(lines or narrowest(words, size)), size
        size -= 0.5


def _names_px(names: list[str], size: float) -> float:
    """Width of the country names left of the cells, with the two spaces after them (the axis's tick suffix)."""
    return max((text_px(line + "  ", size) for name in names for line in name.split("<br>")), default=0.0)


def coverage_heatmap(grid: pd.DataFrame, *, text: ChartText, fit: Frame = DESKTOP) -> go.Figure:
    """Heatmap of ``grid`` (one row per cell, as :func:`essa_dash.query.heatmap_grid` gives).

    The frame must hold ``country``, ``risk_label``, ``coverage_pct`` (NaN = no data),
    ``year``, ``edition`` and ``source_title``; row and column order follow the frame.
    Each cell shows its value and year; a missing cell is null in the figure's data,
    drawn as a grey rectangle (a shape) with the words "no data" (an annotation), so it
    is never coloured as, or read as, a low value. On a narrow frame (a phone) the risks
    are split over two panels, one above the other, each with every country.
    """
    countries = list(dict.fromkeys(grid[C.country]))
    risks = list(dict.fromkeys(grid["risk_label"]))
    missing = grid[C.coverage_pct].isna()
    value = fmt_pcts(grid[C.coverage_pct]) + flag_mark(grid)  # str even when the grid is empty
    year = grid[C.year].astype("str")
    narrow = fit.width < NARROW_PX
    panels = [risks[: -(-len(risks) // 2)], risks[-(-len(risks) // 2) :]] if narrow and len(risks) > 1 else [risks]
    # a phone's country names: two short lines in smaller type, so the columns keep the width
    row_names = ["<br>".join(wrap(c, PHONE_NAME_CHARS, hyphens=True)) for c in countries] if narrow else countries
    # the year under the value, or beside it where the frame's height leaves cells too short for two lines
    cell_px = PHONE_ROW_PX if narrow else (fit.height - 180) / max(1, len(countries)) if fit.height else 40
    two_lines = cell_px >= TWO_LINES_PX
    # a name's line box no taller than its row (Burmese's is 1.6 times Latin's)
    names_size = min(PHONE_NAME_PX if narrow else 13, math.floor(2 * cell_px * FILL / sum(line_box())) / 2)
    scale_px = 0 if narrow else SCALE_PX  # on a phone every cell prints its value: the scale would take a fifth of the width
    column_px = (fit.width - 2 * fit.side_px - _names_px(row_names, names_size) - scale_px) / max(1, max(map(len, panels)))

    # widths at 1 px type: the value over its year, or the value, a space and the year at YEAR_SHARE of its size
    widths = [
        text_px(v, 1) if two_lines else text_px(v + " ", 1) + text_px(y, YEAR_SHARE)
        for v, y in zip(value[~missing], year[~missing], strict=True)
    ]
    value_px = fitted_size(widths, column_px * FILL, PHONE_VALUE_PX if narrow else VALUE_PX, MIN_VALUE_PX)
    year_px = round(value_px * YEAR_SHARE, 1)
    shown = value + ("<br>" if two_lines else " ") + f"<span style='font-size:{year_px:g}px'>" + year + "</span>"
    cells = grid.assign(
        _text=shown.where(~missing, ""),
        _hover=(
            "<b>"
            + grid[C.country]
            + "</b> · "
            + grid["risk_label"]
            + "<br>"
            + (
                pd.Series(
                    [tr("{value} covered in {year}", value=v, year=y) for v, y in zip(fmt_pcts(grid[C.coverage_pct]), year, strict=True)],
                    index=grid.index,
                )
                + "<br>"
                + grid[C.edition]
                + "<br>"
                + grid["source_title"].fillna("")
                + flag_hover(grid)
            ).where(~missing, grid[C.edition].map(lambda e: tr("no data in {edition}", edition=e)))
        ),
    ).set_index([C.country, "risk_label"])

    def matrix(column: str, columns: list[str]) -> list[list[object]]:
        return cells[column].unstack("risk_label").reindex(index=countries, columns=columns).to_numpy().tolist()

    words, words_px = no_data_words(column_px, cell_px)
    names = [column_names(p, column_px, upright=narrow) for p in panels]
    data, shapes, notes, layout = [], [], [], {}
    for i, (columns, named) in enumerate(zip(panels, names, strict=True)):
        suffix = str(i + 1) if i else ""
        xref, yref = "x" + suffix, "y" + suffix
        # a missing cell: null z (plotly leaves it uncoloured and still answers hover on it,
        # with the cell's "no data in <edition>"), a grey rectangle behind it and the words on it
        gaps = grid.loc[missing & grid["risk_label"].isin(columns), [C.country, "risk_label"]]
        for country, risk in zip(gaps[C.country], gaps["risk_label"], strict=True):
            x, y = columns.index(risk), countries.index(country)
            shapes.append(
                {
                    "type": "rect",
                    "xref": xref,
                    "yref": yref,
                    "x0": x - 0.5,
                    "x1": x + 0.5,
                    "y0": y - 0.5,
                    "y1": y + 0.5,
                    "fillcolor": NO_DATA,
                    "line": {"width": 2, "color": "white"},  # the cells' 2 px gap
                    "layer": "below",
                }
            )
            note = no_data_note(x=x, y=y, hover=None, xref=xref, yref=yref, xanchor="center", xshift=0)  # the cell answers hover
            notes.append({**note, "text": words, "font": {**note.get("font", {}), "size": words_px}})
        data.append(
            {
                "type": "heatmap",
                "x": columns,
                "y": countries,
                "xaxis": xref,
                "yaxis": yref,
                "xgap": 2,
                "ygap": 2,
                "z": [[None if pd.isna(v) else v for v in row] for row in matrix(C.coverage_pct, columns)],
                "zmin": 0,
                "zmax": 100,
                "colorscale": COVERAGE_SCALE,
                "text": matrix("_text", columns),
                "texttemplate": "%{text}",
                # numbers are written in Latin digits in every language: the Latin fonts' line box, not a script's taller one
                "textfont": {"size": value_px, "family": FONT_FAMILY},
                "customdata": matrix("_hover", columns),
                "hovertemplate": "%{customdata}<extra></extra>",
                "hoverongaps": True,
                "colorbar": {"title": {"text": tr("% covered"), "side": "right"}, "ticksuffix": "%", "thickness": 12, "len": 0.8},
                "showscale": not narrow and i == 0,
                "name": "coverage",
            }
        )
        layout["xaxis" + suffix] = {
            "side": "top",
            "anchor": yref,
            "tickangle": named.angle,
            "tickmode": "array",
            "tickvals": columns,
            "ticktext": named.ticktext,
            "tickfont": {"size": named.size},
            "ticklabelstandoff": named.standoff,
            "showgrid": False,
            "zeroline": False,
        }
        # cell rows top-down in frame order; the numeric positions of the gaps count rows from the top
        layout["yaxis" + suffix] = {
            "autorange": "reversed",
            "showgrid": False,
            "zeroline": False,
            "ticksuffix": "  ",
            "tickmode": "array",
            "tickvals": countries,
            "ticktext": row_names,
            "tickfont": {"size": names_size},
        }
    layout.update(shapes=shapes, annotations=notes)
    # the first panel's risk names sit on top of the cells, under the title block; a phone's second panel's
    # names sit between the two panels, in the plot area
    between = names[1].px + PANEL_GAP_PX if len(names) > 1 else 0
    rows_px = PHONE_ROW_PX * len(countries) * len(panels) if narrow else 40 * len(countries)
    fig = frame({"data": data, "layout": layout}, text, height=100 + rows_px + between, fit=fit, top_extra=names[0].px)
    if between:
        plot = fig.layout.height - fig.layout.margin.t - fig.layout.margin.b
        share = max(0.0, (plot - between) / 2 / plot)
        fig.update_layout(yaxis_domain=[1 - share, 1], yaxis2_domain=[0, share])
    return fig
