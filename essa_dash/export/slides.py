"""16:9 PowerPoint decks of dashboard charts, for seminars (python-pptx).

A cover, one slide per chart, and a last slide "About the data" (the data release,
the sources and how to cite the deck). By default a chart is a picture rendered on
the server in the slide theme, under a real slide title, with alt text from the
chart's title and reading; with ``native=True``, the charts PowerPoint can draw
become editable chart objects (:mod:`essa_dash.export.native`). Speaker notes hold
the reading, the definitions, the figures, the sources and the data release.

python-pptx's default template is 4:3 (10 in wide); its master and layouts are
widened to 13.333 in so every placeholder sits where a 16:9 slide expects it.
Text boxes are sized from the Noto Sans width estimate of :mod:`essa_dash.figures.slide`,
so a long title pushes what follows down instead of running into it.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Callable, Sequence

import plotly.graph_objects as go
from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.enum.text import MSO_ANCHOR, PP_ALIGN
from pptx.presentation import Presentation as Deck
from pptx.shapes.autoshape import Shape
from pptx.slide import Slide
from pptx.util import Emu, Inches, Pt

from essa_dash.export import images
from essa_dash.export.pptx_fonts import apply_script_fonts
from essa_dash.figures._theme import MUTED, TEXT
from essa_dash.figures.slide import slide_theme, wrap_text
from essa_dash.figures.spec import unvalidated
from essa_dash.releases.disk import Release
from essa_dash.store import Store
from essa_dash.text import deck as words
from essa_dash.text.releases import release_line
from essa_dash.views import Built

WIDTH, HEIGHT = Inches(13.333), Inches(7.5)  # 16:9
TEMPLATE_WIDTH = Inches(10)  # python-pptx's default template
MARGIN = Inches(0.5)
#: Layouts of the default template.
TITLE_SLIDE, TITLE_ONLY = 0, 5
#: Picture slides are rendered this many px wide (their height follows the room under the title).
PICTURE_WIDTH = 1920
#: EMU per CSS pixel (96 dpi) and px per point: the width estimate works in px.
EMU_PX = 9525
PX_PER_PT = 96 / 72
#: PowerPoint's single line pitch (em) and a text box's default insets (0.1 in left and right, 0.05 in top and bottom).
LINE_EM = 1.2
INSET_X, INSET_Y = Inches(0.2), Inches(0.1)
#: Type sizes in points.
COVER_TITLE, COVER_SUBTITLE, COVER_DATE, COVER_NOTE = 40, 24, 20, 14
SLIDE_TITLE, SUBTITLE, SOURCE = 28, 16, 11
ABOUT_HEADING, ABOUT_TEXT, ABOUT_MIN = 16, 13, 9
#: Sources listed on the last slide; the rest are counted there and listed in its notes.
ABOUT_SOURCES = 12

#: ``progress(done, total, title)`` after each chart slide: the command line and the /deck job report it.
Progress = Callable[[int, int, str], None]


#: Characters XML 1.0 (and so a .pptx) cannot hold: controls but tab and newlines, surrogates, U+FFFE and U+FFFF.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def unwritable(text: str) -> str | None:
    """The first character of ``text`` a slide cannot hold (as ``U+XXXX``), or None.

    Checked before any chart is drawn: python-pptx refuses such text only when it writes it,
    after every slide has been rendered.
    """
    found = _NOT_XML.search(text)
    return None if found is None else f"U+{ord(found.group()):04X}"


def box_height(text: str, width: int, size: float, *, bold: bool = False) -> Emu:
    """Height of a text box ``width`` EMU wide that holds ``text`` at ``size`` pt without overflowing."""
    lines = len(wrap_text(text, (width - INSET_X) / EMU_PX, size * PX_PER_PT, bold=bold))
    return Emu(round(lines * size * LINE_EM * 12700) + INSET_Y)


def add_text(
    slide: Slide, top: int, text: str, size: float, *, bold: bool = False, colour: str = TEXT, left: int = MARGIN, width: int | None = None
) -> int:
    """A wrapped text box at ``top``; returns its bottom edge, where the next one can start."""
    width = width if width is not None else WIDTH - 2 * MARGIN
    height = box_height(text, width, size, bold=bold)
    frame = slide.shapes.add_textbox(left, top, width, height).text_frame
    frame.word_wrap = True
    _style(frame.paragraphs[0], text, size, bold=bold, colour=colour)
    return top + height


def set_title(slide: Slide, text: str, *, top: int = Inches(0.3), size: float = SLIDE_TITLE) -> int:
    """Fill the slide's title placeholder (what screen readers and the outline call the slide); its bottom edge."""
    shape: Shape = slide.shapes.title
    width = WIDTH - 2 * MARGIN
    height = box_height(text, width, size, bold=True)
    shape.left, shape.top, shape.width, shape.height = MARGIN, top, width, height
    frame = shape.text_frame
    frame.word_wrap = True
    frame.vertical_anchor = MSO_ANCHOR.TOP
    _style(frame.paragraphs[0], text, size, bold=True, colour=TEXT, align=PP_ALIGN.LEFT)
    return top + height


