"""Every page drawn once per session, shared by the tests that need every view.

Drawing every page for every (area, edition, sex) the data has is the costliest work
of the suite. test_every_view checks that each URL answers; test_readings checks the
words of each chart drawn. Both use this one pass: each URL goes through Dash's own
router callback, as a browser asks for it, and right after it each of the page's charts
is taken for its resolved state (``Chart.canonical``), a drawing the page just made.
The pages are shared between processes, one per core (tests/parallel.py): the pass is
most of a CI run's wait, and a core would otherwise sit idle through it.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from essa_dash import views
from essa_dash.app import create_app
from essa_dash.captions import SourceNote
from essa_dash.query import member_states
from essa_dash.query.risk import risk_ids
from essa_dash.query.state import SEXES, State, Vocabulary, edition_slug
from essa_dash.serving import router_payload
from essa_dash.store import Store, read_store
from tests.parallel import in_processes


@dataclass(frozen=True)
class Words:
    """What the readings tests read of a chart a page drew: its sentences and the sources it cites.

    A drawing made in another process comes back as this, not as its figure: figures are most of
    a drawing's bytes and no test of the pass looks at them.
    """

    reading: list[str]
    sources: list[SourceNote]


@dataclass
class Pages:
    """What the pass drew: each URL's answer, and each chart at each resolved state the pages drew."""

    store: Store
    #: URL -> None when it drew a page, else what went wrong (status, or an empty page)
    problems: dict[str, str | None] = field(default_factory=dict)
    charts: dict[tuple[str, State], views.Built | Words | None] = field(default_factory=dict)

    def failed(self, prefix: str) -> list[str]:
        return [f"{url}: {problem}" for url, problem in self.problems.items() if problem and url.startswith(prefix)]

    def built(self, chart: str, state: State) -> views.Built | Words | None:
        """The chart at ``state`` as the pass drew it (drawn here if no page asked for that state)."""
        key = resolved(self.store, chart, state)
        if key not in self.charts:
            self.charts[key] = views.build(chart, self.store, key[1])
        return self.charts[key]


def resolved(store: Store, chart: str, state: State) -> tuple[str, State]:
    canonical = views.load_all()[chart].canonical
    return chart, canonical(store, state) if canonical else state


def page_urls(store: Store) -> Iterator[str]:
    """Every page for every (area, edition, sex) and (risk, edition, sex) the data has."""
    editions = [edition_slug(e) for e in store.editions["edition"]]
    for iso3 in member_states(store.countries)["iso3"]:
        for edition in editions:
            for sex in SEXES:
                yield f"/country/{iso3}?edition={edition}&sex={sex}"
    for risk in risk_ids(store):
        for edition in editions:
            for sex in SEXES:
                yield f"/risk/{risk}?edition={edition}&sex={sex}"
    for edition in editions:
        yield f"/?edition={edition}"
        for sex in SEXES:
            yield f"/progress?edition={edition}&sex={sex}"


def _problem(client, url: str) -> str | None:
    pathname, _, search = url.partition("?")
    response = client.post("/_dash-update-component", json=router_payload(pathname, f"?{search}" if search else ""))
    if response.status_code != 200:
        return f"status {response.status_code}"
    body = json.loads(response.get_data(as_text=True))
    return None if body["response"]["_pages_content"]["children"] else "an empty page"


def draw_pages(root: Path, urls: list[str]) -> tuple[dict[str, str | None], dict[tuple[str, State], Words | None]]:
    """Draw ``urls`` through a new app on ``root``: each URL's problem, and the words of each chart the pages drew."""
    store = read_store(root)
    client = create_app(root).server.test_client()
    vocabulary = Vocabulary.from_store(store)
    problems: dict[str, str | None] = {}
    charts: dict[tuple[str, State], Words | None] = {}
    for url in urls:
        problems[url] = problem = _problem(client, url)
        if problem is None:
            for chart, state in views.charts_for_url(url, vocabulary)[0]:
                key = resolved(store, chart, state)
                # a resolved state is the one the page drew (a cache hit); other charts are drawn when asked
                if views.REGISTRY[chart].canonical and key not in charts:
                    built = views.build(chart, store, key[1])
                    charts[key] = None if built is None else Words(built.reading, built.sources)
    return problems, charts


@pytest.fixture(scope="session")
def every_page(built_root: Path, store: Store) -> Pages:
    pages = Pages(store)
    for problems, charts in in_processes(draw_pages, built_root, list(page_urls(store))):
        pages.problems.update(problems)
        pages.charts.update(charts)
    return pages
