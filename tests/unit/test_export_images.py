"""Server-side image export: exact pixel sizes, real content, the source kept, recovery after a crash.

These tests drive the real Debian Chromium through kaleido (one warm browser shared
by the module, ~1.5 s to start; each recovery test starts another). They are
skipped where Chromium is not installed. The slide layout checks that need no
browser are at the end.
"""

from __future__ import annotations

import os
import re
import signal
import struct
import threading
import time
import zlib
from collections.abc import Iterator
from pathlib import Path

import plotly.graph_objects as go
import pytest

from essa_dash import captions, query
from essa_dash.export import images
from essa_dash.figures._theme import ChartText, frame
from essa_dash.figures.heatmap import coverage_heatmap
from essa_dash.figures.slide import SOURCE_MAX_LINES, slide_theme
from essa_dash.store import Store

needs_chromium = pytest.mark.skipif(not images.CHROMIUM.is_file(), reason=f"no Chromium at {images.CHROMIUM}")

#: The smallest figure that still exercises the renderer, for tests about the renderer itself.
TINY = go.Figure(go.Scatter(x=[1, 2, 3], y=[3, 1, 2]))


@pytest.fixture(scope="module")
def heatmap(store: Store) -> go.Figure:
    grid = query.heatmap_grid(store)
    return coverage_heatmap(grid, text=captions.heatmap_text(store, grid))


@pytest.fixture(scope="module")
def slide(heatmap: go.Figure) -> go.Figure:
    return slide_theme(heatmap, width=1920, height=1080)


@pytest.fixture(scope="module", autouse=True)
def _stop_renderer() -> Iterator[None]:
    """Leave no Chromium behind for the rest of the session."""
    yield
    images.shutdown()


# --- helpers: read what came out without new dependencies -------------------------------------


def png_size(data: bytes) -> tuple[int, int]:
    """Width and height from the IHDR chunk, which the PNG format puts first."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    length, kind = struct.unpack(">I4s", data[8:16])
    assert kind == b"IHDR" and length == 13
    return struct.unpack(">II", data[16:24])


def distinct_scanlines(data: bytes) -> int:
    """How many different rows the decompressed image data holds (each row: filter byte + RGBA pixels).

    A single-colour image has only a handful (the first row and the filter kinds);
    a chart with text and colours has hundreds. Cheaper than un-filtering 8 M bytes
    in Python, and calibrated in the tests against a blank image of the same size.
    """
    width, _ = png_size(data)
    idat, pos = bytearray(), 8
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos : pos + 8])
        if kind == b"IDAT":
            idat += data[pos + 8 : pos + 8 + length]
        pos += 12 + length
    raw = zlib.decompress(bytes(idat))
    colour_type, bit_depth = data[25], data[24]
    assert bit_depth == 8 and colour_type in (2, 6), "kaleido writes 8-bit RGB(A)"
    stride = 1 + width * (4 if colour_type == 6 else 3)
    return len({raw[i : i + stride] for i in range(0, len(raw), stride)})


def pdf_text(data: bytes) -> str:
    """The text a PDF viewer would extract, for PDFs as Chromium (Skia) writes them.

    Skia embeds subset fonts with 2-byte glyph ids (Identity-H) and writes each glyph
    as ``<gid> Tj``, so the words never appear in the file; each font carries a
    ToUnicode CMap from glyph id to character. This decodes the (zlib-compressed)
    content streams through those maps, font by font (``/Fn size Tf``).
    """
    objects = {int(m[1]): m[2] for m in re.finditer(rb"(\d+) 0 obj\s*(.*?)endobj", data, re.S)}

    def stream(body: bytes) -> bytes:
        start = re.search(rb"stream\r?\n", body)
        assert start is not None
        raw = body[start.end() : body.rindex(b"endstream")]
        return zlib.decompress(raw) if b"/FlateDecode" in body[: start.start()] else raw

    def cmap(number: int) -> dict[int, str]:
        text, mapping = stream(objects[number]), {}
        for block in re.findall(rb"beginbfchar(.*?)endbfchar", text, re.S):
            for src, dst in re.findall(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
                mapping[int(src, 16)] = bytes.fromhex(dst.decode()).decode("utf-16-be")
        for block in re.findall(rb"beginbfrange(.*?)endbfrange", text, re.S):
            for lo, hi, dst in re.findall(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
                first = int(dst, 16)
                for offset, gid in enumerate(range(int(lo, 16), int(hi, 16) + 1)):
                    mapping[gid] = chr(first + offset)
        return mapping

    fonts: dict[bytes, dict[int, str]] = {}
    for body in objects.values():
        if (resources := re.search(rb"/Font\s*<<(.*?)>>", body, re.S)) is not None:
            for name, number in re.findall(rb"/(\w+)\s+(\d+) 0 R", resources[1]):
                font = objects.get(int(number), b"")
                if (unicode := re.search(rb"/ToUnicode (\d+) 0 R", font)) is not None:
                    fonts[name] = cmap(int(unicode[1]))
    out: list[str] = []
    for body in objects.values():
        if b"stream" not in body or b"/Subtype" in body.split(b"stream")[0]:
            continue  # images, fonts and colour profiles are streams too
        content, font = stream(body), {}
        for token in re.finditer(rb"/(\w+)\s+[\d.]+\s+Tf|<([0-9A-Fa-f]*)>\s*Tj|\[([^\]]*)\]\s*TJ", content):
            if token[1] is not None:
                font = fonts.get(token[1], {})
                continue
            hexes = [token[2]] if token[2] is not None else re.findall(rb"<([0-9A-Fa-f]*)>", token[3])
            for h in hexes:
                out.extend(font.get(int(h[i : i + 4], 16), "?") for i in range(0, len(h), 4))
    return "".join(out)


def svg_boxes(svg: str, kind: str) -> list[tuple[float, float, float, float]]:
    """x, y, width, height of each annotation's background box, as the browser measured it."""
    number = r"([\d.-]+)"
    rect = rf'<rect class="bg" x="[\d.]+" y="[\d.]+" width="{number}" height="{number}"'
    pattern = rf'<g class="{kind}".*?translate\({number},{number}\)">{rect}'
    return [tuple(float(v) for v in m) for m in re.findall(pattern, svg, re.S)]


