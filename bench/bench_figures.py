"""Time of each figure builder alone: the rows are queried once, the builder is timed many times.

Usage: ``.venv/bin/python bench/bench_figures.py [--runs 30]``

A chart's first view costs its query plus its figure builder; this separates the
builder (DataFrame in, go.Figure out) so a change to how figures are put together
(e.g. one ``go.Figure(dict)`` instead of ``add_trace``/``update_layout`` step by step)
is measured on its own. Each registry chart is drawn once for its view through
:func:`essa_dash.views.build` with the view module's builder wrapped to keep its
arguments; the builder is then called ``--runs`` times with them. The baseline, timed
in the same run and interleaved, is ``go.Figure(fig.to_dict())`` of the result: what
validating the finished figure once costs, the floor a builder can approach.
"""

from __future__ import annotations

import argparse
import importlib
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import plotly.graph_objects as go
from _harness import built_data, header, median

from essa_dash.query.state import State
from essa_dash.store import read_store
from essa_dash.views import REGISTRY, load_all

#: Views per chart: the default, and one with many rows where the default has few.
VIEWS = {
    "country-sex": State(country=("PHL",)),
    "progress-dumbbells": State(),
    "progress-bars": State(),
}
#: Figure builders the view modules call, by module: {view module: builder names}.
BUILDERS = {
    "essa_dash.views.country": ("comparison_bars", "edition_dots", "dumbbell"),
    "essa_dash.views.overview": ("coverage_heatmap",),
    "essa_dash.views.progress": ("baseline_dumbbells", "change_bars"),
    "essa_dash.views.risk": ("ranking_bars", "coverage_map", "edition_trend", "dumbbell"),
}


def captured_calls(store: Any) -> dict[str, tuple[Callable[..., go.Figure], tuple, dict]]:
    """{chart id: (builder, args, kwargs)} as each chart called its builder for its view."""
    load_all()
    calls: dict[str, tuple[Callable[..., go.Figure], tuple, dict]] = {}
    current: list[str] = []
    for module_name, names in BUILDERS.items():
        module = importlib.import_module(module_name)
        for name in names:
            original = getattr(module, name)

            def keep(*args: Any, _fn: Callable[..., go.Figure] = original, **kwargs: Any) -> go.Figure:
                calls[current[0]] = (_fn, args, kwargs)
                return _fn(*args, **kwargs)

            setattr(module, name, keep)
    for chart_id, chart in REGISTRY.items():
        current[:] = [chart_id]
        chart.build(store, VIEWS.get(chart_id, State()))
    return calls


def timed(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    return (time.perf_counter() - start) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        store = read_store(built_data(Path(tmp)))
        calls = captured_calls(store)
        header("figure builders")
        print(f"{'chart':<22} {'builder':<20} {'ms (median)':>12} {'validate once':>14} {'ratio':>6}")
        for chart_id, (fn, a, kw) in calls.items():
            spec = fn(*a, **kw).to_dict()
            build, floor = [], []
            for _ in range(args.runs):
                build.append(timed(lambda fn=fn, a=a, kw=kw: fn(*a, **kw)))
                floor.append(timed(lambda spec=spec: go.Figure(spec)))
            b, f = median(build), median(floor)
            print(f"{chart_id:<22} {fn.__name__:<20} {b:>12.1f} {f:>14.1f} {b / f:>6.1f}")


if __name__ == "__main__":
    main()
