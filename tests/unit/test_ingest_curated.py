"""curated.load on the real curated table (asean_coverage_sources.csv) and mutated copies.

The curated table is our own format: unlike a download, every row must be known, so an
unknown country, indicator or source is an error rather than a skip.
"""

from __future__ import annotations

import csv
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest

from essa_dash.errors import DataError
from essa_dash.ingest import curated
from essa_dash.ingest.common import Loaded
from essa_dash.ingest.reference import Reference
from essa_dash.paths import DEFAULT_DATA_DIR
from essa_dash.schema import LOADER_COLUMNS
from essa_dash.schema import Coverage as C

CURATED = DEFAULT_DATA_DIR / "raw/essa/asean_coverage_sources/asean_coverage_sources.csv"
BRN_LOCATION = '"row ref_area=brn,sex=sex_t,classif1=soc_contig_total,time=2019"'

with CURATED.open(newline="", encoding="utf-8") as _handle:
    RAW = list(csv.DictReader(_handle))  # record i is file line i + 2 (no field spans lines)


def copy_edited(tmp_path: Path, edit: Callable[[list[str]], None]) -> Path:
    """A copy of the curated CSV (CRLF line ends kept) with ``edit`` applied to its lines."""
    lines = CURATED.read_bytes().decode("utf-8").split("\r\n")
    edit(lines)
    target = tmp_path / CURATED.name
    target.write_bytes("\r\n".join(lines).encode("utf-8"))
    return target


def on_line(number: int, old: str, new: str) -> Callable[[list[str]], None]:
    def edit(lines: list[str]) -> None:
        assert old in lines[number - 1], (old, lines[number - 1][:200])
        lines[number - 1] = lines[number - 1].replace(old, new, 1)

    return edit


@pytest.fixture(scope="module")
def table(ref: Reference) -> Loaded:
    return curated.load(CURATED, ref)


# --- the real table -----------------------------------------------------------------


def test_keeps_every_row(table: Loaded) -> None:
    assert table.layout == "curated"
    assert table.rows_read == 1178
    assert len(table.frame) == 1178
    assert table.skipped == {}
    assert list(table.frame.columns) == LOADER_COLUMNS
    assert table.summary() == f"{CURATED.name} (curated): kept 1178 of 1178 rows"


def test_rows_keep_file_order_and_values(table: Loaded) -> None:
    frame = table.frame
    assert list(frame[C.iso3]) == [r["iso3"] for r in RAW]
    assert list(frame[C.coverage_pct]) == [float(r["value"]) for r in RAW]
    assert list(frame[C.source_id]) == [r["source_id"] for r in RAW]
    assert list(frame[C.sex]) == [r["sex"] for r in RAW]


def test_first_row(table: Loaded) -> None:
    first = table.frame.iloc[0]
    assert (first[C.iso3], first[C.risk], first[C.sex], first[C.year], first[C.coverage_pct]) == (
        "BRN",
        "at_least_one",
        "total",
        2019,
        34.1,
    )
    assert first[C.source_id] == "ILOSTAT_DDF_2025"
    # the curated table states its own location in the source, not a line of this file
    assert first[C.source_location] == "row ref_area=brn,sex=sex_t,classif1=soc_contig_total,time=2019"
    assert first[C.note].startswith("ILOSTAT indicator SDG_0131_SEX_SOC_RT (SDG 1.3.1)")
    assert pd.isna(first[C.obs_status])
    assert pd.isna(first[C.nature])


def test_old_age_pension_indicator_is_the_old_age_risk(table: Loaded) -> None:
    raw = Counter(r["indicator"] for r in RAW)
    assert raw["old_age_pension"] == 173
    assert "old_age" not in raw
    risks = Counter(table.frame[C.risk])
    assert risks["old_age"] == 173
    assert "old_age_pension" not in risks
    for indicator, count in raw.items():
        if indicator != "old_age_pension":
            assert risks[indicator] == count


