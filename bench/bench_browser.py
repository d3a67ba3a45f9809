"""First visits in headless Chromium, on the server that ships: first chart drawn and bytes, per page, vs a static page.

Usage: ``.venv/bin/python bench/bench_browser.py [--runs 3] [--pages / /risk/old_age ...]``

The server is the production one exactly as ``essa-dash serve --prod`` starts it
(bench/serve_prod.py, the checkout's assets and bundles). For each page:

* **first visit bytes**: everything a fresh browser downloads until the network is idle
  (HTML, scripts, styles, fonts, map shapes, every callback answer), headers included
  (CDP ``Network.loadingFinished.encodedDataLength``);
* **first chart**: navigation start to the first ``.js-plotly-plot .main-svg`` (the data
  explorer draws no chart: its first table row), in a fresh context (empty cache), and
  the repeat view in the same context;
* **the same under a slow laptop**: 4x CPU throttling (CDP ``Emulation.setCPUThrottlingRate``),
  then 4x CPU and a slow network (1.6 Mbit/s down, 150 ms round trip, CDP
  ``Network.emulateNetworkConditions``);
* **baseline, same run, same conditions**: a static HTML page (a file under ``/assets/``
  of the same server) that draws the page's first chart (the registry's figure, as the
  embed route writes it) with the same plotly.js bundle and nothing else. The ratio page /
  static says what the dashboard adds to drawing that chart;
* **paired ratios**: page and static views alternate, so each page view over the static view
  right after it is one reading of that ratio. Their median, range and how many are within the
  issue's 1.2x say how far one view strays, which the two columns' medians hide.

Chromium is Debian's (/usr/bin/chromium), never a downloaded one. Nothing is asserted.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from _harness import ASSETS_DIR, CHROMIUM, CHROMIUM_ARGS, PAGES, Server, built_data, existing_pages, header, median, scratch, table
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright

FIRST_DRAWN = (
    "() => (document.querySelector('.js-plotly-plot .main-svg') || document.querySelector('#explorer-table tbody tr'))"
    " ? performance.now() : false"
)
#: A slow network for CDP: 1.6 Mbit/s down, 750 kbit/s up, 150 ms round trip (DevTools' "3G"-like profile).
SLOW_NETWORK = {"offline": False, "latency": 150, "downloadThroughput": 1_600_000 / 8, "uploadThroughput": 750_000 / 8}
CPU_SLOWDOWN = 4
#: Every chart of the page drawn (the map fetches its shapes only when it draws).
ALL_DRAWN = "() => [...document.querySelectorAll('.js-plotly-plot')].every(g => g.querySelector('.main-svg'))"
CONDITIONS = ("plain", "cpu 4x", "cpu 4x + slow network")
#: Each page's first chart: the registry chart its baseline page draws, and the state it is drawn for.
FIRST_CHART = {
    "/": ("overview-heatmap", ""),
    "/country/VNM": ("country-bars", "country=VNM"),
    "/risk/old_age": ("risk-ranking", "risk=old_age"),
    "/progress": ("progress-dumbbells", ""),
}


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
        largest = sorted(((self.wire[r], self.urls.get(r, "?")) for r in fetched), reverse=True)[:5]
        return View(
            ms=ms,
            requests=len(fetched),
            revalidated=sum(1 for r in fetched if self.status.get(r) == 304),
            wire=sum(self.wire[r] for r in fetched),
            decoded=sum(self.decoded.get(r, 0) for r in fetched),
            largest=largest,
        )


def first_drawn(page: Page, url: str) -> float:
    page.goto(url, wait_until="commit", timeout=120_000)
    return float(page.wait_for_function(FIRST_DRAWN, polling="raf", timeout=120_000).json_value())


def settle(page: Page) -> None:
    """Wait until every chart is drawn and the network is idle (events are read only while Playwright waits)."""
    page.wait_for_function(ALL_DRAWN, timeout=120_000)
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(500)
    page.wait_for_load_state("networkidle")


def visit(browser: Browser, url: str, condition: str, *, repeat: bool = False) -> tuple[View, View | None]:
    """A cold view of ``url`` in a fresh context under ``condition`` (and the repeat view), settled before it is read."""
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    try:
        page = context.new_page()
        recorder = Recorder(context, page)
        if condition != "plain":
            recorder.session.send("Emulation.setCPUThrottlingRate", {"rate": CPU_SLOWDOWN})
        if "network" in condition:
            recorder.session.send("Network.emulateNetworkConditions", SLOW_NETWORK)
        ms = first_drawn(page, url)
        settle(page)
        cold = recorder.view(ms)
        again = None
        if repeat:
            recorder.reset()
            ms = first_drawn(page, url)
            settle(page)
            again = recorder.view(ms)
        return cold, again
    finally:
        context.close()


def baseline_pages(data: Path, assets: Path, pages: list[str]) -> dict[str, str]:
    """Write, per page with a chart, a static HTML page drawing its first chart with the page's bundle; page -> URL."""
    os.environ["ESSA_DATA_DIR"] = str(data)
    from essa_dash import bundles
    from essa_dash.app import create_app

    client = create_app(data).server.test_client()
    urls = {}
    for i, page in enumerate(p for p in pages if p in FIRST_CHART):
        chart, query = FIRST_CHART[page]
        html = client.get(f"/embed/{chart}?{query}").get_data(as_text=True)
        bundle = bundles.url(bundles.bundle_for(page) or bundles.GEO)
        html = re.sub(r'<script src="/static/plotly-essa-\w+\.min\.js\?v=\w+"></script>', f'<script src="{bundle}"></script>', html)
        (assets / f"bench-static-{i}.html").write_text(html)
        urls[page] = f"/assets/bench-static-{i}.html"
    return urls


