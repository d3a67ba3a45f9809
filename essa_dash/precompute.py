"""Every view the pages' controls reach, drawn once for all visitors, in the background after a start.

A view nobody opened before costs a full render (queries, figures, the page's JSON:
100-300 ms on the 2-core server, 35-360x a static file), and each country x edition x sex
and risk x edition x sex is its own view; a restart (every deploy) forgets them all. The
space the controls reach with one country (or all) is finite and small: :func:`reachable_urls`
lists it (about 700 views), :func:`precompute` draws each through the pages router, as a
browser asks, into the answer store every worker shares (essa_dash.callback_cache), so
the first visitor to any of them gets stored bytes.

``essa-dash serve --prod`` starts it as its own process at the lowest CPU priority
(:func:`spawn`): the server answers from its first second, the precomputed views fill in
behind it (a few minutes), and a view a visitor asks for first is drawn for them as before.
Selections of several countries are not precomputed: there are 2^11 of them per view.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from collections.abc import Iterable
from pathlib import Path

from essa_dash.query import member_states
from essa_dash.query.risk import risk_ids
from essa_dash.query.state import SEXES, State, Vocabulary, edition_slug
from essa_dash.store import Store

#: ``0`` turns the precomputing off (e.g. to measure first renders); anything else, or unset, leaves it on.
ENV = "ESSA_PRECOMPUTE"
#: What the process prints when it is done (benchmarks wait for it).
DONE = "views precomputed"


def reachable_urls(store: Store) -> list[str]:
    """Every page for every area, risk, edition and sex the data has, as the controls write its URL."""
    vocabulary = Vocabulary.from_store(store)
    editions = store.editions["edition"].tolist()
    urls = ["/", "/progress", "/risk/old_age"]
    urls += [f"/?edition={edition_slug(e)}" for e in editions]
    for sex in SEXES:
        for edition in editions:
            state = State(edition=edition, sex=sex)
            urls.append("/progress" + vocabulary.encode(state))
            urls += [f"/country/{iso3}" + vocabulary.encode(state) for iso3 in member_states(store.countries)["iso3"]]
            urls += [f"/risk/{risk}" + vocabulary.encode(state) for risk in risk_ids(store)]
    urls += [f"/country/{iso3}" for iso3 in member_states(store.countries)["iso3"]]
    urls += [f"/risk/{risk}" for risk in risk_ids(store)]
    return list(dict.fromkeys(urls))


def precompute(server: object, urls: Iterable[str], *, accept_encoding: str = "br") -> tuple[int, list[str]]:
    """Draw each URL through the pages router of ``server`` (a Flask app); (views drawn, URLs that failed)."""
    from essa_dash.serving import router_payload

    client = server.test_client()  # type: ignore[attr-defined]
    drawn, failed = 0, []
    for url in urls:
        pathname, _, search = url.partition("?")
        response = client.post(
            "/_dash-update-component",
            json=router_payload(pathname, f"?{search}" if search else ""),
            headers={"Accept-Encoding": accept_encoding},
        )
        if response.status_code == 200:
            drawn += 1
        else:
            failed.append(url)
    return drawn, failed


def spawn(root: Path, public_url: str | None) -> subprocess.Popen[bytes]:
    """Start the precomputing process for a server on ``root`` (it shares the server's answer folder, ESSA_CACHE_DIR)."""
    command = [sys.executable, "-m", "essa_dash.precompute", "--data-dir", str(root)]
    if public_url:
        command += ["--public-url", public_url]
    return subprocess.Popen(command, preexec_fn=lambda: os.nice(19))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", required=True)
    parser.add_argument("--public-url")
    args = parser.parse_args()
    from essa_dash.app import create_app
    from essa_dash.serving import install
    from essa_dash.store import get_store

    start = time.perf_counter()
    root = Path(args.data_dir)
    app = create_app(root, public_url=args.public_url)
    install(app.server)  # the same compression as the server's workers: the same bytes under the same key
    urls = reachable_urls(get_store(root))
    drawn, failed = precompute(app.server, urls)
    print(f"ESSA Dash: {drawn} of {len(urls)} {DONE} in {time.perf_counter() - start:.0f} s", flush=True)
    for url in failed:
        print(f"ESSA Dash: precomputing {url} failed", file=sys.stderr, flush=True)


if __name__ == "__main__":
    main()
