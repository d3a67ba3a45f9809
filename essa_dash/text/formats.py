"""Numbers and dates as the reader's language writes them (Babel, CLDR data).

One formatter per kind of number, so a value reads the same in a bar label, a
sentence, a tile and a slide ("52.3%" in English, "52,3%" in Indonesian and
Vietnamese). Data years are Gregorian in every locale and never grouped ("2021",
not "2,021"). Missing values become the words "no data", never a zero.
"""

from __future__ import annotations

import math
from datetime import date
from functools import lru_cache

import pandas as pd
from babel.dates import format_date
from babel.numbers import format_decimal, format_percent, get_decimal_symbol, get_group_symbol

from essa_dash.text.catalog import language
from essa_dash.text.context import current_language
from essa_dash.text.translate import tr


def _locale() -> str:
    return language(current_language()).babel or "en"


def _missing(value: object) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value)) or str(value) in ("<NA>", "nan")


def _pattern(digits: int) -> str:
    return "#,##0" + ("." + "0" * digits if digits > 0 else "")


def fmt_pct(value: float | None, digits: int = 1) -> str:
    """A coverage figure (0-100) as a percentage: ``52.3%``; ``digits=0`` as reports quote headlines (``73%``)."""
    if _missing(value):
        return tr("no data")
    number = float(value)
    # -0.0 and 0.0 are one key of the cache, and Babel writes them "-0.0%" and "0.0%": a zero is not cached
    return _format_percent(number, digits, _locale()) if number == 0 else _percent(number, digits, _locale())


def _format_percent(value: float, digits: int, locale: str) -> str:
    return format_percent(value / 100, format=_pattern(digits) + "%", locale=locale)


#: A view labels 50-60 bars, dots and sentences, mostly with figures other views label too: Babel's pattern
#: formatting (about 0.06 ms a call) is done once per figure, precision and language.
_percent = lru_cache(maxsize=8192)(_format_percent)


def fmt_pcts(values: pd.Series, digits: int = 1) -> pd.Series:
    """:func:`fmt_pct` over a column (chart labels), as strings; a missing value reads "no data"."""
    return values.map(lambda v: fmt_pct(v, digits)).astype("str")


def fmt_num(value: float | None, digits: int = 1) -> str:
    """A plain number with the locale's separators (``1,234.5``)."""
    if _missing(value):
        return tr("no data")
    return format_decimal(float(value), format=_pattern(digits), locale=_locale())


def fmt_published(value: float | None) -> str:
    """A value with the decimals it was published with (``52.347``, ``8.1``, ``12``), in the locale's separators.

    A table of published figures shows each as its source wrote it: a fixed number of
    digits would round some and invent zeros for others.
    """
    if _missing(value):
        return tr("no data")
    digits = len(f"{float(value):.6f}".rstrip("0").split(".")[1])  # at most 6: what a float holds of a published figure
    return fmt_num(value, digits)


def fmt_int(value: int) -> str:
    """A count with the locale's group separator (``1,178``)."""
    return format_decimal(int(value), format="#,##0", locale=_locale())


def fmt_points(delta: float, digits: int = 1) -> str:
    """A change in percentage points, signed: ``+3.2``, ``-0.4``, ``0.0`` (the word "points" is the caller's)."""
    text = fmt_num(abs(delta), digits)
    rounded = round(float(delta), digits)
    return ("+" if rounded > 0 else "-" if rounded < 0 else "") + text


def fmt_millions(value: float, digits: int = 1) -> str:
    """People in millions, the number only (``12.3``); the sentence says "million"."""
    return fmt_num(value / 1e6, digits)


def fmt_year(year: object) -> str:
    """A data year as the source stamps it (Gregorian, no separators), or "year not stated"."""
    if _missing(year):
        return tr("year not stated")
    return str(int(year))  # type: ignore[call-overload]


def fmt_date(day: date, style: str = "long") -> str:
    """A calendar date (a build date, a date of access) in the locale's words: ``1 December 2026``."""
    return format_date(day, format=style, locale=_locale())


def plotly_separators() -> str:
    """plotly.js ``layout.separators`` for the locale: decimal mark then thousands mark (``".,"``, ``",."``)."""
    locale = _locale()
    return get_decimal_symbol(locale) + get_group_symbol(locale)
