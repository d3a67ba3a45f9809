"""Exports: each format read back equals the export frame, provenance and metadata included.

Built on the real data (the session ``store`` fixture), so a change to the tables or to a
writer that loses a value, a null, a dtype or a source shows up here.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, date, datetime
from pathlib import Path

import openpyxl
import pandas as pd
import pyarrow.parquet as pq
import pytest

from essa_dash.export.tables import (
    BOM,
    EXPORT_COLUMNS,
    FORMATS,
    GAP_NOTE,
    PARQUET_META_KEY,
    export_filename,
    export_frame,
    neutralise,
    neutralise_formulas,
    to_csv,
    to_json,
    to_parquet,
    to_xlsx,
)
from essa_dash.ingest.build import build_data
from essa_dash.query import filter_coverage
from essa_dash.schema import COVERAGE_COLUMNS
from essa_dash.schema import Coverage as C
from essa_dash.store import Store, read_store

EXPORTED_AT = datetime(2026, 11, 22, 9, 30, tzinfo=UTC)
FILTERS = {"country": "VNM,IDN", "risk": "old_age", "sex": "total", "edition": "ILOSTAT 2025"}
HOSTILE_NOTES = ('=HYPERLINK("http://evil.example","click")', "@SUM(1+1)*cmd|' /C calc'!A0", "+1", "-2+3", "\t=1", "\rx")


@pytest.fixture(scope="module")
def view(store: Store) -> pd.DataFrame:
    """The brief's example: Viet Nam and Indonesia, old age, both sexes together, ILOSTAT 2025."""
    rows = filter_coverage(store.coverage, countries=["VNM", "IDN"], risks=["old_age"], sexes=["total"], editions=["ILOSTAT 2025"])
    assert set(rows[C.iso3]) == {"VNM", "IDN"}
    return rows


@pytest.fixture(scope="module")
def frame(view: pd.DataFrame, store: Store) -> pd.DataFrame:
    return export_frame(view, store)


@pytest.fixture(scope="module")
def mixed(store: Store) -> pd.DataFrame:
    """Every edition for Viet Nam and Cambodia: several sources, an undated row, flags and notes filled and missing."""
    rows = filter_coverage(store.coverage, countries=["VNM", "KHM"], include_withdrawn=True)
    assert rows[C.source_id].nunique() > 2 and rows[C.year].isna().any()
    for column in (C.note, C.obs_status, C.nature):
        assert rows[column].notna().any() and rows[column].isna().any(), column
    return export_frame(rows, store)


@pytest.fixture(scope="module")
def hostile(view: pd.DataFrame, store: Store) -> pd.DataFrame:
    """The view with notes that a spreadsheet would run as formulas."""
    rows = view.copy()
    notes = [HOSTILE_NOTES[i % len(HOSTILE_NOTES)] for i in range(len(rows))]
    rows[C.note] = pd.Series(notes, index=rows.index, dtype="str")
    return export_frame(rows, store)


def read_csv(data: bytes) -> pd.DataFrame:
    """How an analyst reads the CSV back with pandas: utf-8-sig, dtypes of the data model."""
    return pd.read_csv(io.BytesIO(data), encoding="utf-8-sig", dtype={C.year: "Int16"}, keep_default_na=False, na_values=[""])


def csv_rows(data: bytes) -> list[dict[str, str]]:
    """The CSV as the csv module sees it: every field a string, missing ones empty."""
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def read_xlsx_data(data: bytes) -> pd.DataFrame:
    return pd.read_excel(io.BytesIO(data), sheet_name="Data", dtype={C.year: "Int16"}, keep_default_na=False, na_values=[""])


def assert_same(got: pd.DataFrame, expected: pd.DataFrame) -> None:
    """Equal values and nulls; text columns compared as text whatever the reader's string dtype."""
    assert list(got.columns) == list(expected.columns)
    pd.testing.assert_frame_equal(got.astype(expected.dtypes.to_dict()), expected)


# --------------------------------------------------------------------------- the frame


def test_export_frame_keeps_every_row_and_adds_readable_names(view: pd.DataFrame, frame: pd.DataFrame, store: Store) -> None:
    assert list(frame.columns) == EXPORT_COLUMNS
    assert set(COVERAGE_COLUMNS) <= set(frame.columns)
    assert len(frame) == len(view)
    pd.testing.assert_frame_equal(frame[COVERAGE_COLUMNS], view[COVERAGE_COLUMNS].reset_index(drop=True))
    assert str(frame[C.year].dtype) == "Int16" and frame[C.coverage_pct].dtype == "float64"
    risk = store.risks.set_index("risk").loc["old_age"]
    assert set(frame["risk_label"]) == {risk["label"]} and set(frame["definition"]) == {risk["definition"]}
    source = store.sources.set_index("source_id").loc["ILOSTAT_DDF_2025"]
    assert set(frame["source_title"]) == {source["title"]} and set(frame["source_url"]) == {source["url"]}
    assert set(frame["edition_label"]) == {store.editions.set_index("edition").loc["ILOSTAT 2025", "label"]}
    assert frame[["source_id", "source_location"]].notna().all().all()


