"""Every chart of the dashboard by id: the one place that turns a URL state into a figure.

Pages, ``/embed/<chart>``, ``/img/<chart>.<fmt>`` and the deck builder all call
:func:`build`, so a chart is the same everywhere: same rows, same title, same source
line. One module per page (``views/country.py``, ...) registers that page's charts;
they read only the URL vocabulary (``country``, ``risk``, ``sex``, ``edition``, ...)
and resolve its defaults through the query modules. No Dash here: the layer sits
between the figures and the pages.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from urllib.parse import urlsplit

import pandas as pd
import plotly.graph_objects as go

from essa_dash import captions
from essa_dash.captions import DefinitionNote, SourceNote
from essa_dash.figures._theme import ChartText
from essa_dash.figures.frames import Frame, current_frame
from essa_dash.query.state import Problem, State, Vocabulary, read_query
from essa_dash.store import Store, per_build
from essa_dash.text.comparisons import flag_reading


@dataclass(frozen=True)
class Built:
    """A chart drawn for one state, with everything that travels with it."""

    chart: str
    figure: go.Figure
    text: ChartText
    reading: list[str]
    definitions: list[DefinitionNote]
    sources: list[SourceNote]
    #: the numbers behind the figure, for native PowerPoint charts: {series name: {category: value}}
    series: dict[str, dict[str, float]] = field(default_factory=dict)
    #: the chart split over several figures that each fit a fixed-height frame, for a deck (a slide each); empty: it
    #: fits whole. ``figure`` is then the single picture: what fits, with what is left out named under it
    parts: tuple[go.Figure, ...] = ()


@dataclass(frozen=True)
class Chart:
    """A chart the dashboard can draw, and how to draw it for a state."""

    id: str
    name: str
    page: str
    params: tuple[str, ...]
    kind: str  # bar | line | heatmap | map | dots | dumbbell (bar and line can become native slides)
    #: draws the chart for a state, laid out for a frame (essa_dash.figures.frames)
    build: Callable[[Store, State, Frame], Built | None]
    map: bool = False
    #: the state the chart is drawn for once its page has resolved the defaults and fallbacks (an edition
    #: without figures, a sex a risk is not measured for): states that resolve alike share one drawing
    canonical: Callable[[Store, State], State] | None = None


REGISTRY: dict[str, Chart] = {}


def register(chart: Chart) -> Chart:
    if chart.id in REGISTRY:
        raise ValueError(f"chart id {chart.id!r} registered twice")
    REGISTRY[chart.id] = chart
    return chart


def build(chart_id: str, store: Store, state: State, frame: Frame | None = None) -> Built | None:
    """Draw a registered chart laid out for ``frame`` (default: the page being drawn, desktop or phone); None when
    the state has nothing to show."""
    return _build(store, chart_id, state, frame or current_frame())


@per_build(maxsize=512)
def _build(store: Store, chart_id: str, state: State, frame: Frame) -> Built | None:
    # drawn once per data build and state: a figure is never modified after it is built
    # (the slide theme works on a copy), so pages, embeds, images and slides share it
    if chart_id not in REGISTRY:
        load_all()
    chart = REGISTRY[chart_id]
    if chart.canonical is not None and (canonical := chart.canonical(store, state)) != state:
        # 300 risk URLs resolve to 78 views, 330 country URLs to 123: draw each view once
        return _build(store, chart_id, canonical, frame)
    return chart.build(store, state, frame)


def finish(chart: str, figure: go.Figure, text: ChartText, reading: list[str], store: Store, rows: pd.DataFrame, **extra: object) -> Built:
    """Assemble a Built with the definitions and sources of the rows drawn, and the words for their flags.

    Every chart's reading ends with its flagged figures, so no chart can leave them out.
    """
    notes = captions.grid_notes(store, rows)
    return Built(chart, figure, text, [*reading, *flag_reading(rows)], notes["definitions"], notes["sources"], **extra)


def load_all() -> dict[str, Chart]:
    """Import every view module so that its charts are registered; the registry, in page order."""
    import importlib
    import pkgutil

    for info in pkgutil.iter_modules(__path__):
        importlib.import_module(f"{__name__}.{info.name}")
    return REGISTRY


#: Path parameters of page templates -> the URL vocabulary's parameter.
PATH_PARAMS = {"iso3": "country", "risk": "risk"}


def page_pattern(template: str) -> re.Pattern[str]:
    """``/risk/<risk>`` -> a pattern of the page's paths, each path variable a named group of one segment."""
    return re.compile("^" + re.sub(r"<(\w+)>", r"(?P<\1>[^/]+)", re.escape(template).replace(r"\<", "<").replace(r"\>", ">")) + "$")


def of_page(template: str, path: str) -> bool:
    """Whether ``path`` (its query left off) is a path of the page ``template``, a trailing slash allowed."""
    return page_pattern(template).fullmatch(path.split("?", 1)[0].rstrip("/") or "/") is not None


def charts_for_url(url: str, vocabulary: Vocabulary) -> tuple[list[tuple[str, State]], list[Problem]]:
    """The charts a dashboard URL shows, with the state each is drawn for.

    ``/risk/old_age?country=VNM,IDN`` -> the risk page's charts for old age in Viet
    Nam and Indonesia; ``/embed/<chart>?...`` -> that one chart. A presenter builds a
    deck or a slideshow by pasting the dashboard's own links.
    """
    registry = load_all()
    parts = urlsplit(url.strip())
    path = parts.path.rstrip("/") or "/"
    params = {k: v if isinstance(v, str) else ",".join(v) for k, v in read_query(f"?{parts.query}").items()}
    state, problems = vocabulary.parse(params)
    if match := re.fullmatch(r"/(?:embed|img)/([\w-]+?)(?:\.(?:png|svg|pdf))?", path):
        chart = match.group(1)
        if chart not in registry:
            return [], [*problems, Problem.of("view", url, "unknown_chart", tuple(registry), chart=chart)]
        return [(chart, state)], problems
    for template in dict.fromkeys(c.page for c in registry.values()):
        found = page_pattern(template).fullmatch(path)
        if found is None:
            continue
        for name, value in found.groupdict().items():
            extra, more = vocabulary.parse({PATH_PARAMS[name]: value})
            problems += more
            state = replace(state, **{PATH_PARAMS[name]: getattr(extra, PATH_PARAMS[name])})
        return [(c.id, state) for c in registry.values() if c.page == template], problems
    pages = sorted(dict.fromkeys(c.page for c in registry.values()))
    return [], [*problems, Problem.of("view", url, "no_charts", tuple(pages), path=path)]


def permalink(chart: str, state: State, vocabulary: Vocabulary) -> str:
    """The dashboard page a chart belongs to, showing this state (path parameters filled in)."""
    page = load_all()[chart].page
    for name, param in PATH_PARAMS.items():
        values = getattr(state, param)
        if f"<{name}>" in page and values:
            page = page.replace(f"<{name}>", values[0])
            state = replace(state, **{param: ()})
    return page.split("<")[0] + vocabulary.encode(state) if "<" in page else page + vocabulary.encode(state)
