"""The risk page's questions: one risk across the Member States, the region and the world.

Pure functions over the store: which view a URL asks for, the ranking, the map's rows,
the trend across editions and the split by sex, as frames. Their captions, notes and
plain-language readings are words: :mod:`essa_dash.text.risk` writes them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from essa_dash.query.comparable import sex_pair_flags
from essa_dash.query.core import core_risks, coverage_rows, default_edition, default_sex, member_table
from essa_dash.query.country import BAR_COLUMNS, WORLD, regional_comparator
from essa_dash.query.state import Problem, State, Vocabulary
from essa_dash.schema import Coverage as C
from essa_dash.store import Store, lookup, per_build

DEFAULT_RISK = "old_age"
#: The query parameters the risk page understands (the risk itself is in the path).
PARAMS = ("country", "sex", "edition")


RANKING_COLUMNS = [*BAR_COLUMNS, "highlighted"]
SEX_COLUMNS = [
    "role", C.iso3, C.country, "equal", C.risk, C.edition, C.year, C.source_id, "female", "male", "hover",
    "female_flags", "male_flags", C.obs_flags,
]  # fmt: skip
TREND_COLUMNS = [
    "role",
    C.iso3,
    C.country,
    C.risk,
    C.sex,
    C.edition,
    "chosen",
    "published",
    C.year,
    C.coverage_pct,
    C.source_id,
    "source_title",
    C.obs_flags,
]


# -- the view a URL asks for ------------------------------------------------------------------


@dataclass(frozen=True)
class RiskView:
    """What the risk page draws, every default resolved.

    ``sex`` is what the person chose (it stays in the URL, so it survives a change of
    risk); ``shown_sex`` is what is drawn (women-only risks: always ``female``).
    ``countries`` empty means all Member States, none highlighted.
    """

    risk: str
    edition: str
    sex: str
    shown_sex: str
    countries: tuple[str, ...]
    problems: list[Problem] = field(default_factory=list)
    #: The edition the URL asked for when it has no figures for this risk (``edition`` is then the fallback drawn).
    asked_edition: str | None = None
    #: The editions with figures for this risk, newest first.
    editions: tuple[str, ...] = ()

    @property
    def state(self) -> State:
        return State(country=self.countries, sex=self.sex, edition=self.edition)


def risk_ids(store: Store) -> list[str]:
    """The ten core risks, in the order of risks.csv (a fresh list: the caller may change it)."""
    return list(_risk_ids(store))


@per_build()
def _risk_ids(store: Store) -> tuple[str, ...]:
    return tuple(core_risks(store.risks)["risk"])


def edition_options(store: Store, risk: str) -> list[dict[str, str]]:
    """Editions with at least one Member State figure for the risk, newest first.

    An edition with only a world figure (e.g. health in WSPR 2024-26) would rank nobody,
    so it is not offered.
    """
    return [{"label": label, "value": e} for e, label in _editions_with_members(store, risk)]


@per_build()
def _editions_with_members(store: Store, risk: str) -> tuple[tuple[str, str], ...]:
    # every risk page asks this several times (the page, the controls, each chart resolving its view): once per risk
    members = member_table(store)["iso3"]
    present = set(coverage_rows(store, risks=[risk], countries=members)[C.edition])
    editions = store.editions.sort_values("published", ascending=False)
    return tuple((e, label) for e, label in zip(editions["edition"], editions["label"], strict=True) if e in present)


def shown_sex(store: Store, risk: str, sex: str) -> str:
    """The sex drawn: the one chosen, except for women-only risks (maternity), always female."""
    return "female" if default_sex(store.risks).get(risk) == "female" else sex


def resolve_view(store: Store, risk: str, url: Mapping[str, str | Sequence[str] | None]) -> RiskView:
    """The view for ``/risk/<risk>?<url>``: bad values become problems and fall back to defaults.

    Never raises for anything a URL can hold, so a mistyped link shows the default page
    with a notice instead of an error. An edition that exists but has no figure for this
    risk is not a mistake in the link (switching risk keeps the edition), so it falls
    back quietly with an informational note.
    """
    vocabulary = Vocabulary.from_store(store)
    state, problems = vocabulary.parse(url, accept=PARAMS)
    risks = risk_ids(store)
    key = risk.strip().lower()
    if key not in risks:
        problems.insert(0, Problem.of("risk", risk, "unknown_risk", tuple(risks), risk=risk))
        key = DEFAULT_RISK
    members = member_table(store)["iso3"].tolist()
    aggregates = [c for c in state.country if c not in members]
    for iso3 in aggregates:
        problems.append(Problem.of("country", iso3, "not_a_member", tuple(members), iso3=iso3))
    countries = tuple(c for c in state.country if c in members)

    available = [o["value"] for o in edition_options(store, key)]
    # a risk no edition has figures for (none today) still gets a page: the default edition, all "no data"
    default = default_edition(store)
    fallback = default if default in available or not available else available[0]
    edition = state.edition or fallback
    asked = None
    if available and edition not in available:
        asked, edition = edition, fallback
    sex = state.sex or "total"
    return RiskView(key, edition, sex, shown_sex(store, key, sex), countries, problems, asked, tuple(available))


def canonical_url(store: Store, view: RiskView) -> str:
    """The URL the page is drawn for, every default spelled out except 'all countries' (empty)."""
    return f"/risk/{view.risk}{Vocabulary.from_store(store).encode(view.state)}"


# -- the definition -----------------------------------------------------------------------------


def risk_label(store: Store, risk: str) -> str:
    return str(lookup(store, "risks", "risk", "label")[risk])


def short_label(store: Store, risk: str) -> str:
    return str(lookup(store, "risks", "risk", "short_label")[risk])


# -- the ranking ----------------------------------------------------------------------------------


def _latest_by_area(rows: pd.DataFrame) -> pd.DataFrame:
    """One row per area: its most recent dated figure, or an undated one where the edition dates none.

    Publications (e.g. the WSPR 2014/15 annex) often give a 'latest available year' without
    stating it; such a figure is still the edition's figure for that country.
    """
    order = rows.assign(_dated=rows[C.year].notna(), _year=rows[C.year].fillna(0)).sort_values(["_dated", "_year"], kind="stable")
    return order.drop_duplicates(C.iso3, keep="last").drop(columns=["_dated", "_year"])


@per_build()
def ranking(store: Store, view: RiskView) -> pd.DataFrame:
    """Member States, the region and the world ranked by their latest figure in the edition.

    One row per area: the 11 Member States, the edition's regional comparator (if it has
    one) and the world. Rows with a figure come first, highest first; areas without a
    figure follow with NaN coverage (alphabetical, aggregates last) so the chart can say
    "no data" rather than draw a zero. ``highlighted`` marks the chosen countries (all,
    when none are chosen).
    """
    table = _ranked(store, view.risk, view.edition, view.shown_sex)
    chosen = set(view.countries) or set(table.loc[table["role"].eq("country"), C.iso3])
    return table.assign(highlighted=table[C.iso3].isin(chosen) & table["role"].eq("country"))[RANKING_COLUMNS]


@per_build()
def _ranked(store: Store, risk: str, edition: str, sex: str) -> pd.DataFrame:
    # once per risk, edition and sex: the choice of countries only highlights (2^11 selections share it)
    members = member_table(store)
    region = regional_comparator(store, edition)
    areas = pd.DataFrame(
        [(iso3, "country") for iso3 in members["iso3"]] + ([(region, "region")] if region else []) + [(WORLD, "world")],
        columns=[C.iso3, "role"],
    )
    rows = coverage_rows(store, editions=[edition], risks=[risk], sexes=[sex], countries=areas[C.iso3])
    latest = _latest_by_area(rows).drop(columns=[C.country])
    table = areas.merge(latest, on=C.iso3, how="left")
    names = store.countries.set_index("iso3")["short_name"]
    titles = store.sources.set_index("source_id")["title"]
    table = table.assign(
        **{
            C.country: table[C.iso3].map(names),
            C.risk: risk,
            "risk_label": risk_label(store, risk),
            C.sex: sex,
            C.edition: edition,
            "source_title": table[C.source_id].map(titles),
            "_known": table[C.coverage_pct].notna(),
            "_aggregate": table["role"].ne("country"),
        }
    )
    known = table[table["_known"]].sort_values([C.coverage_pct, C.country], ascending=[False, True], kind="stable")
    unknown = table[~table["_known"]].sort_values(["_aggregate", C.country], kind="stable")
    return pd.concat([known, unknown], ignore_index=True)


def map_rows(ranking_rows: pd.DataFrame) -> pd.DataFrame:
    """The map's input: the ranking's Member States, one row each (NaN coverage: no data)."""
    states = ranking_rows[ranking_rows["role"] == "country"]
    columns = [C.iso3, C.country, C.risk, C.coverage_pct, C.year, C.edition, C.source_id, "source_title", C.obs_flags]
    return states[columns].reset_index(drop=True)


def missing_states(ranking_rows: pd.DataFrame) -> list[str]:
    """Names of the Member States with no figure in the ranking, in the ranking's order."""
    columns = (ranking_rows[column].tolist() for column in ("role", C.country, C.coverage_pct))
    return [name for role, name, pct in zip(*columns, strict=True) if role == "country" and pd.isna(pct)]


