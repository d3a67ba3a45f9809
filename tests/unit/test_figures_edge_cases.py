"""Every figure builder on the edge: no rows at all, and rows whose values are all missing.

A chart of an edition or a selection with nothing in it must still draw (its title, its
source and 'no data'), never raise, and never draw a missing value as zero.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest

from essa_dash.figures._theme import ChartText
from essa_dash.figures.bars import comparison_bars
from essa_dash.figures.choropleth import coverage_map
from essa_dash.figures.dots import edition_dots
from essa_dash.figures.dumbbell import dumbbell
from essa_dash.figures.heatmap import coverage_heatmap
from essa_dash.figures.progress import baseline_dumbbells, change_bars
from essa_dash.figures.ranking import ranking_bars
from essa_dash.figures.trend import edition_trend
from essa_dash.query import country, heatmap_grid
from essa_dash.query import progress as prog
from essa_dash.query import risk as rq
from essa_dash.query.state import State
from essa_dash.schema import Coverage as C
from essa_dash.text import progress as progress_words

TEXT = ChartText("Title", "Subtitle", "Source")


def _risk_view(store):
    return rq.resolve_view(store, "old_age", {})


def _progress_cells(store):
    state, _ = prog.restrict(store, State(), "ILOSTAT 2025")
    found = prog.progress_cells(store, countries=state.country, risks=state.risk, edition=str(state.edition), sex=str(state.sex))
    return progress_words.labelled(found)


#: builder name -> (real input from the store, draw)
BUILDERS: dict[str, tuple[Callable, Callable[[pd.DataFrame], go.Figure]]] = {
    "heatmap": (lambda s: heatmap_grid(s), lambda f: coverage_heatmap(f, text=TEXT)),
    "comparison_bars": (lambda s: country.profile_bars(s, "VNM", edition="ILOSTAT 2025"), lambda f: comparison_bars(f, text=TEXT)),
    "edition_dots": (lambda s: country.edition_history(s, "VNM"), lambda f: edition_dots(f, text=TEXT)),
    "dumbbell": (
        lambda s: country.sex_split(s, "PHL", edition="ILOSTAT 2025"),
        lambda f: dumbbell(f, label="risk_label", start="female", end="male", start_name="Women", end_name="Men", text=TEXT),
    ),
    "coverage_map": (lambda s: rq.map_rows(rq.ranking(s, _risk_view(s))), lambda f: coverage_map(f, text=TEXT)),
    "ranking_bars": (lambda s: rq.ranking(s, _risk_view(s)), lambda f: ranking_bars(f, text=TEXT)),
    "edition_trend": (lambda s: rq.trend(s, _risk_view(s)), lambda f: edition_trend(f, edition="ILOSTAT 2025", text=TEXT)),
    "baseline_dumbbells": (_progress_cells, lambda f: baseline_dumbbells(f, text=TEXT)),
    "change_bars": (_progress_cells, lambda f: change_bars(f, text=TEXT)),
}
VALUE_COLUMNS = (C.coverage_pct, "female", "male", "baseline_pct", "latest_pct", "change_pp")


def all_missing(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.assign(**{c: np.nan for c in VALUE_COLUMNS if c in frame.columns})


def plotted_values(fig: go.Figure) -> list[float]:
    """Values drawn as data: bars, markers and coloured cells (not the positions of text columns, not the map's grey fill)."""
    values: list[float] = []
    for trace in fig.data:
        if trace.type == "scatter" and trace.mode == "text":
            continue
        if trace.meta and trace.meta.get("no_data_fill"):
            continue  # the map's grey layer: plotly.js fills a country only for a numeric z (see coverage_map)
        for attr in ("x", "z"):
            data = getattr(trace, attr, None)
            if data is not None and trace.type in ("bar", "heatmap", "choropleth", "scatter"):
                flat = np.array(data, dtype=object).ravel()
                values += [float(v) for v in flat if isinstance(v, int | float) and not isinstance(v, bool) and not np.isnan(v)]
    return values


@pytest.mark.parametrize("name", sorted(BUILDERS))
def test_builder_draws_with_no_rows(name: str, store) -> None:
    source, draw = BUILDERS[name]
    fig = draw(source(store).iloc[:0])
    assert isinstance(fig, go.Figure)
    assert "Title" in fig.layout.title.text


@pytest.mark.parametrize("name", sorted(BUILDERS))
def test_builder_never_draws_missing_values_as_zero(name: str, store) -> None:
    source, draw = BUILDERS[name]
    frame = source(store)
    fig = draw(all_missing(frame))
    assert "Title" in fig.layout.title.text
    drawn = plotted_values(fig)
    assert drawn == [], f"{name} drew {drawn[:5]} from missing values"


@pytest.mark.parametrize("name", sorted(BUILDERS))
def test_a_chart_of_missing_values_keeps_its_axes_and_says_no_data(name: str, store) -> None:
    """Not a blank panel: the axes (or the map) are drawn and the words "no data" are on it."""
    source, draw = BUILDERS[name]
    fig = draw(all_missing(source(store)))
    words = [a.text for a in fig.layout.annotations] + [t for trace in fig.data if trace.text is not None for t in np.ravel(trace.text)]
    assert any("no data" in str(w).lower() or "no cell has two years" in str(w).lower() for w in words), name
    if name != "coverage_map":
        assert fig.layout.xaxis.visible is not False and fig.layout.yaxis.visible is not False, name


@pytest.mark.parametrize("name", sorted(BUILDERS))
def test_builder_leaves_its_input_alone(name: str, store) -> None:
    source, draw = BUILDERS[name]
    frame = source(store)
    before = frame.copy()
    draw(frame)
    pd.testing.assert_frame_equal(frame, before)


def test_dumbbell_labels_sit_outside_their_pair_so_close_values_never_overprint() -> None:
    """Women 5.7 and men 11.5 on a phone: both labels above the markers overprinted; now the lower one is left of
    its marker and the higher one right of it; a value alone keeps its label above it."""
    import pandas as pd

    from essa_dash.figures._theme import ChartText
    from essa_dash.figures.dumbbell import dumbbell
    from essa_dash.figures.frames import PHONE

    rows = pd.DataFrame({"label": ["Cambodia", "Brunei", "Lao PDR"], "female": [5.7, 100.0, None], "male": [11.5, 100.0, 40.0]})
    fig = dumbbell(
        rows, label="label", start="female", end="male", start_name="Women", end_name="Men", text=ChartText("t", "s", "src"), fit=PHONE
    )
    women, men = fig.data
    assert list(women.textposition) == ["middle left", "middle left", "top center"]
    assert list(men.textposition) == ["middle right", "middle right", "top center"]
    low, high = fig.layout.xaxis.range
    assert low < -2 and high > 105  # room beside 0 % and 100 % for the labels
