"""The languages the dashboard speaks, and their gettext catalogs.

A catalog is the standard ``essa_dash/locale/<code>/LC_MESSAGES/messages.po``,
read once per process with Babel (no compile step: there are no ``.mo`` files to
forget). A message counts as *translated* when its ``msgstr`` is filled and not
marked ``fuzzy``, and as *reviewed* when, in addition, a person has removed the
``unreviewed`` flag that machine-written or first-draft translations carry::

    #, python-brace-format, unreviewed
    msgid "No data"
    msgstr "Không có dữ liệu"

Untranslated messages fall back to English; :func:`status` counts them, so the
``/languages`` page and ``essa-dash i18n status`` say honestly how complete each
language is.
"""

from __future__ import annotations

import gettext
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from babel.messages.pofile import read_po

from essa_dash.paths import PACKAGE_DIR

LOCALE_DIR = PACKAGE_DIR / "locale"
DOMAIN = "messages"
SOURCE_LANGUAGE = "en"
#: The flag a translation carries until a person has reviewed it.
UNREVIEWED = "unreviewed"


@dataclass(frozen=True)
class Language:
    """A language the dashboard can be read in.

    ``babel`` is the CLDR locale for numbers, dates and territory names (None where
    CLDR has none: English's formats are used); ``script`` names the writing system,
    which decides the fonts served with the page and installed for images and slides.
    """

    code: str
    name: str  # the language's name in itself, as the switcher shows it
    english_name: str
    babel: str | None
    script: str = "Latn"
    #: Scripts written without spaces between words: lines break at dictionary word boundaries (ICU).
    needs_segmenter: bool = False


LANGUAGES: dict[str, Language] = {
    lang.code: lang
    for lang in (
        Language("en", "English", "English", "en"),
        Language("id", "Bahasa Indonesia", "Indonesian", "id"),
        Language("vi", "Tiếng Việt", "Vietnamese", "vi"),
        Language("th", "ไทย", "Thai", "th", "Thai", needs_segmenter=True),
        Language("km", "ខ្មែរ", "Khmer", "km", "Khmr", needs_segmenter=True),
        Language("lo", "ລາວ", "Lao", "lo", "Laoo", needs_segmenter=True),
        Language("my", "မြန်မာ", "Burmese", "my", "Mymr", needs_segmenter=True),
        Language("ms", "Bahasa Melayu", "Malay", "ms"),
        Language("fil", "Filipino", "Filipino", "fil"),
    )
}


def language(code: str | None) -> Language:
    """The language for a code (``vi``, ``vi-VN``, ``VI``); English for anything unknown."""
    if code:
        key = code.strip().replace("_", "-").lower()
        if key in LANGUAGES:
            return LANGUAGES[key]
        base = key.split("-")[0]
        if base in LANGUAGES:
            return LANGUAGES[base]
    return LANGUAGES[SOURCE_LANGUAGE]


def resolve_language(param: str | None, accept_language: str | None = None) -> str:
    """The language of a visit: ``lang=`` in the URL if it names one, else the browser's first known choice.

    ``accept_language`` is the raw header (``vi-VN,vi;q=0.9,en;q=0.8``); languages
    the dashboard does not speak are skipped, ``q=0`` refuses one.
    """
    if param and language(param).code == param.strip().lower():
        return param.strip().lower()
    choices: list[tuple[float, int, str]] = []
    for position, part in enumerate((accept_language or "").split(",")):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        if tag and quality > 0:
            choices.append((-quality, position, tag))
    for _, _, tag in sorted(choices):
        found = language(tag)
        if found.code != SOURCE_LANGUAGE or tag.lower().startswith(SOURCE_LANGUAGE):
            return found.code
    return SOURCE_LANGUAGE


@dataclass
class Catalog:
    """The translations of one language, as read from its ``.po`` file."""

    code: str
    singular: dict[str, str] = field(default_factory=dict)
    plural: dict[tuple[str, str], list[str]] = field(default_factory=dict)
    plural_index: Callable[[int], int] = field(default=lambda n: int(n != 1))
    total: int = 0
    translated: int = 0
    reviewed: int = 0


def catalog_path(code: str) -> Path:
    return LOCALE_DIR / code / "LC_MESSAGES" / f"{DOMAIN}.po"


@cache
def catalog(code: str) -> Catalog:
    """The catalog of a language, read once per process; an empty one for English or a missing file."""
    found = Catalog(code)
    path = catalog_path(code)
    if code == SOURCE_LANGUAGE or not path.is_file():
        return found
    with path.open("rb") as handle:
        po = read_po(handle, locale=LANGUAGES[code].babel if code in LANGUAGES else None)
    found.plural_index = gettext.c2py(po.plural_expr)
    for message in po:
        if not message.id:
            continue  # the header
        found.total += 1
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if message.fuzzy or not all(strings):
            continue
        found.translated += 1
        if UNREVIEWED not in message.flags:
            found.reviewed += 1
        if isinstance(message.id, tuple):
            found.plural[(message.id[0], message.id[1])] = list(strings)
        else:
            found.singular[message.id] = strings[0]
    return found
