"""What may be compared with what: the comparability model every reading, tile and table follows.

A *series* is one (edition, area, risk, sex, coverage kind): the figures one release
publishes for one group, year by year. Change and progress are measured only inside
one series. The same *cell* (area, risk, sex, coverage kind, year) in two editions is
not a change but a *revision*: the producer re-estimated the figure. Readings name it
so and show both values side by side; they never subtract a value of one edition from
a value of another.

Pure functions over coverage rows: frames in, frames out. The words are in
:mod:`essa_dash.text.comparisons`.
"""

from __future__ import annotations

import pandas as pd

from essa_dash.schema import Coverage as C
from essa_dash.schema import flag_codes

#: The columns that name one series: change is measured inside one, never across two.
SERIES_KEY = [C.edition, C.iso3, C.risk, C.sex, C.coverage_kind]
#: The columns that name one cell across editions: two editions' values for it are a revision.
CELL_KEY = [C.iso3, C.risk, C.sex, C.coverage_kind, C.year]
#: Values equal to one decimal (the precision ILOSTAT publishes) are the same figure: the
#: UN SDG DB 2018-10 stores 47.0935 where ILOSTAT shows 47.1. Smaller differences are no revision.
SAME_FIGURE_PP = 0.05

CHANGE_COLUMNS = [*SERIES_KEY, "first_year", "first_pct", "last_year", "last_pct", "change_pp", C.obs_flags]
REVISION_COLUMNS = [*CELL_KEY, "earlier_edition", "earlier_pct", "later_edition", "later_pct", "revision_pp"]


def joined_flags(values: pd.Series) -> str:
    """The flags of several rows as one ``obs_flags`` cell (each code once, first seen first)."""
    return ";".join(dict.fromkeys(code for cell in values for code in flag_codes(cell)))


def series_change(rows: pd.DataFrame) -> pd.DataFrame:
    """First and last dated figure of every series with at least two years, and the change between them.

    One row per series (:data:`SERIES_KEY`); series with one year only have no change and
    are left out. ``obs_flags`` joins the flags of both ends, so a reading can say "check
    this figure" when either is flagged.
    """
    dated = rows[rows[C.year].notna()].sort_values(C.year, kind="stable")
    if dated.empty:
        return pd.DataFrame(columns=CHANGE_COLUMNS)
    groups = dated.groupby(SERIES_KEY, sort=False)
    first, last = groups.head(1).set_index(SERIES_KEY), groups.tail(1).set_index(SERIES_KEY)
    ends = pd.DataFrame(
        {
            "first_year": first[C.year],
            "first_pct": first[C.coverage_pct],
            "last_year": last[C.year],
            "last_pct": last[C.coverage_pct],
        }
    )
    flags = pd.concat([first[C.obs_flags], last[C.obs_flags]], axis=1).apply(joined_flags, axis=1)
    ends = ends.assign(change_pp=ends["last_pct"] - ends["first_pct"], **{C.obs_flags: flags})
    return ends[ends["first_year"] != ends["last_year"]].reset_index()[CHANGE_COLUMNS]


def revisions(rows: pd.DataFrame, published: pd.Series) -> pd.DataFrame:
    """Cells published by two editions with different values: one row per (cell, pair of editions).

    ``published`` maps an edition to its publication date: ``earlier_edition`` is the older
    release of the pair. Values within :data:`SAME_FIGURE_PP` are the same figure and are no
    revision. Undated figures have no cell and are left out. Sorted largest revision first.
    """
    dated = rows[rows[C.year].notna()]
    dated = dated.assign(_published=dated[C.edition].map(published))
    pairs = dated.merge(dated, on=CELL_KEY, suffixes=("_a", "_b"))
    pairs = pairs[pairs["_published_a"] < pairs["_published_b"]]
    delta = pairs[f"{C.coverage_pct}_b"] - pairs[f"{C.coverage_pct}_a"]
    pairs = pairs.assign(revision_pp=delta)[delta.abs() >= SAME_FIGURE_PP]
    out = pairs.rename(
        columns={
            f"{C.edition}_a": "earlier_edition",
            f"{C.coverage_pct}_a": "earlier_pct",
            f"{C.edition}_b": "later_edition",
            f"{C.coverage_pct}_b": "later_pct",
        }
    )
    order = out["revision_pp"].abs().sort_values(ascending=False, kind="stable").index
    return out.loc[order, REVISION_COLUMNS].reset_index(drop=True)


def sex_pair_flags(rows: pd.DataFrame, index: list[str]) -> pd.DataFrame:
    """Per ``index`` key, the flags of the women's and the men's figure (``female_flags``, ``male_flags``)
    and both joined (``obs_flags``): what a women-and-men chart needs to mark each of its two values."""
    marked = rows[rows[C.sex].isin(["female", "male"])]
    marked = marked.assign(_flags=marked[C.obs_flags].where(marked[C.obs_flags].map(lambda cell: isinstance(cell, str)), ""))
    wide = marked.pivot_table(index=index, columns=C.sex, values="_flags", aggfunc="first").reindex(columns=["female", "male"])
    wide = wide.fillna("").rename(columns={"female": "female_flags", "male": "male_flags"})
    wide[C.obs_flags] = [joined_flags(pd.Series(pair)) for pair in zip(wide["female_flags"], wide["male_flags"], strict=True)]
    return wide.reset_index().rename_axis(columns=None)
