"""The SDG context series beside coverage: which rows a country panel, a risk page and the pairing chart show.

Frames only (the words are in :mod:`essa_dash.text.context_series`). Context values are
never joined into the coverage table: a pairing puts a coverage row and a context row
side by side, each with its own year, source and unit.

The *headline* row of a series is the one for the whole population it describes: every
breakdown ``total`` (or absent), the age of ``indicators.default_age`` (poverty: all ages;
working poverty: employed people aged 15 or more).
"""

from __future__ import annotations

from typing import Final

import pandas as pd

from essa_dash.query.core import coverage_rows, default_edition, latest_per_cell, member_table
from essa_dash.query.state import State
from essa_dash.schema import CONTEXT_BREAKDOWNS
from essa_dash.schema import Context as X
from essa_dash.schema import Coverage as C
from essa_dash.store import Store, per_build

#: The pairing rule of coverage against informal employment: the same year, else the nearest
#: within this many years (a tie goes to the more recent year). Both years are always shown.
PAIR_WITHIN_YEARS: Final = 3
#: The context series the pairing chart sets against coverage, and the coverage risk it pairs by default.
PAIR_INDICATOR: Final = "informal_employment"
PAIR_DEFAULT_RISK: Final = "old_age"
#: Reference areas drawn beside the Member States on the country panel.
REFERENCES: Final = ("SE_ASIA", "WLD")
PAIR_COLUMNS: Final = [
    X.iso3,
    X.country,
    "coverage_pct",
    "coverage_year",
    "coverage_source_id",
    "context_value",
    "context_year",
    "context_source_id",
    "years_apart",
    "paired",
]


def indicators(store: Store) -> pd.DataFrame:
    """The context indicators in the order of indicators.csv, indexed by id."""
    return store.indicators.set_index("indicator")


@per_build(maxsize=8)
def headline_rows(store: Store) -> pd.DataFrame:
    """Every headline row of every series (see the module docstring), in key order."""
    context = store.context
    mask = pd.Series(True, index=context.index)
    for col in CONTEXT_BREAKDOWNS:
        if col != X.age:
            mask &= context[col].isna() | (context[col] == "total")
    default_age = context[X.indicator].map(indicators(store)["default_age"].replace("", pd.NA))
    mask &= (context[X.age].isna() & default_age.isna()) | (context[X.age] == default_age)
    return context[mask]


def series(store: Store, *, areas: list[str], indicator_ids: list[str] | None = None) -> pd.DataFrame:
    """Headline rows of ``areas`` (and of ``indicator_ids``, default all), by indicator order, area order, year."""
    rows = headline_rows(store)
    ids = list(indicators(store).index) if indicator_ids is None else indicator_ids
    rows = rows[rows[X.iso3].isin(areas) & rows[X.indicator].isin(ids)]
    order = {**{i: n for n, i in enumerate(ids)}}
    place = {a: n for n, a in enumerate(areas)}
    return (
        rows.assign(_i=rows[X.indicator].map(order), _a=rows[X.iso3].map(place))
        .sort_values(["_i", "_a", X.year])
        .drop(columns=["_i", "_a"])
    )


def latest(rows: pd.DataFrame, *, areas: list[str], indicator_ids: list[str]) -> pd.DataFrame:
    """One row per (indicator, area) asked for: the latest year and value, both missing where there is none."""
    found = rows.sort_values(X.year).drop_duplicates([X.indicator, X.iso3], keep="last")
    grid = pd.MultiIndex.from_product([indicator_ids, areas], names=[X.indicator, X.iso3]).to_frame(index=False)
    return grid.merge(found, on=[X.indicator, X.iso3], how="left")


def country_panel(store: Store, iso3: str) -> pd.DataFrame:
    """The country panel's rows: the latest headline value of every series for ``iso3`` (missing: no data)."""
    ids = list(indicators(store).index)
    table = latest(series(store, areas=[iso3]), areas=[iso3], indicator_ids=ids)
    names = store.countries.set_index("iso3")["short_name"]
    return table.assign(**{X.country: names[iso3]})


