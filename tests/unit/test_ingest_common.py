"""common.read_csv_text and the parsing helpers, on real files and mutated copies of them.

Good input is always a file of the checkout (data/raw or tests/fixtures/formats); bad
input is a copy of one of those files with a single, deliberate defect.
"""

from __future__ import annotations

import gzip
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest

from essa_dash.errors import DataError
from essa_dash.ingest import common
from essa_dash.ingest.common import map_codes, percent, read_csv_text, years
from essa_dash.paths import DEFAULT_DATA_DIR
from tests.conftest import FORMATS

ILOSTAT_DDF = DEFAULT_DATA_DIR / "raw/ilo/ilostat_ddf_sdg_0131/ddf--datapoints--sdg_0131_sex_soc_rt--by--ref_area--sex--classif1--time.csv"
CURATED = DEFAULT_DATA_DIR / "raw/essa/asean_coverage_sources/asean_coverage_sources.csv"
EARNINGS = FORMATS / "ilostat_labels__EAR_4MTH_SEX_GEO_CUR_NB_A-filtered-2025-06-01__ASEAN_2019plus.csv"
SDG_API = FORMATS / "unsdg_api__test_input.csv"

DDF_LINES = ILOSTAT_DDF.read_bytes().split(b"\n")  # ends with b"" after the final newline


def write(tmp_path: Path, data: bytes, name: str = "sample.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def replace_line(lines: list[bytes], number: int, old: bytes, new: bytes) -> bytes:
    """The file with one replacement on line ``number`` (1-based); the text must be there."""
    assert old in lines[number - 1]
    out = list(lines)
    out[number - 1] = out[number - 1].replace(old, new, 1)
    return b"\n".join(out)


def first_line_with(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.split("\n"), start=1) if needle in line)


@pytest.fixture(scope="module")
def ddf_frame() -> pd.DataFrame:
    return read_csv_text(ILOSTAT_DDF)


# --- good input ---------------------------------------------------------------------


def test_reads_every_row_as_text_indexed_by_file_line(ddf_frame: pd.DataFrame) -> None:
    assert list(ddf_frame.columns) == ["ref_area", "sex", "classif1", "time", "sdg_0131_sex_soc_rt"]
    assert len(ddf_frame) == 1973
    assert ddf_frame.index.name == "line"
    assert list(ddf_frame.index) == list(range(2, 1975))
    assert ddf_frame.loc[2].tolist() == ["brn", "sex_f", "soc_contig_disab", "2019", "100"]
    assert ddf_frame.loc[1974].tolist() == ["x84", "sex_t", "soc_contig_vuln", "2023", "37.532"]
    assert all(pd.api.types.is_string_dtype(ddf_frame[col]) for col in ddf_frame.columns)


def test_empty_fields_stay_empty_strings() -> None:
    frame = read_csv_text(CURATED)
    assert len(frame) == 1178
    # line 94: KHM old-age pension of WSPR 2014/15, no reference year stated
    assert frame.loc[94, "iso3"] == "KHM"
    assert frame.loc[94, "year"] == ""
    assert (frame["year"] == "").sum() == 19
    assert not frame.isna().any().any()


def test_crlf_line_endings_are_read_like_lf() -> None:
    assert b"\r\n" in CURATED.read_bytes()  # the curated CSV is saved with CRLF
    frame = read_csv_text(CURATED)
    assert not frame.apply(lambda col: col.str.contains("\r")).any().any()
    assert list(frame.index[:2]) == [2, 3]
    assert frame.index[-1] == 1179


def test_crlf_copy_of_a_lf_file_gives_the_same_frame(tmp_path: Path, ddf_frame: pd.DataFrame) -> None:
    path = write(tmp_path, ILOSTAT_DDF.read_bytes().replace(b"\n", b"\r\n"))
    pd.testing.assert_frame_equal(read_csv_text(path), ddf_frame)


def test_utf8_bom_is_dropped(tmp_path: Path, ddf_frame: pd.DataFrame) -> None:
    path = write(tmp_path, b"\xef\xbb\xbf" + ILOSTAT_DDF.read_bytes())
    frame = read_csv_text(path)
    assert frame.columns[0] == "ref_area"
    pd.testing.assert_frame_equal(frame, ddf_frame)


def test_byte_exact_download_with_bom() -> None:
    assert EARNINGS.read_bytes().startswith(b"\xef\xbb\xbf")
    frame = read_csv_text(EARNINGS)
    assert frame.columns[0] == "ref_area.label"
    assert len(frame) == 234
    assert frame.loc[2, "ref_area.label"] == "Indonesia"