def spread(results: dict[tuple[str, str], list[View]], condition: str) -> str:
    """The ratios of each page view to the static view drawn right after it: how far one view's ratio strays from the median.

    Page and static views alternate, so each pair shares the machine's state of that moment; on a shared
    box the medians of the two columns can move apart by 0.2 from one run to the next.
    """
    pairs = sorted(p.ms / s.ms for p, s in zip(results[("page", condition)], results[("static", condition)], strict=True))
    within = sum(1 for r in pairs if r <= 1.2)
    return f"{condition} {median(pairs):.2f}x ({pairs[0]:.2f}-{pairs[-1]:.2f}x, {within} of {len(pairs)} within 1.2x)"


def kib(n: float) -> str:
    return f"{n / 1024:.0f} KiB"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="cold views per page and condition (default 3)")
    parser.add_argument("--pages", nargs="+", default=list(PAGES))
    args = parser.parse_args()
    pages = existing_pages(args.pages)

    header(
        "First visits in headless Chromium (the shipped server: serve --prod)",
        f"median of {args.runs} cold views per page and condition (fresh browser context each); first chart = navigation start "
        "to the first chart drawn (/data: first table row); bytes = every response until the network is idle, headers included; "
        f"cpu 4x = CDP CPU throttling rate {CPU_SLOWDOWN}; slow network = 1.6 Mbit/s, 150 ms RTT; static = an HTML file under "
        "/assets/ of the same server drawing the page's first chart (as /embed writes it) with the same plotly.js bundle",
    )
    bytes_rows, time_rows, details = [], [], []
    with scratch() as tmp:
        data = built_data(tmp / "data")
        assets = tmp / "assets"
        shutil.copytree(ASSETS_DIR, assets)
        statics = baseline_pages(data, assets, pages)
        with sync_playwright() as playwright, Server("prod", data, assets=assets) as server:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            try:
                for path in pages:
                    results: dict[tuple[str, str], list[View]] = {}
                    repeats: list[View] = []
                    for condition in CONDITIONS:
                        for _ in range(args.runs):
                            for kind, url in (("page", path), ("static", statics.get(path))):
                                if url is None:
                                    continue
                                cold, again = visit(browser, server.url + url, condition, repeat=kind == "page" and condition == "plain")
                                results.setdefault((kind, condition), []).append(cold)
                                if again:
                                    repeats.append(again)

                    def m(kind: str, condition: str, pick: Callable[[View], float], results=results) -> float | None:
                        views = results.get((kind, condition))
                        return median([pick(v) for v in views]) if views else None

                    first = results[("page", "plain")][0]
                    bytes_rows.append(
                        [
                            path,
                            kib(m("page", "plain", lambda v: v.wire)),
                            f"{'yes' if m('page', 'plain', lambda v: v.wire) <= 650_000 else 'NO'}",
                            f"{m('page', 'plain', lambda v: v.requests):.0f}",
                            kib(m("page", "plain", lambda v: v.decoded)),
                            f"{median([v.requests for v in repeats]):.0f} ({median([v.revalidated for v in repeats]):.0f} x 304)",
                            kib(median([v.wire for v in repeats])),
                        ]
                    )
                    row = [path]
                    for condition in CONDITIONS:
                        page_ms = m("page", condition, lambda v: v.ms)
                        static_ms = m("static", condition, lambda v: v.ms)
                        row.append(f"{page_ms:.0f}")
                        row.append(f"{static_ms:.0f} / {page_ms / static_ms:.2f}x" if static_ms else "(no chart)")
                    row.append(f"{median([v.ms for v in repeats]):.0f}")
                    time_rows.append(row)
                    spreads = [spread(results, condition) for condition in CONDITIONS if ("static", condition) in results]
                    if spreads:
                        details.append(f"- {path}: each view / the static view after it, " + "; ".join(spreads))
                    top = ", ".join(f"{Path(u.split('?')[0]).name} {size / 1024:.0f} KiB" for size, u in first.largest)
                    details.append(f"- {path}: largest transfers {top}")
            finally:
                browser.close()
    table(
        ["page", "first visit (on the wire)", "<= 650 kB", "requests", "decoded", "repeat visit: requests", "repeat bytes"],
        bytes_rows,
    )
    heads = ["page"]
    for condition in CONDITIONS:
        heads += [f"{condition}: first chart ms", "static page ms / ratio"]
    table([*heads, "repeat view ms"], time_rows)
    print("\n".join(details))
    print()


if __name__ == "__main__":
    main()
