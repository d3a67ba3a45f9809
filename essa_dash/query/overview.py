"""The overview page's questions: headline gaps and the country x risk grid."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from essa_dash.query.comparable import SAME_FIGURE_PP
from essa_dash.query.core import core_risks, coverage_rows, default_edition, default_sex, latest_per_cell, member_states
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
    rows = coverage_rows(store, editions=[edition], risks=risks["risk"])
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


#: Sources the curated table rates "high" are the producers' own publications (database, report,
#: newsroom); "medium" and lower are reproductions and news pages: secondary, never the latest
#: when a primary figure exists (data/README.md, "Headline tiles").
PRIMARY_TRUST = "high"
#: editions.csv ``year_basis`` of a report edition, whose headline figures often carry no year.
REPORT_BASIS = "report reference year"


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
    publisher: str = ""
    primary: bool = True
    obs_flags: str = ""

    @property
    def gap_pct(self) -> float:
        """Share not covered: derived for display, never stored."""
        return 100.0 - self.coverage_pct


@dataclass(frozen=True)
class Headline:
    """A WSPR 2014/15 headline gap, exactly as published, and what later releases say for the same risk.

    ``latest``: the most recent figure for the same contingency, from a primary source when
    one exists (``latest.primary`` False: only secondary sources have one). ``then``: the
    latest's own series (same edition, risk, sex) in ``described_year``, the year the 2014/15
    report's data describe, so that progress is read inside one series and the step from the
    headline to ``then`` is a revision. ``report``: a report's figure for the latest's year
    that differs from it (e.g. WSPR 2024-26's 36.9% beside ILOSTAT's 36.4% for 2023).
    """

    order: int
    statement: str
    quote: str
    figure: Figure
    latest: Figure | None
    described_year: int | None = None
    then: Figure | None = None
    report: Figure | None = None

    @property
    def same_definition(self) -> bool:
        return self.latest is not None and self.latest.risk == self.figure.risk


def _figure(row: pd.Series, store: Store) -> Figure:
    risk = store.risks.set_index("risk").loc[row[C.risk]]
    source = store.sources.set_index("source_id").loc[row[C.source_id]]
    year = row[C.year]
    flags = row.get(C.obs_flags)
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
        publisher=str(source["publisher"]),
        primary=source["trust"] == PRIMARY_TRUST,
        obs_flags=flags if isinstance(flags, str) else "",
    )


def _counterparts(coverage: pd.DataFrame, store: Store, own: pd.Series, risk: str) -> pd.DataFrame:
    """Other editions' world figures for the headline's contingency (its core risk or itself), same sex."""
    risks = store.risks.set_index("risk")
    contingency = risks.loc[risk, "contingency"]
    family = risks.index[(risks["contingency"] == contingency) & (risks["is_core"] | (risks.index == risk))]
    sex = risks.loc[risk, "default_sex"]
    found = coverage[coverage[C.risk].isin(family) & (coverage[C.sex] == sex) & (coverage[C.edition] != own[C.edition])]
    meta = store.editions.set_index("edition")
    trust = store.sources.set_index("source_id")["trust"]
    return found.assign(
        _published=found[C.edition].map(meta["published"]),
        _basis=found[C.edition].map(meta["year_basis"]),
        _primary=found[C.source_id].map(trust).eq(PRIMARY_TRUST),
        _year=found[C.year].fillna(0),
    )


def _report_beside(candidates: pd.DataFrame, latest: pd.Series) -> pd.Series | None:
    """A report's undated figure for the latest's year that differs from it, or None.

    A report published after the database's latest year and before the database release
    describes that year (WSPR 2024-26, September 2024, gives the 2023 estimates that
    ILOSTAT's June 2025 release carries); equal to one decimal, it is the same figure.
    """
    if pd.isna(latest[C.year]):
        return None
    reports = candidates[
        candidates[C.year].isna()
        & candidates["_primary"]
        & (candidates["_basis"] == REPORT_BASIS)
        & (candidates[C.risk] == latest[C.risk])
        & (candidates[C.edition] != latest[C.edition])
        & (candidates["_published"] < latest["_published"])
        & (pd.to_datetime(candidates["_published"]).dt.year > int(latest[C.year]))
    ]
    reports = reports[(reports[C.coverage_pct] - latest[C.coverage_pct]).abs() >= SAME_FIGURE_PP]
    return None if reports.empty else reports.sort_values("_published", kind="stable").iloc[-1]


@per_build()
def headlines(store: Store) -> list[Headline]:
    """The five WSPR 2014/15 world headline gaps, each with what later releases say.

    The counterpart is the world figure of the most recently published edition for the
    same contingency, from a primary source when one has it (a news page is never the
    latest beside the producer's own figure), dated before undated; ``same_definition``
    says whether it measures the same thing as the headline.
    """
    coverage = coverage_rows(store, countries=["WLD"])
    out = []
    for spec in store.headlines.sort_values("order").itertuples():
        own = coverage[(coverage[C.source_id] == spec.source_id) & (coverage[C.risk] == spec.risk)].iloc[0]
        described = None if pd.isna(spec.described_year) else int(spec.described_year)
        candidates = _counterparts(coverage, store, own, spec.risk)
        latest = then = report = None
        if not candidates.empty:
            pool = candidates[candidates["_primary"]] if candidates["_primary"].any() else candidates
            row = pool.sort_values(["_published", "_year"], kind="stable").iloc[-1]
            latest = _figure(row, store)
            series = candidates[(candidates[C.edition] == row[C.edition]) & (candidates[C.risk] == row[C.risk])]
            at = series[series[C.year] == described] if described is not None else series.iloc[0:0]
            then = _figure(at.iloc[0], store) if len(at) and at.iloc[0][C.year] != row[C.year] else None
            beside = _report_beside(candidates, row)
            report = _figure(beside, store) if beside is not None else None
        out.append(Headline(int(spec.order), spec.statement, spec.source_quote, _figure(own, store), latest, described, then, report))
    return out
