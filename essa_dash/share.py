"""Link, embed, image: the same view three ways, plus the presenter's slideshow and deck.

* ``/embed/<chart>?<state>``: only the chart, with its title and source, responsive;
  the one kind of page other sites may frame.
* ``/img/<chart>.<png|svg|pdf>?<state>&width=&height=``: that exact view rendered on
  the server in the slide theme, to paste into slides or documents.
* ``/present?views=<url>&views=<url>``: full-screen slides of the charts of any
  dashboard URLs; arrow keys and space move.
* ``/deck.pptx?title=&views=&native=``: a 16:9 PowerPoint deck of the same.

All of them draw through :mod:`essa_dash.views`, so the chart matches the page. They
are plain HTML (no Dash), with plotly.js and a small script (``essa_dash/static/``)
served by the app itself: they work with the network unplugged and send no inline script.
"""

from __future__ import annotations

import datetime as dt
import functools
import html
import json
import re
import threading
import time
from collections.abc import Callable
from typing import Any

import flask

from essa_dash import bundles, lane, settings
from essa_dash.components.context import current_store
from essa_dash.export import images, jobs, slides
from essa_dash.figures.chrome import graph_config
from essa_dash.figures.frames import EMBED, Frame
from essa_dash.figures.frames import SLIDE as SLIDE_FRAME
from essa_dash.figures.frames import image as image_frame
from essa_dash.figures.slide import slide_theme
from essa_dash.query.state import PARAMS, Problem, State, Vocabulary
from essa_dash.responses import cached, error, not_modified, query_args
from essa_dash.text import current_language, fmt_int
from essa_dash.text.releases import release_line
from essa_dash.text.translate import tr
from essa_dash.views import REGISTRY, Built, build, charts_for_url, load_all, permalink

#: The Flask app's own static folder (essa_dash/static/): unlike assets/, Dash does not load it into every page.
STATIC = "/static"
IMAGE_FORMATS = {"png": "image/png", "svg": "image/svg+xml", "pdf": "application/pdf"}
MAX_VIEWS = 30
SLIDE = (1920, 1080)

share = flask.Blueprint("share", __name__)
share.before_request(not_modified)  # /img and /embed: a revalidation never renders


def _state(accept_extra: tuple[str, ...] = ()) -> tuple[State, list[Problem], dict[str, str]]:
    """The view state of the query string, plus the values of non-vocabulary parameters."""
    args = query_args()
    extra = {name: args.pop(name) for name in accept_extra if name in args}
    state, problems = Vocabulary.from_store(current_store()).parse(args, accept=PARAMS)
    return state, problems, extra


def _unknown_chart(chart: str) -> flask.Response | None:
    if chart not in load_all():
        return error(404, f"unknown chart '{chart}'", [Problem.of("chart", chart, "unknown_chart", tuple(REGISTRY), chart=chart)])
    return None


def _built(chart: str, state: State, frame: Frame) -> Built | flask.Response:
    if (unknown := _unknown_chart(chart)) is not None:
        return unknown
    built = build(chart, current_store(), state, frame)
    if built is None:
        return error(404, f"chart '{chart}' has nothing to show for this view")
    return built


def _page(title: str, body: str, *, script: str, css: str, maps: bool) -> flask.Response:
    """A plain HTML page with the partial plotly.js the pages use too (the geo one only when a map is drawn)."""
    plotly_js = bundles.url(bundles.GEO if maps else bundles.BASIC)
    doc = f"""<!doctype html>
<html lang="{current_language()}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{html.escape(title)}</title><link rel="icon" href="/_favicon.ico"><link rel="stylesheet" href="{STATIC}/{css}"></head>
<body>{body}<script src="{plotly_js}"></script><script src="{STATIC}/{script}"></script></body></html>"""
    return flask.Response(doc, mimetype="text/html")


def _figure_json(built: Built, *, slide: bool = False) -> str:
    fig = (
        slide_theme(built.figure, width=SLIDE[0], height=SLIDE[1], footer=release_line(current_store().release)) if slide else built.figure
    )
    # a figure's text can contain "</script>": escape so the JSON cannot end its element early
    return fig.to_json().replace("</", "<\\/")


def _config(built: Built) -> str:
    return json.dumps(graph_config(geo=REGISTRY[built.chart].map))


@share.get("/embed/<chart>")
def embed(chart: str) -> flask.Response:
    state, problems, _ = _state()
    if problems:
        return error(400, "; ".join(p.message for p in problems), problems)
    built = _built(chart, state, EMBED)
    if isinstance(built, flask.Response):
        return built
    link = permalink(chart, state, Vocabulary.from_store(current_store()))
    label = html.escape(built.text.title + ". " + " ".join(built.reading))
    open_link = html.escape(tr("Open in ESSA Dash"))
    body = (
        f'<main class="embed"><div id="chart" role="img" aria-label="{label}"></div>'
        f'<script type="application/json" id="figure">{_figure_json(built)}</script>'
        f'<script type="application/json" id="config">{_config(built)}</script>'
        f'<p class="embed-link"><span class="embed-release">{html.escape(release_line(current_store().release))}</span> · '
        f'<a href="{html.escape(link)}" target="_blank" rel="noopener">{open_link}</a></p></main>'
    )
    return cached(_page(built.text.title, body, script="embed.js", css="embed.css", maps=REGISTRY[chart].map))


