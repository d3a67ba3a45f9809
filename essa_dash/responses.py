"""Flask answers shared by the API and the share routes: JSON errors, cacheable answers, query args."""

from __future__ import annotations

import hashlib
import json
from typing import Any

import flask

from essa_dash.components.context import current_store
from essa_dash.components.language import request_language
from essa_dash.query.state import Problem

#: Answers depend only on the data build and the URL: an hour in any cache is safe.
CACHE_SECONDS = 3600
#: Seconds a client is asked to wait after a 503 (the renderer busy or restarting): about one render queue's worth.
RETRY_AFTER = 10


def query_args() -> dict[str, str]:
    """The query string as one value per name; repeated parameters (?country=KHM&country=TLS) are joined."""
    return {name: ",".join(flask.request.args.getlist(name)) for name in flask.request.args}


def json_response(body: Any, *, status: int = 200) -> flask.Response:
    return flask.Response(json.dumps(body, ensure_ascii=False, allow_nan=False), status=status, mimetype="application/json")


def error(status: int, message: str, problems: list[Problem] | None = None) -> flask.Response:
    """A JSON error naming each rejected parameter and the values it accepts; never cached.

    A 503 says when to come back (``Retry-After``): a busy renderer is a moment's wait, not a failure.
    """
    response = json_response({"error": message, "problems": [p.as_dict() for p in problems or []]}, status=status)
    if status == 503:
        response.headers["Retry-After"] = str(RETRY_AFTER)
    return response


def problems_error(problems: list[Problem], status: int = 400) -> flask.Response:
    return error(status, "; ".join(p.message for p in problems), problems)


def etag() -> str:
    """The ETag of this request's answer: the data build, the full URL and the language decide it, nothing else.

    The language is the URL's ``lang``, else the browser's: an image or embed without ``lang=``
    is drawn in the language the browser asks for.
    """
    language = request_language(flask.request.args.get("lang"))
    return hashlib.sha256(f"{current_store().build_id}|{language}|{flask.request.full_path}".encode()).hexdigest()[:32]


def not_modified() -> flask.Response | None:
    """304 before any work when the browser already holds this URL's answer (a ``before_request`` hook).

    Only answers made by :func:`cached` carry this ETag, and they depend on nothing but the
    build and the URL, so a matching If-None-Match proves the browser's copy is current:
    a revalidated image or export costs a lookup, not a render.
    """
    if flask.request.method not in ("GET", "HEAD") or etag() not in flask.request.if_none_match:
        return None
    response = flask.Response(status=304)
    response.set_etag(etag())
    response.cache_control.public = True
    response.cache_control.max_age = CACHE_SECONDS
    return response


def cached(response: flask.Response) -> flask.Response:
    """Public caching keyed on the data build, the full URL and the language (ETag, max-age, 304 when unchanged).

    Words follow Accept-Language when the URL names no ``lang``, so a shared cache (nginx,
    a CDN) must keep one copy per language (``Vary``), never hand one visitor's to the next.
    """
    response.set_etag(etag())
    response.vary.add("Accept-Language")
    response.cache_control.public = True
    response.cache_control.max_age = CACHE_SECONDS
    return response.make_conditional(flask.request)
