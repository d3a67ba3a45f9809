"""Observation flags: what every source says about a figure reaches the tidy table, on the real files."""

from __future__ import annotations

import pandas as pd
import pytest

from essa_dash.ingest import flags, ilostat_csv
from essa_dash.ingest.reference import Reference
from essa_dash.paths import DEFAULT_DATA_DIR
from essa_dash.schema import KEY, flag_codes
from essa_dash.schema import Coverage as C
from tests.conftest import FIXTURES

CURATED = DEFAULT_DATA_DIR / "raw/essa/asean_coverage_sources/asean_coverage_sources.csv"
SGP_NOTES = DEFAULT_DATA_DIR / "raw/ilo/ilostat_sdg_0131_labels_2026-05-25_sgp/SDG_0131_SEX_SOC_RT_A-filtered-2026-05-25__SGP.csv"
LABELS_2026 = FIXTURES / "formats/ilostat_labels__SDG_0131_SEX_SOC_RT_A-filtered-2026-05-25__notes_examples.csv"
LEGAL = "Estimated based on legal coverage"


def _has(coverage: pd.DataFrame, code: str) -> pd.Series:
    return coverage[C.obs_flags].map(lambda cell: code in flag_codes(cell))


def test_every_flag_in_the_table_is_a_known_code_in_order(coverage: pd.DataFrame) -> None:
    for cell in coverage[C.obs_flags].dropna().unique():
        assert flags.ordered(flag_codes(cell)) == cell


@pytest.mark.parametrize(
    ("marker", "code", "expected"),
    [("CROSS-CHECK DISAGREEMENT", "cross_check", 125), ("REVISED|revises ", "revised", 56)],
)
def test_every_curated_cross_check_and_revision_reaches_the_table(coverage: pd.DataFrame, marker: str, code: str, expected: int) -> None:
    curated = pd.read_csv(CURATED, dtype="str", keep_default_na=False)
    marked = curated[curated["notes"].str.contains(marker)]
    assert len(marked) == expected  # the counts of the real file (issue 11)
    flagged = coverage[_has(coverage, code)]
    assert len(flagged) == expected
    # each marked curated row is one flagged row of the same cell and value, its words kept in note
    cells = flagged.set_index([C.source_id, C.iso3, C.risk, C.year])
    for row in marked.itertuples():
        hit = cells.loc[(row.source_id, row.iso3, row.indicator.replace("old_age_pension", "old_age"), int(row.year))]
        hit = hit[hit[C.sex] == row.sex] if isinstance(hit, pd.DataFrame) else hit.to_frame().T
        assert len(hit) == 1
        assert hit[C.coverage_pct].iloc[0] == float(row.value)
        assert row.notes in hit[C.note].iloc[0]


def test_singapore_legal_coverage_estimates_carry_their_flag_and_wording(coverage: pd.DataFrame) -> None:
    sgp = coverage[(coverage[C.iso3] == "SGP") & (coverage[C.source_id] == "ILOSTAT_DDF_2025")]
    legal = sgp[_has(sgp, "legal_estimate")]
    found = {(r.risk, r.sex, int(r.year), r.coverage_pct) for r in legal.itertuples()}
    assert found == {
        ("employment_injury", "total", 2019, 86.0),
        ("employment_injury", "total", 2021, 95.9),
        ("employment_injury", "male", 2021, 96.4),
        ("employment_injury", "female", 2021, 95.3),
        ("maternity", "female", 2019, 65.1),
        ("maternity", "female", 2021, 63.1),
    }
    assert legal[C.note].str.contains(LEGAL).all()
    assert not _has(coverage, "legal_estimate")[coverage[C.iso3] != "SGP"].any()


def test_the_singapore_notes_file_agrees_with_the_mirror_on_every_cell(ref: Reference, coverage: pd.DataFrame) -> None:
    """The notes are carried because both releases hold the very same 36 observations."""
    notes = ilostat_csv.load(SGP_NOTES, ref, source_id="ILOSTAT_DDF_2025").frame
    assert len(notes) == 36
    mirror = coverage[coverage[C.source_id] == "ILOSTAT_DDF_2025"].set_index(KEY)[C.coverage_pct]
    assert (mirror.reindex(pd.MultiIndex.from_frame(notes[KEY])).to_numpy() == notes[C.coverage_pct].to_numpy()).all()


def test_the_notes_file_supplies_no_figures(coverage: pd.DataFrame) -> None:
    assert not coverage[C.source_location].str.contains("__SGP.csv").any()


