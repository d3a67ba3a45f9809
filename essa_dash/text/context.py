"""The language of the work in progress: a request, a deck, an export, a test.

A context variable rather than a global: two threads of one server answer two
visitors in two languages at once, and each sees its own. Code that draws for a
language wraps the work in :func:`use_language`; nothing sets it and leaves it set,
so a request can never inherit the previous visitor's language.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from essa_dash.text.catalog import SOURCE_LANGUAGE, language

_current: ContextVar[str] = ContextVar("essa_language", default=SOURCE_LANGUAGE)


def current_language() -> str:
    """The code of the language being written (``en`` unless :func:`use_language` says otherwise)."""
    return _current.get()


@contextmanager
def use_language(code: str | None) -> Iterator[str]:
    """Write in ``code`` inside the block (an unknown or empty code: English); yields the code used."""
    chosen = language(code).code if code else SOURCE_LANGUAGE
    token = _current.set(chosen)
    try:
        yield chosen
    finally:
        _current.reset(token)
