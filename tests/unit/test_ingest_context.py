"""ddf.load_context on the real UN SDG context series files (informal employment, UHC, poverty, fatal injuries)."""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd
import pytest

from essa_dash.errors import DataError
from essa_dash.ingest import ddf
from essa_dash.ingest.reference import Reference
from essa_dash.paths import DEFAULT_DATA_DIR
from essa_dash.schema import CONTEXT_CODES, CONTEXT_LOADER_COLUMNS, COVERAGE_COLUMNS
from essa_dash.schema import Context as X
from essa_dash.store import Store

FOLDER = DEFAULT_DATA_DIR / "raw/unsd/unsdg_ddf_2023-12-17_context"
FILES = sorted(FOLDER.glob("ddf--datapoints--*.csv"))
UHC = FOLDER / "ddf--datapoints--sh_acs_unhc--by--geo_area--nature--units--year.csv"
INFORMAL = FOLDER / "ddf--datapoints--sl_isv_ifem--by--activity--geo_area--nature--observation_status--sex--units--year.csv"
SOURCE = "UNSDG_2023-12_CONTEXT"
MEMBER_STATES = {"BRN", "KHM", "IDN", "LAO", "MYS", "MMR", "PHL", "SGP", "THA", "TLS", "VNM"}
AGGREGATES = {"SE_ASIA", "ASIA", "WLD"}


def raw_rows(path: Path) -> list[dict[str, str]]:
    """The file read with the csv module only: an independent reading to check the loader against."""
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_every_file_of_the_folder_is_read_as_context(ref: Reference) -> None:
    series = {ddf.parse_name(path)[0].upper() for path in FILES}
    assert series == set(ref.indicator_by_sdg_series) and len(FILES) == 5


@pytest.mark.parametrize("path", FILES, ids=lambda p: ddf.parse_name(p)[0])
def test_all_rows_of_the_areas_we_keep_are_kept_and_the_others_counted(path: Path, ref: Reference) -> None:
    rows = raw_rows(path)
    kept_by_area = pd.Series([ref.by_m49.get(int(row["geo_area"])) for row in rows]).value_counts()
    loaded = ddf.load_context(path, ref, source_id=SOURCE)
    assert loaded.rows_read == len(rows)
    assert loaded.frame.groupby(X.iso3).size().sort_index().to_dict() == kept_by_area.sort_index().to_dict()
    assert loaded.skipped == {"rows of other areas": len(rows) - int(kept_by_area.sum())}
    assert list(loaded.frame.columns) == CONTEXT_LOADER_COLUMNS
    assert loaded.frame[X.source_location].str.startswith(path.name + ", line ").all()


def test_the_member_states_and_aggregates_each_series_publishes(ref: Reference) -> None:
    areas = {ddf.parse_name(p)[0]: set(ddf.load_context(p, ref, source_id=SOURCE).frame[X.iso3]) for p in FILES}
    assert areas["sh_acs_unhc"] >= MEMBER_STATES | AGGREGATES
    assert areas["sl_isv_ifem"] & MEMBER_STATES == MEMBER_STATES - {"MYS", "PHL", "SGP"}
    assert areas["si_pov_day1"] & MEMBER_STATES == MEMBER_STATES - {"BRN", "KHM", "SGP"}
    assert areas["si_pov_emp1"] & MEMBER_STATES == MEMBER_STATES - {"BRN", "SGP"}
    assert areas["sl_emp_ftlinjur"] == {"MMR", "MYS", "PHL", "SGP", "THA"}


def test_codes_are_mapped_onto_ours_and_absent_breakdowns_stay_missing(ref: Reference) -> None:
    informal = ddf.load_context(INFORMAL, ref, source_id=SOURCE).frame
    assert set(informal[X.sector]) == set(CONTEXT_CODES[X.sector])
    assert set(informal[X.sex]) == {"total", "female", "male"}
    assert informal[[X.age, X.location, X.migrant_status]].isna().all().all()
    assert set(informal[X.unit]) == {"percent"} and set(informal[X.indicator]) == {"informal_employment"}
    uhc = ddf.load_context(UHC, ref, source_id=SOURCE).frame
    assert uhc[[X.sector, X.age, X.location, X.sex, X.migrant_status]].isna().all().all()
    assert set(uhc[X.unit]) == {"index"} and set(uhc[X.nature]) == {"E", "N"}
    # the UN's nature E (estimated) becomes the estimated flag; N (non-relevant, aggregates) none
    assert (uhc[X.obs_flags].fillna("") == uhc[X.nature].map({"E": "estimated", "N": ""})).all()
    by_name = {ddf.parse_name(p)[0]: ddf.load_context(p, ref, source_id=SOURCE).frame for p in FILES}
    assert set(by_name["si_pov_day1"][X.age]) == {"all", "15_64", "65plus", "under_15"}
    assert set(by_name["si_pov_emp1"][X.age]) == {"15plus", "15_24", "25plus"}
    assert set(by_name["sl_emp_ftlinjur"][X.migrant_status]) == {"total", "non_migrant"}
    assert set(by_name["sl_emp_ftlinjur"][X.unit]) == {"per_100000_employees"}


