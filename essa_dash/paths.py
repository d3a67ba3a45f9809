"""Every directory the project uses, derived from one root.

Imports nothing of ours so that any module can use it. The data directory can be
moved with ``ESSA_DATA_DIR`` (or ``--data-dir`` on the command line), which lets
tests and the ingest command work on a copy without touching the checkout.
"""

from __future__ import annotations

import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = PACKAGE_DIR.parent
ASSETS_DIR = PROJECT_DIR / "assets"
DEFAULT_DATA_DIR = PROJECT_DIR / "data"


def data_dir(override: str | os.PathLike[str] | None = None) -> Path:
    """The data directory: explicit argument > ``ESSA_DATA_DIR`` > ``<checkout>/data``."""
    if override:
        return Path(override).resolve()
    env = os.environ.get("ESSA_DATA_DIR")
    return Path(env).resolve() if env else DEFAULT_DATA_DIR


def raw_dir(root: Path) -> Path:
    """Raw files exactly as published, one folder per dataset with a provenance.json."""
    return root / "raw"


def reference_dir(root: Path) -> Path:
    """Hand-curated metadata (countries, risks, sources, editions, headlines) as CSV."""
    return root / "reference"


def releases_dir(root: Path) -> Path:
    """Built tables, one immutable folder per data release, and the pointer to the current one."""
    return root / "releases"
