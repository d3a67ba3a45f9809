"""Overview (``/``): the WSPR 2014/15 headline gaps, then coverage by ASEAN country and risk."""

from __future__ import annotations

from dash import html

from essa_dash import captions, query
from essa_dash.components import ids
from essa_dash.components.cards import figure_card
from essa_dash.components.context import current_store
from essa_dash.components.controls import controls_bar, dropdown
from essa_dash.components.notice import problems_notice
from essa_dash.components.tiles import headline_tile
from essa_dash.figures.heatmap import coverage_heatmap
from essa_dash.query import options
from essa_dash.query.state import Vocabulary

PATH = "/"
TITLE = "Overview"
NAV = 1
NAV_HREF = "/"


def layout(**url: str) -> html.Main:
    store = current_store()
    vocabulary = Vocabulary.from_store(store)
    state, problems = vocabulary.parse(url, accept=("edition",))
    editions = options.edition_options(store, countries=[o["value"] for o in options.country_options(store)])
    edition = state.edition if state.edition in {o["value"] for o in editions} else query.DEFAULT_EDITION
    grid = query.heatmap_grid(store, edition=edition)
    text = captions.heatmap_text(store, grid)
    return html.Main(
        [
            html.H1("Who is left without social protection?"),
            html.P(
                "In 2014 the ILO's World Social Protection Report measured how many people lacked social protection. "
                "These are its world headline figures, each beside the latest published figure for the same risk.",
                className="lede",
            ),
            html.Section([headline_tile(h) for h in query.headlines(store)], id=ids.OVERVIEW_TILES, className="tiles"),
            html.H2("ASEAN Member States today"),
            controls_bar(f"/{vocabulary.encode(state.update(edition=edition))}", dropdown("edition", editions, edition, label="Edition")),
            problems_notice(problems, options.labels(store)),
            figure_card(
                ids.OVERVIEW_HEATMAP,
                coverage_heatmap(grid, text=text),
                text,
                reading=query.heatmap_reading(grid),
                **captions.grid_notes(store, grid),
            ),
        ],
        className="page",
    )
