"""Share a costly pass of the suite between processes, one per core.

Two passes are the longest work of one pytest worker (``./dev test`` runs one per core): every page drawn
for every view (tests/unit/conftest.py) and every chart measured in its longest translation
(tests/unit/test_longest_translation.py). Each is a loop over independent items, so its items
are dealt out to fresh processes and the answers put back together. "spawn", not "fork":
the suite has threads (Playwright's, the renderer's) by the time these passes run, and a
forked child could inherit a lock one of them holds.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from typing import Any, TypeVar

T = TypeVar("T")
R = TypeVar("R")


def in_processes(work: Callable[[Any, list[T]], R], shared: Any, items: list[T]) -> list[R]:
    """``work(shared, part)`` for each part of ``items``, one part per core, in parallel (in order of parts).

    Items are dealt round-robin, so costly neighbours (one country's pages) are spread over the
    parts. ``work`` must be importable by name and its arguments and answer picklable.
    """
    workers = max(1, min(len(items), os.cpu_count() or 1))
    if workers == 1:
        return [work(shared, items)]
    parts = [items[start::workers] for start in range(workers)]
    with ProcessPoolExecutor(max_workers=workers, mp_context=get_context("spawn")) as pool:
        return list(pool.map(work, [shared] * workers, parts))
