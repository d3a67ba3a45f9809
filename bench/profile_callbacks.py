"""Where the time of a page's first render goes: cProfile of the router callback for views never drawn before.

Run: ``.venv/bin/python bench/profile_callbacks.py [--views 12]``. Draws distinct views of /, /country,
/risk and /progress through the Flask test client (the same POST the browser sends) and prints, per page, the
median time and the functions with the most cumulative time, grouped as ESSA Dash queries, figure
building, layout serialisation and the rest. Nothing is asserted.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench._harness import built_data
from essa_dash.app import create_app
from essa_dash.serving import router_payload

VIEWS = {
    "/": [
        ("/", f"?edition={edition}")
        for edition in ("ilostat-2025", "un-sdg-db-2023-07", "wspr-2024-26", "wspr-2020-22", "un-sdg-db-2020-04", "wspr-2017-19")
    ],
    "/country/<iso3>": [
        (f"/country/{iso3}", f"?edition={edition}")
        for iso3 in ("VNM", "IDN", "KHM", "THA", "PHL", "MYS")
        for edition in ("ilostat-2025", "un-sdg-db-2023-07")
    ],
    "/risk/<risk>": [
        (f"/risk/{risk}", f"?edition={edition}")
        for risk in ("old_age", "children", "unemployment", "disability", "maternity", "vulnerable")
        for edition in ("ilostat-2025", "un-sdg-db-2023-07")
    ],
    "/progress": [
        ("/progress", f"?risk={risk}&edition={edition}")
        for risk in ("old_age", "children", "unemployment", "disability", "maternity", "vulnerable")
        for edition in ("ilostat-2025", "un-sdg-db-2023-07")
    ],
}
GROUPS = {
    "queries (essa_dash/query)": "/essa_dash/query/",
    "figure building (essa_dash/figures, plotly and its validators)": ("/essa_dash/figures/", "/plotly/", "/_plotly_utils/"),
    "layout serialisation (json, plotly.io)": ("/json/", "_json", "plotly/io"),
    "pandas": "/pandas/",
}
#: Where plotly's figure objects are entered from outside plotly (construction with its validators, update_layout,
#: add_trace, attribute reads): cumulative time on those call edges, serialisation (plotly.io, its JSON encoder) apart.
PLOTLY = ("/plotly/", "/_plotly_utils/")
PLOTLY_IO = ("/plotly/io/", "/_plotly_utils/utils.py")


def plotly_objects(stats: pstats.Stats) -> float:
    """Seconds spent in plotly's figure objects, counted where a caller outside plotly enters them."""
    seconds = 0.0
    for (filename, _, _), (_, _, _, _, callers) in stats.stats.items():
        if not any(mark in filename for mark in PLOTLY) or any(mark in filename for mark in PLOTLY_IO):
            continue
        for (caller, _, _), (_, _, _, cumulative) in callers.items():
            if not any(mark in caller for mark in PLOTLY):
                seconds += cumulative
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--views", type=int, default=12)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = built_data(Path(tmp) / "data")
        app = create_app(root)
        client = app.server.test_client()
        client.get("/")
        for page, views in VIEWS.items():
            profile = cProfile.Profile(time.process_time)  # CPU, not wall time: the box is shared
            times = []
            for path, search in views[: args.views]:
                body = router_payload(path, search)
                started = time.process_time()
                profile.enable()
                response = client.post("/_dash-update-component", json=body)
                profile.disable()
                times.append(time.process_time() - started)
                assert response.status_code == 200, response.status_code
            stats = pstats.Stats(profile, stream=io.StringIO())
            total = sum(times)
            print(f"\n{page}: {len(times)} new views, median {statistics.median(times) * 1000:.0f} ms CPU (profiled)")
            # exclusive (own) time per group: where the CPU actually went
            own: dict[str, float] = {name: 0.0 for name in GROUPS} | {"other": 0.0}
            for (filename, _, _), (_, _, tottime, _, _) in stats.stats.items():
                for name, marks in GROUPS.items():
                    if any(mark in filename for mark in ((marks,) if isinstance(marks, str) else marks)):
                        own[name] += tottime
                        break
                else:
                    own["other"] += tottime
            for name, seconds in sorted(own.items(), key=lambda item: -item[1]):
                print(f"  {seconds / total * 100:5.1f}%  {name}")
            objects = plotly_objects(stats)
            share, per_view = objects / total * 100, objects / len(times) * 1000
            print(f"  of which plotly's figure objects (validators; cumulative): {share:.1f}%, {per_view:.0f} ms a view")
            ranked = sorted(stats.stats.items(), key=lambda item: -item[1][3])
            print("  most cumulative time in ESSA Dash functions:")
            shown = 0
            for (filename, line, function), (_, _, _, cumulative, _) in ranked:
                if "/essa_dash/" in filename and shown < 8:
                    print(f"    {cumulative / total * 100:5.1f}%  {Path(filename).parent.name}/{Path(filename).name}:{line} {function}")
                    shown += 1


if __name__ == "__main__":
    main()
