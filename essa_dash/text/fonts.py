"""Which fonts draw a language: the scripts the dashboard serves fonts for, and the font stack of a language.

Latin and Vietnamese text uses the system fonts of the page's stack. Thai, Khmer, Lao
and Burmese may be missing from a visitor's device, so the app serves Noto subsets for
them (``assets/fonts/``, declared in ``assets/fonts.css`` and used only on pages in that
language: an English page never downloads them), and images and slides are drawn with
Debian's ``fonts-noto-core`` of the same families. The webfont family is named apart
(``ESSA Noto Sans Thai``) so that a device's own Noto is never shadowed by a subset.
"""

from __future__ import annotations

import functools
import re
import unicodedata

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


def line_scale(lang: str | None = None) -> float:
    """How many times as tall as a Latin line's box (ascent to descent) a line of the language is: 1.6 for Burmese."""
    (ascent, descent), (latin_ascent, latin_descent) = line_box(lang), LINE_BOX_EM["Latn"]
    return max(1.0, (ascent + descent) / (latin_ascent + latin_descent))


def taller_than_latin(lang: str | None = None) -> tuple[float, float]:
    """How much further (em) a line of the language reaches above and below its baseline than a Latin one."""
    (ascent, descent), (latin_ascent, latin_descent) = line_box(lang), LINE_BOX_EM["Latn"]
    return max(0.0, ascent - latin_ascent), max(0.0, descent - latin_descent)


#: Advance widths (1/1000 em) of printable ASCII, space to "~", in Noto Sans, the
#: theme's first font, read from NotoSans-Regular.ttf / NotoSans-Bold.ttf (hmtx).
_REGULAR = (
    "260 269 408 646 572 831 732 225 300 300 551 572 268 322 268 372 572 572 572 572 572 572 572 572 572 572 268 268 572 572 572 434 "
    "899 639 650 632 730 556 519 728 741 339 273 619 524 907 760 781 605 781 622 549 556 731 600 930 586 566 572 329 372 329 572 444 "
    "281 561 615 480 615 564 344 615 618 258 258 534 258 935 618 605 615 615 413 479 361 618 508 786 529 510 470 380 551 380 572"
)
_BOLD = (
    "260 286 472 646 572 901 750 266 339 339 545 572 285 322 285 413 572 572 572 572 572 572 572 572 572 572 285 285 572 572 572 477 "
    "897 690 672 637 740 560 549 724 765 389 331 664 565 943 813 796 628 796 660 551 579 756 650 967 667 624 579 331 413 331 572 411 "
    "362 604 633 514 633 591 387 633 657 305 305 620 305 982 657 619 633 633 454 497 434 657 569 856 578 569 488 394 551 394 572"
)
_ADVANCE = {
    False: dict(zip(map(chr, range(32, 127)), map(int, _REGULAR.split()), strict=True)),
    True: dict(zip(map(chr, range(32, 127)), map(int, _BOLD.split()), strict=True)),
}
#: Width of a glyph outside that table (accents, dashes, Thai, Khmer and Lao letters), in 1/1000 em.
OTHER_ADVANCE = 650
#: Width of a Myanmar letter, 1/1000 em: Noto Sans Myanmar's are wider (Chromium lays the catalog's Burmese out at
#: 710 a letter in the median string, 800 in the 90th percentile, once the marks below are not counted).
MYANMAR_ADVANCE = 800
#: Margin for error (rounding, hinting). The estimate matches Chromium's layout of
#: Noto Sans within 1 %; with DejaVu Sans as fallback (~8 % wider) wrapped text may
#: reach into the side margin but not off the image.
WIDTH_SAFETY = 1.03
_TAG = re.compile(r"<[^>]+>")


@functools.cache
def _advance(ch: str, bold: bool) -> int:
    """A character's estimated advance, 1/1000 em: a combining mark (Unicode Mn, Me: the vowel and tone marks that
    Thai, Khmer, Lao and Burmese stack over or under a letter) takes none; a spacing mark (Mc) is a letter's width."""
    if ch in _ADVANCE[bold]:
        return _ADVANCE[bold][ch]
    if unicodedata.category(ch) in ("Mn", "Me"):
        return 0
    return MYANMAR_ADVANCE if unicodedata.name(ch, "").startswith("MYANMAR") else OTHER_ADVANCE


def text_px(text: str, size: float, *, bold: bool = False) -> float:
    """Estimated width of ``text`` (tags ignored) at ``size`` px: slightly wide, so text sized by it fits.

    Also what the heatmap fits its column headers and cell texts with, for every frame.
    """
    return sum(_advance(ch, bold) for ch in _TAG.sub("", text)) * size / 1000 * WIDTH_SAFETY
