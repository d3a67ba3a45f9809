"""The country profile's questions: one country's coverage by risk beside the region and the world."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from essa_dash.query.comparable import revisions, sex_pair_flags
from essa_dash.query.core import core_risks, coverage_rows, default_edition, default_sex, latest_per_cell, member_table
from essa_dash.query.state import Problem, State
from essa_dash.schema import Coverage as C
from essa_dash.store import Store, per_build

#: The columns of a frame drawn as bars beside comparators (country bars; the risk ranking adds its highlight).
BAR_COLUMNS = [
    "role",
    C.iso3,
    C.country,
    C.risk,
    "risk_label",
    C.sex,
    C.year,
    C.coverage_pct,
    C.edition,
    C.source_id,
    "source_title",
    C.note,
    C.obs_flags,
]

DEFAULT_COUNTRY = "VNM"


@dataclass(frozen=True)
class CountryView:
    """A country profile's resolved state: every default filled in, every value valid."""

    iso3: str
    name: str
    edition: str
    sex: str

    def state(self) -> State:
        return State(country=(self.iso3,), edition=self.edition, sex=self.sex)


def resolve(store: Store, state: State) -> tuple[CountryView, list[Problem]]:
    """The profile a state asks for: its first Member State (else Viet Nam), an edition that has it, a sex."""
    members = member_table(store)
    names = dict(zip(members["iso3"], members["short_name"], strict=True))
    problems: list[Problem] = []
    iso3 = state.country[0] if state.country else DEFAULT_COUNTRY
    if iso3 not in names:
        problems.append(Problem.of("country", iso3, "unknown_country", tuple(names), iso3=iso3))
        iso3 = DEFAULT_COUNTRY
    editions = set(coverage_rows(store, countries=[iso3])[C.edition])
    edition = state.edition if state.edition in editions else default_edition(store)
    if state.edition and state.edition not in editions:
        problems.append(_absent(store, state.edition, iso3, names[iso3], tuple(sorted(editions))))
    return CountryView(iso3, names[iso3], edition, state.sex or "total"), problems


def _absent(store: Store, edition: str, iso3: str, name: str, editions: tuple[str, ...]) -> Problem:
    """Why an edition's figures for a country are not shown: it has none, or the publisher withdrew them."""
    withdrawn = coverage_rows(store, countries=[iso3], editions=[edition], include_withdrawn=True)
    if withdrawn.empty:
        return Problem.of("edition", edition, "edition_absent", editions, edition=edition, country=name)
    table = store.editions.set_index("edition")
    notes = table["withdrawn_note"] if "withdrawn_note" in table.columns else pd.Series(dtype="str")  # older releases
    why = notes.get(edition, "")
    return Problem.of(
        "edition",
        edition,
        "edition_withdrawn",
        editions,
        edition=edition,
        n=len(withdrawn),
        country=name,
        why=why if isinstance(why, str) else "",
    )


#: The regional comparator, in order of preference: the ILO's ASEAN estimate, else South-Eastern Asia.
REGIONS = ("ASEAN", "SE_ASIA")
WORLD = "WLD"


def _sexes(risks: pd.DataFrame, sex: str) -> dict[str, str]:
    """The sex to show per risk: the one asked for, except women-only risks, always female."""
    return {risk: ("female" if default == "female" else sex) for risk, default in default_sex(risks).items()}


@per_build()
def regional_comparator(store: Store, edition: str) -> str | None:
    """The aggregate that stands for the region in an edition, or None if it has none (once per edition: every chart of
    a view asks, and reading the edition's areas costs more than the rest of a selection's rows)."""
    areas = set(coverage_rows(store, editions=[edition])[C.iso3])
    return next((r for r in REGIONS if r in areas), None)


@per_build()
def profile_bars(store: Store, iso3: str, *, edition: str, sex: str = "total") -> pd.DataFrame:
    """Latest value per core risk for the country, the region and the world, in one edition.

    One row per (role, risk), with NaN coverage where the edition has no figure, so the
    chart can say "no data" instead of leaving a gap that reads as zero.
    """
    risks = core_risks(store.risks)
    region = regional_comparator(store, edition)
    areas = {"country": iso3, "region": region, "world": WORLD}
    rows = coverage_rows(store, editions=[edition], countries=[a for a in areas.values() if a], risks=risks["risk"])
    rows = rows[rows[C.sex] == rows[C.risk].map(_sexes(risks, sex))]
    latest = latest_per_cell(rows)
    used = risks[risks["risk"].isin(latest[C.risk])]
    names = store.countries.set_index("iso3")["short_name"]
    grid = pd.DataFrame(
        [(role, area, risk) for role, area in areas.items() if area for risk in used["risk"]],
        columns=["role", C.iso3, C.risk],
    )
    grid = grid.merge(latest, on=[C.iso3, C.risk], how="left", suffixes=("", "_row"))
    labels = used.set_index("risk")
    return grid.assign(
        **{
            C.country: grid[C.iso3].map(names),
            "risk_label": grid[C.risk].map(labels["short_label"]),
            C.edition: edition,
            "source_title": grid[C.source_id].map(store.sources.set_index("source_id")["title"]),
        }
    )[BAR_COLUMNS]


