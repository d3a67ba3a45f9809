"""unsdg_api.load on the real SDG API CSV sample and on SDG 1.3.1 files edited from it.

The real sample (Data Commons' test input) holds series AG_FOOD_WST only. The SI_COV
files here are that same file with its codes rewritten: series -> SI_COV_*, World (M49 1)
-> Cambodia (116), Afghanistan (4) -> Viet Nam (704), the food-waste sector dimension ->
``[Sex]`` (HHS/OOHC/RTL -> BOTHSEX/FEMALE/MALE), TONNES -> PERCENT and every value divided
by 10^7 (to one decimal) so that it is a percentage. Quoting and layout are the original's:
an unquoted header, every data field quoted.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest

from essa_dash.errors import DataError
from essa_dash.ingest import unsdg_api
from essa_dash.ingest.common import Loaded
from essa_dash.ingest.reference import Reference
from essa_dash.schema import LOADER_COLUMNS
from essa_dash.schema import Coverage as C
from tests.conftest import FORMATS

SDG_API = FORMATS / "unsdg_api__test_input.csv"
SEX_OF_SECTOR = {"HHS": "BOTHSEX", "OOHC": "FEMALE", "RTL": "MALE"}
AREAS = {"1": ("116", "Cambodia"), "4": ("704", "Viet Nam")}

RowEdit = Callable[[int, dict[str, str]], None]


def si_cov_text(
    *,
    series: str = "SI_COV_BENFTS",
    dimension: str = "[Sex]",
    dimension_values: dict[str, str] = SEX_OF_SECTOR,
    edit: RowEdit | None = None,
    header: Callable[[list[str]], list[str]] | None = None,
) -> str:
    """The real sample rewritten as an SI_COV download; ``edit(line, row)`` changes single rows."""
    records = list(csv.reader(io.StringIO(SDG_API.read_text(encoding="utf-8"), newline="")))
    columns = [dimension if c == "[Food Waste Sector]" else c for c in records[0]]
    out = []
    for line, record in enumerate(records[1:], start=2):
        row = dict(zip(columns, record, strict=True))
        row["SeriesCode"] = series
        row["GeoAreaCode"], row["GeoAreaName"] = AREAS.get(row["GeoAreaCode"], (row["GeoAreaCode"], row["GeoAreaName"]))
        row[dimension] = dimension_values[row[dimension]]
        row["[Units]"] = "PERCENT"
        row["Value"] = f"{float(row['Value']) / 1e7:.1f}"
        if edit is not None:
            edit(line, row)
        out.append(",".join(f'"{row[c]}"' for c in columns))
    head = header(columns) if header else columns
    return "\n".join([",".join(head), *out]) + "\n"


def write(tmp_path: Path, text: str | bytes, name: str = "si_cov.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    return path


def on(line: int, **changes: str) -> RowEdit:
    def edit(number: int, row: dict[str, str]) -> None:
        if number == line:
            row.update(changes)

    return edit


def load(path: Path, ref: Reference) -> Loaded:
    return unsdg_api.load(path, ref, source_id="UNSDG_API_TEST")


def only(frame: pd.DataFrame, **where: object) -> pd.Series:
    mask = pd.Series(True, index=frame.index)
    for col, value in where.items():
        mask &= frame[col] == value
    assert mask.sum() == 1, where
    return frame[mask].iloc[0]


@pytest.fixture
def si_cov(tmp_path: Path) -> Path:
    return write(tmp_path, si_cov_text())


# --- the real sample ----------------------------------------------------------------


def test_real_sample_has_no_sdg_131_series(ref: Reference) -> None:
    with pytest.raises(DataError) as caught:
        load(SDG_API, ref)
    assert str(caught.value) == "unsdg_api__test_input.csv: no SDG 1.3.1 series (SI_COV_*) in this file; found AG_FOOD_WST"


def test_edited_copy_keeps_the_original_layout(si_cov: Path) -> None:
    original = SDG_API.read_text(encoding="utf-8").split("\n")
    edited = si_cov.read_text(encoding="utf-8").split("\n")
    assert edited[0] == original[0].replace("[Food Waste Sector]", "[Sex]")
    assert len(edited) == len(original)
    assert edited[1].startswith('"12","12.3","12.3.1","SI_COV_BENFTS","Food waste (Tonnes)","116","Cambodia","2019","24.4",')


# --- an SI_COV download -------------------------------------------------------------


def test_m49_codes_map_to_our_areas_and_others_are_counted(ref: Reference, si_cov: Path) -> None:
    loaded = load(si_cov, ref)
    assert loaded.layout == "sdg-api"
    assert loaded.rows_read == 15
    assert loaded.skipped == {"rows of other areas": 9}
    assert loaded.examples["rows of other areas"] == ["Africa", "South America", "Albania"]
    assert list(loaded.frame.columns) == LOADER_COLUMNS
    assert sorted(loaded.frame[C.iso3]) == ["KHM", "KHM", "KHM", "VNM", "VNM", "VNM"]
    assert set(loaded.frame[C.risk]) == {"at_least_one"}
    assert set(loaded.frame[C.year]) == {2019}
    assert loaded.summary() == (
        "si_cov.csv (sdg-api): kept 6 of 15 rows; skipped 9 rows of other areas (e.g. Africa, South America, Albania)"
    )


def test_bracketed_dimensions_and_attributes(ref: Reference, si_cov: Path) -> None:
    frame = load(si_cov, ref).frame
    khm = frame[frame[C.iso3] == "KHM"]
    assert dict(zip(khm[C.sex], khm[C.coverage_pct], strict=True)) == {"female": 24.4, "male": 11.8, "total": 56.9}
    assert set(frame[C.nature]) == {"E"}
    assert set(frame[C.obs_status]) == {"A"}
    assert list(khm[C.source_location]) == ["si_cov.csv, line 2", "si_cov.csv, line 3", "si_cov.csv, line 4"]


def test_footnote_becomes_the_note(ref: Reference, si_cov: Path) -> None:
    frame = load(si_cov, ref).frame
    assert frame.loc[frame[C.iso3] == "KHM", C.note].isna().all()  # FootNote "" for World
    assert set(frame.loc[frame[C.iso3] == "VNM", C.note]) == {"Very Low Confidence"}
    assert only(frame, iso3="VNM", sex="total")[C.coverage_pct] == 0.3


def test_nul_padding_and_bom_are_tolerated(tmp_path: Path, ref: Reference, si_cov: Path) -> None:
    expected = load(si_cov, ref).frame
    padded = write(tmp_path, b"\xef\xbb\xbf" + si_cov.read_bytes() + b"\x00" * 4096, name="padded.csv")
    frame = load(padded, ref).frame
    pd.testing.assert_frame_equal(frame.drop(columns=C.source_location), expected.drop(columns=C.source_location))
    assert frame[C.source_location].iloc[0] == "padded.csv, line 2"


def test_rows_of_other_series_are_skipped_and_counted(tmp_path: Path, ref: Reference) -> None:
    def keep_food_waste(line: int, row: dict[str, str]) -> None:
        if row["GeoAreaCode"] == "704":
            row["SeriesCode"] = "AG_FOOD_WST"

    loaded = load(write(tmp_path, si_cov_text(edit=keep_food_waste)), ref)
    assert loaded.skipped == {"rows of other series": 3, "rows of other areas": 9}
    assert loaded.examples["rows of other series"] == ["AG_FOOD_WST"]
    assert set(loaded.frame[C.iso3]) == {"KHM"}


@pytest.mark.parametrize(
    ("series", "risk"),
    [
        ("SI_COV_BENFTS", "at_least_one"),
        ("SI_COV_PENSN", "old_age"),
        ("SI_COV_WKINJRY", "employment_injury"),
        ("SI_COV_SOCASTPQ", "social_assistance_q1"),
        ("si_cov_chld", "children"),
    ],
)
def test_series_code_gives_the_risk(tmp_path: Path, ref: Reference, series: str, risk: str) -> None:
    loaded = load(write(tmp_path, si_cov_text(series=series)), ref)
    assert set(loaded.frame[C.risk]) == {risk}


def test_time_period_with_decimal_suffix(tmp_path: Path, ref: Reference) -> None:
    loaded = load(write(tmp_path, si_cov_text(edit=lambda line, row: row.update(TimePeriod="2019.0"))), ref)
    assert set(loaded.frame[C.year]) == {2019}


def test_units_are_matched_case_insensitively(tmp_path: Path, ref: Reference) -> None:
    loaded = load(write(tmp_path, si_cov_text(edit=lambda line, row: row.update({"[Units]": "Percent"}))), ref)
    assert len(loaded.frame) == 6


def test_empty_value_is_skipped_and_counted(tmp_path: Path, ref: Reference) -> None:
    loaded = load(write(tmp_path, si_cov_text(edit=on(2, Value=""))), ref)
    assert loaded.skipped["rows without a value"] == 1
    assert loaded.examples["rows without a value"] == ["Cambodia"]
    assert len(loaded.frame) == 5
    assert "female" not in set(loaded.frame.loc[loaded.frame[C.iso3] == "KHM", C.sex])


def test_quantiles_total_and_q1_are_kept_others_counted(tmp_path: Path, ref: Reference) -> None:
    text = si_cov_text(series="SI_COV_SOCAST", dimension="[Quantile]", dimension_values={"HHS": "_T", "OOHC": "Q1", "RTL": "Q2"})
    loaded = load(write(tmp_path, text), ref)
    assert loaded.skipped == {"rows of other areas": 9, "rows of other quantiles": 2}
    assert loaded.examples["rows of other quantiles"] == ["Q2"]
    khm = loaded.frame[loaded.frame[C.iso3] == "KHM"]
    assert dict(zip(khm[C.risk], khm[C.coverage_pct], strict=True)) == {"social_assistance": 56.9, "social_assistance_q1": 24.4}
    assert set(loaded.frame[C.sex]) == {"total"}  # no [Sex] column


def test_conflicting_duplicate_is_refused(tmp_path: Path, ref: Reference) -> None:
    text = si_cov_text(edit=on(3, **{"[Sex]": "BOTHSEX"}))  # line 3 (MALE 11.8) now clashes with line 4 (BOTHSEX 56.9)
    with pytest.raises(DataError) as caught:
        load(write(tmp_path, text), ref)
    assert str(caught.value) == (
        "si_cov.csv, line 4: conflicting values for UNSDG_API_TEST KHM at_least_one total 2019: 11.8 (line 3), 56.9 (line 4)"
    )


# --- bad input ----------------------------------------------------------------------

BAD = [
    # (id, si_cov_text arguments, message, line, column)
    ("unknown SI_COV series", {"series": "SI_COV_XYZ"}, "unknown SDG 1.3.1 series 'SI_COV_XYZ'", 2, "SeriesCode"),
    ("unit not percent", {"edit": on(3, **{"[Units]": "TONNES"})}, "unit 'TONNES' is not PERCENT", 3, "[Units]"),
    ("number of people", {"edit": on(9, **{"[Units]": "NUMBER"})}, "unit 'NUMBER' is not PERCENT", 9, "[Units]"),
    ("value abc", {"edit": on(4, Value="abc")}, "not a number: 'abc'", 4, "Value"),
    ("value 101", {"edit": on(8, Value="101")}, "coverage 101 is outside 0-100 per cent", 8, "Value"),
    ("tonnes kept as value", {"edit": on(2, Value="243717410.1832")}, "outside 0-100", 2, "Value"),
    ("year 20x9", {"edit": on(2, TimePeriod="20x9")}, "not an annual year: '20x9'", 2, "TimePeriod"),
    ("M49 not a number", {"edit": on(5, GeoAreaCode="AFR")}, "not a UN M49 number: 'AFR'", 5, "GeoAreaCode"),
    ("unknown sex code", {"edit": on(2, **{"[Sex]": "BOTH"})}, "unknown sex code 'BOTH'", 2, "[Sex]"),
    (
        "missing Value column",
        {"header": lambda cols: ["Val" if c == "Value" else c for c in cols]},
        "missing column(s) ['Value'] for the UN SDG API layout",
        1,
        None,
    ),
]


@pytest.mark.parametrize(("arguments", "message", "line", "column"), [b[1:] for b in BAD], ids=[b[0] for b in BAD])
def test_bad_input_names_file_line_and_column(
    tmp_path: Path, ref: Reference, arguments: dict, message: str, line: int, column: str | None
) -> None:
    path = write(tmp_path, si_cov_text(**arguments))
    with pytest.raises(DataError) as caught:
        load(path, ref)
    err = caught.value
    assert message in str(err)
    assert (err.path, err.line, err.column) == (path, line, column)
    where = f"si_cov.csv, line {line}" + (f", column '{column}'" if column else "")
    assert str(err).startswith(where + ": ")


def test_bad_row_of_another_area_is_not_checked(tmp_path: Path, ref: Reference) -> None:
    # line 5 is Africa (M49 2), not ours: its unit and value are never looked at
    loaded = load(write(tmp_path, si_cov_text(edit=on(5, Value="abc", **{"[Units]": "TONNES"}))), ref)
    assert len(loaded.frame) == 6


@pytest.mark.parametrize(
    ("mutation", "message"),
    [
        (lambda b: b.decode().encode("utf-16"), "UTF-16"),
        (lambda b: b"PK\x03\x04" + b, "binary"),
        (lambda b: b[:-40], "ends inside a quoted field: truncated download?"),
        (lambda b: b"\x00" * 128, "file is empty"),
    ],
    ids=["utf-16", "zip", "truncated", "only NULs"],
)
def test_unreadable_copy_is_a_data_error(tmp_path: Path, ref: Reference, si_cov: Path, mutation, message: str) -> None:
    path = write(tmp_path, mutation(si_cov.read_bytes()), name="broken.csv")
    with pytest.raises(DataError) as caught:
        load(path, ref)
    assert message in str(caught.value)
    assert str(caught.value).startswith("broken.csv")