def test_every_code_is_one_the_reference_knows(table: Loaded, ref: Reference) -> None:
    frame = table.frame
    assert set(frame[C.iso3]) <= set(ref.countries["iso3"])
    assert set(frame[C.risk]) <= set(ref.risks["risk"])
    assert set(frame[C.source_id]) <= set(ref.sources["source_id"])
    assert frame[C.coverage_pct].between(0, 100).all()


def test_empty_year_stays_missing(table: Loaded) -> None:
    frame = table.frame
    assert frame[C.year].dtype == "Int16"
    no_year = frame[frame[C.year].isna()]
    assert len(no_year) == 19
    assert [i for i, r in enumerate(RAW) if r["year"] == ""] == list(no_year.index)
    khm = frame.iloc[94 - 2]  # line 94: Cambodia, WSPR 2014/15 table B.9, "latest available year"
    assert (khm[C.iso3], khm[C.risk], khm[C.coverage_pct], khm[C.source_id]) == ("KHM", "old_age", 5.0, "WSPR1415_B9_BLOG")
    assert pd.isna(khm[C.year])
    assert frame[C.year].dropna().between(1990, 2100).all()


def test_year_with_decimal_suffix(tmp_path: Path, ref: Reference) -> None:
    loaded = curated.load(copy_edited(tmp_path, on_line(2, ",2019,34.1,", ",2019.0,34.1,")), ref)
    assert loaded.frame[C.year].iloc[0] == 2019


def test_source_id_argument_is_ignored(ref: Reference, table: Loaded) -> None:
    pd.testing.assert_frame_equal(curated.load(CURATED, ref, source_id="ANYTHING").frame, table.frame)


def test_bom_lf_and_nul_padding(tmp_path: Path, ref: Reference, table: Loaded) -> None:
    path = tmp_path / CURATED.name
    path.write_bytes(b"\xef\xbb\xbf" + CURATED.read_bytes().replace(b"\r\n", b"\n") + b"\x00" * 64)
    pd.testing.assert_frame_equal(curated.load(path, ref).frame, table.frame)


def test_exact_repeat_is_dropped_and_counted(tmp_path: Path, ref: Reference) -> None:
    loaded = curated.load(copy_edited(tmp_path, lambda lines: lines.insert(-1, lines[1])), ref)
    assert loaded.rows_read == 1179
    assert loaded.skipped == {"exact repeats of a row": 1}
    assert len(loaded.frame) == 1178


def test_exact_repeat_without_year_is_dropped_and_counted(tmp_path: Path, ref: Reference) -> None:
    loaded = curated.load(copy_edited(tmp_path, lambda lines: lines.insert(-1, lines[93])), ref)
    assert loaded.skipped == {"exact repeats of a row": 1}
    assert loaded.examples == {"exact repeats of a row": ["KHM"]}
    assert len(loaded.frame) == 1178


# --- bad input ----------------------------------------------------------------------


def _conflict(lines: list[str]) -> None:
    lines.insert(-1, lines[1].replace(",2019,34.1,", ",2019,35.0,", 1))


