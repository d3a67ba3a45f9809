"""Progress figures: pure builders, labelled changes, and cells without a change never drawn as zero."""

from __future__ import annotations

import math
from dataclasses import replace

import pandas as pd
import plotly.graph_objects as go
import pytest

from essa_dash.figures._theme import RISK_COLOURS, ChartText
from essa_dash.figures.frames import DESKTOP, SLIDE
from essa_dash.figures.progress import MIN_ROW_PX, baseline_dumbbells, change_bar_parts, change_bars, dumbbell_parts
from essa_dash.query import progress as q
from essa_dash.query.core import member_states
from essa_dash.store import Store
from essa_dash.text import progress as words
from essa_dash.text import use_language

TEXT = ChartText("A title", "A subtitle", "A source")
NAN = math.nan


def cells(*rows: tuple) -> pd.DataFrame:
    """A frame shaped like :func:`essa_dash.query.progress.progress_cells` from short tuples:
    (country, risk, status, baseline_year, baseline_pct, latest_year, latest_pct)."""
    frame = pd.DataFrame(rows, columns=["country", "risk", "status", "baseline_year", "baseline_pct", "latest_year", "latest_pct"]).astype(
        {"baseline_year": "Int16", "latest_year": "Int16", "baseline_pct": "float64", "latest_pct": "float64"}
    )
    change = (frame["latest_pct"] - frame["baseline_pct"]).where(frame["status"] == "compared")
    labels = [words.signed(c) if s == "compared" else words.STATUS_LABELS[s] for c, s in zip(change, frame["status"], strict=True)]
    return frame.assign(
        iso3=frame["country"].str[:3].str.upper(),
        risk_label=frame["risk"].str.replace("_", " ").str.capitalize(),
        edition="ILOSTAT 2025",
        change_pp=change,
        change_label=labels,
        source_id="ILOSTAT_DDF_2025",
    )


SAMPLE = cells(
    ("Alpha", "old_age", "compared", 2015, 20.0, 2022, 32.3),
    ("Beta", "old_age", "compared", 2019, 50.0, 2021, 45.9),
    ("Gamma", "old_age", "one_year", 2019, 7.0, 2019, 7.0),
    ("Delta", "old_age", "no_data", None, NAN, None, NAN),
    ("Alpha", "maternity", "compared", 2016, 10.0, 2021, 10.0),
    ("Beta", "maternity", "before_baseline", None, NAN, 2011, 81.7),
    ("Gamma", "maternity", "compared", 2019, 40.0, 2020, 38.8),
    ("Delta", "maternity", "compared", 2015, 5.0, 2023, 25.0),
)


def texts(fig: go.Figure) -> list[str]:
    return [str(t) for trace in fig.data if getattr(trace, "mode", None) == "text" for t in trace.text]


def annotations(fig: go.Figure) -> list[str]:
    return [a.text for a in fig.layout.annotations]


@pytest.mark.parametrize("build", [baseline_dumbbells, change_bars])
def test_builders_are_pure(build) -> None:
    before = SAMPLE.copy()
    first = build(SAMPLE, text=TEXT)
    pd.testing.assert_frame_equal(SAMPLE, before)  # the input is not modified
    assert build(SAMPLE, text=TEXT).to_json() == first.to_json()  # same frame, same figure


@pytest.mark.parametrize("build", [baseline_dumbbells, change_bars])
def test_title_subtitle_and_source_travel_with_the_figure(build) -> None:
    fig = build(SAMPLE, text=TEXT)
    assert fig.layout.title.text.startswith("<b>A title</b>")
    assert "A subtitle" in fig.layout.title.text
    assert "Source: A source" in annotations(fig)


def test_dumbbells_one_panel_per_risk_in_frame_order() -> None:
    fig = baseline_dumbbells(SAMPLE, text=TEXT)
    assert annotations(fig)[:2] == ["<b>Old age</b>", "<b>Maternity</b>"]
    assert fig.layout.xaxis.domain[1] < fig.layout.xaxis2.domain[0]  # side by side
    assert list(fig.layout.yaxis.categoryarray) == ["Delta", "Gamma", "Beta", "Alpha"]  # first country on top


