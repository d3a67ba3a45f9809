"""The progress queries: baseline and latest from one edition, one-year cells flagged, revisions noted.

Expected numbers come from the raw files (read here with the csv module, not the loaders)
and from the shared data README (section 6, cross-checks and disagreements).
"""

from __future__ import annotations

import csv
import math
from pathlib import Path

import pandas as pd
import pytest

from essa_dash.query import progress as q
from essa_dash.query.core import member_states
from essa_dash.query.state import State, Vocabulary
from essa_dash.schema import Coverage as C
from essa_dash.store import Store
from essa_dash.text import progress as words
from essa_dash.text import use_language

ILOSTAT = "ILOSTAT 2025"
SDG_2023 = "UN SDG DB 2023-07"
SDG_2018 = "UN SDG DB 2018-10"
RAW_ILOSTAT = Path("raw/ilo/ilostat_ddf_sdg_0131/ddf--datapoints--sdg_0131_sex_soc_rt--by--ref_area--sex--classif1--time.csv")


def progress_cells(store: Store, **query: object) -> pd.DataFrame:
    """The cells as the page and the charts read them: the query's numbers with the text layer's words."""
    return words.labelled(q.progress_cells(store, **query))  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def members(store: Store) -> list[str]:
    return list(member_states(store.countries)["iso3"])


@pytest.fixture(scope="module")
def nine(store: Store) -> list[str]:
    return list(q.progress_risks(store)["risk"])


@pytest.fixture(scope="module")
def ilostat(store: Store, members: list[str], nine: list[str]) -> pd.DataFrame:
    return progress_cells(store, countries=members, risks=nine, edition=ILOSTAT)


def cell(cells: pd.DataFrame, iso3: str, risk: str) -> pd.Series:
    match = cells[(cells[C.iso3] == iso3) & (cells[C.risk] == risk)]
    assert len(match) == 1
    return match.iloc[0]


