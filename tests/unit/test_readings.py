"""No reading anywhere subtracts the values of two editions (issue 11, item 1).

Every chart of every page is built, through the chart registry the pages use, for
every country, risk and edition; each signed number of points in its reading ("What
the chart shows") must be the change inside one series (edition, area, risk, sex,
kind) of the rows the chart draws on, and a sentence that names two editions must
not call the gap between them a rise or a fall.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pandas as pd
import pytest

from essa_dash import views
from essa_dash.query import comparable, filter_coverage, member_states
from essa_dash.query.progress import BASELINE_YEAR, progress_editions
from essa_dash.query.risk import edition_options, risk_ids
from essa_dash.query.state import State
from essa_dash.schema import Coverage as C
from essa_dash.store import Store
from tests.unit.conftest import Pages, resolved

#: A signed change in points as the readings write it: "+12.3 pp", "-0.4 points".
SIGNED = re.compile(r"(?<![\w.])([+\-−])(\d+(?:[.,]\d+)?)\s*(?:pp|points)\b")
CHANGE_WORDS = re.compile(r"\b(rise|rose|fall|fell|increase[ds]?|decrease[ds]?|gain(?:ed)?|grew|dropped|improved)\b", re.I)


def _states(store: Store) -> Iterator[tuple[str, State]]:
    """Every distinct view once: each country, risk and page with each edition it can show, as the chart
    resolves it (``Chart.canonical``: states that resolve alike are one drawing, so one check)."""
    seen: set[tuple[str, State]] = set()
    for chart_id, state in _asked(store):
        view = resolved(store, chart_id, state)
        if view not in seen:
            seen.add(view)
            yield view


def _asked(store: Store) -> Iterator[tuple[str, State]]:
    """Each country, risk and page with each edition it can show (an edition a page cannot show
    falls back to the default, a view already listed)."""
    members = member_states(store.countries)["iso3"]
    for chart in views.load_all().values():
        if chart.page == "/country/<iso3>":
            for iso3 in members:
                for edition in sorted(set(filter_coverage(store.coverage, countries=[iso3])[C.edition])):
                    yield chart.id, State(country=(iso3,), edition=edition)
        elif chart.page == "/risk/<risk>":
            for risk in risk_ids(store):
                for option in edition_options(store, risk):
                    yield chart.id, State(risk=(risk,), edition=option["value"])
        elif chart.page == "/progress":
            for edition in progress_editions(store):
                yield chart.id, State(edition=edition)
        else:
            for edition in store.editions["edition"]:
                yield chart.id, State(edition=edition)


def _allowed(store: Store, state: State, editions: set[str]) -> set[float]:
    """Changes inside one series of the cited editions, for the state's countries and risks:
    first to last year, and first year since the baseline year to last."""
    rows = store.coverage[store.coverage[C.edition].isin(editions)]
    if state.country:
        rows = rows[rows[C.iso3].isin(state.country)]
    if state.risk:
        rows = rows[rows[C.risk].isin(state.risk)]
    allowed = set()
    for part in (rows, rows[rows[C.year] >= BASELINE_YEAR]):
        change = comparable.series_change(part)["change_pp"]
        allowed |= {round(float(v), 1) for v in change}
    return allowed


def _signed(sentence: str) -> list[float]:
    return [(-1 if sign in "-−" else 1) * float(number.replace(",", ".")) for sign, number in SIGNED.findall(sentence)]


@pytest.fixture(scope="module")
def readings(store: Store, every_page: Pages) -> list[tuple[str, State, views.Built]]:
    """Every distinct view's chart, as the session's pass over every page drew it (tests/unit/conftest.py)."""
    built = []
    for chart, state in _states(store):
        result = every_page.built(chart, state)
        if result is not None:
            built.append((chart, state, result))
    return built


def test_every_view_was_built(readings) -> None:
    charts = {chart for chart, _, _ in readings}
    assert charts == set(views.load_all()) - {"risk-sex"} or charts == set(views.load_all())


def test_no_reading_subtracts_two_editions(store: Store, readings) -> None:
    editions = store.editions["edition"].tolist()
    failures = []
    changes: dict[tuple[tuple[str, ...], tuple[str, ...], frozenset[str]], set[float]] = {}
    for chart, state, built in readings:
        cited = {note.edition for note in built.sources}
        # the charts of one page share countries, risks and editions: each set of changes is computed once
        key = (state.country, state.risk, frozenset(cited))
        if key not in changes:
            changes[key] = _allowed(store, state, cited)
        allowed = changes[key]
        for sentence in built.reading:
            if "median" in sentence:
                continue  # a median of changes is no difference of two figures
            for value in _signed(sentence):
                if not any(abs(value - a) < 0.051 for a in allowed):
                    failures.append(f"{chart} {state}: {value:+.1f} in {sentence!r}")
            named = [e for e in editions if e in sentence]
            if len(named) > 1 and CHANGE_WORDS.search(sentence):
                failures.append(f"{chart} {state}: two editions and a change word in {sentence!r}")
    assert not failures, "\n".join(failures[:20])


def test_no_reading_says_minus_zero(readings) -> None:
    for chart, state, built in readings:
        for sentence in built.reading:
            assert not re.search(r"[+\-−]0[.,]0\b", sentence), (chart, state, sentence)


@pytest.mark.parametrize(
    ("iso3", "wrong"),
    [("VNM", "75.4"), ("MMR", "-0.0"), ("THA", "-100.0")],
)
def test_the_reported_cross_edition_readings_are_gone(store: Store, iso3: str, wrong: str) -> None:
    built = views.build("country-editions", store, State(country=(iso3,)))
    assert built is not None
    assert not any(wrong in sentence for sentence in built.reading), built.reading
    assert any("not a change over time" in sentence for sentence in built.reading)


def test_revisions_are_named_with_both_values(store: Store) -> None:
    built = views.build("country-editions", store, State(country=("THA",)))
    assert built is not None
    revision = next(s for s in built.reading if "revision" in s)
    # Thailand disability 2019: UN SDG DB 2023-07 73.0, ILOSTAT 2025 92.0 (real rows)
    assert "73.0% in UN SDG DB 2023-07, revised to 92.0% in ILOSTAT 2025" in revision


def test_series_change_stays_inside_one_series() -> None:
    rows = pd.DataFrame(
        {
            C.edition: ["A", "A", "B"],
            C.iso3: ["VNM"] * 3,
            C.risk: ["disability"] * 3,
            C.sex: ["total"] * 3,
            C.coverage_kind: ["effective"] * 3,
            C.year: pd.array([2016, 2019, 2021], dtype="Int16"),
            C.coverage_pct: [9.7, 83.5, 85.1],
            C.obs_flags: ["", "implausible", ""],
        }
    )
    change = comparable.series_change(rows)
    assert change[C.edition].tolist() == ["A"]  # B has one year: no change
    assert change["change_pp"].round(1).tolist() == [73.8]
    assert change[C.obs_flags].tolist() == ["implausible"]


def test_revisions_pair_the_same_cell_only() -> None:
    rows = pd.DataFrame(
        {
            C.edition: ["A", "B", "B"],
            C.iso3: ["THA"] * 3,
            C.risk: ["poor"] * 3,
            C.sex: ["total"] * 3,
            C.coverage_kind: ["effective"] * 3,
            C.year: pd.array([2019, 2019, 2020], dtype="Int16"),
            C.coverage_pct: [100.0, 99.98, 0.0],
        }
    )
    published = pd.Series({"A": "2023-07-23", "B": "2025-06-02"})
    assert comparable.revisions(rows, published).empty  # 100 vs 99.98 is the same figure; 2020 is another cell
    rows.loc[1, C.coverage_pct] = 90.0
    revised = comparable.revisions(rows, published)
    assert revised[["earlier_edition", "later_edition", "revision_pp"]].values.tolist() == [["A", "B", -10.0]]


def test_flagged_figures_are_marked_and_worded_on_every_chart(store: Store, readings) -> None:
    """Singapore's legal-coverage estimates (ILOSTAT's own note) carry their flag onto the page's charts."""
    for chart in ("country-bars", "country-editions"):
        built = views.build(chart, store, State(country=("SGP",)))
        assert any("Marked legal-coverage estimate: " in s and "work injury" in s for s in built.reading), built.reading
        assert "† Flagged: " in built.text.source and "legal-coverage estimate" in built.text.source
    bars = views.build("country-bars", store, State(country=("SGP",))).figure
    singapore = next(t for t in bars.data if t.name == "Singapore")
    labels = dict(zip(singapore.y, singapore.text, strict=True))
    assert labels["Work injury"].endswith(" †")
    hover = dict(zip(singapore.y, singapore.customdata, strict=True))
    assert "legal-coverage estimate: Estimated from legal coverage" in hover["Work injury"]
    ranking = views.build("risk-ranking", store, State(risk=("employment_injury",)))
    assert any("Singapore (95.9%, 2021)" in s for s in ranking.reading)


def test_implausible_jumps_say_check_this_figure(store: Store) -> None:
    # Thailand poor 100 -> 0 (2019 -> 2020) inside ILOSTAT 2025: flagged by the build's plausibility rule
    built = views.build("risk-trend", store, State(risk=("poor",)))
    check = next(s for s in built.reading if s.startswith("Check this figure: "))
    assert "Thailand, ILOSTAT 2025 (100.0%, 2019), Thailand, ILOSTAT 2025 (0.0%, 2020)" in check
    progress = views.build("progress-dumbbells", store, State(risk=("poor",), edition="ILOSTAT 2025"))
    assert any(s.startswith("Check this figure: ") and "Thailand (poor)" in s for s in progress.reading)
