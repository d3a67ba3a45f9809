"""ddf.load on the real DDF mirrors (ILOSTAT and the UN SDG Global Database) and mutated copies."""

from __future__ import annotations

import csv
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest

from essa_dash.errors import DataError
from essa_dash.ingest import ddf
from essa_dash.ingest.common import Loaded
from essa_dash.ingest.reference import Reference
from essa_dash.paths import DEFAULT_DATA_DIR
from essa_dash.schema import LOADER_COLUMNS
from essa_dash.schema import Coverage as C

RAW = DEFAULT_DATA_DIR / "raw"
ILOSTAT = RAW / "ilo/ilostat_ddf_sdg_0131/ddf--datapoints--sdg_0131_sex_soc_rt--by--ref_area--sex--classif1--time.csv"
UNSDG_2023 = RAW / "unsd/unsdg_ddf_2023-12-17"
UNSDG_2018 = RAW / "unsd/unsdg_ddf_2018-10-15"
BENFTS_2023 = UNSDG_2023 / "ddf--datapoints--si_cov_benfts--by--geo_area--nature--observation_status--sex--units--year.csv"
BENFTS_2018 = UNSDG_2018 / "ddf--datapoints--si_cov_benfts--by--geo_area--year--sex.csv"
LMKT_2023 = UNSDG_2023 / "ddf--datapoints--si_cov_lmkt--by--geo_area--nature--quantile--units--year.csv"
SOCINS_2023 = UNSDG_2023 / "ddf--datapoints--si_cov_socins--by--geo_area--nature--quantile--units--year.csv"
UNSDG_FILES = sorted([*UNSDG_2018.glob("ddf--datapoints--*.csv"), *UNSDG_2023.glob("ddf--datapoints--*.csv")])

ALL_AREAS = {
    "BRN",
    "KHM",
    "IDN",
    "LAO",
    "MYS",
    "MMR",
    "PHL",
    "SGP",
    "THA",
    "TLS",
    "VNM",
    "ASEAN",
    "SE_ASIA",
    "SE_ASIA_PACIFIC",
    "ASIA_PACIFIC",
    "WLD",
}


def lines_of(path: Path) -> list[str]:
    return path.read_bytes().decode("utf-8").split("\n")


def line_number(path: Path, start: str) -> int:
    """The 1-based number of the one line of ``path`` that starts with ``start``."""
    found = [i for i, line in enumerate(lines_of(path), start=1) if line.startswith(start)]
    assert len(found) == 1, found
    return found[0]


def copy_edited(tmp_path: Path, source: Path, edit: Callable[[list[str]], None], name: str | None = None) -> Path:
    """A copy of a real file under ``name`` (default: the same name) with ``edit`` applied to its lines."""
    lines = lines_of(source)
    edit(lines)
    target = tmp_path / (name or source.name)
    target.write_bytes("\n".join(lines).encode("utf-8"))
    return target


def on_line(number: int, old: str, new: str) -> Callable[[list[str]], None]:
    def edit(lines: list[str]) -> None:
        assert old in lines[number - 1], (old, lines[number - 1])
        lines[number - 1] = lines[number - 1].replace(old, new, 1)

    return edit


@pytest.fixture(scope="module")
def ilostat(ref: Reference) -> Loaded:
    return ddf.load(ILOSTAT, ref, source_id="ILOSTAT_DDF_2025")


def row(frame: pd.DataFrame, **where: object) -> pd.Series:
    mask = pd.Series(True, index=frame.index)
    for col, value in where.items():
        mask &= frame[col] == value
    assert mask.sum() == 1, where
    return frame[mask].iloc[0]


# --- ILOSTAT mirror -----------------------------------------------------------------


