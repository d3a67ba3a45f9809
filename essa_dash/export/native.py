"""Editable PowerPoint charts drawn from the dashboard's own figures (python-pptx).

A native chart must match the chart on the page, so it is read off the plotly figure
rather than rebuilt from the data: the same category order (plotly and PowerPoint both
put the first category of a horizontal bar chart at the bottom, so plotly's
``categoryarray`` is used as is and the ranking is not turned upside down), the same
colours point by point (the highlighted country and the dimmed ones), the same value
labels with their years, the same 0-100 % axis. A missing value stays an empty cell
(never 0), and a category with no value at all says "no data" in its name, as the
page writes it where the bar would be.

What can be drawn natively:

* horizontal bars (``go.Bar``, ``orientation="h"``) on a percent axis: one
  PowerPoint bar series per trace; overlaid traces (the ranking's groups) overlap fully;
* horizontal dot and dumbbell charts (``go.Scatter`` markers on category rows): the
  same numbers as clustered bars, one series per marker trace;
* small-multiple line charts (``go.Scatter`` on numeric x, one panel per subplot):
  one XY chart per panel in the page's grid, lines (solid, dashed, dotted) only where
  the page joins points, the other editions as unjoined hollow markers; a panel
  without data is the words "no data", never an empty axis.

Other charts (heatmap, map, the progress dumbbells) stay pictures. A chart split over several
slides (``Built.parts``) is split the same way here, one editable chart per slide.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from dataclasses import replace as dataclass_replace
from typing import Any

from plotly.colors import hex_to_rgb, unlabel_rgb
from pptx.chart.chart import Chart as PptChart
from pptx.chart.data import CategoryChartData, XyChartData
from pptx.dml.color import RGBColor
from pptx.enum.chart import XL_CHART_TYPE, XL_LABEL_POSITION, XL_LEGEND_POSITION, XL_MARKER_STYLE, XL_TICK_LABEL_POSITION
from pptx.enum.dml import MSO_LINE_DASH_STYLE
from pptx.oxml.ns import qn
from pptx.oxml.xmlchemy import OxmlElement
from pptx.presentation import Presentation as Deck
from pptx.slide import Slide
from pptx.util import Inches, Pt

from essa_dash.export.slides import (
    HEIGHT,
    MARGIN,
    SLIDE_TITLE,
    SOURCE,
    SUBTITLE,
    TITLE_ONLY,
    WIDTH,
    add_text,
    box_height,
    set_title,
    style_run,
)
from essa_dash.figures._theme import MUTED, SOURCE_NOTE, TEXT
from essa_dash.releases.disk import Release
from essa_dash.text import deck as words
from essa_dash.text.formats import fmt_pct, fmt_points
from essa_dash.text.translate import tr
from essa_dash.views import Built

_TAG = re.compile(r"<[^>]+>")
#: The value axis of every native coverage chart: 0-100, ticks every 25, "%" after the number.
AXIS_MAX, AXIS_STEP = 100, 25
PERCENT_FORMAT = '0"%"'
LABEL_FORMAT = '0.0"%"'
POINTS_FORMAT = '+0" pp";-0" pp";0" pp"'
POINTS_LABEL_FORMAT = '+0.0" pp";-0.0" pp";0.0" pp"'
#: Most category rows a native bar chart gets (about 11 pt per row on a slide).
MAX_BARS = 30
#: A note under the chart taller than this is shortened on the slide (and given whole in the speaker notes).
NOTE_MAX = Inches(0.75)
NOTE_CHARS = 300
#: Gap between rows of a dot or dumbbell chart drawn as bars (% of a bar): thin bars, as the page's dots are light.
DOT_GAP = 150
GRID = "#eef1f4"
#: Type sizes (pt) inside the chart; small multiples use smaller ones.
AXIS_FONT, LABEL_FONT, LEGEND_FONT = 14, 12, 14
PANEL_FONT, PANEL_TITLE = 10, 12
#: Share of a chart's height its plot takes (the rest: a legend row, axis labels), and the smallest label type (pt):
#: a chart denser than that is split over slides.
PLOT_SHARE = 0.75
MIN_LABEL_FONT = 9
#: A value label's line, in em of its type, that must fit its bar's slot; the gap between rows of a dense chart (% of a bar).
LABEL_LINE_EM, DENSE_GAP = 1.25, 50
#: Past this many bars the category names get the value labels' size.
MANY_CATEGORIES = 12
#: plotly's line dashes and marker symbols in PowerPoint's terms.
DASHES = {"dash": MSO_LINE_DASH_STYLE.DASH, "dot": MSO_LINE_DASH_STYLE.ROUND_DOT, "dashdot": MSO_LINE_DASH_STYLE.DASH_DOT}
MARKERS = {"circle": XL_MARKER_STYLE.CIRCLE, "square": XL_MARKER_STYLE.SQUARE, "diamond": XL_MARKER_STYLE.DIAMOND}
MARKERS |= {"triangle-up": XL_MARKER_STYLE.TRIANGLE, "star": XL_MARKER_STYLE.STAR, "hexagon": XL_MARKER_STYLE.CIRCLE}
#: Legend keys written before each name: a joined line, a dashed or dotted one, a marker alone.
KEYS = {"line": "\u2014\u2014 ", "dash": "- - ", "dot": "\u00b7\u00b7\u00b7 ", "marker": "\u25cb "}


@dataclass(frozen=True)
class Series:
    """One PowerPoint series: a value (None = missing), a fill colour and a label per category."""

    name: str
    values: list[float | None]
    colours: list[str | None]
    labels: list[str | None]


@dataclass(frozen=True)
class BarChart:
    """Horizontal bars as the page draws them: categories bottom first, series in trace order."""

    categories: list[str]
    series: list[Series]
    overlap: int  # 100: overlaid (the ranking's groups); 0: side by side
    gap_width: int
    legend: bool
    points: bool = False  # a change in percentage points (signed, its own range), not a 0-100 % share
    value_range: tuple[float, float] | None = None


@dataclass(frozen=True)
class Line:
    """One trace of one panel: points (x, y), drawn as a line and/or markers, as the page draws it."""

    name: str
    points: list[tuple[float, float]]
    colour: str
    joined: bool
    marker: str | None  # plotly symbol ("circle-open"), None: no markers
    dash: str | None
    legend: bool


@dataclass(frozen=True)
class Panels:
    """Small multiples: one XY chart per panel, in the page's grid of ``columns``."""

    titles: list[str]
    lines: list[list[Line]]
    columns: int
    x_range: tuple[float, float]


