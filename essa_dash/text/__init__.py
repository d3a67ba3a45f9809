"""Every word a person reads, and every number and date written for them: the one text layer.

Queries return frames and figures take words; the sentences, captions, labels and
notices between them are made here, in the language of the request. Catalogs are
gettext ``.po`` files (``essa_dash/locale/<lang>/LC_MESSAGES/messages.po``), the
layout every translation platform reads; English is the source language and needs
no catalog. How to use it::

    from essa_dash.text import tr, trn, mark, fmt_pct, use_language

    tr("Highest: {country} {value} ({year})", country=name, value=fmt_pct(82.6), year=fmt_year(2021))
    trn("{n} risk has no data", "{n} risks have no data", count)
    LABELS = {"female": mark("Women")}   # a constant: marked for extraction, translated when shown
    with use_language("vi"): ...         # the language of a request, a deck, an export

Placeholders are ``{name}`` (``str.format``), filled in *after* translation so that a
translation may move them; numbers are formatted by the caller with the ``fmt_*``
functions (numbers never reach a translator). The functions are named ``tr`` rather
than gettext's ``_``, because ``view, _ = ...`` is common in this code base and would
shadow it.
"""

from __future__ import annotations

from essa_dash.text.catalog import LANGUAGES, Language, language, resolve_language
from essa_dash.text.context import current_language, use_language
from essa_dash.text.formats import (
    fmt_date,
    fmt_int,
    fmt_millions,
    fmt_num,
    fmt_pct,
    fmt_pcts,
    fmt_points,
    fmt_published,
    fmt_year,
    plotly_separators,
)
from essa_dash.text.translate import mark, tr, trn

__all__ = [
    "LANGUAGES",
    "Language",
    "current_language",
    "fmt_date",
    "fmt_int",
    "fmt_millions",
    "fmt_num",
    "fmt_pct",
    "fmt_pcts",
    "fmt_points",
    "fmt_published",
    "fmt_year",
    "language",
    "mark",
    "plotly_separators",
    "resolve_language",
    "tr",
    "trn",
    "use_language",
]