def for_risk(store: Store, risk: str) -> list[str]:
    """The context series that help explain a risk's coverage (indicators.csv ``explains``), in table order."""
    table = indicators(store)
    return [i for i, cell in table["explains"].items() if risk in cell.split(";")]


def pairs(store: Store, *, risk: str = PAIR_DEFAULT_RISK, edition: str | None = None, within: int = PAIR_WITHIN_YEARS) -> pd.DataFrame:
    """Coverage of ``risk`` beside informal employment for each Member State, paired by the stated rule.

    Coverage is each Member State's latest figure of ``edition`` (default: the default
    edition) for the whole population; informal employment is the headline value (all
    activities, both sexes) of the same year, else of the nearest year within ``within``
    years (a tie: the more recent). ``paired`` is False where either side has no value
    or the years are further apart; those countries keep their row, with what is known.
    """
    edition = edition or default_edition(store)
    states = member_table(store)
    coverage = coverage_rows(store, countries=states["iso3"], risks=[risk], sexes=["total"], editions=[edition])
    coverage = latest_per_cell(coverage).set_index(C.iso3)
    informal = series(store, areas=list(states["iso3"]), indicator_ids=[PAIR_INDICATOR])
    out = []
    for iso3, name in zip(states["iso3"], states["short_name"], strict=True):
        row: dict[str, object] = dict.fromkeys(PAIR_COLUMNS)
        row |= {X.iso3: iso3, X.country: name, "paired": False}
        if iso3 in coverage.index:
            cov = coverage.loc[iso3]
            row |= {"coverage_pct": float(cov[C.coverage_pct]), "coverage_year": int(cov[C.year]), "coverage_source_id": cov[C.source_id]}
        candidates = informal[informal[X.iso3] == iso3]
        if row["coverage_year"] is not None and len(candidates):
            apart = (candidates[X.year].astype("int64") - int(row["coverage_year"])).abs()
            # nearest first, then the more recent of two equally near years
            best = candidates.assign(_apart=apart).sort_values(["_apart", X.year], ascending=[True, False]).iloc[0]
            if best["_apart"] <= within:
                row |= {
                    "context_value": float(best[X.value]),
                    "context_year": int(best[X.year]),
                    "context_source_id": best[X.source_id],
                    "years_apart": int(best["_apart"]),
                    "paired": True,
                }
        if not row["paired"] and len(candidates):
            # say what is known even without a pair: the latest informal-employment value
            last = candidates.iloc[-1]
            row |= {"context_value": float(last[X.value]), "context_year": int(last[X.year]), "context_source_id": last[X.source_id]}
        out.append(row)
    frame = pd.DataFrame(out, columns=PAIR_COLUMNS)
    return frame.astype(
        {"coverage_pct": "float64", "context_value": "float64", "coverage_year": "Int16", "context_year": "Int16", "years_apart": "Int16"}
    )


#: The URL parameters a view of the context table understands (the same vocabulary as coverage's).
CONTEXT_PARAMS: Final = ("table", "country", "indicator", "sex", "year", "year_from", "year_to", "latest")


def select_context(context: pd.DataFrame, state: State) -> pd.DataFrame:
    """The context rows a URL state asks for: the one filter behind the explorer's context table and the API.

    ``sex`` keeps the rows of that sex, so a series without a sex breakdown (the UHC index)
    is left out by any sex filter; ``latest`` keeps the most recent year of each series
    (source, area, indicator and every breakdown) after the other filters.
    """
    mask = pd.Series(True, index=context.index)
    if state.country:
        mask &= context[X.iso3].isin(state.country)
    if state.indicator:
        mask &= context[X.indicator].isin(state.indicator)
    if state.sex:
        mask &= context[X.sex].eq(state.sex).fillna(False)
    low = state.year if state.year is not None else state.year_from
    high = state.year if state.year is not None else state.year_to
    if low is not None:
        mask &= context[X.year].ge(low).fillna(False)
    if high is not None:
        mask &= context[X.year].le(high).fillna(False)
    rows = context[mask]
    if state.latest:
        series = [X.source_id, X.iso3, X.indicator, *CONTEXT_BREAKDOWNS]
        rows = rows.sort_values(X.year, kind="stable").drop_duplicates(series, keep="last").sort_index()
    return rows
