"""The overview page's questions: headline gaps and the country x risk grid."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from essa_dash.query.core import core_risks, default_edition, default_sex, filter_coverage, latest_per_cell, member_states
from essa_dash.query.country import regional_comparator
from essa_dash.schema import Coverage as C
from essa_dash.store import Store, per_build


@per_build()
def heatmap_grid(store: Store, *, edition: str | None = None) -> pd.DataFrame:
    """One row per (country, risk) cell: the latest value of one edition, or NaN for no data.

    Rows: the Member States, then the edition's regional figure (the ILO's ASEAN
    estimate, else South-Eastern Asia); columns: the core risks the edition publishes.
    The risk's default sex is used (maternity: women). No edition: the default one.
    """
    edition = edition or default_edition(store)
    risks = core_risks(store.risks)
    sexes = default_sex(risks)
    rows = filter_coverage(store.coverage, editions=[edition], risks=risks["risk"])
    rows = rows[rows[C.sex] == rows[C.risk].map(sexes)]
    latest = latest_per_cell(rows)
    risks = risks[risks["risk"].isin(latest[C.risk])]

    countries = store.countries
    region = regional_comparator(store, edition)
    areas = pd.concat([member_states(countries), countries[countries["iso3"] == region]])
    grid = pd.MultiIndex.from_product([areas["iso3"], risks["risk"]], names=[C.iso3, C.risk]).to_frame(index=False)
    grid = grid.merge(latest, on=[C.iso3, C.risk], how="left", suffixes=("", "_row"))
    names = areas.set_index("iso3")
    labels = risks.set_index("risk")
    titles = store.sources.set_index("source_id")["title"]
    return grid.assign(
        **{
            C.country: grid[C.iso3].map(names["short_name"]),
            C.is_aggregate: grid[C.iso3].map(names["is_aggregate"]),
            "risk_label": grid[C.risk].map(labels["short_label"]),
            "risk_definition": grid[C.risk].map(labels["definition"]),
            "source_title": grid[C.source_id].map(titles),
            C.edition: edition,
        }
    )


@dataclass(frozen=True)
class Figure:
    """One published figure, with everything needed to cite it."""

    coverage_pct: float
    year: int | None
    risk: str
    risk_label: str
    definition: str
    kind: str
    edition: str
    source_id: str
    source_title: str
    source_url: str
    location: str
    note: str

    @property
    def gap_pct(self) -> float:
        """Share not covered: derived for display, never stored."""
        return 100.0 - self.coverage_pct


@dataclass(frozen=True)
class Headline:
    """A WSPR 2014/15 headline gap and what the latest edition says for the same risk."""

    order: int
    statement: str
    quote: str
    figure: Figure
    latest: Figure | None

    @property
    def same_definition(self) -> bool:
        return self.latest is not None and self.latest.risk == self.figure.risk


def _figure(row: pd.Series, store: Store) -> Figure:
    risk = store.risks.set_index("risk").loc[row[C.risk]]
    source = store.sources.set_index("source_id").loc[row[C.source_id]]
    year = row[C.year]
    return Figure(
        coverage_pct=float(row[C.coverage_pct]),
        year=None if pd.isna(year) else int(year),
        risk=row[C.risk],
        risk_label=risk["label"],
        definition=risk["definition"],
        kind=row[C.coverage_kind],
        edition=row[C.edition],
        source_id=row[C.source_id],
        source_title=source["title"],
        source_url=source["url"],
        location=row[C.source_location],
        note="" if pd.isna(row[C.note]) else row[C.note],
    )


@per_build()
def headlines(store: Store) -> list[Headline]:
    """The five WSPR 2014/15 world headline gaps, each with its latest counterpart.

    The counterpart is the world figure of the most recently published edition for
    the same contingency, preferring the SDG 1.3.1 definition; ``same_definition``
    says whether it measures the same thing as the headline.
    """
    coverage = filter_coverage(store.coverage, countries=["WLD"])
    risks = store.risks.set_index("risk")
    published = store.editions.set_index("edition")["published"]
    out = []
    for spec in store.headlines.sort_values("order").itertuples():
        own = coverage[(coverage[C.source_id] == spec.source_id) & (coverage[C.risk] == spec.risk)].iloc[0]
        contingency = risks.loc[spec.risk, "contingency"]
        same_family = risks.index[(risks["contingency"] == contingency) & (risks["is_core"] | (risks.index == spec.risk))]
        sex = risks.loc[spec.risk, "default_sex"]
        candidates = coverage[coverage[C.risk].isin(same_family) & (coverage[C.sex] == sex) & (coverage[C.edition] != own[C.edition])]
        latest = None
        if not candidates.empty:
            ranked = candidates.assign(_published=candidates[C.edition].map(published), _year=candidates[C.year].fillna(0))
            latest = _figure(ranked.sort_values(["_published", "_year"], kind="stable").iloc[-1], store)
        out.append(Headline(int(spec.order), spec.statement, spec.source_quote, _figure(own, store), latest))
    return out


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
            f"Coverage by at least one benefit ranges from {low[C.coverage_pct]:g}% in {low[C.country]} ({low[C.year]}) "
            f"to {high[C.coverage_pct]:g}% in {high[C.country]} ({high[C.year]})."
        )
    medians = known.groupby("risk_label")[C.coverage_pct].median().sort_values()
    if len(medians) >= 2:
        sentences.append(
            f"Across the Member States with data, {medians.index[0].lower()} is the least covered risk "
            f"(median {medians.iloc[0]:.1f}%) and {medians.index[-1].lower()} the best covered (median {medians.iloc[-1]:.1f}%)."
        )
    zeros = known[(known[C.coverage_pct] == 0) & (known[C.risk] == "unemployment")]
    if len(zeros):
        sentences.append(
            f"{len(zeros)} of {states[C.iso3].nunique()} Member States report 0% for unemployment; "
            "in ILOSTAT a 0 there usually means no unemployment scheme or no recipients."
        )
    missing = states[C.coverage_pct].isna().sum()
    sentences.append(
        f"{missing} of {len(states)} country-risk cells have no data in this edition; they are shown as 'no data', not as zero."
    )
    return sentences
