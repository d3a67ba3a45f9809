"""Concurrent users against the production server on loopback: throughput, latency by request kind, errors, memory.

Usage: ``.venv/bin/python bench/bench_load.py [--duration 60] [--cached-duration 20] [--users 10 50] [--workers N] [--threads N]``

The server is ``serve --prod`` as shipped (bench/serve_prod.py): gunicorn workers, the
render lane and the precomputing process. Each simulated user is one wrk thread (Debian's
``wrk``, C, light enough to leave the server the CPU) with one keep-alive connection,
opening pages back to back with no pause: the HTML, ``/_dash-layout``,
``/_dash-dependencies``, the router callback that draws the page, and one static file.
One connection per thread lets the script time every answer and name its kind, so the
callbacks' percentiles are not diluted by the cheap requests around them, and the static
file's show how long it queues behind the callbacks. Three mixes per user count:

* **same link**: the default view of each page, again and again, as an audience sent
  one link does (stored answers after the first);
* **precomputed views**: other views of each page (every country, risk, sex, edition),
  one page after another, as people exploring do; the server precomputes these
  (essa_dash.precompute), and the levels start once it says it is done (or the bench's
  limit passed: the table then says so, and the store-hit column shows how many were);
* **never-drawn views**: selections of three countries on the risk and progress pages
  (nobody precomputes them), each level its own slice of the 165 trios x pages x sexes,
  so no view of a level was drawn before, by a warm-up or an earlier level; the
  store-hit column shows 0 when no user ran past its share.

While each level runs, one more connection fetches the same static file every 50 ms.

Scripts and styles are not fetched: they are immutable, so a returning visitor's
browser has them (bench_browser.py measures a first visit). With no pause between
pages this measures capacity; real people read for many seconds between clicks, so an
audience of N is far lighter than N users here.

The baseline, measured in the same run for each user count, is the static file (the
overview's callback answer saved under /assets/) fetched alone by as many users: what
the same server and network stack deliver when no page has to be computed. Memory is
the RSS and PSS of each part (master, workers, render lane with its Chromium,
precomputing process) once started, once precomputed and at the end.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import random
import shutil
import subprocess
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from _harness import (
    BROWSER_ENCODINGS,
    Call,
    Client,
    Server,
    assets_copy,
    built_data,
    existing_pages,
    header,
    interleaved_views,
    median,
    memory,
    percentile,
    precompute_status,
    router_call,
    scratch,
    table,
)

WRK = shutil.which("wrk") or "/usr/bin/wrk"
STATIC = "/assets/bench/overview.json"

#: One wrk thread per user, each with one connection, so each thread's requests and answers
#: alternate and every answer can be timed and named (wrk's own percentiles mix all kinds).
LUA = r"""
local ffi = require("ffi")
ffi.cdef[[
typedef struct { long tv_sec; long tv_nsec; } essa_timespec;
int clock_gettime(int clock, essa_timespec *tp);
]]
local clock = ffi.new("essa_timespec")
local function now()
  ffi.C.clock_gettime(1, clock)  -- CLOCK_MONOTONIC
  return tonumber(clock.tv_sec) + tonumber(clock.tv_nsec) * 1e-9
