"""Every chart, in every frame, for a few views: pictures to look at and the geometry that can be measured.

``essa-dash render-all --out DIR`` draws each registry chart for the default view and
three harder ones (a country with many gaps, women and men, an older edition), in each
language asked for (``--lang``, repeatable; English by default; ``longest``: the
language whose title, subtitle and source line of that chart are the longest, and
Burmese, whose script has the tallest lines), lays it
out for each frame (:mod:`essa_dash.figures.frames`) and renders it the way that frame
ships: pages and embeds at their width, slides and images through the slide theme at
their pixel size. Each SVG is then measured in Chromium, as the browser lays it out: a
text element's box is its lines' advance across and their glyphs' ink up and down from
each baseline (the font's line box would count empty space: Noto Sans Myanmar's is 2.2
em tall for its highest stacked marks, so Latin digits drawn in a Burmese chart "overlapped"
the next row with nothing drawn between them). A text box outside the canvas, two
text boxes that overlap, a title not larger than its subtitle are problems, listed in
``DIR/problems.txt`` and on ``DIR/index.html``, the contact sheet of every PNG.

Measuring needs Playwright (the test extras); rendering needs only kaleido's Chromium.
"""

from __future__ import annotations

import html
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import plotly.graph_objects as go

from essa_dash.export import images
from essa_dash.figures.frames import DESKTOP, EMBED, PHONE, SLIDE, Frame, image
from essa_dash.figures.slide import slide_theme
from essa_dash.query.state import State
from essa_dash.store import Store
from essa_dash.text import use_language
from essa_dash.text.catalog import LANGUAGES, SOURCE_LANGUAGE
from essa_dash.views import build, load_all

#: The default view and three harder ones.
VIEWS: dict[str, State] = {
    "default": State(),
    "many-gaps": State(country=("BRN",)),
    "women-and-men": State(country=("PHL",), risk=("old_age",), sex="female"),
    "older-edition": State(edition="UN SDG DB 2018-10"),
}
#: Frames and the output size each ships at (None: the frame's width and the chart's own height).
FRAMES: dict[str, tuple[Frame, tuple[int, int] | None]] = {
    DESKTOP.name: (DESKTOP, None),
    PHONE.name: (PHONE, None),
    EMBED.name: (EMBED, None),
    SLIDE.name: (SLIDE, (1920, 1080)),
    "image-3840x2160": (image(3840, 2160), (3840, 2160)),
}
#: The language choice that draws each chart in its longest translation (and in the tallest script).
LONGEST = "longest"
#: Burmese: its script's line box is the tallest (Noto Sans Myanmar: 2.2 em against Latin's 1.4), so it is drawn too.
TALLEST = "my"
#: Pixels of tolerance (antialiasing, rounding of the glyphs' ink).
TOLERANCE = 2.0

_MEASURE = """(svgText) => {
  document.body.style.margin = '0';
  document.body.innerHTML = svgText;
  const svg = document.querySelector('svg');
  const width = +svg.getAttribute('width'), height = +svg.getAttribute('height');
  const ctx = document.createElement('canvas').getContext('2d');
  // the ink of one line of text: its advance box across, its glyphs' extent up and down from its baseline
  // (the font's line box reaches as far as its tallest stacked marks: Burmese's is 2.2 em, over empty space)
  const ink = (line) => {
    const r = line.getBoundingClientRect();
    const m = line.getScreenCTM();
    if (!m || Math.abs(m.b) > 1e-6 || Math.abs(m.c) > 1e-6 || !line.getNumberOfChars()) return r;  // turned text: its box
    const base = new DOMPoint(0, line.getStartPositionOfChar(0).y).matrixTransform(m).y;
    let up = -Infinity, down = -Infinity;
    const walk = document.createTreeWalker(line, NodeFilter.SHOW_TEXT);
    for (let node = walk.nextNode(); node; node = walk.nextNode()) {
      if (!node.data.trim()) continue;
      const s = getComputedStyle(node.parentElement);
      ctx.font = `${s.fontStyle} ${s.fontWeight} ${s.fontSize} ${s.fontFamily}`;
      const t = ctx.measureText(node.data);
      up = Math.max(up, t.actualBoundingBoxAscent * m.d);
      down = Math.max(down, t.actualBoundingBoxDescent * m.d);
    }
    return up === -Infinity ? r : {x: r.x, y: base - up, width: r.width, height: up + down};
  };
  const boxes = [...svg.querySelectorAll('text')]
    .filter(t => t.textContent.trim() && getComputedStyle(t).opacity !== '0' && getComputedStyle(t).display !== 'none')
    .map(t => {
      const lines = t.querySelector('tspan.line') ? [...t.querySelectorAll('tspan.line')].filter(l => l.textContent.trim()) : [t];
      const rs = lines.map(ink);
      const x = Math.min(...rs.map(r => r.x)), y = Math.min(...rs.map(r => r.y));
      return {text: t.textContent.trim().slice(0, 70), x, y,
              w: Math.max(...rs.map(r => r.x + r.width)) - x, h: Math.max(...rs.map(r => r.y + r.height)) - y}; })
    .filter(b => b.w > 0 && b.h > 0);
  const title = svg.querySelector('.gtitle');
  const sub = title && title.querySelector('tspan[style*="font-size"]');
  return {width, height, boxes,
          title: title ? parseFloat(getComputedStyle(title).fontSize) : null,
          subtitle: sub ? parseFloat(sub.style.fontSize) : null};
}"""


