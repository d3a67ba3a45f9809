"""Which fonts draw a language: the scripts the dashboard serves fonts for, and the font stack of a language.

Latin and Vietnamese text uses the system fonts of the page's stack. Thai, Khmer, Lao
and Burmese may be missing from a visitor's device, so the app serves Noto subsets for
them (``assets/fonts/``, declared in ``assets/fonts.css`` and used only on pages in that
language: an English page never downloads them), and images and slides are drawn with
Debian's ``fonts-noto-core`` of the same families. The webfont family is named apart
(``ESSA Noto Sans Thai``) so that a device's own Noto is never shadowed by a subset.
"""

from __future__ import annotations

from essa_dash.text.catalog import LANGUAGES
from essa_dash.text.context import current_language

#: ISO 15924 script -> the Noto family that draws it (installed by fonts-noto-core, served as a subset).
SCRIPT_FONTS = {"Thai": "Noto Sans Thai", "Khmr": "Noto Sans Khmer", "Laoo": "Noto Sans Lao", "Mymr": "Noto Sans Myanmar"}
WEB_PREFIX = "ESSA "


def script_font(lang: str | None = None) -> str | None:
    """The Noto family a language's script needs beyond the Latin stack (None for Latin-script languages)."""
    language = LANGUAGES.get(lang or current_language())
    return SCRIPT_FONTS.get(language.script) if language else None


def font_stack(base: str, lang: str | None = None) -> str:
    """``base`` (a CSS font-family list) with the language's script fonts first: the served subset, then the system's."""
    font = script_font(lang)
    return f"{WEB_PREFIX}{font}, {font}, {base}" if font else base


#: Ascent and descent, in em, of the font that draws each script (hhea of Debian's fonts-noto-core; Latin: Noto
#: Sans). A line's box reaches that far above and below its baseline: Burmese's stacked marks make its box 60 %
#: taller than Latin's, so a layout measured for Latin text cuts a Burmese title at the top.
LINE_BOX_EM = {"Latn": (1.069, 0.293), "Thai": (1.061, 0.45), "Khmr": (1.069, 0.293), "Laoo": (1.183, 0.462), "Mymr": (1.324, 0.86)}


def line_box(lang: str | None = None) -> tuple[float, float]:
    """(ascent, descent) in em of a line of text in the language (default: the current one)."""
    language = LANGUAGES.get(lang or current_language())
    return LINE_BOX_EM.get(language.script if language else "Latn", LINE_BOX_EM["Latn"])


def taller_than_latin(lang: str | None = None) -> tuple[float, float]:
    """How much further (em) a line of the language reaches above and below its baseline than a Latin one."""
    (ascent, descent), (latin_ascent, latin_descent) = line_box(lang), LINE_BOX_EM["Latn"]
    return max(0.0, ascent - latin_ascent), max(0.0, descent - latin_descent)
