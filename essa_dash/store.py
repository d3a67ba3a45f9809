"""Load the built Parquet tables once and hand out frames that callers cannot spoil.

pandas 3 copies on write, so the shallow copies handed out here cost nothing and
a caller that modifies one never changes what the next request sees.
"""

from __future__ import annotations

import contextlib
import functools
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Concatenate, ParamSpec, TypeVar

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from essa_dash.errors import DataError
from essa_dash.ingest.build import BUILD_ID_KEY, COMMIT, TABLES, lock, recover
from essa_dash.paths import data_dir

REBUILD_HINT = "run `essa-dash build-data` to rebuild it from data/raw"


@dataclass(frozen=True)
class Store:
    """The tidy tables of one build."""

    root: Path
    build_id: str
    tables: dict[str, pd.DataFrame]

    def table(self, name: str) -> pd.DataFrame:
        return self.tables[name].copy(deep=False)

    @property
    def coverage(self) -> pd.DataFrame:
        return self.table("coverage")

    @property
    def sources(self) -> pd.DataFrame:
        return self.table("sources")

    @property
    def editions(self) -> pd.DataFrame:
        return self.table("editions")

    @property
    def risks(self) -> pd.DataFrame:
        return self.table("risks")

    @property
    def countries(self) -> pd.DataFrame:
        return self.table("countries")

    @property
    def headlines(self) -> pd.DataFrame:
        return self.table("headlines")

    @property
    def population(self) -> pd.DataFrame:
        return self.table("population")


def read_store(root: Path) -> Store:
    """Read every table; a missing, corrupt or mismatched file is a clear error.

    A write that was interrupted after its commit point is completed first, when the
    directory is writable (a read-only snapshot was never half-written).
    """
    if (root / COMMIT).exists():
        with contextlib.suppress(OSError, DataError), lock(root):
            recover(root)
    tables: dict[str, pd.DataFrame] = {}
    build_ids: set[bytes] = set()
    for name in TABLES:
        path = root / f"{name}.parquet"
        if not path.is_file():
            raise DataError(f"missing: {REBUILD_HINT}", path=path)
        try:
            table = pq.read_table(path)
        except (pa.ArrowException, OSError) as err:
            raise DataError(f"unreadable ({type(err).__name__}): {REBUILD_HINT}", path=path) from None
        build_ids.add((table.schema.metadata or {}).get(BUILD_ID_KEY, b""))
        tables[name] = table.to_pandas()
    if len(build_ids) != 1 or b"" in build_ids:
        raise DataError(f"the tables in {root} come from different builds (an interrupted write?): {REBUILD_HINT}")
    return Store(root=root, build_id=build_ids.pop().decode(), tables=tables)


@lru_cache(maxsize=4)
def get_store(root: Path | None = None) -> Store:
    """The store of a data directory, read once per process."""
    return read_store(root or data_dir())


P = ParamSpec("P")
R = TypeVar("R")


def per_build(maxsize: int = 256) -> Callable[[Callable[Concatenate[Store, P], R]], Callable[Concatenate[Store, P], R]]:
    """Memoise a query on (data build, arguments): the tables never change within a build.

    A page, its embeds, images and slides ask the same questions again and again; the
    answer is computed once per process. Arguments are keyed by ``repr`` (the URL
    vocabulary's values are strings, tuples and frozen dataclasses), and the frames
    returned are shared: pandas copies on write, so a caller cannot spoil them.
    """

    def decorate(fn: Callable[Concatenate[Store, P], R]) -> Callable[Concatenate[Store, P], R]:
        cache: OrderedDict[tuple[str, str], R] = OrderedDict()
        lock = threading.Lock()

        @functools.wraps(fn)
        def wrapper(store: Store, *args: P.args, **kwargs: P.kwargs) -> R:
            key = (store.build_id, repr((args, sorted(kwargs.items()))))
            with lock:
                if key in cache:
                    cache.move_to_end(key)
                    return cache[key]
            value = fn(store, *args, **kwargs)
            with lock:
                cache[key] = value
                if len(cache) > maxsize:
                    cache.popitem(last=False)
            return value

        return wrapper

    return decorate
