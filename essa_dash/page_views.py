"""The page view a pages-router request asks for, in one spelling: what the answer store keys a drawn page on.

A page is drawn from its path and the state its layout parses from the query
(``vocabulary.parse(url, accept=QUERY)``), in the language :func:`in_language` picks. So
``?edition=ilostat-2025&sex=female``, ``?sex=FEMALE&edition=ILOSTAT%202025`` and
``?sex=female&edition=ilostat-2025`` are one drawing, and ``?lang=vi`` is the same answer
for an English and a Thai browser. Keyed on the raw query string, each spelling was its
own cold view (the precomputed ones were almost never the ones visitors sent).

The key is the *parsed* state, not the view the page resolves it to (``edition`` left out
meaning the latest): resolving runs queries (milliseconds on every hit), and a resolved
view comes with notices that differ by spelling (an edition a country lacks is named
in a notice; left out, it is not). Anything the parse does not fully account for has no
view key, and the store keys it on its raw body as before: a parameter the page does not
read, a value refused or blank, a repeated one, and ``release=`` (a pinned page parses
with its release's vocabulary and refuses what that release lacks in the words typed).
A link past the parameter cap is none of those: nothing of it is read, so every such link
to a page is one drawing (the page's default view and the notice), drawn once.

A link whose only faults are in its words (parameters the page does not read, values
refused) draws the page of the state it parses to, with a notice naming each fault. Such
links are endless (30 invented names each, new every time: 0.04-0.9 s of a worker's CPU
apiece), so they are not drawn: :func:`noticed` names the same view with one placeholder
problem (the parameter :data:`NOTICE`) in place of the link's, a drawing stored once per
view like any other (:func:`view_key` keys it), and essa_dash.page_notices puts the
link's own problems in the placeholder's place.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any
from urllib.parse import urlencode

import flask

from essa_dash import guard
from essa_dash.components.language import search_lang
from essa_dash.errors import DataError
from essa_dash.query.state import TOO_MANY, Problem, Vocabulary, read_query
from essa_dash.serving import router_payload
from essa_dash.store import Store, get_store
from essa_dash.text import resolve_language

#: The parameter a pinned page parses with another release's vocabulary: never folded.
PINNED = "release"
#: The parameter no page reads that stands for a link's problems in its view's one drawing (a NUL: in no name typed by accident).
NOTICE = "\x00notice"


def _page(pathname: str, strip: Callable[[str], str]) -> ModuleType | None:
    """The page module drawn at ``pathname`` if it declares the parameters it reads (``QUERY``), else None."""
    page = guard.page_of((strip(pathname) or "").strip("/"))
    module = importlib.import_module(page["module"]) if page.get("module") else None
    return module if getattr(module, "QUERY", None) is not None else None


def _placeholder_only(problems: list[Problem]) -> bool:
    """The parse found one problem, the placeholder parameter :data:`NOTICE`: the drawing a link's own problems go into."""
    return len(problems) == 1 and problems[0].code == "unknown_parameter" and problems[0].param == NOTICE


def view_key(store: Store, pathname: str, search: str | None, accept_language: str | None, *, strip: Callable[[str], str]) -> str | None:
    """``path?canonical-query`` and the language the page is drawn in, or None when the request must be keyed as sent.

    ``strip`` removes the app's path prefix, as Dash's router does before it looks the page up.
    """
    query = read_query(search)  # exactly what the router hands the layout (app.create_app)
    if TOO_MANY in query:  # none of it is read: every such link to a page is its default view and one notice
        return f"{pathname}\x00{TOO_MANY}\x00{resolve_language(None, accept_language)}"
    if PINNED in query or not all(isinstance(value, str) and value.strip() for value in query.values()):
        return None
    page = _page(pathname, strip)
    if page is None:
        return None
    vocabulary = Vocabulary.from_store(store)
    state, problems = vocabulary.parse(query, accept=page.QUERY)
    if problems and not _placeholder_only(problems):
        return None
    placeholder = f"\x00{NOTICE}" if problems else ""
    return f"{pathname}{vocabulary.encode(state)}\x00{resolve_language(query.get('lang'), accept_language)}{placeholder}"


def keyer(root: Path, strip: Callable[[str], str]) -> Callable[[str, str | None, str | None], str | None]:
    """:func:`view_key` on the current data of ``root``, for the answer store (essa_dash.callback_cache.install)."""
    return lambda pathname, search, accept_language: view_key(get_store(root), pathname, search, accept_language, strip=strip)


@dataclass(frozen=True)
class Noticed:
    """A page link with problems in its words: where its view is drawn once, and what its own notice names."""

    #: the query string of the link's view with the placeholder parameter in place of its problems
    template: str
    #: the placeholder's problem, as the page words it in the drawing
    placeholder: Problem
    #: the link's own problems, as the page's parse lists them (``ESSA_MAX_PROBLEMS``, then "and N more")
    problems: list[Problem]
    #: the language the page is drawn in
    language: str