def plain(text: Any) -> str:
    """Text without plotly's markup (``<i>ASEAN</i>`` -> ``ASEAN``, ``<br>`` -> space)."""
    return _TAG.sub("", str(text).replace("<br>", " ")).strip()


def solid(colour: Any) -> str | None:
    """``#rrggbb`` of a plotly colour; a translucent one mixed with the white slide, as it looks on the page."""
    if not isinstance(colour, str):
        return None
    if colour.startswith("#"):
        red, green, blue = hex_to_rgb(colour)
        alpha = 1.0
    elif colour.startswith("rgb"):
        parts = [float(p) for p in unlabel_rgb(colour)] if colour.startswith("rgb(") else _rgba(colour)
        red, green, blue = parts[:3]
        alpha = parts[3] if len(parts) > 3 else 1.0
    else:
        return None
    mixed = [round(c * alpha + 255 * (1 - alpha)) for c in (red, green, blue)]
    return "#" + "".join(f"{c:02x}" for c in mixed)


def _rgba(colour: str) -> list[float]:
    return [float(p) for p in colour[colour.index("(") + 1 : colour.rindex(")")].split(",")]


def _each(value: Any, n: int) -> list[Any]:
    """A per-point property as a list of ``n`` (plotly allows one value for all points)."""
    if value is None or isinstance(value, str | int | float):
        return [value] * n
    return list(value)


