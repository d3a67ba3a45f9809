"""The data of the app serving this request (set by :func:`essa_dash.app.create_app`).

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


def pinned() -> bool:
    """Whether this request asked for a release by id (even the current one: its links stay pinned)."""
    return flask.has_request_context() and flask.g.get(_PINNED) is not None
