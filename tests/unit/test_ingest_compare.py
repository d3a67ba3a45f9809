"""Ingest in the open: a new release beside the edition it supersedes, the default edition as data, real metadata.

Every release here is made of real lines: the ILOSTAT 2025 mirror without Viet Nam's 2022 lines
(what a download lacking a country's latest year looks like), the real 2026 label sample with notes,
and the real Singapore lines of that 2026 download.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from essa_dash.ingest import compare
from essa_dash.paths import DEFAULT_DATA_DIR
from essa_dash.query import default_edition
from essa_dash.schema import Coverage as C
from essa_dash.store import read_store
from tests.conftest import FORMATS, snapshot
from tests.unit.test_cli import run

DDF = "ddf--datapoints--sdg_0131_sex_soc_rt--by--ref_area--sex--classif1--time.csv"
MIRROR = DEFAULT_DATA_DIR / "raw/ilo/ilostat_ddf_sdg_0131" / DDF
SGP_FOLDER = "raw/ilo/ilostat_sdg_0131_labels_2026-05-25_sgp"
SGP = "SDG_0131_SEX_SOC_RT_A-filtered-2026-05-25__SGP.csv"
LABELS = FORMATS / "ilostat_labels__SDG_0131_SEX_SOC_RT_A-filtered-2026-05-25__notes_examples.csv"
TITLE = "ILOSTAT SDG_0131_SEX_SOC_RT, the 2025 mirror's lines without Viet Nam 2022"


def without_viet_nam_2022(tmp_path: Path) -> Path:
    """The real mirror file with Viet Nam's two 2022 lines left out: its latest year for two risks."""
    lines = MIRROR.read_text(encoding="utf-8").splitlines(keepends=True)
    kept = [line for line in lines if not (line.startswith("vnm,") and line.split(",")[3] == "2022")]
    assert len(lines) - len(kept) == 2
    path = tmp_path / "release" / DDF
    path.parent.mkdir()
    path.write_text("".join(kept), encoding="utf-8")
    return path


def test_a_release_lacking_a_country_year_says_so_and_becomes_the_default(fresh_root: Path, tmp_path: Path, capsys) -> None:
    path = without_viet_nam_2022(tmp_path)
    before = snapshot(fresh_root)
    code, out, _ = run(capsys, "ingest", str(path), "--dry-run", "--title", TITLE, "--data-dir", str(fresh_root))
    assert code == 0, out
    assert "Compared with ILOSTAT 2025, the edition it would supersede" in out
    assert "0 cells revised" in out
    assert "2 cells of ILOSTAT 2025 missing from the new file" in out
    assert "Viet Nam at least one (total): latest year 2022" in out and "Viet Nam work injury (total): latest year 2022" in out
    # the mirror's own notes (curated cross-checks, ILOSTAT's 2026 notes) describe ILOSTAT 2025's rows only
    assert "lost: sources disagree 68, legal-coverage estimate 6" in out
    assert "Default edition: ILOSTAT " in out and "replaces ILOSTAT 2025" in out
    assert snapshot(fresh_root) == before  # a dry run writes nothing

    code, out, _ = run(capsys, "ingest", str(path), "--title", TITLE, "--data-dir", str(fresh_root))
    assert code == 0, out
    store = read_store(fresh_root)
    new = default_edition(store)
    assert new != "ILOSTAT 2025" and new.startswith("ILOSTAT ")
    assert store.editions["is_default"].sum() == 1
    source_id = store.coverage.loc[store.coverage[C.edition] == new, C.source_id].iloc[0]
    assert store.sources.set_index("source_id").loc[source_id, "title"] == TITLE
    # a rebuild from raw/ alone agrees: the default is data kept with the file's provenance
    assert run(capsys, "build-data", "--data-dir", str(fresh_root))[0] == 0
    assert default_edition(read_store(fresh_root)) == new


def test_keep_default_keeps_it(fresh_root: Path, tmp_path: Path, capsys) -> None:
    path = without_viet_nam_2022(tmp_path)
    code, out, _ = run(capsys, "ingest", str(path), "--keep-default", "--title", TITLE, "--data-dir", str(fresh_root))
    assert code == 0, out
    assert "Default edition: stays ILOSTAT 2025 (--keep-default)" in out
    assert default_edition(read_store(fresh_root)) == "ILOSTAT 2025"


def test_an_incomplete_release_never_becomes_the_default(fresh_root: Path, capsys) -> None:
    code, out, _ = run(capsys, "ingest", str(LABELS), "--dry-run", "--data-dir", str(fresh_root))
    assert code == 0, out
    assert "no figure at all for: Brunei, Indonesia, Cambodia" in out
    assert "aggregates absent (the new file has no regional or world figure for them): ASEAN" in out
    assert "World at least one (total) 2021 50.239% -> 50.2% (rounding only)" in out
    assert "Default edition: stays ILOSTAT 2025; ILOSTAT 2026-05-25 is not a complete release" in out


def test_the_real_label_sample_with_notes_keeps_them(fresh_root: Path, capsys) -> None:
    """The real Singapore lines of the 2026 download, ingested as a release of their own: notes and flags stay."""
    sgp = fresh_root / SGP_FOLDER
    staged = fresh_root.parent / SGP
    shutil.copy2(sgp / SGP, staged)
    shutil.rmtree(sgp)  # no longer a notes file of the mirror: a release of its own
    code, out, _ = run(capsys, "ingest", str(staged), "--data-dir", str(fresh_root))
    assert code == 0, out
    assert "no figure at all for: Brunei" in out  # a Singapore-only file
    assert "0 cells revised" in out  # the 36 Singapore figures are ILOSTAT 2025's
    coverage = read_store(fresh_root).coverage
    new = coverage[coverage[C.source_id] == "ILOSTAT_CSV_2026-05-25"]
    assert len(new) == 36
    legal = new[new[C.obs_flags].fillna("").str.contains("legal_estimate")]
    assert len(legal) == 6
    assert (legal[C.note] == "Social security coverage: Estimated based on legal coverage").all()
    source = json.loads((fresh_root / "raw/ingested/ILOSTAT_CSV_2026-05-25/provenance.json").read_text())["source"]
    assert source["title"].startswith("SDG indicator 1.3.1 - Proportion of population covered by social protection floors/systems")
    assert source["licence"] == "ILO terms of use"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--title", "TODO"], "no title"),
        (["--licence", "as stated by the publisher"], "no licence"),
        (["--publisher", " "], "no publisher"),
    ],
)
def test_placeholder_metadata_is_refused(fresh_root: Path, capsys, args: list[str], message: str) -> None:
    before = snapshot(fresh_root)
    code, _, err = run(capsys, "ingest", str(LABELS), "--dry-run", *args, "--data-dir", str(fresh_root))
    assert code == 2 and message in err
    assert snapshot(fresh_root) == before


def test_a_file_that_names_no_indicator_needs_a_title(fresh_root: Path, tmp_path: Path, capsys) -> None:
    code, _, err = run(capsys, "ingest", str(without_viet_nam_2022(tmp_path)), "--dry-run", "--data-dir", str(fresh_root))
    assert code == 2 and "pass --title" in err


def test_the_superseded_edition_is_the_newest_of_the_same_database(store) -> None:
    editions = store.editions
    assert compare.superseded_edition(editions, "UN SDG DB 2023-07") == "UN SDG DB 2018-10"  # 2020-04 is withdrawn
    assert compare.superseded_edition(editions, "ILOSTAT 2025") is None
    assert compare.superseded_edition(editions, "not an edition") is None
