"""owid.load on the real OWID redistribution of ILO (2014) health coverage, and mutated copies."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest

from essa_dash.errors import DataError
from essa_dash.ingest import owid
from essa_dash.ingest.common import Loaded
from essa_dash.ingest.reference import Reference
from essa_dash.paths import DEFAULT_DATA_DIR
from essa_dash.schema import LOADER_COLUMNS
from essa_dash.schema import Coverage as C

FOLDER = DEFAULT_DATA_DIR / "raw/owid/owid_health_coverage_ilo_2014"
(HEALTH,) = FOLDER.glob("*.csv")
VALUE_COLUMN = "Share of population covered by health insurance (ILO (2014))"
SOURCE_ID = "OWID_ILO2014_HEALTH"

# iso3: (OWID entity, year, value, file line)
EXPECTED = {
    "BRN": ("Brunei", 2010, 100.0, 25),
    "KHM": ("Cambodia", 2009, 26.1, 29),
    "IDN": ("Indonesia", 2010, 59.0, 71),
    "LAO": ("Laos", 2009, 11.6, 83),
    "MYS": ("Malaysia", 2010, 100.0, 92),
    "PHL": ("Philippines", 2009, 82.0, 117),
    "SGP": ("Singapore", 2010, 100.0, 131),
    "THA": ("Thailand", 2007, 98.0, 146),
    "VNM": ("Vietnam", 2010, 61.0, 160),
}


def copy_edited(tmp_path: Path, edit: Callable[[list[str]], None]) -> Path:
    lines = HEALTH.read_bytes().decode("utf-8").split("\n")
    edit(lines)
    target = tmp_path / HEALTH.name
    target.write_bytes("\n".join(lines).encode("utf-8"))
    return target


def on_line(number: int, old: str, new: str) -> Callable[[list[str]], None]:
    def edit(lines: list[str]) -> None:
        assert old in lines[number - 1], (old, lines[number - 1])
        lines[number - 1] = lines[number - 1].replace(old, new, 1)

    return edit


def load(path: Path, ref: Reference, risk: str = "health") -> Loaded:
    return owid.load(path, ref, source_id=SOURCE_ID, risk=risk)


@pytest.fixture(scope="module")
def health(ref: Reference) -> Loaded:
    return load(HEALTH, ref)


def test_keeps_the_nine_asean_rows(health: Loaded) -> None:
    assert health.layout == "owid"
    assert health.rows_read == 162
    assert health.skipped == {"rows of other areas": 153}
    assert health.examples["rows of other areas"][:2] == ["Albania", "Algeria"]
    assert len(health.frame) == 9
    assert list(health.frame.columns) == LOADER_COLUMNS
    assert list(health.frame[C.iso3]) == list(EXPECTED)


@pytest.mark.parametrize("iso3", list(EXPECTED))
def test_known_values(health: Loaded, iso3: str) -> None:
    _, year, value, line = EXPECTED[iso3]
    row = health.frame[health.frame[C.iso3] == iso3].iloc[0]
    assert (row[C.year], row[C.coverage_pct]) == (year, value)
    assert row[C.source_location] == f"{HEALTH.name}, line {line}"


def test_every_row_is_total_health_coverage_of_the_source(health: Loaded) -> None:
    frame = health.frame
    assert set(frame[C.risk]) == {"health"}
    assert set(frame[C.sex]) == {"total"}
    assert set(frame[C.source_id]) == {SOURCE_ID}
    assert frame[[C.obs_status, C.nature, C.note]].isna().all().all()
    assert frame[C.year].dtype == "Int16"


def test_any_known_risk_can_be_given(ref: Reference) -> None:
    assert set(load(HEALTH, ref, risk="at_least_one").frame[C.risk]) == {"at_least_one"}


@pytest.mark.parametrize("spelling", ["Viet Nam", "Viet-Nam", "VIETNAM", "VNM"])
def test_other_spellings_of_a_name(tmp_path: Path, ref: Reference, spelling: str) -> None:
    path = copy_edited(tmp_path, on_line(160, "Vietnam,", f"{spelling},"))
    frame = load(path, ref).frame
    assert frame.loc[frame[C.iso3] == "VNM", C.coverage_pct].tolist() == [61.0]


def test_bom_crlf_and_nul_padding(tmp_path: Path, ref: Reference, health: Loaded) -> None:
    path = tmp_path / HEALTH.name
    path.write_bytes(b"\xef\xbb\xbf" + HEALTH.read_bytes().replace(b"\n", b"\r\n") + b"\x00" * 100)
    pd.testing.assert_frame_equal(load(path, ref).frame, health.frame)


def test_exact_repeat_is_counted(tmp_path: Path, ref: Reference) -> None:
    loaded = load(copy_edited(tmp_path, lambda lines: lines.insert(-1, lines[82])), ref)
    assert loaded.skipped["exact repeats of a row"] == 1
    assert len(loaded.frame) == 9


@pytest.mark.parametrize("risk", ["healthcare", "Health", ""])
def test_unknown_risk_is_refused(ref: Reference, risk: str) -> None:
    with pytest.raises(DataError) as caught:
        load(HEALTH, ref, risk=risk)
    assert str(caught.value) == f"{HEALTH.name}: unknown risk {risk!r} in the provenance of this file"


def _second_value_column(lines: list[str]) -> None:
    lines[0] += ",Share of population covered (2)"
    for i in range(1, len(lines)):
        if lines[i]:
            lines[i] += "," + lines[i].rsplit(",", 1)[1]


def _no_value_column(lines: list[str]) -> None:
    for i, line in enumerate(lines):
        if line:
            lines[i] = line.rsplit(",", 1)[0]


def _conflict(lines: list[str]) -> None:
    lines.insert(-1, lines[159].replace(",61.0", ",62.0"))


BAD = [
    # (id, edit, message, line, column)
    ("two value columns", _second_value_column, "expected one value column besides Entity and Year", 1, None),
    ("no value column", _no_value_column, "expected one value column besides Entity and Year, found []", 1, None),
    ("missing Entity", on_line(1, "Entity,", "Country,"), "missing column(s) ['Entity'] for the Our World in Data layout", 1, None),
    ("missing Year", on_line(1, ",Year,", ",Date,"), "missing column(s) ['Year']", 1, None),
    ("value abc", on_line(83, ",11.6", ",abc"), "not a number: 'abc'", 83, VALUE_COLUMN),
    ("value 101", on_line(83, ",11.6", ",101"), "coverage 101 is outside 0-100 per cent", 83, VALUE_COLUMN),
    ("empty value", on_line(29, ",26.1", ","), "not a number: ''", 29, VALUE_COLUMN),
    ("year 20x9", on_line(25, ",2010,", ",20x9,"), "not an annual year: '20x9'", 25, "Year"),
    (
        "conflicting duplicate",
        _conflict,
        "conflicting values for OWID_ILO2014_HEALTH VNM health total 2010: 61 (line 160), 62 (line 164)",
        164,
        None,
    ),
]


@pytest.mark.parametrize(("edit", "message", "line", "column"), [b[1:] for b in BAD], ids=[b[0] for b in BAD])
def test_bad_input_names_file_line_and_column(
    tmp_path: Path, ref: Reference, edit: Callable[[list[str]], None], message: str, line: int, column: str | None
) -> None:
    path = copy_edited(tmp_path, edit)
    with pytest.raises(DataError) as caught:
        load(path, ref)
    err = caught.value
    assert message in str(err)
    assert (err.path, err.line, err.column) == (path, line, column)
    where = f"{HEALTH.name}, line {line}" + (f", column '{column}'" if column else "")
    assert str(err).startswith(where + ": ")


def test_bad_value_of_another_country_is_not_checked(tmp_path: Path, ref: Reference) -> None:
    path = copy_edited(tmp_path, on_line(2, "Albania,2008,23.6", "Albania,20x8,abc"))
    assert len(load(path, ref).frame) == 9


def test_latin1_copy_is_refused_with_its_line(tmp_path: Path, ref: Reference) -> None:
    # the real file is ASCII; give Viet Nam its Vietnamese-French spelling in latin-1
    text = HEALTH.read_bytes().decode("utf-8").replace("Vietnam,", "Viêt Nam,")
    path = tmp_path / HEALTH.name
    path.write_bytes(text.encode("latin-1"))
    with pytest.raises(DataError) as caught:
        load(path, ref)
    assert (caught.value.line, caught.value.column) == (160, None)
    assert str(caught.value).startswith(f"{HEALTH.name}, line 160: not UTF-8 text")