def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def _is_category_trace(trace: Any) -> bool:
    """Bars across, or markers on category rows: values on x, a category name on y."""
    if trace.type == "bar":
        return trace.orientation == "h"
    return trace.type == "scatter" and "markers" in (trace.mode or "") and trace.y is not None and all(isinstance(y, str) for y in trace.y)


def _percent_axis(axis: Any) -> bool:
    ticks = [str(t) for t in (axis.ticktext or ())]
    return axis.ticksuffix == "%" or (bool(ticks) and all(t.endswith("%") for t in ticks))


def bar_chart(built: Built, figure: Any = None) -> BarChart | None:
    """The figure's horizontal bars (or dots on rows) as one PowerPoint bar chart; None if it has none to give.

    ``figure``: one of ``built.parts`` (default: ``built.figure``).
    """
    fig = built.figure if figure is None else figure
    traces = [t for t in fig.data if _is_category_trace(t)]
    change = str(fig.layout.xaxis.ticksuffix or "").strip() == "pp"
    if not traces or any(t.xaxis not in (None, "x") for t in fig.data) or not (change or _percent_axis(fig.layout.xaxis)):
        return None
    if any(not t.name or t.x is None for t in traces):
        return None  # unnamed marks with legend-only keys (the progress dumbbells): no series to name in PowerPoint
    words = _text_labels(fig) if change else {}  # the change bars' labels are a text trace; elsewhere it is other words
    order = fig.layout.yaxis.categoryarray
    categories = [str(c) for c in order] if order else list(dict.fromkeys(str(y) for t in traces for y in t.y if y is not None))
    series = []
    for trace in traces:
        n = len(trace.y)
        drawn = dict(zip(map(str, trace.y), zip(trace.x, _each(trace.text, n), _each(trace.marker.color, n), strict=True), strict=True))
        truth = built.series.get(trace.name or "", {})  # the numbers behind the bars: NaN where the page says "no data"
        values, colours, labels = [], [], []
        for category in categories:
            x, label, colour = drawn.get(category, (None, None, None))
            if _missing(x) or _missing(truth.get(category, 0.0)):
                x, label = None, None
            values.append(None if x is None else round(float(x), 3))
            colours.append(solid(colour))
            label = words.get(category) if label is None and x is not None else label  # labels drawn as a text trace
            label = None if label is None or _missing(label) else plain(label)
            if label and x is not None and not any(ch.isdigit() for ch in label):
                label = f"{fmt_points(float(x)) if change else fmt_pct(float(x))} {label}"  # a dot's flag alone: its value too
            labels.append(label)
        series.append(Series(plain(trace.name or ""), values, colours, labels))
    if len(categories) > MAX_BARS:
        return None  # more rows than a slide can name legibly: the picture (which shows the extremes) stays
    empty = [all(s.values[i] is None for s in series) for i in range(len(categories))]
    categories = [tr("{category} (no data)", category=c) if gap else c for c, gap in zip(categories, empty, strict=True)]
    barmode = fig.layout.barmode or "group"
    gap = fig.layout.bargap if fig.layout.bargap is not None else 0.2
    shown = [t for t in traces if t.showlegend is not False]
    # one value per category (the change bars: one risk per row): overlaid, so each bar sits on its row
    single = all(sum(s.values[i] is not None for s in series) <= 1 for i in range(len(categories)))
    dots = all(t.type == "scatter" for t in traces)
    span = fig.layout.xaxis.range
    return BarChart(
        categories=[plain(c) for c in categories],
        series=series,
        overlap=100 if barmode == "overlay" or len(series) == 1 or single else 0,
        gap_width=DOT_GAP if dots else round(100 * gap / (1 - gap)),
        legend=len(shown) > 1 or (fig.layout.showlegend is True and len(shown) == 1 and barmode == "overlay"),
        points=change,
        value_range=(float(span[0]), float(span[1])) if change and span else None,
    )


