"""render-all: pictures of every chart in every frame, and the text geometry measured in Chromium.

The checker itself is tested on boxes made up to fail; then real charts, laid out for the
desktop page and the 16:9 slide, must have no text outside the canvas, no two text boxes
overlapping and a title larger than its subtitle.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from essa_dash.export import images
from essa_dash.export.render_all import FRAMES, problems_in, render_all
from essa_dash.figures.frames import DESKTOP, SLIDE
from essa_dash.paths import ASSETS_DIR
from essa_dash.query.state import State

needs_chromium = pytest.mark.skipif(not images.CHROMIUM.is_file(), reason="needs Debian's chromium")


def _box(text: str, x: float, y: float, w: float = 40, h: float = 16) -> dict:
    return {"text": text, "x": x, "y": y, "w": w, "h": h}


def test_the_checker_finds_overlaps_overflow_and_a_small_title() -> None:
    boxes = [_box("a", 0, 0), _box("b", 30, 5), _box("c", 80, 90)]
    measured = {"width": 100, "height": 100, "title": 12.0, "subtitle": 13.0, "boxes": boxes}
    found = problems_in(measured, "v/c/f")
    assert any("'a'" in p and "overlaps 'b'" in p for p in found)
    assert any("outside" in p and "'c'" in p for p in found)
    assert any("title type 12.0 px" in p for p in found)
    clean = {"width": 100, "height": 100, "title": 17.0, "subtitle": 13.0, "boxes": [_box("a", 0, 0), _box("b", 0, 20)]}
    assert problems_in(clean, "v/c/f") == []


@needs_chromium
@pytest.mark.parametrize("chart", ["overview-heatmap", "risk-ranking", "country-bars", "risk-trend"])
def test_charts_on_the_desktop_page_and_the_slide_have_clean_text_geometry(chart: str, store, tmp_path: Path) -> None:
    images.set_topojson_base(ASSETS_DIR / "topojson")
    frames = {name: FRAMES[name] for name in (DESKTOP.name, SLIDE.name)}
    sheet = render_all(store, tmp_path, charts=[chart], views={"default": State()}, frames=frames, png=False)
    assert len(sheet.drawn) == 2
    assert sheet.problems == []
    assert (tmp_path / "default" / chart / f"{SLIDE.name}.svg").read_text().startswith("<svg")
    assert "default · " + chart in (tmp_path / "index.html").read_text()


@needs_chromium
def test_measuring_works_where_an_asyncio_loop_is_marked_running() -> None:
    """A notebook kernel's client (the notebook test) leaves such a mark; Playwright's sync API refuses it."""
    import asyncio

    from essa_dash.export.render_all import measurer

    loop = asyncio.new_event_loop()
    asyncio._set_running_loop(loop)
    try:
        measure, close = measurer()
        try:
            boxes = measure('<svg xmlns="http://www.w3.org/2000/svg" width="40" height="20"><text x="1" y="12">a</text></svg>')
        finally:
            close()
    finally:
        asyncio._set_running_loop(None)
        loop.close()
    assert isinstance(boxes, dict)


@needs_chromium
def test_text_is_measured_by_its_ink_not_its_fonts_line_box() -> None:
    """Digits drawn in a Burmese chart's font stack: Noto Sans Myanmar's line box is 2.2 em (its tallest stacked
    marks), so two rows 1.4 em apart "overlapped" with nothing drawn between them; ink that meets is still found."""
    from essa_dash.export.render_all import measurer

    font = "font-family: 'Noto Sans Myanmar', 'Noto Sans'; font-size: 20px"
    rows = "".join(f'<text x="10" y="{y}" style="{font}">100.0% (2021)</text>' for y in (30, 58))
    touching = f'<text x="10" y="120" style="{font}">ကမ္ဘာ</text><text x="12" y="130" style="{font}">ကမ္ဘာ</text>'
    measure, close = measurer()
    try:
        measured = measure(f'<svg xmlns="http://www.w3.org/2000/svg" width="300" height="160">{rows}{touching}</svg>')
    finally:
        close()
    first, second = measured["boxes"][:2]
    assert first["h"] < 20 and first["y"] + first["h"] < second["y"]  # the digits' ink: about 0.75 em, clear of each other
    found = problems_in(measured, "t")
    assert len(found) == 1 and "overlaps" in found[0] and "ကမ္ဘာ" in found[0]  # the two words drawn over each other