end
local calls = %(calls)s
local threads = {}
local counter = 0
-- each user starts at its own share of the list (on a page boundary): no view is asked twice at once,
-- and none twice at all unless a user runs past its share (the callbacks' store hits then show it)
setup = function(thread)
  thread:set("offset", counter * %(per_open)d * math.floor(#calls / %(per_open)d / %(users)d))
  counter = counter + 1
  table.insert(threads, thread)
end
init = function(args)
  i = offset or 0
  samples = {}
end
request = function()
  i = i + 1
  current = calls[(i %% #calls) + 1]
  started = now()
  return wrk.format(current.method, current.path, current.headers, current.body)
end
response = function(status, headers, body)
  local cache = "-"
  for name, value in pairs(headers) do
    if string.lower(name) == "x-essa-cache" then cache = value end
  end
  -- a string per answer: wrk copies a thread's table of strings to done(), not nested tables
  samples[#samples + 1] = string.format("%%s %%.6f %%d %%s", current.kind, now() - started, status, cache)
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'WRKJSON {"requests": %%d, "duration_us": %%d, "bytes": %%d, "connect": %%d, "read": %%d, "write": %%d, ' ..
    '"status": %%d, "timeout": %%d}\n',
    summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write, e.status, e.timeout))
  for _, thread in ipairs(threads) do
    for _, sample in ipairs(thread:get("samples")) do
      io.write("WRKSAMPLE " .. sample .. "\n")
    end
  end
end
"""

#: What one page open asks, in order; "static" is a file a first-time visitor's browser fetches beside the page.
KINDS = ("html", "layout", "dependencies", "callback", "static")

Request = tuple[str, str, str, dict[str, str], str | None]  # kind, method, path, headers, body


def lua_string(text: str) -> str:
    """A Lua long-bracket string: taken verbatim, no escapes to translate (LuaJIT knows no \\u)."""
    if "]==]" in text:
        raise ValueError("text closes the Lua long bracket")
    return f"[==[{text}]==]"


def lua_calls(calls: list[Request]) -> str:
    """A Lua table literal of the requests wrk cycles through."""
    items = []
    for kind, method, path, headers, body in calls:
        hdrs = ", ".join(f"[ {lua_string(k)} ] = {lua_string(v)}" for k, v in headers.items())
        lua_body = lua_string(body) if body else "nil"
        items.append(
            f"{{kind = {lua_string(kind)}, method = {lua_string(method)}, path = {lua_string(path)}, "
            f"headers = {{{hdrs}}}, body = {lua_body}}}"
        )
    return "{\n  " + ",\n  ".join(items) + "\n}"


def page_opens(pages: list[str], static: bool = True) -> list[Request]:
    """The requests of opening each page once, as a returning visitor's browser makes them, plus one static file.

    The static file (``static``) is there so that its queueing behind the callbacks shows in the same run.
    """
    accept = {"Accept-Encoding": BROWSER_ENCODINGS}
    calls: list[Request] = []
    for page in pages:
        router = router_call(page)
        calls += [
            ("html", "GET", page, accept, None),
            ("layout", "GET", "/_dash-layout", accept, None),
            ("dependencies", "GET", "/_dash-dependencies", accept, None),
            ("callback", "POST", router.path, {**accept, "Content-Type": "application/json"}, (router.body or b"").decode()),
        ]
        if static:
            calls.append(("static", "GET", STATIC, accept, None))
    return calls


def per_open(calls: list[Request]) -> int:
    """Requests per page open in ``calls`` (1 for a list of static files alone)."""
    opens = sum(1 for kind, *_ in calls if kind == "callback")
    return len(calls) // opens if opens else 1


def write_script(path: Path, calls: list[Request], users: int) -> Path:
    path.write_text(LUA % {"calls": lua_calls(calls), "users": users, "per_open": per_open(calls)})
    return path


@dataclass
class Result:
    """One wrk run: its summary and every answer timed, by kind."""

    summary: dict[str, int]
    samples: list[tuple[str, float, int, str]]  # kind, seconds, status, X-ESSA-Cache

    @property
    def seconds(self) -> float:
        return self.summary["duration_us"] / 1e6

    def times(self, kind: str) -> list[float]:
        return [t for k, t, _, _ in self.samples if k == kind]

    def errors(self) -> int:
        sockets = sum(int(self.summary[k]) for k in ("connect", "read", "write", "timeout"))
        return sockets + sum(1 for _, _, status, _ in self.samples if status != 200)

    def hits(self, kind: str) -> tuple[int, int]:
        """(answers of ``kind`` from the shared store, answers of ``kind``)."""
        answers = [cache for k, _, _, cache in self.samples if k == kind]
        return sum(1 for cache in answers if cache == "hit"), len(answers)


def run_wrk(url: str, script: Path, users: int, seconds: int) -> Result:
    command = [WRK, "-t", str(users), "-c", str(users), "-d", f"{seconds}s", "--timeout", "30s", "-s", str(script), url]
    out = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 90, check=True).stdout
    summary = json.loads(next(line for line in out.splitlines() if line.startswith("WRKJSON ")).removeprefix("WRKJSON "))
    samples = []
    for line in out.splitlines():
        if line.startswith("WRKSAMPLE "):
            kind, secs, status, cache = line.split()[1:5]
            samples.append((kind, float(secs), int(status), cache))
    return Result(summary, samples)


def settle(url: str, path: str, limit: float = 120) -> float:
    """Wait until the server has worked off what a previous level queued (a static file answers fast again)."""
    start = time.perf_counter()
    client = Client(url)
    try:
        while time.perf_counter() - start < limit:
            seconds, _, _, _ = client.fetch(Call("settle", "GET", path))
            if seconds < 0.02:
                break
            time.sleep(0.2)
    finally:
        client.close()
    return time.perf_counter() - start


def never_drawn(store: object, level: int, levels: int) -> list[str]:
    """Three-country views of the risk and progress pages, this level's own slice of them (disjoint between levels).

    Nobody precomputes them (essa_dash.precompute draws one country or all) and no warm-up
    draws them; the slices are disjoint, so no view of a level was drawn before it.
    """
    from essa_dash.query import member_states
    from essa_dash.query.risk import risk_ids
    from essa_dash.query.state import SEXES

    trios = [",".join(t) for t in itertools.combinations(member_states(store.countries)["iso3"], 3)]
    views = [
        view
        for sex, trio in itertools.product(SEXES, trios)
        for view in (f"/progress?country={trio}&sex={sex}", *(f"/risk/{r}?country={trio}&sex={sex}" for r in risk_ids(store)))
    ]
    random.Random(18).shuffle(views)  # the same order every run, pages and sexes mixed in every user's share
    share = len(views) // levels
    return views[level * share : (level + 1) * share]


class StaticProbe:
    """A connection of its own fetching the static file every 50 ms during a level: what a script or style waits."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.times: list[float] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        client = Client(self.url)
        try:
            while not self._stop.wait(0.05):
                seconds, _, _, _ = client.fetch(Call("probe", "GET", STATIC))
                self.times.append(seconds)
        finally:
            client.close()

    def __enter__(self) -> StaticProbe:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join(timeout=60)


def p50_p95(times: list[float]) -> tuple[float, float] | None:
    return (median(times), percentile(times, 95)) if times else None


def cell(times: list[float], baseline: tuple[float, float] | None = None) -> str:
    """'p50 / p95' in ms, with the ratios to the static baseline's p50 / p95 of the same run."""
    stats = p50_p95(times)
    if stats is None:
        return "-"
    text = f"{stats[0] * 1000:.1f} / {stats[1] * 1000:.1f}"
    if baseline:
        text += f" ({stats[0] / baseline[0]:.0f}x / {stats[1] / baseline[1]:.0f}x)"
    return text


def row(
    label: str, users: int, result: Result, baseline: tuple[float, float] | None, probe: list[float], idle: tuple[float, float] | None
) -> list[str]:
    callbacks = result.times("callback")
    opens = len(callbacks) / result.seconds
    hits, answers = result.hits("callback")
    return [
        label,
        str(users),
        f"{len(result.samples) / result.seconds:.1f}",
        f"{opens:.1f}" if callbacks else "",
        cell(callbacks, baseline),
        cell(result.times("html"), baseline),
        cell(result.times("static"), baseline),
        cell(probe, idle),
        f"{hits} of {answers}" if answers else "",
        f"{result.errors()} of {len(result.samples)}",
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=60, help="seconds per new-views level (default 60)")
    parser.add_argument("--cached-duration", type=int, default=20, help="seconds per same-link level (default 20)")
    parser.add_argument("--baseline-duration", type=int, default=10, help="seconds per baseline level (default 10)")
    parser.add_argument("--users", type=int, nargs="+", default=[10, 50], help="concurrent users (default 10 50)")
    parser.add_argument("--workers", type=int, help="gunicorn workers (default: one per core)")
    parser.add_argument("--threads", type=int, help="threads per worker (default: serving's)")
    parser.add_argument("--precompute-timeout", type=float, default=1800, help="seconds to wait for the precomputing (default 1800)")
    args = parser.parse_args()
    if not Path(WRK).exists():
        raise SystemExit("wrk is missing: apt-get install wrk")

    from essa_dash.store import read_store

    pages = existing_pages()
    with scratch() as tmp:
        data = built_data(tmp / "data")
        store = read_store(data)
        views = interleaved_views(pages, store)
        distinct = len(set(views))
        assets = assets_copy(tmp / "assets")
        with Server("prod", data, workers=args.workers, threads=args.threads, assets=assets) as server:
            header(
                "Load: concurrent users, no pause between pages (serve --prod as shipped, wrk on loopback)",
                "a page open = the page's HTML + _dash-layout + _dash-dependencies + its router callback + one static file "
                f"({STATIC}, the overview's callback answer saved as a file: its queueing behind the callbacks shows); "
                f"each user is one wrk thread with one keep-alive connection, every answer timed by kind; "
                f"same link: the default view of {', '.join(pages)} again and again ({args.cached_duration} s per level); "
                f"precomputed views: other views of each page in turn ({distinct} distinct, one country or all), "
                f"{args.duration} s per level; never-drawn views: three-country selections on /risk and /progress, "
                f"each level its own slice, {args.duration} s per level; wrk and the server share the machine's cores",
            )
            client = Client(server.url)
            _, _, answer, _ = client.fetch(router_call("/"), encoding="identity")
            client.close()
            (assets / "bench").mkdir()
            (assets / "bench" / "overview.json").write_bytes(answer)
            server.wait_workers(args.workers or os.cpu_count() or 1)
            memory_start = memory(server)
            precomputed = precompute_status(server, args.precompute_timeout)
            memory_precomputed = memory(server)
            accept = {"Accept-Encoding": BROWSER_ENCODINGS}
            rows = []
            offset = 0
            for level, users in enumerate(args.users):
                static_script = write_script(tmp / "static.lua", [("static", "GET", STATIC, accept, None)], users)
                same_script = write_script(tmp / "same.lua", page_opens(pages), users)
                # each level gets views the previous ones did not ask for
                new_script = write_script(tmp / "new.lua", page_opens(views[offset:] + views[:offset]), users)
                offset = (offset + len(views) // len(args.users)) % max(1, len(views))
                fresh = never_drawn(store, level, len(args.users))
                fresh_script = write_script(tmp / "fresh.lua", page_opens(fresh), users)
                settle(server.url, STATIC)
                with StaticProbe(server.url) as probe:
                    time.sleep(args.baseline_duration)
                idle = p50_p95(probe.times)  # the probe's own baseline: the same connection with nothing else running
                with StaticProbe(server.url) as probe:
                    result = run_wrk(server.url, static_script, users, args.baseline_duration)
                baseline = p50_p95(result.times("static"))
                rows.append(row("static file alone (baseline)", users, result, baseline, probe.times, idle))
                precomputed_label = "precomputed views" if precomputed.done else "precomputed views (precomputing NOT done)"
                for label, script, seconds in (
                    ("same link", same_script, args.cached_duration),
                    (precomputed_label, new_script, args.duration),
                    (f"never-drawn views ({len(fresh)} in this level's slice)", fresh_script, args.duration),
                ):
                    settle(server.url, STATIC)
                    with StaticProbe(server.url) as probe:
                        result = run_wrk(server.url, script, users, seconds)
                    rows.append(row(label, users, result, baseline, probe.times, idle))
            memory_end = memory(server)
            heads = [
                "load",
                "users",
                "requests/s",
                "page opens/s",
                "callback p50 / p95 ms (x static)",
                "HTML p50 / p95 ms",
                "static file in the mix p50 / p95 ms",
                "static file, own connection, p50 / p95 ms",
                "callbacks from the store",
                "errors",
            ]
            table(heads, rows)
            print(
                "- ratios (x static) are to the baseline row of the same user count (the static file alone, fetched by as many "
                "users); the own-connection column's are to the same connection on the idle server, measured just before"
            )
            print(f"- {precomputed.line()}")
            print(f"- memory once started (workers up): {memory_start.line()}")
            print(f"- memory once precomputed: {memory_precomputed.line()}")
            print(f"- memory at the end: {memory_end.line()}")
            print(
                f"- growth start -> end: RSS {(memory_end.rss - memory_start.rss) / 1024:+.0f} MiB, "
                f"PSS {(memory_end.pss - memory_start.pss) / 1024:+.0f} MiB"
            )
            print()


if __name__ == "__main__":
    main()
