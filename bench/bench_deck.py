"""Deck build time: a 10-chart seminar deck from the command line (cold) and in a warm process.

Run: ``.venv/bin/python bench/bench_deck.py [--runs 3]``. Prints medians in seconds and
the warm/cold ratio, measured in one run on this machine; nothing is asserted.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench._harness import built_data
from essa_dash.export import images, slides
from essa_dash.paths import ASSETS_DIR, PROJECT_DIR
from essa_dash.query.state import Vocabulary
from essa_dash.store import read_store
from essa_dash.views import build, charts_for_url

#: Ten charts a seminar on old age and coverage gaps would show.
VIEWS = [
    "/",
    "/risk/old_age?country=VNM,IDN,PHL",
    "/country/VNM",
    "/embed/country-bars?country=KHM",
    "/embed/progress-dumbbells?risk=old_age,at_least_one",
    "/embed/progress-bars?risk=old_age",
]


def charts(root: Path) -> list:
    store = read_store(root)
    vocabulary = Vocabulary.from_store(store)
    drawn = []
    for view in VIEWS:
        found, problems = charts_for_url(view, vocabulary)
        assert not problems, problems
        drawn += [b for chart, state in found if (b := build(chart, store, state)) is not None]
    return drawn[:10]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = built_data(Path(tmp) / "data")
        drawn = charts(root)
        spec = Path(tmp) / "seminar.json"
        spec.write_text(json.dumps({"title": "ASEAN seminar", "views": VIEWS}))
        cold = []
        for i in range(args.runs):
            started = time.perf_counter()
            subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "essa_dash.cli",
                    "deck",
                    str(spec),
                    "--out",
                    str(Path(tmp) / f"cold{i}.pptx"),
                    "--data-dir",
                    str(root),
                ],
                check=True,
                capture_output=True,
                cwd=PROJECT_DIR,
            )
            cold.append(time.perf_counter() - started)
        images.set_topojson_base(ASSETS_DIR / "topojson")
        store = read_store(root)
        slides.build_deck(drawn[:1], title="warm-up", store=store)  # start the renderer once
        warm = []
        for _ in range(args.runs):
            started = time.perf_counter()
            data = slides.build_deck(drawn, title="ASEAN seminar", store=store)
            warm.append(time.perf_counter() - started)
        native = []
        for _ in range(args.runs):
            started = time.perf_counter()
            slides.build_deck(drawn, title="ASEAN seminar", store=store, native=True)
            native.append(time.perf_counter() - started)
        images.shutdown()
    print(f"deck of {len(drawn)} charts ({len(data) / 1e6:.1f} MB), median of {args.runs} runs:")
    print(f"  command line, cold (process start, data load, browser start): {statistics.median(cold):.2f} s")
    print(f"  warm renderer, pictures:                                     {statistics.median(warm):.2f} s")
    print(f"  warm renderer, native bar/line charts:                       {statistics.median(native):.2f} s")
    print(f"  warm/cold ratio: {statistics.median(warm) / statistics.median(cold):.2f}")


if __name__ == "__main__":
    main()
