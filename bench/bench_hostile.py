"""Ordinary visitors while the worst requests the limits allow run: their p50/p95 against an idle server.

Usage: ``.venv/bin/python bench/bench_hostile.py [--seconds 60] [--workers 2] [--attackers 4] [--only deck]``

The production server (gunicorn, bench/serve_prod.py) on a fresh copy of the data. Two
phases of the same length, measured in the same run:

* **idle**: two ordinary visitors, each opening one thing after another with no pause:
  the overview's HTML, a country page's callback (several countries in turn), a filtered
  API CSV, the risks list;
* **hostile**: the same two visitors while ``--attackers`` connections send, back to back,
  the costliest requests each limit still lets through: a deck of ``ESSA_MAX_DECK_CHARTS``
  charts, a 4K PNG (the pixel limit) of a view never drawn before, a page callback whose
  search fills the body limit with unknown parameters, and requests just over the limits
  (an 8000x8000 image, a 200,000-parameter body, a 120-chart deck, malformed callbacks),
  which must be refused at once.

Each attacker is a process of its own: building and sending a 1.9 MB body holds the
bench's GIL for ~80 ms, which in one process with the visitors was counted as the server's
slowness (the visitors' threads waited for the bench's own GIL, not for the server).

Reported: ordinary p50/p95 in both phases and their ratio; per hostile kind the answers
(status counts) and the slowest one; the server's memory; the load average at the start and the end.
"""

from __future__ import annotations

import argparse
import itertools
import json
import multiprocessing
import os
import threading
import time
from collections import Counter, defaultdict
from pathlib import Path

from _harness import Call, Client, Server, built_data, header, memory_line, ms, percentile, router_call, scratch, table

from essa_dash.serving import router_payload

COUNTRIES = ("VNM", "KHM", "IDN", "THA", "PHL", "MYS", "LAO", "MMR", "SGP", "BRN", "TLS")


def ordinary_calls() -> list[Call]:
    calls = [Call("GET /", "GET", "/")]
    for iso3 in COUNTRIES:
        calls.append(router_call(f"/country/{iso3}"))
        calls.append(Call("API csv", "GET", f"/api/v1/coverage.csv?country={iso3}&risk=old_age"))
        calls.append(Call("API risks", "GET", "/api/v1/risks"))
    return calls


def _post(label: str, body: object) -> Call:
    return Call(label, "POST", "/_dash-update-component", json.dumps(body).encode(), (("Content-Type", "application/json"),))