def _order(store: Store, view: RiskView) -> dict[str, int]:
    """Where each area goes in a chart of the view: the countries in the order chosen (all of them alphabetically), then the
    edition's region and the world."""
    countries = list(view.countries) or member_table(store)["iso3"].tolist()
    region = regional_comparator(store, view.edition)
    return {iso3: i for i, iso3 in enumerate([*countries, *(a for a in (region, WORLD) if a)])}


def _in_order(rows: pd.DataFrame, order: dict[str, int]) -> pd.DataFrame:
    """The rows of the areas in ``order``, area by area in that order, each area's rows in the order they had."""
    rank = np.array([order.get(iso3, -1) for iso3 in rows[C.iso3].tolist()], dtype=np.int64)
    kept = np.flatnonzero(rank >= 0)
    return rows.take(kept[np.argsort(rank[kept], kind="stable")]).reset_index(drop=True)


# -- the trend across editions ---------------------------------------------------------------------


@per_build()
def trend(store: Store, view: RiskView) -> pd.DataFrame:
    """Every dated figure of the chosen countries in every edition, plus the region and world of the chosen edition.

    One row per (area, edition, year); ``chosen`` marks the chosen edition, the only one
    whose points may be joined into a line. Countries come in the order chosen (or
    alphabetical for all); a country with no dated figure in any edition keeps one row
    with NaN year and coverage, so the chart can still give it a panel saying "no data".
    Undated figures cannot be placed on a time axis and are left out.
    """
    rows = _trend_of_all(store, view.risk, view.edition, view.shown_sex)
    if not view.countries:
        return rows
    return _in_order(rows, _order(store, view))


