"""The chart registry: every chart draws for its default view and carries its words and sources."""

from __future__ import annotations

import pytest

from essa_dash.figures._template import TRACE_TYPES
from essa_dash.query.state import State
from essa_dash.views import REGISTRY, build, load_all

CHARTS = sorted(load_all())
#: Views with something to draw for charts whose default view may be empty (Viet Nam has no sex split).
SAMPLES = {"country-sex": State(country=("PHL",))}


@pytest.mark.parametrize("chart_id", CHARTS)
def test_every_chart_draws_with_title_reading_and_sources(chart_id: str, store) -> None:
    built = build(chart_id, store, SAMPLES.get(chart_id, State()))
    assert built is not None
    assert built.chart == chart_id
    assert built.text.title and built.text.subtitle and built.text.source
    assert built.reading and built.sources
    assert built.figure.layout.title.text
    # the charts' template keeps plotly_white's defaults only for the trace types it lists
    assert {trace.type for trace in built.figure.data} <= TRACE_TYPES


def test_registry_knows_the_pages_charts() -> None:
    assert {"overview-heatmap", "country-bars", "country-editions", "country-sex"} <= set(REGISTRY)
    for chart in REGISTRY.values():
        assert chart.kind in {"bar", "line", "heatmap", "map", "dots", "dumbbell", "ranking"}, chart.id


def test_a_chart_follows_the_state(store) -> None:
    built = build("country-bars", store, State(country=("KHM",), edition="UN SDG DB 2023-07", sex="total"))
    assert built.text.title.startswith("Cambodia beside South-Eastern Asia and World")
    assert built.series["Cambodia"]["At least one"] == 6.2


def test_a_chart_with_nothing_to_show_says_so_with_none(store) -> None:
    assert build("country-sex", store, State(country=("VNM",))) is None


def test_states_that_resolve_alike_share_one_drawing(store) -> None:
    """A country page for an edition without its figures falls back to the default edition: it is drawn once, not per URL."""
    from essa_dash import views
    from essa_dash.query.state import State

    fallback = views.build("country-bars", store, State(country=("VNM",), edition="WPP 2024", sex="total"))
    default = views.build("country-bars", store, State(country=("VNM",), edition="ILOSTAT 2025", sex="total"))
    assert fallback is default
    risk = views.build("risk-ranking", store, State(risk=("old_age",), edition="WPP 2024", sex="total"))
    assert risk is views.build("risk-ranking", store, State(risk=("old_age",), edition="ILOSTAT 2025", sex="total"))
    assert views.build("risk-ranking", store, State(risk=("old_age",), edition="UN SDG DB 2023-07", sex="total")) is not risk


def test_the_sdg_series_are_drawn_once_per_country_and_per_risk(store) -> None:
    """The SDG series read neither edition nor sex: every edition and sex of a country (or risk) page shares one drawing."""
    from essa_dash import views
    from essa_dash.query.state import State

    trends = views.build("country-context", store, State(country=("VNM",)))
    assert trends is views.build("country-context", store, State(country=("VNM",), edition="UN SDG DB 2023-07", sex="female"))
    assert trends is not views.build("country-context", store, State(country=("IDN",)))
    beside = views.build("risk-context", store, State(risk=("old_age",)))
    assert beside is not None
    assert beside is views.build("risk-context", store, State(risk=("old_age",), country=("VNM",), edition="WPP 2024", sex="male"))


@pytest.mark.parametrize("chosen", [("VNM", "IDN"), ("THA", "KHM", "LAO"), ("TLS",)])
@pytest.mark.parametrize(("risk", "sex"), [("old_age", "total"), ("unemployment", "female"), ("maternity", "female")])
def test_every_selection_shares_its_risks_one_map(store, chosen: tuple[str, ...], risk: str, sex: str) -> None:
    """The map draws every Member State whoever is chosen: drawn for the selection itself, it is the map drawn for none."""
    from essa_dash.figures.frames import DESKTOP
    from essa_dash.views.risk import coverage_map_chart

    for edition in (None, "UN SDG DB 2023-07"):
        selection = State(risk=(risk,), country=chosen, sex=sex, edition=edition)
        shared = build("risk-map", store, selection)
        assert shared is build("risk-map", store, State(risk=(risk,), sex=sex, edition=edition))
        drawn = coverage_map_chart(store, selection, DESKTOP)
        assert drawn.figure.to_plotly_json() == shared.figure.to_plotly_json()
        assert (drawn.text, drawn.reading, drawn.definitions, drawn.sources) == (
            shared.text,
            shared.reading,
            shared.definitions,
            shared.sources,
        )
