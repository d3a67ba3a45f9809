"""A page link with problems in its words is answered from its view's one drawing, with the link's own notice put in.

``/progress?u1=1&u2=1...`` draws the progress page with a notice naming ``u1``, ``u2``...
Drawn afresh for every such link (the names can be new every time, so no stored answer
served them), it cost a worker 0.04-0.9 s of CPU, and four senders took ordinary
visitors' p95 to 2.8-5.2x of an idle server's (bench/RESULTS.md, issue 16).

The answer differs from its view's only in the notice's items, so it is put together
instead (essa_dash.page_views.noticed names the parts):

1. the view's drawing with one placeholder problem where the link's problems go (the
   parameter :data:`essa_dash.page_views.NOTICE`, which no page reads), asked of the pages
   router through the answer store: drawn once per view, language and frame, then a
   stored answer. The page's own problems (an edition a country lacks, a page past the
   last) stay where the page puts them, before or after the link's, as it always did;
2. the placeholder's list item, written as the page writes it, replaced by the items of
   the link's own problems (components.notice.problem_items, serialized as Dash serializes
   the page): the same bytes a drawing would have, in milliseconds.

The answer is returned before Dash runs, so compression and the security headers are added
as to any callback; it carries ``X-ESSA-Cache: composed`` and is never stored (invented
links are endless; the view's drawing is stored once, the clean view's answer never holds
a link's notice). Whatever does not fit (no 200 from the router, the placeholder not found
once) is drawn as before.

A link with problems that cannot be put together (a pinned link: its banner's link to the
latest data repeats the link's query; a ``lang=`` the page and its title read otherwise) is
still drawn for every new spelling, so in production it is drawn by the heavy lane at nice
19, as images and decks are (``ESSA_HEAVY_REQUESTS`` a worker, 503 + Retry-After past
``ESSA_RENDER_WAIT``): never with a worker's CPU.
"""

from __future__ import annotations

from pathlib import Path

import flask
from dash import Dash
from dash._utils import to_json

from essa_dash import lane, page_views
from essa_dash.callback_cache import CACHE_HEADER, CALLBACK_PATH, COMPOSED, router_location
from essa_dash.components.notice import problem_items
from essa_dash.query import options
from essa_dash.query.state import Problem
from essa_dash.share import heavy
from essa_dash.store import Store, get_store
from essa_dash.text import use_language


def _items(problems: list[Problem], labels: dict[str, str]) -> bytes:
    """The notice's list items of ``problems`` as they stand in a drawn page's JSON (comma-separated, no brackets)."""
    return to_json(problem_items(problems, labels))[1:-1].encode()


def compose(store: Store, drawn: bytes, noticed: page_views.Noticed) -> bytes | None:
    """``drawn`` (the router's JSON for ``noticed.template``) with the link's problems in the placeholder's place, or None."""
    labels = options.labels(store)  # what every page's notice names the ids it lists by
    with use_language(noticed.language):
        placeholder, items = _items([noticed.placeholder], labels), _items(noticed.problems, labels)
    if drawn.count(placeholder) != 1:
        return None
    return drawn.replace(placeholder, items)


@heavy
def _in_the_lane() -> flask.Response | None:
    """The page drawn by the heavy lane (nice 19), as an image is: one waiting a worker, 503 + Retry-After past its wait."""
    return lane.answer()


def install(app: Dash, root: Path) -> None:
    """Answer ``app``'s pages-router requests for links with problems from their views' drawings; after guard.install."""
    server = app.server

    @server.before_request
    def _composed() -> flask.Response | None:
        request = flask.request
        if request.method != "POST" or not request.path.endswith(CALLBACK_PATH):
            return None
        location = router_location(request.get_data())
        if location is None:
            return None
        pathname, search = location
        store = get_store(root)
        noticed = page_views.noticed(store, pathname, search, request.headers.get("Accept-Language"), strip=app.strip_relative_path)
        if noticed is None:
            # one that cannot be put together (pinned, lang= read two ways) is drawn for each new spelling: never in a worker
            return _in_the_lane() if lane.enabled() and page_views.faulty(store, pathname, search, strip=app.strip_relative_path) else None
        drawn = page_views.drawing(pathname, noticed.template, request.headers)
        answer = None if drawn is None else compose(store, drawn, noticed)
        if answer is None:
            return None
        return flask.Response(answer, mimetype="application/json", headers={CACHE_HEADER: COMPOSED})