def _style(paragraph, text: str, size: float, *, bold: bool, colour: str, align: PP_ALIGN | None = None) -> None:
    paragraph.text = text
    if align is not None:
        paragraph.alignment = align
    for run in paragraph.runs:
        style_run(run, text=None, size=size, colour=colour, bold=bold)


def style_run(run, text: str | None, size: float, *, colour: str, bold: bool = False) -> None:
    """Size, weight and colour of one run of text (and its text, unless None)."""
    if text is not None:
        run.text = text
    run.font.size = Pt(size)
    run.font.bold = bold
    run.font.color.rgb = RGBColor.from_string(colour.lstrip("#"))


def widen_template(deck: Deck) -> None:
    """Make the default 4:3 template a 16:9 one: every master and layout shape stretched across the width."""
    deck.slide_width, deck.slide_height = WIDTH, HEIGHT
    factor = WIDTH / TEMPLATE_WIDTH
    for holder in (deck.slide_master, *deck.slide_layouts):
        for shape in holder.shapes:
            if shape._element.xfrm is not None:  # a layout placeholder without a position of its own inherits the master's
                shape.left, shape.width = round(shape.left * factor), round(shape.width * factor)


def _cover(deck: Deck, title: str, release: Release, on: dt.date) -> None:
    slide = deck.slides.add_slide(deck.slide_layouts[TITLE_SLIDE])
    bottom = set_title(slide, title, top=Inches(1.9), size=COVER_TITLE)
    subtitle = slide.placeholders[1]
    lines = [
        (words.cover_subtitle(), COVER_SUBTITLE, TEXT),
        (words.cover_date(on), COVER_DATE, MUTED),
        (words.cover_note(release), COVER_NOTE, MUTED),
    ]
    width = WIDTH - 2 * MARGIN
    gap = Inches(0.15)
    height = sum(box_height(text, width, size) for text, size, _ in lines) + gap * len(lines)
    subtitle.left, subtitle.top, subtitle.width, subtitle.height = MARGIN, bottom + Inches(0.3), width, height
    frame = subtitle.text_frame
    frame.word_wrap = True
    frame.vertical_anchor = MSO_ANCHOR.TOP
    for i, (text, size, colour) in enumerate(lines):
        paragraph = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
        _style(paragraph, text, size, bold=False, colour=colour, align=PP_ALIGN.LEFT)
        paragraph.space_after = Pt(gap / 12700)


def untitled(figure: go.Figure, built: Built) -> go.Figure:
    """A copy of the chart without its title line (the slide title says it), keeping its definition and source."""
    spec = figure.to_dict()
    subtitle = f"<span style='font-size:13px;color:{MUTED}'>{built.text.subtitle}</span>"
    spec["layout"]["title"] = {**spec["layout"].get("title", {}), "text": subtitle}
    return unvalidated(spec)


