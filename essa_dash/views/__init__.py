"""Every chart of the dashboard by id: the one place that turns a URL state into a figure.

Pages, ``/embed/<chart>``, ``/img/<chart>.<fmt>`` and the deck builder all call
:func:`build`, so a chart is the same everywhere: same rows, same title, same source
line. One module per page (``views/country.py``, ...) registers that page's charts;
they read only the URL vocabulary (``country``, ``risk``, ``sex``, ``edition``, ...)
and resolve its defaults through the query modules. No Dash here: the layer sits
between the figures and the pages.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import pandas as pd
import plotly.graph_objects as go

from essa_dash import captions
from essa_dash.captions import DefinitionNote, SourceNote
from essa_dash.figures._theme import ChartText
from essa_dash.query.state import State
from essa_dash.store import Store


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


@dataclass(frozen=True)
class Chart:
    """A chart the dashboard can draw, and how to draw it for a state."""

    id: str
    name: str
    page: str
    params: tuple[str, ...]
    kind: str  # bar | line | heatmap | map | dots | dumbbell (bar and line can become native slides)
    build: Callable[[Store, State], Built | None]
    map: bool = False


REGISTRY: dict[str, Chart] = {}


def register(chart: Chart) -> Chart:
    if chart.id in REGISTRY:
        raise ValueError(f"chart id {chart.id!r} registered twice")
    REGISTRY[chart.id] = chart
    return chart


def build(chart_id: str, store: Store, state: State) -> Built | None:
    """Draw a registered chart; None when the state has nothing for it to show."""
    if chart_id not in REGISTRY:
        load_all()
    return REGISTRY[chart_id].build(store, state)


def finish(chart: str, figure: go.Figure, text: ChartText, reading: list[str], store: Store, rows: pd.DataFrame, **extra: object) -> Built:
    """Assemble a Built with the definitions and sources of the rows drawn."""
    notes = captions.grid_notes(store, rows)
    return Built(chart, figure, text, reading, notes["definitions"], notes["sources"], **extra)


def load_all() -> dict[str, Chart]:
    """Import every view module so that its charts are registered; the registry, in page order."""
    import importlib
    import pkgutil

    for info in pkgutil.iter_modules(__path__):
        importlib.import_module(f"{__name__}.{info.name}")
    return REGISTRY
