"""Ordinary visitors while the worst requests the limits allow run: their p50/p95 against an idle server.

Usage: ``.venv/bin/python bench/bench_hostile.py [--seconds 60] [--repeat 3] [--workers 2] [--threads N] [--attackers 4] [--only deck]``

The production server (gunicorn, bench/serve_prod.py, as ``serve --prod``) on a fresh copy of
the data. Two phases of the same length, ``--repeat`` times on the same server:

* **idle**: two ordinary visitors, each opening one thing after another with no pause:
  the overview's HTML, a country page's callback (several countries in turn), a filtered
  API CSV, the risks list;
* **hostile**: the same two visitors while ``--attackers`` connections send, back to back,
  the costliest requests each limit still lets through: a deck of ``ESSA_MAX_DECK_CHARTS``
  charts, the /deck page's "Build" of as many, a 4K PNG (the pixel limit) of a view never
  drawn before, a page callback whose search fills the body limit with unknown parameters,
  a page callback of ``ESSA_MAX_PARAMS`` unknown parameters (read, each a problem, never drawn before),
  the same pinned to the data's release (``release=``: drawn for every link, its banner repeats the query),
  and requests just over the limits (an 8000x8000 image, a 200,000-parameter body, a
  120-chart deck, malformed callbacks), which must be refused at once. The /deck page
  builds the attackers queued are waited for before the next phase starts.

Each attacker is a process of its own, in a session of its own: building and sending a
1.9 MB body holds the bench's GIL for ~80 ms, and on Linux (autogroup) processes of one
session share one slice of the CPU, so attackers beside the visitors took the visitors'
CPU and counted it as the server's slowness. The attackers import and build their first
requests before the visitors' clock starts; requests that are the same every round are built once.

Reported: per repetition, the load average and ordinary p50/p95 in both phases and their
ratio; per hostile kind the answers (status counts) and the slowest one; how the queued
/deck page builds ended; the server's memory; the load average at the start and the end.
"""

from __future__ import annotations

import argparse
import functools
import itertools
import json
import multiprocessing
import os
import threading
import time
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

from _harness import BROWSER_ENCODINGS, Call, Client, Server, built_data, header, memory_line, ms, percentile, router_call, scratch, table

from essa_dash.serving import router_payload
from essa_dash.store import read_store

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


def deck_page_build(views: list[str]) -> dict[str, object]:
    """The /deck page's "Build it here" button: the callback that queues a background deck build."""
    values = {"deck-title": "Seminar", "deck-views": "\n".join(views), "deck-native": [], "deck-lang": "en"}
    return {
        "output": "..deck-job.data...deck-poll.disabled...deck-progress.children..",
        "outputs": [
            {"id": "deck-job", "property": "data"},
            {"id": "deck-poll", "property": "disabled"},
            {"id": "deck-progress", "property": "children"},
        ],
        "inputs": [{"id": "deck-build", "property": "n_clicks", "value": 1}],
        "state": [{"id": key, "property": "data" if key == "deck-lang" else "value", "value": value} for key, value in values.items()],
        "changedPropIds": ["deck-build.n_clicks"],
    }