def read(pathname: str, search: str | None, strip: Callable[[str], str]) -> tuple[ModuleType, Mapping[str, Any]] | None:
    """The page at ``pathname`` and its URL parameters as its layout gets them, or None: no page that reads a query, or past the cap.

    One text per name (guard.one_value_each), the path variables taken from the path only (guard.from_path).
    """
    query = read_query(search)
    page = _page(pathname, strip)
    if TOO_MANY in query or page is None:
        return None
    variables = guard.path_names(page.PATH)
    return page, {name: ",".join(value) if isinstance(value, list) else value for name, value in query.items() if name not in variables}


def noticed(store: Store, pathname: str, search: str | None, accept_language: str | None, *, strip: Callable[[str], str]) -> Noticed | None:
    """The view a link with problems draws and its problems, or None when its answer is not the view's with its notice.

    None for a link without problems, past the parameter cap, pinned to a release (the
    pinned banner repeats the link's query), the placeholder's own drawing, and a link whose
    ``lang=`` the page and its title read otherwise than the parse (``lang=vi%20``,
    ``lang=vi&lang=th``): those are drawn as before (see :func:`faulty`).
    """
    found = read(pathname, search, strip)
    if found is None or PINNED in found[1]:
        return None
    page, url = found
    vocabulary = Vocabulary.from_store(store)
    state, problems = vocabulary.parse(url, accept=page.QUERY)
    if not problems or _placeholder_only(problems):
        return None
    language = resolve_language(state.lang, accept_language)
    lang = url.get("lang")
    # the page is written in the language its lang= names (in_language), its title in the last lang= (app._page_title)
    if resolve_language(lang if isinstance(lang, str) else None, accept_language) != language:
        return None
    if resolve_language(search_lang(search), accept_language) != language:
        return None
    encoded = vocabulary.encode(state)
    template = f"{encoded}{'&' if encoded else '?'}{urlencode({NOTICE: '1'})}"
    placeholder = vocabulary.parse(read_query(template), accept=page.QUERY)[1]
    if not _placeholder_only(placeholder):  # a parameter cap set below the view's own parameters
        return None
    return Noticed(template, placeholder[0], problems, language)


def faulty(store: Store, pathname: str, search: str | None, *, strip: Callable[[str], str]) -> bool:
    """Whether a page link has problems in its words that its page's notice names (a pinned link: in its release's words).

    Such a link that :func:`noticed` cannot put together is drawn afresh for every spelling
    (a pinned one with invented names); essa_dash.page_notices hands those to the heavy lane.
    """
    found = read(pathname, search, strip)
    if found is None:
        return False
    page, url = found
    if PINNED in url:
        try:
            store = get_store(store.root, release=str(url[PINNED]))
        except DataError:  # the page says the release is not kept, and draws nothing else
            return False
    problems = Vocabulary.from_store(store).parse(url, accept=page.QUERY)[1]
    return bool(problems) and not _placeholder_only(problems)


#: Headers of a request a page's drawing depends on (language, viewport frame), passed on to the router.
FORWARDED = ("Accept-Language", "Cookie")


def drawing(pathname: str, search: str, headers: Mapping[str, str]) -> bytes | None:
    """The JSON of the pages router's answer for ``pathname`` and ``search`` (through the answer store), or None unless a 200.

    Asked as a browser asks, with the request's ``headers`` (:data:`FORWARDED` of them), in an
    application context of its own: the router's request must not share (and reset) this
    request's flask.g. In the encoding browsers ask for (a precomputed view is stored under
    it, essa_dash.precompute); no cookie jar: Werkzeug's would replace the Cookie header (the
    viewport's frame) with its own, empty one.
    """
    import brotli

    server = flask.current_app
    forwarded = {name: headers[name] for name in FORWARDED if name in headers}
    with server.app_context():
        response = server.test_client(use_cookies=False).post(
            guard.CALLBACK_PATH, json=router_payload(pathname, search), headers={**forwarded, "Accept-Encoding": "br"}
        )
        body = response.get_data()
    # closing the drawing runs the answer store's work after an answer (next_views queues the views one click away):
    # once this request's own answer is sent, as a WSGI server would, not before it
    if flask.has_request_context():
        flask.after_this_request(lambda sent: _closing_after(sent, response.close))
    else:
        response.close()
    if response.status_code != 200:
        return None
    return brotli.decompress(body) if response.headers.get("Content-Encoding") == "br" else body


def _closing_after(sent: flask.Response, close: Callable[[], object]) -> flask.Response:
    sent.call_on_close(close)
    return sent
