"""Cold and warm render times of the overview heatmap, per export format.

Why: the export endpoint keeps one warm Chromium per process (see
``essa_dash.export.images``). This measures what that buys: "cold" is the first
render in a fresh Python process (Chromium start and plotly.js load included,
module imports excluded), measured in a subprocess per run; "warm" is a render on
the already running browser. Medians over ``--runs`` runs each.

Run: ``.venv/bin/python bench/bench_images.py [--runs 5]``. Reads the built tables
in the data directory (``ESSA_DATA_DIR`` or ``data/``); writes nothing.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time

import plotly.graph_objects as go

from essa_dash import captions, query
from essa_dash.export import images
from essa_dash.figures.heatmap import coverage_heatmap
from essa_dash.figures.slide import slide_theme
from essa_dash.paths import data_dir
from essa_dash.store import read_store

#: name -> render() keyword arguments. The 4K PNG is the 1920x1080 slide drawn at scale 2.
CASES: dict[str, dict[str, object]] = {
    "png 1920x1080": {"fmt": "png", "width": 1920, "height": 1080},
    "png 3840x2160": {"fmt": "png", "width": 3840, "height": 2160, "scale": 2},
    "svg 1920x1080": {"fmt": "svg", "width": 1920, "height": 1080},
    "pdf 1920x1080": {"fmt": "pdf", "width": 1920, "height": 1080},
}


def overview_slide() -> go.Figure:
    """The overview heatmap as the slide export draws it."""
    store = read_store(data_dir())
    grid = query.heatmap_grid(store)
    return slide_theme(coverage_heatmap(grid, text=captions.heatmap_text(store, grid)), width=1920, height=1080)


def timed(fig: go.Figure, case: str) -> tuple[float, int]:
    start = time.perf_counter()
    data = images.render(fig, **CASES[case])  # type: ignore[arg-type]
    return time.perf_counter() - start, len(data)


def cold(case: str) -> float:
    """First render of ``case`` in a fresh interpreter (the child prints its time as JSON)."""
    out = subprocess.run([sys.executable, __file__, "--child", case], check=True, capture_output=True, text=True, timeout=180)
    return float(json.loads(out.stdout.strip().splitlines()[-1])["seconds"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="runs per format and mode (default 5)")
    parser.add_argument("--child", choices=CASES, help=argparse.SUPPRESS)
    args = parser.parse_args()

    fig = overview_slide()
    if args.child:
        seconds, _ = timed(fig, args.child)
        images.shutdown()
        print(json.dumps({"seconds": seconds}))
        return

    print(f"overview heatmap slide, {args.runs} runs each, medians; Chromium at {images.CHROMIUM}")
    print(f"{'format':<16}{'cold s':>9}{'warm s':>9}{'warm/cold':>11}{'bytes':>11}")
    for case in CASES:
        cold_times = [cold(case) for _ in range(args.runs)]
        timed(fig, case)  # warm-up: the browser is started and this format's code paths are hot
        warm = [timed(fig, case) for _ in range(args.runs)]
        c, w = statistics.median(cold_times), statistics.median(t for t, _ in warm)
        print(f"{case:<16}{c:>9.3f}{w:>9.3f}{w / c:>11.3f}{warm[-1][1]:>11,}", flush=True)
    images.shutdown()


if __name__ == "__main__":
    main()