def hostile_calls(index: int, release: str) -> list[Call]:
    """The worst allowed requests, each made new per round (``index``) so no cache answers them; ``release``: the data's id."""
    sexes = ("total", "female", "male")
    country = COUNTRIES[index % len(COUNTRIES)]
    sex = sexes[(index // len(COUNTRIES)) % 3]
    # ESSA_MAX_DECK_CHARTS (24) single charts, none drawn before in this run
    pairs = [(COUNTRIES[(index + i) % len(COUNTRIES)], sexes[(index + i // len(COUNTRIES)) % 3]) for i in range(24)]
    links = [f"/embed/country-bars?country={c}&sex={s}&year_to={2015 + index % 9}" for c, s in pairs]
    deck_views = "&".join(f"views={link.replace('&', '%26')}" for link in links)
    page_links = [f"{link}&year_from=2001" for link in links]  # not the /deck.pptx calls' charts: drawn afresh too
    pages = ("/progress", "/risk/old_age", f"/country/{country}", "/data", "/")
    big_search = "?" + "&".join(f"p{index % 100_000:05d}x{i}=1" for i in range(4500))  # ~63 kB: just under the body limit
    return [
        Call("deck of 24 charts", "GET", f"/deck.pptx?{deck_views}"),
        _post("/deck page build of 24 charts", deck_page_build(page_links)),
        # the width changes each cycle of the 297 (country, sex, year) views, so no round gets a stored answer
        Call(
            "4K PNG",
            "GET",
            f"/img/country-bars.png?country={country}&sex={sex}&year_to={2015 + index % 9}"
            f"&width={3840 - index // 297 % 64}&height=2160&scale=2",
        ),
        _post("callback, body at the limit", router_payload("/data", big_search)),
        # the most a link may ask of a page without being refused as a whole: ESSA_MAX_PARAMS unknown parameters, each a
        # problem in the notice; the names change each round, so no stored answer serves it (a link past the cap is one view)
        _post(
            "callback, 30 unknown parameters",
            router_payload(pages[index % len(pages)], "?" + "&".join(f"u{index}x{k}=1" for k in range(30))),
        ),
        # the same, pinned to the data's release: its banner repeats the link's query, so it is drawn for every link
        _post(
            "callback, pinned, 29 unknown parameters",
            router_payload(pages[(index + 2) % len(pages)], f"?release={release}&" + "&".join(f"v{index}x{k}=1" for k in range(29))),
        ),
        *refused_calls(),
    ]


@functools.cache
def refused_calls() -> tuple[Call, ...]:
    """Requests just over the limits: the same every round, so built once (the 1.9 MB body costs the bench ~0.2 s of CPU)."""
    bad = router_payload("/", "")
    bad["inputs"][0]["value"] = ["/"]  # type: ignore[index]
    return (
        Call("8000x8000 PNG (refused)", "GET", "/img/country-bars.png?width=8000&height=8000"),
        Call("120-chart deck (refused)", "GET", "/deck.pptx?" + "&".join(["views=/risk/old_age"] * 30)),
        _post("200,000 parameters (refused)", router_payload("/", "?" + "&".join(f"p{i}=1" for i in range(200_000)))),
        _post("malformed callback (refused)", bad),
    )


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


def attack(url: str, release: str, offset: int, ready: Any, go: Any, stop: Any, out: multiprocessing.Queue, only: str) -> None:
    """One attacker process: the hostile calls (those whose label holds ``only``) back to back from ``go`` until ``stop``.

    Its own session, so its own scheduling group (Linux's autogroup): what the attacker spends
    building its requests is not taken from the visitors' group, as another user's process
    would not be; it says ``ready`` once imported, before the visitors' clock starts. Puts into
    ``out`` the answers per label and the ids of the /deck page builds it queued (they go on after it stops).
    """
    os.setsid()
    refused_calls()
    results: dict[str, list[tuple[int | str, float]]] = defaultdict(list)
    queued: list[str] = []
    client = Client(url, timeout=180)
    ready.set()
    go.wait()
    try:
        for index in itertools.count(offset):
            calls = hostile_calls(index, release)
            for call in calls[offset % 3 :] + calls[: offset % 3]:
                if only and only not in call.label:
                    continue
                if stop.is_set():
                    return
                page_build = call.label.startswith("/deck page")
                try:
                    seconds, status, body, _ = client.fetch(call, encoding="identity" if page_build else BROWSER_ENCODINGS)
                    if page_build and status == 200:  # queued, or refused by the builds' limit
                        job = json.loads(body)["response"]["deck-job"]["data"]
                        status = "200 queued" if job else "200 refused"
                        queued += [job] if job else []
                except OSError:
                    seconds, status = float("nan"), 0  # the server closed the connection (e.g. after a 413)
                    client.close()
                    client = Client(url, timeout=180)
                results[call.label].append((status, seconds))
    finally:
        client.close()
        out.put((dict(results), queued))


def wait_for_builds(url: str, queued: list[str]) -> Counter[str]:
    """Wait until every queued /deck page build has ended (their deadline bounds it); their final states."""
    client = Client(url, timeout=30)
    states: Counter[str] = Counter()
    try:
        for job in queued:
            while (state := json.loads(client.fetch(Call("job", "GET", f"/deck/jobs/{job}"), encoding="identity")[2])["state"]) in (
                "queued",
                "running",
            ):
                time.sleep(0.5)
            states[state] += 1
    finally:
        client.close()
    return states


Phase = tuple[list[float], Counter[int], dict[str, list[tuple[int | str, float]]], Counter[str]]


def phase(url: str, seconds: float, attackers: int, only: str = "", first: int = 0, release: str = "") -> Phase:
    """Two ordinary visitors for ``seconds`` beside ``attackers`` (rounds numbered from ``first``); then the builds they queued end."""
    stop = threading.Event()
    times: list[float] = []
    statuses: Counter[int] = Counter()
    hostile: dict[str, list[tuple[int | str, float]]] = defaultdict(list)
    context = multiprocessing.get_context("spawn")
    go, halt, out = context.Event(), context.Event(), context.Queue()
    readies = [context.Event() for _ in range(attackers)]
    arguments = [(url, release, first + i * 1000, readies[i], go, halt, out, only) for i in range(attackers)]
    attackers_ = [context.Process(target=attack, args=each) for each in arguments]
    for process in attackers_:
        process.start()
    for ready in readies:  # their imports and first bodies are done before the visitors' clock starts
        ready.wait()
    go.set()
    threads = [threading.Thread(target=visit, args=(url, ordinary_calls(), stop, times, statuses)) for _ in range(2)]
    for thread in threads:
        thread.start()
    time.sleep(seconds)
    stop.set()
    halt.set()
    for thread in threads:
        thread.join()
    queued: list[str] = []
    for _ in attackers_:
        answers, jobs = out.get()
        queued += jobs
        for label, items in answers.items():
            hostile[label] += items
    for process in attackers_:
        process.join()
    return times, statuses, hostile, wait_for_builds(url, queued)  # none still drawing when the next phase starts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--attackers", type=int, default=4)
    parser.add_argument("--threads", type=int, help="threads per worker (default: serve --prod's)")
    parser.add_argument("--repeat", type=int, default=1, help="idle then hostile phases, this many times on one server")
    parser.add_argument("--only", default="", help="send only the hostile requests whose label holds this text (deck, 4K, limit...)")
    args = parser.parse_args()
    with scratch() as tmp:
        data = built_data(Path(tmp) / "data")
        release = read_store(data).release.id
        with Server("prod", data, workers=args.workers, threads=args.threads) as server:
            run(server, args, release)


def run(server: Server, args: argparse.Namespace, release: str) -> None:
    """The repetitions on one server, then their tables."""
    started_load = ", ".join(f"{v:.1f}" for v in os.getloadavg())
    rows: list[list[object]] = []
    hostile: dict[str, list[tuple[int | str, float]]] = defaultdict(list)
    builds: Counter[str] = Counter()
    for call in ordinary_calls():  # warm every ordinary answer once: both phases then measure the same thing
        Client(server.url).fetch(call)
    for repetition in range(args.repeat):
        load = f"{os.getloadavg()[0]:.1f}"
        idle, idle_status, _, _ = phase(server.url, args.seconds, 0)
        first = repetition * 10_000
        busy, busy_status, answers, states = phase(server.url, args.seconds, args.attackers, args.only, first=first, release=release)
        for label, items in answers.items():
            hostile[label] += items
        builds += states
        p50, p95 = (percentile(busy, q) / percentile(idle, q) for q in (50, 95))
        rows += [
            [repetition + 1, "idle", load, len(idle), dict(idle_status), ms(percentile(idle, 50)), ms(percentile(idle, 95)), ""],
            [
                "",
                "hostile",
                f"{os.getloadavg()[0]:.1f}",
                len(busy),
                dict(busy_status),
                ms(percentile(busy, 50)),
                ms(percentile(busy, 95)),
                f"{p50:.1f}x / {p95:.1f}x",
            ],
        ]
    header(
        "Ordinary visitors beside the worst allowed requests (bench_hostile.py)",
        f"{args.workers} workers, 2 ordinary visitors, {args.attackers} attackers, {args.seconds:.0f} s a phase, {args.repeat} runs",
    )
    table(["run", "phase", "load (1 min) at start", "ordinary requests", "statuses", "p50", "p95", "hostile / idle (p50 / p95)"], rows)
    summary = []
    for label, items in hostile.items():
        timed = [s for _, s in items if s == s]
        summary.append([label, len(items), dict(Counter(status for status, _ in items)), ms(max(timed)) if timed else "-"])
    table(["worst allowed request", "sent", "statuses", "slowest"], summary)
    print(f"/deck page builds queued by the attackers, as they ended: {dict(builds) or 'none'}")
    print(memory_line(server))
    print(f"load average when the run started: {started_load} (the header has it at the end)")


if __name__ == "__main__":
    main()
