"""Shared fixtures: a private copy of the data directory, built once per session.

Tests never write into the checkout's data/: they work on a copy under pytest's
temporary directory, selected with ``root`` arguments or ``ESSA_DATA_DIR``.
"""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pandas as pd
import pytest

from essa_dash.ingest.build import build_data
from essa_dash.ingest.reference import Reference
from essa_dash.paths import DEFAULT_DATA_DIR
from essa_dash.store import Store, read_store

FIXTURES = Path(__file__).parent / "fixtures"
FORMATS = FIXTURES / "formats"


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
