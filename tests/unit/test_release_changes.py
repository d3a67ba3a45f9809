"""What changed between two real releases: exactly the rows that changed, of the right kind, and the words for them.

Each pair of releases is made the way it happens: a real download ingested, a raw file
republished with a corrected value, a curated correction ingested, a source withdrawn
in the reference table. The expected rows are worked out independently (from the raw
file or from the two releases' Parquet files read with pandas), never by the code under test.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd
import pytest

from essa_dash.cli import main
from essa_dash.ingest import add
from essa_dash.releases.changes import AFTER, BEFORE, DIFFERENCE, GAINED, LOST, compare
from essa_dash.releases.disk import open_release
from essa_dash.schema import KEY
from essa_dash.schema import Coverage as C
from essa_dash.store import read_store
from tests.unit.test_cli import CURATED, LABELS, asean_labels, edit
from tests.unit.test_releases import rebuild, touch_raw_value

NEW_SOURCE = "ILOSTAT_CSV_2026-05-25"


def parquet(root: Path, release: str) -> pd.DataFrame:
    """A release's coverage table straight from its file, without the store."""
    return pd.read_parquet(root / "releases" / release / "coverage.parquet")


def keys(frame: pd.DataFrame) -> list[tuple]:
    return sorted(frame[KEY].astype("object").where(frame[KEY].notna(), None).itertuples(index=False, name=None), key=repr)


@pytest.mark.parametrize("renamed", [False, True], ids=["as published", "two areas renamed to ASEAN ones"])
def test_an_ingested_download_adds_exactly_its_rows(fresh_root: Path, tmp_path: Path, renamed: bool) -> None:
    path = edit(LABELS, asean_labels)(tmp_path) if renamed else LABELS
    before = open_release(fresh_root).id
    add.apply(add.plan(path, fresh_root), fresh_root)
    after = open_release(fresh_root).id
    changes = compare(read_store(fresh_root, before), read_store(fresh_root, after))

    new = parquet(fresh_root, after)
    expected = new[new[C.source_id] == NEW_SOURCE]
    assert len(expected) == (3 if renamed else 1)
    assert keys(changes.added) == keys(expected)
    assert changes.revised.empty and changes.removed.empty and changes.reflagged.empty
    # the value is the one in the downloaded file, for the one line of an area we keep (World)
    with path.open(encoding="utf-8-sig") as handle:
        world = next(r for r in csv.DictReader(handle) if r["ref_area.label"] == "World")
    added_world = changes.added[changes.added[C.iso3] == "WLD"].iloc[0]
    assert added_world[C.coverage_pct] == float(world["obs_value"]) and added_world[C.edition] == "ILOSTAT 2026-05-25"
    summary = changes.by_source()
    assert summary.to_dict("records") == [
        {
            C.source_id: NEW_SOURCE,
            C.edition: "ILOSTAT 2026-05-25",
            "added": len(expected),
            "revised": 0,
            "removed": 0,
            "reflagged": 0,
            "status": "new",
        }
    ]
    # and the other way round: the same rows removed, the source gone
    back = compare(read_store(fresh_root, after), read_store(fresh_root, before))
    assert keys(back.removed) == keys(expected) and back.added.empty
    assert back.by_source()["status"].tolist() == ["gone"]


def test_a_republished_raw_value_is_one_revision(fresh_root: Path) -> None:
    before = read_store(fresh_root)
    touch_raw_value(fresh_root, b"45.16676", b"45.16677")
    after = read_store(fresh_root, rebuild(fresh_root).id)
    changes = compare(before, after)
    assert changes.added.empty and changes.removed.empty and changes.reflagged.empty
    assert changes.revised[[*KEY, BEFORE, AFTER]].astype("object").values.tolist() == [
        ["UNSDG_2018-10", "WLD", "at_least_one", "total", 2016, 45.16676, 45.16677]
    ]
    assert changes.revised[DIFFERENCE].iloc[0] == pytest.approx(0.00001)
    # nothing else differs between the two files but that one value
    old, new = parquet(fresh_root, before.release.id), parquet(fresh_root, after.release.id)
    differ = (old.drop(columns=C.coverage_pct) != new.drop(columns=C.coverage_pct)) & ~(old.isna() & new.isna()).drop(
        columns=C.coverage_pct
    )
    assert not differ.any().any() and (old[C.coverage_pct] != new[C.coverage_pct]).sum() == 1