def test_export_frame_keeps_missing_years_missing(store: Store) -> None:
    undated = store.coverage[store.coverage[C.year].isna()]
    assert len(undated) > 0
    out = export_frame(undated, store)
    assert out[C.year].isna().all() and str(out[C.year].dtype) == "Int16"
    assert {row[C.year] for row in csv_rows(to_csv(out))} == {""}


def test_export_frame_of_an_empty_view_writes_every_format(store: Store) -> None:
    empty = export_frame(store.coverage.iloc[0:0], store)
    assert list(empty.columns) == EXPORT_COLUMNS and len(empty) == 0
    for fmt in FORMATS.values():
        assert fmt.writer(empty, store, filters={}, exported_at=EXPORTED_AT)


def test_export_frame_rejects_something_else(store: Store) -> None:
    with pytest.raises(ValueError, match="missing columns"):
        export_frame(store.sources, store)


# --------------------------------------------------------------------------- round trips


@pytest.mark.parametrize("name", ["frame", "mixed"])
def test_csv_round_trips(name: str, request: pytest.FixtureRequest) -> None:
    expected: pd.DataFrame = request.getfixturevalue(name)
    data = to_csv(expected)
    assert data.startswith(b"\xef\xbb\xbf") and not data.startswith(b"\xef\xbb\xbf\xef\xbb\xbf")
    assert data.count(b"\r\n") >= len(expected) + 1 and data.endswith(b"\r\n")
    assert_same(read_csv(data), neutralise_formulas(expected))


def test_csv_writes_missing_as_empty_never_zero_or_nan(mixed: pd.DataFrame) -> None:
    rows = csv_rows(to_csv(mixed))
    assert len(rows) == len(mixed)
    for column in (C.obs_status, C.nature, C.note):
        assert sum(row[column] == "" for row in rows) == int(mixed[column].isna().sum()), column
    assert not {"nan", "NaN", "<NA>", "None"} & {value for row in rows for value in row.values()}


def test_csv_keeps_non_latin_text(frame: pd.DataFrame) -> None:
    texts = ["ປະກັນສັງຄົມ ລາວ", "ประกันสังคม", "សន្តិសុខសង្គម", "Việt Nam"]
    rows = frame.assign(note=[texts[i % len(texts)] for i in range(len(frame))])
    assert read_csv(to_csv(rows))[C.note].tolist() == rows[C.note].tolist()


@pytest.mark.parametrize("name", ["frame", "mixed"])
def test_xlsx_data_sheet_round_trips(name: str, request: pytest.FixtureRequest, store: Store) -> None:
    expected: pd.DataFrame = request.getfixturevalue(name)
    data = to_xlsx(expected, store, filters=FILTERS, exported_at=EXPORTED_AT)
    assert_same(read_xlsx_data(data), neutralise_formulas(expected))


def test_xlsx_data_sheet_is_typed_frozen_and_filterable(frame: pd.DataFrame, store: Store) -> None:
    book = openpyxl.load_workbook(io.BytesIO(to_xlsx(frame, store, filters=FILTERS, exported_at=EXPORTED_AT)))
    assert book.sheetnames == ["Data", "Sources", "Definitions", "About"]
    sheet = book["Data"]
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == f"A1:U{len(frame) + 1}"
    header = [c.value for c in sheet[1]]
    assert header == EXPORT_COLUMNS and all(c.font.bold for c in sheet[1])
    year, pct = header.index(C.year) + 1, header.index(C.coverage_pct) + 1
    for row in range(2, len(frame) + 2):
        assert sheet.cell(row, pct).data_type == "n" and isinstance(sheet.cell(row, pct).value, int | float)
        assert sheet.cell(row, year).data_type == "n" and isinstance(sheet.cell(row, year).value, int)
    obs = header.index(C.obs_status) + 1
    assert sheet.cell(2, obs).value is None  # missing stays an empty cell
    widths = {letter: dim.width for letter, dim in sheet.column_dimensions.items()}
    assert widths and all(8 <= w <= 60 for w in widths.values())


