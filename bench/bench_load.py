"""Concurrent users against the production server on loopback: throughput, latency percentiles, errors, memory.

Usage: ``.venv/bin/python bench/bench_load.py [--duration 60] [--cached-duration 20] [--users 10 50] [--workers N] [--threads N]``

Each simulated user is one keep-alive connection of wrk (Debian's ``wrk``, C, light
enough to leave the server the CPU) that opens pages back to back with no pause: the
HTML, ``/_dash-layout``, ``/_dash-dependencies`` and the router callback that draws the
page. Two mixes:

* **same link**: the default view of each page, again and again, as an audience sent
  one link does (answers come from the app's caches after the first);
* **new views**: other views of each page (every country, risk, sex, edition), one page
  after another, as people exploring do: computed the first time, and each level starts
  where the previous one stopped; pages with few views (the overview) repeat theirs.
  The server precomputes these (essa_dash.precompute): the level starts once that is done;
* **never-drawn views**: selections of three countries on the risk and progress pages
  (nobody precomputes them), each level its own slice of the 165 x risks x sexes
  combinations, so no view of a level was drawn before, by a warm-up or an earlier level.

While each level runs, one more connection fetches the baseline static file every
50 ms: its median and p95 show how long a static file queues behind the callbacks.

Scripts and styles are not fetched: they are immutable, so a returning visitor's
browser has them (bench_browser.py measures a first visit). With no pause between
pages this measures capacity; real people read for many seconds between clicks, so an
audience of N is far lighter than N users here.

The baseline, measured in the same run, is a static file (the overview's callback
answer saved under /assets/) fetched by as many users: what the same server and
network stack deliver when no page has to be computed. Memory is the RSS and PSS of
the gunicorn master and workers right after start and at the end.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import shutil
import subprocess
import threading
import time
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
    memory_line,
    router_call,
    scratch,
    table,
    wait_precomputed,
)

WRK = shutil.which("wrk") or "/usr/bin/wrk"
STATIC = "/assets/bench/overview.json"

LUA = r"""
local calls = %(calls)s
local i = 0
local counter = 0
-- each wrk thread starts at its own share of the list (on a page boundary): no view is asked twice at once
setup = function(thread)
  thread:set("offset", counter * 4 * math.floor(#calls / 4 / %(threads)d))
  counter = counter + 1
end
init = function(args)
  i = offset or 0
end
request = function()
  i = i + 1
  local c = calls[(i %% #calls) + 1]
  return wrk.format(c.method, c.path, c.headers, c.body)
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'WRKJSON {"requests": %%d, "duration_us": %%d, "bytes": %%d, "connect": %%d, "read": %%d, "write": %%d, ' ..
    '"status": %%d, "timeout": %%d, "p50": %%d, "p95": %%d, "p99": %%d, "max": %%d}\n',
    summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(95), latency:percentile(99), latency.max))
end
"""


def lua_string(text: str) -> str:
    """A Lua long-bracket string: taken verbatim, no escapes to translate (LuaJIT knows no \\u)."""
    if "]==]" in text:
        raise ValueError("text closes the Lua long bracket")
    return f"[==[{text}]==]"


def lua_calls(calls: list[tuple[str, str, dict[str, str], str | None]]) -> str:
    """A Lua table literal of the requests wrk cycles through."""
    items = []
    for method, path, headers, body in calls:
        hdrs = ", ".join(f"[ {lua_string(k)} ] = {lua_string(v)}" for k, v in headers.items())
        lua_body = lua_string(body) if body else "nil"
        items.append(f"{{method = {lua_string(method)}, path = {lua_string(path)}, headers = {{{hdrs}}}, body = {lua_body}}}")
    return "{\n  " + ",\n  ".join(items) + "\n}"


def page_opens(pages: list[str]) -> list[tuple[str, str, dict[str, str], str | None]]:
    """The requests of opening each page once, as a returning visitor's browser makes them."""
    accept = {"Accept-Encoding": BROWSER_ENCODINGS}
    calls: list[tuple[str, str, dict[str, str], str | None]] = []
    for page in pages:
        router = router_call(page)
        calls += [
            ("GET", page, accept, None),
            ("GET", "/_dash-layout", accept, None),
            ("GET", "/_dash-dependencies", accept, None),
            ("POST", router.path, {**accept, "Content-Type": "application/json"}, (router.body or b"").decode()),
        ]
    return calls


def wrk_threads(users: int) -> int:
    return min(2, users)


def write_script(path: Path, calls: list[tuple[str, str, dict[str, str], str | None]], users: int) -> Path:
    path.write_text(LUA % {"calls": lua_calls(calls), "threads": wrk_threads(users)})
    return path


def run_wrk(url: str, script: Path, users: int, seconds: int) -> dict[str, float]:
    threads = wrk_threads(users)
    command = [WRK, "-t", str(threads), "-c", str(users), "-d", f"{seconds}s", "--timeout", "30s", "-s", str(script), url]
    out = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 60, check=True).stdout
    line = next(line for line in out.splitlines() if line.startswith("WRKJSON "))
    return json.loads(line.removeprefix("WRKJSON "))


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
    """Three-country views of the risk and progress pages, this level's own slice of them (disjoint between levels)."""
    from essa_dash.query import member_states
    from essa_dash.query.risk import risk_ids
    from essa_dash.query.state import SEXES

    trios = [",".join(t) for t in itertools.combinations(member_states(store.countries)["iso3"], 3)]
    views = [
        view
        for sex, trio in itertools.product(SEXES, trios)
        for view in (f"/progress?country={trio}&sex={sex}", *(f"/risk/{r}?country={trio}&sex={sex}" for r in risk_ids(store)))
    ]
    share = len(views) // levels
    return views[level * share : (level + 1) * share]


class StaticProbe:
    """A connection fetching the static file every 50 ms during a level: what a visitor's script or style waits."""

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

    def cell(self) -> str:
        ordered = sorted(self.times)
        if not ordered:
            return "-"
        return f"{ordered[len(ordered) // 2] * 1000:.1f} / {ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))] * 1000:.1f}"


def row(label: str, users: int, result: dict[str, float], per_open: int) -> list[str]:
    seconds = result["duration_us"] / 1e6
    rps = result["requests"] / seconds
    errors = sum(int(result[k]) for k in ("connect", "read", "write", "status", "timeout"))
    return [
        label,
        str(users),
        f"{rps:.1f}",
        f"{rps / per_open:.1f}" if per_open else "",
        f"{result['p50'] / 1000:.1f}",
        f"{result['p95'] / 1000:.1f}",
        f"{result['p99'] / 1000:.1f}",
        f"{errors} of {int(result['requests'])}",
        f"{result['bytes'] / seconds / 1024 / 1024:.2f}",
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=60, help="seconds per new-views level (default 60)")
    parser.add_argument("--cached-duration", type=int, default=20, help="seconds per same-link level (default 20)")
    parser.add_argument("--baseline-duration", type=int, default=10, help="seconds per baseline level (default 10)")
    parser.add_argument("--users", type=int, nargs="+", default=[10, 50], help="concurrent users (default 10 50)")
    parser.add_argument("--workers", type=int, help="gunicorn workers (default: one per core)")
    parser.add_argument("--threads", type=int, help="threads per worker (default: serving's)")
    parser.add_argument("--precompute-timeout", type=float, default=900)
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
                "Load: concurrent users, no pause between pages (prod server, wrk on loopback)",
                "a page open = the page's HTML + _dash-layout + _dash-dependencies + its router callback; "
                f"same link: the default view of {', '.join(pages)} again and again ({args.cached_duration} s per level); "
                f"new views: other views of each page in turn ({distinct} distinct; a page with few views repeats them), "
                f"{args.duration} s per level; "
                "wrk and the server share the machine's cores",
            )
            client = Client(server.url)
            _, _, answer, _ = client.fetch(router_call("/"), encoding="identity")
            client.close()
            (assets / "bench").mkdir()
            (assets / "bench" / "overview.json").write_bytes(answer)
            server.wait_workers(args.workers or os.cpu_count() or 1)
            memory_start = memory_line(server)
            precomputed = wait_precomputed(server, args.precompute_timeout)
            memory_precomputed = memory_line(server)
            accept = {"Accept-Encoding": BROWSER_ENCODINGS}
            rows = []
            offset = 0
            for level, users in enumerate(args.users):
                static_script = write_script(tmp / "static.lua", [("GET", STATIC, accept, None)], users)
                same_script = write_script(tmp / "same.lua", page_opens(pages), users)
                # each level gets views the previous ones did not draw
                new_script = write_script(tmp / "new.lua", page_opens(views[offset:] + views[:offset]), users)
                offset = (offset + len(views) // len(args.users)) % max(1, len(views))
                fresh_script = write_script(tmp / "fresh.lua", page_opens(never_drawn(store, level, len(args.users))), users)
                levels = [
                    ("static file (baseline)", static_script, args.baseline_duration, 0),
                    ("same link", same_script, args.cached_duration, 4),
                    ("new views (precomputed)", new_script, args.duration, 4),
                    ("never-drawn views", fresh_script, args.duration, 4),
                ]
                for label, script, seconds, per_open in levels:
                    settle(server.url, STATIC)
                    with StaticProbe(server.url) as probe:
                        result = run_wrk(server.url, script, users, seconds)
                    rows.append([*row(label, users, result, per_open), probe.cell()])
            memory_end = memory_line(server)
            heads = ["load", "users", "requests/s", "page opens/s", "p50 ms", "p95 ms", "p99 ms", "errors", "MiB/s sent"]
            table([*heads, "static file meanwhile p50 / p95 ms"], rows)
            print(f"- precomputing done {precomputed:.0f} s after the start")
            print(f"- memory at start: {memory_start}")
            print(f"- memory once precomputed: {memory_precomputed}")
            print(f"- memory at end:   {memory_end}")
            print()


if __name__ == "__main__":
    main()
