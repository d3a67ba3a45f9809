"""Figure builders: pure, labelled, and honest about missing values."""

from __future__ import annotations

import numpy as np
import pandas as pd

from essa_dash import captions
from essa_dash.figures._theme import NO_DATA, ChartText
from essa_dash.figures.bars import comparison_bars
from essa_dash.figures.dots import edition_dots
from essa_dash.figures.dumbbell import dumbbell
from essa_dash.figures.heatmap import coverage_heatmap
from essa_dash.query import country as q
from essa_dash.query import heatmap_grid
from essa_dash.text import use_language

TEXT = ChartText("A title", "A subtitle", "A source")


def annotations(fig) -> list[str]:
    return [a.text for a in fig.layout.annotations]


def test_heatmap_draws_missing_cells_as_no_data_not_zero(store) -> None:
    grid = heatmap_grid(store)
    before = grid.copy()
    fig = coverage_heatmap(grid, text=captions.heatmap_text(store, grid))
    pd.testing.assert_frame_equal(grid, before)  # pure: the input is not modified
    (values,) = fig.data  # one trace: a missing cell is null in it, grey by a shape, "no data" by an annotation
    z = np.array(values.z, dtype=float)
    gaps = grid["coverage_pct"].isna().sum()
    assert np.isnan(z).sum() == gaps and all(v is None for row in values.z for v in row if not isinstance(v, float))
    assert np.nanmin(z) >= 0
    assert annotations(fig).count("no data") == len(fig.layout.shapes) == gaps
    assert {shape.fillcolor for shape in fig.layout.shapes} == {NO_DATA}
    assert any("Source: ILO. ILOSTAT" in a for a in annotations(fig))


def test_bars_label_every_bar_with_value_and_year(store) -> None:
    bars = q.profile_bars(store, "KHM", edition="ILOSTAT 2025")
    fig = comparison_bars(bars, text=TEXT)
    assert [t.name for t in fig.data] == ["World", "ASEAN", "Cambodia"]
    cambodia = fig.data[-1]
    assert "20.8% (2022)" in list(cambodia.text)
    assert fig.layout.title.text.startswith("<b>A title</b>")
    assert annotations(fig)[-1] == "Source: A source"
    # Cambodia's gaps: null bars, the words beside the axis
    missing = bars[bars["coverage_pct"].isna()]
    # one note per risk: "no data", or "no data: ASEAN, World" for a risk missing more than one bar
    notes = annotations(fig)[:-1]
    assert all(n.startswith("no data") for n in notes)
    assert sum(1 if n == "no data" else n.count(",") + 1 for n in notes) == len(missing)
    assert sum(x is None for trace in fig.data for x in trace.x) == len(missing)


def test_long_source_lines_wrap_inside_the_figure() -> None:
    rows = pd.DataFrame({"label": ["a"], "x": [10.0], "y": [20.0]})
    long = ChartText("t", "s", "word " * 100)
    fig = dumbbell(rows, label="label", start="x", end="y", start_name="x", end_name="y", text=long)
    assert annotations(fig)[0].count("<br>") >= 2
    assert fig.layout.margin.b > 60


def test_dumbbell_value_labels_use_the_locales_decimal_separator() -> None:
    rows = pd.DataFrame({"label": ["a"], "x": [52.3], "y": [20.0]})
    with use_language("id"):
        fig = dumbbell(rows, label="label", start="x", end="y", start_name="x", end_name="y", text=TEXT)
    assert [trace.text[0] for trace in fig.data[-2:]] == ["52,3", "20,0"]


def test_edition_dots_draw_each_edition_as_its_own_unjoined_series(store) -> None:
    history = q.edition_history(store, "VNM")
    fig = edition_dots(history, text=TEXT)
    assert [t.name for t in fig.data] == list(history.sort_values("published")["edition"].drop_duplicates())
    assert all("lines" not in t.mode for t in fig.data)  # markers (and the flag mark), never joined


def test_dumbbell_has_both_ends(store) -> None:
    split = q.sex_split(store, "PHL", edition="ILOSTAT 2025")
    fig = dumbbell(split, label="risk_label", start="female", end="male", start_name="Women", end_name="Men", text=TEXT)
    assert [t.name for t in fig.data] == ["Women", "Men"]
    assert len(fig.layout.shapes) == len(split)


def test_a_page_is_drawn_for_the_frame_its_viewport_cookie_names() -> None:
    from essa_dash.components.viewport import frame_from_cookies
    from essa_dash.figures.frames import DESKTOP, PHONE

    assert frame_from_cookies("essa_vw=390") is PHONE and frame_from_cookies("a=1; essa_vw=600") is PHONE
    assert frame_from_cookies("essa_vw=1440") is DESKTOP and frame_from_cookies(None) is DESKTOP
    for hostile in ("essa_vw=-1", "essa_vw=abc", "essa_vw=999999", 'essa_vw="390', "\x00\x01"):
        assert frame_from_cookies(hostile) is DESKTOP


def test_views_draw_in_the_current_frame(store) -> None:
    from essa_dash.figures.frames import PHONE, use_frame
    from essa_dash.query.state import State
    from essa_dash.views import build

    desktop = build("overview-heatmap", store, State())
    with use_frame(PHONE):
        phone = build("overview-heatmap", store, State())
    assert desktop is not None and phone is not None
    assert phone.figure.data[0].showscale is False and desktop.figure.data[0].showscale is not False