@per_build()
def _trend_of_all(store: Store, risk: str, edition: str, sex: str) -> pd.DataFrame:
    # once per risk, edition and sex, every Member State alphabetically: a choice of countries takes its rows from it
    countries = member_table(store)["iso3"].tolist()
    region = regional_comparator(store, edition)
    own = coverage_rows(store, countries=countries, risks=[risk], sexes=[sex])
    comparators = [a for a in (region, WORLD) if a]
    aggregates = coverage_rows(store, countries=comparators, risks=[risk], sexes=[sex], editions=[edition])
    rows = pd.concat([own, aggregates])
    rows = rows[rows[C.year].notna()]
    role = {iso3: "country" for iso3 in countries} | {region: "region", WORLD: "world"}
    drawn = set(rows[C.iso3])  # once: built inside the comprehension it cost countries x rows
    empty = [c for c in countries if c not in drawn]
    placeholders = pd.DataFrame({C.iso3: empty, C.edition: edition, C.coverage_pct: float("nan")})
    rows = pd.concat([rows, placeholders], ignore_index=True)
    order = {iso3: i for i, iso3 in enumerate([*countries, region, WORLD])}
    published = store.editions.set_index("edition")["published"]
    rows = rows.assign(
        role=rows[C.iso3].map(role),
        **{
            C.country: rows[C.iso3].map(store.countries.set_index("iso3")["short_name"]),
            C.risk: risk,
            C.sex: sex,
            "source_title": rows[C.source_id].map(store.sources.set_index("source_id")["title"]),
        },
        chosen=rows[C.edition].eq(edition),
        published=rows[C.edition].map(published),
        _order=rows[C.iso3].map(order),
    )
    rows = rows.sort_values(["_order", "published", C.year], kind="stable")
    return rows.reset_index(drop=True)[TREND_COLUMNS].astype({C.year: "Int16"})


# -- women and men ---------------------------------------------------------------------------------


@per_build()
def sex_split(store: Store, view: RiskView) -> pd.DataFrame | None:
    """Women beside men: each area's latest year in the edition with both figures, countries then comparators.

    None for women-only risks and where the edition publishes no such pair. Hover texts
    carry the year and edition of each value, so a reader never has to guess them.
    """
    if shown_sex(store, view.risk, "male") != "male":
        return None
    pairs = _sex_pairs(store, view.risk, view.edition)
    countries = list(view.countries) or member_table(store)["iso3"].tolist()
    if pairs is None or not pairs[C.iso3].isin(countries).any():
        return None
    wide = _in_order(pairs, _order(store, view))
    role = wide[C.iso3].map(lambda a: "country" if a in countries else ("world" if a == WORLD else "region"))
    return wide.assign(role=role)[SEX_COLUMNS]


@per_build()
def _sex_pairs(store: Store, risk: str, edition: str) -> pd.DataFrame | None:
    # once per risk and edition, every Member State and comparator: a choice of countries takes its rows from it.
    # An area's latest pair is its own (the sort is stable), whichever other areas are drawn beside it
    members = member_table(store)["iso3"].tolist()
    region = regional_comparator(store, edition)
    areas = [*members, *(a for a in (region, WORLD) if a)]
    rows = coverage_rows(store, editions=[edition], risks=[risk], sexes=["female", "male"], countries=areas)
    rows = rows[rows[C.year].notna()]
    wide = rows.pivot_table(index=[C.iso3, C.year, C.source_id], columns=C.sex, values=C.coverage_pct).reset_index()
    if not {"female", "male"} <= set(wide.columns):
        return None
    wide = wide.dropna(subset=["female", "male"]).sort_values(C.year, kind="stable").drop_duplicates(C.iso3, keep="last")
    wide = wide.merge(sex_pair_flags(rows, [C.iso3, C.year, C.source_id]), on=[C.iso3, C.year, C.source_id], how="left")
    names = wide[C.iso3].map(store.countries.set_index("iso3")["short_name"])
    return wide.assign(
        **{
            C.country: names,
            # equal values draw one marker over the other: the label says so (text.risk.with_sex_labels)
            "equal": wide["female"] == wide["male"],
            C.risk: risk,
            C.edition: edition,
            "hover": wide[C.year].astype("str") + " · " + edition,
        }
    )


# -- captions -----------------------------------------------------------------------------------------