def test_ilostat_keeps_every_row_of_the_sixteen_areas(ilostat: Loaded) -> None:
    assert ilostat.rows_read == 1973
    assert len(ilostat.frame) == 1973
    assert ilostat.skipped == {}
    assert set(ilostat.frame[C.iso3]) == ALL_AREAS
    assert ilostat.layout == "ddf"
    assert ilostat.summary() == f"{ILOSTAT.name} (ddf): kept 1973 of 1973 rows"


def test_ilostat_frame_has_the_loader_contract(ilostat: Loaded) -> None:
    frame = ilostat.frame
    assert list(frame.columns) == LOADER_COLUMNS
    assert frame[C.year].dtype == "Int16"
    assert frame[C.coverage_pct].dtype == "float64"
    assert list(frame.index) == list(range(1973))
    assert set(frame[C.sex]) == {"total", "female", "male"}
    assert set(frame[C.risk]) == {
        "at_least_one",
        "old_age",
        "unemployment",
        "employment_injury",
        "maternity",
        "children",
        "disability",
        "vulnerable",
        "poor",
    }
    assert (frame[C.source_id] == "ILOSTAT_DDF_2025").all()
    assert frame[[C.obs_status, C.nature, C.note]].isna().all().all()


def test_ilostat_aggregates_by_ilo_code(ilostat: Loaded) -> None:
    counts = ilostat.frame[C.iso3].value_counts()
    # x01 World, x40 Asia-Pacific, x49 SE Asia & Pacific, x54 SE Asia, x84 ASEAN: 330 rows each
    for iso3 in ("WLD", "ASIA_PACIFIC", "SE_ASIA_PACIFIC", "SE_ASIA", "ASEAN"):
        assert counts[iso3] == 330
    assert counts["BRN"] == 39
    assert counts["LAO"] == 17


@pytest.mark.parametrize(
    ("raw_line", "iso3", "risk", "sex", "year", "value"),
    [
        ("brn,sex_t,soc_contig_total,2019,34.1", "BRN", "at_least_one", "total", 2019, 34.1),
        ("x84,sex_t,soc_contig_total,2023,45.97", "ASEAN", "at_least_one", "total", 2023, 45.97),
        ("brn,sex_f,soc_contig_disab,2019,100", "BRN", "disability", "female", 2019, 100.0),
        ("x84,sex_t,soc_contig_vuln,2023,37.532", "ASEAN", "vulnerable", "total", 2023, 37.532),
    ],
)
def test_ilostat_known_values(ilostat: Loaded, raw_line: str, iso3: str, risk: str, sex: str, year: int, value: float) -> None:
    found = row(ilostat.frame, iso3=iso3, risk=risk, sex=sex, year=year)
    assert found[C.coverage_pct] == value
    assert found[C.source_location] == f"{ILOSTAT.name}, line {line_number(ILOSTAT, raw_line)}"


def test_ilostat_every_contingency_code_maps_to_its_risk(ilostat: Loaded, ref: Reference) -> None:
    raw = pd.read_csv(ILOSTAT, dtype=str)
    expected = raw["classif1"].str.upper().map(ref.risk_by_ilostat_code)
    assert list(ilostat.frame[C.risk]) == list(expected)


def test_ilostat_values_match_the_file_in_order(ilostat: Loaded) -> None:
    raw = pd.read_csv(ILOSTAT, dtype=str)
    assert list(ilostat.frame[C.coverage_pct]) == [float(v) for v in raw["sdg_0131_sex_soc_rt"]]
    assert list(ilostat.frame[C.year]) == [int(v) for v in raw["time"]]


# --- UN SDG mirrors -----------------------------------------------------------------


def _raw_rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


