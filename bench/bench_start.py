"""Cold start of each server, the data build from raw files, and the data load at start.

Usage: ``.venv/bin/python bench/bench_start.py [--runs 3]``

* cold start: process start to the first 200 on "/", then the first page drawn (the
  router callback for "/"), for ``essa-dash serve`` (the baseline) and for the
  production server (``serve --prod`` as shipped, bench/serve_prod.py), which renders
  every page and compresses every script before it answers at all: it starts later, but
  its first visitor waits no longer than the hundredth. The production server runs with
  the precomputing on (as shipped) and off (``ESSA_PRECOMPUTE=0``); memory is measured
  once the first page is drawn and every worker is up, per part (master, workers, render
  lane, precomputing process), RSS and PSS.
* data build: :func:`essa_dash.ingest.build.build_data` on a fresh copy of raw/ and
  reference/ each run (the copy is not timed).
* data load: :func:`essa_dash.store.read_store`, which every process does once at start.
"""

from __future__ import annotations

import argparse
import os
import time

from _harness import Client, Server, built_data, copy_raw, header, median, memory, router_call, scratch, table


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="runs per measure (default 3; loads: 10x as many)")
    parser.add_argument("--later", type=float, default=30, help="seconds after the first page to measure memory again while precomputing")
    args = parser.parse_args()

    from essa_dash.ingest.build import build_data
    from essa_dash.store import read_store

    header("Start-up: cold start, data build, data load", f"median of {args.runs} runs (data load: {args.runs * 10})")
    with scratch() as tmp:
        data = built_data(tmp / "data")
        rows, details = [], []
        servers = (
            ("essa-dash serve (baseline)", "dev", {}),
            ("serve --prod, precomputing on (as shipped)", "prod", {}),
            ("serve --prod, ESSA_PRECOMPUTE=0", "prod", {"ESSA_PRECOMPUTE": "0"}),
        )
        for label, kind, env in servers:
            started, first_page, memories, later = [], [], [], []
            for _ in range(args.runs):
                with Server(kind, data, env=env) as server:
                    started.append(server.started_in)
                    client = Client(server.url)
                    seconds, status, _, _ = client.fetch(router_call("/"))
                    client.close()
                    if status != 200:
                        raise RuntimeError(f"{kind}: first page answered {status}")
                    first_page.append(seconds)
                    if kind == "prod":
                        server.wait_workers(os.cpu_count() or 1)
                    memories.append(memory(server))
                    if env.get("ESSA_PRECOMPUTE") != "0" and kind == "prod":
                        time.sleep(args.later)  # the precomputing process has loaded the app and is drawing by then
                        later.append(memory(server))
            rows.append(
                [
                    label,
                    f"{median(started):.2f} s",
                    f"{median(first_page) * 1000:.0f} ms",
                    f"{median(started) + median(first_page):.2f} s",
                    f"{median([m.rss for m in memories]) / 1024:.0f} / {median([m.pss for m in memories]) / 1024:.0f} MiB",
                ]
            )
            details.append(f"- {label}, memory after the first page (last run): {memories[-1].line()}")
            if later:
                details.append(f"- {label}, memory {args.later:.0f} s later, while precomputing (last run): {later[-1].line()}")
        table(["server", "start to first 200 on /", "then first page drawn", "start to first page", "memory after start, RSS / PSS"], rows)
        print("\n".join(details))
        print()

        builds = []
        for i in range(args.runs):
            root = copy_raw(tmp / f"build{i}")
            start = time.perf_counter()
            result = build_data(root)
            builds.append(time.perf_counter() - start)
        loads = []
        for _ in range(args.runs * 10):
            start = time.perf_counter()
            store = read_store(data)
            loads.append(time.perf_counter() - start)
        rows = [
            [
                "data build (build_data, all Parquet files from raw/)",
                f"{median(builds) * 1000:.0f} ms",
                f"{len(result.tables)} tables, {len(result.loaded)} raw datasets",
            ],
            ["data load (read_store)", f"{median(loads) * 1000:.1f} ms", f"{len(store.coverage):,} coverage rows"],
        ]
        table(["step", "median", "note"], rows)


if __name__ == "__main__":
    main()