def hostile_calls(index: int) -> list[Call]:
    """The worst allowed requests, each made new per round (``index``) so no cache answers them."""
    sexes = ("total", "female", "male")
    country = COUNTRIES[index % len(COUNTRIES)]
    sex = sexes[(index // len(COUNTRIES)) % 3]
    # ESSA_MAX_DECK_CHARTS (24) single charts, none drawn before in this run
    pairs = [(COUNTRIES[(index + i) % len(COUNTRIES)], sexes[(index + i // len(COUNTRIES)) % 3]) for i in range(24)]
    deck_views = "&".join(f"views=/embed/country-bars?country={c}%26sex={s}%26year_to={2015 + index % 9}" for c, s in pairs)
    big_search = "?" + "&".join(f"p{index}x{i}=1" for i in range(5000))  # ~60 kB: just under the body limit
    bad = router_payload("/", "")
    bad["inputs"][0]["value"] = ["/"]  # type: ignore[index]
    return [
        Call("deck of 24 charts", "GET", f"/deck.pptx?{deck_views}"),
        Call("4K PNG", "GET", f"/img/country-bars.png?country={country}&sex={sex}&width=3840&height=2160&scale=2"),
        _post("callback, body at the limit", router_payload("/data", big_search)),
        Call("8000x8000 PNG (refused)", "GET", "/img/country-bars.png?width=8000&height=8000"),
        Call("120-chart deck (refused)", "GET", "/deck.pptx?" + "&".join(["views=/risk/old_age"] * 30)),
        _post("200,000 parameters (refused)", router_payload("/", "?" + "&".join(f"p{i}=1" for i in range(200_000)))),
        _post("malformed callback (refused)", bad),
    ]


def visit(url: str, calls: list[Call], stop: threading.Event, times: list[float], statuses: Counter[int]) -> None:
    client = Client(url, timeout=120)
    try:
        for call in itertools.cycle(calls):
            if stop.is_set():
                return
            seconds, status, _, _ = client.fetch(call)
            times.append(seconds)
            statuses[status] += 1
    finally:
        client.close()


def attack(url: str, offset: int, stop: multiprocessing.synchronize.Event, out: multiprocessing.Queue, only: str) -> None:
    """One attacker process: the hostile calls (those whose label holds ``only``) back to back until ``stop``; answers into ``out``."""
    results: dict[str, list[tuple[int, float]]] = defaultdict(list)
    client = Client(url, timeout=180)
    try:
        for index in itertools.count(offset * 1000):
            for call in hostile_calls(index)[offset % 3 :] + hostile_calls(index)[: offset % 3]:
                if only and only not in call.label:
                    continue
                if stop.is_set():
                    return
                try:
                    seconds, status, _, _ = client.fetch(call)
                except OSError:
                    seconds, status = float("nan"), 0  # the server closed the connection (e.g. after a 413)
                    client.close()
                    client = Client(url, timeout=180)
                results[call.label].append((status, seconds))
    finally:
        client.close()
        out.put(dict(results))


def phase(url: str, seconds: float, attackers: int, only: str = "") -> tuple[list[float], Counter[int], dict[str, list[tuple[int, float]]]]:
    stop = threading.Event()
    times: list[float] = []
    statuses: Counter[int] = Counter()
    hostile: dict[str, list[tuple[int, float]]] = defaultdict(list)
    context = multiprocessing.get_context("spawn")
    halt, out = context.Event(), context.Queue()
    attackers_ = [context.Process(target=attack, args=(url, i, halt, out, only)) for i in range(attackers)]
    for process in attackers_:
        process.start()
    threads = [threading.Thread(target=visit, args=(url, ordinary_calls(), stop, times, statuses)) for _ in range(2)]
    for thread in threads:
        thread.start()
    time.sleep(seconds)
    stop.set()
    halt.set()
    for thread in threads:
        thread.join()
    for _ in attackers_:
        for label, answers in out.get().items():
            hostile[label] += answers
    for process in attackers_:
        process.join()
    return times, statuses, hostile


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--attackers", type=int, default=4)
    parser.add_argument("--only", default="", help="send only the hostile requests whose label holds this text (deck, 4K, limit...)")
    args = parser.parse_args()
    started_load = ", ".join(f"{v:.1f}" for v in os.getloadavg())
    with scratch() as tmp, Server("prod", built_data(Path(tmp) / "data"), workers=args.workers) as server:
        for call in ordinary_calls():  # warm every ordinary answer once: both phases then measure the same thing
            Client(server.url).fetch(call)
        idle, idle_status, _ = phase(server.url, args.seconds, 0)
        busy, busy_status, hostile = phase(server.url, args.seconds, args.attackers, args.only)
        header(
            "Ordinary visitors beside the worst allowed requests (bench_hostile.py)",
            f"{args.workers} workers, 2 ordinary visitors, {args.attackers} attackers, {args.seconds:.0f} s per phase",
        )
        table(
            ["phase", "ordinary requests", "statuses", "p50", "p95"],
            [
                ["idle", len(idle), dict(idle_status), ms(percentile(idle, 50)), ms(percentile(idle, 95))],
                ["hostile", len(busy), dict(busy_status), ms(percentile(busy, 50)), ms(percentile(busy, 95))],
                [
                    "ratio",
                    "",
                    "",
                    f"{percentile(busy, 50) / percentile(idle, 50):.1f}x",
                    f"{percentile(busy, 95) / percentile(idle, 95):.1f}x",
                ],
            ],
        )
        rows = []
        for label, answers in hostile.items():
            timed = [s for _, s in answers if s == s]
            rows.append([label, len(answers), dict(Counter(status for status, _ in answers)), ms(max(timed)) if timed else "-"])
        table(["worst allowed request", "sent", "statuses", "slowest"], rows)
        print(memory_line(server))
        print(f"load average when the run started: {started_load} (the header has it at the end)")


if __name__ == "__main__":
    main()