@dataclass
class Sheet:
    """What a render-all run drew and found."""

    drawn: list[tuple[str, str, str, str]] = field(default_factory=list)  # (language, view, chart, frame)
    empty: list[tuple[str, str, str]] = field(default_factory=list)  # (language, view, chart): nothing to show
    problems: list[str] = field(default_factory=list)

    def summary(self) -> str:
        langs, views, charts, frames = ({key[i] for key in self.drawn} for i in range(4))
        return (
            f"{len(self.drawn)} pictures ({len(charts)} charts x {len(views)} views x {len(frames)} frames"
            f" x {len(langs)} languages), {len(self.empty)} chart views with nothing to show, {len(self.problems)} geometry problems"
        )


def where(lang: str, view: str, chart: str, frame: str) -> str:
    """A picture's place under the output directory, and its name in the problems: English at the top, as
    before languages came; another language in a folder of its own (``th/default/risk-trend/page-phone``)."""
    return f"{view}/{chart}/{frame}" if lang == SOURCE_LANGUAGE else f"{lang}/{view}/{chart}/{frame}"


def longest_languages(chart: str, store: Store, state: State) -> list[str]:
    """The language whose translation of the chart's title, subtitle and source line is the longest (in
    characters, as the frames wrap them), then Burmese if that is another; [] when the view has nothing to show."""
    lengths = {}
    for code in LANGUAGES:
        with use_language(code):
            built = build(chart, store, state, DESKTOP)
        if built is None:
            return []
        lengths[code] = len(built.text.title) + len(built.text.subtitle) + len(built.text.source)
    return list(dict.fromkeys([max(lengths, key=lengths.__getitem__), TALLEST]))


def laid_out(chart: str, store: Store, state: State, frame: Frame, size: tuple[int, int] | None) -> tuple[go.Figure, int, int] | None:
    """The chart as it ships in ``frame``: the figure to render and its output size; None if the view has nothing."""
    built = build(chart, store, state, frame)
    if built is None:
        return None
    if size is None:
        return built.figure, frame.width, int(built.figure.layout.height or 600)
    return slide_theme(built.figure, width=size[0], height=size[1]), size[0], size[1]


def problems_in(measured: dict, where: str) -> list[str]:
    """Geometry problems of one measured SVG: text outside the canvas, overlapping text, title not above subtitle."""
    width, height, boxes = measured["width"], measured["height"], measured["boxes"]
    found = []
    for b in boxes:
        if b["x"] < -TOLERANCE or b["y"] < -TOLERANCE or b["x"] + b["w"] > width + TOLERANCE or b["y"] + b["h"] > height + TOLERANCE:
            found.append(f"{where}: text outside the {width}x{height} canvas: {b['text']!r} at {_box(b)}")
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            dx = min(a["x"] + a["w"], b["x"] + b["w"]) - max(a["x"], b["x"])
            dy = min(a["y"] + a["h"], b["y"] + b["h"]) - max(a["y"], b["y"])
            if dx > TOLERANCE and dy > TOLERANCE:
                found.append(f"{where}: {a['text']!r} {_box(a)} overlaps {b['text']!r} {_box(b)}")
    if measured["title"] is not None and measured["subtitle"] is not None and not measured["title"] > measured["subtitle"]:
        found.append(f"{where}: title type {measured['title']} px is not larger than the subtitle's {measured['subtitle']} px")
    return found


def _box(b: dict) -> str:
    return f"({b['x']:.0f},{b['y']:.0f} {b['w']:.0f}x{b['h']:.0f})"


