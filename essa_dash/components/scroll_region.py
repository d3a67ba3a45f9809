"""A table that may be wider than the screen, in a region of its own that scrolls sideways: never the page.

On a 390 px phone most tables are wider than the screen. Their box scrolls instead of
the page, and says so twice: shadows at the edge that has more (assets/style.css, drawn
only while there is more) and, where the table is known to be wider than a phone, a line
of words above it. The box is a labelled region that takes focus, so the arrow keys
scroll it too.
"""

from __future__ import annotations

from dash import html
from dash.development.base_component import Component

from essa_dash.text import tr


def scroll_region(table: Component, *, label: str, hint: bool = True, class_name: str = "") -> list[Component]:
    """``table`` in a focusable region named ``label``, preceded on phones by the words that it scrolls if ``hint``.

    ``hint`` is for tables wider than a phone whatever the language; a table that fits a
    phone in most languages goes without the words and keeps the shadows, which show only
    when it does not fit.
    """
    region = html.Div(
        table,
        className=" ".join(filter(None, ["table-scroll", class_name])),
        tabIndex="0",
        role="region",
        **{"aria-label": label},
    )
    if not hint:
        return [region]
    words = tr("The table is wider than the screen: it scrolls sideways (swipe it, or focus it and use the arrow keys).")
    return [html.P(words, className="table-hint"), region]
