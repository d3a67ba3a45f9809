"""How each query's cost grows with the number of areas: 1x, 10x, 100x the Member States.

Run: ``.venv/bin/python bench/bench_scaling.py [--factors 1 10 100] [--runs 3]``. The synthetic
stores are built by copying the real rows of every Member State under new codes (VNM -> VNM-002,
...), so each copy has the real mix of editions, years, sexes and gaps; nothing is invented
beyond the copies' names. Each query is timed on its unmemoised function (``__wrapped__``), all
Member States chosen, and the growth factor from one size to the next is printed beside it:
~10x per 10x step is linear, ~100x quadratic. Nothing is asserted.
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
import tempfile
import time
from collections.abc import Callable
from itertools import pairwise
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench._harness import built_data, machine, median
from essa_dash.query import country, overview, progress, risk
from essa_dash.query.core import member_states, select
from essa_dash.query.state import State
from essa_dash.schema import Coverage as C
from essa_dash.store import Store, read_store


def scaled(store: Store, factor: int) -> Store:
    """The store with ``factor`` copies of every Member State (the first copy keeps the real codes)."""
    members = member_states(store.countries)
    codes = set(members["iso3"])
    coverage, countries = store.coverage, store.countries
    own = coverage[coverage[C.iso3].isin(codes)]
    copies = [own.assign(**{C.iso3: own[C.iso3] + f"-{i:03d}"}) for i in range(2, factor + 1)]
    named = [members.assign(iso3=members["iso3"] + f"-{i:03d}", short_name=members["short_name"] + f" {i}") for i in range(2, factor + 1)]
    tables = dict(store.tables)
    tables["coverage"] = pd.concat([coverage, *copies], ignore_index=True)
    tables["countries"] = pd.concat([countries, *named], ignore_index=True)
    release = dataclasses.replace(store.release, build_id=f"{store.build_id}-x{factor}")
    return Store(root=store.root, release=release, tables=tables)


def _unmemoised(fn: Callable[..., object]) -> Callable[..., object]:
    return getattr(fn, "__wrapped__", fn)


def queries(store: Store) -> dict[str, Callable[[], object]]:
    """Each query of the pages, for all Member States of ``store`` (the cost that grows with areas)."""
    members = tuple(member_states(store.countries)["iso3"])
    view = risk.RiskView("old_age", "ILOSTAT 2025", "total", "total", ())
    all_risks = tuple(progress.progress_risks(store)["risk"])
    return {
        "risk.resolve_view": lambda: risk.resolve_view(store, "old_age", {}),
        "risk.ranking": lambda: _unmemoised(risk.ranking)(store, view),
        "risk.trend": lambda: _unmemoised(risk.trend)(store, view),
        "risk.sex_split": lambda: _unmemoised(risk.sex_split)(store, view),
        "progress.progress_cells (9 risks)": lambda: _unmemoised(progress.progress_cells)(
            store, countries=members, risks=all_risks, edition="ILOSTAT 2025"
        ),
        "country.profile_bars (VNM)": lambda: _unmemoised(country.profile_bars)(store, "VNM", edition="ILOSTAT 2025"),
        "overview.heatmap_grid": lambda: _unmemoised(overview.heatmap_grid)(store, edition="ILOSTAT 2025"),
        "core.select (latest)": lambda: select(store.coverage, State(latest=True)),
    }


def timed(action: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--factors", type=int, nargs="+", default=[1, 10, 100])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        base = read_store(built_data(Path(tmp) / "data"))
        stores = {k: scaled(base, k) for k in args.factors}
        results: dict[str, list[float]] = {}
        for k, store in stores.items():
            for name, action in queries(store).items():
                results.setdefault(name, []).append(timed(action, 1 if k >= 100 else args.runs))
    heads = [f"{k}x ({k * 11} states)" for k in args.factors]
    steps = [f"{b}x / {a}x" for a, b in pairwise(args.factors)]
    print("## Query scaling: 1x, 10x, 100x the Member States (copies of the real rows)\n")
    print(f"{machine()}; median of {args.runs} runs (1 run at 100x); growth = time at the larger size / time at the smaller\n")
    print("| query | " + " | ".join(heads) + " | " + " | ".join(f"growth {s}" for s in steps) + " |")
    print("|---|" + "---|" * (len(heads) + len(steps)))
    for name, times in results.items():
        cells = [f"{t * 1000:.1f} ms" for t in times]
        growth = [f"{b / a:.1f}x" for a, b in pairwise(times)]
        print(f"| {name} | " + " | ".join(cells) + " | " + " | ".join(growth) + " |")


if __name__ == "__main__":
    main()