def _text_labels(fig: Any) -> dict[str, str]:
    """Labels a figure draws as a separate text trace beside the bars (the change bars do), by category."""
    found: dict[str, str] = {}
    for trace in fig.data:
        if trace.type == "scatter" and trace.mode == "text" and trace.y is not None:
            found.update(zip(map(str, trace.y), map(str, _each(trace.text, len(trace.y))), strict=True))
    return found


def _rgb(colour: str) -> RGBColor:
    return RGBColor.from_string(colour.lstrip("#"))


def _font(font: Any, size: float, colour: str = TEXT) -> None:
    font.size = Pt(size)
    font.color.rgb = _rgb(colour)


def draw_bars(chart: PptChart, spec: BarChart, *, height: int | None = None) -> None:
    """Style an added bar chart as the page draws it: colours, labels, 0-100 % axis, legend on top."""
    # type that fits a bar and a row: a chart of many rows on a short slide gets smaller labels, never overprinting ones
    label_size, name_size = _label_sizes(spec, height or HEIGHT)
    plot = chart.plots[0]
    plot.overlap = spec.overlap
    plot.gap_width = max(0, min(500, spec.gap_width))
    plot.vary_by_categories = False
    for series, drawn in zip(spec.series, plot.series, strict=True):
        drawn.invert_if_negative = False
        uniform = len(set(series.colours) - {None}) == 1
        if uniform:
            drawn.format.fill.solid()
            drawn.format.fill.fore_color.rgb = _rgb(next(c for c in series.colours if c))
        for i, (value, colour, label) in enumerate(zip(series.values, series.colours, series.labels, strict=True)):
            if value is None:
                continue
            point = drawn.points[i]
            if not uniform and colour:
                point.format.fill.solid()
                point.format.fill.fore_color.rgb = _rgb(colour)
            data_label = point.data_label
            data_label.position = XL_LABEL_POSITION.OUTSIDE_END
            if label and label != f"{value:.1f}":  # the page's own words ("82.6% (2020)"): keep them, years and all
                data_label.text_frame.text = label
                data_label.text_frame.word_wrap = False  # "+62.2 pp (2015-2020)" on one line, as on the page
                _font(data_label.text_frame.paragraphs[0].runs[0].font, label_size, MUTED)
            else:
                data_label.has_text_frame = False
                data_label.show_value = True
                data_label.number_format = POINTS_LABEL_FORMAT if spec.points else LABEL_FORMAT
                data_label.number_format_is_linked = False
                _font(data_label.font, label_size, MUTED)
    if spec.points:
        _points_value_axis(chart, spec.value_range)
    else:
        _percent_value_axis(chart)
    chart.has_title = False  # PowerPoint titles a one-series chart with its name; the slide has the title
    category = chart.category_axis
    if spec.points:
        category.tick_label_position = XL_TICK_LABEL_POSITION.LOW  # names left of the plot, clear of bars going left
    category.has_major_gridlines = False
    category.format.line.fill.background()
    _font(category.tick_labels.font, name_size)
    # every category named, as on the page: PowerPoint and LibreOffice would skip some to avoid overlaps
    _name_every_category(category._element)
    chart.has_legend = spec.legend
    if spec.legend:
        chart.legend.position = XL_LEGEND_POSITION.TOP
        chart.legend.include_in_layout = False
        _font(chart.legend.font, LEGEND_FONT)


def _plot_pt(spec: BarChart, height: int) -> float:
    """Points of a chart's height its rows get: less its axis, and its legend's rows when it has one."""
    legend_rows = 0 if not spec.legend else 1 + sum(len(s.name) + 4 for s in spec.series) * LEGEND_FONT * 0.55 // (WIDTH / 12700 * 0.8)
    return height / 12700 * PLOT_SHARE - max(0, legend_rows - 1) * LEGEND_FONT * 1.3


def _bars_per_row(spec: BarChart) -> float:
    """Bar slots in one category row: side-by-side series each take one, plus the gap between rows."""
    return (1 if spec.overlap == 100 else len(spec.series)) + spec.gap_width / 100