def plot_box(svg: str) -> tuple[float, float, float, float]:
    """x, y, width, height of the plotting area: the subplot's offset and its clip rectangle."""
    offset = re.search(r'<g class="xy" transform="translate\(([\d.]+),([\d.]+)\)"', svg)
    clip = re.search(r'class="plotclip"><rect width="([\d.]+)" height="([\d.]+)"', svg)
    assert offset is not None and clip is not None
    return float(offset[1]), float(offset[2]), float(clip[1]), float(clip[2])


def wait_until_gone(pid: int, seconds: float = 10) -> None:
    """Wait until ``pid`` has exited and been reaped (or is a zombie nobody needs)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            return
        if state in ("Z", "X"):
            return
        time.sleep(0.02)
    raise AssertionError(f"process {pid} still running after {seconds} s")


# --- rendering ----------------------------------------------------------------------------


@needs_chromium
def test_png_full_hd_is_exactly_1920x1080_and_drawn(slide: go.Figure) -> None:
    png = images.render(slide, fmt="png", width=1920, height=1080)
    blank = images.render(go.Figure(layout={"xaxis": {"visible": False}, "yaxis": {"visible": False}}), fmt="png", width=1920, height=1080)
    assert png_size(png) == (1920, 1080)
    assert png_size(blank) == (1920, 1080)
    assert distinct_scanlines(blank) <= 5, "calibration: a blank image has almost no distinct rows"
    assert distinct_scanlines(png) > 300
    assert len(png) > 5 * len(blank)


@needs_chromium
def test_png_4k_is_exactly_3840x2160_with_the_full_hd_layout(slide: go.Figure) -> None:
    """scale=2: the 1920x1080 layout drawn twice as fine, so the type keeps its share of the slide."""
    png = images.render(slide, fmt="png", width=3840, height=2160, scale=2)
    assert png_size(png) == (3840, 2160)
    assert distinct_scanlines(png) > 600


@needs_chromium
def test_svg_keeps_title_and_source_inside_the_image(slide: go.Figure) -> None:
    svg = images.render(slide, fmt="svg", width=1920, height=1080).decode()
    assert svg.startswith("<svg")
    assert 'width="1920" height="1080"' in svg
    assert "Source: ILO" in svg
    assert "Share of people covered" in svg
    boxes = svg_boxes(svg, "annotation")  # the heatmap's "no data" words, then the footnote frame() adds last
    assert all(x >= 0 and y >= 0 and x + w <= 1920 and y + h <= 1080 for x, y, w, h in boxes)
    _, y, _, _ = boxes[-1]
    _, plot_top, _, plot_height = plot_box(svg)
    assert y >= plot_top + plot_height, "the footnote sits below the plot, not over it"


@needs_chromium
def test_a_very_long_source_is_shortened_and_stays_inside() -> None:
    bars = {"data": [{"type": "bar", "x": ["a", "b"], "y": [1, 2]}]}
    fig = frame(bars, ChartText("Title", "Subtitle", "ILO. " + "A long citation. " * 120), height=500)
    svg = images.render(slide_theme(fig, width=1920, height=1080), fmt="svg", width=1920, height=1080).decode()
    (box,) = svg_boxes(svg, "annotation")
    x, y, w, h = box
    assert x >= 0 and y >= 0 and x + w <= 1920 and y + h <= 1080
    assert "…" in svg


@needs_chromium
def test_pdf_carries_the_source_as_text(slide: go.Figure) -> None:
    pdf = images.render(slide, fmt="pdf", width=1920, height=1080)
    assert pdf.startswith(b"%PDF-")
    assert b"/MediaBox [0 0 1440 810]" in pdf, "1920x1080 CSS px = 1440x810 pt"
    text = pdf_text(pdf)
    assert "Source: ILO" in text
    assert "Share of people covered" in text


@needs_chromium
def test_renders_from_many_threads_at_once() -> None:
    results: list[bytes | BaseException] = []

    def work(i: int) -> None:
        try:
            results.append(images.render(TINY, fmt="svg", width=400 + i * 100, height=300))
        except BaseException as error:
            results.append(error)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert len(results) == 4
    assert all(isinstance(r, bytes) and r.startswith(b"<svg") for r in results), results


# --- recovery -----------------------------------------------------------------------------


@needs_chromium
def test_next_render_recovers_after_the_browser_is_killed() -> None:
    images.render(TINY, fmt="png", width=400, height=300)
    pid = images.browser_pid()
    assert pid is not None
    os.kill(pid, signal.SIGKILL)
    wait_until_gone(pid)
    png = images.render(TINY, fmt="png", width=400, height=300)
    assert png_size(png) == (400, 300)
    assert images.browser_pid() not in (None, pid)


@needs_chromium
def test_a_render_racing_the_crash_fails_cleanly_and_the_next_recovers() -> None:
    """Killed mid-render or just before: that call may fail, with RenderError only; the next works."""
    images.render(TINY, fmt="png", width=400, height=300)
    pid = images.browser_pid()
    assert pid is not None
    killer = threading.Timer(0.05, os.kill, args=(pid, signal.SIGKILL))
    killer.start()
    try:
        images.render(TINY, fmt="png", width=3840, height=2160)
    except images.RenderError as error:
        assert "Chromium" in str(error) or "browser" in str(error)
    killer.join()
    assert png_size(images.render(TINY, fmt="png", width=400, height=300)) == (400, 300)
    assert images.browser_pid() != pid


@needs_chromium
def test_a_figure_error_is_reported_and_keeps_the_browser(tmp_path: Path) -> None:
    """A map whose outlines cannot be loaded fails as RenderError; the browser is not restarted for it."""
    images.render(TINY, fmt="svg", width=400, height=300)
    pid = images.browser_pid()
    images.set_topojson_base(tmp_path)  # an empty directory: the outlines file is missing
    try:
        with pytest.raises(images.RenderError, match="topojson"):
            images.render(go.Figure(go.Scattergeo(lon=[100], lat=[10])), fmt="svg", width=400, height=300)
        assert images.browser_pid() == pid
    finally:
        images.set_topojson_base(None)


def _point_the_tab_at_a_world_without_kaleido() -> None:
    """Make kaleido's tab draw in a JavaScript context of its page where ``kaleido_scopes`` does not exist.

    An isolated world shares the page's document but none of its scripts: the same state
    kaleido is in when it took the blank document's context before its page loaded
    (``images._page_not_loaded``), which a test cannot time on purpose.
    """
    renderer = images._renderer
    assert renderer is not None and renderer._kaleido is not None
    tab = renderer._kaleido.tabs_ready._queue[0]  # the one idle kaleido tab

    async def isolate() -> int:
        answer = await tab.tab.send_command("Page.createIsolatedWorld", params={"frameId": tab.tab.target_id})
        return answer["result"]["executionContextId"]

    tab._current_js_id = renderer._run(isolate(), 10)


@needs_chromium
def test_a_render_in_a_context_without_kaleidos_page_is_drawn_again_on_the_same_browser() -> None:
    """CI failed once on "ReferenceError: kaleido_scopes is not defined" (the first image of a new renderer)."""
    images.render(TINY, fmt="png", width=400, height=300)
    pid = images.browser_pid()
    _point_the_tab_at_a_world_without_kaleido()
    assert png_size(images.render(TINY, fmt="png", width=400, height=300)) == (400, 300)
    assert images.browser_pid() == pid


@needs_chromium
def test_a_page_missing_twice_is_reported_and_the_next_render_starts_a_new_browser(monkeypatch: pytest.MonkeyPatch) -> None:
    images.render(TINY, fmt="png", width=400, height=300)
    pid = images.browser_pid()
    calc = images._Renderer._calc

    def always_without_kaleido(self: images._Renderer, *args: object) -> bytes:
        _point_the_tab_at_a_world_without_kaleido()
        return calc(self, *args)

    monkeypatch.setattr(images._Renderer, "_calc", always_without_kaleido)
    with pytest.raises(images.RenderError, match=r"had not loaded plotly\.js, twice.*next render starts a new one"):
        images.render(TINY, fmt="png", width=400, height=300)
    monkeypatch.undo()
    assert png_size(images.render(TINY, fmt="png", width=400, height=300)) == (400, 300)
    assert images.browser_pid() != pid


@needs_chromium
def test_maps_render_offline_from_a_local_topojson_base(tmp_path: Path) -> None:
    empty = {"type": "GeometryCollection", "geometries": []}
    objects = dict.fromkeys(("coastlines", "land", "ocean", "lakes", "rivers", "countries", "subunits"), empty)
    (tmp_path / "world_110m.json").write_text(str({"type": "Topology", "objects": objects, "arcs": []}).replace("'", '"'))
    images.set_topojson_base(tmp_path)
    try:
        assert images.topojson_base() == tmp_path.resolve().as_uri() + "/"
        svg = images.render(go.Figure(go.Scattergeo(lon=[100, 110], lat=[10, 15])), fmt="svg", width=400, height=300)
    finally:
        images.set_topojson_base(None)
    assert b"scattergeo" in svg


# --- requests refused before they reach the browser ------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"width": 199, "height": 1080}, "between 200 and 8000"),
        ({"width": 1920, "height": 8001}, "between 200 and 8000"),
        ({"width": 1920.0, "height": 1080}, "whole number"),
        ({"width": 1920, "height": 1080, "scale": 0}, "at most 4"),
        ({"width": 1920, "height": 1080, "scale": 5}, "at most 4"),
        ({"width": 1921, "height": 1080, "scale": 2}, "whole number of layout pixels"),
        ({"width": 1920, "height": 1080, "fmt": "jpg"}, "png, svg, pdf"),
    ],
)
def test_invalid_requests_raise_value_error(kwargs: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        images.render(TINY, **{"fmt": "png", **kwargs})


# --- slide layout (no browser) ---------------------------------------------------------------


def test_slide_theme_returns_a_restyled_copy(heatmap: go.Figure, slide: go.Figure) -> None:
    before = heatmap.to_json()
    again = slide_theme(heatmap, width=1920, height=1080)
    assert heatmap.to_json() == before, "the dashboard figure is untouched"
    assert again.to_json() == slide.to_json(), "pure: same input, same slide"
    assert (slide.layout.width, slide.layout.height) == (1920, 1080)
    assert slide.layout.font.size == 27  # 1080 / 40
    assert slide.layout.title.font.size > slide.layout.font.size
    assert slide.layout.margin.l > heatmap.layout.margin.l and slide.layout.margin.r > heatmap.layout.margin.r
    assert "font-size:27px" in slide.layout.title.text  # the subtitle's inline 13 px, scaled


def test_slide_theme_keeps_and_enlarges_the_source(heatmap: go.Figure, slide: go.Figure) -> None:
    (note,) = [a for a in slide.layout.annotations if a.text.startswith("Source:")]
    (old,) = [a for a in heatmap.layout.annotations if a.text.startswith("Source:")]
    assert note.font.size == 20 > old.font.size
    assert note.text.replace("<br>", " ") == old.text.replace("<br>", " ")
    assert note.yshift < 0 and -note.yshift < slide.layout.margin.b


def test_slide_theme_scales_with_the_output_size(heatmap: go.Figure) -> None:
    small, large = slide_theme(heatmap, width=1280, height=720), slide_theme(heatmap, width=3840, height=2160)
    assert small.layout.font.size == 18 and large.layout.font.size == 54
    assert large.layout.margin.l > small.layout.margin.l


def test_slide_theme_wraps_or_shortens_long_sources() -> None:
    def source_lines(source: str) -> list[str]:
        fig = frame({"data": [{"type": "bar", "x": ["a"], "y": [1]}]}, ChartText("T", "S", source), height=400)
        (note,) = slide_theme(fig, width=1920, height=1080).layout.annotations
        return note.text.split("<br>")

    assert len(source_lines("ILO.")) == 1
    medium = source_lines("ILO. " + "A citation of moderate length. " * 10)
    assert 2 <= len(medium) <= SOURCE_MAX_LINES and not medium[-1].endswith("…")
    long = source_lines("ILO. " + "A long citation. " * 200)
    assert len(long) == SOURCE_MAX_LINES and long[-1].endswith("…")
    assert len(source_lines("https://example.org/" + "x" * 600)) > 1, "an unbreakable URL is cut rather than overflow"


def test_a_legend_pinned_under_the_title_moves_below_the_wrapped_title() -> None:
    """A figure may pin its legend in page pixels under its title; on a slide the title grows past that spot."""
    traces = [{"type": "scatter", "x": [2000, 2010], "y": [10, 20], "name": f"Edition {i} of a long list of editions"} for i in range(6)]
    long = "A title long enough to wrap on a slide once it is set in type readable from the back of a room, twice"
    fig = frame({"data": traces}, ChartText(long, "A definition that is long as well, " * 4, "S"), height=500)
    fig.update_layout(legend={"orientation": "h", "yref": "container", "y": 1 - 80 / 500, "yanchor": "top"})
    themed = slide_theme(fig, width=1920, height=1080)
    title, legend = themed.layout.title, themed.layout.legend
    lines = title.text.count("<br>") + 1
    last_baseline = title.pad.t + (lines - 1) * 1.3 * title.font.size
    legend_top = (1 - legend.y) * 1080
    assert legend.yanchor == "top" and legend_top > last_baseline  # under the wrapped title, not over it
    assert themed.layout.margin.t > legend_top + 2 * 1.3 * themed.layout.font.size  # room for its two rows


def test_breaks_inside_the_bold_title_are_undone_so_it_keeps_its_weight() -> None:
    bar = {"data": [{"type": "bar", "x": [1], "y": ["a"]}]}
    fig = frame(bar, ChartText("A title<br>broken for the page", "A subtitle", "S"), height=300)
    themed = slide_theme(fig, width=1920, height=1080)
    first, second = themed.layout.title.text.split("<br>")[:2]
    assert first == "<b>A title broken for the page</b>"  # one bold line at slide width, not "A title" and a plain rest
    assert second.startswith("<span style='font-size:")


def test_a_note_under_the_plot_and_the_source_do_not_overprint(store: Store) -> None:
    """The change bars name the cells they do not draw under the plot; on a slide the source goes below that note."""
    from essa_dash.query.state import State
    from essa_dash.views import build

    built = build("progress-bars", store, State())
    assert built is not None
    themed = slide_theme(built.figure, width=1920, height=1080, footer="Data release x")
    notes = [a for a in themed.layout.annotations if a.yref == "paper" and a.y == 0]
    source = next(a for a in notes if a.text.startswith("Source:"))
    rest = next(a for a in notes if a.text.startswith("Not drawn"))
    rest_bottom = -rest.yshift + (rest.text.count("<br>") + 1) * rest.font.size * 1.3  # px under the plot, anchored at its top
    source_top = -source.yshift - (source.text.count("<br>") + 1) * source.font.size * 1.3  # anchored at its bottom
    assert rest_bottom <= source_top
    assert -source.yshift <= themed.layout.margin.b  # and the source stays inside the image


def test_a_translated_source_is_still_restyled_and_keeps_the_release_footer() -> None:
    """The footnote's first word is translated ("Sumber:"), so slides find it by name, not by its English words."""
    from essa_dash.text.context import use_language

    with use_language("ms"):
        fig = frame({"data": [{"type": "bar", "x": ["a"], "y": [1]}]}, ChartText("T", "S", "ILO. " + "A citation. " * 30), height=400)
        themed = slide_theme(fig, width=1920, height=1080, footer="Keluaran data x")
    (note,) = themed.layout.annotations
    assert note.text.startswith("Sumber: ILO.") and note.text.endswith("<br>Keluaran data x")
    assert note.font.size == 20  # enlarged for the slide, as the English one is
    assert themed.layout.margin.b >= (note.text.count("<br>") + 1) * note.font.size * 1.3  # room kept for every line
