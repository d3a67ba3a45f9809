"""CPU and answer bytes of cold page draws: the router callback for a sample of the test suite's every_page URLs.

Usage: ``PYTHONPATH=. .venv/bin/python bench/bench_cold_pages.py [--pages 60]``

Each URL (a country, risk or overview page for one edition and sex) is drawn once by
a new app through Flask's test client, as tests/unit/conftest.py's ``every_page``
pass draws them: the process CPU time per page is what a cold view costs a web worker
(issue 16) and the test suite, without the network or a server's scheduling in it.
"""

from __future__ import annotations

import argparse
import time

from essa_dash.app import create_app
from essa_dash.paths import DEFAULT_DATA_DIR
from essa_dash.serving import router_payload
from essa_dash.store import read_store
from tests.unit.conftest import page_urls


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=60, help="about how many URLs, evenly spread over every_page's (default 60)")
    args = parser.parse_args()
    urls = list(page_urls(read_store(DEFAULT_DATA_DIR)))
    sample = urls[:: max(1, len(urls) // args.pages)]
    client = create_app(DEFAULT_DATA_DIR).server.test_client()

    def draw(url: str) -> int:
        pathname, _, search = url.partition("?")
        response = client.post("/_dash-update-component", json=router_payload(pathname, f"?{search}" if search else ""))
        assert response.status_code == 200, (url, response.status_code)
        return len(response.get_data())

    draw("/")  # first-use costs (imports, the store's first reads) stay out of the sample
    start = time.process_time()
    size = sum(draw(url) for url in sample)
    cpu = time.process_time() - start
    per_page_ms, per_page_kb = cpu / len(sample) * 1000, size / len(sample) / 1000
    print(f"{len(sample)} of {len(urls)} every_page URLs: {per_page_ms:.0f} ms CPU / page, {per_page_kb:.1f} kB answer / page")


if __name__ == "__main__":
    main()
