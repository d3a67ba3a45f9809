"""The contract of the tidy tables: the one place that names their columns.

Every loader returns frames with exactly :data:`COVERAGE_COLUMNS`; the build
validates the concatenated table with :func:`validate_coverage` before anything is
written, so a page, an export or the API can rely on these invariants:

* one row per (source_id, iso3, risk, sex, year): an edition never holds two values
  for the same cell;
* ``coverage_pct`` is the published figure, finite and within 0-100 (the gap,
  100 - coverage, is derived when shown and never stored);
* every code (country, risk, source, edition, kind, sex) is one the reference
  tables know.
"""

from __future__ import annotations

from typing import Final

import numpy as np
import pandas as pd

from essa_dash.errors import DataError
from essa_dash.text.translate import mark  # the kinds' meanings are read in the reader's language


class Coverage:
    """Column names of ``coverage.parquet``."""

    iso3: Final = "iso3"
    country: Final = "country"
    is_aggregate: Final = "is_aggregate"
    risk: Final = "risk"
    sex: Final = "sex"
    year: Final = "year"
    coverage_pct: Final = "coverage_pct"
    coverage_kind: Final = "coverage_kind"
    source_id: Final = "source_id"
    edition: Final = "edition"
    source_location: Final = "source_location"
    obs_status: Final = "obs_status"
    nature: Final = "nature"
    note: Final = "note"
    obs_flags: Final = "obs_flags"
    withdrawn: Final = "withdrawn"


C = Coverage

#: Columns a loader fills in; the build adds the rest from the reference tables
#: (country names, coverage kind of the risk, edition and status of the source).
LOADER_COLUMNS: Final = [
    C.iso3,
    C.risk,
    C.sex,
    C.year,
    C.coverage_pct,
    C.source_id,
    C.source_location,
    C.obs_status,
    C.nature,
    C.note,
    C.obs_flags,
]

COVERAGE_COLUMNS: Final = [
    C.iso3,
    C.country,
    C.is_aggregate,
    C.risk,
    C.sex,
    C.year,
    C.coverage_pct,
    C.coverage_kind,
    C.source_id,
    C.edition,
    C.source_location,
    C.obs_status,
    C.nature,
    C.note,
    C.obs_flags,
    C.withdrawn,
]

KEY: Final = [C.source_id, C.iso3, C.risk, C.sex, C.year]

SEXES: Final = ("total", "female", "male")

#: What a coverage figure counts. Different kinds are never charted on one axis.
COVERAGE_KINDS: Final = {
    "effective": mark("Effective coverage: people actually receiving benefits or actively contributing."),
    "legal": mark("Legal coverage: people covered by law, whether or not they receive anything."),
    "survey": mark("Survey-based programme coverage (World Bank ASPIRE household surveys)."),
    "access": mark("Access to comprehensive social security systems, a report term the sources do not define further."),
}

#: What a source (or the build's plausibility check) says about an observation, as codes:
#: the ``obs_flags`` column holds those that apply, in this order, joined by ";" (missing when none
#: apply, like the other optional text columns).
#: The source's own wording stays in ``note``; the words shown for each code live in the
#: text layer. See data/README.md for where each code comes from.
FLAGS: Final = (
    "legal_estimate",  # estimated from legal coverage (ILOSTAT note)
    "modelled",  # an ILO modelled estimate (regional and world aggregates)
    "estimated",  # estimated by the producer (UN SDG nature E)
    "break",  # break in series
    "revised",  # the curated table records a revision between releases
    "cross_check",  # the curated table's cross-check found a disagreement with another source
    "implausible",  # the build's plausibility rule: a jump worth checking
    "unreliable",  # the producer marks the value unreliable
    "withdrawn",  # withdrawn by the publisher
)


def flag_codes(flags: object) -> list[str]:
    """The codes of one ``obs_flags`` cell, in :data:`FLAGS` order."""
    return [code for code in flags.split(";") if code] if isinstance(flags, str) else []


_DTYPES: Final = {
    C.iso3: "str",
    C.country: "str",
    C.is_aggregate: "bool",
    C.risk: "str",
    C.sex: "str",
    C.year: "Int16",
    C.coverage_pct: "float64",
    C.coverage_kind: "str",
    C.source_id: "str",
    C.edition: "str",
    C.source_location: "str",
    C.obs_status: "str",
    C.nature: "str",
    C.note: "str",
    C.obs_flags: "str",
    C.withdrawn: "bool",
}