def _label_sizes(spec: BarChart, height: int) -> tuple[int, int]:
    """(value label, category name) type in pt for a chart ``height`` EMU tall: each within its bar and its row.

    LibreOffice drops a value label that would overlap the next bar's and skips category
    names that would overlap (whatever ``tickLblSkip`` says), so the type is sized to the
    room: a label's line (``LABEL_LINE_EM``) within its bar's slot, a name's (1.6 em) within its row.
    """
    row = _plot_pt(spec, height) / max(1, len(spec.categories))
    label = max(MIN_LABEL_FONT, min(LABEL_FONT, math.floor(row / _bars_per_row(spec) / LABEL_LINE_EM)))
    name = max(MIN_LABEL_FONT, min(AXIS_FONT if len(spec.categories) <= MANY_CATEGORIES else LABEL_FONT, math.floor(row / 1.6)))
    return label, name


def rows_per_slide(spec: BarChart, height: int) -> int:
    """The most category rows a slide's chart ``height`` EMU tall can give readable labels (``MIN_LABEL_FONT``)."""
    per_row = max(_bars_per_row(spec) * LABEL_LINE_EM, 1.6) * MIN_LABEL_FONT
    return max(1, math.floor(_plot_pt(spec, height) / per_row))


def denser(spec: BarChart, height: int) -> BarChart:
    """``spec`` with a narrower gap between rows (``DENSE_GAP``) when its own would shrink the labels: wider bars hold them."""
    if _label_sizes(spec, height)[0] < LABEL_FONT and spec.gap_width > DENSE_GAP:
        return dataclass_replace(spec, gap_width=DENSE_GAP)
    return spec