def test_non_ascii_utf8_text_is_kept() -> None:
    frame = read_csv_text(EARNINGS)
    text = EARNINGS.read_bytes().decode("utf-8-sig")
    line = first_line_with(text, "ô")
    assert frame.loc[line].str.contains("ô").any()


def test_trailing_nul_padding_is_tolerated(tmp_path: Path, ddf_frame: pd.DataFrame) -> None:
    path = write(tmp_path, ILOSTAT_DDF.read_bytes() + b"\x00" * 1000)
    pd.testing.assert_frame_equal(read_csv_text(path), ddf_frame)


def test_quoted_fields_are_unquoted() -> None:
    frame = read_csv_text(SDG_API)
    assert frame.columns[-1] == "[Units]"
    assert frame.loc[2, "GeoAreaCode"] == "1"
    assert frame.loc[2, "Value"] == "243717410.1832"
    assert frame.loc[8, "FootNote"] == "Very Low Confidence"


def test_blank_line_is_skipped_and_later_rows_keep_their_file_line(tmp_path: Path) -> None:
    data = b"\n".join([*DDF_LINES[:4], b"", *DDF_LINES[4:]])  # blank line 5
    frame = read_csv_text(write(tmp_path, data))
    assert len(frame) == 1973
    assert list(frame.index[:4]) == [2, 3, 4, 6]
    assert frame.loc[6].tolist() == DDF_LINES[4].decode().split(",")


def test_a_record_spanning_two_lines_is_indexed_by_its_first_line(tmp_path: Path) -> None:
    lines = CURATED.read_bytes().split(b"\r\n")
    assert b"; CROSS-CHECK" in lines[1]  # inside the quoted notes field of line 2
    lines[1] = lines[1].replace(b"; CROSS-CHECK", b";\r\nCROSS-CHECK", 1)
    frame = read_csv_text(write(tmp_path, b"\r\n".join(lines)))
    assert len(frame) == 1178
    assert list(frame.index[:3]) == [2, 4, 5]
    assert "\nCROSS-CHECK" in frame.loc[2, "notes"]


def test_header_names_are_stripped(tmp_path: Path) -> None:
    data = replace_line(DDF_LINES, 1, b"ref_area,sex", b" ref_area , sex ")
    assert list(read_csv_text(write(tmp_path, data)).columns[:2]) == ["ref_area", "sex"]


# --- bad input ----------------------------------------------------------------------


def _latin1(_: bytes) -> bytes:
    return EARNINGS.read_bytes().decode("utf-8-sig").encode("latin-1")


def _extra_field() -> bytes:
    lines = list(DDF_LINES)
    lines[4] += b",9"
    return b"\n".join(lines)


LATIN1_LINE = first_line_with(EARNINGS.read_bytes().decode("utf-8-sig"), "ô")
CURATED_BYTES = CURATED.read_bytes()

Mutation = Callable[[bytes], bytes]
BAD: list[tuple[str, Mutation, str, int | None]] = [
    ("zero bytes", lambda b: b"", "file is empty", None),
    ("only NUL padding", lambda b: b"\x00" * 64, "file is empty", None),
    ("only a BOM", lambda b: b"\xef\xbb\xbf", "file is empty", None),
    ("header only", lambda b: DDF_LINES[0] + b"\n", "header but no data rows", None),
    ("header only, no newline", lambda b: DDF_LINES[0], "header but no data rows", None),
    ("zip (xlsx) header", lambda b: b"PK\x03\x04" + b, "binary", None),
    ("gzip download", gzip.compress, "binary", None),
    ("PDF", lambda b: b"%PDF-1.7\n" + b, "binary", None),
    ("NUL in the middle", lambda b: b[:500] + b"\x00" + b[500:], "binary", None),
    ("UTF-16 with BOM", lambda b: b.decode().encode("utf-16"), "UTF-16", None),
    ("UTF-16 big-endian with BOM", lambda b: "\ufeff".encode("utf-16-be") + b.decode().encode("utf-16-be"), "UTF-16", None),
    ("UTF-16 without BOM", lambda b: b.decode().encode("utf-16-le"), "binary", None),
    ("latin-1", _latin1, "not UTF-8 text (byte 0xf4)", LATIN1_LINE),
    ("cut in the middle of the last line", lambda b: b[:-10], "has 4 fields but the header has 5", 1974),
    ("cut in the middle of a line", lambda b: b"\n".join(DDF_LINES[:99]) + b"\n" + DDF_LINES[99][:7], "has 2 fields", 100),
    ("cut inside a quoted field", lambda b: CURATED_BYTES[: CURATED_BYTES.rfind(b'"') - 3], "ends inside a quoted field", 1179),
    ("text after a closing quote", lambda b: replace_line(DDF_LINES, 5, b"brn", b'"brn"x'), "malformed CSV", 5),
    ("one field too many", lambda b: _extra_field(), "has 6 fields", 5),
    (
        "duplicate column names",
        lambda b: replace_line(DDF_LINES, 1, b"classif1,time", b"classif1,sex"),
        "duplicate column names ['sex']",
        1,
    ),
    ("duplicate after stripping", lambda b: replace_line(DDF_LINES, 1, b"classif1,time", b"classif1, sex"), "duplicate column names", 1),
]


