"""The data of the app serving this request (set by :func:`essa_dash.app.create_app`)."""

from __future__ import annotations

from pathlib import Path

import flask

from essa_dash.store import Store, get_store

DATA_DIR_KEY = "ESSA_DATA_DIR"


def current_store() -> Store:
    return get_store(Path(flask.current_app.config[DATA_DIR_KEY]))