_heavy_lock = threading.Lock()
_heavy_running = 0


def heavy(route: Callable[..., flask.Response]) -> Callable[..., flask.Response]:
    """At most ``ESSA_HEAVY_REQUESTS`` of these routes at once per worker process; one more is 503 + Retry-After at once.

    An image, a deck or a slideshow costs seconds of CPU. A worker has two threads: if both
    worked on (or waited for) renders, every page and API answer of that worker queued behind
    them. With one at a time, the other thread stays free for ordinary visitors. In production
    the route checks the request, then hands the drawing to the heavy lane (essa_dash.lane),
    whose time allowed counts from here.
    """

    @functools.wraps(route)
    def limited(*args: Any, **kwargs: Any) -> flask.Response:
        global _heavy_running
        flask.g.heavy_started = time.monotonic()
        with _heavy_lock:
            if _heavy_running >= settings.HEAVY_REQUESTS.value():
                return error(503, "this server is drawing other images or slides; try again in a few seconds")
            _heavy_running += 1
        try:
            return route(*args, **kwargs)
        finally:
            with _heavy_lock:
                _heavy_running -= 1

    return limited


@share.get("/img/<chart>.<fmt>")
@heavy
def image(chart: str, fmt: str) -> flask.Response:
    if fmt not in IMAGE_FORMATS:
        return error(
            404, f"unknown image format '{fmt}'", [Problem.of("format", fmt, "unknown_image_format", tuple(IMAGE_FORMATS), value=fmt)]
        )
    state, problems, size = _state(("width", "height", "scale"))
    try:
        width, height = _number(size.get("width", str(SLIDE[0])), int), _number(size.get("height", str(SLIDE[1])), int)
        scale = _number(size.get("scale", "1"), float)
        layout = images.validate(fmt=fmt, width=width, height=height, scale=scale)
    except ValueError as err:
        problems.append(Problem.of("width", f"{size}", "bad_image_size", detail=str(err)))
    if problems:
        return error(400, "; ".join(p.message for p in problems), problems)
    if (refused := _unknown_chart(chart)) is not None or (refused := lane.answer()) is not None:
        return refused  # an unknown chart, or the image as the heavy lane drew it
    built = _built(chart, state, image_frame(*layout))  # laid out for the image's shape, then scaled to its size
    if isinstance(built, flask.Response):
        return built
    try:
        themed = slide_theme(built.figure, width=width, height=height, footer=release_line(current_store().release))
        data = images.render(themed, fmt=fmt, width=width, height=height, scale=scale)
    except images.RenderError as err:
        return error(503, f"the image could not be rendered: {err}; try again shortly")
    response = flask.Response(data, mimetype=IMAGE_FORMATS[fmt])
    name = f"essa-{chart}-{dt.date.today().isoformat()}.{fmt}"
    response.headers["Content-Disposition"] = f'inline; filename="{name}"'
    return cached(response)


def _number(text: str, kind: type[int] | type[float]) -> int | float:
    """A size from the URL: ASCII digits only (``int`` and ``float`` would also read "٢٠٠٠", "1_000" and " 5 ")."""
    if not re.fullmatch(r"[0-9]{1,6}" if kind is int else r"[0-9]{1,3}(?:\.[0-9]{1,6})?", text):
        raise ValueError(f"{text[:20]!r} is not a {'whole ' if kind is int else ''}number")
    return kind(text)


def _views() -> tuple[list[Built], list[str], list[Problem]]:
    """Every chart of the ``views`` URLs, in order; the URLs as given; problems found."""
    return charts_of(flask.request.args.getlist("views"))


def planned(views: list[str]) -> tuple[list[tuple[str, State]], list[str], list[Problem]]:
    """The charts of dashboard links (a list, each item possibly several lines), counted, none drawn yet.

    At most :data:`MAX_VIEWS` links and ``ESSA_MAX_DECK_CHARTS`` charts (30 copies of a
    four-chart page cost 135 s and 2 GB before this limit): past it, no chart and a problem.
    """
    urls = [u.strip() for raw in views for u in raw.split("\n") if u.strip()][:MAX_VIEWS]
    vocabulary = Vocabulary.from_store(current_store())
    wanted: list[tuple[str, State]] = []
    problems: list[Problem] = []
    for url in urls:
        charts, more = charts_for_url(url, vocabulary)
        problems += more
        wanted += charts
    most = settings.MAX_DECK_CHARTS.value()
    if len(wanted) > most:
        return [], urls, [Problem.of("views", "", "too_many_charts", n=len(wanted), most=most)]
    return wanted, urls, problems