def raw_ilostat(store: Store, code: str, sex: str = "sex_t") -> dict[str, dict[int, float]]:
    """{iso3: {year: value}} for one ILOSTAT classif1 code, straight from the raw file."""
    values: dict[str, dict[int, float]] = {}
    with (store.root / RAW_ILOSTAT).open(newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            if row["classif1"] == code and row["sex"] == sex:
                values.setdefault(row["ref_area"].upper(), {})[int(row["time"])] = float(row["sdg_0131_sex_soc_rt"])
    return values


# --- choices --------------------------------------------------------------------------------


def test_the_nine_sdg_series_exclude_health(store: Store, nine: list[str]) -> None:
    assert nine == [
        "at_least_one",
        "old_age",
        "unemployment",
        "employment_injury",
        "maternity",
        "children",
        "disability",
        "vulnerable",
        "poor",
    ]
    assert [o["value"] for o in q.risk_choices(store)] == nine


def test_only_editions_with_dated_country_figures_are_offered(store: Store) -> None:
    # the April 2020 SDG DB values were all withdrawn; the WSPR 2014-15 country figures are undated
    assert q.progress_editions(store) == [ILOSTAT, SDG_2023, SDG_2018]


def test_restrict_reports_what_this_page_cannot_compare(store: Store, members: list[str], nine: list[str]) -> None:
    vocabulary = Vocabulary.from_store(store)
    parsed, problems = vocabulary.parse(
        {"country": "VNM,ASEAN,XYZ", "risk": "health,old_age,pets", "edition": "un-sdg-db-2020-04"},
        accept=("country", "risk", "edition", "sex"),
    )
    state, dropped = q.restrict(store, parsed, ILOSTAT)
    assert state == State(country=("VNM",), risk=("old_age",), edition=ILOSTAT, sex="total")
    messages = [p.message for p in [*problems, *dropped]]
    assert "unknown country 'XYZ'" in messages and "unknown risk 'pets'" in messages
    assert "'ASEAN' is not an ASEAN Member State" in messages
    assert "risk 'health' has no comparable SDG 1.3.1 series to follow over time" in messages
    assert "edition 'UN SDG DB 2020-04' has no dated figures to compare" in messages
    edition_problem = next(p for p in dropped if p.param == "edition")
    assert edition_problem.allowed == ("ilostat-2025", "un-sdg-db-2023-07", "un-sdg-db-2018-10")


def test_restrict_fills_the_defaults(store: Store, members: list[str], nine: list[str]) -> None:
    state, problems = q.restrict(store, State(), ILOSTAT)
    assert problems == []
    assert state == State(country=tuple(members), risk=tuple(nine), edition=ILOSTAT, sex="total")


# --- baseline and latest ------------------------------------------------------------------------


def test_viet_nam_at_least_one_2015_to_2022(ilostat: pd.DataFrame) -> None:
    # raw ILOSTAT file, lines 313 and 315: vnm,sex_t,soc_contig_total,2015,37.9 / 2022,38.3
    vnm = cell(ilostat, "VNM", "at_least_one")
    assert (vnm["status"], vnm["baseline_year"], vnm["baseline_pct"]) == ("compared", 2015, 37.9)
    assert (vnm["latest_year"], vnm["latest_pct"]) == (2022, 38.3)
    assert vnm["change_pp"] == pytest.approx(0.4)
    assert vnm["change_label"] == "+0.4 pp"
    assert vnm["source_id"] == "ILOSTAT_DDF_2025"
    assert vnm["baseline_location"].endswith("line 313") and vnm["latest_location"].endswith("line 315")


@pytest.mark.parametrize(("risk", "code"), [("at_least_one", "soc_contig_total"), ("old_age", "soc_contig_pension")])
def test_every_country_matches_the_raw_ilostat_file(ilostat: pd.DataFrame, store: Store, members: list[str], risk: str, code: str) -> None:
    raw = raw_ilostat(store, code)
    for iso3 in members:
        got = cell(ilostat, iso3, risk)
        since = {y: v for y, v in raw.get(iso3, {}).items() if y >= 2015}
        if not since:
            assert got["status"] in ("no_data", "before_baseline")
            continue
        first, last = min(since), max(since)
        assert (got["baseline_year"], got["baseline_pct"]) == (first, since[first]), iso3
        assert (got["latest_year"], got["latest_pct"]) == (last, since[last]), iso3
        if first == last:
            assert got["status"] == "one_year" and math.isnan(got["change_pp"]), iso3
        else:
            assert got["change_pp"] == pytest.approx(since[last] - since[first]), iso3


@pytest.mark.parametrize("edition", [ILOSTAT, SDG_2023, SDG_2018])
@pytest.mark.parametrize("sex", ["total", "female", "male"])
def test_no_row_mixes_editions(store: Store, members: list[str], nine: list[str], edition: str, sex: str) -> None:
    cells = progress_cells(store, countries=members, risks=nine, edition=edition, sex=sex)
    assert (cells[C.edition] == edition).all()
    sources = store.sources.set_index("source_id")["edition"]
    shown = cells[cells["status"] != "no_data"]
    assert (shown[C.source_id].map(sources) == edition).all()
    coverage = store.coverage
    # both figures of a row are rows of that edition, same country, risk and sex
    for _, row in shown.iterrows():
        for which in ("baseline", "latest"):
            if pd.isna(row[f"{which}_year"]):
                continue
            match = coverage[
                (coverage[C.edition] == edition)
                & (coverage[C.iso3] == row[C.iso3])
                & (coverage[C.risk] == row[C.risk])
                & (coverage[C.sex] == row[C.sex])
                & (coverage[C.year] == row[f"{which}_year"])
            ]
            assert list(match[C.coverage_pct]) == [row[f"{which}_pct"]]


def test_rows_follow_risk_order_then_country_name(ilostat: pd.DataFrame, nine: list[str], members: list[str]) -> None:
    assert len(ilostat) == len(nine) * len(members)
    assert list(dict.fromkeys(ilostat[C.risk])) == nine
    assert list(ilostat.loc[ilostat[C.risk] == "old_age", C.country]) == sorted(ilostat[C.country].unique())


def test_a_cell_with_one_year_is_flagged_not_zero(store: Store, ilostat: pd.DataFrame) -> None:
    # Myanmar publishes 'at least one benefit' for 2019 only (shared README 5c: 6.3 (2019))
    mmr = cell(ilostat, "MMR", "at_least_one")
    assert mmr["status"] == "one_year"
    assert math.isnan(mmr["change_pp"])
    assert mmr["change_label"] == "one year only"
    row = next(r for r in words.table_rows(store, ilostat) if r["country"] == "Myanmar" and r["risk"] == "At least one")
    assert row["change"] == "one year only"
    assert row["baseline"] == row["latest"] == "6.3"
    assert "Only one year since 2015" in row["note"]


def test_a_real_zero_change_is_a_change(ilostat: pd.DataFrame) -> None:
    # Brunei: no unemployment recipients in 2019 and 2022 (raw ILOSTAT: 0 both years)
    brn = cell(ilostat, "BRN", "unemployment")
    assert (brn["status"], brn["change_pp"], brn["change_label"]) == ("compared", 0.0, "0.0 pp")


def test_figures_before_2015_never_make_a_baseline(store: Store, members: list[str], nine: list[str]) -> None:
    # UN SDG DB 2018-10 has Brunei's old-age pension only for 2011 (81.7)
    cells = progress_cells(store, countries=members, risks=nine, edition=SDG_2018)
    brn = cell(cells, "BRN", "old_age")
    assert brn["status"] == "before_baseline"
    assert pd.isna(brn["baseline_year"]) and math.isnan(brn["change_pp"])
    assert (brn["latest_year"], brn["latest_pct"]) == (2011, 81.7)
    row = next(r for r in words.table_rows(store, cells) if r["country"] == "Brunei" and r["risk"] == "Old age")
    assert row["latest_year"] == "2011 (before 2015)"
    assert row["change"] == "no figure since 2015"
    # older figures next to later ones are left out of the comparison, and said to be
    khm = cell(progress_cells(store, countries=["KHM"], risks=["old_age"], edition=ILOSTAT), "KHM", "old_age")
    assert (khm["baseline_year"], khm["earlier_years"]) == (2015, "2000")


def test_no_data_cells_are_listed(store: Store, ilostat: pd.DataFrame) -> None:
    # shared README 5a: no ILOSTAT or SDG value at all for Brunei children
    brn = cell(ilostat, "BRN", "children")
    assert brn["status"] == "no_data" and pd.isna(brn["latest_pct"])
    row = next(r for r in words.table_rows(store, ilostat) if r["country"] == "Brunei" and r["risk"] == "Children")
    assert (row["change"], row["baseline"], row["source"]) == ("no data", "", "")


def test_maternity_is_always_women(store: Store, members: list[str]) -> None:
    cells = progress_cells(store, countries=members, risks=["maternity", "at_least_one"], edition=ILOSTAT, sex="male")
    assert set(cells.loc[cells[C.risk] == "maternity", C.sex]) == {"female"}
    assert set(cells.loc[cells[C.risk] == "at_least_one", C.sex]) == {"male"}
    assert cell(cells, "VNM", "maternity")["status"] == "compared"


# --- revisions ------------------------------------------------------------------------------------


def test_a_revision_across_year_labels_is_noted(ilostat: pd.DataFrame) -> None:
    # shared README section 6: Timor-Leste at least one, SDG DB 2023 (label 2020) 30.6, ILOSTAT 2019 = 22.9
    tls = cell(ilostat, "TLS", "at_least_one")
    assert tls["baseline_year"] == 2019 and tls["baseline_pct"] == 22.9
    assert tls["revisions"] == "revised: UN SDG DB 2023-07 gave 30.6 for 2020, its year label for the same report round"


def test_the_query_gives_revisions_as_facts_and_the_text_layer_words_them(store: Store) -> None:
    raw = q.progress_cells(store, countries=["BRN"], risks=["employment_injury"], edition=ILOSTAT)
    assert "change_label" not in raw.columns  # words are the text layer's
    assert raw["revisions"].iloc[0] == (q.Revision("UN SDG DB 2023-07", 88.0, 2019, later=False),)
    with use_language("vi"):
        assert "88,0" in words.labelled(raw)["revisions"].iloc[0]  # the figure in the locale's form


def test_a_revision_of_the_same_cell_is_noted(ilostat: pd.DataFrame) -> None:
    # shared README section 6, "same year label, different value": BRN employment injury 88 vs 91.2
    brn = cell(ilostat, "BRN", "employment_injury")
    assert brn["revisions"] == "revised: UN SDG DB 2023-07 gave 88.0 for 2019"
    # ... and Malaysia maternity 46.5 (SDG DB, 2020) vs 49.9 (ILOSTAT 2019), a one-year cell
    mys = cell(ilostat, "MYS", "maternity")
    assert mys["status"] == "one_year"
    assert "UN SDG DB 2023-07 gave 46.5 for 2020" in mys["revisions"]


def test_a_later_revision_is_noted_from_the_older_edition(store: Store, members: list[str], nine: list[str]) -> None:
    cells = progress_cells(store, countries=members, risks=nine, edition=SDG_2023)
    tls = cell(cells, "TLS", "at_least_one")
    assert tls["revisions"] == "revised later: ILOSTAT 2025 gives 22.9 for 2019, its year label for the same report round"


def test_the_same_figure_under_another_label_is_not_a_revision(ilostat: pd.DataFrame) -> None:
    # WSPR 2017-19 figures: ILOSTAT 2015 vs SDG DB 2016 (shared README section 6: PHL 47.1, VNM 37.9);
    # the SDG DB 2018-10 stores PHL as 47.0935, the same figure to one decimal
    assert cell(ilostat, "VNM", "at_least_one")["revisions"] == ""
    assert cell(ilostat, "PHL", "at_least_one")["revisions"] == ""


def test_report_rounds_map_data_years_to_report_years() -> None:
    assert q.round_years(2019, q.DATA_YEAR, q.REPORT_YEAR) == [2020]
    assert q.round_years(2015, q.DATA_YEAR, q.REPORT_YEAR) == [2016]
    assert q.round_years(2016, q.DATA_YEAR, q.REPORT_YEAR) == []  # the same label: compared as the same cell
    assert q.round_years(2022, q.DATA_YEAR, q.REPORT_YEAR) == []
    assert q.round_years(2016, q.REPORT_YEAR, q.DATA_YEAR) == [2014, 2015, 2017]
    assert q.round_years(2019, q.REPORT_YEAR, q.DATA_YEAR) == []
    assert q.round_years(2019, q.DATA_YEAR, q.DATA_YEAR) == []


# --- words --------------------------------------------------------------------------------------


def test_the_employment_injury_denominator_is_surfaced(store: Store, ilostat: pd.DataFrame, nine: list[str]) -> None:
    caveats = dict(q.definition_caveats(store, nine))
    assert "employed population" in caveats["Work injury"] and "labour force" in caveats["Work injury"]
    row = next(r for r in words.table_rows(store, ilostat) if r["country"] == "Viet Nam" and r["risk"] == "Work injury")
    assert "denominator: employed population" in row["note"].lower() and "or labour force" in row["note"]
    other = next(r for r in words.table_rows(store, ilostat) if r["country"] == "Viet Nam" and r["risk"] == "Old age")
    assert "denominator" not in other["note"]


def test_table_rows_are_text_in_column_order(store: Store, ilostat: pd.DataFrame) -> None:
    rows = words.table_rows(store, ilostat)
    assert len(rows) == len(ilostat)
    vnm = next(r for r in rows if r["country"] == "Viet Nam" and r["risk"] == "At least one")
    assert [vnm[k] for k in words.TABLE_COLUMNS] == [
        "Viet Nam",
        "At least one",
        "2015",
        "37.9",
        "2022",
        "38.3",
        "+0.4 pp",
        ILOSTAT,
        "ILOSTAT_DDF_2025, lines 313 and 315",
        "",
    ]
    assert vnm["source_location"] == "ddf--datapoints--sdg_0131_sex_soc_rt--by--ref_area--sex--classif1--time.csv, lines 313 and 315"


def test_reading_for_one_risk(store: Store, members: list[str]) -> None:
    # raw ILOSTAT pensions: PHL 39.8 (2015) -> 65.6 (2021); THA 83 (2016) -> 82.6 (2020); MMR 2016 only
    cells = progress_cells(store, countries=members, risks=["old_age"], edition=ILOSTAT)
    assert words.change_reading(cells) == [
        "Coverage rose in 7 of 10 countries with two years of data in ILOSTAT 2025 (fell in 2, did not change in 1).",
        "Largest rise: Philippines +25.8 pp (2015-2021); largest fall: Thailand -0.4 pp (2016-2020).",
        "One year only since 2015, so no change to measure: Myanmar.",
        # the build's plausibility rule flagged a figure of these series (e.g. Thailand: 2000 -> 2016)
        "Check this figure: Brunei (old age), Singapore (old age), Thailand (old age), Timor-Leste (old age) involve a flagged "
        "value (see the table). An unusually large jump from the previous value of the same series: check this figure.",
    ]
    assert words.bars_reading(cells)[0] == "Old age: up in 7 of 10 countries (median change +2.0 pp)."


def test_reading_for_several_risks_names_the_pairs(ilostat: pd.DataFrame) -> None:
    reading = words.change_reading(ilostat)
    assert reading[0].startswith("Coverage rose in 45 of 79 country-risk pairs with two years of data in ILOSTAT 2025")
    assert reading[1] == "Largest rise: Thailand disability +62.2 pp (2015-2020); largest fall: Thailand poor -100.0 pp (2019-2020)."
    assert reading[-2] == "No data in ILOSTAT 2025: Brunei (children), Lao PDR (children), Brunei (poor), Singapore (poor)."
    assert reading[-1].startswith("Check this figure: ")


def test_reading_when_nothing_can_be_compared(store: Store, members: list[str], nine: list[str]) -> None:
    cells = progress_cells(store, countries=members, risks=nine, edition=SDG_2018)
    reading = words.change_reading(cells)
    assert reading[0] == "No country-risk pair has two years of data since 2015 in UN SDG DB 2018-10."
    assert any(s.startswith("No figure since 2015 (older figures only): Brunei (old age)") for s in reading)
    assert words.bars_reading(cells) == ["No cell has two years of data since 2015, so there is no change to show."]


def test_chart_texts_name_the_edition_and_the_source(store: Store, ilostat: pd.DataFrame) -> None:
    text = words.dumbbell_text(store, ilostat, edition=ILOSTAT, sex="female")
    assert text.title == "Coverage in the first year since 2015 and in the latest year (women), by risk"
    assert "both years from ILOSTAT SDG 1.3.1 (June 2025 release)" in text.subtitle
    assert text.source.startswith("ILO. ILOSTAT, SDG indicator 1.3.1")
    bars = words.change_text(store, ilostat, edition=ILOSTAT, sex="total")
    assert bars.title == "Change in coverage since the baseline, in percentage points"
    assert "UN" not in bars.source  # one edition: one source


def test_year_basis_note_warns_about_report_year_editions(store: Store) -> None:
    assert "stamps each figure with the year the data refer to" in words.year_basis_note(store, ILOSTAT)
    assert "part of a change inside it can be a revision" in words.year_basis_note(store, SDG_2023)


def test_any_change_tells_whether_the_change_chart_has_bars(
    store: Store, ilostat: pd.DataFrame, members: list[str], nine: list[str]
) -> None:
    assert q.any_change(ilostat)
    assert not q.any_change(progress_cells(store, countries=members, risks=nine, edition=SDG_2018))


@pytest.mark.parametrize("chosen", [("VNM", "IDN"), ("THA", "KHM", "LAO", "SGP"), ("TLS",)])
@pytest.mark.parametrize("edition", [ILOSTAT, SDG_2023])
def test_a_countrys_cells_are_the_same_whoever_is_chosen_beside_it(
    store: Store, members: list[str], nine: list[str], chosen: tuple[str, ...], edition: str
) -> None:
    # what lets every choice of Member States share one table (query.progress: each cell is one country's)
    some = q.progress_cells(store, countries=chosen, risks=nine, edition=edition)
    everyone = q.progress_cells(store, countries=members, risks=nine, edition=edition)
    pd.testing.assert_frame_equal(some, everyone[everyone[C.iso3].isin(chosen)].reset_index(drop=True))
    # with an aggregate beside them the cells are drawn for that choice alone: the same cells for the Member States
    with_region = q.progress_cells(store, countries=(*chosen, "ASEAN"), risks=nine, edition=edition)
    assert set(with_region[C.iso3]) == {*chosen, "ASEAN"}
    pd.testing.assert_frame_equal(with_region[with_region[C.iso3] != "ASEAN"].reset_index(drop=True), some)