def test_a_curated_correction_is_a_revision_of_a_figure_without_a_year(fresh_root: Path, tmp_path: Path) -> None:
    lines = CURATED.read_text(encoding="utf-8").splitlines(keepends=True)
    row = next(line for line in lines if line.startswith("WLD,World,employment_injury,total,,37.4,"))
    path = tmp_path / "correction.csv"
    path.write_text(lines[0] + row.replace(",37.4,", ",37.5,"), encoding="utf-8")
    before = open_release(fresh_root)
    add.apply(add.plan(path, fresh_root), fresh_root)
    after = open_release(fresh_root)
    assert (after.version, after.change.level) == ("1.0.1", "patch")  # a correction: same sources
    changes = compare(read_store(fresh_root, before.id), read_store(fresh_root, after.id))
    assert changes.added.empty and changes.removed.empty and changes.reflagged.empty
    revised = changes.revised.iloc[0]
    assert len(changes.revised) == 1 and pd.isna(revised[C.year])
    assert (revised[C.source_id], revised[C.iso3], revised[C.risk], revised[BEFORE], revised[AFTER]) == (
        "ILO_WSPDB_2024",
        "WLD",
        "employment_injury",
        37.4,
        37.5,
    )


def test_a_withdrawn_source_re_flags_every_row_of_it_and_nothing_else(fresh_root: Path) -> None:
    before = read_store(fresh_root)
    path = fresh_root / "reference" / "sources.csv"
    text = path.read_text()
    line = next(line for line in text.splitlines() if line.startswith("UNSDG_2018-10,"))
    path.write_text(text.replace(line, line.replace(",high,false,", ",high,true,")))
    after = read_store(fresh_root, rebuild(fresh_root).id)
    changes = compare(before, after)
    assert changes.added.empty and changes.removed.empty and changes.revised.empty
    old = parquet(fresh_root, before.release.id)
    assert keys(changes.reflagged) == keys(old[old[C.source_id] == "UNSDG_2018-10"]) and len(changes.reflagged) == 158
    assert set(changes.reflagged[GAINED]) == {"withdrawn"} and set(changes.reflagged[LOST]) == {""}


def test_diff_prints_the_changes_in_words(fresh_root: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    first = open_release(fresh_root)
    add.apply(add.plan(edit(LABELS, asean_labels)(tmp_path), fresh_root), fresh_root)
    touch_raw_value(fresh_root, b"45.16676", b"45.16677")
    last = rebuild(fresh_root)
    assert main(["diff", first.version, "--data-dir", str(fresh_root)]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"From release {first.id} (version 1.0.0, built ") and f"to release {last.id} (version 1.1.1, built " in out
    assert "Coverage rows: 3 added, 1 revised, 0 removed, 0 re-flagged." in out
    table = out[out.index("By source and edition:") :].splitlines()
    assert table[2].split() == [NEW_SOURCE, "ILOSTAT", "2026-05-25", "3", "0", "0", "0", "new", "source"]
    assert table[3].split() == ["UNSDG_2018-10", "UN", "SDG", "DB", "2018-10", "0", "1", "0", "0"]
    assert "  Lao PDR, Work injury, women and men, 2019 (ILOSTAT 2026-05-25): 95.1%" in out
    assert "a revision, not a change over time" in out
    assert "  World, At least one, women and men, 2016 (UN SDG DB 2018-10): 45.16676% -> 45.16677% (+0.00001 points)" in out
    assert main(["diff", first.id[:6], last.id, "--limit", "1", "--data-dir", str(fresh_root)]) == 0
    assert "... and 2 more (--all lists every row)" in capsys.readouterr().out
    assert main(["diff", "current", first.id, "--all", "--data-dir", str(fresh_root)]) == 0
    assert "Removed (3):" in capsys.readouterr().out
    assert main(["diff", "9.9.9", "--data-dir", str(fresh_root)]) == 2
    assert "no release '9.9.9' here" in capsys.readouterr().err


def test_ingest_says_which_release_is_now_current(fresh_root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["ingest", str(LABELS), "--data-dir", str(fresh_root)]) == 0
    release = open_release(fresh_root)
    assert f"data release {release.id}, version 1.1.0, is current" in capsys.readouterr().out
