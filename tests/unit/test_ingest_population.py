"""population.load on the real WPP 2024 extract (DDF population by country_area and time)."""

from __future__ import annotations

import csv
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest

from essa_dash.errors import DataError
from essa_dash.ingest import population
from essa_dash.ingest.reference import Reference
from essa_dash.paths import DEFAULT_DATA_DIR

WPP = DEFAULT_DATA_DIR / "raw/unpop/unpop_wpp/ddf--datapoints--population--by--country_area--time.csv"
MEMBER_STATES = {"BRN", "KHM", "IDN", "LAO", "MYS", "MMR", "PHL", "SGP", "THA", "TLS", "VNM"}

with WPP.open(newline="", encoding="utf-8") as _handle:
    RAW = list(csv.DictReader(_handle))


def copy_edited(tmp_path: Path, edit: Callable[[list[str]], None]) -> Path:
    lines = WPP.read_bytes().decode("utf-8").split("\n")
    edit(lines)
    target = tmp_path / WPP.name
    target.write_bytes("\n".join(lines).encode("utf-8"))
    return target


def on_line(number: int, old: str, new: str) -> Callable[[list[str]], None]:
    def edit(lines: list[str]) -> None:
        assert lines[number - 1].startswith(old), (old, lines[number - 1])
        lines[number - 1] = lines[number - 1].replace(old, new, 1)

    return edit


@pytest.fixture(scope="module")
def wpp(ref: Reference) -> pd.DataFrame:
    return population.load(WPP, ref, source_id="UNPOP_WPP2024")


def test_every_line_is_kept(wpp: pd.DataFrame) -> None:
    assert len(RAW) == 341
    assert len(wpp) == 341
    assert list(wpp.columns) == population.COLUMNS == ["iso3", "year", "population", "is_projection", "source_id", "source_location"]
    assert list(wpp.index) == list(range(341))


def test_eleven_member_states_2000_to_2030(wpp: pd.DataFrame) -> None:
    assert set(wpp["iso3"]) == MEMBER_STATES
    assert (wpp.groupby("iso3")["year"].agg(["min", "max", "count"]) == [2000, 2030, 31]).all().all()
    assert not wpp.duplicated(["iso3", "year"]).any()


def test_m49_codes_map_to_iso3(wpp: pd.DataFrame, ref: Reference) -> None:
    assert list(wpp["iso3"]) == [ref.by_m49[int(r["country_area"])] for r in RAW]


def test_persons_are_thousands_times_1000(wpp: pd.DataFrame) -> None:
    assert wpp["population"].dtype == "int64"
    assert list(wpp["population"]) == [round(float(r["population"]) * 1000) for r in RAW]
    brn_2000 = wpp[(wpp["iso3"] == "BRN") & (wpp["year"] == 2000)].iloc[0]
    assert RAW[0] == {"country_area": "96", "time": "2000", "population": "326.424"}
    assert brn_2000["population"] == 326_424
    assert (wpp["population"] > 0).all()


def test_projections_from_2024(wpp: pd.DataFrame) -> None:
    assert population.FIRST_PROJECTION_YEAR == 2024
    assert list(wpp["is_projection"]) == [int(r["time"]) >= 2024 for r in RAW]
    assert int(wpp["is_projection"].sum()) == 11 * 7  # 2024-2030
    assert not wpp.loc[wpp["year"] == 2023, "is_projection"].any()
    assert wpp.loc[wpp["year"] == 2024, "is_projection"].all()


def test_source_and_location(wpp: pd.DataFrame) -> None:
    assert set(wpp["source_id"]) == {"UNPOP_WPP2024"}
    assert list(wpp["source_location"]) == [f"{WPP.name}, line {i}" for i in range(2, 343)]
    assert wpp["year"].dtype == "Int16"


def test_rows_of_other_areas_are_left_out(tmp_path: Path, ref: Reference) -> None:
    path = copy_edited(tmp_path, on_line(2, "96,2000,", "4,2000,"))  # Afghanistan
    out = population.load(path, ref, source_id="UNPOP_WPP2024")
    assert len(out) == 340
    assert out["source_location"].iloc[0] == f"{WPP.name}, line 3"


def test_bom_and_nul_padding(tmp_path: Path, ref: Reference, wpp: pd.DataFrame) -> None:
    path = tmp_path / WPP.name
    path.write_bytes(b"\xef\xbb\xbf" + WPP.read_bytes() + b"\x00" * 32)
    pd.testing.assert_frame_equal(population.load(path, ref, source_id="UNPOP_WPP2024"), wpp)


BAD = [
    # (id, edit, message, line, column)
    ("population abc", on_line(2, "96,2000,326.424", "96,2000,abc"), "not a positive number: 'abc'", 2, "population"),
    ("negative population", on_line(40, "116,2007,", "116,2007,-"), "not a positive number: '-", 40, "population"),
    ("zero population", on_line(2, "96,2000,326.424", "96,2000,0"), "not a positive number: '0'", 2, "population"),
    ("empty population", on_line(2, "96,2000,326.424", "96,2000,"), "not a positive number: ''", 2, "population"),
    ("country_area not M49", on_line(33, "116,", "KHM,"), "not a UN M49 number", 33, "country_area"),
    ("year 20x9", on_line(2, "96,2000,", "96,20x0,"), "not an annual year: '20x0'", 2, "time"),
    (
        "missing population column",
        on_line(1, "country_area,time,population", "country_area,time,pop"),
        "missing column(s) ['population'] for the WPP population DDF layout",
        1,
        None,
    ),
    ("cut in the middle of the last line", lambda lines: lines.__setitem__(-2, lines[-2].split(",")[0]), "has 1 fields", 342, None),
]


@pytest.mark.parametrize(("edit", "message", "line", "column"), [b[1:] for b in BAD], ids=[b[0] for b in BAD])
def test_bad_row_names_file_line_and_column(
    tmp_path: Path, ref: Reference, edit: Callable[[list[str]], None], message: str, line: int, column: str | None
) -> None:
    path = copy_edited(tmp_path, edit)
    with pytest.raises(DataError) as caught:
        population.load(path, ref, source_id="UNPOP_WPP2024")
    err = caught.value
    assert message in str(err)
    assert (err.path, err.line, err.column) == (path, line, column)
    where = f"{WPP.name}, line {line}" + (f", column '{column}'" if column else "")
    assert str(err).startswith(where + ": ")


@pytest.mark.parametrize(
    ("mutation", "message"),
    [
        (lambda b: b"", "file is empty"),
        (lambda b: b.split(b"\n")[0] + b"\n", "header but no data rows"),
        (lambda b: b.decode().encode("utf-16"), "UTF-16"),
        (lambda b: b"\x1f\x8b\x08\x00" + b, "binary"),
    ],
    ids=["empty", "header only", "utf-16", "gzip"],
)
def test_unreadable_copy_is_a_data_error(tmp_path: Path, ref: Reference, mutation, message: str) -> None:
    path = tmp_path / WPP.name
    path.write_bytes(mutation(WPP.read_bytes()))
    with pytest.raises(DataError) as caught:
        population.load(path, ref, source_id="UNPOP_WPP2024")
    assert message in str(caught.value)
    assert str(caught.value).startswith(WPP.name)