def test_xlsx_sources_and_definitions_list_exactly_what_the_data_uses(mixed: pd.DataFrame, store: Store) -> None:
    data = to_xlsx(mixed, store, filters={"country": "VNM,KHM"}, exported_at=EXPORTED_AT)
    sources = pd.read_excel(io.BytesIO(data), sheet_name="Sources")
    assert list(sources.columns) == ["source_id", "title", "publisher", "published", "edition", "url", "licence", "citation"]
    assert sorted(sources["source_id"]) == sorted(set(mixed[C.source_id]))
    assert sources["citation"].notna().all() and sources["url"].notna().all()
    definitions = pd.read_excel(io.BytesIO(data), sheet_name="Definitions")
    assert sorted(definitions["risk"]) == sorted(set(mixed[C.risk]))
    for column in ("label", "definition", "numerator", "denominator", "ilo_wording", "coverage_kind"):
        assert definitions[column].notna().all(), column


def test_xlsx_about_holds_filters_release_build_and_gap_note(frame: pd.DataFrame, store: Store) -> None:
    book = openpyxl.load_workbook(io.BytesIO(to_xlsx(frame, store, filters=FILTERS, exported_at=EXPORTED_AT)))
    sheet = book["About"]
    assert sheet["A1"].value == "ESSA Dash export"
    pairs = {row[0]: row[1] for row in sheet.iter_rows(min_row=2, values_only=True) if row and row[0] is not None}
    for name, value in FILTERS.items():
        assert pairs[name] == value
    assert pairs["Data build"] == store.build_id
    assert pairs["Data release"] == f"{store.release.id} (version {store.release.version}, built {store.release.created})"
    assert f"data release {store.release.id}, version {store.release.version}" in pairs["Cite as"]
    assert pairs["Rows"] == len(frame)
    assert pairs["Exported at"] == "2026-11-22T09:30:00+00:00"
    assert pairs["Gap"] == GAP_NOTE and "100 - coverage" in GAP_NOTE and "not stored" in GAP_NOTE
    citation = store.sources.set_index("source_id").loc["ILOSTAT_DDF_2025", "citation"]
    assert citation in pairs["Cite as"]


@pytest.mark.parametrize("name", ["frame", "mixed"])
def test_parquet_round_trips_with_dtypes(name: str, request: pytest.FixtureRequest, store: Store) -> None:
    expected: pd.DataFrame = request.getfixturevalue(name)
    data = to_parquet(expected)
    assert data[:4] == b"PAR1"
    pd.testing.assert_frame_equal(pd.read_parquet(io.BytesIO(data)), expected)


def test_parquet_carries_the_export_meta(frame: pd.DataFrame, store: Store) -> None:
    import pyarrow.parquet as pq

    data = to_parquet(frame, store, filters=FILTERS, exported_at=EXPORTED_AT)
    meta = json.loads(pq.read_schema(io.BytesIO(data)).metadata[PARQUET_META_KEY])
    assert meta["build_id"] == store.build_id and meta["filters"] == FILTERS and meta["row_count"] == len(frame)
    assert meta["release"] == {"id": store.release.id, "version": store.release.version, "created": store.release.created}
    pd.testing.assert_frame_equal(pd.read_parquet(io.BytesIO(data)), frame)


@pytest.mark.parametrize("name", ["frame", "mixed"])
def test_json_round_trips_with_meta(name: str, request: pytest.FixtureRequest, store: Store) -> None:
    expected: pd.DataFrame = request.getfixturevalue(name)
    data = to_json(expected, store, filters=FILTERS, exported_at=EXPORTED_AT)
    assert b"NaN" not in data and b"<NA>" not in data
    document = json.loads(data)
    meta = document["meta"]
    assert meta["build_id"] == store.build_id and meta["filters"] == FILTERS
    assert meta["release"] == {"id": store.release.id, "version": store.release.version, "created": store.release.created}
    assert meta["row_count"] == len(expected) == len(document["data"])
    assert meta["exported_at"] == "2026-11-22T09:30:00+00:00"
    assert sorted(s["source_id"] for s in meta["sources"]) == sorted(set(expected[C.source_id]))
    assert all(s["citation"] for s in meta["sources"])
    assert list(document["data"][0]) == EXPORT_COLUMNS
    back = pd.DataFrame.from_records(document["data"], columns=EXPORT_COLUMNS)
    assert_same(back, expected)
    nulls = [row[C.obs_status] for row in document["data"] if row[C.obs_status] is None]
    assert len(nulls) == int(expected[C.obs_status].isna().sum())


