"""Which frame a page's charts are laid out for: the browser says its viewport width in a cookie.

Plotly never re-wraps a title or thins labels when its container shrinks, so a phone
needs charts laid out for a phone (:data:`essa_dash.figures.frames.PHONE`), not a desktop
chart squeezed or scrolled sideways. The server cannot see the viewport, so
``assets/viewport.js`` writes it into the ``essa_vw`` cookie before the first page is
drawn; pages are then drawn for the phone or the desktop frame, and the answer cache
keys on the frame chosen (never on the raw width: two phones share their answers).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from http.cookies import SimpleCookie
from typing import Any

import flask

from essa_dash.figures.frames import Frame, page_frame, use_frame

COOKIE = "essa_vw"
_WIDTH = re.compile(r"[0-9]{1,5}")


def _width(value: str | None) -> int | None:
    return int(value) if value is not None and _WIDTH.fullmatch(value) else None


def frame_from_cookies(header: str | None) -> Frame:
    """The page frame a ``Cookie`` header asks for (a malformed or missing width: desktop)."""
    if not header:
        return page_frame(None)
    try:
        jar = SimpleCookie(header)
    except Exception:  # a malformed header from a hostile client: draw for the desktop
        return page_frame(None)
    morsel = jar.get(COOKIE)
    return page_frame(_width(morsel.value if morsel else None))


def request_frame() -> Frame:
    return page_frame(_width(flask.request.cookies.get(COOKIE))) if flask.has_request_context() else page_frame(None)


def in_frame(layout: Callable[..., Any]) -> Callable[..., Any]:
    """A page layout whose charts are laid out for the frame of the visitor's viewport."""

    @functools.wraps(layout)
    def drawn(**url: Any) -> Any:
        with use_frame(request_frame()):
            return layout(**url)

    return drawn