@pytest.mark.parametrize("path", UNSDG_FILES, ids=[f"{p.parent.name}/{p.name.split('--')[2]}" for p in UNSDG_FILES])
def test_unsdg_file_keeps_our_areas_and_counts_the_others(path: Path, ref: Reference) -> None:
    loaded = ddf.load(path, ref, source_id="UNSDG_TEST")
    raw = _raw_rows(path)
    ours = [r for r in raw if int(r["geo_area"]) in ref.by_m49]
    assert loaded.rows_read == len(raw)
    assert loaded.skipped.get("rows of other areas", 0) == len(raw) - len(ours)
    assert set(loaded.skipped) <= {"rows of other areas"}
    assert len(loaded.frame) == len(ours)
    assert len(loaded.frame) + sum(loaded.skipped.values()) == loaded.rows_read
    assert list(loaded.frame.columns) == LOADER_COLUMNS
    assert set(loaded.frame[C.iso3]) <= set(ref.by_m49.values())
    assert loaded.frame[C.coverage_pct].between(0, 100).all()
    series = path.name.split("--")[2].upper()
    base = ref.risk_by_sdg_series[series]
    quantile = [r.get("quantile", "t") for r in ours]
    assert list(loaded.frame[C.risk]) == [base + ("_q1" if q == "q1" else "") for q in quantile]
    if ours and "nature" in ours[0]:
        assert list(loaded.frame[C.nature]) == [r["nature"].upper() for r in ours]
    if ours and "observation_status" in ours[0]:
        assert list(loaded.frame[C.obs_status]) == [r["observation_status"].upper() for r in ours]


def test_unsdg_2023_known_value_and_flags(ref: Reference) -> None:
    loaded = ddf.load(BENFTS_2023, ref, source_id="UNSDG_2023-07")
    assert loaded.rows_read == 411
    assert loaded.skipped == {"rows of other areas": 388}
    brn = row(loaded.frame, iso3="BRN", year=2020)
    assert brn[C.coverage_pct] == 34.1
    assert brn[C.risk] == "at_least_one"
    assert brn[C.sex] == "total"  # bothsex
    assert brn[C.nature] == "E"
    assert brn[C.obs_status] == "A"
    assert brn[C.source_location] == f"{BENFTS_2023.name}, line 76"
    khm = row(loaded.frame, iso3="KHM", year=2020)
    assert khm[C.coverage_pct] == 6.2
    world = row(loaded.frame, iso3="WLD", year=2016)
    assert world[C.nature] == "N"
    assert set(loaded.frame[C.nature]) == {"N", "E"}
    assert loaded.summary() == f"{BENFTS_2023.name} (ddf): kept 23 of 411 rows; skipped 388 rows of other areas (e.g. 4, 5, 8, 9, 11)"


def test_unsdg_2018_without_flags(ref: Reference) -> None:
    loaded = ddf.load(BENFTS_2018, ref, source_id="UNSDG_2018-10")
    assert (loaded.rows_read, len(loaded.frame), loaded.skipped) == (105, 6, {"rows of other areas": 99})
    vnm = row(loaded.frame, iso3="VNM", year=2016)
    assert vnm[C.coverage_pct] == 37.9
    se_asia = row(loaded.frame, iso3="SE_ASIA", year=2016)  # M49 35
    assert se_asia[C.coverage_pct] == 45.67946
    assert loaded.frame[[C.nature, C.obs_status, C.note]].isna().all().all()


def test_unsdg_quantile_q1_gets_the_q1_risk(ref: Reference) -> None:
    loaded = ddf.load(LMKT_2023, ref, source_id="UNSDG_2023-07")
    khm = loaded.frame[(loaded.frame[C.iso3] == "KHM") & (loaded.frame[C.year] == 2013)]
    assert dict(zip(khm[C.risk], khm[C.coverage_pct], strict=True)) == {"labour_market_q1": 0.55627, "labour_market": 1.21683}
    assert set(khm[C.nature]) == {"CA"}
    assert khm[C.obs_status].isna().all()


def test_unsdg_2018_pq_series_is_the_q1_risk(ref: Reference) -> None:
    path = UNSDG_2018 / "ddf--datapoints--si_cov_socastpq--by--geo_area--year.csv"
    loaded = ddf.load(path, ref, source_id="UNSDG_2018-10")
    assert set(loaded.frame[C.risk]) == {"social_assistance_q1"}
    assert set(loaded.frame[C.sex]) == {"total"}


