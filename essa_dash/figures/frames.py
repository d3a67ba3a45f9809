"""Where a chart is shown, as data: a frame's size, type scale and rules, one value per place.

A chart is laid out for the frame it is drawn in: a desktop page, a phone, an embed,
a 16:9 slide, an image of a given size. The figure builders read the frame (how wide
a title line may be, how many small-multiple columns fit, how many bars a
categorical chart may draw before it shows the top and bottom and names the rest)
instead of branching per place, so a new place is one new value here.

Sizes are layout pixels, the CSS pixels plotly lays the chart out in. A slide or an
image is drawn at ``width x height`` layout pixels and scaled up by
:func:`essa_dash.figures.slide.slide_theme` to the output size: a 1920x1080 slide is
laid out like a page about 920 px wide and 520 px tall, then drawn with type about
twice as large. ``height`` None means the chart takes the height its rows need (a
page scrolls); a frame with a height must fit the chart in it.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from essa_dash.text.fonts import line_scale

#: Average advance of a character, in em, of Noto Sans (regular and bold), slightly wide:
#: a line estimated a little long wraps early, one estimated short would run off the chart.
CHAR_EM, BOLD_CHAR_EM = 0.54, 0.58
#: Plotly's line pitch for multi-line text, in em.
LINE_EM = 1.3
#: The dashboard's body type at page size; slides and images scale from it.
BASE_PX = 13


@dataclass(frozen=True)
class Frame:
    """One place a chart is shown: its layout size, type scale and layout rules."""

    name: str
    #: layout width in px the chart is laid out for
    width: int
    #: layout height in px the chart must fit in, or None: as tall as its rows need
    height: int | None
    #: type scale, px: title > subtitle (the definition) > source
    title_px: float = 17
    subtitle_px: float = 13
    source_px: float = 11
    #: most small-multiple panels per row
    columns: int = 4
    #: most bars of a long categorical chart in Latin script (see most_bars); past it, the top and bottom halves are
    #: drawn and the rest named
    max_bars: int = 40
    #: side margin, px
    side_px: int = 12

    def chars(self, font_px: float, *, bold: bool = False, width: float | None = None) -> int:
        """Characters of type ``font_px`` that fit on one line of ``width`` px (default: the frame's text width)."""
        room = (self.width - 2 * self.side_px) if width is None else width
        return max(8, math.floor(room / (font_px * (BOLD_CHAR_EM if bold else CHAR_EM))))

    def line_px(self, font_px: float) -> float:
        return font_px * LINE_EM

    def most_bars(self) -> int:
        """Most bars of a long categorical chart in the current language: ``max_bars`` on a page (it grows with its
        rows); in a frame of fixed height, as many fewer as its script's lines are taller than Latin's (Burmese: 1.6x),
        so that each bar's row still holds its name."""
        return self.max_bars if self.height is None else max(6, math.floor(self.max_bars / line_scale()))


#: A chart card on a desktop page (the 1440 px layout's main column).
DESKTOP = Frame("page-desktop", 1000, None)
#: A chart card on a 390 px phone: the card's inner width, one panel per row, fewer bars.
PHONE = Frame("page-phone", 340, None, title_px=15, subtitle_px=12, source_px=10, columns=1, max_bars=20, side_px=6)
#: ``/embed/<chart>`` in another site's iframe (the snippet's default is 100 % of a column).
EMBED = Frame("embed", 760, None, title_px=16, columns=3, max_bars=30)


def image(width: int, height: int, name: str = "") -> Frame:
    """The frame of an image or slide of ``width`` x ``height`` output px.

    Laid out at the size that :func:`essa_dash.figures.slide.slide_theme` scales up to the
    output (its body type is height/40 px), so the layout has room for what the slide shows.
    """
    factor = max(10.0, height / 40) / BASE_PX
    w, h = round(width / factor), round(height / factor)
    # the slide keeps the page's type scale (scaled up as a whole); fewer bars fit its fixed height: after the
    # title, legend, note and source (~250 px), a row of 19 px holds a category label's line box (1.4 em of 13 px)
    bars = max(6, (h - 250) // 19)
    return Frame(name or f"image-{width}x{height}", w, h, columns=6 if w >= h else 2, max_bars=bars, side_px=round(w / 32))


#: A 16:9 slide (and the default 1920x1080 image export).
SLIDE = image(1920, 1080, "slide-16:9")

#: Every named frame, for ``essa-dash render-all`` and the tests.
FRAMES = {f.name: f for f in (DESKTOP, PHONE, EMBED, SLIDE)}

#: Widest viewport, in CSS px, that gets the phone frame (a 390 px phone and a small tablet held upright).
PHONE_MAX_VIEWPORT = 600

_current: ContextVar[Frame] = ContextVar("essa_frame", default=DESKTOP)


def page_frame(viewport_width: int | None) -> Frame:
    """The frame a page's charts are laid out for, from the browser's viewport width (None: unknown, desktop)."""
    return PHONE if viewport_width is not None and viewport_width <= PHONE_MAX_VIEWPORT else DESKTOP


def current_frame() -> Frame:
    """The frame of the page being drawn (desktop unless the page said otherwise)."""
    return _current.get()


@contextmanager
def use_frame(frame: Frame) -> Iterator[Frame]:
    token = _current.set(frame)
    try:
        yield frame
    finally:
        _current.reset(token)
