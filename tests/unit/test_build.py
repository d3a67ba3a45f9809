"""The build: invariants of the tidy table, agreement with the curated CSV, safe writing."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from essa_dash.errors import DataError
from essa_dash.ingest.build import TABLES, build, build_data, lock
from essa_dash.paths import DEFAULT_DATA_DIR
from essa_dash.releases.disk import open_release
from essa_dash.schema import COVERAGE_COLUMNS, KEY
from essa_dash.schema import Coverage as C
from essa_dash.store import read_store
from tests.conftest import copy_data, snapshot

MEMBER_STATES = {"BRN", "KHM", "IDN", "LAO", "MYS", "MMR", "PHL", "SGP", "THA", "TLS", "VNM"}
RAW_SOURCES = {"ILOSTAT_DDF_2025", "UNSDG_2018-10", "UNSDG_2023-07", "OWID_ILO2014_HEALTH"}


def test_table_has_the_contract_columns(coverage: pd.DataFrame) -> None:
    assert list(coverage.columns) == COVERAGE_COLUMNS


def test_key_is_unique(coverage: pd.DataFrame) -> None:
    assert not coverage.duplicated(KEY).any()


def test_values_are_published_percentages(coverage: pd.DataFrame) -> None:
    values = coverage[C.coverage_pct].to_numpy()
    assert np.isfinite(values).all()
    assert ((values >= 0) & (values <= 100)).all()


def test_every_row_has_a_known_source_and_edition(store) -> None:
    coverage = store.coverage
    assert set(coverage[C.source_id]) <= set(store.sources["source_id"])
    assert set(coverage[C.edition]) <= set(store.editions["edition"])
    assert coverage[C.source_location].str.len().gt(0).all()


def test_every_member_state_and_the_aggregates_are_present(coverage: pd.DataFrame) -> None:
    areas = set(coverage[C.iso3])
    assert areas >= MEMBER_STATES
    assert areas >= {"WLD", "ASIA_PACIFIC", "SE_ASIA", "ASEAN", "SE_ASIA_PACIFIC"}
    assert not coverage.loc[coverage[C.iso3].isin(MEMBER_STATES), C.is_aggregate].any()


def test_every_core_risk_is_present(store) -> None:
    core = set(store.risks.loc[store.risks["is_core"], "risk"])
    assert core == {
        "at_least_one",
        "old_age",
        "unemployment",
        "employment_injury",
        "maternity",
        "children",
        "disability",
        "vulnerable",
        "poor",
        "health",
    }
    assert core <= set(store.coverage[C.risk])


def test_rows_per_source(coverage: pd.DataFrame) -> None:
    counts = coverage.groupby(C.source_id).size()
    assert counts["ILOSTAT_DDF_2025"] == 1973  # every line of the ILOSTAT extract
    assert counts["UNSDG_2018-10"] == 158
    assert counts["OWID_ILO2014_HEALTH"] == 9
    assert counts["UNSDG_2020-04"] == 59


def test_withdrawn_values_are_flagged(coverage: pd.DataFrame) -> None:
    withdrawn = coverage[coverage[C.withdrawn]]
    assert set(withdrawn[C.source_id]) == {"UNSDG_2020-04"}


def test_the_five_headline_figures_are_in_the_table(store) -> None:
    world = store.coverage[store.coverage[C.iso3] == "WLD"].set_index([C.source_id, C.risk])[C.coverage_pct]
    assert world[("ILO_NEWS_2014-06", "comprehensive_coverage")] == 27
    assert world[("UNRADIO_2014-06", "unemployment")] == 12
    assert world[("ILO_GEIP_KEYMSG", "employment_injury_legal_incl_voluntary")] == 39.4
    assert world[("UNRADIO_2014-06", "maternity_employed_women")] == 28
    assert world[("ILO_NEWS_2014-09", "old_age")] == 52


def test_rebuild_agrees_with_every_curated_row_read_from_a_raw_file(coverage: pd.DataFrame) -> None:
    """The curated CSV and the loaders were produced independently: they must agree."""
    path = DEFAULT_DATA_DIR / "raw" / "essa" / "asean_coverage_sources" / "asean_coverage_sources.csv"
    curated = pd.read_csv(path, dtype={"year": "Int16"})
    curated = curated[curated["source_id"].isin(RAW_SOURCES)].assign(risk=lambda f: f["indicator"].replace({"old_age_pension": "old_age"}))
    assert len(curated) == 674 + 255 + 158 + 9
    merged = curated.merge(coverage, on=[C.source_id, C.iso3, C.risk, C.sex, C.year], how="left")
    missing = merged[merged[C.coverage_pct].isna()]
    assert missing.empty, f"curated rows with no rebuilt counterpart:\n{missing[[C.source_id, C.iso3, C.risk, C.sex, C.year, 'value']]}"
    differ = merged[~np.isclose(merged["value"], merged[C.coverage_pct], rtol=0, atol=1e-9)]
    assert differ.empty, (
        f"curated and rebuilt values disagree:\n{differ[[C.source_id, C.iso3, C.risk, C.sex, C.year, 'value', C.coverage_pct]]}"
    )


def test_rebuild_is_byte_identical(tmp_path: Path, built_root: Path) -> None:
    root = copy_data(tmp_path / "data")
    build_data(root)
    ours, theirs = open_release(root), open_release(built_root)
    assert ours.id == theirs.id
    for name in TABLES:
        assert (ours.path / f"{name}.parquet").read_bytes() == (theirs.path / f"{name}.parquet").read_bytes(), name


def test_all_tables_share_one_build_id(built_root: Path) -> None:
    assert len(read_store(built_root).build_id) == 64


def test_a_table_of_another_build_is_refused(fresh_root: Path, tmp_path: Path) -> None:
    other = copy_data(tmp_path / "other")
    (other / "reference" / "editions.csv").write_text((other / "reference" / "editions.csv").read_text() + "\n")
    build_data(other)
    shutil.copy(open_release(other).path / "risks.parquet", open_release(fresh_root).path / "risks.parquet")
    with pytest.raises(DataError, match=r"risks.parquet: differs from the release's datapackage.json \(sha256\)"):
        read_store(fresh_root)


@pytest.mark.parametrize("damage", ["missing", "corrupt"])
def test_missing_or_corrupt_table_says_how_to_rebuild(fresh_root: Path, damage: str) -> None:
    path = open_release(fresh_root).path / "coverage.parquet"
    if damage == "missing":
        path.unlink()
    else:
        path.write_bytes(path.read_bytes()[:200])
    with pytest.raises(DataError, match=r"coverage.parquet: .*build-data"):
        read_store(fresh_root)


def test_an_edited_raw_file_is_refused(fresh_root: Path) -> None:
    path = next((fresh_root / "raw").rglob("ddf--datapoints--si_cov_benfts--by--geo_area--year--sex.csv"))
    path.write_bytes(path.read_bytes().replace(b"45.16676", b"45.16677"))
    before = snapshot(fresh_root)
    with pytest.raises(DataError, match="sha256"):
        build_data(fresh_root)
    assert snapshot(fresh_root) == before


def test_a_bad_reference_table_leaves_the_data_unchanged(fresh_root: Path) -> None:
    path = fresh_root / "reference" / "sources.csv"
    path.write_text(path.read_text().replace("ILOSTAT 2025,https", "ILOSTAT 2099,https"))
    before = snapshot(fresh_root)
    with pytest.raises(DataError, match="unknown editions"):
        build_data(fresh_root)
    assert snapshot(fresh_root) == before


def test_a_second_writer_is_refused_while_one_holds_the_lock(fresh_root: Path) -> None:
    with lock(fresh_root), pytest.raises(DataError, match="another build"):
        build_data(fresh_root)


def test_provenance_lists_every_raw_file_with_its_checksum() -> None:
    for provenance in (DEFAULT_DATA_DIR / "raw").rglob("provenance.json"):
        doc = json.loads(provenance.read_text())
        for key in ("producer", "title", "citation", "url", "accessed", "licence", "files"):
            assert key in doc, f"{provenance}: {key}"
        listed = {f["name"] for f in doc["files"]}
        present = {p.name for p in provenance.parent.iterdir() if p.name != "provenance.json"}
        assert listed == present, provenance


def test_build_reports_what_it_read(built_root: Path, tmp_path: Path) -> None:
    result = build(copy_data(tmp_path / "data"))
    report = result.report()
    assert "ILOSTAT_DDF_2025" in report and "rule 3" in report
    assert any("skipped" in item.summary() for item in result.loaded)
