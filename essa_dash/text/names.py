"""Names in the reader's language: countries and regions from CLDR (Babel), risks and editions from the catalogs.

The store hands out its reference tables through these functions, so every page,
figure, export and slide names a country or a risk in the language being written,
while codes (``iso3``, ``risk``, ``edition``) never change. English keeps the
project's own short forms, as the ILO writes them (``Lao PDR``, ``Viet Nam``);
other languages take CLDR's name without its bracketed alias (CLDR's
``Myanmar (Burma)`` becomes ``Myanmar``). Aggregates CLDR has no code for
(``ASEAN``, ``Asia-Pacific``) are messages of the catalog like any other text.

Risk names and definitions are translations of the ILO's English wording, which
the definition panels also quote untranslated; a source's title, a citation and a
quotation are never translated.
"""

from __future__ import annotations

import re

import pandas as pd
from babel import Locale

from essa_dash.schema import Coverage as C
from essa_dash.text.catalog import SOURCE_LANGUAGE, language
from essa_dash.text.context import current_language
from essa_dash.text.translate import mark, tr

#: iso3 (or our aggregate code) -> CLDR territory code: ISO 3166 alpha-2 or UN M49 region.
TERRITORIES = {
    "BRN": "BN",
    "KHM": "KH",
    "IDN": "ID",
    "LAO": "LA",
    "MYS": "MY",
    "MMR": "MM",
    "PHL": "PH",
    "SGP": "SG",
    "THA": "TH",
    "TLS": "TL",
    "VNM": "VN",
    "SE_ASIA": "035",
    "ASIA": "142",
    "WLD": "001",
}
#: Reference table -> the columns whose words a reader sees and a translator translates (extracted into the catalog).
#: Never: source titles, citations, publishers, quotations (``headlines.source_quote``, ``risks.definition_source``).
TRANSLATED_COLUMNS = {
    "risks": ("label", "short_label", "definition", "numerator", "denominator"),
    "editions": ("year_basis", "description"),
    "headlines": ("statement",),
    "indicators": ("short_label", "definition"),  # never ``label``: the UN's own wording, quoted
    "countries": ("short_name", "covers"),  # short names only where CLDR has no territory (see reference_messages)
}
#: Coverage kinds (codes of ``schema.COVERAGE_KINDS``) as a word in a phrase ("effective coverage").
KIND_WORDS = {"effective": mark("effective"), "legal": mark("legal"), "survey": mark("survey-based")}
#: Sexes (codes of the URL vocabulary) as a control's choice.
SEX_LABELS = {"total": mark("Total"), "female": mark("Female"), "male": mark("Male")}
_ALIAS = re.compile(r"\s*\([^)]*\)$")


def kind_word(kind: str) -> str:
    """A coverage kind as a word in the current language (an unknown code as it is)."""
    return tr(KIND_WORDS[kind]) if kind in KIND_WORDS else kind


def sex_label(sex: str) -> str:
    """A sex code as a control shows it, in the current language."""
    return tr(SEX_LABELS[sex]) if sex in SEX_LABELS else sex


def country_name(iso3: str, english: str) -> str:
    """A country or region in the current language; ``english`` (the project's short form) in English."""
    code = current_language()
    if code == SOURCE_LANGUAGE:
        return english
    territory = TERRITORIES.get(iso3)
    babel = language(code).babel
    if territory is None or babel is None:
        return tr(english)
    name = Locale.parse(babel).territories.get(territory)
    if not name:
        return tr(english)
    name = _ALIAS.sub("", name)
    return name[:1].upper() + name[1:]


def countries(frame: pd.DataFrame) -> pd.DataFrame:
    """The countries table with ``name`` and ``short_name`` in the current language."""
    if current_language() == SOURCE_LANGUAGE:
        return frame
    short = [country_name(i, s) for i, s in zip(frame["iso3"], frame["short_name"], strict=True)]
    full = [country_name(i, n) if i in TERRITORIES else s for i, n, s in zip(frame["iso3"], frame["name"], short, strict=True)]
    covers = frame["covers"].map(lambda v: tr(v) if isinstance(v, str) and v else v) if "covers" in frame.columns else None
    return frame.assign(short_name=short, name=full, **({"covers": covers} if covers is not None else {}))


def translated(frame: pd.DataFrame, table: str) -> pd.DataFrame:
    """A reference table with its reader-facing columns in the current language (English where no translation)."""
    if current_language() == SOURCE_LANGUAGE:
        return frame
    columns = [c for c in TRANSLATED_COLUMNS[table] if c in frame.columns]
    return frame.assign(**{c: frame[c].map(lambda v: tr(v) if isinstance(v, str) and v else v) for c in columns})


def coverage(frame: pd.DataFrame, country_table: pd.DataFrame) -> pd.DataFrame:
    """The coverage table with its ``country`` name column in the current language (``iso3`` unchanged)."""
    if current_language() == SOURCE_LANGUAGE or C.country not in frame.columns:
        return frame
    names = countries(country_table).set_index("iso3")["short_name"]
    return frame.assign(**{C.country: frame[C.iso3].map(names).fillna(frame[C.country])})


def reference_messages(tables: dict[str, pd.DataFrame]) -> list[tuple[str, str]]:
    """(table, text) for every reader-facing value of the reference tables, for the catalog template."""
    found = []
    for table, columns in TRANSLATED_COLUMNS.items():
        for column in columns:
            frame = tables[table]
            if (table, column) == ("countries", "short_name"):
                frame = frame[~frame["iso3"].isin(list(TERRITORIES))]
            found += [(table, value) for value in frame[column].dropna().astype(str) if value.strip()]
    return found
