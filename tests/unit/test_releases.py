"""Data releases: ids that follow the content, versions that follow the rules, a valid datapackage.json,
old releases that open by id, pruning that never touches the current one, the commands that list them.

Every release here is built from the real raw files (a copy of data/ per test); a change
is made the way it happens in life: a corrected raw file, an edited reference table, an
ingested download.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import shutil
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest
from frictionless import Package

from essa_dash.cli import main
from essa_dash.errors import DataError
from essa_dash.ingest import add
from essa_dash.ingest.build import TABLES, build, build_data
from essa_dash.releases import disk
from essa_dash.releases.disk import CURRENT, DESCRIPTOR, Release, lock, open_release, publish
from essa_dash.releases.package import Version
from essa_dash.schema import Coverage as C
from essa_dash.store import PINNED_RELEASES, get_store, read_store
from tests.conftest import FORMATS, copy_data, snapshot

LABELS = FORMATS / "ilostat_labels__SDG_0131_SEX_SOC_RT_A-filtered-2026-05-25__notes_examples.csv"
RAW_FILE = "ddf--datapoints--si_cov_benfts--by--geo_area--year--sex.csv"


def rebuild(root: Path) -> Release:
    published = build_data(root).published
    assert published is not None
    return published.release


def edit_reference(
    root: Path, old: str = "The one consistent time series across countries.", new: str = "The one consistent series."
) -> None:
    """A correction of the curated metadata: it changes the build, not a figure."""
    path = root / "reference" / "editions.csv"
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new))


def touch_raw_value(root: Path, old: bytes, new: bytes) -> None:
    """A raw file republished with one value corrected: new bytes, and a provenance that records them."""
    path = next((root / "raw").rglob(RAW_FILE))
    data = path.read_bytes()
    assert data.count(old) == 1
    path.write_bytes(data.replace(old, new))
    provenance = path.parent / "provenance.json"
    doc = json.loads(provenance.read_text())
    for entry in doc["files"]:
        if entry["name"] == path.name:
            entry["sha256"] = hashlib.sha256(path.read_bytes()).hexdigest()
    provenance.write_text(json.dumps(doc, indent=2))


def ingest(root: Path, path: Path) -> None:
    add.apply(add.plan(path, root), root)


# --------------------------------------------------------------------------- ids


def test_the_same_inputs_name_the_same_release(built_root: Path, tmp_path: Path) -> None:
    root = copy_data(tmp_path / "data")
    first = rebuild(root)
    files = snapshot(root / "releases" / first.id)
    again = build_data(root)
    assert again.published is not None and not again.published.new
    assert again.published.release.id == first.id == open_release(built_root).id  # another directory, same inputs
    assert [r.id for r in disk.kept(root)] == [first.id]
    assert snapshot(root / "releases" / first.id) == files  # a kept release is never rewritten
    assert "same inputs as a kept release" in again.report()


def test_a_touched_raw_value_is_a_new_release_and_touching_it_back_is_the_old_one(fresh_root: Path) -> None:
    old = open_release(fresh_root)
    touch_raw_value(fresh_root, b"45.16676", b"45.16677")
    new = rebuild(fresh_root)
    assert new.id != old.id and len(new.id) == 12
    assert new.change.inputs == ("raw/unsd/unsdg_ddf_2018-10-15/" + RAW_FILE,)
    touch_raw_value(fresh_root, b"45.16677", b"45.16676")
    back = build_data(fresh_root).published
    assert back is not None and back.release.id == old.id and not back.new
    assert disk.current_id(fresh_root) == old.id


def test_an_edited_reference_table_is_a_new_release(fresh_root: Path) -> None:
    old = open_release(fresh_root)
    edit_reference(fresh_root)
    new = rebuild(fresh_root)
    assert new.id != old.id
    assert new.change.inputs == ("reference/editions.csv",)


# --------------------------------------------------------------------------- versions


def test_versions_follow_the_rules(fresh_root: Path) -> None:
    first = open_release(fresh_root)
    assert (first.version, first.change.level) == ("1.0.0", "first")

    edit_reference(fresh_root)
    corrected = rebuild(fresh_root)
    assert (corrected.version, corrected.change.level, corrected.change.previous) == ("1.0.1", "patch", first.id)

    ingest(fresh_root, LABELS)
    upstream = open_release(fresh_root)
    assert (upstream.version, upstream.change.level) == ("1.1.0", "minor")
    assert upstream.change.sources_added == ("ILOSTAT_CSV_2026-05-25",)

    # a new table: the contract changed
    store = read_store(fresh_root)
    extra = pd.DataFrame({"iso3": ["VNM"], "value": [1.5]})
    build_id = hashlib.sha256(b"another contract").hexdigest()
    with lock(fresh_root):
        major = publish(fresh_root, {**store.tables, "example": extra}, build_id=build_id, inputs=[]).release
    assert (major.version, major.change.level) == ("2.0.0", "major")
    assert major.change.contract == ({"resource": "example", "field": None, "before": None, "after": "table"},)


def test_versions_are_never_issued_twice(fresh_root: Path) -> None:
    first = open_release(fresh_root)
    edit_reference(fresh_root)
    assert rebuild(fresh_root).version == "1.0.1"
    edit_reference(fresh_root, "The one consistent series.", "The one consistent time series across countries.")
    assert rebuild(fresh_root).id == first.id  # back to the first inputs: the first release, current again
    edit_reference(fresh_root, "The one consistent time series across countries.", "One consistent series.")
    later = rebuild(fresh_root)
    assert (later.version, later.change.previous) == ("1.0.2", first.id)  # a patch of 1.0.0, but 1.0.1 is taken


def test_a_pruned_release_built_again_gets_its_id_and_version_back(fresh_root: Path) -> None:
    first = open_release(fresh_root)
    edit_reference(fresh_root)
    rebuild(fresh_root)
    assert [r.id for r in disk.prune(fresh_root, keep=0)] == [first.id]
    edit_reference(fresh_root, "The one consistent series.", "The one consistent time series across countries.")
    again = rebuild(fresh_root)
    assert (again.id, again.version) == (first.id, "1.0.0")
    assert disk.pruned(fresh_root) == []


# --------------------------------------------------------------------------- datapackage.json


def test_the_datapackage_is_valid_frictionless_and_describes_every_file(built_root: Path) -> None:
    release = open_release(built_root)
    doc = json.loads((release.path / DESCRIPTOR).read_text())
    report = Package.validate_descriptor(doc)
    assert report.valid, report.flatten(["type", "note"])
    assert doc["name"] == "essa-dash-coverage" and Version.parse(doc["version"]) == Version(1, 0, 0)
    assert dt.datetime.fromisoformat(doc["created"]).tzinfo is not None
    assert {r["name"] for r in doc["resources"]} == set(TABLES)
    assert sorted(p.name for p in release.path.iterdir()) == sorted([DESCRIPTOR, *(f"{name}.parquet" for name in TABLES)])
    for resource in doc["resources"]:
        data = (release.path / resource["path"]).read_bytes()
        assert resource["bytes"] == len(data)
        assert resource["hash"] == "sha256:" + hashlib.sha256(data).hexdigest()
        schema = pq.read_schema(release.path / resource["path"])
        assert [f["name"] for f in resource["schema"]["fields"]] == [n for n in schema.names if not n.startswith("__")]
        assert resource["rows"] == pq.read_metadata(release.path / resource["path"]).num_rows
    store = read_store(built_root)
    cited = {s["source_id"] for s in doc["sources"]}
    assert cited == set(store.coverage[C.source_id]) | set(store.population["source_id"]) | set(store.context["source_id"])
    licensed = [sid for licence in doc["licenses"] for sid in licence["sources"]]
    assert sorted(licensed) == sorted(cited)  # every source under exactly one licence statement
    ilostat = next(lic for lic in doc["licenses"] if "ILOSTAT_DDF_2025" in lic["sources"])
    assert ilostat["name"] == "CC-BY-4.0" and "ILO terms of use" in ilostat["title"]
    owid = next(lic for lic in doc["licenses"] if "OWID_ILO2014_HEALTH" in lic["sources"])
    assert owid["name"] == "notspecified"  # never a licence the publisher did not state
    raw = {e["path"] for e in doc["inputs"] if e["kind"] == "raw"}
    for provenance in (built_root / "raw").rglob("provenance.json"):
        folder = json.loads(provenance.read_text())["folder"]
        assert {f"raw/{folder}/{f['name']}" for f in json.loads(provenance.read_text())["files"]} <= raw
    assert {"essa_dash/ingest/build.py", "essa_dash/schema.py"} <= {e["path"] for e in doc["inputs"] if e["kind"] == "code"}


# --------------------------------------------------------------------------- opening releases


def test_an_old_release_opens_by_id_with_its_own_figures(fresh_root: Path) -> None:
    old = read_store(fresh_root)
    touch_raw_value(fresh_root, b"45.16676", b"45.16677")
    rebuild(fresh_root)
    current = read_store(fresh_root)
    pinned = read_store(fresh_root, old.release.id)
    assert pinned.release == old.release and current.release != old.release
    for name in TABLES:
        pd.testing.assert_frame_equal(pinned.tables[name], old.tables[name])
    world = (C.source_id, C.iso3, C.risk, C.sex, C.year)
    cell = ("UNSDG_2018-10", "WLD", "at_least_one", "total", 2016)
    value = {s.release.id: s.coverage.set_index(list(world)).loc[cell, C.coverage_pct] for s in (pinned, current)}
    assert value == {old.release.id: 45.16676, current.release.id: 45.16677}


def test_get_store_reads_each_release_once_and_keeps_a_bounded_number(fresh_root: Path) -> None:
    tables = read_store(fresh_root).tables
    ids = [open_release(fresh_root).id]
    for n in range(PINNED_RELEASES + 1):  # releases of the same tables under other build ids: cheap to make
        with lock(fresh_root):
            ids.append(publish(fresh_root, tables, build_id=hashlib.sha256(str(n).encode()).hexdigest(), inputs=[]).release.id)
    current = get_store(fresh_root)
    assert current.release.id == ids[-1]
    assert get_store(fresh_root, release=ids[-1]) is current  # the current release by id: the same store
    first = get_store(fresh_root, release=ids[0])
    assert first.release.id == ids[0] and get_store(fresh_root, release=ids[0]) is first  # asked again: not read again
    for rid in ids[1:-1]:  # PINNED_RELEASES others push the first one out of memory
        assert get_store(fresh_root, release=rid).release.id == rid
    again = get_store(fresh_root, release=ids[0])
    assert again is not first and again.release == first.release  # read again, the same release
    pd.testing.assert_frame_equal(again.coverage, first.coverage)


@pytest.mark.parametrize("bad", ["../../etc", "94B3DD1E9ADD", "94b3dd1e9ad", "94b3dd1e9add0", "", 12, None, ["a"], "current"])
def test_a_malformed_release_id_is_a_clear_error(built_root: Path, bad: object) -> None:
    if bad is None:
        assert get_store(built_root, release=None).release.id == open_release(built_root).id
        return
    with pytest.raises(DataError, match="is not a release id: 12 characters 0-9 and a-f"):
        get_store(built_root, release=bad)  # type: ignore[arg-type]


def test_an_unknown_or_pruned_release_is_a_clear_error_never_other_figures(fresh_root: Path) -> None:
    old = open_release(fresh_root)
    with pytest.raises(DataError, match=r"no release 0123456789ab in this data directory"):
        get_store(fresh_root, release="0123456789ab")
    edit_reference(fresh_root)
    rebuild(fresh_root)
    disk.prune(fresh_root, keep=0, now=dt.datetime(2031, 5, 4, tzinfo=dt.UTC))
    with pytest.raises(DataError, match=rf"release {old.id} \(version 1.0.0, built \d{{4}}-\d\d-\d\d\) was pruned on 2031-05-04"):
        read_store(fresh_root, old.id)  # a new process (get_store here still holds it in memory: the same figures)
    assert not (fresh_root / "releases" / old.id).exists()


def test_reading_never_writes(fresh_root: Path) -> None:
    before = snapshot(fresh_root)
    read_store(fresh_root)
    read_store(fresh_root, open_release(fresh_root).id)
    assert snapshot(fresh_root) == before


def test_no_release_yet_says_how_to_build_one(tmp_path: Path) -> None:
    root = copy_data(tmp_path / "data")
    with pytest.raises(DataError, match=r"no data release in .* yet: run `essa-dash build-data`"):
        read_store(root)


def test_the_first_release_removes_the_tables_of_the_layout_before_releases(tmp_path: Path) -> None:
    root = copy_data(tmp_path / "data")
    legacy = [root / f"{name}.parquet" for name in TABLES] + [root / ".commit.json", root / ".coverage.parquet.new"]
    for path in legacy:
        path.write_bytes(b"stale")
    rebuild(root)
    assert not [p for p in legacy if p.exists()]


def test_a_renamed_release_folder_is_refused(fresh_root: Path) -> None:
    release = open_release(fresh_root)
    shutil.copytree(release.path, release.path.with_name("0123456789ab"))
    with pytest.raises(DataError, match=f"describes release {release.id}, not 0123456789ab"):
        read_store(fresh_root, "0123456789ab")


# --------------------------------------------------------------------------- pruning


def three_releases(root: Path) -> list[Release]:
    """Oldest first: the first build, a correction, another correction."""
    releases = [open_release(root)]
    edit_reference(root)
    releases.append(rebuild(root))
    edit_reference(root, "The one consistent series.", "One series.")
    releases.append(rebuild(root))
    return releases


def test_pruning_keeps_the_newest_and_never_the_current_one(fresh_root: Path) -> None:
    first, second, third = three_releases(fresh_root)
    edit_reference(fresh_root, "One series.", "The one consistent time series across countries.")
    assert rebuild(fresh_root).id == first.id  # the oldest is current again
    assert disk.prune(fresh_root, keep=1) == [second]  # third is the newest, first is current
    assert [r.id for r in disk.kept(fresh_root)] == [third.id, first.id]
    assert disk.prune(fresh_root, keep=0) == [third]
    assert [r.id for r in disk.kept(fresh_root)] == [first.id]
    assert disk.prune(fresh_root, keep=0) == []  # the current release always stays
    assert read_store(fresh_root).release.id == first.id
    assert not [p.name for p in (fresh_root / "releases").iterdir() if p.name.startswith(".")]


def test_pruning_by_age(fresh_root: Path) -> None:
    first, second, third = three_releases(fresh_root)
    later = dt.datetime.fromisoformat(third.created) + dt.timedelta(days=10)
    assert disk.prune(fresh_root, older_than=dt.timedelta(days=30), now=later) == []
    assert disk.prune(fresh_root, older_than=dt.timedelta(days=5), now=later) == [second, first]
    assert [r.id for r in disk.kept(fresh_root)] == [third.id]


def test_prune_needs_a_rule_and_a_dry_run_changes_nothing(fresh_root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    three_releases(fresh_root)
    before = snapshot(fresh_root)
    assert main(["releases", "--prune", "--data-dir", str(fresh_root)]) == 2
    assert "say which releases to prune" in capsys.readouterr().err
    assert main(["releases", "--keep", "1", "--data-dir", str(fresh_root)]) == 2
    assert "go with --prune" in capsys.readouterr().err
    assert main(["releases", "--prune", "--keep", "1", "--dry-run", "--data-dir", str(fresh_root)]) == 0
    assert "Would prune 2 releases" in capsys.readouterr().out
    assert snapshot(fresh_root) == before
    assert main(["releases", "--prune", "--keep", "1", "--data-dir", str(fresh_root)]) == 0
    out = capsys.readouterr().out
    assert "Pruned 2 releases" in out and "1 data release kept" in out and "2 releases were pruned earlier" in out


# --------------------------------------------------------------------------- the commands


def test_releases_lists_every_kept_release(fresh_root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    first = open_release(fresh_root)
    ingest(fresh_root, LABELS)
    second = open_release(fresh_root)
    assert main(["releases", "--data-dir", str(fresh_root)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "2 data releases kept (newest first; * is current):"
    assert lines[1].split() == ["id", "version", "built", "coverage", "rows", "sources", "size", "what", "changed"]
    newest, oldest = lines[2].split(), lines[3].split()
    assert newest[:3] == ["*", second.id, "1.1.0"] and oldest[:2] == [first.id, "1.0.0"]
    assert f"{second.rows():,}" in newest and second.rows() == first.rows() + 1
    assert lines[2].endswith("new upstream release: sources added: ILOSTAT_CSV_2026-05-25")
    assert lines[3].endswith("first release")


def test_releases_before_any_build(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["releases", "--data-dir", str(copy_data(tmp_path / "data"))]) == 0
    assert "No data releases yet: run `essa-dash build-data`" in capsys.readouterr().out


def test_the_current_pointer_is_one_line_naming_a_kept_release(built_root: Path) -> None:
    text = (built_root / "releases" / CURRENT).read_text()
    assert text.endswith("\n") and (built_root / "releases" / text.strip() / DESCRIPTOR).is_file()


def test_a_staged_dataset_predicts_the_release_id(fresh_root: Path) -> None:
    """The build id of a dry run equals the one the real ingest gets: the release id can be told before writing."""
    planned = add.plan(LABELS, fresh_root)
    add.apply(planned, fresh_root)
    assert open_release(fresh_root).build_id == planned.result.build_id == build(fresh_root).build_id


@pytest.mark.parametrize("layout", ["a table missing", "a column more"])
def test_a_release_of_another_table_layout_is_refused_not_misread(fresh_root: Path, layout: str) -> None:
    tables = dict(read_store(fresh_root).tables)
    if layout == "a table missing":
        del tables["population"]
    else:
        tables["coverage"] = tables["coverage"].assign(extra=1)
    with lock(fresh_root):
        other = publish(fresh_root, tables, build_id=hashlib.sha256(layout.encode()).hexdigest(), inputs=[]).release
    assert other.version == "2.0.0"  # the contract changed
    message = "has no population table" if layout == "a table missing" else "has another table layout than this version of ESSA Dash reads"
    with pytest.raises(DataError, match=rf"release {other.id} \(version 2.0.0\) {message}"):
        read_store(fresh_root)
