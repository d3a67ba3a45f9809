"""The data and the public address of the app serving this request (set by :func:`essa_dash.app.create_app`).

A request shows the current data release unless it is *pinned*: a link with
``release=<id>`` shows that kept release's figures, byte for byte, for as long as the
release is kept. :func:`pin` is called once per request (by the HTTP hook for the API,
images, embeds and decks, and by the page wrapper for Dash pages, whose URL arrives in
a callback body rather than in the request's own query string); everything that asks
:func:`current_store` afterwards gets the pinned release.
"""

from __future__ import annotations

from pathlib import Path

import flask

from essa_dash.store import Store, get_store

DATA_DIR_KEY = "ESSA_DATA_DIR"
PUBLIC_URL_KEY = "ESSA_PUBLIC_URL"
#: Where ``essa-dash serve`` listens by default: the address when nothing else is configured.
DEFAULT_PUBLIC_URL = "http://127.0.0.1:8050"
_PINNED = "essa_pinned_release"


def data_root() -> Path:
    return Path(flask.current_app.config[DATA_DIR_KEY])


def current_store() -> Store:
    """The release this request shows: the pinned one, else the current one."""
    pinned = flask.g.get(_PINNED) if flask.has_request_context() else None
    return get_store(data_root(), release=pinned)


def latest_store() -> Store:
    """The current release, whatever the request pinned (for "the same view on the latest data")."""
    return get_store(data_root())


def pin(release: object) -> Store:
    """Make the rest of this request show ``release`` (an id from a URL); a DataError says why it cannot.

    An id that is malformed, unknown or pruned is refused with the reason, never
    answered with other figures.
    """
    store = get_store(data_root(), release=release)  # type: ignore[arg-type]  # validated by check_id inside
    setattr(flask.g, _PINNED, store.release.id)
    return store


def public_url() -> str:
    """The configured address visitors use (no trailing slash), for every absolute link the app writes.

    Never the request's Host header: answers are cached and shared between visitors, so a
    request naming another host must not be able to put that host into someone else's page.
    """
    return str(flask.current_app.config[PUBLIC_URL_KEY])
