"""All filtering of the tidy table, shared by pages, exports and the API.

Pure functions: frames in, frames or plain values out. Nothing here knows about
Dash, so the same call gives the page, a notebook and an export the same rows.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import pandas as pd

from essa_dash.query.state import State
from essa_dash.schema import Coverage as C
from essa_dash.store import Store, per_build

#: The default of data releases built before ``editions.is_default`` existed (it was this constant then);
#: pinned links to such a release keep showing what they showed.
LEGACY_DEFAULT_EDITION = "ILOSTAT 2025"


def default_edition(store: Store) -> str:
    """The edition pages and readings show unless the URL names another.

    It is data, not code: ``editions.is_default`` (exactly one, checked at build time), which an
    ingest of a newer complete release of the same database moves (data/README.md, "Default edition").
    """
    editions = store.editions
    if "is_default" not in editions.columns:
        return LEGACY_DEFAULT_EDITION
    return str(editions.loc[editions["is_default"], "edition"].iloc[0])


def filter_coverage(
    coverage: pd.DataFrame,
    *,
    countries: Iterable[str] | None = None,
    risks: Iterable[str] | None = None,
    sexes: Iterable[str] | None = None,
    editions: Iterable[str] | None = None,
    kinds: Iterable[str] | None = None,
    sources: Iterable[str] | None = None,
    year_from: int | None = None,
    year_to: int | None = None,
    include_withdrawn: bool = False,
) -> pd.DataFrame:
    """Rows matching every given filter (None means no filter on that column).

    Withdrawn values (a later release replaced them) are left out unless asked for.
    """
    masks = coverage_masks(
        coverage,
        countries=countries,
        risks=risks,
        sexes=sexes,
        editions=editions,
        kinds=kinds,
        sources=sources,
        year_from=year_from,
        year_to=year_to,
        include_withdrawn=include_withdrawn,
    )
    return coverage[all_of(coverage, masks.values())]


def coverage_rows(
    store: Store,
    *,
    countries: Iterable[str] | None = None,
    risks: Iterable[str] | None = None,
    sexes: Iterable[str] | None = None,
    editions: Iterable[str] | None = None,
    include_withdrawn: bool = False,
) -> pd.DataFrame:
    """:func:`filter_coverage` of the store's coverage table, computed once per build, language and filter.

    A page asks the same few selections again and again (a country's rows for its editions, its
    notices and each of its charts; a risk's rows for every panel), and each selection takes
    every string column of the 2,605-row table (about 1-2 ms); across views they repeat too.
    The filters are keyed as sorted tuples (their order never changes the rows), and each
    caller gets its own shallow copy, so setting a column on it cannot reach the next caller.
    """
    return _coverage_rows(store, _as_key(countries), _as_key(risks), _as_key(sexes), _as_key(editions), include_withdrawn).copy(deep=False)


def _as_key(values: Iterable[str] | None) -> tuple[str, ...] | None:
    return None if values is None else tuple(sorted(set(values)))


@per_build(maxsize=256)
def _coverage_rows(
    store: Store,
    countries: tuple[str, ...] | None,
    risks: tuple[str, ...] | None,
    sexes: tuple[str, ...] | None,
    editions: tuple[str, ...] | None,
    include_withdrawn: bool,
) -> pd.DataFrame:
    return filter_coverage(
        store.coverage, countries=countries, risks=risks, sexes=sexes, editions=editions, include_withdrawn=include_withdrawn
    )


def coverage_masks(
    coverage: pd.DataFrame,
    *,
    countries: Iterable[str] | None = None,
    risks: Iterable[str] | None = None,
    sexes: Iterable[str] | None = None,
    editions: Iterable[str] | None = None,
    kinds: Iterable[str] | None = None,
    sources: Iterable[str] | None = None,
    year_from: int | None = None,
    year_to: int | None = None,
    include_withdrawn: bool = False,
) -> dict[str, pd.Series]:
    """The rows each given filter keeps, as one mask per filter named by the column it reads (years: ``year_from``, ``year_to``).

    Kept apart so that the explorer's counts ("how many rows with this filter changed")
    combine the masks of the other filters instead of filtering the table once per filter.
    """
    masks: dict[str, pd.Series] = {}
    wanted_by_column = (
        (C.iso3, countries),
        (C.risk, risks),
        (C.sex, sexes),
        (C.edition, editions),
        (C.coverage_kind, kinds),
        (C.source_id, sources),
    )
    for column, wanted in wanted_by_column:
        if wanted is not None:
            masks[column] = coverage[column].isin(list(wanted))
    if year_from is not None:
        masks["year_from"] = coverage[C.year].ge(year_from).fillna(False)
    if year_to is not None:
        masks["year_to"] = coverage[C.year].le(year_to).fillna(False)
    if not include_withdrawn:
        masks[C.withdrawn] = ~coverage[C.withdrawn]
    return masks


def all_of(coverage: pd.DataFrame, masks: Iterable[pd.Series]) -> pd.Series:
    """The rows every mask keeps (all rows when there is none)."""
    mask = pd.Series(True, index=coverage.index)
    for each in masks:
        mask &= each
    return mask


def latest_per_cell(coverage: pd.DataFrame) -> pd.DataFrame:
    """The most recent year of each (edition, country, risk, sex) series; undated rows never win."""
    dated = coverage[coverage[C.year].notna()]
    order = dated.sort_values([C.year], kind="stable")
    return order.drop_duplicates([C.source_id, C.iso3, C.risk, C.sex], keep="last").sort_index()


def default_sex(risks: pd.DataFrame) -> dict[str, str]:
    """The sex a risk is measured for by default (maternity: women; all others: total)."""
    return dict(zip(risks["risk"], risks["default_sex"], strict=True))


def member_states(countries: pd.DataFrame) -> pd.DataFrame:
    """The 11 ASEAN Member States, in alphabetical order of their short names."""
    return countries[countries["is_asean_member"]].sort_values("short_name")


@per_build()
def member_table(store: Store) -> pd.DataFrame:
    """:func:`member_states` of the store's countries, sorted once per build and language.

    Every view asks for the Member States several times (its controls, each chart, its notes), and
    filtering and sorting the countries table costs about 0.8 ms each time; the frame is shared
    (pandas copies on write).
    """
    return member_states(store.countries)


def core_risks(risks: pd.DataFrame) -> pd.DataFrame:
    """The ten risks of the dashboard, in the order of risks.csv."""
    return risks[risks["is_core"]]


def select(coverage: pd.DataFrame, state: State) -> pd.DataFrame:
    """The rows a URL state asks for: the one filter behind the explorer, every export and the API.

    Empty selections mean "all"; ``year`` keeps one year, ``latest`` keeps the most
    recent year of each (edition, country, risk, sex) series after the other filters.
    """
    rows = filter_coverage(coverage, **state_filters(state))
    return latest_per_cell(rows) if state.latest else rows


def state_filters(state: State) -> dict[str, Any]:
    """The filters of :func:`filter_coverage` (and :func:`coverage_masks`) a URL state asks for."""
    return {
        "countries": state.country or None,
        "risks": state.risk or None,
        "sexes": [state.sex] if state.sex else None,
        "editions": [state.edition] if state.edition else None,
        "kinds": state.kind or None,
        "sources": state.source or None,
        "year_from": state.year if state.year is not None else state.year_from,
        "year_to": state.year if state.year is not None else state.year_to,
        "include_withdrawn": bool(state.include_withdrawn),
    }