def coerce(frame: pd.DataFrame) -> pd.DataFrame:
    """Cast to the contract's dtypes so every writer produces identical Parquet."""
    return frame.astype({col: _DTYPES[col] for col in frame.columns if col in _DTYPES})


def validate_coverage(
    frame: pd.DataFrame,
    *,
    countries: set[str],
    risks: set[str],
    sources: set[str],
    editions: set[str],
    origin: str = "coverage table",
) -> None:
    """Raise :class:`DataError` naming the first broken invariant and an offending row."""
    missing = [col for col in COVERAGE_COLUMNS if col not in frame.columns]
    if missing:
        raise DataError(f"missing columns {missing}", path=origin)

    def fail(mask: pd.Series, what: str) -> None:
        if mask.any():
            row = frame.loc[mask].iloc[0]
            raise DataError(
                f"{int(mask.sum())} row(s) {what}; first: "
                f"{row[C.source_id]} {row[C.iso3]} {row[C.risk]} {row[C.sex]} {row[C.year]} "
                f"({row[C.source_location]})",
                path=origin,
            )

    for col in (C.iso3, C.risk, C.sex, C.coverage_kind, C.source_id, C.edition, C.source_location):
        fail(frame[col].isna() | (frame[col].astype("str") == ""), f"have an empty {col}")
    fail(~frame[C.iso3].isin(countries), "have an unknown country or aggregate")
    fail(~frame[C.risk].isin(risks), "have an unknown risk")
    fail(~frame[C.sex].isin(SEXES), "have an unknown sex")
    fail(~frame[C.coverage_kind].isin(COVERAGE_KINDS), "have an unknown coverage kind")
    fail(~frame[C.source_id].isin(sources), "have an unknown source")
    fail(~frame[C.edition].isin(editions), "have an unknown edition")
    values = frame[C.coverage_pct].to_numpy(dtype="float64", na_value=np.nan)
    fail(pd.Series(~np.isfinite(values), index=frame.index), "have no finite coverage value")
    fail(pd.Series((values < 0) | (values > 100), index=frame.index), "have coverage outside 0-100")
    years = frame[C.year]
    fail(years.notna() & ((years < 1990) | (years > 2100)), "have a year outside 1990-2100")
    fail(frame.duplicated(KEY, keep=False), "share a (source, country, risk, sex, year) key")
    known_flags = set(FLAGS)
    fail(frame[C.obs_flags].map(lambda cell: not set(flag_codes(cell)) <= known_flags), "have an unknown flag")


class Context:
    """Column names of ``context.parquet``: the SDG series read beside coverage (informal employment, ...).

    A second table, not more rows of coverage: its values are in other units (per cent of
    employment, an index, a rate per 100,000 employees) and count other people, so its value
    column is ``value`` with a ``unit`` beside it, never ``coverage_pct``: nothing may sum or
    average a coverage figure with a context figure. A breakdown column is missing (null)
    where the series is not broken down that way (the UHC index has no sex).
    """

    iso3: Final = "iso3"
    country: Final = "country"
    is_aggregate: Final = "is_aggregate"
    indicator: Final = "indicator"
    sector: Final = "sector"
    age: Final = "age"
    location: Final = "location"
    sex: Final = "sex"
    migrant_status: Final = "migrant_status"
    year: Final = "year"
    value: Final = "value"
    unit: Final = "unit"
    source_id: Final = "source_id"
    edition: Final = "edition"
    source_location: Final = "source_location"
    obs_status: Final = "obs_status"
    nature: Final = "nature"
    obs_flags: Final = "obs_flags"


X = Context

#: The breakdowns a context series may have, in the order the key and the exports list them.
CONTEXT_BREAKDOWNS: Final = (Context.sector, Context.age, Context.location, Context.sex, Context.migrant_status)

#: Codes of each breakdown (ours; the loader maps the UN's onto them). "total" is the whole population
#: of the series; age "all" is every age and "15plus" everyone aged 15 or more.
CONTEXT_CODES: Final = {
    Context.sector: ("total", "non_agriculture", "agriculture"),
    Context.age: ("all", "15plus", "15_24", "25plus", "15_64", "65plus", "under_15"),
    Context.location: ("total", "urban", "rural"),
    Context.sex: SEXES,
    Context.migrant_status: ("total", "non_migrant", "migrant"),
}