def charts_of(views: list[str]) -> tuple[list[Built], list[str], list[Problem]]:
    """Every chart of dashboard links, drawn (see :func:`planned` for the limits), the links and the problems."""
    wanted, urls, problems = planned(views)
    drawn = []
    for chart, state in wanted:
        images.check_deadline()  # a deck's time budget covers drawing its charts, not only rendering them
        if (built := build(chart, current_store(), state, SLIDE_FRAME)) is not None:
            drawn.append(built)
    return drawn, urls, problems


def _refused(route: str) -> flask.Response | None:
    """The 400 of ``views`` links that show no chart or too many, found before any chart is drawn."""
    wanted, urls, problems = planned(flask.request.args.getlist("views"))
    if not urls:
        return error(400, f"add one or more dashboard links: {route}?views=/country/VNM&views=/risk/old_age")
    if problems or not wanted:
        return error(400, "; ".join(p.message for p in problems) or "these links show no charts", problems)
    return None


def _slide_label(index: int, total: int, title: str) -> str:
    return tr("Slide {n} of {total}: {title}", n=fmt_int(index + 1), total=fmt_int(total), title=title)


@share.get("/present")
@heavy
def present() -> flask.Response:
    if (refused := _refused("/present")) is not None or (refused := lane.answer()) is not None:
        return refused  # links without charts or with too many, or the slideshow as the heavy lane drew it
    drawn, _, _ = _views()
    if not drawn:  # the links name charts, but none has anything to show
        return error(400, "these links show no charts")
    slides_html = "".join(
        f'<section class="slide" aria-label="{html.escape(_slide_label(i, len(drawn), b.text.title))}" hidden>'
        f'<div class="slide-chart" id="slide-{i}"></div>'
        f'<script type="application/json" class="figure">{_figure_json(b, slide=True)}</script>'
        f'<script type="application/json" class="config">{_config(b)}</script></section>'
        for i, b in enumerate(drawn)
    )
    # present.js writes "Slide 2 of 5" itself: it takes the words from the page, in the page's language
    keys = html.escape(tr("← → or space to move · F for full screen · Esc to leave"))
    strings = json.dumps({"counter": tr("Slide {n} of {total}")}, ensure_ascii=False).replace("</", "<\\/")
    body = (
        f'<main class="present" tabindex="-1">{slides_html}'
        '<nav class="present-help" aria-live="polite"><span id="counter"></span>'
        f" · {keys}</nav>"
        f'<script type="application/json" id="strings">{strings}</script></main>'
    )
    maps = any(REGISTRY[b.chart].map for b in drawn)
    return _page("ESSA Dash: presentation", body, script="present.js", css="present.css", maps=maps)


@share.get("/deck.pptx")
@heavy
def deck() -> flask.Response:
    title = flask.request.args.get("title", "ESSA Dash")[:200]
    if (char := slides.unwritable(title)) is not None:  # before any chart is drawn
        return error(400, f"the title holds {char}, a character a slide cannot hold", [Problem.of("title", char, "not_text")])
    if (refused := _refused("/deck.pptx")) is not None or (refused := lane.answer()) is not None:
        return refused  # links without charts or with too many, or the deck as the heavy lane drew it
    try:
        with images.deadline(settings.DECK_SECONDS.value()):  # from the start: drawing the charts counts too
            return _deck(title)
    except images.RenderError as err:
        return error(503, f"a chart could not be rendered: {err}; try again shortly")


def _deck(title: str) -> flask.Response:
    drawn, _, _ = _views()
    if not drawn:  # the links name charts, but none has anything to show
        return error(400, "these links show no charts")
    native = flask.request.args.get("native", "false").lower() in ("true", "1", "yes")
    data = slides.build_deck(drawn, title=title, store=current_store(), native=native)
    response = flask.Response(data, mimetype="application/vnd.openxmlformats-officedocument.presentationml.presentation")
    response.headers["Content-Disposition"] = f'attachment; filename="essa-deck-{dt.date.today().isoformat()}.pptx"'
    return response


@share.get("/deck/jobs/<job_id>")
def deck_job(job_id: str) -> flask.Response:
    """How far a deck build started on the /deck page got (the page polls this; so may a script)."""
    job = jobs.get(flask.current_app, job_id)
    if job is None:
        return error(404, "no such deck build (or it finished more than 10 minutes ago)")
    download = f"/deck/jobs/{job.id}.pptx" if job.state == "done" else None
    return flask.jsonify(state=job.state, done=job.done, total=job.total, current=job.current, error=job.error, download=download)


@share.get("/deck/jobs/<job_id>.pptx")
def deck_job_file(job_id: str) -> flask.Response:
    job = jobs.get(flask.current_app, job_id)
    if job is None or (data := jobs.deck(flask.current_app, job)) is None:
        return error(404, "no finished deck with this id (builds are kept 10 minutes)")
    response = flask.Response(data, mimetype="application/vnd.openxmlformats-officedocument.presentationml.presentation")
    response.headers["Content-Disposition"] = f'attachment; filename="essa-deck-{dt.date.today().isoformat()}.pptx"'
    return response


def register(server: flask.Flask) -> None:
    server.register_blueprint(share)
