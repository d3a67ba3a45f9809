"""Fault tolerance: killed writers (at random moments and before each disk step), two writers,
broken releases at start, a crashed image renderer."""

from __future__ import annotations

import itertools
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path

import pandas as pd
import pytest

from essa_dash.cli import main
from essa_dash.errors import DataError
from essa_dash.ingest import add
from essa_dash.ingest.build import Build, build, build_data, lock, write_tables
from essa_dash.releases.disk import kept, open_release, prune, release_id
from essa_dash.store import read_store
from tests.conftest import snapshot
from tests.unit.test_cli import LABELS, asean_labels, edit

PYTHON = sys.executable


def change_an_input(root: Path) -> None:
    """A reference edit that changes the build (and so every table's bytes) without changing a figure."""
    path = root / "reference" / "editions.csv"
    path.write_text(path.read_text().replace("The one consistent time series across countries.", "The one consistent series."))


def run_killed(args: list[str], after: float) -> int | None:
    """Start ``essa-dash`` with ``args`` and SIGKILL it after ``after`` seconds (None if it finished first)."""
    proc = subprocess.Popen([PYTHON, "-m", "essa_dash.cli", *args], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(after)
    if proc.poll() is None:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        return None
    return proc.returncode


def hidden_leftovers(root: Path) -> list[str]:
    """What a killed writer may leave in releases/ (staging, trash, temporary files) and the next writer removes."""
    return sorted(p.name for p in (root / "releases").iterdir() if p.name.startswith("."))


def assert_intact(root: Path, release_id: str, coverage: pd.DataFrame) -> None:
    """The release opens by id, every file matches its datapackage.json, and it holds the figures it held."""
    store = read_store(root, release_id)  # read_store checks each file's sha256 against the descriptor
    pd.testing.assert_frame_equal(store.coverage, coverage)


@pytest.mark.parametrize("after", [0.8, 1.3, 1.8, 2.5])
def test_a_build_killed_at_any_moment_leaves_one_complete_release(fresh_root: Path, after: float) -> None:
    old = read_store(fresh_root)
    change_an_input(fresh_root)
    run_killed(["build-data", "--data-dir", str(fresh_root)], after)
    store = read_store(fresh_root)  # never a mix: the old release, or the new one whole
    assert_intact(fresh_root, old.release.id, old.coverage)
    new = build_data(fresh_root).build_id
    assert store.build_id in (old.build_id, new)
    assert hidden_leftovers(fresh_root) == []


@pytest.mark.parametrize("after", [1.0, 1.6, 2.4])
def test_an_ingest_killed_at_any_moment_leaves_the_data_readable(fresh_root: Path, tmp_path: Path, after: float) -> None:
    before = read_store(fresh_root)
    path = edit(LABELS, asean_labels)(tmp_path)
    run_killed(["ingest", str(path), "--data-dir", str(fresh_root)], after)
    store = read_store(fresh_root)
    assert len(store.coverage) - len(before.coverage) in (0, 3)  # all of the file's rows, or none
    assert_intact(fresh_root, before.release.id, before.coverage)
    # whatever happened, the next build from raw/ alone is complete and consistent
    rebuilt = build_data(fresh_root)
    assert len(rebuilt.coverage) in (len(before.coverage), len(before.coverage) + 3)
    assert hidden_leftovers(fresh_root) == []


# -- fault injection: a writer killed just before each of its changes to the disk -------------------

#: The calls by which a writer changes what is on disk (pathlib and shutil go through them too).
DISK_STEPS = ("mkdir", "rename", "replace", "unlink", "rmdir", "fsync")


def _dying_at(step: int, count: Iterator[int], real: Callable[..., object]) -> Callable[..., object]:
    def step_then(*args: object, **kwargs: object) -> object:
        if next(count) == step:
            os.kill(os.getpid(), signal.SIGKILL)
        return real(*args, **kwargs)

    return step_then


def killed_at(step: int, action: Callable[[], object]) -> bool:
    """Run ``action`` in a forked child that SIGKILLs itself just before its ``step``-th disk change.

    True if it was killed; False if it finished with fewer steps (so every step has been tried).
    A fork rather than a new interpreter: the child starts with the tables already built,
    so trying every step of a write costs a fraction of a second each.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # Python 3.12+ warns on fork with threads; the child only writes
        pid = os.fork()
    if pid == 0:
        code = 1
        try:
            count = itertools.count(1)
            for name in DISK_STEPS:
                setattr(os, name, _dying_at(step, count, getattr(os, name)))
            action()
            code = 0
        finally:
            os._exit(code)
    _, status = os.waitpid(pid, 0)
    if os.WIFSIGNALED(status):
        assert os.WTERMSIG(status) == signal.SIGKILL
        return True
    assert os.WEXITSTATUS(status) == 0, f"the writer failed at step {step} instead of being killed"
    return False


def every_crash(template: Path, tmp_path: Path, action: Callable[[Path], object]) -> Iterator[Path]:
    """For each disk step of ``action``: a fresh copy of ``template`` on which ``action`` was killed at that step."""
    for step in itertools.count(1):
        root = tmp_path / f"step-{step}"
        shutil.copytree(template, root)
        if not killed_at(step, lambda root=root: action(root)):
            assert step > 10, f"only {step - 1} disk steps: the fault injection did not reach the write"
            return
        yield root


def test_a_release_killed_before_each_disk_step_leaves_the_previous_one_current_and_whole(fresh_root: Path, tmp_path: Path) -> None:
    old = read_store(fresh_root)
    change_an_input(fresh_root)
    result = build(fresh_root)

    def write(root: Path) -> None:
        with lock(root):
            write_tables(result, root)

    crashes = 0
    for root in every_crash(fresh_root, tmp_path, write):
        crashes += 1
        assert read_store(root).release.id in (old.release.id, release_id(result.build_id))
        assert_intact(root, old.release.id, old.coverage)
        write(root)  # the next writer cleans up and finishes
        assert read_store(root).release.id == release_id(result.build_id) and hidden_leftovers(root) == []
        assert_intact(root, old.release.id, old.coverage)
        shutil.rmtree(root)
    assert crashes > 10


def test_an_ingest_killed_before_each_disk_step_keeps_the_old_release(fresh_root: Path, tmp_path: Path) -> None:
    old = read_store(fresh_root)
    planned = add.plan(edit(LABELS, asean_labels)(tmp_path), fresh_root)
    outcomes = {old.build_id: len(old.coverage), planned.result.build_id: len(old.coverage) + 3}  # none of the file, or all

    def ingest(root: Path) -> None:  # runs in the killed child
        add.build = lambda _root: planned.result  # the tables are a pure function of raw/: only the disk steps matter here
        add.apply(planned, root)  # copies the user's file, which stays where it is

    builds: dict[str, Build] = {}  # a state of raw/ -> the build from it (each state is built once)
    for root in every_crash(fresh_root, tmp_path, ingest):
        assert read_store(root).build_id in outcomes
        assert_intact(root, old.release.id, old.coverage)
        state = json.dumps(snapshot(root / "raw"))
        if state not in builds:
            builds[state] = build(root)  # the next build from raw/ alone
        result = builds[state]
        assert len(result.coverage) == outcomes[result.build_id]
        with lock(root):
            write_tables(result, root)
        assert read_store(root).build_id == result.build_id and hidden_leftovers(root) == []
        shutil.rmtree(root)
    assert {b.build_id for b in builds.values()} == set(outcomes)  # crashes came before and after the raw file was placed


def test_a_prune_killed_before_each_disk_step_loses_only_what_it_was_asked_to(fresh_root: Path, tmp_path: Path) -> None:
    stores = [read_store(fresh_root)]
    change_an_input(fresh_root)
    build_data(fresh_root)
    stores.append(read_store(fresh_root))
    editions = fresh_root / "reference" / "editions.csv"
    editions.write_text(editions.read_text() + "\n")
    build_data(fresh_root)
    stores.append(read_store(fresh_root))
    assert len({s.release.id for s in stores}) == 3
    for root in every_crash(fresh_root, tmp_path, lambda root: prune(root, keep=0)):
        assert read_store(root).release.id == stores[-1].release.id
        kept_ids = {r.id for r in kept(root)}
        for store in stores:
            if store.release.id in kept_ids:
                assert_intact(root, store.release.id, store.coverage)
            else:
                with pytest.raises(DataError, match=f"release {store.release.id}"):
                    read_store(root, store.release.id)
        prune(root, keep=0)
        assert [r.id for r in kept(root)] == [stores[-1].release.id] and hidden_leftovers(root) == []
        shutil.rmtree(root)


def test_two_writers_at_once_one_is_refused(fresh_root: Path) -> None:
    holding = threading.Event()
    release = threading.Event()

    def hold() -> None:
        with lock(fresh_root):
            holding.set()
            release.wait(10)

    thread = threading.Thread(target=hold)
    thread.start()
    holding.wait(10)
    try:
        result = subprocess.run(
            [PYTHON, "-m", "essa_dash.cli", "build-data", "--data-dir", str(fresh_root)], capture_output=True, text=True
        )
    finally:
        release.set()
        thread.join()
    assert result.returncode == 2
    assert "another build or ingest is running" in result.stderr


@pytest.mark.parametrize("damage", ["missing table", "corrupt", "empty", "other build", "no release folder", "bad pointer"])
def test_a_broken_release_at_start_says_how_to_rebuild(fresh_root: Path, tmp_path: Path, damage: str, capsys) -> None:
    release = read_store(fresh_root).release
    path = release.path / "coverage.parquet"
    if damage == "missing table":
        path.unlink()
    elif damage == "corrupt":
        path.write_bytes(path.read_bytes()[:500])
    elif damage == "empty":
        path.write_bytes(b"")
    elif damage == "other build":
        other = tmp_path / "other"
        shutil.copytree(fresh_root, other)
        change_an_input(other)
        build_data(other)
        shutil.copy(open_release(other).path / "risks.parquet", release.path / "risks.parquet")
    elif damage == "no release folder":
        shutil.rmtree(release.path)
    else:
        (fresh_root / "releases" / "CURRENT").write_text("../../etc\n")
    with pytest.raises(DataError, match="build-data"):
        read_store(fresh_root)
    code = main(["serve", "--data-dir", str(fresh_root), "--port", "1"])
    err = capsys.readouterr().err
    assert code == 2 and "run `essa-dash build-data`" in err and "Traceback" not in err and err.count("\n") == 1
    assert main(["build-data", "--data-dir", str(fresh_root)]) == 0  # and the rebuild repairs it
    repaired = read_store(fresh_root)
    assert repaired.release.id == release.id and len(repaired.coverage) > 2000  # the same release, whole again
    assert hidden_leftovers(fresh_root) == []


def test_image_export_recovers_after_the_renderer_crashes(built_root: Path) -> None:
    from essa_dash.app import create_app
    from essa_dash.export import images

    client = create_app(built_root).server.test_client()
    assert client.get("/img/country-bars.png?country=KHM&width=800&height=450").status_code == 200
    pid = images.browser_pid()
    assert pid is not None
    os.kill(pid, signal.SIGKILL)
    # views not drawn before: the first one's (height 450) may already be a stored answer, which meets no browser
    answers = [client.get(f"/img/country-bars.png?country=KHM&width=800&height={460 + i}") for i in range(2)]
    # the request that meets the dead browser may fail with a clear 503; the next one works again
    assert answers[0].status_code in (200, 503)
    if answers[0].status_code == 503:
        assert "could not be rendered" in answers[0].get_json()["error"]
    assert answers[1].status_code == 200, answers[1].get_data(as_text=True)
    assert answers[1].data[:8] == b"\x89PNG\r\n\x1a\n"


def test_a_failed_build_leaves_no_partial_files(fresh_root: Path) -> None:
    before = snapshot(fresh_root)
    (fresh_root / "reference" / "risks.csv").write_text("risk,label\n")
    with pytest.raises(DataError):
        build_data(fresh_root)
    after = snapshot(fresh_root)
    assert {k: v for k, v in after.items() if not k.startswith("reference/")} == {
        k: v for k, v in before.items() if not k.startswith("reference/")
    }
