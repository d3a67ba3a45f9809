"""``tr`` and ``trn``: a message in the current language, placeholders filled in after translation."""

from __future__ import annotations

from essa_dash.text.catalog import catalog
from essa_dash.text.context import current_language


def mark(message: str) -> str:
    """Mark a constant for the catalog without translating it now (``tr(LABEL)`` translates it when shown)."""
    return message


def tr(message: str, /, **values: object) -> str:
    """``message`` in the current language (English where the catalog has no translation), then ``format(**values)``."""
    translated = catalog(current_language()).singular.get(message, message)
    return translated.format(**values) if values else translated


def trn(singular: str, plural: str, n: int, /, **values: object) -> str:
    """The plural form of the current language for ``n``; ``{n}`` is always available to the message."""
    found = catalog(current_language())
    forms = found.plural.get((singular, plural))
    if forms:
        index = found.plural_index(n)
        text = forms[index] if index < len(forms) else forms[-1]
    else:
        text = singular if n == 1 else plural
    return text.format(n=n, **values)