def test_json_keeps_text_unescaped(frame: pd.DataFrame, store: Store) -> None:
    rows = frame.assign(note="Việt Nam ປະກັນສັງຄົມ")
    data = to_json(rows, store, filters={}, exported_at=EXPORTED_AT)
    assert "Việt Nam ປະກັນສັງຄົມ".encode() in data


# --------------------------------------------------------------------------- formula injection


def test_neutralise_touches_only_text_that_could_start_a_formula() -> None:
    for bad in ("=1+1", "+1", "-1", "@A1", "\t=1", "\r=1", "\uff1d1+1"):
        assert neutralise(bad) == "'" + bad
    for fine in ("SDG 1.3.1", "ddf--x.csv, line 3", "", "'quoted", "a=b"):
        assert neutralise(fine) == fine
    for number in (-5, -5.5, 0, None):
        assert neutralise(number) == number


def test_formulas_are_neutralised_in_csv_and_xlsx(hostile: pd.DataFrame, store: Store) -> None:
    expected = ["'" + note for note in hostile[C.note]]
    assert read_csv(to_csv(hostile))[C.note].tolist() == expected
    data = to_xlsx(hostile, store, filters={"note": "=cmd|' /C calc'!A0"}, exported_at=EXPORTED_AT)
    book = openpyxl.load_workbook(io.BytesIO(data))
    sheet = book["Data"]
    column = EXPORT_COLUMNS.index(C.note) + 1
    cells = [sheet.cell(row, column) for row in range(2, len(hostile) + 2)]
    assert [c.value for c in cells] == expected
    assert all(c.data_type == "s" for c in cells)  # text, never a formula
    assert not any(c.data_type == "f" for ws in book.worksheets for row in ws.iter_rows() for c in row)
    about = {row[0]: row[1] for row in book["About"].iter_rows(values_only=True) if row and row[0] is not None}
    assert about["note"] == "'=cmd|' /C calc'!A0"
    # numbers stay numbers even next to hostile text
    pct = EXPORT_COLUMNS.index(C.coverage_pct) + 1
    assert all(sheet.cell(row, pct).data_type == "n" for row in range(2, len(hostile) + 2))


def test_formulas_are_intact_in_parquet_and_json(hostile: pd.DataFrame, store: Store) -> None:
    assert pd.read_parquet(io.BytesIO(to_parquet(hostile)))[C.note].tolist() == hostile[C.note].tolist()
    document = json.loads(to_json(hostile, store, filters={}, exported_at=EXPORTED_AT))
    assert [row[C.note] for row in document["data"]] == hostile[C.note].tolist()


def test_neutralising_leaves_the_frame_itself_alone(hostile: pd.DataFrame) -> None:
    before = hostile.copy()
    to_csv(hostile)
    pd.testing.assert_frame_equal(hostile, before)


# --------------------------------------------------------------------------- the full table


def test_full_table_csv_and_parquet_round_trip_row_counts(store: Store) -> None:
    full = export_frame(store.coverage, store)
    assert len(full) == len(store.coverage) > 2000
    assert len(read_csv(to_csv(full))) == len(full)
    back = pd.read_parquet(io.BytesIO(to_parquet(full)))
    assert len(back) == len(full)
    pd.testing.assert_frame_equal(back, full)


# --------------------------------------------------------------------------- file names

DAY = date(2026, 11, 22)
RELEASE = "94b3dd1e9add"


@pytest.mark.parametrize(
    ("countries", "risks", "fmt", "full", "expected"),
    [
        (["VNM", "IDN"], ["old_age"], "xlsx", False, "essa-coverage_VNM-IDN_old_age_2026-11-22_release-94b3dd1e9add.xlsx"),
        (["KHM"], ["old_age", "children"], "csv", False, "essa-coverage_KHM_old_age-children_2026-11-22_release-94b3dd1e9add.csv"),
        (
            ["BRN", "KHM", "IDN", "LAO", "MYS"],
            ["old_age"],
            "json",
            False,
            "essa-coverage_5-countries_old_age_2026-11-22_release-94b3dd1e9add.json",
        ),
        (["VNM"], ["a", "b", "c", "d"], "parquet", False, "essa-coverage_VNM_4-risks_2026-11-22_release-94b3dd1e9add.parquet"),
        ([], [], "csv", False, "essa-coverage_all-countries_all-risks_2026-11-22_release-94b3dd1e9add.csv"),
        (["VNM"], ["old_age"], "csv", True, "essa-coverage_all_2026-11-22_release-94b3dd1e9add.csv"),
        (["../../etc"], ["old_age"], "csv", False, "essa-coverage_etc_old_age_2026-11-22_release-94b3dd1e9add.csv"),
        (["..\\..\\win", "a/b"], ["x y", "é"], "csv", False, "essa-coverage_win-a-b_x-y_2026-11-22_release-94b3dd1e9add.csv"),
        (["/"], ["old_age"], "csv", False, "essa-coverage_1-country_old_age_2026-11-22_release-94b3dd1e9add.csv"),
        (["VNM", "VNM"], ["old_age"], "csv", False, "essa-coverage_VNM_old_age_2026-11-22_release-94b3dd1e9add.csv"),
    ],
)
def test_export_filename(countries: list[str], risks: list[str], fmt: str, full: bool, expected: str) -> None:
    assert export_filename(countries=countries, risks=risks, fmt=fmt, on=DAY, release=RELEASE, full=full) == expected