def test_one_series_re_read_independently_equals_the_built_table(store: Store, ref: Reference) -> None:
    """Viet Nam's informal employment (all activities, both sexes), read with csv, against context.parquet."""
    viet_nam = str(ref.countries.set_index("iso3").loc["VNM", "m49"])
    expected = {
        int(row["year"]): float(row["sl_isv_ifem"])
        for row in raw_rows(INFORMAL)
        if row["geo_area"] == viet_nam and row["activity"] == "total" and row["sex"] == "bothsex"
    }
    table = store.context
    rows = table[
        (table[X.iso3] == "VNM") & (table[X.indicator] == "informal_employment") & (table[X.sector] == "total") & (table[X.sex] == "total")
    ]
    assert len(expected) >= 10
    assert dict(zip(rows[X.year].astype(int), rows[X.value], strict=True)) == expected
    assert set(rows[X.source_id]) == {SOURCE} and set(rows[X.edition]) == {"UN SDG DB 2023-12 context"}


def test_coverage_and_context_share_no_value_column(store: Store) -> None:
    numeric = {col for col in store.context.columns if pd.api.types.is_float_dtype(store.context[col])}
    assert numeric == {X.value} and X.value not in COVERAGE_COLUMNS
    assert "coverage_pct" not in store.context.columns


def test_the_indicators_table_describes_every_series(store: Store) -> None:
    indicators = store.indicators.set_index("indicator")
    assert set(store.context[X.indicator]) == set(indicators.index)
    assert indicators.loc["informal_employment", "sdg_indicator"] == "8.3.1"
    assert indicators.loc["uhc_index", "custodian"].startswith("World Health Organization")
    assert (indicators["definition"].str.len() > 40).all() and (indicators["label"] != "").all()


def edited(tmp_path: Path, source: Path, old: str, new: str) -> Path:
    """A copy of a real file with the first line of a kept area (Viet Nam, 704) edited."""
    lines = source.read_text(encoding="utf-8").split("\n")
    header = lines[0].split(",")
    at = next(i for i, line in enumerate(lines) if i and line.split(",")[header.index("geo_area")] == "704")
    assert old in lines[at]
    lines[at] = lines[at].replace(old, new, 1)
    target = tmp_path / source.name
    target.write_text("\n".join(lines), encoding="utf-8")
    return target


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("isic4_a,", "isic4_zz,", r"line \d+, column 'activity': unknown activity code 'isic4_zz'"),
        ("percent", "index", r"line \d+, column 'units': unit 'index' is not percent"),
    ],
)
def test_a_bad_code_in_a_kept_row_names_file_line_and_column(tmp_path: Path, ref: Reference, old: str, new: str, message: str) -> None:
    path = edited(tmp_path, INFORMAL, old, new)
    with pytest.raises(DataError, match=message):
        ddf.load_context(path, ref, source_id=SOURCE)


def test_a_value_outside_its_unit_range_is_refused(tmp_path: Path, ref: Reference) -> None:
    lines = UHC.read_text(encoding="utf-8").split("\n")
    at = next(i for i, line in enumerate(lines) if line.startswith("704,"))
    lines[at] = ",".join([*lines[at].split(",")[:-1], "101"])
    path = tmp_path / UHC.name
    path.write_text("\n".join(lines), encoding="utf-8")
    with pytest.raises(DataError, match=rf"line {at + 1}, column 'sh_acs_unhc': uhc_index 101 is outside 0-100 index"):
        ddf.load_context(path, ref, source_id=SOURCE)


def test_a_series_not_in_indicators_csv_is_refused(tmp_path: Path, ref: Reference) -> None:
    path = tmp_path / UHC.name.replace("sh_acs_unhc", "sh_xyz")
    path.write_text(UHC.read_text(encoding="utf-8").replace("sh_acs_unhc", "sh_xyz"), encoding="utf-8")
    with pytest.raises(DataError, match="unknown context series 'sh_xyz'"):
        ddf.load_context(path, ref, source_id=SOURCE)