#: Units of a context value, with the range a published value must fall in.
CONTEXT_UNITS: Final = {"percent": (0.0, 100.0), "index": (0.0, 100.0), "per_100000_employees": (0.0, 100_000.0)}

CONTEXT_LOADER_COLUMNS: Final = [
    Context.iso3,
    Context.indicator,
    *CONTEXT_BREAKDOWNS,
    Context.year,
    Context.value,
    Context.unit,
    Context.source_id,
    Context.source_location,
    Context.obs_status,
    Context.nature,
    Context.obs_flags,
]

CONTEXT_COLUMNS: Final = [
    Context.iso3,
    Context.country,
    Context.is_aggregate,
    Context.indicator,
    *CONTEXT_BREAKDOWNS,
    Context.year,
    Context.value,
    Context.unit,
    Context.source_id,
    Context.edition,
    Context.source_location,
    Context.obs_status,
    Context.nature,
    Context.obs_flags,
]

CONTEXT_KEY: Final = [Context.source_id, Context.iso3, Context.indicator, *CONTEXT_BREAKDOWNS, Context.year]

_CONTEXT_DTYPES: Final = {
    **{col: "str" for col in CONTEXT_COLUMNS},
    Context.is_aggregate: "bool",
    Context.year: "Int16",
    Context.value: "float64",
}


def coerce_context(frame: pd.DataFrame) -> pd.DataFrame:
    """Cast to the context contract's dtypes (identical Parquet from every build)."""
    return frame.astype({col: _CONTEXT_DTYPES[col] for col in frame.columns if col in _CONTEXT_DTYPES})


def validate_context(
    frame: pd.DataFrame,
    *,
    countries: set[str],
    indicators: dict[str, str],
    sources: set[str],
    editions: set[str],
    origin: str = "context table",
) -> None:
    """Raise :class:`DataError` naming the first broken invariant of the context table and an offending row.

    ``indicators`` maps each known indicator to its unit: a row in another unit than its
    indicator's would put two scales on one axis.
    """
    missing = [col for col in CONTEXT_COLUMNS if col not in frame.columns]
    if missing:
        raise DataError(f"missing columns {missing}", path=origin)

    def fail(mask: pd.Series, what: str) -> None:
        if mask.any():
            row = frame.loc[mask].iloc[0]
            raise DataError(
                f"{int(mask.sum())} row(s) {what}; first: {row[Context.source_id]} {row[Context.iso3]} "
                f"{row[Context.indicator]} {row[Context.year]} ({row[Context.source_location]})",
                path=origin,
            )

    for col in (X.iso3, X.indicator, X.unit, X.source_id, X.edition, X.source_location):
        fail(frame[col].isna() | (frame[col].astype("str") == ""), f"have an empty {col}")
    fail(~frame[X.iso3].isin(countries), "have an unknown country or aggregate")
    fail(~frame[X.indicator].isin(indicators), "have an unknown indicator")
    fail(frame[X.unit] != frame[X.indicator].map(indicators), "have another unit than their indicator's")
    for col, codes in CONTEXT_CODES.items():
        fail(frame[col].notna() & ~frame[col].isin(codes), f"have an unknown {col} code")
    fail(~frame[X.source_id].isin(sources), "have an unknown source")
    fail(~frame[X.edition].isin(editions), "have an unknown edition")
    values = frame[X.value].to_numpy(dtype="float64", na_value=np.nan)
    fail(pd.Series(~np.isfinite(values), index=frame.index), "have no finite value")
    low = frame[X.unit].map({unit: bounds[0] for unit, bounds in CONTEXT_UNITS.items()}).to_numpy(dtype="float64", na_value=np.nan)
    high = frame[X.unit].map({unit: bounds[1] for unit, bounds in CONTEXT_UNITS.items()}).to_numpy(dtype="float64", na_value=np.nan)
    fail(pd.Series(~((values >= low) & (values <= high)), index=frame.index), "have a value outside their unit's range")
    years = frame[X.year]
    fail(years.isna() | (years < 1980) | (years > 2100), "have no year within 1980-2100")
    fail(frame.duplicated(CONTEXT_KEY, keep=False), "share a (source, area, indicator, breakdowns, year) key")
    known_flags = set(FLAGS)
    fail(frame[X.obs_flags].map(lambda cell: not set(flag_codes(cell)) <= known_flags), "have an unknown flag")
