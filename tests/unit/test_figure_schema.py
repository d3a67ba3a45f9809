"""Every figure the charts send is valid plotly: the contract the pages no longer check as they draw (issue 17).

The app makes its figures without plotly's runtime validators (essa_dash.figures.spec). Here
every registered chart is built in render-all's four views and five frames (page, phone, embed,
and the slide and 4K image through slide_theme, as slides and images ship; see FRAMES_OF), with the parts a
deck splits a long chart into, and plotly validates each: ``go.Figure(spec)`` raises on a
property or a value plotly.js does not know. The validated figure must also say the same as
the one sent (the validators coerce: a name with underscores becomes a path, a tuple a list),
so what was checked is what the browser gets, and what is sent must be plotly's own
``to_dict`` of the figure to the byte (the app's is a one-pass copy of it).
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest
from plotly.io.json import to_json_plotly

from essa_dash.export.render_all import FRAMES, VIEWS, laid_out
from essa_dash.export.slides import untitled
from essa_dash.figures.frames import DESKTOP, PHONE, SLIDE
from essa_dash.figures.spec import Unchecked, unvalidated
from essa_dash.store import read_store
from essa_dash.views import build, load_all
from tests.parallel import in_processes

CHARTS = sorted(load_all())
#: The frames each of render-all's views is validated in: the default and the older edition in all five; the views
#: whose data differ most (many gaps, women and men) in the page's two, where the layout follows the data most (the
#: slide-sized frames restyle the same figure; all 20 pairs took ~40 s of CPU, over the suite's budget).
FRAMES_OF = {view: FRAMES if view in ("default", "older-edition") else {k: FRAMES[k] for k in (DESKTOP.name, PHONE.name)} for view in VIEWS}


def _pandas_in(value: object) -> bool:
    if isinstance(value, dict):
        return any(_pandas_in(v) for v in value.values())
    if isinstance(value, list | tuple):
        return any(_pandas_in(v) for v in value)
    return isinstance(value, pd.Series | pd.Index | pd.DataFrame)


def problems_of(fig: go.Figure, where: str) -> list[str]:
    """What plotly's validators refuse in ``fig``, or where what they make of it differs from what is sent; [] if none.

    A pandas object in a figure is refused too: unvalidated, it reaches serialisation as it is, ~0.7 ms apiece.
    """
    if any(_pandas_in(trace.to_plotly_json()) for trace in fig.data) or _pandas_in(fig.layout.to_plotly_json()):
        return [f"{where}: a pandas object in the figure (give its values as an array or a list)"]
    sent = fig.to_dict()
    if to_json_plotly(sent) != to_json_plotly(go.Figure.to_dict(fig)):
        return [f"{where}: serialised otherwise than plotly's to_dict"]
    try:
        checked = go.Figure(sent)
    except ValueError as error:
        return [f"{where}: {error}"]
    return [] if json.loads(to_json_plotly(checked)) == json.loads(to_json_plotly(fig)) else [f"{where}: validated differs from sent"]


def check_charts(root: Path, jobs: list[tuple[str, str]]) -> dict[tuple[str, str], tuple[int, list[str]]]:
    """For each (chart, view) of ``jobs``: how many figures it drew in render-all's frames, and their problems (run in a
    process of its own: tests/parallel.py; building the figures is most of the time, validating them a fifth)."""
    store = read_store(root)
    found = {}
    for chart, view in jobs:
        drawn, problems = 0, []
        for name, (frame, size) in FRAMES_OF[view].items():
            shipped = laid_out(chart, store, VIEWS[view], frame, size)
            if shipped is None:
                continue
            drawn += 1
            where = f"{chart} {view} {name}"
            problems += problems_of(shipped[0], where)
            built = build(chart, store, VIEWS[view], frame)
            for number, part in enumerate(built.parts if size is None else ()):
                problems += problems_of(part, f"{where} part {number}")
            if frame is SLIDE:
                problems += problems_of(untitled(built.figure, built), f"{where} untitled")
        found[chart, view] = drawn, problems
    return found


@pytest.fixture(scope="module")
def checked(built_root: Path) -> dict[tuple[str, str], tuple[int, list[str]]]:
    found: dict[tuple[str, str], tuple[int, list[str]]] = {}
    for part in in_processes(check_charts, built_root, [(chart, view) for chart in CHARTS for view in VIEWS]):
        found.update(part)
    return found


@pytest.mark.parametrize("chart", CHARTS)
def test_every_chart_in_every_frame_is_valid_plotly(checked: dict[tuple[str, str], tuple[int, list[str]]], chart: str) -> None:
    problems = [problem for view in VIEWS for problem in checked[chart, view][1]]
    assert problems == [], "\n".join(problems)
    assert sum(checked[chart, view][0] for view in VIEWS), f"{chart}: nothing drawn in any view"


def test_an_invalid_spec_is_caught() -> None:
    """The check finds what the unvalidated figure lets through: a property plotly does not know, a wrong value, a Series."""
    for spec in (
        {"data": [{"type": "bar", "x": [1], "colour": "red"}]},
        {"data": [], "layout": {"xaxis": {"range": "wide"}}},
        {"data": [{"type": "scatter", "x": pd.Series([1, 2])}]},
    ):
        assert problems_of(unvalidated(spec), "made up")


def test_a_template_by_name_is_sent_as_the_validator_would() -> None:
    spec = {"data": [{"type": "bar", "x": (1, 2)}], "layout": {"template": "essa_white", "xaxis_range": [0, 3]}}
    fig = unvalidated(spec)
    assert json.loads(to_json_plotly(fig)) == json.loads(to_json_plotly(go.Figure(spec)))
    assert fig.layout.xaxis.range == (0, 3) and fig.data[0].x == (1, 2)


def test_a_figure_is_sent_as_plotly_sends_it() -> None:
    """Unchecked.to_dict is plotly's: arrays of properties typed (not a list's items, not a range or a geojson), a new copy."""
    spec = {
        "data": [
            {"type": "scatter", "x": np.array([1, 2, 3]), "y": np.array([0.5, 1.5, 2.5]), "customdata": [np.array([1, 2]), "a"]},
            {"type": "choropleth", "geojson": {"features": [{"coordinates": np.array([[1.0, 2.0]])}]}, "z": (1, 2)},
        ],
        "layout": {"xaxis": {"range": np.array([0, 4])}, "shapes": [{"x0": np.int64(1), "x1": np.float64(2.5)}], "title": {"text": "t"}},
    }
    fig = Unchecked(spec, _validate=False)
    sent = fig.to_dict()
    assert to_json_plotly(sent) == to_json_plotly(go.Figure.to_dict(fig))
    assert sent["data"][0]["x"]["dtype"] == "i1" and isinstance(sent["data"][0]["customdata"][0], np.ndarray)
    assert isinstance(sent["layout"]["xaxis"]["range"], np.ndarray)
    sent["layout"]["title"]["text"] = "changed"
    sent["data"][1]["geojson"]["features"][0]["coordinates"][0, 0] = 9.0
    assert fig.layout.title.text == "t" and fig.to_dict()["data"][1]["geojson"]["features"][0]["coordinates"][0, 0] == 1.0
