"""Each page's main callback (the pages router drawing the page) against a static file of the same bytes.

Usage: ``.venv/bin/python bench/bench_callbacks.py [--runs 30] [--precomputed]``

Opening a page in Dash is one POST to ``/_dash-update-component`` whose answer is the
page's whole layout, figures included. The app answers it at three costs, each timed:

* **new view**: a view this process has never drawn (another country, risk, sex,
  edition of the same page; ``--runs`` distinct ones where the vocabulary has them):
  queries, figures and layout computed; then as many other views **respelled** as a
  hand-written link may (parameters in reverse order, values in capitals) and as many
  **in another language** (the new views again with ``lang=``, each in the next of the eight after English), each asked once;
* **same view**: the page's default view again with a body that differs in an ignored
  field: the layout is assembled again, from memoised queries and charts
  (``essa_dash.store.per_build``);
* **same request**: byte-identical body, as 300 people opening the same link send:
  answered from the callback cache (``essa_dash.callback_cache``) when the app has one.

Servers: ``serve --prod`` with the precomputing off (``ESSA_PRECOMPUTE=0``: a new view is
drawn for its first visitor), and with ``--precomputed`` also as it ships, once its
precomputing process says it is done (every view the controls reach, essa_dash.precompute):
a new view there is one no request of this benchmark asked before. It prints how long the
precomputing took (from the server's start, and the process's own count and time), the
server's memory while it ran and after (RSS and PSS of the master, workers, precomputing
and image lane), and a timeout waiting for it in the rows and notes, never silently.

The baseline is the same answer saved as a file under the server's /assets/ and
fetched from the same server in the same run: each ratio is what the callback costs
over merely sending its bytes. Requests are made as a browser makes them (keep-alive,
``Accept-Encoding: gzip, deflate, br, zstd``), interleaved so that drift hits all alike.
"""

from __future__ import annotations

import argparse
import json
import threading
from itertools import islice
from pathlib import Path
from urllib.parse import parse_qsl, urlencode

from _harness import (
    BROWSER_ENCODINGS,
    Call,
    Client,
    Memory,
    Server,
    assets_copy,
    built_data,
    existing_pages,
    header,
    kib,
    median,
    memory,
    memory_line,
    other_views,
    percentile,
    precompute_status,
    router_call,
    scratch,
    time_calls,
)

from essa_dash.precompute import FIRST_LANGUAGES, in_language
from essa_dash.text import LANGUAGES

#: The languages besides English, in the order the new views are asked in: the six drawn only as first visits before
#: session 11 first, then Indonesian and Vietnamese.
OTHER_LANGUAGES = tuple(sorted((code for code in LANGUAGES if code != "en"), key=lambda code: code in FIRST_LANGUAGES))


def slug(path: str) -> str:
    return path.strip("/").replace("/", "-") or "overview"


def time_new_views(url: str, views: list[str]) -> list[float]:
    client = Client(url)
    try:
        times = []
        for view in views:
            seconds, status, _, _ = client.fetch(router_call(view))
            if status != 200:
                raise RuntimeError(f"{view}: HTTP {status}")
            times.append(seconds)
        return times
    finally:
        client.close()


def time_same_view(url: str, call: Call, runs: int) -> list[float]:
    """Each request with its own value of the ignored field: never a cached answer, always the same view."""
    client = Client(url)
    body = json.loads(call.body or b"{}")
    try:
        times = []
        for i in range(runs + 2):
            fresh = Call(call.label, call.method, call.path, json.dumps({"bench": i + 1, **body}).encode(), call.headers)
            seconds, status, _, _ = client.fetch(fresh)
            if status != 200:
                raise RuntimeError(f"{call.label}: HTTP {status}")
            times.append(seconds)
        return times[2:]
    finally:
        client.close()


def respell(view: str) -> str:
    """The same view as a hand-written link may spell it: parameters in reverse order, values in capitals."""
    path, _, query = view.partition("?")
    pairs = parse_qsl(query)
    return f"{path}?{urlencode([(k, v.upper()) for k, v in reversed(pairs)], safe=',')}" if pairs else view


def ms_cell(times: list[float]) -> str:
    return f"{median(times) * 1000:.1f} / {percentile(times, 95) * 1000:.1f}" if times else "-"


