"""Breaking a sentence into lines that fit a width: the one place that decides where a line ends.

Plotly never wraps a title, a subtitle or an annotation: without explicit breaks a
long one runs off the chart. Every chart text that may be long (titles, definitions,
source lines, "the rest" notes) is broken here, for the width of the frame it is
drawn in (see :mod:`essa_dash.figures.frames`).

Lines break between words: at spaces in the languages that write them, and at ICU's
dictionary word boundaries in Thai, Khmer, Lao and Burmese, which write words without
spaces (see :mod:`essa_dash.text.segment`); a line never ends inside a word, except,
where the caller allows it (a column's narrow header), right after a word's hyphen.
"""

from __future__ import annotations

import re

from essa_dash.text.catalog import LANGUAGES
from essa_dash.text.context import current_language
from essa_dash.text.segment import segments

#: Inside a word, right after its hyphen: "Sekurang-|kurangnya", "Timor-|Leste" (never a leading or lone "-").
_AFTER_HYPHEN = re.compile(r"(?<=\w-)(?=\w)")


def break_points(text: str, lang: str | None = None, *, hyphens: bool = False) -> list[str]:
    """The pieces of ``text``, in order, between which a line may end (each keeps its trailing spaces).

    ``lang``: the language the text is written in (default: the current request's, which is what charts draw in).
    ``hyphens``: a line may also end after the hyphen inside a word (the hyphen stays on the first line).
    """
    lang = lang or current_language()
    language = LANGUAGES.get(lang)
    dictionary = bool(language and language.needs_segmenter)
    pieces = segments(text, (language.babel if language else None) or lang, dictionary=dictionary)
    return [part for piece in pieces for part in _AFTER_HYPHEN.split(piece)] if hyphens else pieces


def _fill(pieces: list[str], width: int) -> list[str]:
    """Greedy: each line takes pieces while it stays within ``width`` (a piece longer than that gets its own line)."""
    lines: list[str] = []
    line = ""
    for piece in pieces:
        if line and len((line + piece).rstrip()) > width:
            lines.append(line.rstrip())
            line = piece
        else:
            line += piece
    lines.append(line.rstrip())
    return lines


def wrap(text: str, max_chars: int, lang: str | None = None, *, hyphens: bool = False) -> list[str]:
    """``text`` in as few lines of at most ``max_chars`` characters as possible, of even length.

    Even: the same number of lines as a greedy fill, but as short as that allows, so a
    title never leaves one word alone on its last line. Breaks already in the text
    (``<br>``, newlines) are dropped first: the caller's width, not an older one, decides.
    A single word longer than ``max_chars`` gets a line of its own, whole. Empty text
    is one empty line. ``hyphens``: see :func:`break_points`.
    """
    plain = " ".join(text.replace("<br>", " ").split())
    if not plain:
        return [""]
    pieces = break_points(plain, lang, hyphens=hyphens)
    limit = max(1, max_chars)
    lines = _fill(pieces, limit)
    for width in range(-(-len(plain) // len(lines)), limit):
        even = _fill(pieces, width)
        if len(even) == len(lines):
            return even
    return lines
