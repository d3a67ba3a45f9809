"""The language of a page: chosen in the URL (``lang=vi``), else by the browser, and a switcher naming each language in itself.

A page's layout runs inside :func:`in_language`, so every ``tr`` and ``fmt_*`` it
calls writes in the visitor's language; the language stays in the URL vocabulary
(:class:`essa_dash.query.state.State.lang`), so links, share links, embeds, image
links and decks drawn from a state carry it on.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import urlencode

import flask
from dash import html

from essa_dash.query.state import query_pairs
from essa_dash.text import LANGUAGES, resolve_language, tr, use_language

SWITCHER_ID = "language-switcher"


def request_language(param: object = None) -> str:
    """The language of this request: ``param`` (the URL's ``lang``) if it names one, else the Accept-Language header."""
    header = flask.request.headers.get("Accept-Language") if flask.has_request_context() else None
    return resolve_language(param if isinstance(param, str) else None, header)


def in_language(layout: Callable[..., Any]) -> Callable[..., Any]:
    """A page layout drawn in the language of its URL (or of the browser)."""

    @functools.wraps(layout)
    def drawn(**url: Any) -> Any:
        with use_language(request_language(url.get("lang"))):
            return layout(**url)

    return drawn


def install(server: flask.Flask) -> None:
    """Every request of ``server`` (API, embeds, images, slides, presenting) is written in its language.

    ``lang=`` decides, else Accept-Language; a page's layout still follows its own URL
    (:func:`in_language`). An answer chosen by the header says so in ``Vary``, so no cache
    between server and browser hands a Vietnamese answer to an English browser.
    """

    @server.before_request
    def _enter_language() -> None:
        scope = use_language(request_language(flask.request.args.get("lang")))
        scope.__enter__()
        flask.g.language_scope = scope

    @server.after_request
    def _vary(response: flask.Response) -> flask.Response:
        if "lang" not in flask.request.args:
            response.vary.add("Accept-Language")
        return response

    @server.teardown_request
    def _leave_language(_error: BaseException | None) -> None:
        scope = flask.g.pop("language_scope", None)
        if scope is not None:
            scope.__exit__(None, None, None)


def search_lang(search: str | None) -> str | None:
    """The ``lang`` a query string names, if any (none in a link past the parameter cap: it is not read)."""
    return dict(query_pairs(search) or ()).get("lang")


def search_language(search: str | None) -> str:
    """The language of a page from its query string (``?country=VNM&lang=vi``)."""
    return request_language(search_lang(search))


def language_links(pathname: str, search: str | None, current: str) -> html.Nav:
    """One link per language, each named in itself, to the same view (a full load, so ``<html lang>`` follows).

    A link past the parameter cap draws the page's default view: its links are to that.
    """
    params: Mapping[str, str] = {name: value for name, value in query_pairs(search) or () if value}
    links = []
    for code, lang in LANGUAGES.items():
        query = urlencode({**{k: v for k, v in params.items() if k != "lang"}, "lang": code}, safe=",")
        links.append(
            html.A(
                lang.name,
                href=f"{pathname}?{query}",
                lang=code,
                hrefLang=code,
                className="language-link" + (" current" if code == current else ""),
                **({"aria-current": "true"} if code == current else {}),
            )
        )
    return html.Nav(links, id=SWITCHER_ID, className="language-switcher", **{"aria-label": tr("Language")})
