"""A new release beside the edition it would supersede: what it adds, revises, lacks and re-flags.

``essa-dash ingest`` shows this before anything is written, so a new download arrives in
the open. Cells are matched on (area, risk, sex, year) between the two editions of one
database: a different value for the same cell is a *revision* by the producer, never a
change over time. The frames here are the facts; :mod:`essa_dash.text.ingest` words them.

The edition superseded is the newest release of the same database (``editions.database``)
that is not withdrawn. A release is *complete* when it has figures for every area the
superseded edition has (Member States and aggregates); only a complete release may become
the default edition (data/README.md, "Default edition").
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from essa_dash.schema import Coverage as C
from essa_dash.schema import flag_codes

CELL = [C.iso3, C.risk, C.sex, C.year]
SERIES = [C.iso3, C.risk, C.sex]


@dataclass(frozen=True)
class Comparison:
    """The new edition's rows against the superseded edition's, cell by cell."""

    edition: str
    superseded: str | None
    added: pd.DataFrame  # cells only the new release has
    revised: pd.DataFrame  # cells both have, with ``before`` and ``after`` values and ``revision`` (after - before)
    lacking: pd.DataFrame  # cells of areas the new release has, which it lacks
    latest_lacking: pd.DataFrame  # series whose latest year in the superseded edition the new release lacks
    areas_absent: pd.DataFrame  # areas (iso3, country, is_aggregate) of the superseded edition with no row in the new one
    flags_changed: pd.DataFrame  # cells both have whose flags differ: ``gained`` and ``lost`` codes

    @property
    def complete(self) -> bool:
        return self.superseded is not None and self.areas_absent.empty


def superseded_edition(editions: pd.DataFrame, edition: str) -> str | None:
    """The newest edition of the same database as ``edition``, other than it and not withdrawn."""
    table = editions.set_index("edition")
    database = table.at[edition, "database"] if edition in table.index else ""
    withdrawn = table["withdrawn_note"].fillna("") != ""
    same = table[(table["database"] == database) & (table.index != edition) & ~withdrawn]
    return None if not database or same.empty else str(same.sort_values("published").index[-1])


def compare(coverage: pd.DataFrame, editions: pd.DataFrame, edition: str) -> Comparison:
    """Compare ``edition``'s rows of ``coverage`` with the edition it supersedes (rows of both in one table)."""
    old_name = superseded_edition(editions, edition)
    new = coverage[coverage[C.edition] == edition]
    old = coverage[(coverage[C.edition] == old_name) & ~coverage[C.withdrawn]] if old_name else coverage.iloc[:0]
    columns = [*CELL, C.country, C.is_aggregate, C.coverage_pct, C.obs_flags]
    merged = old[columns].merge(new[columns], on=CELL, how="outer", suffixes=("_old", "_new"), indicator=True)
    both = merged[merged["_merge"] == "both"]
    only_new = merged[merged["_merge"] == "right_only"]
    only_old = merged[merged["_merge"] == "left_only"]

    revised = both[both[f"{C.coverage_pct}_old"] != both[f"{C.coverage_pct}_new"]]
    before, after = revised[f"{C.coverage_pct}_old"].to_numpy(), revised[f"{C.coverage_pct}_new"].to_numpy()
    revised = _named(revised, "_new").assign(before=before, after=after, revision=after - before)
    revised = revised.iloc[revised["revision"].abs().argsort(kind="stable")[::-1]].reset_index(drop=True)

    present = set(new[C.iso3])
    areas = old[[C.iso3, C.country, C.is_aggregate]].drop_duplicates(C.iso3)
    lacking = _named(only_old[only_old[C.iso3].isin(present)], "_old")
    latest_old = old.dropna(subset=[C.year]).groupby(SERIES, as_index=False)[C.year].max()
    latest_lacking = latest_old.merge(lacking[CELL], on=CELL).merge(areas, on=C.iso3)
    return Comparison(
        edition=edition,
        superseded=old_name,
        added=_named(only_new, "_new"),
        revised=revised,
        lacking=lacking,
        latest_lacking=latest_lacking,
        areas_absent=areas[~areas[C.iso3].isin(present)].sort_values([C.is_aggregate, C.iso3]),
        flags_changed=_flags_changed(both),
    )


def _named(frame: pd.DataFrame, side: str) -> pd.DataFrame:
    """The cells of one side with its country name and value under their own column names."""
    keep = {f"{C.country}{side}": C.country, f"{C.is_aggregate}{side}": C.is_aggregate, f"{C.coverage_pct}{side}": C.coverage_pct}
    return frame[[*CELL, *keep]].rename(columns=keep).reset_index(drop=True)


def _flags_changed(both: pd.DataFrame) -> pd.DataFrame:
    old = both[f"{C.obs_flags}_old"].map(lambda cell: set(flag_codes(cell)))
    new = both[f"{C.obs_flags}_new"].map(lambda cell: set(flag_codes(cell)))
    gained = [";".join(sorted(n - o)) for o, n in zip(old, new, strict=True)]
    lost = [";".join(sorted(o - n)) for o, n in zip(old, new, strict=True)]
    frame = _named(both, "_new").assign(gained=gained, lost=lost)
    return frame[(frame["gained"] != "") | (frame["lost"] != "")].reset_index(drop=True)