@pytest.mark.parametrize("hostile", ["../../etc/passwd", "a\x00b", "C:\\Windows", "\n", "x" * 500, "ဗမာ", ".."])
def test_export_filename_is_always_safe(hostile: str) -> None:
    name = export_filename(
        countries=[hostile, "VNM"], risks=[hostile], fmt="csv", on=datetime(2026, 11, 22, 23, 59, tzinfo=UTC), release=hostile
    )
    assert all(ch.isascii() and (ch.isalnum() or ch in "_.-") for ch in name), name
    assert "/" not in name and "\\" not in name and ".." not in name and not name.startswith(".")
    assert "_2026-11-22_release-" in name and name.endswith(".csv") and len(name) < 200


def test_export_filename_refuses_unknown_formats() -> None:
    with pytest.raises(ValueError, match="unknown export format"):
        export_filename(countries=["VNM"], risks=["old_age"], fmt="../sh", on=DAY, release=RELEASE)


def test_formats_name_media_types_and_writers(frame: pd.DataFrame, store: Store) -> None:
    assert set(FORMATS) == {"csv", "xlsx", "parquet", "json"}
    assert FORMATS["xlsx"].media_type == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    for fmt, (media_type, writer) in FORMATS.items():
        data = writer(frame, store, filters=FILTERS, exported_at=EXPORTED_AT)
        assert isinstance(data, bytes) and data, fmt
        assert "/" in media_type


# --------------------------------------------------------------------------- every file names its data release


def test_every_export_format_names_its_release(built_root: Path) -> None:
    from essa_dash.app import create_app

    client = create_app(built_root).server.test_client()
    release = read_store(built_root).release
    stamp = {"id": release.id, "version": release.version, "created": release.created}
    answers = {fmt: client.get(f"/api/v1/coverage.{fmt}?country=VNM&risk=old_age") for fmt in FORMATS}
    assert all(a.status_code == 200 for a in answers.values())
    for fmt in ("csv", "xlsx", "parquet"):
        name = answers[fmt].headers["Content-Disposition"]
        assert name.endswith(f'_release-{release.id}.{fmt}"'), name
    # the CSV says it only in its name: every line is the header or a data row a reader parses as such
    rows = list(csv.reader(io.StringIO(answers["csv"].get_data(as_text=True).lstrip(BOM))))
    assert rows[0] == EXPORT_COLUMNS and all(len(row) == len(EXPORT_COLUMNS) for row in rows)
    assert release.id not in answers["csv"].get_data(as_text=True)
    assert json.loads(answers["json"].data)["meta"]["release"] == stamp
    meta = json.loads(pq.read_schema(io.BytesIO(answers["parquet"].data)).metadata[PARQUET_META_KEY])
    assert meta["release"] == stamp
    about = {row[0]: row[1] for row in openpyxl.load_workbook(io.BytesIO(answers["xlsx"].data))["About"].iter_rows(values_only=True) if row}
    assert about["Data release"] == f"{release.id} (version {release.version}, built {release.created})"


def test_an_export_from_an_older_release_names_that_release(fresh_root: Path) -> None:
    old = read_store(fresh_root).release
    editions = fresh_root / "reference" / "editions.csv"
    editions.write_text(editions.read_text() + "\n")
    build_data(fresh_root)
    pinned = read_store(fresh_root, old.id)
    assert read_store(fresh_root).release.id != old.id
    rows = export_frame(pinned.coverage.head(3), pinned)
    meta = json.loads(to_json(rows, pinned, filters={}, exported_at=EXPORTED_AT))["meta"]
    assert meta["release"]["id"] == old.id and f"data release {old.id}" in meta["citation"]
