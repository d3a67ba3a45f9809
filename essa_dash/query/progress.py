"""The progress page's question: has coverage improved since the 2015 baseline?

Baseline and latest figure always come from ONE edition and one risk id (one
definition): editions revise earlier figures and label years differently, so
joining a 2016 UN SDG DB value to a 2022 ILOSTAT value would measure the revision
as much as the change. The rules, documented on the page too:

* baseline: the earliest year >= 2015 (the ASEAN Framework's baseline year) that the
  edition has for the (country, risk, sex) cell; latest: the cell's latest year.
* a cell with one year since 2015 has no change ("one year only"), never a zero;
* a cell whose figures all predate 2015 has no baseline; its latest figure is shown
  in the table, labelled "before 2015", and never enters a change;
* for every baseline the other editions' figure for the same cell (same country,
  risk, sex and year), or for the same report round under another year label, is
  compared, and a difference is noted, never merged.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import NamedTuple

import pandas as pd

from essa_dash.query.comparable import joined_flags
from essa_dash.query.core import core_risks, coverage_rows, default_sex, member_table
from essa_dash.query.state import Problem, State, edition_slug
from essa_dash.schema import Coverage as C
from essa_dash.store import Store, per_build

#: The ASEAN Framework's baseline year: the first year a baseline may come from.
BASELINE_YEAR = 2015
#: Changes smaller than this show as 0.0 pp: count them as "no change", as the label reads.
STEADY_PP = 0.05
#: Figures equal to one decimal (the precision ILOSTAT publishes) are the same figure:
#: the UN SDG DB 2018-10 stores 47.0935 where ILOSTAT shows 47.1.
SAME_FIGURE_PP = 0.05

COMPARED, ONE_YEAR, BEFORE_BASELINE, NO_DATA = "compared", "one_year", "before_baseline", "no_data"
#: editions.csv ``year_basis`` values: what the year of a figure means in that edition.
DATA_YEAR = "data year"
REPORT_YEAR = "report reference year"
#: One report round under two year labels (shared data README, sections 5b and 8): the UN SDG DB
#: labels the World Social Protection Report 2017-19 figures 2016 and the 2020-22 figures 2020,
#: ILOSTAT stamps the same figures with the years the data refer to (2014-2017, 2018-2020).
REPORT_ROUNDS: tuple[tuple[range, int], ...] = ((range(2014, 2018), 2016), (range(2018, 2021), 2020))

#: Risks whose releases word the denominator differently (risks.csv gives both wordings).
DENOMINATOR_VARIES = ("employment_injury",)

CELL_COLUMNS = [
    C.iso3,
    C.country,
    C.risk,
    "risk_label",
    C.sex,
    C.edition,
    "status",
    "baseline_year",
    "baseline_pct",
    "latest_year",
    "latest_pct",
    "change_pp",
    C.source_id,
    "baseline_location",
    "latest_location",
    "earlier_years",
    "revisions",
    C.obs_flags,
]

# --- choices and URL checks -------------------------------------------------------------------


def progress_risks(store: Store) -> pd.DataFrame:
    """The nine SDG 1.3.1 series: core risks measured as effective coverage (health is legal coverage
    from 2007-2010 only, so it has no comparable series)."""
    risks = core_risks(store.risks)
    return risks[risks["coverage_kind"] == "effective"]


def progress_editions(store: Store) -> list[str]:
    """Editions with at least one dated figure for a Member State on the nine risks, newest first."""
    return list(_progress_editions(store))


@per_build()
def _progress_editions(store: Store) -> tuple[str, ...]:
    # once per build: the page, its controls and the check of its URL each ask
    rows = coverage_rows(
        store,
        countries=member_table(store)["iso3"],
        risks=progress_risks(store)["risk"],
    )
    present = set(rows.loc[rows[C.year].notna(), C.edition])
    editions = store.editions.sort_values("published", ascending=False)
    return tuple(e for e in editions["edition"] if e in present)


def edition_choices(store: Store) -> list[dict[str, str]]:
    labels = store.editions.set_index("edition")["label"]
    return [{"label": str(labels[e]), "value": e} for e in progress_editions(store)]


def risk_choices(store: Store) -> list[dict[str, str]]:
    risks = progress_risks(store)
    return [{"label": label, "value": risk} for risk, label in zip(risks["risk"], risks["label"], strict=True)]


def restrict(store: Store, state: State, default_edition: str) -> tuple[State, list[Problem]]:
    """Keep what this page can compare; every value dropped becomes a problem naming the valid choices.

    The URL vocabulary accepts every id the data knows (aggregates, survey series, all
    editions); this page compares Member States on the nine SDG 1.3.1 series, so the rest
    is reported rather than silently ignored. Empty selections fall back to the defaults.
    """
    problems: list[Problem] = []
    members = tuple(member_table(store)["iso3"])
    risks = tuple(progress_risks(store)["risk"])
    editions = progress_editions(store)

    countries = tuple(c for c in state.country if c in members)
    for country in state.country:
        if country not in members:
            problems.append(Problem.of("country", country, "not_a_member", members, iso3=country))
    chosen = tuple(r for r in state.risk if r in risks)
    for risk in state.risk:
        if risk not in risks:
            problems.append(Problem.of("risk", risk, "no_progress_series", risks, risk=risk))
    edition = state.edition or default_edition
    if edition not in editions:
        allowed = tuple(edition_slug(e) for e in editions)
        problems.append(Problem.of("edition", edition_slug(edition), "no_dated_figures", allowed, edition=edition))
        edition = default_edition
    return (
        State(country=countries or members, risk=chosen or risks, edition=edition, sex=state.sex or "total"),
        problems,
    )


# --- the comparison -------------------------------------------------------------------------


def progress_cells(store: Store, *, countries: Sequence[str], risks: Sequence[str], edition: str, sex: str = "total") -> pd.DataFrame:
    """One row per (country, risk): baseline and latest figure of ONE edition, and the change.

    Rows follow the order of risks.csv, then the countries' short names. ``status`` is
    ``compared``, ``one_year`` (one year since 2015: no change), ``before_baseline``
    (figures only before 2015: the latest is in ``latest_*``, never in a change) or
    ``no_data``. ``change_pp`` is NaN unless compared. ``revisions`` holds, as a tuple of
    :class:`Revision`, the other editions' figures for the baseline cell that differ from it.
    Numbers and facts only: :func:`essa_dash.text.progress.labelled` adds the words.
    """
    members = member_table(store)["iso3"].tolist()
    if not countries or not set(countries) <= set(members):
        return _cells_of(store, tuple(countries), tuple(risks), edition, sex)
    # a choice of Member States takes its rows from all of theirs: each cell is one country's, whoever is beside it
    cells = _cells_of(store, tuple(members), tuple(risks), edition, sex)
    return cells if set(countries) == set(members) else cells[cells[C.iso3].isin(set(countries))].reset_index(drop=True)


@per_build()
def _cells_of(store: Store, countries: tuple[str, ...], risks: tuple[str, ...], edition: str, sex: str) -> pd.DataFrame:
    risk_table = progress_risks(store)
    risk_table = risk_table[risk_table["risk"].isin(risks)]
    sexes = {risk: ("female" if default == "female" else sex) for risk, default in default_sex(risk_table).items()}
    names = store.countries.set_index("iso3")["short_name"].to_dict()
    wanted = set(countries)
    chosen = [c for c in names if c in wanted]

    rows = coverage_rows(store, countries=chosen, risks=risk_table["risk"])
    rows = rows[(rows[C.sex] == rows[C.risk].map(sexes)) & rows[C.year].notna()]
    table = store.editions.set_index("edition")
    meta = Editions(table["published"].to_dict(), table["year_basis"].to_dict())
    here_cells, other_cells = _cells(rows, edition)

    records = []
    by_name = sorted(chosen, key=lambda c: names[c])
    for risk, risk_label in zip(risk_table["risk"], risk_table["short_label"], strict=True):
        for iso3 in by_name:
            record = {
                C.iso3: iso3,
                C.country: names[iso3],
                C.risk: risk,
                "risk_label": risk_label,
                C.sex: sexes[risk],
                C.edition: edition,
            }
            record |= _compare(here_cells.get((iso3, risk), []))
            if record["status"] in (COMPARED, ONE_YEAR):
                record["revisions"] = tuple(
                    _revisions(record["baseline_year"], record["baseline_pct"], edition, other_cells.get((iso3, risk), {}), meta)
                )
            records.append(record)
    cells = pd.DataFrame.from_records(records, columns=CELL_COLUMNS)
    cells = cells.astype({"baseline_year": "Int16", "latest_year": "Int16", "baseline_pct": "float64", "latest_pct": "float64"})
    change = (cells["latest_pct"] - cells["baseline_pct"]).where(cells["status"] == COMPARED)
    return cells.assign(change_pp=change)


def any_change(cells: pd.DataFrame) -> bool:
    """Whether any cell has two years to compare (else the change chart would be empty)."""
    return bool((cells["status"] == COMPARED).any())


class Editions(NamedTuple):
    """What the comparison needs of editions.csv, as dicts (a frame lookup per cell cost more than the comparison)."""

    published: dict[str, object]
    basis: dict[str, str]


class Figure(NamedTuple):
    """One dated figure of a cell, as the comparison reads it."""

    year: int
    pct: float
    source_id: str
    location: str | None
    flags: object  # the row's obs_flags cell (codes joined by ";", or missing)


def _cells(rows: pd.DataFrame, edition: str) -> tuple[dict[tuple[str, str], list[Figure]], dict[tuple[str, str], dict[str, list[Figure]]]]:
    """The rows as plain figures, in one pass: the edition's by (country, risk), the others' by (country, risk) then edition.

    Each cell is small (a few years) but there are countries x risks of them: filtering a
    frame per cell cost ~6 ms each, so the cells are read once and compared in Python.
    Order within a cell is the rows' order, as a groupby keeps it.
    """
    here: dict[tuple[str, str], list[Figure]] = {}
    others: dict[tuple[str, str], dict[str, list[Figure]]] = {}
    columns = [C.iso3, C.risk, C.edition, C.year, C.coverage_pct, C.source_id, C.source_location, C.obs_flags]
    for iso3, risk, ed, year, pct, source, location, flags in zip(*(rows[c].tolist() for c in columns), strict=True):
        figure = Figure(int(year), float(pct), source, location, flags)
        if ed == edition:
            here.setdefault((iso3, risk), []).append(figure)
        else:
            others.setdefault((iso3, risk), {}).setdefault(ed, []).append(figure)
    return here, others


def _compare(cell: list[Figure]) -> dict[str, object]:
    """Baseline and latest of one cell's figures (one edition, one risk, one sex)."""
    empty = {
        "status": NO_DATA,
        "baseline_year": None,
        "baseline_pct": None,
        "latest_year": None,
        "latest_pct": None,
        C.source_id: None,
        "baseline_location": None,
        "latest_location": None,
        "earlier_years": "",
        "revisions": (),
        C.obs_flags: "",
    }
    if not cell:
        return empty
    cell = sorted(cell, key=lambda f: f.year)
    since = [f for f in cell if f.year >= BASELINE_YEAR]
    before = [f for f in cell if f.year < BASELINE_YEAR]
    earlier = ", ".join(str(f.year) for f in before)
    if not since:
        last = before[-1]
        return empty | {
            "status": BEFORE_BASELINE,
            "latest_year": last.year,
            "latest_pct": last.pct,
            C.source_id: last.source_id,
            "latest_location": last.location,
            "earlier_years": earlier,
            C.obs_flags: joined_flags(pd.Series([last.flags])),
        }
    first, last = since[0], since[-1]
    return empty | {
        "status": COMPARED if len(since) > 1 else ONE_YEAR,
        "baseline_year": first.year,
        "baseline_pct": first.pct,
        "latest_year": last.year,
        "latest_pct": last.pct,
        C.source_id: first.source_id,
        "baseline_location": first.location,
        "latest_location": last.location,
        "earlier_years": earlier,
        C.obs_flags: joined_flags(pd.Series([first.flags, last.flags])),
    }


