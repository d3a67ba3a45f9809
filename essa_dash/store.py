"""Load a data release's tables once and hand out frames that callers cannot spoil.

pandas 3 copies on write, so the shallow copies handed out here cost nothing and
a caller that modifies one never changes what the next request sees.

The current release is read once per process; any other kept release can be opened by
its id (``get_store(root, release=id)``), for pinned links that must show the same
figures for years: those are cached too, a few at a time.
"""

from __future__ import annotations

import functools
import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Concatenate, ParamSpec, TypeVar

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from essa_dash.errors import DataError
from essa_dash.ingest.build import TABLES
from essa_dash.paths import data_dir
from essa_dash.releases.disk import BUILD_ID_KEY, Release, check_id, current_id, open_release
from essa_dash.schema import CONTEXT_COLUMNS, COVERAGE_COLUMNS
from essa_dash.text import names
from essa_dash.text.context import current_language

REBUILD_HINT = "run `essa-dash build-data` to rebuild it from data/raw"
#: Releases other than the current one held in memory at once (pinned links name a few at a time).
PINNED_RELEASES = 8


@dataclass(frozen=True)
class Store:
    """The tidy tables of one data release."""

    root: Path
    release: Release
    tables: dict[str, pd.DataFrame]
    #: (table, language) -> the table named in that language (:meth:`_named`); not an init field, so
    #: ``dataclasses.replace`` with other tables starts an empty one
    _in_language: dict[tuple[str, str], pd.DataFrame] = field(default_factory=dict, init=False, compare=False, repr=False)

    @property
    def build_id(self) -> str:
        return self.release.build_id

    def table(self, name: str) -> pd.DataFrame:
        return self.tables[name].copy(deep=False)

    def _named(self, name: str, name_it: Callable[[pd.DataFrame], pd.DataFrame]) -> pd.DataFrame:
        """A table with its reader-facing names in the current language, named once per language.

        Naming maps every row through the catalog (the coverage table: 2,605 country names), and
        a page reads these tables dozens of times; the tables and the catalogs never change
        within a build. A fresh shallow copy is handed out each time, as :meth:`table` does.
        """
        key = (name, current_language())
        named = self._in_language.get(key)
        if named is None:
            named = self._in_language.setdefault(key, name_it(self.table(name)))
        return named.copy(deep=False)

    # Reference names reach every reader in the language being written (codes never change): see text.names.
    @property
    def coverage(self) -> pd.DataFrame:
        return self._named("coverage", lambda table: names.coverage(table, self.tables["countries"]))

    @property
    def sources(self) -> pd.DataFrame:
        return self.table("sources")

    @property
    def editions(self) -> pd.DataFrame:
        return self._named("editions", lambda table: names.translated(table, "editions"))

    @property
    def risks(self) -> pd.DataFrame:
        return self._named("risks", lambda table: names.translated(table, "risks"))

    @property
    def countries(self) -> pd.DataFrame:
        return self._named("countries", names.countries)

    @property
    def headlines(self) -> pd.DataFrame:
        return self._named("headlines", lambda table: names.translated(table, "headlines"))

    @property
    def population(self) -> pd.DataFrame:
        return self.table("population")

    @property
    def context(self) -> pd.DataFrame:
        """The SDG context series (schema.Context): another table, never mixed into ``coverage``."""
        return self.table("context")

    @property
    def indicators(self) -> pd.DataFrame:
        """What each context indicator is: SDG number, the UN's label, unit, definition, custodian."""
        return self._named("indicators", lambda table: names.translated(table, "indicators"))


