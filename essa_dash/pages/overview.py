"""Overview (``/``): the WSPR 2014/15 headline gaps, then coverage by ASEAN country and risk."""

from __future__ import annotations

from dash import html

from essa_dash import query
from essa_dash.components import ids
from essa_dash.components.cards import chart_card
from essa_dash.components.context import current_store
from essa_dash.components.controls import controls_bar, dropdown
from essa_dash.components.notice import problems_notice
from essa_dash.components.tiles import headline_tile
from essa_dash.query import options
from essa_dash.query.state import Vocabulary
from essa_dash.text import mark, tr
from essa_dash.views import build
from essa_dash.views.overview import edition_of

PATH = "/"
TITLE = mark("Overview")
NAV = 1
NAV_HREF = "/"
#: The URL parameters the page reads (the answer store keys its drawings on them: essa_dash.page_views).
QUERY = ("edition",)


def layout(**url: str) -> html.Main:
    store = current_store()
    vocabulary = Vocabulary.from_store(store)
    state, problems = vocabulary.parse(url, accept=QUERY)
    state = state.update(edition=edition_of(store, state))
    members = [o["value"] for o in options.country_options(store)]
    return html.Main(
        [
            html.H1(tr("Who is left without social protection?")),
            html.P(
                tr(
                    "In 2014 the ILO's World Social Protection Report measured how many people lacked social protection. "
                    "These are its world headline figures, each beside the latest published figure for the same risk."
                ),
                className="lede",
            ),
            html.Section([headline_tile(h) for h in query.headlines(store)], id=ids.OVERVIEW_TILES, className="tiles"),
            html.H2(tr("ASEAN Member States today")),
            controls_bar(
                f"/{vocabulary.encode(state)}",
                dropdown("edition", options.edition_options(store, countries=members), state.edition, label=tr("Edition")),
            ),
            problems_notice(problems, options.labels(store)),
            chart_card(build(ids.OVERVIEW_HEATMAP, store, state), state, vocabulary),
            html.H2(tr("Coverage beside informal employment")),
            chart_card(build(ids.CONTEXT_PAIRS, store, state), state, vocabulary),
        ],
        className="page",
    )
