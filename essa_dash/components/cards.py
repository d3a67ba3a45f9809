"""A chart with everything that travels with it: title for screen readers, reading, sources."""

from __future__ import annotations

import plotly.graph_objects as go
from dash import dcc, html

from essa_dash.captions import DefinitionNote, SourceNote
from essa_dash.components.sources import source_panel
from essa_dash.figures._theme import ChartText
from essa_dash.views import Built

GRAPH_CONFIG = {"displaylogo": False, "responsive": True}


def figure_card(
    graph_id: str,
    fig: go.Figure,
    text: ChartText,
    *,
    reading: list[str],
    definitions: list[DefinitionNote],
    sources: list[SourceNote],
    config: dict | None = None,
) -> html.Figure:
    """The graph, a plain-language reading (also its text alternative), and the source panel.

    ``config`` replaces the default graph config (maps pass one that points plotly.js at
    the map shapes the app serves itself).
    """
    return html.Figure(
        [
            # on a phone the chart keeps a readable width and scrolls inside its card
            html.Div(dcc.Graph(id=graph_id, figure=fig, config=config or GRAPH_CONFIG), className="graph-scroll", tabIndex="0"),
            html.Figcaption([html.H3("What the chart shows"), html.Ul([html.Li(s) for s in reading])], className="reading"),
            source_panel(definitions, sources),
        ],
        className="card",
        role="figure",
        **{"aria-label": f"{text.title}. {' '.join(reading)}"},
    )


def chart_card(built: Built, *, config: dict | None = None) -> html.Figure:
    """A registered chart (see :mod:`essa_dash.views`) as a card; its id is the chart id."""
    return figure_card(
        built.chart, built.figure, built.text, reading=built.reading, definitions=built.definitions, sources=built.sources, config=config
    )