def round_years(year: int, basis: str, other_basis: str) -> list[int]:
    """The years under which an edition with ``other_basis`` files the figure of the same report round.

    Only between a data-year edition (ILOSTAT) and a report-year one (UN SDG DB): e.g.
    ILOSTAT 2019 -> SDG DB 2020, SDG DB 2016 -> ILOSTAT 2014-2017. The same year itself is
    left out: it is compared as the same cell anyway.
    """
    if basis == DATA_YEAR and other_basis == REPORT_YEAR:
        return [label for years, label in REPORT_ROUNDS if year in years and label != year]
    if basis == REPORT_YEAR and other_basis == DATA_YEAR:
        return [y for years, label in REPORT_ROUNDS if label == year for y in years if y != year]
    return []


class Revision(NamedTuple):
    """Another edition's different figure for a baseline cell (or its report round under another year label)."""

    edition: str
    pct: float
    year: int
    #: published after the edition compared (it revises it) rather than before
    later: bool
    #: filed under another year label of the same report round
    relabelled: bool = False


def _revisions(year: int, value: float, edition: str, others: dict[str, list[Figure]], meta: Editions) -> list[Revision]:
    """Notes on other editions' figures for the same cell or report round that differ from ``value``.

    Same cell (country, risk, sex, year): every different figure is noted. Same report round
    under another year label: noted only when none of that edition's candidates equals the
    baseline, since the round spans several data years.
    """
    if not others:
        return []
    published, basis = meta.published[edition], meta.basis[edition]
    notes = []
    for other in sorted(others, key=meta.published.__getitem__):
        figures = others[other]
        later = meta.published[other] > published
        same = [f for f in figures if f.year == year]
        labels = round_years(year, basis, meta.basis[other])
        round_ = [f for f in figures if f.year in labels]
        notes += [Revision(other, f.pct, f.year, later) for f in same if abs(f.pct - value) >= SAME_FIGURE_PP]
        if round_ and all(abs(f.pct - value) >= SAME_FIGURE_PP for f in [*same, *round_]):
            notes += [Revision(other, f.pct, f.year, later, relabelled=True) for f in round_]
    return notes


def definition_caveats(store: Store, risks: Iterable[str]) -> list[tuple[str, str]]:
    """(risk label, caveat) for chosen risks whose definition carries one (its sentences after the first).

    This is where the employment-injury denominator (employed population or labour
    force, depending on the release) reaches the page, worded as in risks.csv.
    """
    table = store.risks.set_index("risk")
    caveats = []
    for risk in dict.fromkeys(risks):
        if risk not in table.index:
            continue
        sentences = re.split(r"(?<=\.)\s+(?=[A-Z])", str(table.loc[risk, "definition"]))
        if len(sentences) > 1:
            caveats.append((str(table.loc[risk, "short_label"]), " ".join(sentences[1:])))
    return caveats