def test_file_with_no_row_of_ours_gives_an_empty_frame(ref: Reference) -> None:
    path = UNSDG_2018 / "ddf--datapoints--si_cov_poor--by--geo_area--year--sex.csv"
    loaded = ddf.load(path, ref, source_id="UNSDG_2018-10")
    assert loaded.frame.empty
    assert list(loaded.frame.columns) == LOADER_COLUMNS
    assert loaded.skipped == {"rows of other areas": 52}


# --- tolerated variations -----------------------------------------------------------


def test_bom_and_nul_padding_do_not_change_the_result(tmp_path: Path, ref: Reference, ilostat: Loaded) -> None:
    path = tmp_path / ILOSTAT.name
    path.write_bytes(b"\xef\xbb\xbf" + ILOSTAT.read_bytes() + b"\x00" * 256)
    loaded = ddf.load(path, ref, source_id="ILOSTAT_DDF_2025")
    pd.testing.assert_frame_equal(loaded.frame, ilostat.frame)


def test_exact_repeat_is_dropped_and_counted(tmp_path: Path, ref: Reference, ilostat: Loaded) -> None:
    line = line_number(ILOSTAT, "brn,sex_t,soc_contig_total,2019,34.1")
    path = copy_edited(tmp_path, ILOSTAT, lambda lines: lines.insert(-1, lines[line - 1]))
    loaded = ddf.load(path, ref, source_id="ILOSTAT_DDF_2025")
    assert loaded.rows_read == 1974
    assert len(loaded.frame) == 1973
    assert loaded.skipped == {"exact repeats of a row": 1}
    assert loaded.examples == {"exact repeats of a row": ["BRN"]}
    pd.testing.assert_frame_equal(loaded.frame, ilostat.frame)


def test_bad_value_in_a_skipped_area_is_not_checked(tmp_path: Path, ref: Reference) -> None:
    # geo_area 4 (Afghanistan) is not ours: its unit and value are never parsed
    number = line_number(BENFTS_2023, "4,e,a,bothsex,percent,2020,")
    path = copy_edited(tmp_path, BENFTS_2023, on_line(number, "percent,2020,", "number,2020,abc"))
    loaded = ddf.load(path, ref, source_id="UNSDG_2023-07")
    assert len(loaded.frame) == 23
    assert loaded.skipped == {"rows of other areas": 388}


def test_other_quantiles_are_skipped_and_counted(tmp_path: Path, ref: Reference) -> None:
    number = line_number(LMKT_2023, "116,ca,q1,percent,2013,")
    path = copy_edited(tmp_path, LMKT_2023, on_line(number, ",q1,", ",q2,"))
    loaded = ddf.load(path, ref, source_id="UNSDG_2023-07")
    reference = ddf.load(LMKT_2023, ref, source_id="UNSDG_2023-07")
    assert loaded.skipped["rows of other quantiles"] == 1
    assert loaded.examples["rows of other quantiles"] == ["q2"]
    assert len(loaded.frame) == len(reference.frame) - 1


# --- bad input ----------------------------------------------------------------------


BRN_TOTAL = line_number(ILOSTAT, "brn,sex_t,soc_contig_total,2019,34.1")
KHM_2020 = line_number(BENFTS_2023, "116,e,a,bothsex,percent,2020,6.2")


def _rename(old: str, new: str) -> Callable[[list[str]], None]:
    return on_line(1, old, new)


def _append_conflict(lines: list[str]) -> None:
    lines.insert(-1, lines[BRN_TOTAL - 1].replace(",34.1", ",35"))


def _insert_conflict_first(lines: list[str]) -> None:
    lines.insert(1, lines[BRN_TOTAL - 1].replace(",34.1", ",35"))


