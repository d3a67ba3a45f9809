"""Time and size of each export format, for the full coverage table and a typical filtered view.

Run with ``.venv/bin/python bench/bench_exports.py``. The data is built from the
checkout's raw/ and reference/ into a temporary directory (as the tests do), so the
numbers never depend on whatever data/*.parquet happen to be lying around and the
checkout is never written to. Each case runs 5 times and the median is printed:
the first call pays for imports and caches, the median is what a request costs.
"""

from __future__ import annotations

import shutil
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import TypeVar

import pandas as pd

from essa_dash.export.tables import FORMATS, export_frame
from essa_dash.ingest.build import build_data
from essa_dash.paths import DEFAULT_DATA_DIR
from essa_dash.query import filter_coverage
from essa_dash.store import Store, read_store

RUNS = 5
EXPORTED_AT = datetime(2026, 11, 22, tzinfo=UTC)
T = TypeVar("T")


def built_store(target: Path) -> Store:
    """The tables built from a private copy of raw/ and reference/ (see tests/conftest.copy_data)."""
    for part in ("raw", "reference"):
        shutil.copytree(DEFAULT_DATA_DIR / part, target / part)
    build_data(target)
    return read_store(target)


def median_seconds(action: Callable[[], T], runs: int = RUNS) -> tuple[float, T]:
    """Median wall time of ``runs`` calls, and the last result."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        result = action()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def bench(label: str, rows: pd.DataFrame, store: Store, filters: dict[str, str]) -> None:
    seconds, frame = median_seconds(lambda: export_frame(rows, store))
    print(f"\n{label}: {len(frame):,} rows x {len(frame.columns)} columns ({len(frame) * len(frame.columns):,} cells)")
    print(f"  {'export_frame':<14} {seconds * 1000:9.1f} ms")
    for fmt, (_, writer) in FORMATS.items():
        seconds, data = median_seconds(lambda writer=writer: writer(frame, store, filters=filters, exported_at=EXPORTED_AT))
        print(f"  {fmt:<14} {seconds * 1000:9.1f} ms  {len(data) / 1024:9.1f} KiB")


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="essa-bench-") as tmp:
        store = built_store(Path(tmp))
        print(f"data build {store.build_id[:12]}; median of {RUNS} runs")
        bench("full table (store.coverage)", store.coverage, store, {})
        filters = {"country": "KHM,IDN,LAO,VNM", "risk": "old_age,children,maternity", "edition": "ILOSTAT 2025"}
        view = filter_coverage(
            store.coverage,
            countries=["KHM", "IDN", "LAO", "VNM"],
            risks=["old_age", "children", "maternity"],
            editions=["ILOSTAT 2025"],
        )
        bench("typical view (4 countries, 3 risks, ILOSTAT 2025, all sexes)", view, store, filters)


if __name__ == "__main__":
    main()
