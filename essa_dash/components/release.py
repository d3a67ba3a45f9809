"""Which data release a page shows: the release line under every page, the pinned-link banner, the refusal.

Every page is wrapped by :func:`pinnable` when it is registered, so no page module
has to know about releases: a page opened with ``release=<id>`` is drawn from that
release (see :mod:`essa_dash.components.context`), says so at the top, links to the
same view on the latest data with a one-line summary of what changed for it, and an
unknown or pruned id gets the reason instead of other figures.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

import dash
from dash import html

from essa_dash.components.context import latest_store, pin
from essa_dash.errors import DataError
from essa_dash.query.state import query_pairs
from essa_dash.releases.changes import view_changes
from essa_dash.text import tr
from essa_dash.text.releases import built, view_change_summary

CHANGES_PATH = "/changes"


def _location() -> tuple[str, str]:
    """The path and query string of the page being drawn (inputs of Dash's router callback)."""
    try:
        inputs = dash.ctx.inputs
    except Exception:  # drawn outside a callback (a test calling the layout): the home page
        return "/", ""
    return str(inputs.get("_pages_location.pathname") or "/"), str(inputs.get("_pages_location.search") or "")


def _latest_link(path: str, search: str) -> str:
    """The same view without its pinned release (path variables stay in the path, never repeated in the query)."""
    query = [(k, v) for k, v in query_pairs(search) or () if v and k != "release"]
    return path + ("?" + urlencode(query, safe=",") if query else "")


def release_line(store_release: Any) -> html.P:
    """The footer line every page carries: which release its figures come from."""
    return html.P(
        [
            tr(
                "Data release {version} ({id}), built {date}.",
                version=store_release.version,
                id=store_release.id,
                date=built(store_release),
            ),
            " ",
            html.A(tr("What changed between releases"), href=CHANGES_PATH),
        ],
        className="release-line",
    )


def _pinned_banner(store: Any, path: str, search: str, scope: dict[str, tuple[str, ...]]) -> html.Aside:
    latest = latest_store()
    same = latest.release.id == store.release.id
    parts: list[Any] = [
        html.B(
            tr(
                "A pinned view: data release {version} ({id}), built {date}.",
                version=store.release.version,
                id=store.release.id,
                date=built(store.release),
            )
        ),
        " ",
        tr("These figures stay exactly as they are, whatever is published later."),
        " ",
    ]
    if same:
        parts.append(tr("It is also the latest release."))
    else:
        counts = view_changes(store, latest, **scope)
        parts += [
            view_change_summary(counts, latest.release),
            " ",
            html.A(tr("The same view on the latest data"), href=_latest_link(path, search)),
        ]
    return html.Aside(parts, className="notice pinned", role="note")


def _refused(message: str, path: str, search: str) -> html.Main:
    return html.Main(
        [
            html.H1(tr("This data release is not available")),
            html.P(message),
            html.P(
                [
                    tr("No other figures are shown in its place. "),
                    html.A(tr("The same view on the latest data"), href=_latest_link(path, search)),
                    " · ",
                    html.A(tr("The releases kept here"), href=CHANGES_PATH),
                ]
            ),
        ],
        className="page",
    )


def pinnable(layout: Callable[..., Any], *, scope: Callable[[dict[str, Any]], dict[str, tuple[str, ...]]]) -> Callable[..., Any]:
    """A page layout that honours ``release=`` and ends with the release line.

    ``scope`` names the countries and risks a page's URL selects, so that the pinned
    banner counts only the changes that touch this view.
    """

    @functools.wraps(layout)
    def page(**url: Any) -> Any:
        path, search = _location()
        release = url.get("release")
        if release is None:
            return html.Div([layout(**url), release_line(latest_store().release)])
        try:
            store = pin(release if isinstance(release, str) else ",".join(map(str, release)))
        except DataError as err:
            return _refused(str(err), path, search)
        return html.Div([_pinned_banner(store, path, search, scope(url)), layout(**url), release_line(store.release)])

    return page