def split_rows(spec: BarChart, most: int) -> list[BarChart]:
    """``spec`` in parts of at most ``most`` rows, of even length, top rows (the page's first) in the first part."""
    n = len(spec.categories)
    if n <= most:
        return [spec]
    per = -(-n // -(-n // most))
    parts = []
    for end in range(n, 0, -per):  # PowerPoint's categories run bottom first: the first part is the page's top
        rows = slice(max(0, end - per), end)
        series = [Series(s.name, s.values[rows], s.colours[rows], s.labels[rows]) for s in spec.series]
        shown = [s for s in series if any(v is not None for v in s.values)]
        parts.append(dataclass_replace(spec, categories=spec.categories[rows], series=shown or series[:1]))
    return parts


def _name_every_category(axis: Any) -> None:
    """``<c:tickLblSkip val="1"/>`` in its place in ``<c:catAx>`` (python-pptx has no API for it)."""
    skip = OxmlElement("c:tickLblSkip")
    skip.set("val", "1")
    later = axis.find(qn("c:tickMarkSkip")) or axis.find(qn("c:noMultiLvlLbl"))
    if later is not None:
        later.addprevious(skip)
    else:
        axis.append(skip)


def _points_value_axis(chart: PptChart, span: tuple[float, float] | None) -> None:
    """A change in points: signed numbers with " pp", the page's range (room for labels on either side)."""
    axis = chart.value_axis
    if span is not None:
        step = next((u for u in (5, 10, 20, 25, 50) if (span[1] - span[0]) / u <= 8), 100)
        axis.minimum_scale = math.floor(span[0] / step) * step  # ticks on round numbers: -100, -50, 0, +50
        axis.maximum_scale = math.ceil(span[1] / step) * step
        axis.major_unit = step
    axis.tick_labels.number_format, axis.tick_labels.number_format_is_linked = POINTS_FORMAT, False
    axis.tick_label_position = XL_TICK_LABEL_POSITION.LOW
    axis.has_major_gridlines = True
    axis.major_gridlines.format.line.color.rgb = _rgb(GRID)
    _font(axis.tick_labels.font, AXIS_FONT, MUTED)


def _percent_value_axis(chart: PptChart, *, step: int = AXIS_STEP, size: float = AXIS_FONT) -> None:
    axis = chart.value_axis
    axis.minimum_scale, axis.maximum_scale, axis.major_unit = 0, AXIS_MAX, step
    axis.tick_labels.number_format, axis.tick_labels.number_format_is_linked = PERCENT_FORMAT, False
    axis.tick_label_position = XL_TICK_LABEL_POSITION.LOW
    axis.has_major_gridlines = True
    axis.major_gridlines.format.line.color.rgb = _rgb(GRID)
    axis.format.line.fill.background()
    _font(axis.tick_labels.font, size, MUTED)


def _bar_data(spec: BarChart) -> CategoryChartData:
    data = CategoryChartData(number_format=POINTS_LABEL_FORMAT if spec.points else LABEL_FORMAT)
    data.categories = spec.categories
    for series in spec.series:
        data.add_series(series.name, series.values)
    return data


def _axis_names(fig: Any, letter: str) -> list[str]:
    """``x``, ``x2``, ... for every axis of one direction in the layout, in order."""
    found = [key for key in fig.layout.to_plotly_json() if re.fullmatch(f"{letter}axis\\d*", key)]
    return sorted((letter + key[5:] for key in found), key=lambda ref: int(ref[1:] or 1))


def line_panels(built: Built) -> Panels | None:
    """The figure's small multiples of lines and markers on a percent y axis; None if it is not one."""
    fig = built.figure
    if not fig.data or any(t.type != "scatter" for t in fig.data) or not _percent_axis(fig.layout.yaxis):
        return None
    if any(t.x is None or any(isinstance(x, str) for x in t.x) for t in fig.data):
        return None  # points on category rows: a dot chart, drawn as bars
    refs = _axis_names(fig, "x") or ["x"]
    notes = [a for a in fig.layout.annotations if a.xref == "paper" and a.yref == "paper" and a.name != SOURCE_NOTE]
    titles = [plain(a.text) for a in notes[: len(refs)]]
    titles += [""] * (len(refs) - len(titles))  # the grid's last row may have empty cells
    lines: list[list[Line]] = [[] for _ in refs]
    for trace in fig.data:
        points = [(float(x), float(y)) for x, y in zip(trace.x, trace.y, strict=True) if not (_missing(x) or _missing(y))]
        mode = trace.mode or "lines"
        colour = solid(trace.line.color if "lines" in mode and trace.line.color else trace.marker.color) or TEXT
        lines[refs.index(trace.xaxis or "x")].append(
            Line(
                name=plain(trace.name or ""),
                points=points,
                colour=colour,
                joined="lines" in mode,
                marker=(trace.marker.symbol or "circle") if "markers" in mode else None,
                dash=trace.line.dash,
                legend=trace.showlegend is not False,
            )
        )
    starts = sorted({round(fig.layout[f"xaxis{ref[1:]}"].domain[0], 3) for ref in refs})
    low, high = fig.layout.xaxis.range or (None, None)
    if low is None:
        xs = [x for panel in lines for line in panel for x, _ in line.points] or [0.0]
        low, high = min(xs), max(xs)
    return Panels(titles, lines, columns=len(starts), x_range=(float(low), float(high)))


def _legend(slide: Slide, top: int, panels: Panels) -> int:
    """One line of keys under the subtitle, each in its trace's colour (the small charts have no legend of their own)."""
    seen: dict[str, Line] = {}
    for panel in panels.lines:
        for line in panel:
            if line.legend and line.name not in seen:
                seen[line.name] = line
    text = "   ".join(_key(line) + name for name, line in seen.items())
    bottom = add_text(slide, top, text, PANEL_TITLE, colour=TEXT)
    paragraph = slide.shapes[-1].text_frame.paragraphs[0]
    paragraph.text = ""
    for i, (name, line) in enumerate(seen.items()):
        style_run(paragraph.add_run(), ("   " if i else "") + _key(line), PANEL_TITLE, colour=line.colour, bold=True)
        style_run(paragraph.add_run(), name, PANEL_TITLE, colour=TEXT)
    return bottom


def _key(line: Line) -> str:
    if not line.joined:
        return KEYS["marker"]
    return KEYS["dash"] if line.dash == "dash" else KEYS["dot"] if line.dash == "dot" else KEYS["line"]


def _draw_panel(slide: Slide, title: str, lines: list[Line], box: tuple[int, int, int, int], x_range: tuple[float, float]) -> Any:
    """One small XY chart (or the words "no data" in its place)."""
    left, top, width, height = box
    drawn = [line for line in lines if line.points]
    if not drawn and not title:
        return None  # an empty cell of the grid
    if not drawn:
        add_text(
            slide,
            top + height // 3,
            title + ": " + tr("no data") if title else tr("no data"),
            PANEL_FONT,
            colour=MUTED,
            left=left,
            width=width,
        )
        return None
    data = XyChartData()
    for line in drawn:
        series = data.add_series(line.name)
        for x, y in line.points:
            series.add_data_point(x, y)
    frame = slide.shapes.add_chart(XL_CHART_TYPE.XY_SCATTER_LINES, left, top, width, height, data)
    chart = frame.chart
    chart.has_legend = False
    if title:
        chart.has_title = True
        chart.chart_title.text_frame.text = title
        _font(chart.chart_title.text_frame.paragraphs[0].runs[0].font, PANEL_TITLE)
    for line, series in zip(drawn, chart.plots[0].series, strict=True):
        series.smooth = False
        if line.joined:
            series.format.line.color.rgb = _rgb(line.colour)
            series.format.line.width = Pt(2.25 if line.marker else 1.5)
            if line.dash in DASHES:
                series.format.line.dash_style = DASHES[line.dash]
        else:
            series.format.line.fill.background()  # other editions: never joined
        marker = series.marker
        if line.marker is None:
            marker.style = XL_MARKER_STYLE.NONE
            continue
        shape, hollow = line.marker.removesuffix("-open"), line.marker.endswith("-open")
        marker.style, marker.size = MARKERS.get(shape, XL_MARKER_STYLE.CIRCLE), 6
        marker.format.line.color.rgb = _rgb(line.colour)
        if hollow:
            marker.format.fill.background()
        else:
            marker.format.fill.solid()
            marker.format.fill.fore_color.rgb = _rgb(line.colour)
    _percent_value_axis(chart, step=50, size=PANEL_FONT)
    years = chart.category_axis  # the x value axis of an XY chart
    years.minimum_scale, years.maximum_scale = x_range
    years.major_unit = 10 if x_range[1] - x_range[0] > 15 else 5  # a few years, not a smear of them
    years.tick_labels.number_format, years.tick_labels.number_format_is_linked = "0", False
    years.has_major_gridlines = False
    _font(years.tick_labels.font, PANEL_FONT, MUTED)
    return frame


def _room(built: Built, title: str, notes: list[str]) -> int:
    """Height in EMU a chart gets on its slide under ``title`` and the subtitle, above the source and ``notes``
    (what :func:`_slide_frame` leaves; notes counted whole, a little more than a shortened one takes)."""
    width = WIDTH - 2 * MARGIN
    top = Inches(0.3) + box_height(title, width, SLIDE_TITLE, bold=True) + box_height(built.text.subtitle, width, SUBTITLE)
    source = tr("Source: {source}", source=built.text.source)
    bottom = HEIGHT - Inches(0.2) - box_height(source, width, SOURCE) - sum(min(box_height(n, width, SOURCE), NOTE_MAX) for n in notes)
    return bottom - top - Inches(0.2)


def _slide_frame(deck: Deck, built: Built, title: str, notes: list[str]) -> tuple[Slide, int, int]:
    """A native chart's slide: title, subtitle, source at the foot (``notes`` above it); the top and bottom of the room between."""
    slide = deck.slides.add_slide(deck.slide_layouts[TITLE_ONLY])
    top = set_title(slide, title)
    top = add_text(slide, top, built.text.subtitle, SUBTITLE, colour=MUTED)
    source = tr("Source: {source}", source=built.text.source)
    width = WIDTH - 2 * MARGIN
    bottom = HEIGHT - Inches(0.2) - box_height(source, width, SOURCE)
    add_text(slide, bottom, source, SOURCE, colour=MUTED)
    for note in reversed(notes):  # what the figure says under its plot travels too (the cells not drawn)
        if box_height(note, width, SOURCE) > NOTE_MAX:  # a long list: its start here, all of it in the speaker notes
            note = tr("{start}... (all of it in the speaker notes)", start=_shorten(note, NOTE_CHARS))
        bottom -= box_height(note, width, SOURCE)
        add_text(slide, bottom, note, SOURCE, colour=TEXT)
    return slide, top + Inches(0.1), bottom - Inches(0.1)


def _shorten(text: str, limit: int) -> str:
    """The first words of ``text``, at most ``limit`` characters."""
    return text if len(text) <= limit else text[:limit].rsplit(" ", 1)[0]


def notes_below(built: Built, figure: Any = None) -> list[str]:
    """The figure's notes under its plot other than the source line, as plain text (``figure``: one of its parts)."""
    return [
        plain(a.text)
        for a in (built.figure if figure is None else figure).layout.annotations
        if a.yref == "paper" and a.y == 0 and a.yanchor == "top" and a.name != SOURCE_NOTE
    ]


def _describe(shape: Any, built: Built) -> None:
    shape.name = built.chart
    shape._element.nvGraphicFramePr.cNvPr.set("descr", words.alt_text(built))  # python-pptx has no API for alt text


def native_slide(deck: Deck, built: Built, release: Release) -> bool:
    """Add ``built`` as slides with editable charts; False (and no slide) when PowerPoint cannot draw it.

    A chart too long for one slide (``Built.parts``) gets one slide per part, titled "(1 of 3)"...,
    as its pictures would: every row on a slide, none of them too dense for its labels.
    """
    if built.parts:
        parts = [bar_chart(built, part) for part in built.parts]
        if any(bars is None for bars in parts):
            return False
        for number, (part, bars) in enumerate(zip(built.parts, parts, strict=True), start=1):
            title = words.part_title(built.text.title, number, len(parts))
            _bar_slide(deck, built, bars, title, notes_below(built, part), release)
        return True
    bars = bar_chart(built)
    if bars is not None:
        notes = notes_below(built)
        room = _room(built, words.part_title(built.text.title, 10, 10), notes)
        bars = denser(bars, room)
        parts = split_rows(bars, rows_per_slide(bars, room))
        for number, part in enumerate(parts, start=1):
            title = words.part_title(built.text.title, number, len(parts)) if len(parts) > 1 else built.text.title
            _bar_slide(deck, built, part, title, notes, release)
        return True
    panels = line_panels(built)
    if panels is None:
        return False
    slide, top, bottom = _slide_frame(deck, built, built.text.title, notes_below(built))
    width = WIDTH - 2 * MARGIN
    top = _legend(slide, top, panels)
    rows = -(-len(panels.lines) // panels.columns)
    cell_w, cell_h = width // panels.columns, (bottom - top) // rows
    for i, (title, lines) in enumerate(zip(panels.titles, panels.lines, strict=True)):
        box = (MARGIN + (i % panels.columns) * cell_w, top + (i // panels.columns) * cell_h, cell_w, cell_h)
        frame = _draw_panel(slide, title, lines, box, panels.x_range)
        if frame is not None:
            _describe(frame, built)
    _speaker_notes(slide, built, notes_below(built), release)
    return True


def _bar_slide(deck: Deck, built: Built, bars: BarChart, title: str, notes: list[str], release: Release) -> None:
    """One slide with one editable bar chart."""
    slide, top, bottom = _slide_frame(deck, built, title, notes)
    frame = slide.shapes.add_chart(XL_CHART_TYPE.BAR_CLUSTERED, MARGIN, top, WIDTH - 2 * MARGIN, bottom - top, _bar_data(bars))
    _describe(frame, built)
    draw_bars(frame.chart, bars, height=bottom - top)
    _speaker_notes(slide, built, notes, release)


def _speaker_notes(slide: Slide, built: Built, notes: list[str], release: Release) -> None:
    slide.notes_slide.notes_text_frame.text = "\n\n".join([words.notes_text(built, release), *notes])
