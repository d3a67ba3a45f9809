"""Shared fixtures: a private copy of the data directory, built once per session; which tests share a process.

Tests never write into the checkout's data/: they work on a copy under pytest's
temporary directory, selected with ``root`` arguments or ``ESSA_DATA_DIR``.

``./dev test`` runs the suite in one pytest-xdist worker per core (``--dist loadscope``);
:func:`pytest_xdist_make_scheduler` keeps together the tests that share a costly session
fixture, so it is made once, as in a run of one process.
"""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from essa_dash.ingest.build import build_data
from essa_dash.ingest.reference import Reference
from essa_dash.paths import DEFAULT_DATA_DIR
from essa_dash.store import Store, read_store

FIXTURES = Path(__file__).parent / "fixtures"
FORMATS = FIXTURES / "formats"
#: The modules with tests that read the every_page pass: one worker runs them all (pytest_xdist_make_scheduler).
EVERY_PAGE_MODULES = frozenset(
    f"tests/unit/{name}.py" for name in ("test_chrome", "test_every_view", "test_first_page", "test_readings", "test_serving")
)


def pytest_xdist_make_scheduler(config: pytest.Config, log: Any) -> Any:
    """pytest-xdist's module-by-module scheduling, with two groups of modules each run by one worker, as in one process.

    The groups share a costly session fixture, made once per process: the browser tests (the
    served dashboard and Debian's Chromium, tests/e2e/conftest.py), and the modules reading
    the every_page pass (every page drawn for every view, tests/unit/conftest.py;
    :data:`EVERY_PAGE_MODULES`, checked in :func:`pytest_collection_modifyitems`). The browser
    tests come first in the suite, so they run first in their worker, as in one process (with files
    dealt freely, one worker's Playwright browser died mid-run; the cause was not pinned down).
    (xdist's own ``--dist loadgroup`` marks are not read under pytest 9: the groups are named here.)
    """
    from xdist.scheduler import LoadScopeScheduling

    class Grouped(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            module = nodeid.split("::", 1)[0]
            if module.startswith("tests/e2e/"):
                return "browser"
            return "every-page" if module in EVERY_PAGE_MODULES else module

    return Grouped(config, log)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """A module whose tests read the every_page pass is named in EVERY_PAGE_MODULES (else each worker would draw it)."""
    missing = {item.nodeid.split("::", 1)[0] for item in items if "every_page" in getattr(item, "fixturenames", ())}
    if missing - EVERY_PAGE_MODULES:
        raise pytest.UsageError(f"add {sorted(missing - EVERY_PAGE_MODULES)} to EVERY_PAGE_MODULES in tests/conftest.py")


def copy_data(target: Path) -> Path:
    """A data directory with the checkout's raw/ and reference/ and no built tables."""
    for part in ("raw", "reference"):
        shutil.copytree(DEFAULT_DATA_DIR / part, target / part)
    return target


def snapshot(root: Path) -> dict[str, str]:
    """sha256 of every file under ``root`` (lock file aside): to prove nothing changed."""
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file() and p.name != ".lock"
    }


@pytest.fixture(scope="session")
def built_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data directory built from the real raw files; shared, so never modify it."""
    root = copy_data(tmp_path_factory.mktemp("data"))
    build_data(root)
    return root


@pytest.fixture
def fresh_root(tmp_path: Path, built_root: Path) -> Path:
    """A built data directory of this test's own, free to modify."""
    root = tmp_path / "data"
    shutil.copytree(built_root, root)
    return root


@pytest.fixture(scope="session")
def store(built_root: Path) -> Store:
    return read_store(built_root)


@pytest.fixture(scope="session")
def ref() -> Reference:
    return Reference.load(DEFAULT_DATA_DIR / "reference")


@pytest.fixture(scope="session")
def coverage(store: Store) -> pd.DataFrame:
    return store.coverage
