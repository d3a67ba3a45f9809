"""Pinned links over HTTP: ``release=<id>`` on the API, images, embeds and decks, and the release header.

Pages read their URL inside a Dash callback (see :mod:`essa_dash.components.release`);
every other route reads it here, before the route runs, so that the route's
``current_store()`` is the pinned release. A well-formed id that is not kept (never
built here, or pruned) is answered 404 with the reason, never with other figures; a
malformed one is left to the URL vocabulary, which reports it like any other bad value.
Every answer that carries figures names its release in ``X-ESSA-Data-Release``.
"""

from __future__ import annotations

import html

import flask

from essa_dash.components.context import current_store, pin
from essa_dash.errors import DataError
from essa_dash.query.state import RELEASE_ID
from essa_dash.responses import error
from essa_dash.text import tr

HEADER = "X-ESSA-Data-Release"
VERSION_HEADER = "X-ESSA-Data-Release-Version"
#: The blueprints whose routes answer with figures (the API; embeds, images, slideshows and decks). Pages are
#: Dash's: their HTML has no figures and their callbacks pin inside the page layout, with a friendly page.
ROUTES = ("api", "share")


def _refusal(message: str) -> flask.Response:
    if flask.request.path.startswith("/api/"):
        return error(404, message)
    title = html.escape(tr("Data release not available"))
    body = f"<!doctype html><html lang=en><meta charset=utf-8><title>{title}</title><h1>{title}</h1><p>{html.escape(message)}</p>"
    return flask.Response(body, status=404, mimetype="text/html")


def install(server: flask.Flask) -> None:
    @server.before_request
    def _pin() -> flask.Response | None:
        if flask.request.blueprint not in ROUTES:
            return None
        values = flask.request.args.getlist("release")
        if len(values) != 1 or not RELEASE_ID.fullmatch(values[0]):
            return None
        try:
            pin(values[0])
        except DataError as err:
            return _refusal(str(err))
        return None

    @server.after_request
    def _name_release(response: flask.Response) -> flask.Response:
        if response.status_code < 400 and flask.request.blueprint in ROUTES:
            try:
                release = current_store().release
            except DataError:
                return response
            response.headers[HEADER] = release.id
            response.headers[VERSION_HEADER] = release.version
        return response
