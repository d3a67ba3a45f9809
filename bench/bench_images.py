"""Image export: through the shipped app (``/img/<chart>.png``) beside a bare kaleido ``to_image`` of the same figure.

Run: ``.venv/bin/python bench/bench_images.py [--runs 3] [--formats]``. Builds its own tables
(a private copy of raw/ and reference/); writes nothing in the checkout.

Why: the app renders images in its render lane (essa_dash.lane: one process at nice 19 for
all workers, one warm Chromium in it, essa_dash.export.images). What a visitor waits for a
new view, and how that compares with plotly's own ``to_image`` of the very same figure, is
measured in one run:

* **through the app** (``serve --prod`` as shipped): ``/img/country-bars.png?country=X`` at
  1920x1080 for each Member State, each a view nobody asked before. The first starts the
  lane's Chromium (cold); every later one is a new view on a warm renderer: the number to
  compare. One view asked again is answered from the shared store: that is no render and is
  shown apart.
* **bare kaleido**: the same figures (built as the route builds them: the chart's image
  frame, the slide theme, the release footer), ``plotly.io.to_image`` in a child process:
  fresh (kaleido starts a browser per call) and warm (``kaleido.start_sync_server`` first),
  at nice 0 and at nice 19 (the lane's priority), so the ratio is not the priority's.

``--formats`` adds the per-format table of earlier sessions (the overview heatmap slide
rendered by essa_dash.export.images directly, cold in a fresh process and warm).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

from _harness import Call, Client, Server, built_data, header, median, scratch, table

SIZE = {"width": 1920, "height": 1080}
CHART = "country-bars"

#: name -> render() keyword arguments. The 4K PNG is the 1920x1080 slide drawn at scale 2.
CASES: dict[str, dict[str, object]] = {
    "png 1920x1080": {"fmt": "png", "width": 1920, "height": 1080},
    "png 3840x2160": {"fmt": "png", "width": 3840, "height": 2160, "scale": 2},
    "svg 1920x1080": {"fmt": "svg", "width": 1920, "height": 1080},
    "pdf 1920x1080": {"fmt": "pdf", "width": 1920, "height": 1080},
}


def views(root: Path) -> list[dict[str, str]]:
    """One query per Member State: each a view of the chart nobody drew before."""
    from essa_dash.query import member_states
    from essa_dash.store import read_store

    return [{"country": iso3} for iso3 in member_states(read_store(root).countries)["iso3"]]


def figure_json(store: object, query: dict[str, str]) -> tuple[str, float]:
    """The figure ``/img/<CHART>.png?<query>`` renders, as the route builds it (share.image), and the seconds building it took."""
    from essa_dash.figures.frames import image as image_frame
    from essa_dash.figures.slide import slide_theme
    from essa_dash.query.state import Vocabulary
    from essa_dash.text.releases import release_line
    from essa_dash.views import build, charts_for_url

    start = time.perf_counter()
    (chart, state), *_ = charts_for_url(f"/embed/{CHART}?{urlencode(query)}", Vocabulary.from_store(store))[0]
    built = build(chart, store, state, image_frame(SIZE["width"], SIZE["height"]))
    assert built is not None, query
    themed = slide_theme(built.figure, **SIZE, footer=release_line(store.release))
    spec = themed.to_json()  # images.render hands kaleido the figure's dict: the same work
    return spec, time.perf_counter() - start


def through_app(root: Path, queries: list[dict[str, str]]) -> tuple[float, list[float], float, int]:
    """(first export: the lane's Chromium cold, new views on the warm renderer, a stored answer, bytes of the last)."""
    with Server("prod", root) as server:
        client = Client(server.url, timeout=120)
        try:
            times, size = [], 0
            for query in queries:
                seconds, status, body, headers = client.fetch(Call("img", "GET", f"/img/{CHART}.png?{urlencode({**query, **SIZE})}"))
                if status != 200 or headers.get("x-essa-cache") == "hit":
                    raise RuntimeError(f"{query}: HTTP {status}, {headers.get('x-essa-cache', 'not from the store')}")
                times.append(seconds)
                size = len(body)
            seconds, status, _, headers = client.fetch(Call("img", "GET", f"/img/{CHART}.png?{urlencode({**queries[-1], **SIZE})}"))
            if headers.get("x-essa-cache") != "hit":
                raise RuntimeError(f"the repeated image was not a store hit (HTTP {status})")
        finally:
            client.close()
    return times[0], times[1:], seconds, size


def bare(figures: list[Path], fresh_runs: int, nice: int) -> dict[str, list[float]] | str:
    """Bare ``plotly.io.to_image`` of each figure in a child process at ``nice``: fresh and warm seconds, or why it failed."""
    command = [sys.executable, __file__, "--bare", str(fresh_runs), *map(str, figures)]
    out = subprocess.run(command, capture_output=True, text=True, timeout=900, preexec_fn=lambda: os.nice(nice))
    if out.returncode:
        return (out.stderr.strip().splitlines() or [f"exit {out.returncode}"])[-1]
    return json.loads(out.stdout.strip().splitlines()[-1])


def bare_child(fresh_runs: int, files: list[str]) -> None:
    import kaleido
    import plotly.io as pio

    figures = [pio.from_json(Path(f).read_text()) for f in files]
    fresh = []
    for fig in figures[:fresh_runs]:
        start = time.perf_counter()
        pio.to_image(fig, format="png", **SIZE)  # no server running: kaleido starts a browser for this call
        fresh.append(time.perf_counter() - start)
    kaleido.start_sync_server(silence_warnings=True)
    pio.to_image(figures[0], format="png", **SIZE)  # the browser started and plotly.js loaded, as the app's first export does
    warm = []
    for fig in figures[1:]:
        start = time.perf_counter()
        pio.to_image(fig, format="png", **SIZE)
        warm.append(time.perf_counter() - start)
    kaleido.stop_sync_server(silence_warnings=True)
    print(json.dumps({"fresh": fresh, "warm": warm}))


def app_vs_bare(root: Path, tmp: Path, fresh_runs: int) -> None:
    from essa_dash.store import read_store

    queries = views(root)
    store = read_store(root)
    figure_json(store, queries[0])  # imports and first-use caches, as the warm lane has them
    files, building = [], []  # building[0]: the warm-up built that view just before
    for i, query in enumerate(queries):
        spec, seconds = figure_json(store, query)
        files.append(tmp / f"figure{i}.json")
        files[-1].write_text(spec)
        building.append(seconds)
    first, warm, stored, size = through_app(root, queries)
    bare0 = bare(files, fresh_runs, 0)
    bare19 = bare(files, fresh_runs, 19)
    header(
        "PNG export: the shipped app beside a bare kaleido to_image of the same figures",
        f"/img/{CHART}.png?country=<each of {len(queries)} Member States>&width=1920&height=1080 on serve --prod as shipped "
        "(render lane at nice 19, one keep-alive connection); bare: plotly.io.to_image of the same figures (the route's frame, "
        f"theme and footer) in a child process; medians; PNG {size / 1024:.0f} KiB",
    )
    warm_app = median(warm)
    rows = [
        ["app: first export (the lane starts its Chromium)", "1", f"{first:.2f} s", ""],
        ["app: new view, warm renderer", str(len(warm)), f"{warm_app:.2f} s", "1x"],
        ["app: the same view again (a stored answer, not a render)", "1", f"{stored * 1000:.1f} ms", f"{stored / warm_app:.3f}x"],
    ]
    rows.append(
        [
            "the figure alone: built as the route builds it (this process, nice 0; no render)",
            str(len(building) - 1),
            f"{median(building[1:]):.2f} s",
            "",
        ]
    )
    for nice, result in ((0, bare0), (19, bare19)):
        if isinstance(result, str):
            rows.append([f"bare kaleido, nice {nice}", "0", f"failed: {result[:200]}", ""])
            continue
        rows.append(
            [f"bare kaleido, fresh browser per call, nice {nice}", str(len(result["fresh"])), f"{median(result['fresh']):.2f} s", ""]
        )
        w = median(result["warm"])
        rows.append(
            [
                f"bare kaleido, warm (start_sync_server), nice {nice}",
                str(len(result["warm"])),
                f"{w:.2f} s",
                f"{warm_app / w:.2f}x (app / bare)",
            ]
        )
    table(["export", "renders", "median", "app warm new view vs this"], rows)


def format_table(root: Path, runs: int) -> None:
    """The overview heatmap slide per format, rendered directly: cold in a fresh process, then warm."""
    env = {**os.environ, "ESSA_DATA_DIR": str(root)}
    header("Image renders per format (essa_dash.export.images directly, overview heatmap slide)", f"{runs} runs each, medians")
    rows = []
    for case in CASES:
        cold = []
        for _ in range(runs):
            out = subprocess.run(
                [sys.executable, __file__, "--child", case], check=True, capture_output=True, text=True, timeout=180, env=env
            )
            cold.append(float(json.loads(out.stdout.strip().splitlines()[-1])["seconds"]))
        out = subprocess.run(
            [sys.executable, __file__, "--warm", case, str(runs)], check=True, capture_output=True, text=True, timeout=300, env=env
        )
        warm, size = json.loads(out.stdout.strip().splitlines()[-1]).values()
        c, w = statistics.median(cold), statistics.median(warm)
        rows.append([case, f"{c:.3f} s", f"{w:.3f} s", f"{w / c:.3f}", f"{size:,}"])
    table(["format", "cold", "warm", "warm / cold", "bytes"], rows)


def overview_slide():
    from essa_dash import captions, query
    from essa_dash.figures.heatmap import coverage_heatmap
    from essa_dash.figures.slide import slide_theme
    from essa_dash.paths import data_dir
    from essa_dash.store import read_store

    store = read_store(data_dir())
    grid = query.heatmap_grid(store)
    return slide_theme(coverage_heatmap(grid, text=captions.heatmap_text(store, grid)), width=1920, height=1080)


def timed(fig: object, case: str) -> tuple[float, int]:
    from essa_dash.export import images

    start = time.perf_counter()
    data = images.render(fig, **CASES[case])  # type: ignore[arg-type]
    return time.perf_counter() - start, len(data)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="fresh-browser bare renders, and runs per format (default 3)")
    parser.add_argument("--formats", action="store_true", help="also the per-format table (direct renders)")
    parser.add_argument("--child", choices=CASES, help=argparse.SUPPRESS)
    parser.add_argument("--warm", nargs=2, help=argparse.SUPPRESS)
    parser.add_argument("--bare", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.bare:
        bare_child(int(args.bare[0]), args.bare[1:])
        return
    if args.child or args.warm:
        from essa_dash.export import images

        fig = overview_slide()
        if args.child:
            seconds, _ = timed(fig, args.child)
            print(json.dumps({"seconds": seconds}))
        else:
            case, runs = args.warm[0], int(args.warm[1])
            timed(fig, case)  # the browser started and this format's code paths hot
            warm = [timed(fig, case) for _ in range(runs)]
            print(json.dumps({"warm": [t for t, _ in warm], "bytes": warm[-1][1]}))
        images.shutdown()
        return
    with scratch() as tmp:
        root = built_data(tmp / "data")
        app_vs_bare(root, tmp, args.runs)
        if args.formats:
            format_table(root, args.runs)


if __name__ == "__main__":
    main()