def _picture_slides(deck: Deck, built: Built, release: Release) -> None:
    """One picture slide, or one per part of a chart too long for one slide (``Built.parts``: every row drawn somewhere)."""
    parts = built.parts or (built.figure,)
    for number, figure in enumerate(parts, start=1):
        title = words.part_title(built.text.title, number, len(parts)) if len(parts) > 1 else built.text.title
        _picture_slide(deck, built, figure, title, release)


def _picture_slide(deck: Deck, built: Built, figure: go.Figure, title: str, release: Release) -> None:
    slide = deck.slides.add_slide(deck.slide_layouts[TITLE_ONLY])
    top = set_title(slide, title)
    height_px = round(PICTURE_WIDTH * (HEIGHT - top) / WIDTH)
    fig = slide_theme(untitled(figure, built), width=PICTURE_WIDTH, height=height_px, footer=release_line(release))
    png = images.render(fig, fmt="png", width=PICTURE_WIDTH, height=height_px)
    picture = slide.shapes.add_picture(io.BytesIO(png), 0, top, width=WIDTH, height=HEIGHT - top)
    picture.name = built.chart
    picture._element.nvPicPr.cNvPr.set("descr", words.alt_text(built))  # python-pptx has no API for alt text
    slide.notes_slide.notes_text_frame.text = words.notes_text(built, release)


def _about_slide(deck: Deck, charts: Sequence[Built], title: str, release: Release, on: dt.date) -> None:
    """The last slide: which data release, which sources, how to cite; the type shrinks to fit, never below 9 pt."""
    slide = deck.slides.add_slide(deck.slide_layouts[TITLE_ONLY])
    top = set_title(slide, words.about_title())
    sources = [s.citation for s in words.sources_of(charts)]
    shown = sources[:ABOUT_SOURCES]
    if len(sources) > len(shown):
        shown.append(words.more_sources(len(sources) - len(shown)))
    heading_release, heading_sources, heading_cite = words.about_headings()
    blocks = [
        (heading_release, [release_line(release)]),
        (heading_sources, shown),
        (heading_cite, [words.citation(title, release, on)]),
    ]
    width = WIDTH - 2 * MARGIN
    room = HEIGHT - top - Inches(0.4)
    size = float(ABOUT_TEXT)
    while size > ABOUT_MIN and _blocks_height(blocks, width, size) > room:
        size -= 0.5
    top += Inches(0.15)
    for heading, lines in blocks:
        top = add_text(slide, top, heading, size + 3, bold=True)
        for line in lines:
            top = add_text(slide, top, line, size, colour=MUTED)
    notes = [release_line(release), "", heading_sources, *[f"- {s}" for s in sources]]
    notes += ["", heading_cite, words.citation(title, release, on)]
    slide.notes_slide.notes_text_frame.text = "\n".join(notes)


def _blocks_height(blocks: list[tuple[str, list[str]]], width: int, size: float) -> int:
    return sum(box_height(h, width, size + 3, bold=True) + sum(box_height(line, width, size) for line in lines) for h, lines in blocks)


def build_deck(
    charts: list[Built],
    *,
    title: str,
    store: Store,
    native: bool = False,
    on: dt.date | None = None,
    progress: Progress | None = None,
) -> bytes:
    """The deck as .pptx bytes; raises :class:`essa_dash.export.images.RenderError` if a picture fails or the deadline passes."""
    from essa_dash.export import native as native_charts  # imports python-pptx's chart module only when needed

    on = on or dt.date.today()
    deck = Presentation()
    widen_template(deck)
    _cover(deck, title, store.release, on)
    for done, built in enumerate(charts, start=1):
        images.check_deadline()  # a native slide renders nothing, so the deck's deadline is checked here too
        if not (native and native_charts.native_slide(deck, built, store.release)):
            _picture_slides(deck, built, store.release)
        if progress is not None:
            progress(done, len(charts), built.text.title)
    _about_slide(deck, charts, title, store.release, on)
    apply_script_fonts(deck)  # Thai, Khmer, Lao, Burmese: the complex-script font PowerPoint uses for them
    out = io.BytesIO()
    deck.save(out)
    return out.getvalue()
