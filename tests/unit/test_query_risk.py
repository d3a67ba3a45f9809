"""Risk page queries and their words (text.risk) on the real data (values from data/README.md, section 5c, and ILOSTAT 2025)."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from essa_dash.query import risk as q
from essa_dash.schema import Coverage as C
from essa_dash.store import Store
from essa_dash.text import risk as words

ASEAN = ["BRN", "KHM", "IDN", "LAO", "MYS", "MMR", "PHL", "SGP", "THA", "TLS", "VNM"]


def view(store: Store, risk: str = "old_age", **url: str) -> q.RiskView:
    return q.resolve_view(store, risk, url)


def cell(rows: pd.DataFrame, iso3: str) -> pd.Series:
    return rows.set_index(C.iso3).loc[iso3]


# -- the view ---------------------------------------------------------------------------------------


def test_default_view_is_old_age_in_ilostat_2025_for_everyone(store: Store) -> None:
    v = view(store)
    assert (v.risk, v.edition, v.sex, v.shown_sex, v.countries) == ("old_age", "ILOSTAT 2025", "total", "total", ())
    assert v.problems == [] and words.view_notes(store, v) == []
    assert q.canonical_url(store, v) == "/risk/old_age?sex=total&edition=ilostat-2025"


def test_the_ten_core_risks_are_the_choices(store: Store) -> None:
    risks = q.risk_ids(store)
    assert len(risks) == 10 and risks[0] == "at_least_one" and "health" in risks
    assert "social_assistance" not in risks  # survey-based series are not core


def test_unknown_risk_and_bad_values_become_problems_and_defaults(store: Store) -> None:
    v = view(store, "healthy", sex="other", colour="red", country="WLD,KHM,zz")
    messages = [p.message for p in v.problems]
    assert messages[0] == "unknown risk 'healthy'"
    assert "old_age" in v.problems[0].allowed and len(v.problems[0].allowed) == 10
    assert "unknown sex 'other'" in messages
    assert "unknown parameter 'colour'" in messages
    assert "'WLD' is not an ASEAN Member State" in messages  # aggregates cannot be chosen as countries
    assert (v.risk, v.sex, v.countries) == ("old_age", "total", ("KHM",))


def test_risk_ids_are_read_in_any_case(store: Store) -> None:
    assert view(store, "Old_Age").risk == "old_age"


def test_an_edition_without_the_risk_falls_back_with_a_note_not_an_error(store: Store) -> None:
    v = view(store, "health", edition="ilostat-2025")
    assert v.edition == "WSPR 2014-15" and v.problems == []
    assert v.asked_edition == "ILOSTAT 2025"
    assert words.view_notes(store, v) == [
        "ILOSTAT 2025 has no figures for this risk (health) in the Member States, so the page shows WSPR 2014-15. "
        "Editions with figures for this risk: WSPR 2014-15."
    ]
    assert words.view_notes(store, view(store, "health")) == []  # no edition asked for: the only edition is the default


def test_maternity_is_shown_for_women_whatever_is_chosen(store: Store) -> None:
    v = view(store, "maternity", sex="male")
    assert (v.sex, v.shown_sex) == ("male", "female")
    assert "measured among women only" in words.view_notes(store, v)[0]
    assert q.canonical_url(store, v) == "/risk/maternity?sex=male&edition=ilostat-2025"  # the choice survives a change of risk


def test_edition_options_only_offer_editions_with_member_state_figures(store: Store) -> None:
    old_age = [o["value"] for o in q.edition_options(store, "old_age")]
    assert old_age == ["ILOSTAT 2025", "UN SDG DB 2023-07", "UN SDG DB 2018-10", "WSPR 2014-15"]  # newest first
    assert [o["value"] for o in q.edition_options(store, "health")] == ["WSPR 2014-15"]  # WSPR 2024-26: a world figure only
    assert "UN SDG DB 2020-04" not in [o["value"] for o in q.edition_options(store, "at_least_one")]  # withdrawn


def test_shown_sex(store: Store) -> None:
    assert q.shown_sex(store, "maternity", "total") == "female"
    assert q.shown_sex(store, "old_age", "male") == "male"


# -- the definition -------------------------------------------------------------------------------


def test_only_employment_injury_gets_a_wording_note(store: Store) -> None:
    assert "word the denominator differently" in (words.wording_note(store, "employment_injury") or "")
    assert all(words.wording_note(store, r) is None for r in q.risk_ids(store) if r != "employment_injury")


def test_labels(store: Store) -> None:
    assert q.risk_label(store, "old_age") == "Older persons receiving a pension"
    assert q.short_label(store, "employment_injury") == "Work injury"


# -- the ranking ------------------------------------------------------------------------------------


def test_ranking_at_least_one_matches_the_published_figures(store: Store) -> None:
    rows = q.ranking(store, view(store, "at_least_one"))
    assert (cell(rows, "MMR")[C.coverage_pct], cell(rows, "MMR")[C.year]) == (6.3, 2019)
    assert (cell(rows, "SGP")[C.coverage_pct], cell(rows, "SGP")[C.year]) == (100.0, 2023)
    assert rows[C.iso3].iloc[0] == "SGP"  # highest first
    assert rows.loc[rows["role"] == "country", C.iso3].iloc[-1] == "MMR"  # lowest country last
    assert set(rows[C.edition]) == {"ILOSTAT 2025"}


def test_ranking_old_age_with_region_and_world(store: Store) -> None:
    rows = q.ranking(store, view(store))
    assert (cell(rows, "THA")[C.coverage_pct], cell(rows, "THA")[C.year]) == (82.6, 2020)
    assert (cell(rows, "TLS")[C.coverage_pct], cell(rows, "TLS")[C.year]) == (92.7, 2023)
    assert sorted(rows.loc[rows["role"] == "country", C.iso3]) == sorted(ASEAN)
    assert cell(rows, "ASEAN")["role"] == "region" and cell(rows, "ASEAN")[C.coverage_pct] == 45.557
    assert cell(rows, "WLD")["role"] == "world" and cell(rows, "WLD")[C.coverage_pct] == 79.605
    values = rows[C.coverage_pct].dropna()
    assert values.is_monotonic_decreasing
    assert rows["highlighted"].sum() == 11  # no choice: every Member State


def test_ranking_puts_no_data_last_as_nan_never_zero(store: Store) -> None:
    rows = q.ranking(store, view(store, "children"))
    missing = rows[rows[C.coverage_pct].isna()]
    assert missing[C.iso3].tolist() == ["BRN", "LAO"]
    assert rows.index[rows[C.coverage_pct].isna()].min() > rows.index[rows[C.coverage_pct].notna()].max()
    poor = q.ranking(store, view(store, "poor"))
    assert math.isnan(cell(poor, "ASEAN")[C.coverage_pct])  # ILOSTAT has no regional figure for the poor
    assert poor[C.iso3].tolist()[-4:] == ["BRN", "SGP", "ASEAN", "WLD"]  # aggregates after the countries among the gaps


def test_ranking_uses_the_chosen_sex_and_women_for_maternity(store: Store) -> None:
    women = q.ranking(store, view(store, "old_age", sex="female"))
    assert cell(women, "KHM")[C.coverage_pct] == 5.7
    assert math.isnan(cell(women, "THA")[C.coverage_pct])  # Thailand publishes no split by sex
    maternity = q.ranking(store, view(store, "maternity", sex="male"))
    assert set(maternity[C.sex]) == {"female"} and cell(maternity, "VNM")[C.coverage_pct] == 44.0


def test_ranking_marks_the_chosen_countries(store: Store) -> None:
    rows = q.ranking(store, view(store, country="THA,KHM"))
    assert set(rows.loc[rows["highlighted"], C.iso3]) == {"THA", "KHM"}
    assert not rows.loc[rows["role"] != "country", "highlighted"].any()


def test_ranking_keeps_undated_publication_figures(store: Store) -> None:
    rows = q.ranking(store, view(store, "old_age", edition="wspr-2014-15"))
    assert cell(rows, "LAO")[C.coverage_pct] == 5.6 and pd.isna(cell(rows, "LAO")[C.year])
    assert "region" not in set(rows["role"])  # WSPR 2014/15 has no South-East Asian figure
    assert cell(rows, "WLD")[C.coverage_pct] == 52.0


def test_map_rows_are_the_eleven_member_states(store: Store) -> None:
    rows = q.map_rows(q.ranking(store, view(store, "children")))
    assert sorted(rows[C.iso3]) == sorted(ASEAN)
    assert set(rows.loc[rows[C.coverage_pct].isna(), C.iso3]) == {"BRN", "LAO"}
    assert {C.country, C.year, C.edition, "source_title", C.risk} <= set(rows.columns)


def test_missing_states(store: Store) -> None:
    assert q.missing_states(q.ranking(store, view(store, "children"))) == ["Brunei", "Lao PDR"]
    assert q.missing_states(q.ranking(store, view(store))) == []


def test_ranking_reading(store: Store) -> None:
    reading = words.ranking_reading(q.ranking(store, view(store, "at_least_one")))
    assert reading[0] == "Highest: Singapore 100.0% (2023), lowest: Myanmar 6.3% (2019)."  # one percent formatter
    assert "ASEAN: 46.0% (2023); 3 of 11 Member States with data are above it." in reading
    children = words.ranking_reading(q.ranking(store, view(store, "children")))
    assert children[-1] == "No data in ILOSTAT 2025: Brunei, Lao PDR."
    chosen = words.ranking_reading(q.ranking(store, view(store, "at_least_one", country="THA,MMR")))
    assert "Chosen countries' places among the 11 with data: Thailand 2, Myanmar 11." in chosen


def test_ranking_reading_with_no_data_at_all(store: Store) -> None:
    rows = q.ranking(store, view(store, "employment_injury", edition="un-sdg-db-2018-10", sex="female"))
    assert rows[C.coverage_pct].isna().all()
    assert words.ranking_reading(rows) == ["UN SDG DB 2018-10 has no figure for any Member State among women."]


def test_ranking_note_says_how_the_region_was_obtained_and_who_is_missing(store: Store) -> None:
    v = view(store, "children")
    note = words.ranking_note(store, v, q.ranking(store, v))
    assert note.startswith("The ASEAN figure is an estimate published in ILOSTAT 2025, not computed here: ILOSTAT country grouping X84")
    assert note.endswith("Member States with no figure for this risk in ILOSTAT 2025: Brunei, Lao PDR.")
    v = view(store, "poor")
    assert "ILOSTAT 2025 publishes no ASEAN figure for this risk." in words.ranking_note(store, v, q.ranking(store, v))
    v = view(store, "old_age", edition="wspr-2014-15")
    assert words.ranking_note(store, v, q.ranking(store, v)).startswith("WSPR 2014-15 publishes no regional figure for South-East Asia.")


def test_map_reading(store: Store) -> None:
    rows = q.map_rows(q.ranking(store, view(store, "children")))
    assert words.map_reading(rows) == [
        "Darkest (most covered): Indonesia 43.6% (2021); lightest (least covered): Viet Nam 1.4% (2020).",
        "Grey, no data: Brunei, Lao PDR.",
    ]


# -- the trend --------------------------------------------------------------------------------------


def test_trend_keeps_every_edition_its_own_series(store: Store) -> None:
    rows = q.trend(store, view(store))
    assert not rows.duplicated([C.iso3, C.edition, C.year]).any()
    assert set(rows[C.edition]) == {"ILOSTAT 2025", "UN SDG DB 2023-07", "UN SDG DB 2018-10"}
    assert rows["chosen"].eq(rows[C.edition] == "ILOSTAT 2025").all()
    phl = rows[(rows[C.iso3] == "PHL")].set_index([C.edition, C.year])[C.coverage_pct]
    assert phl[("UN SDG DB 2023-07", 2020)] == 20.5 and phl[("ILOSTAT 2025", 2021)] == 65.6  # a revision, not a change


def test_trend_has_annual_region_and_world_of_the_chosen_edition_only(store: Store) -> None:
    rows = q.trend(store, view(store))
    asean = rows[rows["role"] == "region"]
    assert set(asean[C.iso3]) == {"ASEAN"} and set(asean[C.edition]) == {"ILOSTAT 2025"}
    assert asean[C.year].tolist() == list(range(2009, 2024))
    assert len(rows[rows["role"] == "world"]) == 15
    un = q.trend(store, view(store, edition="un-sdg-db-2023-07"))
    assert set(un.loc[un["role"] == "region", C.iso3]) == {"SE_ASIA"}


def test_trend_follows_the_chosen_countries_and_keeps_empty_ones(store: Store) -> None:
    rows = q.trend(store, view(store, "health", country="MMR,THA"))
    countries = rows.loc[rows["role"] == "country"]
    assert list(dict.fromkeys(countries[C.iso3])) == ["MMR", "THA"]
    myanmar = countries[countries[C.iso3] == "MMR"]
    assert len(myanmar) == 1 and pd.isna(myanmar[C.year].iloc[0]) and math.isnan(myanmar[C.coverage_pct].iloc[0])
    assert rows[C.year].dropna().gt(0).all()  # undated figures cannot sit on a time axis


def test_trend_reading(store: Store) -> None:
    reading = words.trend_reading(q.trend(store, view(store)), "ILOSTAT 2025")
    assert (
        reading[0] == "10 of 11 countries have more than one year in ILOSTAT 2025; largest change: Thailand, 5.0% in 2000 to 82.6% in 2020."
    )
    assert "ASEAN: 29.3% in 2009, 45.6% in 2023." in reading
    assert reading[-1].startswith("Other editions, drawn as unconnected hollow markers")
    health = words.trend_reading(q.trend(store, view(store, "health", country="MMR,THA")), "WSPR 2014-15")
    assert health[-1] == "No dated figure in any edition: Myanmar."


# -- women and men ----------------------------------------------------------------------------------


def test_sex_split_pairs_women_and_men_of_the_same_year(store: Store) -> None:
    split = q.sex_split(store, view(store))
    assert split is not None
    split = words.with_sex_labels(split)
    khm = cell(split, "KHM")
    assert (khm["female"], khm["male"], khm[C.year], khm["label"]) == (5.7, 11.5, 2020, "Cambodia (2020)")
    assert cell(split, "BRN")["label"] == "Brunei (2021, equal)"  # both 100%: one marker hides the other
    assert split["role"].tolist()[-2:] == ["region", "world"]
    assert not split[["female", "male"]].isna().any().any()


def test_sex_split_is_none_for_maternity_or_where_nothing_is_published(store: Store) -> None:
    assert q.sex_split(store, view(store, "maternity")) is None
    assert "measured among women only" in words.sex_absence(store, view(store, "maternity"))
    assert q.sex_split(store, view(store, country="THA")) is None  # Thailand: totals only
    assert words.sex_absence(store, view(store, country="THA")).startswith("ILOSTAT 2025 publishes no separate figures for women and men")


def test_sex_reading(store: Store) -> None:
    split = q.sex_split(store, view(store))
    assert split is not None
    assert words.sex_reading(split) == [
        "5 Member States have figures for women and men in ILOSTAT 2025.",
        "Widest gap: Malaysia, women 13.0% and men 24.3% (2023).",
        "Men are better covered in 3 of them, women in 0, both equally in 2.",
    ]


# -- captions ---------------------------------------------------------------------------------------


def test_captions_state_what_is_shown_and_cite_the_source(store: Store) -> None:
    v = view(store, "old_age", sex="female")
    rows = q.ranking(store, v)
    text = words.ranking_text(store, rows)
    assert text.title == "Older persons receiving a pension (women): Member States ranked, latest year in ILOSTAT 2025"
    assert text.subtitle.startswith("Share of people above the statutory retirement age who receive an old-age pension")
    assert text.source.startswith("ILO. ILOSTAT, SDG indicator 1.3.1")
    trend = q.trend(store, v)
    trend_text = words.trend_text(store, trend, edition=v.edition)
    assert "Lines join the figures of ILOSTAT 2025 only (years: data year)" in trend_text.subtitle
    assert "United Nations Statistics Division" in trend_text.source
    assert "<br>" not in text.title + text.subtitle + trend_text.title  # wrapping is the figure's job
    map_text = words.map_text(store, q.map_rows(rows), sex=v.shown_sex)
    assert map_text.title == "Old age (women) across the region, latest year in ILOSTAT 2025"
    split = q.sex_split(store, view(store))
    assert split is not None
    assert words.sex_text(store, split).title == "Old age: women and men, latest year with both in ILOSTAT 2025"


def test_an_empty_chart_still_names_its_source(store: Store) -> None:
    rows = q.ranking(store, view(store, "employment_injury", edition="un-sdg-db-2018-10", sex="female"))
    assert words.ranking_text(store, rows).source.startswith("United Nations Statistics Division. SDG Global Database")


@pytest.mark.parametrize("risk", ["at_least_one", "health", "poor", "maternity", "employment_injury"])
def test_every_query_works_for_every_sex_and_edition(store: Store, risk: str) -> None:
    for edition in [o["value"] for o in q.edition_options(store, risk)]:
        for sex in ("total", "female", "male"):
            v = q.resolve_view(store, risk, {"edition": edition, "sex": sex})
            assert v.edition == edition and v.problems == []
            rows = q.ranking(store, v)
            assert rows[C.iso3].is_unique
            words.ranking_reading(rows)
            words.ranking_note(store, v, rows)
            words.map_reading(q.map_rows(rows))
            words.trend_reading(q.trend(store, v), v.edition)
            split = q.sex_split(store, v)
            if split is not None:
                words.sex_reading(split)


# -- a selection of several countries ---------------------------------------------------------------


@pytest.mark.parametrize("risk", ["old_age", "unemployment", "disability", "health"])
@pytest.mark.parametrize("chosen", [("VNM", "IDN"), ("THA", "KHM", "LAO"), ("TLS", "MMR", "SGP", "BRN")])
def test_a_countrys_rows_are_the_same_whoever_is_chosen_beside_it(store: Store, risk: str, chosen: tuple[str, ...]) -> None:
    # what lets 2^11 selections share one table per risk, edition and sex (query.risk): each country's rows as drawn
    # alone, the countries in the order chosen, then the region and the world
    several = view(store, risk, country=",".join(chosen))
    for query in (q.trend, q.sex_split):
        rows = query(store, several)
        if rows is None:
            assert all(query(store, view(store, risk, country=c)) is None for c in chosen)
            continue
        countries = rows[rows["role"] == "country"]
        assert list(dict.fromkeys(countries[C.iso3])) == [c for c in chosen if c in set(countries[C.iso3])]
        place = rows["role"].map({"country": 0, "region": 1, "world": 2})
        assert place.is_monotonic_increasing  # the countries, then the region and the world where the edition has them
        for iso3 in chosen:
            alone = query(store, view(store, risk, country=iso3))
            mine = rows[rows[C.iso3] == iso3].reset_index(drop=True)
            expected = mine.iloc[0:0] if alone is None else alone[alone[C.iso3] == iso3].reset_index(drop=True)
            pd.testing.assert_frame_equal(mine, expected)
    ranked = q.ranking(store, several)
    everyone = q.ranking(store, view(store, risk))
    pd.testing.assert_frame_equal(ranked.drop(columns="highlighted"), everyone.drop(columns="highlighted"))
    assert set(ranked.loc[ranked["highlighted"], C.iso3]) == set(chosen)
