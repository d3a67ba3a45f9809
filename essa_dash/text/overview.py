"""The overview's words: the plain-language reading of the coverage grid ``query.overview`` returns."""

from __future__ import annotations

import pandas as pd

from essa_dash.schema import Coverage as C
from essa_dash.text import fmt_int, fmt_pct, fmt_year, tr


def heatmap_reading(grid: pd.DataFrame) -> list[str]:
    """A few plain-language sentences that say what the heatmap shows."""
    states = grid[~grid[C.is_aggregate]]
    known = states.dropna(subset=[C.coverage_pct])
    sentences = []
    overall = known[known[C.risk] == "at_least_one"]
    if len(overall) >= 2:
        low = overall.loc[overall[C.coverage_pct].idxmin()]
        high = overall.loc[overall[C.coverage_pct].idxmax()]
        sentences.append(
            tr(
                "Coverage by at least one benefit ranges from {low} in {low_country} ({low_year}) "
                "to {high} in {high_country} ({high_year}).",
                low=fmt_pct(low[C.coverage_pct]),
                low_country=low[C.country],
                low_year=fmt_year(low[C.year]),
                high=fmt_pct(high[C.coverage_pct]),
                high_country=high[C.country],
                high_year=fmt_year(high[C.year]),
            )
        )
    medians = known.groupby("risk_label")[C.coverage_pct].median().sort_values()
    if len(medians) >= 2:
        sentences.append(
            tr(
                "Across the Member States with data, {least} is the least covered risk (median {least_median}) "
                "and {best} the best covered (median {best_median}).",
                least=medians.index[0].lower(),
                least_median=fmt_pct(medians.iloc[0]),
                best=medians.index[-1].lower(),
                best_median=fmt_pct(medians.iloc[-1]),
            )
        )
    zeros = known[(known[C.coverage_pct] == 0) & (known[C.risk] == "unemployment")]
    if len(zeros):
        sentences.append(
            tr(
                "{n} of {total} Member States report {zero} for unemployment; "
                "in ILOSTAT a 0 there usually means no unemployment scheme or no recipients.",
                n=fmt_int(len(zeros)),
                total=fmt_int(states[C.iso3].nunique()),
                zero=fmt_pct(0, 0),
            )
        )
    missing = states[C.coverage_pct].isna().sum()
    sentences.append(
        tr(
            "{n} of {total} country-risk cells have no data in this edition; they are shown as 'no data', not as zero.",
            n=fmt_int(missing),
            total=fmt_int(len(states)),
        )
    )
    return sentences
