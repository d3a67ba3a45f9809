"""The page a visitor opens comes inside the first layout Dash's renderer asks for: no router round trip on a first load.

Dash's renderer, once all its scripts have run, asks for ``/_dash-layout`` and
``/_dash-dependencies``, renders the frame, and only then does the pages router's
``dcc.Location`` say where the visitor is: a third request (the router callback, the page
with its figures) waited for the first two and for a React render. On a 4x-throttled CPU
that sequence was about a second of the 4.5 s before the first chart (bench/RESULTS.md).

``static/first-page.js`` (linked before plotly.js, bundles.py) asks for both answers while
the scripts are still being parsed, the layout with ``?page=<path and query>``. The layout
is then the frame with the page already inside, drawn by the pages router itself (the same
callback request a browser sends, through the answer store: a precomputed or repeated view
is stored bytes), the frame (navigation, language switcher, footer) drawn for it, and the
location set to the page's, so ``dcc.Location`` has nothing to report when it mounts and
neither the router nor the frame's callback runs. Without ``page=``, or when the router
does not answer 200, the frame is empty as before and the router draws the page.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from typing import Any

import dash
import flask

from essa_dash.page_views import drawing

#: The query parameter of ``/_dash-layout`` naming the page opened (its path and query string, as the browser has them).
PARAM = "page"
LOCATION, CONTENT, STORE = "_pages_location", "_pages_content", "_pages_store"


def layout(frame: Callable[[Any, str | None, str | None], Any]) -> Callable[[], Any]:
    """The app's layout: ``frame(container, pathname, search)`` around Dash's pages container, with the opened page inside.

    Without a page named (a request outside the browser's first load), pathname and search are None.
    """

    def laid_out() -> Any:
        opened = _opened()
        pathname, search = (opened[0], opened[1]) if opened else (None, None)
        return frame(_container(opened), pathname, search)

    return laid_out


def _opened() -> tuple[str, str, dict[str, Any]] | None:
    """(pathname, search, the router's answer) of the page the layout request names, else None."""
    if not flask.has_request_context():
        return None
    return opened(flask.request.args.get(PARAM, ""))


def opened(page: str) -> tuple[str, str, dict[str, Any]] | None:
    """(pathname, search, the router's answer) of ``page`` (its path and query string, as the browser has them), else None."""
    if not page.startswith("/") or page.startswith("//"):
        return None
    pathname, mark, search = page.partition("?")
    search = mark + search if search else ""  # window.location.search: "" without a query
    drawn = drawing(pathname, search, flask.request.headers)
    if drawn is None:
        return None
    answer = json.loads(drawn).get("response", {})
    if CONTENT not in answer:
        return None
    return pathname, search, answer


def framed(frame: Callable[[Any, str | None, str | None], Any], page: str) -> Any:
    """The first layout of ``page`` (path and query string) as ``layout(frame)`` draws it for ``?page=``, or None when not drawn."""
    found = opened(page)
    return None if found is None else frame(_container(found), found[0], found[1])


def _container(opened: tuple[str, str, dict[str, Any]] | None) -> Any:
    """Dash's pages container, holding the opened page and located at it (or as Dash makes it)."""
    if opened is None:
        return dash.page_container
    pathname, search, answer = opened
    container = copy.deepcopy(dash.page_container)
    # both router inputs as the browser has them: dcc.Location reports only what differs, so the router stays still
    container[LOCATION].pathname = pathname
    container[LOCATION].search = search
    container[CONTENT].children = answer[CONTENT]["children"]
    container[STORE].data = answer.get(STORE, {}).get("data")
    return container
