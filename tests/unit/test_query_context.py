"""The context series beside coverage: headline rows, the series of each risk, the pairing rule on real data, the charts."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from essa_dash.figures.context import sparkline_svg
from essa_dash.figures.frames import FRAMES
from essa_dash.query import context as q
from essa_dash.query.core import default_edition
from essa_dash.query.state import State
from essa_dash.schema import Context as X
from essa_dash.schema import Coverage as C
from essa_dash.store import Store
from essa_dash.views import build

CAUSAL = re.compile(r"\b(causes?|caused|because|due to|drives?|driven|leads? to|results? in|effect of|impact)\b", re.I)


def test_headline_rows_are_one_per_series_area_and_year(store: Store) -> None:
    rows = q.headline_rows(store)
    assert not rows.duplicated([X.indicator, X.iso3, X.year]).any()
    assert set(rows[X.indicator]) == set(store.indicators["indicator"])
    informal = rows[rows[X.indicator] == "informal_employment"]
    assert set(informal[X.sector]) == {"total"} and set(informal[X.sex]) == {"total"}
    assert set(rows.loc[rows[X.indicator] == "working_poverty", X.age]) == {"15plus"}
    assert set(rows.loc[rows[X.indicator] == "poverty", X.age]) == {"all"}


def test_each_risk_page_gets_the_series_the_issue_names(store: Store) -> None:
    assert q.for_risk(store, "old_age") == ["informal_employment"]
    assert "informal_employment" in q.for_risk(store, "at_least_one")
    assert q.for_risk(store, "employment_injury") == ["fatal_injuries"]
    assert q.for_risk(store, "health") == ["uhc_index"]
    assert q.for_risk(store, "poor") == ["poverty", "working_poverty"] == q.for_risk(store, "vulnerable")
    assert q.for_risk(store, "children") == []
    units = store.indicators.set_index("indicator")["unit"]
    for risk in store.risks["risk"]:  # one chart, one unit: the series of a risk share theirs
        assert len({units[i] for i in q.for_risk(store, risk)}) <= 1, risk


def test_the_country_panel_has_every_series_and_says_none_where_there_is_none(store: Store) -> None:
    panel = q.country_panel(store, "SGP").set_index(X.indicator)
    assert list(panel.index) == list(store.indicators["indicator"])
    assert panel.loc["informal_employment", X.value] != panel.loc["informal_employment", X.value]  # NaN: no data
    assert (panel.loc["uhc_index", X.year], panel.loc["uhc_index", X.value]) == (2021, 89.0)
    viet_nam = q.country_panel(store, "VNM").set_index(X.indicator)
    assert (viet_nam.loc["informal_employment", X.year], viet_nam.loc["informal_employment", X.value]) == (2021, 70.39)


def test_the_pairing_rule_on_real_data(store: Store) -> None:
    """Same year, else the nearest within 3 years (a tie: the more recent), checked against both tables directly."""
    pairs = q.pairs(store).set_index(X.iso3)
    assert len(pairs) == 11
    coverage = store.coverage
    coverage = coverage[
        (coverage[C.risk] == "old_age")
        & (coverage[C.sex] == "total")
        & (coverage[C.edition] == default_edition(store))
        & ~coverage[C.withdrawn]
    ]
    context = store.context
    informal = context[(context[X.indicator] == "informal_employment") & (context[X.sector] == "total") & (context[X.sex] == "total")]
    for iso3, row in pairs.iterrows():
        own = coverage[coverage[C.iso3] == iso3]
        latest = own.loc[own[C.year].idxmax()] if len(own) else None
        years = sorted(int(y) for y in informal.loc[informal[X.iso3] == iso3, X.year])
        if latest is None:
            assert pd.isna(row["coverage_pct"]) and not row["paired"]
            continue
        assert (row["coverage_year"], row["coverage_pct"]) == (latest[C.year], latest[C.coverage_pct])
        near = [y for y in years if abs(y - latest[C.year]) <= q.PAIR_WITHIN_YEARS]
        if not near:
            assert not row["paired"], iso3
            continue
        best = min(near, key=lambda y: (abs(y - latest[C.year]), -y))
        value = informal[(informal[X.iso3] == iso3) & (informal[X.year] == best)][X.value].item()
        assert row["paired"] and (row["context_year"], row["context_value"]) == (best, value), iso3
        assert row["years_apart"] == abs(best - latest[C.year])
    # what the real data give today, as the reading states it
    assert pairs.loc["VNM", ["coverage_year", "context_year"]].tolist() == [2019, 2019]
    assert not pairs.loc["LAO", "paired"] and pairs.loc["LAO", ["coverage_year", "context_year"]].tolist() == [2021, 2017]
    assert pairs.loc[["MYS", "PHL", "SGP"], "context_value"].isna().all()
    assert int(pairs["paired"].sum()) == 7


def test_the_pairing_chart_draws_only_pairs_and_no_relation_between_them(store: Store) -> None:
    built = build("context-pairs", store, State())
    assert built is not None
    (dots,) = built.figure.data  # one trace of dots: no fitted line
    assert len(dots.x) == 7 and all(x == x for x in dots.x)
    assert "Viet Nam (2019 / 2019)" in dots.text
    words = " ".join([built.text.title, built.text.subtitle, *built.reading])
    assert not CAUSAL.search(words), CAUSAL.search(words)
    assert "not a measured relation" in built.text.subtitle
    assert {s.source_id for s in built.sources} == {"ILOSTAT_DDF_2025", "UNSDG_2023-12_CONTEXT"}
    assert [d.risk for d in built.definitions] == ["old_age", "informal_employment"]


def test_the_country_trends_say_no_data_in_the_panel_of_a_missing_series(store: Store) -> None:
    built = build("country-context", store, State(country=("VNM",)))
    assert built is not None
    texts = [a.text for a in built.figure.layout.annotations]
    assert "no data" in texts  # fatal injuries: none for Viet Nam
    names = {trace.name for trace in built.figure.data}
    assert names == {"Viet Nam", "South-Eastern Asia", "World"}
    assert any("Fatal occupational injuries: no data for Viet Nam" in line for line in built.reading)
    assert all(y == y for trace in built.figure.data for y in trace.y)  # nothing drawn for a missing value


def test_a_risk_page_chart_keeps_missing_values_missing(store: Store) -> None:
    built = build("risk-context", store, State(risk=("old_age",)))
    assert built is not None
    (bars,) = built.figure.data
    values = dict(zip(bars.y, bars.x, strict=True))
    assert values["Singapore"] is None or values["Singapore"] != values["Singapore"]
    assert values["Cambodia"] == 89.4
    assert "no data" in [a.text for a in built.figure.layout.annotations]
    assert build("risk-context", store, State(risk=("children",))) is None


@pytest.mark.parametrize(("years", "values"), [([2020], [5.0]), ([], [])])
def test_a_sparkline_needs_two_points(years: list[int], values: list[float]) -> None:
    assert sparkline_svg(years, values, low=0, high=100) is None


def test_a_sparkline_stays_inside_its_box() -> None:
    svg = sparkline_svg([2000, 2010, 2021], [0.0, 100.0, 50.0], low=0, high=100)
    assert svg is not None and svg.startswith("<svg")
    points = re.search(r'points="([^"]+)"', svg).group(1).split()
    xs, ys = zip(*(map(float, p.split(",")) for p in points), strict=True)
    assert min(xs) >= 0 and max(xs) <= 120 and min(ys) >= 0 and max(ys) <= 32
    assert ys[0] > ys[1]  # 0 at the bottom, 100 at the top


@pytest.mark.parametrize("frame_name", sorted(FRAMES))
@pytest.mark.parametrize(
    ("chart", "state"),
    [("country-context", State(country=("VNM",))), ("risk-context", State(risk=("poor",))), ("context-pairs", State())],
)
def test_every_context_chart_in_every_frame(store: Store, chart: str, state: State, frame_name: str) -> None:
    fit = FRAMES[frame_name]
    built = build(chart, store, state, fit)
    assert built is not None
    layout = built.figure.layout
    assert layout.title.text and built.text.source in " ".join(a.text for a in layout.annotations).replace("<br>", " ")
    if fit.height is not None:  # a slide or an image: the chart fits its frame
        assert layout.height == fit.height
    built.figure.to_dict()  # a valid figure for plotly.js
