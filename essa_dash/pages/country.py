"""Country profile (``/country/<iso3>``): coverage by risk beside the region and the world."""

from __future__ import annotations

from typing import TYPE_CHECKING

from dash import html

from essa_dash import captions
from essa_dash.components.cards import figure_card
from essa_dash.components.context import current_store
from essa_dash.components.controls import controls_bar, dropdown, radio
from essa_dash.components.notice import problems_notice
from essa_dash.figures.bars import comparison_bars
from essa_dash.figures.dots import edition_dots
from essa_dash.figures.dumbbell import dumbbell
from essa_dash.query import DEFAULT_EDITION, options
from essa_dash.query import country as q
from essa_dash.query.state import Problem, Vocabulary

if TYPE_CHECKING:
    import pandas as pd

    from essa_dash.store import Store

PATH = "/country/<iso3>"
TITLE = "Countries"
NAV = 2
NAV_HREF = "/country/VNM"
DEFAULT_COUNTRY = "VNM"


def layout(iso3: str = DEFAULT_COUNTRY, **url: str) -> html.Main:
    store = current_store()
    vocabulary = Vocabulary.from_store(store)
    state, problems = vocabulary.parse(url, accept=("edition", "sex"))
    members = [o["value"] for o in options.country_options(store)]
    if iso3.upper() not in members:
        problems.insert(0, Problem("country", iso3, f"unknown country '{iso3}'", tuple(members)))
        iso3 = DEFAULT_COUNTRY
    iso3 = iso3.upper()
    edition, sex = state.edition or DEFAULT_EDITION, state.sex or "total"
    name = store.countries.set_index("iso3").loc[iso3, "short_name"]

    bars = q.profile_bars(store, iso3, edition=edition, sex=sex)
    bars_text = captions.profile_bars_text(store, bars, country=name, sex=sex)
    history = q.edition_history(store, iso3, sex=sex)
    split = q.sex_split(store, iso3, edition=edition)
    region = q.regional_comparator(store, edition)
    people = q.people_without_any_benefit(store, iso3, edition=edition)

    return html.Main(
        [
            html.H1(f"{name}: who is covered by social protection?"),
            controls_bar(
                f"/country/{iso3}{vocabulary.encode(state.update(edition=edition, sex=sex))}",
                dropdown("iso3", options.country_options(store), iso3, label="Country", path="/country/"),
                dropdown("edition", options.edition_options(store, countries=[iso3]), edition, label="Edition"),
                radio("sex", options.sex_options(), sex, label="Sex"),
            ),
            problems_notice(problems, options.labels(store)),
            _people_callout(name, people),
            figure_card(
                "country-bars",
                comparison_bars(bars, text=bars_text),
                bars_text,
                reading=q.profile_reading(bars, name),
                **captions.grid_notes(store, bars),
            ),
            html.P(q.aggregate_note(store, region, edition, list(bars["risk"].unique())), className="aggregate-note"),
            _history_card(store, history, name),
            _sex_card(store, split, name, edition),
        ],
        className="page",
    )


def _people_callout(name: str, people: q.PeopleWithout | None) -> html.Aside | None:
    if people is None:
        return None
    projected = " (a projection)" if people.is_projection else ""
    return html.Aside(
        [
            html.P(f"{people.people / 1e6:.1f} million", className="callout-value"),
            html.P(
                f"people in {name} were covered by no social protection benefit in {people.year}, neither receiving one nor "
                f"contributing to a scheme: {100 - people.coverage_pct:.1f}% of a population of "
                f"{people.population / 1e6:.1f} million{projected}."
            ),
            html.Small(f"Coverage: {people.coverage_source} Population: {people.population_source}"),
        ],
        className="callout",
    )


def _history_card(store: Store, history: pd.DataFrame, name: str) -> html.Figure:
    text = captions.edition_history_text(store, history, country=name)
    return figure_card(
        "country-editions",
        edition_dots(history, text=text),
        text,
        reading=q.history_reading(history, name),
        **captions.grid_notes(store, history),
    )


def _sex_card(store: Store, split: pd.DataFrame | None, name: str, edition: str) -> html.Figure | html.P:
    if split is None:
        return html.P(f"{edition} publishes no figures for women and men separately for {name}.", className="no-data-note")
    text = captions.sex_split_text(store, split, country=name, edition=edition)
    return figure_card(
        "country-sex",
        dumbbell(split, label="risk_label", start="female", end="male", start_name="Women", end_name="Men", text=text),
        text,
        reading=q.sex_reading(split, name),
        **captions.grid_notes(store, split),
    )
