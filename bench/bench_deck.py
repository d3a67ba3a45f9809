"""A 10-view seminar deck: from the command line and from the shipped server's /deck.pptx, pictures and native charts.

Run: ``.venv/bin/python bench/bench_deck.py [--runs 2]``. Prints seconds per deck and per
chart slide, measured in one run on this machine; nothing is asserted.

Each deck is ten dashboard links, one chart each (``/embed/<chart>?country=X&risk=R``: the
country's bars, editions, women and men, SDG context; the risk's ranking, trend, women and
men, map; progress dumbbells and bars), so ten chart slides plus the cover and the sources
slide (a native chart too dense for one slide is split over two: the slide count says so).
Every deck asks for a country and a risk no earlier deck of the run asked for, so no chart
of it was drawn before (the app draws each resolved view once per process):

* **command line**: ``essa-dash deck spec.json`` in a fresh process each time (Python start,
  data load, Chromium start included), with and without ``--native``;
* **/deck.pptx** on ``serve --prod`` as shipped: decks are drawn in the render lane (one
  process at nice 19, one warm Chromium); the first deck of the server starts that Chromium,
  the others are new views on a warm renderer. A deck past ``ESSA_DECK_SECONDS`` is a 503:
  counted, not timed.
"""

from __future__ import annotations

import argparse
import io
import json
import subprocess
import time
from pathlib import Path
from urllib.parse import urlencode

from _harness import PROJECT_DIR, PYTHON, Call, Client, Server, built_data, header, median, scratch, table

COUNTRY_CHARTS = ("country-bars", "country-editions", "country-sex", "country-context", "progress-dumbbells", "progress-bars")
RISK_CHARTS = ("risk-ranking", "risk-trend", "risk-sex", "risk-map")


def decks(root: Path) -> list[list[str]]:
    """Ten links per deck, each deck its own country and risk (as many decks as the data has risks)."""
    from essa_dash.query import member_states
    from essa_dash.query.risk import risk_ids
    from essa_dash.store import read_store

    store = read_store(root)
    countries = list(member_states(store.countries)["iso3"])
    return [
        [f"/embed/{c}?country={iso3}" for c in COUNTRY_CHARTS]
        + [f"/embed/{c}?{urlencode({'risk': risk, 'country': iso3})}" for c in RISK_CHARTS]
        for iso3, risk in zip(countries, risk_ids(store), strict=False)
    ]


def slides_in(data: bytes) -> int:
    from pptx import Presentation

    return len(Presentation(io.BytesIO(data)).slides)


def command_line(root: Path, tmp: Path, views: list[str], native: bool, name: str) -> tuple[float, int]:
    spec = tmp / f"{name}.json"
    spec.write_text(json.dumps({"title": "ASEAN seminar", "views": views}))
    out = tmp / f"{name}.pptx"
    command = [
        PYTHON,
        "-m",
        "essa_dash.cli",
        "deck",
        str(spec),
        "--out",
        str(out),
        "--data-dir",
        str(root),
        *(["--native"] if native else []),
    ]
    start = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True, cwd=PROJECT_DIR, timeout=600)
    return time.perf_counter() - start, slides_in(out.read_bytes())


def through_app(client: Client, views: list[str], native: bool) -> tuple[float, int, int]:
    """(seconds, HTTP status, slides) of one /deck.pptx."""
    query = urlencode({"title": "ASEAN seminar", "native": "true" if native else "false", "views": views}, doseq=True)
    seconds, status, body, _ = client.fetch(Call("deck", "GET", f"/deck.pptx?{query}"))
    return seconds, status, slides_in(body) if status == 200 else 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=2, help="decks per way and kind (default 2)")
    args = parser.parse_args()
    with scratch() as tmp:
        root = built_data(tmp / "data")
        sets = iter(decks(root))
        need = 4 * args.runs + 1
        if need > len(decks(root)):
            raise SystemExit(f"--runs {args.runs} needs {need} decks of new views; the data has {len(decks(root))}")
        rows = []

        def add(label: str, results: list[tuple[float, int, int]]) -> None:
            ok = [(s, n) for s, status, n in results if status == 200]
            failed = [f"HTTP {status} after {s:.1f} s" for s, status, _ in results if status != 200]
            if not ok:
                rows.append([label, "0", ", ".join(failed), "-", "-", "-"])
                return
            seconds, count = median([s for s, _ in ok]), median([n for _, n in ok])
            per = seconds / 10
            rows.append([label, str(len(ok)), ", ".join(failed), f"{count:.0f}", f"{seconds:.1f} s", f"{per:.2f} s"])

        for native in (False, True):
            results = [(*command_line(root, tmp, next(sets), native, f"cli{native}{i}"),) for i in range(args.runs)]
            add(f"command line{', --native' if native else ''} (fresh process)", [(s, 200, n) for s, n in results])
        with Server("prod", root) as server:
            client = Client(server.url, timeout=300)
            try:
                add("/deck.pptx, first of the server (the lane starts its Chromium)", [through_app(client, next(sets), False)])
                for native in (False, True):
                    add(
                        f"/deck.pptx{'&native=true' if native else ''}, new views, warm renderer",
                        [through_app(client, next(sets), native) for _ in range(args.runs)],
                    )
            finally:
                client.close()
        header(
            "A 10-view deck: command line and /deck.pptx (serve --prod as shipped)",
            f"ten links, one chart each, every deck its own country and risk (no chart drawn before); median of {args.runs} decks "
            "per row; per view = deck time / 10 links (cover, sources slide, split slides and the whole file included)",
        )
        table(["deck", "decks", "not answered", "slides", "median per deck", "per view"], rows)


if __name__ == "__main__":
    main()
