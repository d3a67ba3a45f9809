"""Country profile queries on the real data (values from data/README.md, section 5c)."""

from __future__ import annotations

import math

import pytest

from essa_dash.query import country as q
from essa_dash.schema import Coverage as C
from essa_dash.text import country as words


def test_profile_puts_the_country_beside_asean_and_the_world(store) -> None:
    bars = q.profile_bars(store, "VNM", edition="ILOSTAT 2025")
    cell = bars.set_index(["role", C.risk])
    assert cell.loc[("country", "at_least_one"), C.coverage_pct] == 38.3
    assert cell.loc[("country", "at_least_one"), C.year] == 2022
    assert cell.loc[("region", "at_least_one"), C.iso3] == "ASEAN"
    assert cell.loc[("region", "at_least_one"), C.coverage_pct] == 45.97
    assert cell.loc[("world", "old_age"), C.coverage_pct] == 79.605
    assert math.isnan(cell.loc[("region", "poor"), C.coverage_pct])  # no regional figure for the poor: NaN, not 0
    assert set(bars[C.edition]) == {"ILOSTAT 2025"}


def test_maternity_is_always_measured_among_women(store) -> None:
    bars = q.profile_bars(store, "VNM", edition="ILOSTAT 2025", sex="male")
    maternity = bars[(bars["role"] == "country") & (bars[C.risk] == "maternity")].iloc[0]
    assert maternity[C.sex] == "female" and maternity[C.coverage_pct] == 44


def test_region_falls_back_to_south_eastern_asia_where_the_edition_has_no_asean_figure(store) -> None:
    assert q.regional_comparator(store, "ILOSTAT 2025") == "ASEAN"
    assert q.regional_comparator(store, "UN SDG DB 2023-07") == "SE_ASIA"
    assert q.regional_comparator(store, "WSPR 2014-15") is None


def test_edition_history_keeps_editions_apart(store) -> None:
    history = q.edition_history(store, "PHL")
    old_age = history[history[C.risk] == "old_age"].set_index(C.edition)[C.coverage_pct]
    assert old_age["UN SDG DB 2023-07"] == 20.5  # WSPR 2020-22, later revised
    assert old_age["ILOSTAT 2025"] == 65.6
    assert not history.duplicated([C.risk, C.edition]).any()
    assert "UN SDG DB 2020-04" not in set(history[C.edition])  # withdrawn values stay out


def test_sex_split_only_where_both_are_published(store) -> None:
    split = q.sex_split(store, "PHL", edition="ILOSTAT 2025")
    assert split is not None and "old_age" in set(split[C.risk])
    assert (split[["female", "male"]].notna()).all().all()
    assert q.sex_split(store, "VNM", edition="ILOSTAT 2025") is None


def test_people_without_any_benefit_uses_total_population_only(store) -> None:
    people = q.people_without_any_benefit(store, "VNM", edition="ILOSTAT 2025")
    assert people is not None and people.year == 2022 and people.coverage_pct == 38.3
    population = store.population.set_index(["iso3", "year"]).loc[("VNM", 2022), "population"]
    assert people.people == pytest.approx(population * 0.617)
    assert "World Population Prospects 2024" in people.population_source


def test_aggregate_note_says_how_the_region_was_obtained(store) -> None:
    note = words.aggregate_note(store, "ASEAN", "ILOSTAT 2025", ["at_least_one"])
    assert note.startswith("Regional figure published by the ILO, not computed here")
    assert "X84" in note
    assert "publishes no regional figure" in words.aggregate_note(store, None, "WSPR 2014-15", ["old_age"])


def test_readings_name_the_extremes(store) -> None:
    bars = q.profile_bars(store, "VNM", edition="ILOSTAT 2025")
    reading = words.profile_reading(bars, "Viet Nam")
    assert reading[0] == "Highest: disability 85.1% (2021); lowest: children 1.4% (2020)."
    assert any(s.startswith("Viet Nam is above the ASEAN figure") for s in reading)


def test_a_withdrawn_edition_says_so_instead_of_having_no_figures(store) -> None:
    from essa_dash.query import country as cq
    from essa_dash.query.state import State

    view, problems = cq.resolve(store, State(country=("IDN",), edition="UN SDG DB 2020-04"))
    assert view.edition != "UN SDG DB 2020-04"  # left out of the page itself
    message = problems[0].message
    assert "withdrawn by the publisher" in message and "has no figures" not in message
    assert "April 2021" in message  # when, as far as the release history tells
    assert "include_withdrawn=true" in message
    _, problems = cq.resolve(store, State(country=("IDN",), edition="WSPR 2017-19"))
    assert not problems or "has no figures for Indonesia" in problems[0].message


def test_a_release_built_before_the_default_was_data_still_opens(store) -> None:
    """Pinned links open old releases: their editions table has no is_default or withdrawn_note."""
    from dataclasses import replace

    from essa_dash.query import country as cq
    from essa_dash.query import default_edition
    from essa_dash.query.state import State

    old = replace(store, tables={**store.tables, "editions": store.tables["editions"].drop(columns=["is_default", "withdrawn_note"])})
    assert default_edition(old) == "ILOSTAT 2025"
    _, problems = cq.resolve(old, State(country=("IDN",), edition="UN SDG DB 2020-04"))
    assert "withdrawn by the publisher" in problems[0].message and "When and why is not known" in problems[0].message