def test_dumbbells_label_the_change_and_say_when_there_is_none() -> None:
    fig = baseline_dumbbells(SAMPLE, text=TEXT)
    labels = texts(fig)
    assert "+12.3 pp" in labels and "-4.1 pp" in labels and "0.0 pp" in labels
    assert "one year" in labels and "no data" in labels and "pre-2015 only" in labels
    # a one-year cell is one marker, never a baseline and a latest at the same place
    diamonds = [t for t in fig.data if t.marker.symbol == "diamond" and t.showlegend is False and len(t.x)]
    assert [list(t.y) for t in diamonds] == [["Gamma"]]
    assert list(diamonds[0].x) == [7.0]
    # the figure before 2015 is not drawn at all
    drawn = [x for t in fig.data if t.x is not None for x in t.x]
    assert 81.7 not in drawn


def test_dumbbells_use_the_risk_colour_for_both_ends() -> None:
    fig = baseline_dumbbells(SAMPLE, text=TEXT)
    coloured = {t.marker.color for t in fig.data if t.mode == "markers" and t.showlegend is False and t.marker.symbol != "diamond"}
    assert coloured == {RISK_COLOURS["old_age"], RISK_COLOURS["maternity"]}


def test_dumbbells_join_only_compared_cells() -> None:
    fig = baseline_dumbbells(SAMPLE, text=TEXT)
    lines = [t for t in fig.data if t.mode == "lines"]
    assert [list(t.y) for t in lines] == [
        ["Alpha", "Alpha", None, "Beta", "Beta", None],
        ["Alpha", "Alpha", None, "Gamma", "Gamma", None, "Delta", "Delta", None],
    ]


def test_dumbbells_skip_missing_values_in_a_compared_row() -> None:
    broken = cells(("Alpha", "old_age", "compared", 2015, NAN, 2022, 30.0), ("Beta", "old_age", "compared", 2015, 10.0, 2022, 12.0))
    fig = baseline_dumbbells(broken, text=TEXT)
    drawn = [list(t.y) for t in fig.data if t.mode == "markers" and t.showlegend is False and len(t.y)]
    assert drawn == [["Beta"], ["Beta"]]


def _real_cells(store: Store) -> pd.DataFrame:
    members = list(member_states(store.countries)["iso3"])
    return words.labelled(q.progress_cells(store, countries=members, risks=list(q.progress_risks(store)["risk"]), edition="ILOSTAT 2025"))


def test_dumbbells_lay_out_nine_risks_in_three_columns(store: Store) -> None:
    real = _real_cells(store)
    fig = baseline_dumbbells(real, text=TEXT)
    assert len([a for a in annotations(fig) if a.startswith("<b>")]) == 9
    assert fig.layout.xaxis3.domain[1] == pytest.approx(1.0)  # three panels across
    assert fig.layout.yaxis4.domain[1] < fig.layout.yaxis.domain[0]  # the fourth starts a new row
    assert "+0.4 pp" in texts(fig)  # Viet Nam, at least one benefit, 2015-2022
    assert fig.layout.height > 900


def _panel_titles(fig: go.Figure) -> list[str]:
    return [a.replace("<b>", "").replace("</b>", "") for a in annotations(fig) if a.startswith("<b>")]


def test_a_slide_draws_the_dumbbell_panels_that_fit_and_names_the_rest(store: Store) -> None:
    real = _real_cells(store)
    fig = baseline_dumbbells(real, text=TEXT, fit=SLIDE)
    drawn = _panel_titles(fig)
    assert 1 < len(drawn) < real["risk"].nunique()
    (note,) = [a for a in annotations(fig) if a.startswith("Not drawn here")]
    left_out = [label for label in dict.fromkeys(real["risk_label"]) if label not in drawn]
    assert all(label in note.replace("<br>", " ") for label in left_out)
    plot_px = SLIDE.height * (fig.layout.yaxis.domain[1] - fig.layout.yaxis.domain[0])
    assert plot_px / (real["country"].nunique() + 1) >= MIN_ROW_PX * 0.9  # rows tall enough for every country's label


