"""Security headers on every response, as strict as Dash allows.

Dash's index page carries two small inline scripts (the renderer's start and the
clientside callbacks); instead of allowing inline script in general, the policy
lists the sha256 of exactly those scripts, computed from the page being sent.
Styles need 'unsafe-inline' (plotly.js and React set style attributes). Only
``/embed/`` pages may be framed by other sites; nothing else may be framed at all.
"""

from __future__ import annotations

import base64
import hashlib
import re
from typing import TYPE_CHECKING, Any

import flask

if TYPE_CHECKING:
    from dash import Dash

#: Inline scripts that execute: no src attribute, and no JSON/data type.
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>(.*?)</script>", re.S)
EMBED_PREFIX = "/embed/"
#: What Dash's page config tells every visitor about the server (its debug menu's version check
#: uses them; we run without it): the exact Python build helps only someone matching exploits.
VERSION_KEYS = ("python_version", "dash_version", "dash_version_url", "ddk_version", "plotly_version")


def script_hashes(page: str) -> list[str]:
    """CSP source expressions for every inline script of an HTML page (IE comments excluded)."""
    page = re.sub(r"<!--\[if IE\]>.*?<!\[endif\]-->", "", page, flags=re.S)
    return [f"'sha256-{base64.b64encode(hashlib.sha256(body.encode()).digest()).decode()}'" for body in INLINE_SCRIPT.findall(page)]


def policy(*, hashes: list[str], frameable: bool) -> str:
    directives = {
        "default-src": "'self'",
        "script-src": " ".join(["'self'", *hashes]),
        "style-src": "'self' 'unsafe-inline'",
        "img-src": "'self' data: blob:",
        "font-src": "'self' data:",
        "connect-src": "'self'",
        "object-src": "'none'",
        "base-uri": "'self'",
        "form-action": "'self'",
    }
    if not frameable:
        # a frameable page names no ancestors at all: "frame-ancestors *" would still refuse http: parents
        directives["frame-ancestors"] = "'none'"
    return "; ".join(f"{name} {value}" for name, value in directives.items())


def install(server: flask.Flask) -> None:
    """Add the headers to every response of ``server``."""

    @server.after_request
    def _headers(response: flask.Response) -> flask.Response:
        embed = flask.request.path.startswith(EMBED_PREFIX)
        hashes: list[str] = []
        if response.mimetype == "text/html" and not response.direct_passthrough:
            hashes = script_hashes(response.get_data(as_text=True))
        response.headers.update(headers(hashes=hashes, frameable=embed))
        return response


def headers(*, hashes: list[str] | None = None, frameable: bool = False) -> dict[str, str]:
    """The security headers of one answer (also written by :mod:`essa_dash.serving` on gunicorn's own errors)."""
    found = {"Content-Security-Policy": policy(hashes=hashes or [], frameable=frameable)}
    if not frameable:
        found["X-Frame-Options"] = "DENY"
    return found | {"X-Content-Type-Options": "nosniff", "Referrer-Policy": "same-origin", "Cross-Origin-Opener-Policy": "same-origin"}


def hide_versions(app: Dash) -> None:
    """Leave software versions out of the ``_dash-config`` every page carries."""
    original = app._config

    def config() -> dict[str, Any]:
        return {key: value for key, value in original().items() if key not in VERSION_KEYS}

    app._config = config  # type: ignore[method-assign]
