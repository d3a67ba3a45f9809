"""The look shared by every chart: fonts, colours, and the title/subtitle/source frame.

Colours are colour-blind safe: risks use Paul Tol's "muted" qualitative scheme (the
same risk has the same colour on every page), coverage uses a yellow-green-blue
sequential scale that never passes through the grey reserved for "no data".
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

import plotly.graph_objects as go

from essa_dash.figures._template import TEMPLATE
from essa_dash.figures.frames import BASE_PX, DESKTOP, Frame
from essa_dash.figures.spec import unvalidated
from essa_dash.text import plotly_separators, tr
from essa_dash.text.fonts import font_stack, taller_than_latin, text_px
from essa_dash.text.wrap import wrap

#: System fonts only: nothing is fetched from a font server.
FONT_FAMILY = "Noto Sans, DejaVu Sans, Liberation Sans, Helvetica, Arial, sans-serif"
TEXT = "#1f2933"
MUTED = "#52606d"
NO_DATA = "#e4e7eb"
NO_DATA_TEXT = "#52606d"

#: Paul Tol, "muted" (https://personal.sron.nl/~pault/), one colour per core risk.
RISK_COLOURS = {
    "at_least_one": "#332288",
    "old_age": "#88CCEE",
    "unemployment": "#44AA99",
    "employment_injury": "#117733",
    "maternity": "#999933",
    "children": "#DDCC77",
    "disability": "#CC6677",
    "vulnerable": "#882255",
    "poor": "#AA4499",
    "health": "#6699CC",
}
OTHER_RISK = "#BBBBBB"

#: Coverage 0-100 %: light yellow (little) to dark blue (full), ColorBrewer YlGnBu.
COVERAGE_SCALE = [
    [0.0, "#ffffd9"],
    [0.125, "#edf8b1"],
    [0.25, "#c7e9b4"],
    [0.375, "#7fcdbb"],
    [0.5, "#41b6c4"],
    [0.625, "#1d91c0"],
    [0.75, "#225ea8"],
    [0.875, "#253494"],
    [1.0, "#081d58"],
]


def risk_colour(risk: str) -> str:
    return RISK_COLOURS.get(risk, OTHER_RISK)


@dataclass(frozen=True)
class ChartText:
    """What a chart says about itself, built from metadata, never typed per chart."""

    title: str
    subtitle: str
    source: str


#: Space above the title and between the title block and what follows it, px.
TOP_PAD_PX, BLOCK_GAP_PX = 10, 8
#: What plotly's title "top" anchor leaves out above the first line, in em of the title.
CAP_GAP_EM = 0.5
#: The name of the source footnote's annotation: slides and native charts find it by it (its words are translated).
SOURCE_NOTE = "source"
#: No chart is shorter: a plot area under its title and above its source, even for one bar.
MIN_HEIGHT_PX = 260
#: From the end of a category name left of a plot to the plot, px (what plotly's automargin leaves).
NAMES_GAP_PX = 40
#: Height of one row of a horizontal legend, px (12-13 px type and its markers).
LEGEND_ROW_PX = 24


def no_data_note(*, x: object, y: object, hover: str | None, xref: str = "x", yref: str = "y", **extra: object) -> dict[str, object]:
    """The words "no data" at a point of a chart, as an annotation: a missing value is never a bar length or a colour.

    The value itself stays null in the figure's data; ``hover`` (the area, risk and
    edition), when given, is the annotation's hover text, so pointing at the gap still says what it is.
    """
    return {
        "text": tr("no data"),
        "x": x,
        "y": y,
        "xref": xref,
        "yref": yref,
        "xanchor": "left",
        "xshift": 4,
        "showarrow": False,
        "font": {"size": 11, "color": NO_DATA_TEXT},
        **({"hovertext": hover} if hover else {}),
        **extra,
    }


def _legend_names(spec: dict) -> list[str]:
    """The names plotly's legend shows: named traces that take part in it, when it is shown at all.

    Heatmaps and choropleths stay out of a legend unless asked; with no ``showlegend``
    set, plotly draws a legend only for two or more entries.
    """
    names = [
        str(t["name"])
        for t in spec.get("data", [])
        if t.get("name") and (t["showlegend"] if t.get("showlegend") is not None else t.get("type") not in ("heatmap", "choropleth"))
    ]
    shown = spec.get("layout", {}).get("showlegend")
    return names if shown or (shown is None and len(names) > 1) else []


def names_px(names: Iterable[object], size: float = BASE_PX) -> float:
    """Estimated width of the widest category name left of a plot (with its gap to the plot), px; 0 for none."""
    widest = max((text_px(str(name), size) for name in names), default=0.0)
    # plotly's automargin puts the plot about 40 px right of a name's end (tick suffix, padding): measured at 390 px
    return widest + NAMES_GAP_PX if widest else 0.0


def label_share(fit: Frame, names: Iterable[object], labels: Iterable[object], *, size: float = 11, most: float = 0.3) -> float:
    """Share of a horizontal plot the longest of ``labels`` (beside its bar, in ``size`` px type) takes, at most ``most``.

    The plot is the frame's width less the category ``names`` left of it: on a phone that share is
    several times a desktop's, and a fixed axis end lets "100.0% (2021)" run off the card.
    """
    widest = max((text_px(str(label), size) for label in labels), default=0.0)
    plot_px = max(1.0, fit.width - 2 * fit.side_px - names_px(names))
    return min(most, widest / plot_px)


def axis_end(top: float, share: float) -> float:
    """The end of a 0-based value axis whose bars reach ``top`` and leave ``share`` of it to their labels."""
    return top / (1 - share)


def _row_names(spec: dict) -> list[str]:
    """The category names a figure writes left of its plot: its y axis's own tick texts (a line each), else the
    string values on the y axis of any trace."""
    ticktext = (spec.get("layout", {}).get("yaxis") or {}).get("ticktext")
    if ticktext:
        return [re.sub(r"<[^>]+>", "", line) for text in ticktext for line in str(text).split("<br>")]
    found: dict[str, None] = {}
    for trace in spec.get("data", []):
        ys = trace.get("y")
        if ys is None or isinstance(ys, str):
            continue
        values = list(ys)
        if values and all(isinstance(y, str) or y is None for y in values):
            found.update(dict.fromkeys(y for y in values if y is not None))
    return list(found)


def legend_rows(names: list[str], fit: Frame, width: float | None = None) -> int:
    """Rows a horizontal legend of ``names`` takes across ``width`` px (default ``fit``'s text width; 0: no legend)."""
    if not names:
        return 0
    room = fit.width - 2 * fit.side_px if width is None else width
    item = [text_px(name, 12) + 46 for name in names]  # text plus marker and gap
    rows, used = 1, 0.0
    for px in item:
        if used and used + px > room:
            rows, used = rows + 1, 0.0
        used += px
    return rows


def frame(fig: dict, text: ChartText, *, height: int, bottom: int = 50, fit: Frame = DESKTOP, top_extra: int = 0) -> go.Figure:
    """Apply the theme plus title, subtitle (definition) and source footnote inside ``fit``'s width.

    Keeping all three inside the figure means an exported image still carries them.
    Title, subtitle and footnote are wrapped for the frame's width (text of any
    length), in the frame's type scale (title > subtitle > source). The legend, if the
    chart has one, sits right under the subtitle, in as many rows as its names need,
    so it never lies over the title or the data; ``top_extra`` px more are kept above
    the plot for what a builder puts there (panel titles, top tick labels). ``height``
    is the height with a one-line title, one-line subtitle and one-line footnote; the
    figure grows with every further line (a frame with a fixed height keeps it).

    ``fig`` is the builder's figure as a plain dict (``{"data": [...], "layout": {...}}``):
    the theme is merged into it and the figure made once, at the end, without plotly's
    runtime validators (essa_dash.figures.spec: the tests validate every builder's output).
    """
    spec = {"data": list(fig.get("data", [])), "layout": dict(fig.get("layout", {}))}
    title = wrap(text.title, fit.chars(fit.title_px, bold=True))
    subtitle = wrap(text.subtitle, fit.chars(fit.subtitle_px))
    # the source starts where the plot does, right of the category names: it wraps in the width left of the frame
    text_width = fit.width - 2 * fit.side_px - names_px(_row_names(spec))
    source = wrap(tr("Source: {source}", source=text.source), fit.chars(fit.source_px, width=text_width))
    lines_px = fit.line_px(fit.title_px) * len(title) + fit.line_px(fit.subtitle_px) * len(subtitle)
    # a script whose marks stack above and below the line (Burmese) needs more room over the title and under the subtitle
    rise, fall = taller_than_latin()
    cap = CAP_GAP_EM * fit.title_px + rise * fit.title_px
    block = TOP_PAD_PX + cap + lines_px + fall * fit.subtitle_px + BLOCK_GAP_PX
    # plotly spaces legend rows for Latin type: a taller script's rows get the rest of its line box as the gap
    # between legend groups (the trend's entries are a group each, a row each on a phone)
    group_gap = round((rise + fall) * BASE_PX)
    legend = legend_rows(_legend_names(spec), fit, text_width) * (LEGEND_ROW_PX + group_gap)  # it starts where the plot does too
    top = round(block + legend + top_extra + (BLOCK_GAP_PX if legend or top_extra else 0))
    bottom = round(bottom + fit.line_px(fit.source_px) * len(source))
    one_line = TOP_PAD_PX + fit.line_px(fit.title_px) + fit.line_px(fit.subtitle_px) + fit.line_px(fit.source_px)
    grown = round(height + (block + fit.line_px(fit.source_px) * len(source)) - one_line + legend + top_extra)
    final = fit.height or max(MIN_HEIGHT_PX, grown)
    layout: dict = {
        "template": TEMPLATE,  # plotly_white, cut to what the charts draw
        "separators": plotly_separators(),  # the reader's decimal and group marks in axis ticks and hover numbers
        "height": final,
        "font": {"family": font_stack(FONT_FAMILY), "size": 13, "color": TEXT},
        "title": {
            "text": f"<b>{'<br>'.join(title)}</b><br>"
            f"<span style='font-size:{fit.subtitle_px:g}px;color:{MUTED}'>{'<br>'.join(subtitle)}</span>",
            "font": {"size": fit.title_px},
            "x": 0.0,
            "xanchor": "left",
            "xref": "container",
            # pinned in pixels from the top, not a share of the height (which drifts on tall charts)
            # (plotly's "top" anchor holds the first line's cap height, not its ascent: room for that too)
            "pad": {"l": fit.side_px},
            "y": 1 - (TOP_PAD_PX + cap) / final,
            "yanchor": "top",
            "yref": "container",
        },
        "margin": {"t": top, "b": bottom, "l": fit.side_px, "r": fit.side_px},
        "paper_bgcolor": "white",
        "plot_bgcolor": "white",
        "hoverlabel": {"font": {"family": font_stack(FONT_FAMILY)}},
    }
    if legend:
        # right above the plot area, in the room kept for it under the subtitle (and what top_extra keeps above the plot)
        above = 1 + (top_extra + BLOCK_GAP_PX) / max(1, final - top - bottom) if top_extra else 1.0
        layout["legend"] = {
            "orientation": "h",
            "x": 0,
            "xanchor": "left",
            "xref": "paper",
            "y": above,
            "yanchor": "bottom",
            "yref": "paper",
        }
    own = spec["layout"]
    if legend:
        layout["legend"] = {"tracegroupgap": group_gap, **own.get("legend", {}), **layout["legend"]}
        if group_gap:  # the gap is kept only between groups: each entry without one is a group of its own
            for i, trace in enumerate(spec["data"]):
                if not trace.get("legendgroup"):
                    trace["legendgroup"] = f"entry-{i}"
    source_note = {
        "name": SOURCE_NOTE,
        "text": "<br>".join(source),
        "x": 0,
        "xref": "paper",
        "xanchor": "left",
        "y": 0,
        "yref": "paper",
        "yanchor": "bottom",
        "yshift": 8 - bottom,  # from the plot's bottom edge down into the bottom margin
        "showarrow": False,
        "align": "left",
        "font": {"size": fit.source_px, "color": MUTED},
    }
    spec["layout"] = {**own, **layout, "annotations": [*own.get("annotations", []), source_note]}
    return unvalidated(spec)
