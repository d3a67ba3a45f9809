"""Catalog upkeep: extract the messages from the code, update each language, check them, count them.

``essa-dash i18n extract|update|compile|status`` calls these. The template
(``essa_dash/locale/messages.pot``) is what the code asks for (every ``tr``,
``trn`` and ``mark`` call); each language's ``.po`` is the template plus its
translations, in the gettext layout a translation platform (Weblate, Pontoon,
Crowdin) imports as it is.

Convention for honesty: a translation written without a person's review carries
the flag ``unreviewed`` (``#, unreviewed``); a reviewer removes the flag, and only
then does the message count as reviewed on ``/languages``. ``fuzzy`` keeps its
gettext meaning (a guess by ``update`` after the English changed): not shown.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from babel.messages.catalog import Catalog as PoCatalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po

from essa_dash.paths import DEFAULT_DATA_DIR, PACKAGE_DIR, reference_dir
from essa_dash.text import names
from essa_dash.text.catalog import LANGUAGES, LOCALE_DIR, SOURCE_LANGUAGE, UNREVIEWED, catalog, catalog_path

TEMPLATE = LOCALE_DIR / "messages.pot"
#: The calls that carry messages: ``tr(msg)``, ``trn(singular, plural, n)``, ``mark(msg)``.
KEYWORDS = {"tr": None, "trn": (1, 2), "mark": None}
PROJECT = "ESSA Dash"
COPYRIGHT = "the ESSA Dash contributors"
REFERENCE_NOTE = "Reference data: names and definitions translate the ILO's English wording; keep its meaning exact."
_DATES = re.compile(rb'^"(POT-Creation-Date|PO-Revision-Date): .*\\n"$', re.MULTILINE)
_PLACEHOLDER = re.compile(r"\{(\w*)[^{}]*\}")


def placeholders(text: str) -> set[str]:
    """The ``{name}`` fields of a message (``{{`` is a literal brace, not a field)."""
    return set(_PLACEHOLDER.findall(text.replace("{{", "").replace("}}", "")))


def extract(root: Path = PACKAGE_DIR) -> PoCatalog:
    """Every message the package asks for, with the files that ask, and the reader-facing words of the reference tables."""
    template = PoCatalog(project=PROJECT, copyright_holder=COPYRIGHT, charset="utf-8", fuzzy=False)
    method_map = [("**/locale/**", "ignore"), ("**.py", "python")]
    for filename, lineno, message, comments, _context in extract_from_dir(
        root, method_map=method_map, keywords=KEYWORDS, comment_tags=("TRANSLATORS:",), strip_comment_tags=True
    ):
        text = message if isinstance(message, str) else message[0]
        flags = ("python-brace-format",) if placeholders(text) else ()
        template.add(message, None, [(f"essa_dash/{filename}", lineno)], auto_comments=comments, flags=flags)
    reference = reference_dir(DEFAULT_DATA_DIR)
    tables = {table: pd.read_csv(reference / f"{table}.csv", dtype=str, keep_default_na=False) for table in names.TRANSLATED_COLUMNS}
    for table, text in names.reference_messages(tables):
        template.add(text, None, [(f"data/reference/{table}.csv", None)], auto_comments=[REFERENCE_NOTE])
    return template


def _write(path: Path, po: PoCatalog) -> None:
    """Write a catalog, unless only its dates would change (so an unchanged catalog never conflicts in a merge).

    Locations name the file, not the line: a line number would change the catalogs
    whenever anyone edits code above a message.
    """
    buffer = io.BytesIO()
    write_po(buffer, po, width=120, sort_output=False, include_lineno=False)
    new = buffer.getvalue()
    if path.is_file() and _DATES.sub(b"", path.read_bytes()) == _DATES.sub(b"", new):
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(new)


def write_template(template: PoCatalog, path: Path = TEMPLATE) -> None:
    _write(path, template)


def read(path: Path, locale: str | None = None) -> PoCatalog:
    with path.open("rb") as handle:
        return read_po(handle, locale=locale)


def update(template: PoCatalog, codes: Iterable[str] | None = None) -> list[str]:
    """Bring each language's catalog up to the template (new messages empty, gone ones dropped); the codes written."""
    written = []
    for code in codes or [c for c in LANGUAGES if c != SOURCE_LANGUAGE]:
        path = catalog_path(code)
        po = (
            read(path, LANGUAGES[code].babel)
            if path.is_file()
            else PoCatalog(
                locale=LANGUAGES[code].babel,
                project=PROJECT,
                copyright_holder=COPYRIGHT,
                language_team=LANGUAGES[code].english_name,
                fuzzy=False,
            )
        )
        po.update(template, no_fuzzy_matching=True)
        po.obsolete.clear()  # a message the code no longer asks for is gone, not kept as a #~ comment
        _write(path, po)
        written.append(code)
    return written


@dataclass(frozen=True)
class Problem:
    path: Path
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path.relative_to(PACKAGE_DIR.parent)}:{self.line}: {self.message}"


def check(template: PoCatalog | None = None) -> list[Problem]:
    """What would break a language, for every catalog (the ``compile`` step).

    The app reads the ``.po`` files themselves, so there is no binary to build, but a
    translator's mistake is caught here, naming the file and line.
    """
    template = template or read(TEMPLATE)
    wanted = {m.id for m in template if m.id}
    problems: list[Problem] = []
    for code in LANGUAGES:
        path = catalog_path(code)
        if code != SOURCE_LANGUAGE and path.is_file():
            problems += check_catalog(path, read(path, LANGUAGES[code].babel), wanted)
    return problems


def check_catalog(path: Path, po: PoCatalog, wanted: set[str | tuple[str, ...]]) -> list[Problem]:
    """One catalog against the template: no message missing or stale, plural forms counted, placeholders kept."""
    problems = [Problem(path, 0, f"missing message {m!r}: run `essa-dash i18n update`") for m in wanted - {m.id for m in po if m.id}]
    for message in po:
        if not message.id:
            continue
        line = message.lineno or 0
        if message.id not in wanted:
            problems.append(Problem(path, line, f"message no longer used: {message.id!r}: run `essa-dash i18n update`"))
        plural = isinstance(message.id, tuple)
        ids = message.id if plural else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if plural and len(strings) != po.num_plurals:
            problems.append(Problem(path, line, f"{len(strings)} plural forms, the language has {po.num_plurals}"))
        expected = set().union(*(placeholders(i) for i in ids))
        for text in (t for t in strings if t):
            fields = placeholders(text)
            # a plural form may leave out {n} ("one risk"), never another field, and may add none
            if fields - expected or (expected - {"n"} if plural else expected) - fields:
                problems.append(Problem(path, line, f"placeholders {sorted(fields)} differ from the English {sorted(expected)}"))
    return problems


@dataclass(frozen=True)
class LanguageStatus:
    """How complete a language is: messages in the template, translated, reviewed by a person."""

    code: str
    strings: int
    translated: int
    reviewed: int

    @property
    def share(self) -> float:
        return 100 * self.translated / self.strings if self.strings else 0.0


def status() -> list[LanguageStatus]:
    """Per language, the counts ``/languages`` and ``essa-dash i18n status`` show (English: the source, complete)."""
    strings = sum(1 for m in read(TEMPLATE) if m.id) if TEMPLATE.is_file() else 0
    rows = []
    for code in LANGUAGES:
        if code == SOURCE_LANGUAGE:
            rows.append(LanguageStatus(code, strings, strings, strings))
            continue
        found = catalog(code)
        rows.append(LanguageStatus(code, strings, found.translated, found.reviewed))
    return rows


__all__ = [
    "KEYWORDS",
    "TEMPLATE",
    "UNREVIEWED",
    "LanguageStatus",
    "check",
    "check_catalog",
    "extract",
    "placeholders",
    "status",
    "update",
    "write_template",
]