def _read_table(release: Release, name: str) -> pd.DataFrame:
    """One table, checked against the release's datapackage.json: same bytes, same build."""
    resource = release.resources.get(name)
    if resource is None:
        raise DataError(f"release {release.id} (version {release.version}) has no {name} table (an older table layout): {REBUILD_HINT}")
    path = release.path / f"{name}.parquet"
    try:
        data = path.read_bytes()
    except OSError as err:
        raise DataError(f"unreadable ({err.strerror or type(err).__name__}): {REBUILD_HINT}", path=path) from None
    if resource["hash"] != f"sha256:{hashlib.sha256(data).hexdigest()}":
        raise DataError(f"differs from the release's datapackage.json (sha256): the release is damaged; {REBUILD_HINT}", path=path)
    try:
        table = pq.read_table(pa.BufferReader(data))
    except (pa.ArrowException, OSError) as err:
        raise DataError(f"unreadable ({type(err).__name__}): {REBUILD_HINT}", path=path) from None
    if (table.schema.metadata or {}).get(BUILD_ID_KEY, b"").decode() != release.build_id:
        raise DataError(f"comes from another build than release {release.id}: {REBUILD_HINT}", path=path)
    return table.to_pandas()


def read_store(root: Path, release: str | None = None) -> Store:
    """Read every table of a release (None: the current one); a missing, damaged or unknown release is a clear error.

    Every file is checked against the sha256 its datapackage.json records (about a
    millisecond for all of them), so what is served is exactly what was built. A release
    whose coverage table has other columns than this version of ESSA Dash reads is refused
    rather than shown wrongly.
    """
    for attempt in range(2):
        found = open_release(root, release)
        try:
            tables = {name: _read_table(found, name) for name in TABLES}
        except DataError:
            # a build and a prune may have replaced the current release while it was read: read the new one
            if release is None and attempt == 0 and current_id(root) != found.id:
                continue
            raise
        break
    if list(tables["coverage"].columns) != COVERAGE_COLUMNS or list(tables["context"].columns) != CONTEXT_COLUMNS:
        raise DataError(
            f"release {found.id} (version {found.version}) has another table layout than this version of ESSA Dash reads: {REBUILD_HINT}"
        )
    return Store(root=root, release=found, tables=tables)


@lru_cache(maxsize=4)
def _current(root: Path) -> Store:
    return read_store(root)


@lru_cache(maxsize=PINNED_RELEASES)
def _pinned(root: Path, release: str) -> Store:
    return read_store(root, release)


def get_store(root: Path | None = None, release: str | None = None) -> Store:
    """The store of a data directory's current release, or of the kept release ``release``: read once per process.

    ``release`` is validated as an id (it comes from URLs); an unknown or pruned one is a
    DataError that says which. The same old release asked for again and again is read once
    (the :data:`PINNED_RELEASES` most recently used are kept in memory).
    """
    root = data_dir() if root is None else root
    if release is None:
        return _current(root)
    rid = check_id(release)
    current = _current(root)
    return current if current.release.id == rid else _pinned(root, rid)


P = ParamSpec("P")
R = TypeVar("R")


def per_build(maxsize: int = 256) -> Callable[[Callable[Concatenate[Store, P], R]], Callable[Concatenate[Store, P], R]]:
    """Memoise a query on (data build, language, arguments): the tables never change within a build.

    A page, its embeds, images and slides ask the same questions again and again; the
    answer is computed once per process. Arguments are keyed by ``repr`` (the URL
    vocabulary's values are strings, tuples and frozen dataclasses), and the frames
    returned are shared: pandas copies on write, so a caller cannot spoil them.
    """

    def decorate(fn: Callable[Concatenate[Store, P], R]) -> Callable[Concatenate[Store, P], R]:
        cache: OrderedDict[tuple[str, str, str], R] = OrderedDict()
        lock = threading.Lock()

        @functools.wraps(fn)
        def wrapper(store: Store, *args: P.args, **kwargs: P.kwargs) -> R:
            # the language is part of the key: the same view in Vietnamese is another answer
            key = (store.build_id, current_language(), repr((args, sorted(kwargs.items()))))
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


@per_build()
def lookup(store: Store, table: str, key: str, column: str) -> dict[Any, Any]:
    """One column of a store table by its key (``lookup(store, "risks", "risk", "label")["old_age"]``), once per build and language.

    A view names its risk, edition and region in many places (titles, notes, readings); indexing the
    table for each (``set_index(key).loc[value, column]``) cost 0.3-0.4 ms a name. The dict is shared: read it, never change it.
    """
    frame = getattr(store, table)
    return dict(zip(frame[key], frame[column], strict=True))
