"""Bugs the loader tests found, kept fixed: each input gets our own clear error, never a crash."""

from __future__ import annotations

from pathlib import Path

import pytest

from essa_dash.errors import DataError
from essa_dash.ingest import curated, population, unsdg_api
from essa_dash.paths import DEFAULT_DATA_DIR
from tests.conftest import FORMATS

CURATED = DEFAULT_DATA_DIR / "raw" / "essa" / "asean_coverage_sources" / "asean_coverage_sources.csv"
WPP = DEFAULT_DATA_DIR / "raw" / "unpop" / "unpop_wpp" / "ddf--datapoints--population--by--country_area--time.csv"


def test_conflicting_duplicate_without_a_year_is_named(tmp_path: Path, ref) -> None:
    lines = CURATED.read_bytes().split(b"\r\n")
    undated = next(i for i, line in enumerate(lines) if b",WSPR1415_B9_BLOG," in line and line.startswith(b"KHM,"))
    copy = tmp_path / CURATED.name
    copy.write_bytes(b"\r\n".join([*lines[:-1], lines[undated].replace(b",5.0,", b",6.0,"), b""]))
    with pytest.raises(DataError, match=r"conflicting values for WSPR1415_B9_BLOG KHM old_age total <NA>: 5 \(line \d+\), 6 \(line 1180\)"):
        curated.load(copy, ref)


@pytest.mark.parametrize("value", ["inf", "1e30", "-5"])
def test_population_refuses_impossible_values(tmp_path: Path, ref, value: str) -> None:
    copy = tmp_path / WPP.name
    copy.write_text(WPP.read_text().replace("96,2000,326.424", f"96,2000,{value}"))
    with pytest.raises(DataError, match="line 2, column 'population'"):
        population.load(copy, ref, source_id="UNPOP_WPP2024")


def test_population_refuses_a_second_value_for_a_year(tmp_path: Path, ref) -> None:
    copy = tmp_path / WPP.name
    copy.write_text(WPP.read_text() + "96,2000,326.5\n")
    with pytest.raises(DataError, match="a second population for BRN 2000"):
        population.load(copy, ref, source_id="UNPOP_WPP2024")


def test_sdg_api_refuses_a_quantile_of_a_series_that_has_none(tmp_path: Path, ref) -> None:
    text = (FORMATS / "unsdg_api__test_input.csv").read_text()
    header, row = text.splitlines()[:2]
    header = header.replace("[Food Waste Sector]", "[Quantile]")
    row = row.replace('"AG_FOOD_WST"', '"SI_COV_BENFTS"').replace('"1","World"', '"116","Cambodia"').replace('"243717410.1832"', '"6.2"')
    row = row.replace('"OOHC"', '"Q1"').replace('"TONNES"', '"PERCENT"')
    copy = tmp_path / "sdg.csv"
    copy.write_text(f"{header}\n{row}\n")
    with pytest.raises(DataError, match=r"sdg.csv, line 2, column '\[Quantile\]': no risk defined for 'at_least_one_q1'"):
        unsdg_api.load(copy, ref, source_id="X")
