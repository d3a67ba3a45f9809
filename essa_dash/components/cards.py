"""A chart with everything that travels with it: title for screen readers, reading, sources."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

import plotly.graph_objects as go
from dash import dcc, html

from essa_dash.captions import DefinitionNote, SourceNote
from essa_dash.components.context import current_store, public_url
from essa_dash.components.sources import source_panel
from essa_dash.export.cite import cite_view
from essa_dash.figures._theme import ChartText
from essa_dash.figures.chrome import graph_config
from essa_dash.query.state import State, Vocabulary
from essa_dash.releases.disk import Release
from essa_dash.text import tr
from essa_dash.views import REGISTRY, Built, permalink

#: Charts on x/y axes: no plotly mode bar (see essa_dash.figures.chrome); maps get theirs from the registry.
GRAPH_CONFIG = graph_config()


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
            # a map scales to any width; other charts keep a readable width and scroll inside the card
            html.Div(
                dcc.Graph(id=graph_id, figure=fig, config=config or GRAPH_CONFIG),
                className="graph-scroll graph-fit" if config and "topojsonURL" in config else "graph-scroll",
                tabIndex="0",
            ),
            html.Figcaption([html.H3(tr("What the chart shows")), html.Ul([html.Li(s) for s in reading])], className="reading"),
            source_panel(definitions, sources),
        ],
        className="card",
        role="figure",
        **{"aria-label": f"{text.title}. {' '.join(reading)}"},
    )


def chart_card(built: Built, state: State, vocabulary: Vocabulary, *, config: dict | None = None) -> html.Figure:
    """A registered chart (see :mod:`essa_dash.views`) as a card, with its share and export links for ``state``.

    The graph config comes from the registry (a map gets its zoom buttons and local shapes) unless ``config`` is given.
    """
    config = config or graph_config(geo=REGISTRY[built.chart].map)
    card = figure_card(
        built.chart, built.figure, built.text, reading=built.reading, definitions=built.definitions, sources=built.sources, config=config
    )
    release = current_store().release
    latest = permalink(built.chart, state.update(release=None), vocabulary)
    pinned = permalink(built.chart, state.update(release=release.id), vocabulary)
    card.children.append(share_panel(built, query=vocabulary.encode(state), link=latest, pinned=pinned))
    card.children.append(cite_panel(built, release, f"{public_url()}{pinned}"))
    return card


def cite_panel(built: Built, release: Release, permalink: str) -> html.Details:
    """The view's citation in plain text, BibTeX and RIS (pinned to its data release), and its sources' own."""
    cited = cite_view(built.text.title, release=release, permalink=permalink, accessed=dt.date.today(), sources=built.sources)
    blocks = []
    for name, body in ((tr("Text"), cited.text), ("BibTeX", cited.bibtex), ("RIS", cited.ris)):
        ident = f"{built.chart}-cite-{name.lower()}"
        copy = dcc.Clipboard(target_id=ident, title=tr("Copy"))
        blocks += [html.P(html.B(name)), html.Div([html.Pre(body, id=ident), copy], className="snippet")]
    return html.Details(
        [
            html.Summary(tr("Cite this view")),
            *blocks,
            html.P(html.B(tr("The figures' own sources:"))),
            html.Ul([html.Li(text) for text in cited.sources]),
        ],
        className="source-panel cite-panel",
    )


def share_panel(built: Built, *, query: str, link: str, pinned: str) -> html.Details:
    """Link, embed, image, slides: the same view several ways, all served by the app itself.

    Two links: ``link`` follows the latest data (what a dashboard link usually means),
    ``pinned`` names the data release and shows exactly these figures for years.
    """
    base = public_url()
    embed = f"{base}/embed/{built.chart}{query}"
    snippet = f'<iframe src="{embed}" title="{built.text.title}" width="100%" height="560" style="border:0" loading="lazy"></iframe>'
    sep = "&" if query else "?"
    images = [
        (tr("PNG {size}", size="1920×1080"), f"/img/{built.chart}.png{query}"),
        (tr("PNG {size}", size="3840×2160"), f"/img/{built.chart}.png{query}{sep}width=3840&height=2160"),
        ("SVG", f"/img/{built.chart}.svg{query}"),
        ("PDF", f"/img/{built.chart}.pdf{query}"),
    ]
    views = urlencode({"views": link})
    snippet_id = f"{built.chart}-embed-code"
    return html.Details(
        [
            html.Summary(tr("Share, embed or export this chart")),
            html.P([tr("Link to this view, always the latest data: "), html.A(f"{base}{link}", href=link, className="permalink")]),
            html.P([tr("Link to exactly these figures: "), html.A(f"{base}{pinned}", href=pinned, className="permalink-pinned")]),
            html.P(
                [
                    html.B(tr("Slide-ready image: ")),
                    *[item for label, href in images for item in (html.A(label, href=href, target="_blank", rel="noopener"), " ")],
                ]
            ),
            html.P(
                [
                    html.B(tr("Slides: ")),
                    html.A(tr("Present full screen"), href=f"/present?{views}", target="_blank", rel="noopener"),
                    " · ",
                    html.A(tr("PowerPoint (.pptx)"), href=f"/deck.pptx?{views}&{urlencode({'title': built.text.title})}"),
                    " · ",
                    html.A(tr("Build a deck of several views"), href=f"/deck?{views}"),
                ]
            ),
            html.P(html.B(tr("Embed in another page:"))),
            html.Div([html.Pre(snippet, id=snippet_id), dcc.Clipboard(target_id=snippet_id, title=tr("Copy"))], className="snippet"),
        ],
        className="source-panel share-panel",
    )