BAD = [
    # (id, source, edit, new file name, message, line, column)
    (
        "unknown classif1",
        ILOSTAT,
        on_line(BRN_TOTAL, "soc_contig_total", "soc_contig_foo"),
        None,
        "unknown contingency code 'soc_contig_foo'",
        BRN_TOTAL,
        "classif1",
    ),
    ("unknown sex", ILOSTAT, on_line(BRN_TOTAL, "sex_t", "sex_x"), None, "unknown sex code 'sex_x'", BRN_TOTAL, "sex"),
    ("value abc", ILOSTAT, on_line(BRN_TOTAL, ",34.1", ",abc"), None, "not a number: 'abc'", BRN_TOTAL, "sdg_0131_sex_soc_rt"),
    (
        "value 150",
        ILOSTAT,
        on_line(BRN_TOTAL, ",34.1", ",150"),
        None,
        "coverage 150 is outside 0-100 per cent",
        BRN_TOTAL,
        "sdg_0131_sex_soc_rt",
    ),
    ("value 101", ILOSTAT, on_line(BRN_TOTAL, ",34.1", ",101"), None, "outside 0-100", BRN_TOTAL, "sdg_0131_sex_soc_rt"),
    ("negative value", ILOSTAT, on_line(BRN_TOTAL, ",34.1", ",-3"), None, "outside 0-100", BRN_TOTAL, "sdg_0131_sex_soc_rt"),
    ("empty value", ILOSTAT, on_line(BRN_TOTAL, ",34.1", ","), None, "not a number: ''", BRN_TOTAL, "sdg_0131_sex_soc_rt"),
    ("year 20x9", ILOSTAT, on_line(BRN_TOTAL, ",2019,", ",20x9,"), None, "not an annual year: '20x9'", BRN_TOTAL, "time"),
    ("quarterly time", ILOSTAT, on_line(BRN_TOTAL, ",2019,", ",2019Q1,"), None, "not an annual year", BRN_TOTAL, "time"),
    ("bad ILO area code", ILOSTAT, on_line(BRN_TOTAL, "brn,", "brunei,"), None, "not an ILO area code: 'brunei'", BRN_TOTAL, "ref_area"),
    (
        "conflicting duplicate",
        ILOSTAT,
        _append_conflict,
        None,
        f"conflicting values for ILOSTAT_DDF_2025 BRN at_least_one total 2019: 34.1 (line {BRN_TOTAL}), 35 (line 1975)",
        1975,
        None,
    ),
    ("conflicting duplicate first", ILOSTAT, _insert_conflict_first, None, "conflicting values", BRN_TOTAL + 1, None),
    (
        "missing value column",
        ILOSTAT,
        _rename(",sdg_0131_sex_soc_rt", ",value"),
        None,
        "missing column(s) ['sdg_0131_sex_soc_rt']",
        1,
        None,
    ),
    ("missing dimension column", ILOSTAT, _rename("classif1,", "contingency,"), None, "missing column(s) ['classif1']", 1, None),
    ("unit not percent", BENFTS_2023, on_line(KHM_2020, ",percent,", ",number,"), None, "unit 'number' is not percent", KHM_2020, "units"),
    ("geo_area not a number", BENFTS_2023, on_line(KHM_2020, "116,", "KHM,"), None, "not a UN M49 number: 'KHM'", KHM_2020, "geo_area"),
    ("2023 value abc", BENFTS_2023, on_line(KHM_2020, ",6.2", ",abc"), None, "not a number: 'abc'", KHM_2020, "si_cov_benfts"),
    ("unknown UN sex", BENFTS_2023, on_line(KHM_2020, "bothsex", "both"), None, "unknown sex code 'both'", KHM_2020, "sex"),
]
BAD_NAMED = [
    # the file name is part of the format: indicator and dimensions come from it
    (
        "unknown indicator",
        BENFTS_2018,
        _rename("si_cov_benfts", "si_cov_xyz"),
        "ddf--datapoints--si_cov_xyz--by--geo_area--year--sex.csv",
        "unknown indicator 'si_cov_xyz'",
    ),
    ("not a DDF name", ILOSTAT, lambda lines: None, "sdg_0131.csv", "not a DDF datapoints file name"),
    ("upper-case DDF name", ILOSTAT, lambda lines: None, ILOSTAT.name.upper(), "not a DDF datapoints file name"),
    (
        "unsupported dimension",
        BENFTS_2018,
        _rename("sex", "age"),
        "ddf--datapoints--si_cov_benfts--by--geo_area--year--age.csv",
        "unsupported dimension(s) ['age']",
    ),
    (
        "no area dimension",
        BENFTS_2018,
        _rename("geo_area,", "units,"),
        "ddf--datapoints--si_cov_benfts--by--units--year--sex.csv",
        "no area dimension",
    ),
    (
        "ILOSTAT without classif1",
        ILOSTAT,
        _rename("classif1,", "nature,"),
        ILOSTAT.name.replace("classif1", "nature"),
        "without a classif1 (contingency) dimension",
    ),
    (
        "q1 of a q1 series",
        SOCINS_2023,
        _rename("si_cov_socins", "si_cov_socinspq"),
        SOCINS_2023.name.replace("si_cov_socins", "si_cov_socinspq"),
        "no risk defined for 'social_insurance_q1_q1'",
    ),
]


