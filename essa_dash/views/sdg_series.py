"""Charts of the SDG series beside coverage: a country's trends, the series beside a risk, coverage against informal employment.

Last of the view modules (they register in name order), so each page's own coverage charts come first in decks.

Registered like every chart, so the country and risk pages, ``/embed``, ``/img`` and
the decks draw the same figure with the same words and sources.
"""

from __future__ import annotations

import pandas as pd

from essa_dash import captions
from essa_dash.figures.context import context_bars, context_trends, pair_scatter
from essa_dash.figures.frames import DESKTOP, Frame
from essa_dash.query import context as q
from essa_dash.query import country as country_q
from essa_dash.query import risk as risk_q
from essa_dash.query.core import member_table
from essa_dash.query.state import State
from essa_dash.schema import Context as X
from essa_dash.store import Store
from essa_dash.text import context_series as words
from essa_dash.text import tr
from essa_dash.views import Built, Chart, register
from essa_dash.views.overview import edition_of
from essa_dash.views.risk import view_of

COUNTRY_PAGE = "/country/<iso3>"
RISK_PAGE = "/risk/<risk>"
PAIR_PAGE = "/"


def _built(chart: str, figure, text, reading: list[str], store: Store, rows: pd.DataFrame, indicator_ids: list[str], **extra) -> Built:
    """A Built whose definitions are the series' (not risks') and whose sources are the rows'."""
    sources = captions.source_notes(store, rows[X.source_id].dropna().tolist()) if X.source_id in rows else []
    return Built(chart, figure, text, reading, words.definition_notes(store, indicator_ids), sources, **extra)


def _names(store: Store) -> pd.Series:
    return store.countries.set_index("iso3")["short_name"]


def country_only(store: Store, state: State) -> State:
    """The one thing a country's SDG trends read: the resolved country (an edition or a sex changes nothing)."""
    view, _ = country_q.resolve(store, state)
    return State(country=(view.iso3,))


def risk_only(store: Store, state: State) -> State:
    """The one thing the series beside a risk read: the resolved risk (countries, edition and sex change nothing)."""
    return State(risk=(view_of(store, state).risk,))


def trends(store: Store, state: State, fit: Frame = DESKTOP) -> Built:
    view, _ = country_q.resolve(store, state)
    ids = list(q.indicators(store).index)
    areas = [view.iso3, *q.REFERENCES]
    roles = dict(zip(areas, ["country", "region", "world"], strict=True))
    names = _names(store)
    rows = q.series(store, areas=areas)
    # the series carry their source's English area names: the legend names the areas in the reader's language
    rows = rows.assign(**{X.country: rows[X.iso3].map(names)})
    rows = rows.assign(role=rows[X.iso3].map(roles), hover=words.hover(rows, store))
    text = words.trends_text(store, rows, country=view.name, region=names[q.REFERENCES[0]], world=names[q.REFERENCES[1]])
    table = q.indicators(store)
    panels = {i: f"{words.short_label(store, i)} ({words.sdg_label(store, i)})" for i in ids}
    fig = context_trends(rows, panels=panels, units=dict(table["unit"]), empty=tr("no data"), text=text, fit=fit)
    reading = words.trends_reading(store, q.country_panel(store, view.iso3), country=view.name)
    # no native-chart series: five units (per cent, an index, a rate) must never share one slide axis, so the deck gets the image
    return _built("country-context", fig, text, reading, store, rows, ids)


def risk_series(store: Store, state: State, fit: Frame = DESKTOP) -> Built | None:
    view = view_of(store, state)
    ids = q.for_risk(store, view.risk)
    if not ids:
        return None
    names = _names(store)
    members = list(member_table(store)["iso3"])
    areas = [*members, *q.REFERENCES]
    table = q.latest(q.series(store, areas=areas, indicator_ids=ids), areas=areas, indicator_ids=ids)
    units = dict(q.indicators(store)["unit"])
    table = table.assign(
        **{
            X.country: table[X.iso3].map(names),
            X.unit: table[X.indicator].map(units),
            X.is_aggregate: table[X.iso3].isin(q.REFERENCES),
        }
    )
    table = table.assign(
        label=[words.value_and_year(v, y, u) for v, y, u in zip(table[X.value], table[X.year], table[X.unit], strict=True)],
        hover=[
            tr("<b>{country}</b><br>{value}", country=c, value=words.value_and_year(v, y, u))
            for c, v, y, u in zip(table[X.country], table[X.value], table[X.year], table[X.unit], strict=True)
        ],
    )
    text = words.bars_text(store, table, risk_label=risk_q.short_label(store, view.risk))
    panels = {i: f"{words.short_label(store, i)} ({words.sdg_label(store, i)})" for i in ids}
    fig = context_bars(table, panels=panels, units=units, empty=tr("no data"), text=text, fit=fit)
    known = table[table[X.value].notna()]
    series = {
        words.short_label(store, i): dict(zip(part[X.country], part[X.value], strict=True))
        for i, part in known.groupby(X.indicator, sort=False)
    }
    return _built("risk-context", fig, text, words.bars_reading(store, table, indicator_ids=ids), store, table, ids, series=series)


def pair_risk(state: State, store: Store) -> str:
    """The coverage risk set against informal employment: the state's first risk if informal employment explains it."""
    explained = [r for r in state.risk if q.PAIR_INDICATOR in q.for_risk(store, r)]
    return explained[0] if explained else q.PAIR_DEFAULT_RISK


def pairs(store: Store, state: State, fit: Frame = DESKTOP) -> Built:
    edition = edition_of(store, state)
    risk = pair_risk(state, store)
    rows = q.pairs(store, risk=risk, edition=edition)
    risk_label = risk_q.short_label(store, risk)
    rows = rows.assign(
        label=[words.pair_label(c, cy, iy) for c, cy, iy in zip(rows[X.country], rows["coverage_year"], rows["context_year"], strict=True)],
        hover=[
            words.pair_hover(c, cov, cy, inf, iy, risk_label)
            for c, cov, cy, inf, iy in zip(
                rows[X.country], rows["coverage_pct"], rows["coverage_year"], rows["context_value"], rows["context_year"], strict=True
            )
        ],
    )
    drawn = rows[rows["paired"]]
    cited = pd.DataFrame({X.source_id: [*drawn["coverage_source_id"], *drawn["context_source_id"]]})
    text = words.pair_text(store, cited, risk_label=risk_label, edition=captions.edition_label(store, edition), within=q.PAIR_WITHIN_YEARS)
    x_title, y_title = words.pair_axis_titles(risk_label)
    fig = pair_scatter(drawn, x_title=x_title, y_title=y_title, text=text, fit=fit)
    notes = [*captions.definition_notes(store, [risk]), *words.definition_notes(store, [q.PAIR_INDICATOR])]
    sources = captions.source_notes(store, cited[X.source_id].tolist())
    return Built("context-pairs", fig, text, words.pair_reading(rows, within=q.PAIR_WITHIN_YEARS), notes, sources)


register(
    Chart("country-context", "SDG series beside coverage for a country", COUNTRY_PAGE, ("country",), "line", trends, canonical=country_only)
)
register(
    Chart("risk-context", "SDG series that help explain a risk's coverage", RISK_PAGE, ("risk",), "bar", risk_series, canonical=risk_only)
)
register(Chart("context-pairs", "Coverage and informal employment, Member States", PAIR_PAGE, ("edition", "risk"), "dots", pairs))
