"""The overview heatmap fits its frame in every language: measured in Chromium, as render-all measures it.

Malay's and Filipino's risk names overprinted each other over the embed's columns,
"walang datos" ran out of its grey cell, Burmese's title was cut at the top: each
language is drawn in the frames where columns are narrowest (the embed, the phone's
two panels) and the slide, and its SVG text boxes are measured: none outside the
canvas, no two overlapping, every "no data" inside its grey cell.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

from essa_dash.export import images
from essa_dash.export.render_all import FRAMES, laid_out, measurer, problems_in
from essa_dash.figures.frames import EMBED, PHONE, SLIDE
from essa_dash.query.state import State
from essa_dash.text import tr
from essa_dash.text.catalog import LANGUAGES
from essa_dash.text.context import use_language

pytestmark = pytest.mark.skipif(not images.CHROMIUM.is_file(), reason="needs Debian's chromium")

#: The grey of a "no data" cell as the SVG writes it (figures._theme.NO_DATA, #e4e7eb).
_GREY_CELL = re.compile(r'<path[^>]*d="M([\d.]+),([\d.]+)H([\d.]+)V([\d.]+)H[\d.]+Z"[^>]*fill: rgb\(228, 231, 235\)')


@pytest.fixture(scope="module")
def measure() -> Iterator:
    measure, close = measurer()
    yield measure
    close()


@pytest.mark.parametrize("frame", [EMBED.name, PHONE.name, SLIDE.name])
@pytest.mark.parametrize("lang", sorted(LANGUAGES))
def test_the_heatmap_text_fits_in_every_language(lang: str, frame: str, store, measure) -> None:
    fit, size = FRAMES[frame]
    with use_language(lang):
        # the older edition has the most gaps: "no data" in many cells, several side by side
        fig, width, height = laid_out("overview-heatmap", store, State(edition="UN SDG DB 2018-10"), fit, size)
        words = re.sub(r"\s", "", tr("no data"))
    svg = images.render(fig, fmt="svg", width=width, height=height).decode()
    measured = measure(svg)
    assert problems_in(measured, f"{lang}/{frame}") == []
    cells = [tuple(map(float, m)) for m in _GREY_CELL.findall(svg)]
    notes = [b for b in measured["boxes"] if re.sub(r"\s", "", b["text"]) == words]
    assert cells and len(notes) == len(cells), "every grey cell says 'no data'"
    for b in notes:
        assert any(
            x0 - 1 <= b["x"] and b["x"] + b["w"] <= x1 + 1 and y0 - 1 <= b["y"] and b["y"] + b["h"] <= y1 + 1 for x0, y0, x1, y1 in cells
        ), f"{b['text']!r} at ({b['x']:.0f},{b['y']:.0f} {b['w']:.0f}x{b['h']:.0f}) is not inside a grey cell"
