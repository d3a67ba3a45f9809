"""The data explorer's questions: the filtered rows, and how many rows each filter value would give."""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import pandas as pd

from essa_dash.query.context import select_context
from essa_dash.query.core import all_of, coverage_masks, select, state_filters
from essa_dash.query.state import PAGE_SIZE, SHOWN_COLUMNS, Problem, State
from essa_dash.schema import Context as X
from essa_dash.schema import Coverage as C
from essa_dash.store import Store

#: URL parameter -> the column it filters, for the facet counts.
FACETS = {"country": C.iso3, "risk": C.risk, "sex": C.sex, "edition": C.edition, "kind": C.coverage_kind, "source": C.source_id}
#: What the table is made from (the flags in words are added by the page); every export carries the full set of columns.
TABLE_COLUMNS = [
    C.country, "risk_label", C.sex, C.year, C.coverage_pct, C.coverage_kind, C.edition,
    C.source_id, C.source_location, C.obs_status, C.nature, C.note, C.obs_flags,
]  # fmt: skip


@dataclass(frozen=True)
class FacetOption:
    """One value of a filter, with the number of rows it would give with the other filters kept."""

    value: str
    label: str
    count: int


def facets(store: Store, state: State) -> dict[str, list[FacetOption]]:
    """Per filter, every known value with its row count (Datasette-style facets).

    Each count keeps every other filter, so it answers "how many rows would I get if I
    picked this value instead". Values with 0 rows are kept (greyed out by the page)
    unless they are selected nowhere and unknown to the data entirely.
    """
    labels = {
        "country": dict(zip(store.countries["iso3"], store.countries["short_name"], strict=True)),
        "risk": dict(zip(store.risks["risk"], store.risks["label"], strict=True)),
        "sex": {s: s.capitalize() for s in ("total", "female", "male")},
        "edition": dict(zip(store.editions["edition"], store.editions["label"], strict=True)),
        "kind": {k: k for k in ("effective", "legal", "survey", "access")},
        "source": dict(zip(store.sources["source_id"], store.sources["source_id"], strict=True)),
    }
    coverage = store.coverage
    # each filter's rows once; a count combines the others' (filtering the whole table once per
    # filter was most of a first /data view). The latest value per series depends on every filter kept.
    masks = coverage_masks(coverage, **state_filters(state))
    out = {}
    for param, column in FACETS.items():
        if state.latest:
            cleared = replace(state, **{param: () if param in ("country", "risk", "kind", "source") else None})
            counts = select(coverage, cleared)[column].value_counts()
        else:
            counts = coverage.loc[all_of(coverage, (m for name, m in masks.items() if name != column)), column].value_counts()
        out[param] = [FacetOption(value, label, int(counts.get(value, 0))) for value, label in labels[param].items()]
    return out


def rows(store: Store, state: State) -> pd.DataFrame:
    """The rows of the view, with the readable columns the table shows."""
    selected = select(store.coverage, state)
    labels = store.risks.set_index("risk")["short_label"]
    return selected.assign(risk_label=selected[C.risk].map(labels))[TABLE_COLUMNS]


@dataclass(frozen=True)
class TablePage:
    """One page of a view's rows in the order its URL asks for."""

    rows: pd.DataFrame
    number: int  # from 1
    pages: int
    total: int  # rows of the whole view: what downloads and the API hold

    @property
    def first(self) -> int:
        """The place of the page's first row in the view, from 1 (0 when the view has no rows)."""
        return (self.number - 1) * PAGE_SIZE + 1 if self.total else 0

    @property
    def last(self) -> int:
        return (self.number - 1) * PAGE_SIZE + len(self.rows)


def table_page(frame: pd.DataFrame, state: State, problems: list[Problem]) -> TablePage:
    """The page of ``frame`` that ``state`` asks for (``sort``, ``desc``, ``page``), as the reader sees the values.

    Sorted on the values as shown (words in the page's language, numbers as numbers); missing
    values go last either way and ties keep the query's order, so a page is the same on every
    visit. A page past the last is a problem of the link, like any unknown value: the first is shown.
    """
    if state.sort in frame.columns:
        frame = frame.sort_values(state.sort, ascending=not state.desc, na_position="last", kind="stable", key=_sort_key)
    pages = max(1, math.ceil(len(frame) / PAGE_SIZE))
    number = state.page or 1
    if number > pages:
        problems.append(Problem.of("page", str(number), "page_past_last", ("1", str(pages)), pages=pages))
        number = 1
    start = (number - 1) * PAGE_SIZE
    return TablePage(frame.iloc[start : start + PAGE_SIZE], number, pages, len(frame))


def _sort_key(column: pd.Series) -> pd.Series:
    """Text sorts as a reader expects (upper and lower case together), numbers as numbers."""
    return column.str.casefold() if column.dtype == object or pd.api.types.is_string_dtype(column) else column


def pandas_snippet(base_url: str, query: str, table: str = "coverage") -> str:
    """A one-line pandas call that loads exactly this view (of ``table``: coverage or context)."""
    return f'pd.read_csv("{base_url}api/v1/{table}.csv{query}", encoding="utf-8-sig")'


# -- the context table (the explorer's table switch) --------------------------------------------

#: URL parameter -> the context column it filters, for the facet counts.
CONTEXT_FACETS = {"country": X.iso3, "indicator": X.indicator, "sex": X.sex}


def context_facets(store: Store, state: State) -> dict[str, list[FacetOption]]:
    """Like :func:`facets`, for the context table's filters."""
    labels = {
        "country": dict(zip(store.countries["iso3"], store.countries["short_name"], strict=True)),
        "indicator": dict(zip(store.indicators["indicator"], store.indicators["short_label"], strict=True)),
        "sex": {s: s.capitalize() for s in ("total", "female", "male")},
    }
    out = {}
    for param, column in CONTEXT_FACETS.items():
        cleared = replace(state, **{param: () if param in ("country", "indicator") else None})
        counts = select_context(store.context, cleared)[column].value_counts()
        out[param] = [FacetOption(value, label, int(counts.get(value, 0))) for value, label in labels[param].items()]
    return out


def context_rows(store: Store, state: State) -> pd.DataFrame:
    """The context rows of the view, with the series' short label, as the table shows them."""
    selected = select_context(store.context, state)
    labels = store.indicators.set_index("indicator")["short_label"]
    return selected.assign(indicator_label=selected[X.indicator].map(labels))[list(SHOWN_COLUMNS["context"])]
