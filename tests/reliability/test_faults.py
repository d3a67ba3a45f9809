"""Fault tolerance: killed writers, two writers, broken tables at start, a crashed image renderer."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from essa_dash.cli import main
from essa_dash.errors import DataError
from essa_dash.ingest.build import build_data, lock
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


@pytest.mark.parametrize("after", [0.6, 0.9, 1.1, 1.3, 1.5, 1.7, 2.0, 2.5])
def test_a_build_killed_at_any_moment_leaves_one_complete_build(fresh_root: Path, after: float) -> None:
    old = read_store(fresh_root).build_id
    change_an_input(fresh_root)
    run_killed(["build-data", "--data-dir", str(fresh_root)], after)
    store = read_store(fresh_root)  # never a mix: the old build, or the new one completed on read
    new = build_data(fresh_root).build_id
    assert store.build_id in (old, new)
    assert not list(fresh_root.glob(".*.new"))


@pytest.mark.parametrize("after", [0.8, 1.2, 1.6, 2.0, 2.6])
def test_an_ingest_killed_at_any_moment_leaves_the_data_readable(fresh_root: Path, tmp_path: Path, after: float) -> None:
    before = read_store(fresh_root).coverage
    path = edit(LABELS, asean_labels)(tmp_path)
    run_killed(["ingest", str(path), "--data-dir", str(fresh_root)], after)
    store = read_store(fresh_root)
    added = len(store.coverage) - len(before)
    assert added in (0, 3)  # all of the file's rows, or none
    # whatever happened, the next build from raw/ alone is complete and consistent
    rebuilt = build_data(fresh_root)
    assert len(rebuilt.coverage) in (len(before), len(before) + 3)


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


@pytest.mark.parametrize("damage", ["missing", "corrupt", "empty", "other build"])
def test_a_broken_table_at_start_says_how_to_rebuild(fresh_root: Path, tmp_path: Path, damage: str, capsys) -> None:
    path = fresh_root / "coverage.parquet"
    if damage == "missing":
        path.unlink()
        (fresh_root / "risks.parquet").unlink()  # serve rebuilds only when coverage is missing: keep one broken
        path.write_bytes(b"")
    elif damage == "corrupt":
        path.write_bytes(path.read_bytes()[:500])
    elif damage == "empty":
        path.write_bytes(b"")
    else:
        other = tmp_path / "other"
        import shutil

        shutil.copytree(fresh_root, other)
        change_an_input(other)
        build_data(other)
        shutil.copy(other / "risks.parquet", fresh_root / "risks.parquet")
    with pytest.raises(DataError, match="build-data"):
        read_store(fresh_root)
    code = main(["serve", "--data-dir", str(fresh_root), "--port", "1"])
    err = capsys.readouterr().err
    assert code == 2 and "run `essa-dash build-data`" in err and "Traceback" not in err and err.count("\n") == 1
    assert main(["build-data", "--data-dir", str(fresh_root)]) == 0  # and the rebuild repairs it
    assert len(read_store(fresh_root).coverage) > 2000


def test_image_export_recovers_after_the_renderer_crashes(built_root: Path) -> None:
    from essa_dash.app import create_app
    from essa_dash.export import images

    client = create_app(built_root).server.test_client()
    assert client.get("/img/country-bars.png?country=KHM&width=800&height=450").status_code == 200
    pid = images.browser_pid()
    assert pid is not None
    os.kill(pid, signal.SIGKILL)
    answers = [client.get(f"/img/country-bars.png?country=KHM&width=800&height={450 + i}") for i in range(2)]
    # the request that meets the dead browser may fail with a clear 503; the next one works again
    assert answers[0].status_code in (200, 503)
    if answers[0].status_code == 503:
        assert "could not be rendered" in answers[0].get_json()["error"]
    assert answers[1].status_code == 200 and answers[1].data[:8] == b"\x89PNG\r\n\x1a\n"


def test_a_failed_build_leaves_no_partial_files(fresh_root: Path) -> None:
    before = snapshot(fresh_root)
    (fresh_root / "reference" / "risks.csv").write_text("risk,label\n")
    with pytest.raises(DataError):
        build_data(fresh_root)
    after = snapshot(fresh_root)
    assert {k: v for k, v in after.items() if not k.startswith("reference/")} == {
        k: v for k, v in before.items() if not k.startswith("reference/")
    }