@pytest.mark.parametrize(("source", "edit", "name", "message", "line", "column"), [b[1:] for b in BAD], ids=[b[0] for b in BAD])
def test_bad_row_names_file_line_and_column(
    tmp_path: Path,
    ref: Reference,
    source: Path,
    edit: Callable[[list[str]], None],
    name: str | None,
    message: str,
    line: int,
    column: str | None,
) -> None:
    path = copy_edited(tmp_path, source, edit, name)
    with pytest.raises(DataError) as caught:
        ddf.load(path, ref, source_id="ILOSTAT_DDF_2025")
    err = caught.value
    assert message in str(err)
    assert (err.path, err.line, err.column) == (path, line, column)
    where = f"{path.name}, line {line}" + (f", column '{column}'" if column else "")
    assert str(err).startswith(where + ": ")


@pytest.mark.parametrize(("source", "edit", "name", "message"), [b[1:] for b in BAD_NAMED], ids=[b[0] for b in BAD_NAMED])
def test_bad_file_name_or_layout_names_the_file(
    tmp_path: Path, ref: Reference, source: Path, edit: Callable[[list[str]], None], name: str, message: str
) -> None:
    path = copy_edited(tmp_path, source, edit, name)
    with pytest.raises(DataError) as caught:
        ddf.load(path, ref, source_id="UNSDG_TEST")
    assert message in str(caught.value)
    assert str(caught.value).startswith(f"{name}")
    assert caught.value.path == path


def test_unknown_indicator_lists_the_known_ones(tmp_path: Path, ref: Reference) -> None:
    name = "ddf--datapoints--si_cov_xyz--by--geo_area--year--sex.csv"
    path = copy_edited(tmp_path, BENFTS_2018, _rename("si_cov_benfts", "si_cov_xyz"), name)
    with pytest.raises(DataError, match=r"known: .*si_cov_benfts.*sdg_0131_sex_soc_rt"):
        ddf.load(path, ref, source_id="UNSDG_TEST")


def test_empty_copy_is_an_error_naming_the_file(tmp_path: Path, ref: Reference) -> None:
    path = tmp_path / ILOSTAT.name
    path.write_bytes(b"")
    with pytest.raises(DataError, match=r"^ddf--datapoints--sdg_0131_sex_soc_rt--by--ref_area--sex--classif1--time\.csv: file is empty$"):
        ddf.load(path, ref, source_id="ILOSTAT_DDF_2025")
