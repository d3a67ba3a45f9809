"""The data and the public address of the app serving this request (set by :func:`essa_dash.app.create_app`)."""

from __future__ import annotations

from pathlib import Path

import flask

from essa_dash.store import Store, get_store

DATA_DIR_KEY = "ESSA_DATA_DIR"
PUBLIC_URL_KEY = "ESSA_PUBLIC_URL"
#: Where ``essa-dash serve`` listens by default: the address when nothing else is configured.
DEFAULT_PUBLIC_URL = "http://127.0.0.1:8050"


def current_store() -> Store:
    return get_store(Path(flask.current_app.config[DATA_DIR_KEY]))


def public_url() -> str:
    """The configured address visitors use (no trailing slash), for every absolute link the app writes.

    Never the request's Host header: answers are cached and shared between visitors, so a
    request naming another host must not be able to put that host into someone else's page.
    """
    return str(flask.current_app.config[PUBLIC_URL_KEY])