BAD = [
    # (id, edit, message, line, column)
    ("unknown iso3", on_line(2, "BRN,Brunei", "BRU,Brunei"), "unknown country or aggregate 'BRU'", 2, "iso3"),
    ("lower-case iso3", on_line(94, "KHM,", "khm,"), "unknown country or aggregate 'khm'", 94, "iso3"),
    ("unknown indicator", on_line(2, ",at_least_one,", ",at_least_two,"), "unknown indicator 'at_least_two'", 2, "indicator"),
    ("unknown source_id", on_line(2, ",ILOSTAT_DDF_2025,", ",ILOSTAT_DDF_2099,"), "unknown source 'ILOSTAT_DDF_2099'", 2, "source_id"),
    (
        "value_kind of another risk",
        on_line(2, ",effective_coverage,", ",legal_coverage,"),
        "value_kind 'legal_coverage' does not match risk 'at_least_one', which is effective coverage",
        2,
        "value_kind",
    ),
    (
        "survey kind for an ILO series",
        on_line(94, ",effective_coverage,", ",survey-based programme coverage (World Bank ASPIRE),"),
        "does not match risk 'old_age'",
        94,
        "value_kind",
    ),
    ("unknown value_kind", on_line(2, ",effective_coverage,", ",coverage,"), "unknown value_kind 'coverage'", 2, "value_kind"),
    ("empty source_location", on_line(2, BRN_LOCATION, ""), "every figure needs its location in the source", 2, "source_location"),
    (
        "blank source_location",
        on_line(94, '"ranked list (ascending), entry for Cambodia"', "  "),
        "needs its location",
        94,
        "source_location",
    ),
    ("unknown sex", on_line(2, ",total,", ",both,"), "unknown sex 'both'", 2, "sex"),
    ("value abc", on_line(2, ",34.1,", ",abc,"), "not a number: 'abc'", 2, "value"),
    ("value 101", on_line(2, ",34.1,", ",101,"), "coverage 101 is outside 0-100 per cent", 2, "value"),
    ("empty value", on_line(94, ",5.0,", ",,"), "not a number: ''", 94, "value"),
    ("year 20x9", on_line(2, ",2019,", ",20x9,"), "not an annual year: '20x9'", 2, "year"),
    (
        "conflicting duplicate",
        _conflict,
        "conflicting values for ILOSTAT_DDF_2025 BRN at_least_one total 2019: 34.1 (line 2), 35 (line 1180)",
        1180,
        None,
    ),
    ("missing value_kind", on_line(1, ",value_kind,", ",kind,"), "missing column(s) ['value_kind'] for the curated layout", 1, None),
    ("missing source_location", on_line(1, ",source_location,", ",location,"), "missing column(s) ['source_location']", 1, None),
    ("a field too few", on_line(3, ",2020,34.1,", ",2020 34.1,"), "has 11 fields but the header has 12", 3, None),
]


@pytest.mark.parametrize(("edit", "message", "line", "column"), [b[1:] for b in BAD], ids=[b[0] for b in BAD])
def test_bad_row_names_file_line_and_column(
    tmp_path: Path, ref: Reference, edit: Callable[[list[str]], None], message: str, line: int, column: str | None
) -> None:
    path = copy_edited(tmp_path, edit)
    with pytest.raises(DataError) as caught:
        curated.load(path, ref)
    err = caught.value
    assert message in str(err)
    assert (err.path, err.line, err.column) == (path, line, column)
    where = f"{CURATED.name}, line {line}" + (f", column '{column}'" if column else "")
    assert str(err).startswith(where + ": ")


def test_unknown_iso3_lists_known_codes(tmp_path: Path, ref: Reference) -> None:
    with pytest.raises(DataError, match=r"\(known: ASEAN, ASIA, ASIA_PACIFIC, BRN, .*, \.\.\.\)$"):
        curated.load(copy_edited(tmp_path, on_line(2, "BRN,Brunei", "BRU,Brunei")), ref)


def test_cut_inside_a_quoted_field(tmp_path: Path, ref: Reference) -> None:
    data = CURATED.read_bytes()
    path = tmp_path / CURATED.name
    path.write_bytes(data[: data.rfind(b"CROSS-CHECK")])
    with pytest.raises(DataError) as caught:
        curated.load(path, ref)
    assert "ends inside a quoted field" in str(caught.value)
    assert caught.value.line == data[: data.rfind(b"CROSS-CHECK")].count(b"\n") + 1


def test_spreadsheet_saved_as_csv_name(tmp_path: Path, ref: Reference) -> None:
    path = tmp_path / CURATED.name
    path.write_bytes(b"PK\x03\x04\x14\x00\x06\x00" + CURATED.read_bytes())
    with pytest.raises(DataError, match=r"^asean_coverage_sources\.csv: file is binary"):
        curated.load(path, ref)
