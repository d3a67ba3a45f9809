"""CPU and answer bytes of cold page draws: the router callback for a sample of the test suite's every_page URLs.

Usage: ``PYTHONPATH=. .venv/bin/python bench/bench_cold_pages.py [--pages 60] [--lang th] [--selections]``

Each URL (a country, risk or overview page for one edition and sex) is drawn once by
a new app through Flask's test client, as tests/unit/conftest.py's ``every_page``
pass draws them: the process CPU time per page is what a cold view costs a web worker
(issue 16) and the test suite, without the network or a server's scheduling in it; printed for all
and per page (/, /country, /risk, /progress: median and mean). ``--lang`` draws the same URLs in
another language (``lang=`` as the switcher's links add it): views the precomputing pass leaves cold.
``--selections`` draws the sample's /risk and /progress URLs with several countries chosen instead
(bench._harness.SELECTIONS): the views drawn for their visitor, or ahead of a click, never precomputed.
"""

from __future__ import annotations

import argparse
import statistics
import time

from bench._harness import with_selections
from essa_dash.app import create_app
from essa_dash.paths import DEFAULT_DATA_DIR
from essa_dash.serving import router_payload
from essa_dash.store import read_store
from tests.unit.conftest import page_urls


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=60, help="about how many URLs, evenly spread over every_page's (default 60)")
    parser.add_argument("--lang", default=None, help="draw every URL in this language (lang=CODE), e.g. th")
    parser.add_argument("--selections", action="store_true", help="the /risk and /progress URLs with several countries chosen")
    args = parser.parse_args()
    urls = list(page_urls(read_store(DEFAULT_DATA_DIR)))
    sample = urls[:: max(1, len(urls) // args.pages)]
    if args.selections:
        sample = with_selections([url for url in sample if "country=" not in url])
    client = create_app(DEFAULT_DATA_DIR).server.test_client()

    def draw(url: str) -> int:
        pathname, _, search = url.partition("?")
        search = "&".join(part for part in (search, f"lang={args.lang}" if args.lang else "") if part)
        response = client.post("/_dash-update-component", json=router_payload(pathname, f"?{search}" if search else ""))
        assert response.status_code == 200, (url, response.status_code)
        return len(response.get_data())

    draw("/")  # first-use costs (imports, the store's first reads) stay out of the sample
    cpu: dict[str, list[float]] = {}
    size = 0
    for url in sample:
        start = time.process_time()
        size += draw(url)
        cpu.setdefault(page_of(url), []).append(time.process_time() - start)
    every = [seconds for times in cpu.values() for seconds in times]
    per_page_ms, per_page_kb = sum(every) / len(every) * 1000, size / len(every) / 1000
    drawn = f"{len(sample)} multi-country views of" if args.selections else f"{len(sample)} of"
    print(f"{drawn} {len(urls)} every_page URLs: {per_page_ms:.0f} ms CPU / page, {per_page_kb:.1f} kB answer / page")
    for page, times in cpu.items():
        median, mean = statistics.median(times) * 1000, statistics.mean(times) * 1000
        print(f"  {page}: {len(times)} URLs, median {median:.0f} ms CPU, mean {mean:.0f} ms")


def page_of(url: str) -> str:
    """The page a URL draws: ``/country/VNM?...`` -> ``/country``."""
    path = url.partition("?")[0]
    return "/" + path.split("/")[1] if path != "/" else "/"


if __name__ == "__main__":
    main()
