"""Overview charts: the ASEAN country x risk heatmap."""

from __future__ import annotations

from essa_dash import captions, query
from essa_dash.figures.frames import DESKTOP, Frame
from essa_dash.figures.heatmap import coverage_heatmap
from essa_dash.query import options
from essa_dash.query.state import State
from essa_dash.store import Store
from essa_dash.text.overview import heatmap_reading
from essa_dash.views import Built, Chart, finish, register


def edition_of(store: Store, state: State) -> str:
    """The state's edition if the Member States have figures in it, else the default."""
    members = list(query.member_table(store)["iso3"])
    available = {o["value"] for o in options.edition_options(store, countries=members)}
    return state.edition if state.edition in available else query.default_edition(store)


def heatmap(store: Store, state: State, fit: Frame = DESKTOP) -> Built:
    grid = query.heatmap_grid(store, edition=edition_of(store, state))
    text = captions.with_flag_key(captions.heatmap_text(store, grid), grid)
    return finish("overview-heatmap", coverage_heatmap(grid, text=text, fit=fit), text, heatmap_reading(grid), store, grid)


register(Chart("overview-heatmap", "Coverage by country and risk (heatmap)", "/", ("edition",), "heatmap", heatmap))
