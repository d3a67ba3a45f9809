"""16:9 PowerPoint decks of dashboard charts, for seminars (python-pptx).

A title slide, then one slide per chart: by default the chart as a picture rendered on
the server in the slide theme (title, definition and source inside the picture); with
``native=True``, bar and line charts become PowerPoint chart objects with the same
numbers, title and source, which a presenter can restyle. Speaker notes hold the
definitions, the reading and the figures, so the speaker has them at hand.
"""

from __future__ import annotations

import datetime as dt
import io
import math

from pptx import Presentation
from pptx.chart.data import CategoryChartData
from pptx.enum.chart import XL_CHART_TYPE, XL_LEGEND_POSITION
from pptx.slide import Slide
from pptx.util import Emu, Inches, Pt

from essa_dash.export import images
from essa_dash.figures.slide import slide_theme
from essa_dash.store import Store
from essa_dash.views import REGISTRY, Built

WIDTH, HEIGHT = Inches(13.333), Inches(7.5)  # 16:9
PICTURE = (1920, 1080)
NATIVE_KINDS = {"bar": XL_CHART_TYPE.BAR_CLUSTERED, "line": XL_CHART_TYPE.LINE_MARKERS}
BLANK, TITLE = 6, 0  # slide layouts of the default template


def notes_text(built: Built) -> str:
    """Speaker notes: what is measured, what it shows, the figures and where they come from."""
    lines = ["DEFINITIONS"]
    lines += [f"- {d.label}: {d.definition} Counted: {d.numerator}. Out of: {d.denominator}." for d in built.definitions]
    lines += ["", "WHAT THE CHART SHOWS", *[f"- {s}" for s in built.reading]]
    if built.series:
        lines += ["", "FIGURES (%)"]
        for name, values in built.series.items():
            shown = "; ".join(f"{k} {v:.1f}" if not _missing(v) else f"{k} no data" for k, v in values.items())
            lines.append(f"- {name}: {shown}")
    lines += ["", "SOURCES", *[f"- {s.citation}" for s in built.sources]]
    return "\n".join(lines)


def _missing(value: float | None) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def _text(slide: Slide, left: Emu, top: Emu, width: Emu, height: Emu, text: str, size: int, *, bold: bool = False) -> None:
    frame = slide.shapes.add_textbox(left, top, width, height).text_frame
    frame.word_wrap = True
    run = frame.paragraphs[0].add_run()
    run.text = text
    run.font.size = Pt(size)
    run.font.bold = bold


def _picture_slide(deck: Presentation, built: Built) -> None:
    slide = deck.slides.add_slide(deck.slide_layouts[BLANK])
    fig = slide_theme(built.figure, width=PICTURE[0], height=PICTURE[1])
    png = images.render(fig, fmt="png", width=PICTURE[0], height=PICTURE[1])
    slide.shapes.add_picture(io.BytesIO(png), 0, 0, width=WIDTH, height=HEIGHT)
    slide.notes_slide.notes_text_frame.text = notes_text(built)


def _native_slide(deck: Presentation, built: Built) -> None:
    slide = deck.slides.add_slide(deck.slide_layouts[BLANK])
    margin = Inches(0.5)
    _text(slide, margin, Inches(0.3), WIDTH - 2 * margin, Inches(0.8), built.text.title, 28, bold=True)
    _text(slide, margin, Inches(1.05), WIDTH - 2 * margin, Inches(0.6), built.text.subtitle, 16)
    data = CategoryChartData()
    categories = list(dict.fromkeys(k for values in built.series.values() for k in values))
    data.categories = categories
    for name, values in built.series.items():
        data.add_series(name, [None if _missing(values.get(c)) else round(float(values[c]), 3) for c in categories])
    kind = NATIVE_KINDS[REGISTRY[built.chart].kind]
    chart = slide.shapes.add_chart(kind, margin, Inches(1.7), WIDTH - 2 * margin, Inches(4.9), data).chart
    chart.has_legend = len(built.series) > 1
    if chart.has_legend:
        chart.legend.position = XL_LEGEND_POSITION.TOP
        chart.legend.include_in_layout = False
    chart.font.size = Pt(14)
    _text(slide, margin, Inches(6.7), WIDTH - 2 * margin, Inches(0.7), f"Source: {built.text.source}", 10)
    slide.notes_slide.notes_text_frame.text = notes_text(built)


def build_deck(charts: list[Built], *, title: str, store: Store, native: bool = False, on: dt.date | None = None) -> bytes:
    """The deck as .pptx bytes; raises :class:`essa_dash.export.images.RenderError` if a picture fails."""
    deck = Presentation()
    deck.slide_width, deck.slide_height = WIDTH, HEIGHT
    cover = deck.slides.add_slide(deck.slide_layouts[TITLE])
    cover.shapes.title.text = title
    cover.placeholders[1].text = (
        f"Social protection coverage in ASEAN (SDG 1.3.1) · {(on or dt.date.today()).isoformat()}\n"
        f"ESSA Dash, data build {store.build_id[:12]}: every figure as published, with its source in the notes"
    )
    for built in charts:
        if native and REGISTRY[built.chart].kind in NATIVE_KINDS and built.series:
            _native_slide(deck, built)
        else:
            _picture_slide(deck, built)
    out = io.BytesIO()
    deck.save(out)
    return out.getvalue()