def test_a_deck_gets_every_dumbbell_panel_once_over_its_parts(store: Store) -> None:
    real = _real_cells(store)
    parts = dumbbell_parts(real, text=TEXT, fit=SLIDE)
    assert len(parts) > 1
    titles = [title for part in parts for title in _panel_titles(part)]
    assert titles == list(dict.fromkeys(real["risk_label"]))
    assert not any(a.startswith("Not drawn") for part in parts for a in annotations(part))
    assert dumbbell_parts(real, text=TEXT, fit=DESKTOP) == []  # a page draws them all at once


def test_a_deck_gets_every_change_bar_once_on_one_axis(store: Store) -> None:
    real = _real_cells(store)
    whole = change_bars(real, text=TEXT, fit=replace(DESKTOP, max_bars=1000))  # every bar at once
    parts = change_bar_parts(real, text=TEXT, fit=SLIDE)
    assert len(parts) > 1 and all(len(p.data[-1].y) <= SLIDE.max_bars for p in parts)
    bars = [label for part in parts for label in part.data[-1].y[::-1]]  # each part's largest rise first
    assert bars == list(whole.data[-1].y[::-1])  # every bar once, in the page's order, largest rise first
    assert {tuple(p.layout.xaxis.range) for p in parts} == {tuple(change_bars(real, text=TEXT, fit=SLIDE).layout.xaxis.range)}


def test_bars_sorted_largest_rise_on_top_with_signed_labels() -> None:
    fig = change_bars(SAMPLE, text=TEXT)
    order = list(fig.layout.yaxis.categoryarray)
    assert order == ["Beta · Old age", "Gamma · Maternity", "Alpha · Maternity", "Alpha · Old age", "Delta · Maternity"]
    labels = texts(fig)
    assert "+12.3 pp (2015-2022)" in " ".join(labels)
    assert "-4.1 pp (2019-2021)" in " ".join(labels)
    assert "0.0 pp (2016-2021)" in " ".join(labels)
    # a fall is labelled on the left of its bar, a rise on the right
    text = next(t for t in fig.data if getattr(t, "mode", None) == "text")
    positions = dict(zip(text.y, text.textposition, strict=True))
    assert positions["Beta · Old age"] == "middle left" and positions["Alpha · Old age"] == "middle right"


def test_bars_leave_out_cells_without_a_change_and_colour_by_risk() -> None:
    fig = change_bars(SAMPLE, text=TEXT)
    bars = [t for t in fig.data if t.type == "bar"]
    assert [t.name for t in bars] == ["Old age", "Maternity"]
    assert [t.marker.color for t in bars] == [RISK_COLOURS["old_age"], RISK_COLOURS["maternity"]]
    shown = {y for t in bars for y in t.y}
    assert not shown & {"Gamma · Old age", "Delta · Old age", "Beta · Maternity"}


def test_bars_for_one_risk_are_labelled_by_country() -> None:
    fig = change_bars(SAMPLE[SAMPLE["risk"] == "old_age"], text=TEXT)
    assert list(fig.layout.yaxis.categoryarray) == ["Beta", "Alpha"]
    assert fig.layout.showlegend is False


def test_bars_with_nothing_to_compare_say_so() -> None:
    fig = change_bars(SAMPLE[SAMPLE["status"] != "compared"], text=TEXT)
    assert not [t for t in fig.data if t.type == "bar"]
    assert "No cell has two years of data since 2015: there is no change to show." in annotations(fig)


def test_the_bars_axis_leaves_room_for_labels_on_both_sides() -> None:
    fig = change_bars(SAMPLE, text=TEXT)
    low, high = fig.layout.xaxis.range
    assert low < -4.1 and high > 20.0
    assert fig.layout.xaxis.zeroline is True


def test_the_change_column_header_is_in_the_charts_language() -> None:
    # it was the English word "change" in every language
    assert annotations(baseline_dumbbells(SAMPLE, text=TEXT)).count("change") == 2
    with use_language("th"):
        headers = annotations(baseline_dumbbells(SAMPLE, text=TEXT))
    assert "change" not in headers and headers.count("ผลต่าง") == 2
