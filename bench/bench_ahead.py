"""A visitor comparing countries on /risk (/progress; filtering /data): each click, with and without the views one click away drawn ahead.

Usage: ``.venv/bin/python bench/bench_ahead.py [--visitors 6] [--clicks 3] [--think 1 3 6] [--page /risk|/progress|/data]``

Selections of several countries are not precomputed (2^11 a view); essa_dash.next_views has
the views one click from a visitor's selection drawn ahead by the precomputing process, at nice
19, while the visitor looks at the page. Whether that pays depends on how long the visitor looks
(``--think``, seconds between two clicks) against how long the drawer takes for the 16 views
one click away (24 on /progress, 100-160 on /data) (about 0.2-0.4 s each on an idle core, 0.03 s on /data).

Each visitor opens a risk page (a risk and a country chosen at random, seeded: the same visitors on
both servers) as its controls write it, which is not counted, then makes ``--clicks`` clicks each
adding one more country, ``--think`` seconds apart: for each click, the time of the router's answer
(as a browser asks: keep-alive, its encodings), whether it was a stored answer, and a static file of
the previous answer's bytes fetched from the same server just before it (the baseline, as in bench_callbacks).
Servers: ``serve --prod`` as shipped (precomputing on: its pass runs during the measurement, English
first, and the views queued ahead come first between its own) and with ``ESSA_PRECOMPUTE=0``
(nothing drawn ahead: every click is drawn for its visitor). Visitors come one after another (each
think time on a fresh server's answers: the views are new to both). Nothing is asserted.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench._harness import (
    BROWSER_ENCODINGS,
    Call,
    Client,
    Server,
    assets_copy,
    built_data,
    header,
    median,
    memory_line,
    percentile,
    router_call,
    scratch,
    table,
)
from essa_dash.pages import explorer as explorer_page
from essa_dash.pages import progress as progress_page
from essa_dash.pages import risk as risk_page
from essa_dash.query import explorer as explorer_query
from essa_dash.query import member_states
from essa_dash.query.risk import risk_ids
from essa_dash.query.state import State, Vocabulary
from essa_dash.store import Store, read_store


def visitors(store: Store, page: str, count: int, clicks: int, seed: int) -> list[list[str]]:
    """Each visitor's views, as the page's controls write them, one click apart.

    /risk: a risk page with one country, then one more country per click. /progress: every country (as
    the page opens), then one fewer per click. /data: one country, then in turn one more country, a risk
    that has rows for them, the latest values only (ticked, then unticked). The controls write the view
    the page resolved (an edition without figures for the risk falls back to one with them: pages' control_choices).
    """
    chooser = random.Random(seed)
    countries = member_states(store.countries)["iso3"].tolist()
    vocabulary = Vocabulary.from_store(store)
    paths = []
    for _ in range(count):
        picked = chooser.sample(countries, clicks + 1)
        if page == "/risk":
            risk = chooser.choice(risk_ids(store))
            held = [
                risk_page.control_choices(store, State(country=tuple(picked[: n + 1]), sex="total"), risk)[0] for n in range(clicks + 1)
            ]
            paths.append([f"/risk/{risk}{vocabulary.encode(state)}" for state in held])
        elif page == "/data":
            states = [State(country=(picked[0],))]
            for n in range(clicks):
                last = states[-1]
                if n % 3 == 0:
                    states.append(last.update(country=(*last.country, picked[n // 3 + 1])))
                elif n % 3 == 1:
                    facet = explorer_query.facets(store, last)["risk"]
                    risks = [option.value for option in facet if option.count and option.value not in last.risk]
                    states.append(last.update(risk=(*last.risk, chooser.choice(risks))))
                else:
                    states.append(last.update(latest=None if last.latest else True))
            paths.append([f"/data{vocabulary.encode(explorer_page.control_choices(store, state)[0])}" for state in states])
        else:
            kept = [tuple(c for c in countries if c not in picked[:n]) for n in range(clicks + 1)]
            held = [progress_page.control_choices(store, State(country=chosen))[0] for chosen in kept]
            paths.append([f"/progress{vocabulary.encode(state)}" for state in held])
    return paths


def measure(server: Server, paths: list[list[str]], think: float, assets: Path) -> tuple[list[float], list[float], int]:
    """(click seconds, static seconds, clicks answered from the store) over every visitor's clicks.

    The static file is fetched on the same connection just before each click, after the think time: the bytes of the
    answer before it (about the size of the click's). Fetched right after a click, it waited for the worker's work
    after the answer (run once the answer is sent, on the connection's thread: naming the next views was 5-11 ms of
    CPU before the drawer named them; queueing the one entry is about 1 ms).
    """
    clicks, static, stored = [], [], 0
    for n, views in enumerate(paths):
        client = Client(server.url)
        for i, view in enumerate(views):
            if i:  # views[0]: the page the visitor starts from, a single country (precomputed, or not yet): not counted
                time.sleep(think)
                static.append(client.fetch(Call("static", "GET", f"/assets/bench/ahead-{n}-{i - 1}.br"), encoding="identity")[0])
            seconds, status, wire, headers = client.fetch(router_call(view), encoding=BROWSER_ENCODINGS)
            if status != 200:
                raise RuntimeError(f"{view}: HTTP {status}")
            (assets / "bench" / f"ahead-{n}-{i}.br").write_bytes(wire)
            if i:
                clicks.append(seconds)
                stored += headers.get("x-essa-cache") == "hit"
                print(f"    {view}: {seconds * 1000:.1f} ms, {headers.get('x-essa-cache') or 'drawn'}", file=sys.stderr, flush=True)
        client.close()
    return clicks, static, stored


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--visitors", type=int, default=6)
    parser.add_argument("--clicks", type=int, default=3)
    parser.add_argument("--think", type=float, nargs="+", default=[1.0, 3.0, 6.0])
    parser.add_argument("--seed", type=int, default=17)
    parser.add_argument(
        "--page", choices=("/risk", "/progress", "/data"), default="/risk", help="/progress: each click takes a country away"
    )
    args = parser.parse_args()
    clicking = {
        "/risk": "adding a country (2, 3, ... countries)",
        "/progress": "taking a country away (10, 9, ... countries)",
        "/data": "adding a country, a risk, ticking the latest values only, in turn",
    }[args.page]
    with scratch() as tmp:
        data = built_data(tmp / "data")
        store = read_store(data)
        assets = assets_copy(tmp / "assets")
        (assets / "bench").mkdir()
        header(
            f"Views drawn ahead: a visitor choosing {'filters' if args.page == '/data' else 'countries'} on {args.page}, click by click "
            "(serve --prod)",
            f"{args.visitors} visitors one after another, each {args.clicks} clicks {clicking}, "
            "a think time between clicks; click time median / p95 in ms, and over a static file of an answer's bytes fetched "
            "just before each click",
        )
        rows, notes = [], []
        for label, env in (("as shipped (drawn ahead)", {}), ("ESSA_PRECOMPUTE=0 (none drawn ahead)", {"ESSA_PRECOMPUTE": "0"})):
            for k, think in enumerate(args.think):
                # each think time its own visitors (a new seed): views the previous rows stored are not asked again
                paths = visitors(store, args.page, args.visitors, args.clicks, args.seed + k)
                with Server("prod", data, assets=assets, env=env) as server:
                    server.wait_workers(2)
                    clicks, static, stored = measure(server, paths, think, assets)
                    if k == len(args.think) - 1:
                        notes.append(f"- memory at the end, {label}: {memory_line(server)}")
                base = median(static)
                rows.append(
                    [
                        label,
                        f"{think:g} s",
                        f"{stored} of {len(clicks)}",
                        f"{median(clicks) * 1000:.1f} / {percentile(clicks, 95) * 1000:.1f}",
                        f"{base * 1000:.2f}",
                        f"{median(clicks) / base:.1f}x / {percentile(clicks, 95) / base:.1f}x",
                    ]
                )
                print(f"  {label}, think {think:g} s: {stored} of {len(clicks)} stored", file=sys.stderr, flush=True)
        table(["server", "think time", "clicks answered from the store", "click (ms)", "static file (ms)", "ratio (median / p95)"], rows)
        print("\n".join(notes))
        print()


if __name__ == "__main__":
    main()