def test_label_layout_notes_become_flags_for_every_line_of_the_real_sample() -> None:
    raw = pd.read_csv(LABELS_2026, dtype="str", keep_default_na=False)
    found = flags.from_ilostat(raw["note_classif.label"], raw["source.label"], raw["obs_status.label"])
    by_area = dict(zip(raw["ref_area.label"], found, strict=True))
    assert by_area["Kuwait"] == by_area["Lebanon"] == by_area["Republic of Korea"] == "legal_estimate"
    assert by_area["World"] == "modelled"
    assert by_area["Mauritania"] == "unreliable"
    assert pd.isna(by_area["Bhutan"])  # "Disaggregation by sex available partially" is a note, not a flag


def test_the_label_layout_loader_keeps_the_notes_it_reads(ref: Reference) -> None:
    loaded = ilostat_csv.load(SGP_NOTES, ref, source_id="X")
    legal = loaded.frame[loaded.frame[C.obs_flags] == "legal_estimate"]
    assert len(legal) == 6
    assert (legal[C.note] == "Social security coverage: Estimated based on legal coverage").all()


def test_ilostat_aggregates_are_modelled_estimates_and_countries_are_not(coverage: pd.DataFrame) -> None:
    ilostat = coverage[coverage[C.source_id] == "ILOSTAT_DDF_2025"]
    modelled = _has(ilostat, "modelled")
    assert (modelled == ilostat[C.is_aggregate]).all()


def test_un_sdg_nature_e_is_estimated(coverage: pd.DataFrame) -> None:
    sdg = coverage[coverage[C.source_id] == "UNSDG_2023-07"]
    assert (_has(sdg, "estimated") == (sdg[C.nature] == "E")).all()
    assert (sdg[C.nature] == "E").sum() > 0


def test_sdg_codes_map_to_flags() -> None:
    nature = pd.Series(["E", "M", "CA", None, "c"])
    status = pd.Series(["A", "B", "U", "E", None])
    assert flags.from_sdg(nature, status).fillna("").tolist() == ["estimated", "modelled;break", "unreliable", "estimated", ""]


def test_withdrawn_rows_are_flagged(coverage: pd.DataFrame) -> None:
    assert (_has(coverage, "withdrawn") == coverage[C.withdrawn]).all()
    assert coverage[C.withdrawn].sum() == 59


def test_an_unknown_code_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown observation flags"):
        flags.ordered(["legal_estimate", "rumour"])


def _series(values: list[tuple[int, float]], **cell: str) -> pd.DataFrame:
    base = {"edition": "E", "iso3": "THA", "risk": "poor", "sex": "total", "coverage_kind": "effective"} | cell
    return pd.DataFrame([base | {"year": year, "coverage_pct": value} for year, value in values]).astype({"year": "Int16"})


def test_the_real_jumps_of_the_issue_are_flagged_at_both_ends(coverage: pd.DataFrame) -> None:
    jumps = _has(coverage, "implausible") & (coverage[C.source_id] == "ILOSTAT_DDF_2025") & (coverage[C.risk] == "poor")
    found = {(r.iso3, int(r.year), r.coverage_pct) for r in coverage[jumps].itertuples()}
    assert {("THA", 2019, 100.0), ("THA", 2020, 0.0), ("MYS", 2018, 100.0), ("MYS", 2020, 17.4)} <= found


def test_flagged_rows_keep_their_values(coverage: pd.DataFrame) -> None:
    row = coverage[(coverage[C.iso3] == "THA") & (coverage[C.risk] == "poor") & (coverage[C.year] == 2020)]
    assert row[C.coverage_pct].tolist() == [0.0]  # flagged, never changed or dropped


def test_plausibility_rule_thresholds() -> None:
    assert flags.implausible(_series([(2015, 40.0), (2016, 70.0), (2017, 100.5 - 0.5)])).tolist() == [False, True, True]
    assert flags.implausible(_series([(2015, 40.0), (2016, 69.9)])).tolist() == [False, False]
    assert flags.implausible(_series([(2015, 95.0), (2016, 100.0), (2017, 100.0)])).tolist() == [False, False, False]
    assert flags.implausible(_series([(2015, 89.0), (2016, 100.0)])).tolist() == [True, True]


def test_plausibility_never_compares_two_series() -> None:
    """A jump between editions (or areas, sexes) is a revision or a difference, not a move."""
    two = pd.concat([_series([(2015, 10.0)]), _series([(2016, 90.0)], edition="F"), _series([(2017, 10.0)], sex="male")])
    assert not flags.implausible(two.reset_index(drop=True)).any()


def test_rows_without_a_year_are_in_no_sequence() -> None:
    frame = _series([(2015, 10.0), (2016, 12.0)])
    frame.loc[1, "year"] = pd.NA
    assert not flags.implausible(frame).any()