@pytest.mark.parametrize(("mutation", "message", "line"), [b[1:] for b in BAD], ids=[b[0] for b in BAD])
def test_bad_file_is_one_data_error_naming_file_and_line(tmp_path: Path, mutation: Mutation, message: str, line: int | None) -> None:
    path = write(tmp_path, mutation(ILOSTAT_DDF.read_bytes()), name="mutated.csv")
    with pytest.raises(DataError) as caught:
        read_csv_text(path)
    err = caught.value
    assert message in str(err)
    assert str(err).startswith("mutated.csv")
    assert err.path == path
    assert err.line == line
    if line is not None:
        assert f"mutated.csv, line {line}:" in str(err)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(DataError, match=r"^nowhere\.csv: file not found$"):
        read_csv_text(tmp_path / "nowhere.csv")


def test_huge_file_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(common, "MAX_BYTES", 10_000)
    with pytest.raises(DataError, match=r"^ddf--datapoints--sdg_0131_.*\.csv: file is .* MB, more than the .* MiB limit$"):
        read_csv_text(ILOSTAT_DDF)


# --- value helpers ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("abc", "not a number: 'abc'"),
        ("", "not a number: ''"),
        ("inf", "not a number: 'inf'"),
        ("NaN", "not a number: 'NaN'"),
        ("101", "coverage 101 is outside 0-100 per cent"),
        ("-0.5", "coverage -0.5 is outside 0-100 per cent"),
    ],
)
def test_percent_refuses_non_numbers_and_out_of_range(ddf_frame: pd.DataFrame, value: str, message: str) -> None:
    values = ddf_frame["sdg_0131_sex_soc_rt"].copy()
    values[100] = value
    with pytest.raises(DataError) as caught:
        percent(values, ILOSTAT_DDF, "sdg_0131_sex_soc_rt")
    assert message in str(caught.value)
    assert caught.value.line == 100
    assert caught.value.column == "sdg_0131_sex_soc_rt"


def test_percent_parses_published_figures(ddf_frame: pd.DataFrame) -> None:
    values = percent(ddf_frame["sdg_0131_sex_soc_rt"], ILOSTAT_DDF, "sdg_0131_sex_soc_rt")
    assert values.dtype == "float64"
    assert values[2] == 100.0
    assert values[1974] == 37.532
    assert values.between(0, 100).all()


@pytest.mark.parametrize("value", ["20x9", "19", "2019Q1", "1899", "2019.0", ""])
def test_years_refuses_anything_but_a_calendar_year(ddf_frame: pd.DataFrame, value: str) -> None:
    values = ddf_frame["time"].copy()
    values[7] = value
    with pytest.raises(DataError, match=r"not an annual year") as caught:
        years(values, ILOSTAT_DDF, "time")
    assert (caught.value.line, caught.value.column) == (7, "time")


def test_years_are_nullable_int16(ddf_frame: pd.DataFrame) -> None:
    values = years(ddf_frame["time"], ILOSTAT_DDF, "time")
    assert values.dtype == "Int16"
    assert values[2] == 2019


def test_map_codes_names_the_unknown_code_and_lists_known_ones(ddf_frame: pd.DataFrame) -> None:
    mapping = {"sex_t": "total", "sex_f": "female"}
    with pytest.raises(DataError) as caught:
        map_codes(ddf_frame["sex"], mapping, ILOSTAT_DDF, "sex", "sex code")
    err = caught.value
    first_male = int(ddf_frame.index[ddf_frame["sex"] == "sex_m"][0])
    assert err.line == first_male
    assert err.column == "sex"
    assert "unknown sex code 'sex_m' (known: sex_f, sex_t)" in str(err)
