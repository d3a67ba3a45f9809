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
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from pathlib import Path

from essa_dash import guard
from essa_dash.query.state import TOO_MANY, Vocabulary, read_query
from essa_dash.store import Store, get_store
from essa_dash.text import resolve_language

#: The parameter a pinned page parses with another release's vocabulary: never folded.
PINNED = "release"


def view_key(store: Store, pathname: str, search: str | None, accept_language: str | None, *, strip: Callable[[str], str]) -> str | None:
    """``path?canonical-query`` and the language the page is drawn in, or None when the request must be keyed as sent.

    ``strip`` removes the app's path prefix, as Dash's router does before it looks the page up.
    """
    query = read_query(search)  # exactly what the router hands the layout (app.create_app)
    if TOO_MANY in query:  # none of it is read: every such link to a page is its default view and one notice
        return f"{pathname}\x00{TOO_MANY}\x00{resolve_language(None, accept_language)}"
    if PINNED in query or not all(isinstance(value, str) and value.strip() for value in query.values()):
        return None
    page = guard.page_of((strip(pathname) or "").strip("/"))
    accept = getattr(importlib.import_module(page["module"]), "QUERY", None) if page.get("module") else None
    if accept is None:
        return None
    vocabulary = Vocabulary.from_store(store)
    state, problems = vocabulary.parse(query, accept=accept)
    if problems:
        return None
    return f"{pathname}{vocabulary.encode(state)}\x00{resolve_language(query.get('lang'), accept_language)}"


def keyer(root: Path, strip: Callable[[str], str]) -> Callable[[str, str | None, str | None], str | None]:
    """:func:`view_key` on the current data of ``root``, for the answer store (essa_dash.callback_cache.install)."""
    return lambda pathname, search, accept_language: view_key(get_store(root), pathname, search, accept_language, strip=strip)