def measure(server: Server, pages: list[str], store: object, assets: Path, runs: int) -> list[list[str]]:
    client = Client(server.url)
    rows = []
    for path in pages:
        call = router_call(path)
        _, status, raw, _ = client.fetch(call, encoding="identity")
        if status != 200:
            raise RuntimeError(f"{path}: HTTP {status}")
        (assets / "bench" / f"{slug(path)}.json").write_bytes(raw)
        static = Call(f"static {path}", "GET", f"/assets/bench/{slug(path)}.json")
        views = list(islice(other_views(path, store), 2 * runs))
        new = time_new_views(server.url, views[:runs])
        # views no request of this run asked before, spelled otherwise (the store keys pages on the view, not the query)
        respelled = time_new_views(server.url, [respell(view) for view in views[runs : 2 * runs]])
        # and the new views again, each in another language in turn: the vocabulary's later views (aggregates as country
        # pages, risks no control offers) are reached only by hand-written links, and no pass draws them in any language
        translated = [in_language(view, OTHER_LANGUAGES[i % len(OTHER_LANGUAGES)]) for i, view in enumerate(views[:runs])]
        other_language = time_new_views(server.url, translated)
        same_view = time_same_view(server.url, call, runs)
        times = time_calls(server.url, [call, static], runs)
        same, st = times[call.label], times[static.label]
        _, _, wire, headers = client.fetch(call, encoding=BROWSER_ENCODINGS)
        base = median(st)
        rows.append(
            [
                path,
                f"{ms_cell(new)} (n={len(new)})",
                f"{ms_cell(respelled)} (n={len(respelled)})",
                f"{ms_cell(other_language)} (n={len(other_language)})",
                ms_cell(same_view),
                ms_cell(same),
                f"{median(st) * 1000:.2f} / {percentile(st, 95) * 1000:.2f}",
                " / ".join(f"{median(t) / base:.1f}x" if t else "-" for t in (new, respelled, other_language, same_view, same)),
                kib(len(raw)).strip(),
                f"{kib(len(wire)).strip()} ({headers.get('content-encoding', 'none')})",
            ]
        )
    client.close()
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30, help="timed requests per page and kind (default 30)")
    parser.add_argument("--precomputed", action="store_true", help="also measure the server as it ships, once every view is precomputed")
    parser.add_argument(
        "--precompute-timeout", type=float, default=1800, help="seconds to wait for the precomputing (default 1800); then the rows say so"
    )
    args = parser.parse_args()

    from essa_dash.store import read_store

    pages = existing_pages()
    heads = ["server", "page", "new view", "new view respelled", "new view, lang=th, km, ...", "same view", "same request", "static file"]
    heads.append("ratios to static (new / respelled / other language / same view / same request)")
    heads += ["answer", "on the wire"]
    with scratch() as tmp:
        data = built_data(tmp / "data")
        store = read_store(data)
        assets = assets_copy(tmp / "assets")
        (assets / "bench").mkdir()
        header(
            "Page callbacks vs the same bytes as a static file (serve --prod)",
            f"median / p95 in ms; {args.runs} requests per kind after 2 warm-up rounds (new views: up to {args.runs} "
            f"distinct views each drawn once); pages: {', '.join(pages)}",
        )
        # rows are printed as they are measured: a failure in the second pass keeps the first
        print("| " + " | ".join(heads) + " |")
        print("|" + "|".join("---" for _ in heads) + "|", flush=True)
        with Server("prod", data, assets=assets, env={"ESSA_PRECOMPUTE": "0"}) as server:
            emit("precomputing off", measure(server, pages, store, assets, args.runs))
        notes = []
        if args.precomputed:
            with Server("prod", data, assets=assets) as server:
                server.wait_workers(2)
                notes.append(f"- memory once started: {memory_line(server)}")
                peak = Peak(server)
                status = precompute_status(server, args.precompute_timeout)
                peak.stop()
                failed = server.log_tail(400).count("failed")
                notes.append(f"- {status.line()}; {failed} failed")
                notes.append(f"- memory while precomputing, at its largest: {peak.largest.line() if peak.largest else '-'}")
                # the pass's process stays up after its report, drawing the views clicks ask for ahead (essa_dash.next_views)
                notes.append(f"- memory after it (its process stays, drawing views ahead): {memory_line(server)}")
                label = "as shipped, precomputed" if status.done else "as shipped, precomputing NOT done (see below)"
                emit(label, measure(server, pages, store, assets, args.runs))
        print()
        print("\n".join(notes))
        print()


class Peak:
    """The server's memory sampled every second in a thread until stopped: the sample with the largest RSS."""

    def __init__(self, server: Server) -> None:
        self.largest: Memory | None = None
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, args=(server,), daemon=True)
        self._thread.start()

    def _sample(self, server: Server) -> None:
        while not self._stop.wait(1):
            sample = memory(server)
            if self.largest is None or sample.rss > self.largest.rss:
                self.largest = sample

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()


def emit(label: str, rows: list[list[str]]) -> None:
    for row in rows:
        print("| " + " | ".join(str(cell) for cell in [label, *row]) + " |", flush=True)


if __name__ == "__main__":
    main()