def measurer() -> tuple[Callable[[str], dict], Callable[[], None]]:
    """(measure(svg) -> boxes, close): one headless Chromium page that lays SVGs out.

    Playwright's sync API refuses to run in a thread where an asyncio loop is marked running
    (a notebook kernel's client or a test that ran one leaves that mark), and its objects
    belong to the thread that made them: so the browser lives in one thread of its own and
    every call goes through it.
    """
    from concurrent.futures import ThreadPoolExecutor

    from playwright.sync_api import sync_playwright  # the test extras; only the measuring needs it

    worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="render-all-measure")

    def start() -> tuple[object, object, object]:
        playwright = sync_playwright().start()
        browser = playwright.chromium.launch(executable_path=str(images.CHROMIUM), args=["--no-sandbox", "--disable-gpu"])
        return playwright, browser, browser.new_page()

    playwright, browser, page = worker.submit(start).result()

    def close() -> None:
        worker.submit(lambda: (browser.close(), playwright.stop())).result()
        worker.shutdown()

    return (lambda svg: worker.submit(page.evaluate, _MEASURE, svg).result()), close


def render_all(
    store: Store,
    out: Path,
    *,
    charts: Iterable[str] | None = None,
    views: dict[str, State] = VIEWS,
    frames: dict[str, tuple[Frame, tuple[int, int] | None]] = FRAMES,
    langs: Iterable[str] = (SOURCE_LANGUAGE,),
    png: bool = True,
    progress: Callable[[str], None] = lambda line: None,
) -> Sheet:
    """Render every chart x view x language x frame under ``out`` (SVG, and PNG unless ``png`` is False) and
    measure each SVG. ``langs``: language codes, or :data:`LONGEST` for each chart's longest translation."""
    out.mkdir(parents=True, exist_ok=True)
    sheet = Sheet()
    measure, close = measurer()
    try:
        for view, state in views.items():
            for chart in charts or load_all():
                chosen = [code for lang in langs for code in (longest_languages(chart, store, state) if lang == LONGEST else [lang])]
                if not chosen:
                    sheet.empty.append((LONGEST, view, chart))
                for lang in dict.fromkeys(chosen):
                    with use_language(lang):
                        _draw(sheet, measure, store, out, lang, view, state, chart, frames, png=png, progress=progress)
    finally:
        close()
    (out / "problems.txt").write_text("\n".join(sheet.problems) + "\n" if sheet.problems else "")
    (out / "index.html").write_text(_contact_sheet(sheet, png=png))
    (out / "summary.json").write_text(
        json.dumps({"summary": sheet.summary(), "empty": sheet.empty, "problems": len(sheet.problems)}, indent=1)
    )
    return sheet


def _draw(
    sheet: Sheet,
    measure: Callable[[str], dict],
    store: Store,
    out: Path,
    lang: str,
    view: str,
    state: State,
    chart: str,
    frames: dict[str, tuple[Frame, tuple[int, int] | None]],
    *,
    png: bool,
    progress: Callable[[str], None],
) -> None:
    """One chart at one view in the current language, in every frame: written, measured, noted on the sheet."""
    for name, (frame, size) in frames.items():
        drawn = laid_out(chart, store, state, frame, size)
        if drawn is None:
            sheet.empty.append((lang, view, chart))
            return
        fig, width, height = drawn
        place = where(lang, view, chart, name)
        stem = out / place
        stem.parent.mkdir(parents=True, exist_ok=True)
        svg = images.render(fig, fmt="svg", width=width, height=height)
        stem.with_suffix(".svg").write_bytes(svg)
        if png:
            stem.with_suffix(".png").write_bytes(images.render(fig, fmt="png", width=width, height=height))
        sheet.problems += problems_in(measure(svg.decode()), place)
        sheet.drawn.append((lang, view, chart, name))
        progress(place)


def _contact_sheet(sheet: Sheet, *, png: bool) -> str:
    """One page with every picture, by language, view and chart, and the problems found in each."""
    ext = "png" if png else "svg"
    rows = []
    for lang, view, chart in dict.fromkeys((lang, v, c) for lang, v, c, _ in sheet.drawn):
        cells = "".join(
            f'<figure><a href="{where(lang, view, chart, f)}.{ext}"><img src="{where(lang, view, chart, f)}.{ext}" loading="lazy"'
            f' alt="{html.escape(f)}"></a><figcaption>{html.escape(f)}</figcaption></figure>'
            for lang_, v, c, f in sheet.drawn
            if (lang_, v, c) == (lang, view, chart)
        )
        prefix = where(lang, view, chart, "")
        notes = "".join(f"<li>{html.escape(p)}</li>" for p in sheet.problems if p.startswith(prefix))
        heading = " · ".join(html.escape(part) for part in ([] if lang == SOURCE_LANGUAGE else [lang]) + [view, chart])
        rows.append(f"<section><h2>{heading}</h2><div class=row>{cells}</div><ul>{notes}</ul></section>")
    style = "body{font-family:sans-serif}.row{display:flex;gap:8px;align-items:flex-start}img{max-width:360px;border:1px solid #ccc}"
    head = f"<!doctype html><meta charset=utf-8><title>render-all</title><style>{style}</style>"
    return f"{head}<h1>{html.escape(sheet.summary())}</h1>{''.join(rows)}"