@per_build()
def edition_history(store: Store, iso3: str, *, sex: str = "total") -> pd.DataFrame:
    """The latest value of each core risk in every edition that has one: how figures moved between releases."""
    risks = core_risks(store.risks)
    rows = coverage_rows(store, countries=[iso3], risks=risks["risk"])
    rows = rows[rows[C.sex] == rows[C.risk].map(_sexes(risks, sex))]
    latest = latest_per_cell(rows)
    published = store.editions.set_index("edition")["published"]
    order = {risk: i for i, risk in enumerate(risks["risk"])}
    return (
        latest.assign(
            risk_label=latest[C.risk].map(risks.set_index("risk")["short_label"]),
            published=latest[C.edition].map(published),
            _order=latest[C.risk].map(order),
        )
        .sort_values(["_order", "published"])
        .drop(columns="_order")
    )


@per_build()
def edition_revisions(store: Store, iso3: str, *, sex: str = "total") -> pd.DataFrame:
    """Figures of the country's core risks that two editions publish for the same year with different values.

    Revisions, not changes (see :mod:`essa_dash.query.comparable`), largest first, with ``risk_label``.
    """
    risks = core_risks(store.risks)
    rows = coverage_rows(store, countries=[iso3], risks=risks["risk"])
    rows = rows[rows[C.sex] == rows[C.risk].map(_sexes(risks, sex))]
    revised = revisions(rows, store.editions.set_index("edition")["published"])
    return revised.assign(risk_label=revised[C.risk].map(risks.set_index("risk")["short_label"]))


@per_build()
def sex_split(store: Store, iso3: str, *, edition: str) -> pd.DataFrame | None:
    """Risks whose latest year in the edition has both a female and a male figure: one row per risk.

    None when the edition publishes no such pair for the country.
    """
    rows = coverage_rows(store, editions=[edition], countries=[iso3], sexes=["female", "male"])
    latest = latest_per_cell(rows)
    wide = latest.pivot_table(index=[C.risk, C.year, C.source_id], columns=C.sex, values=C.coverage_pct).reset_index()
    if not {"female", "male"} <= set(wide.columns):
        return None
    wide = wide.dropna(subset=["female", "male"])
    if wide.empty:
        return None
    # keep each risk's most recent year that has both sexes
    wide = wide.sort_values(C.year).drop_duplicates(C.risk, keep="last")
    labels = store.risks.set_index("risk")["short_label"]
    wide = wide.merge(sex_pair_flags(latest, [C.risk, C.year, C.source_id]), on=[C.risk, C.year, C.source_id], how="left")
    columns = [C.risk, "risk_label", C.year, C.source_id, "female", "male", "female_flags", "male_flags", C.obs_flags]
    return wide.assign(risk_label=wide[C.risk].map(labels))[columns]


@dataclass(frozen=True)
class PeopleWithout:
    """People with no social protection benefit at all: total population x (1 - coverage by at least one benefit)."""

    people: float
    coverage_pct: float
    year: int
    population: int
    is_projection: bool
    coverage_source: str
    population_source: str


def people_without_any_benefit(store: Store, iso3: str, *, edition: str) -> PeopleWithout | None:
    """Only for 'at least one benefit', whose denominator is the total population; never for other risks."""
    rows = coverage_rows(store, editions=[edition], countries=[iso3], risks=["at_least_one"], sexes=["total"])
    latest = latest_per_cell(rows)
    if latest.empty:
        return None
    row = latest.iloc[0]
    population = store.population
    match = population[(population["iso3"] == iso3) & (population["year"] == row[C.year])]
    if match.empty:
        return None
    pop = match.iloc[0]
    sources = store.sources.set_index("source_id")["citation"]
    return PeopleWithout(
        people=float(pop["population"]) * (100 - float(row[C.coverage_pct])) / 100,
        coverage_pct=float(row[C.coverage_pct]),
        year=int(row[C.year]),
        population=int(pop["population"]),
        is_projection=bool(pop["is_projection"]),
        coverage_source=sources[row[C.source_id]],
        population_source=sources[pop["source_id"]],
    )
