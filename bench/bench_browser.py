"""First view in headless Chromium: time to the first chart drawn and bytes transferred, per server.

Usage: ``.venv/bin/python bench/bench_browser.py [--runs 3] [--pages / /country/VNM] [--bundle FILE | --no-bundle]``

Servers, each on a private data build:

* ``dev``: ``essa-dash serve`` as it is today (the baseline): nothing compressed;
* ``prod``: essa_dash.serving (gunicorn, brotli, immutable caching), Dash's full plotly.js;
* ``prod+partial``: the same with the partial plotly.js bundle (deploy/plotly-bundle/build.sh)
  in a copy of assets/, when the file exists.

For each page: a cold view in a fresh browser context (empty cache), the repeat view
in the same context (what a returning visitor's browser fetches), and a cold view on
a throttled network (9 Mbit/s down, 60 ms round trip), where bytes become seconds.
Time is from navigation start to the first ``.js-plotly-plot .main-svg`` in the page
(``performance.now()`` when it appears); bytes are what came over the network, headers
included (CDP ``Network.loadingFinished.encodedDataLength``), and what they decode to.
Chromium is Debian's (/usr/bin/chromium), never a downloaded one.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from _harness import CHROMIUM, CHROMIUM_ARGS, PROJECT_DIR, Server, assets_copy, built_data, header, median, scratch, table
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright

FIRST_CHART = "() => document.querySelector('.js-plotly-plot .main-svg') ? performance.now() : false"
#: 9 Mbit/s down, 1.5 up, 60 ms: a good mobile connection; bytes per second for CDP.
THROTTLE = {"offline": False, "latency": 60, "downloadThroughput": 9_000_000 / 8, "uploadThroughput": 1_500_000 / 8}
BUNDLES = PROJECT_DIR / "deploy" / "plotly-bundle" / "dist"


@dataclass
class View:
    """What one page view cost: milliseconds to the first chart, requests and bytes over the network."""

    ms: float
    requests: int = 0
    revalidated: int = 0
    wire: int = 0
    decoded: int = 0
    largest: list[tuple[int, str]] = field(default_factory=list)


class Recorder:
    """Collects CDP network events of one page: bytes on the wire and decoded, per request."""

    def __init__(self, context: BrowserContext, page: Page) -> None:
        self.session = context.new_cdp_session(page)
        self.session.send("Network.enable")
        self.urls: dict[str, str] = {}
        self.status: dict[str, int] = {}
        self.wire: dict[str, int] = {}
        self.decoded: dict[str, int] = {}
        self.session.on("Network.responseReceived", self._response)
        self.session.on("Network.dataReceived", self._data)
        self.session.on("Network.loadingFinished", self._finished)

    def _response(self, event: dict[str, Any]) -> None:
        self.urls[event["requestId"]] = event["response"]["url"]
        self.status[event["requestId"]] = event["response"]["status"]

    def _data(self, event: dict[str, Any]) -> None:
        self.decoded[event["requestId"]] = self.decoded.get(event["requestId"], 0) + event["dataLength"]

    def _finished(self, event: dict[str, Any]) -> None:
        self.wire[event["requestId"]] = int(event["encodedDataLength"])

    def reset(self) -> None:
        for part in (self.urls, self.status, self.wire, self.decoded):
            part.clear()

    def view(self, ms: float) -> View:
        fetched = [rid for rid, size in self.wire.items() if size > 0]
        largest = sorted(((self.wire[r], self.urls.get(r, "?")) for r in fetched), reverse=True)[:4]
        return View(
            ms=ms,
            requests=len(fetched),
            revalidated=sum(1 for r in fetched if self.status.get(r) == 304),
            wire=sum(self.wire[r] for r in fetched),
            decoded=sum(self.decoded.get(r, 0) for r in fetched),
            largest=largest,
        )


def first_chart(page: Page, url: str) -> float:
    page.goto(url, wait_until="commit", timeout=60_000)
    return float(page.wait_for_function(FIRST_CHART, polling="raf", timeout=60_000).json_value())


def measure(browser: Browser, url: str) -> tuple[View, View, View]:
    """(cold, repeat, cold throttled) views of ``url``, each settled (network idle) before it is read."""
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    try:
        page = context.new_page()
        recorder = Recorder(context, page)
        ms = first_chart(page, url)
        page.wait_for_load_state("networkidle")
        cold = recorder.view(ms)
        recorder.reset()
        ms = first_chart(page, url)
        page.wait_for_load_state("networkidle")
        repeat = recorder.view(ms)
    finally:
        context.close()
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    try:
        page = context.new_page()
        recorder = Recorder(context, page)
        recorder.session.send("Network.emulateNetworkConditions", THROTTLE)
        ms = first_chart(page, url)
        page.wait_for_load_state("networkidle")
        slow = recorder.view(ms)
    finally:
        context.close()
    return cold, repeat, slow


def default_bundle() -> Path | None:
    found = sorted(BUNDLES.glob("plotly-*-essa.min.js"))
    return found[-1] if found else None


def summarise(views: list[View], pick: Callable[[View], float]) -> float:
    return median([pick(v) for v in views])


def result_row(name: str, path: str, cold: list[View], repeat: list[View], slow: list[View]) -> list[str]:
    def m(views: list[View], pick: Callable[[View], float]) -> float:
        return summarise(views, pick)

    return [
        name,
        path,
        f"{m(cold, lambda v: v.ms):.0f}",
        f"{m(cold, lambda v: v.requests):.0f}",
        f"{m(cold, lambda v: v.wire) / 1024:.0f} KiB ({m(cold, lambda v: v.decoded) / 1024:.0f})",
        f"{m(repeat, lambda v: v.ms):.0f}",
        f"{m(repeat, lambda v: v.requests):.0f} ({m(repeat, lambda v: v.revalidated):.0f} x 304)",
        f"{m(repeat, lambda v: v.wire) / 1024:.0f} KiB",
        f"{m(slow, lambda v: v.ms):.0f}",
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="views per page and server (default 3)")
    parser.add_argument("--pages", nargs="+", default=["/", "/risk/old_age"], help="pages to open (default: / /risk/old_age)")
    parser.add_argument(
        "--bundle", type=Path, help="partial plotly.js to compare (default: deploy/plotly-bundle/dist/plotly-*-essa.min.js)"
    )
    parser.add_argument("--no-bundle", action="store_true", help="skip the prod+partial server")
    args = parser.parse_args()
    bundle = None if args.no_bundle else (args.bundle or default_bundle())

    header(
        "First view in headless Chromium",
        f"median of {args.runs} views; time = navigation start to the first chart drawn; "
        "bytes = over the network incl. headers (decoded size in brackets); throttled = 9 Mbit/s, 60 ms RTT"
        + (f"; partial bundle: {bundle.relative_to(PROJECT_DIR) if bundle.is_relative_to(PROJECT_DIR) else bundle}" if bundle else ""),
    )
    rows = []
    details = []
    with scratch() as tmp:
        data = built_data(tmp / "data")
        servers = {"dev": Server("dev", data), "prod": Server("prod", data, assets=assets_copy(tmp / "assets-full"))}
        if bundle:
            servers["prod+partial"] = Server("prod", data, assets=assets_copy(tmp / "assets-partial", bundle))
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            try:
                for name, server in servers.items():
                    with server:
                        for path in args.pages:
                            runs = [measure(browser, server.url + path) for _ in range(args.runs)]
                            cold, repeat, slow = ([r[i] for r in runs] for i in range(3))
                            rows.append(result_row(name, path, cold, repeat, slow))
                            top = ", ".join(f"{Path(u.split('?')[0]).name} {size / 1024:.0f} KiB" for size, u in cold[0].largest)
                            details.append(f"- {name} {path}: largest transfers {top}")
            finally:
                browser.close()
    table(
        [
            "server",
            "page",
            "cold: first chart ms",
            "requests",
            "bytes (decoded)",
            "repeat: first chart ms",
            "requests",
            "bytes",
            "throttled cold: first chart ms",
        ],
        rows,
    )
    print("\n".join(details))
    print()


if __name__ == "__main__":
    main()
