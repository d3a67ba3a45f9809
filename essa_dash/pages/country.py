"""Country profile (``/country/<iso3>``): coverage by risk beside the region and the world."""

from __future__ import annotations

from dash import html

from essa_dash.components.cards import chart_card
from essa_dash.components.context import current_store
from essa_dash.components.context_panel import context_panel
from essa_dash.components.controls import controls_bar, dropdown, radio
from essa_dash.components.notice import problems_notice
from essa_dash.query import country as q
from essa_dash.query import options
from essa_dash.query.state import Vocabulary
from essa_dash.text import country as words
from essa_dash.text import fmt_millions, fmt_pct, fmt_year, mark, tr
from essa_dash.views import build

PATH = "/country/<iso3>"
TITLE = mark("Countries")
NAV = 2
NAV_HREF = "/country/VNM"
#: The URL parameters the page reads (the answer store keys its drawings on them: essa_dash.page_views).
QUERY = ("edition", "sex")


def layout(iso3: str = q.DEFAULT_COUNTRY, **url: str) -> html.Main:
    store = current_store()
    vocabulary = Vocabulary.from_store(store)
    state, problems = vocabulary.parse(url, accept=QUERY)
    view, more = q.resolve(store, state.update(country=(iso3.upper(),)))
    state = view.state()
    bars = build("country-bars", store, state)
    sexes = build("country-sex", store, state)
    return html.Main(
        [
            html.H1(tr("{country}: who is covered by social protection?", country=view.name)),
            controls_bar(
                f"/country/{view.iso3}{vocabulary.encode(state.update(country=()))}",
                dropdown("iso3", options.country_options(store), view.iso3, label=tr("Country"), path="/country/"),
                dropdown("edition", options.edition_options(store, countries=[view.iso3]), view.edition, label=tr("Edition")),
                radio("sex", options.sex_options(), view.sex, label=tr("Sex")),
            ),
            problems_notice(more + problems, options.labels(store)),
            _people_callout(view.name, q.people_without_any_benefit(store, view.iso3, edition=view.edition)),
            chart_card(bars, state, vocabulary),
            html.P(
                words.aggregate_note(store, q.regional_comparator(store, view.edition), view.edition, [d.risk for d in bars.definitions]),
                className="aggregate-note",
            ),
            context_panel(store, view.iso3, view.name),
            chart_card(build("country-context", store, state), state, vocabulary),
            chart_card(build("country-editions", store, state), state, vocabulary),
            chart_card(sexes, state, vocabulary)
            if sexes
            else html.P(
                tr("{edition} publishes no figures for women and men separately for {country}.", edition=view.edition, country=view.name),
                className="no-data-note",
            ),
        ],
        className="page",
    )


def _people_callout(name: str, people: q.PeopleWithout | None) -> html.Aside | None:
    if people is None:
        return None
    values = {
        "country": name,
        "year": fmt_year(people.year),
        "share": fmt_pct(100 - people.coverage_pct),
        "population": fmt_millions(people.population),
    }
    sentence = (
        tr(
            "people in {country} were covered by no social protection benefit in {year}, neither receiving one nor "
            "contributing to a scheme: {share} of a population of {population} million (a projection).",
            **values,
        )
        if people.is_projection
        else tr(
            "people in {country} were covered by no social protection benefit in {year}, neither receiving one nor "
            "contributing to a scheme: {share} of a population of {population} million.",
            **values,
        )
    )
    return html.Aside(
        [
            html.P(tr("{n} million", n=fmt_millions(people.people)), className="callout-value"),
            html.P(sentence),
            html.Small(
                tr("Coverage: {coverage} Population: {population}", coverage=people.coverage_source, population=people.population_source)
            ),
        ],
        className="callout",
    )
