"""Breaking a sentence into lines that fit a width: the one place that decides where a line ends.

Plotly never wraps a title, a subtitle or an annotation: without explicit breaks a
long one runs off the chart. Every chart text that may be long (titles, definitions,
source lines, "the rest" notes) is broken here, for the width of the frame it is
drawn in (see :mod:`essa_dash.figures.frames`).

Lines break at spaces. ``lang`` is the seam for scripts written without spaces
between words (Thai, Khmer, Lao, Burmese): they need dictionary word boundaries
(ICU's BreakIterator), which :func:`break_points` is the place to add; until then a
text without spaces is kept whole rather than cut inside a word.
"""

from __future__ import annotations

import textwrap


def break_points(text: str, lang: str = "en") -> list[str]:
    """The words of ``text``, in order, between which a line may end (``lang`` picks the rule)."""
    del lang  # every language the catalog has today separates words with spaces
    return text.split()


def wrap(text: str, max_chars: int, lang: str = "en") -> list[str]:
    """``text`` in as few lines of at most ``max_chars`` characters as possible, of even length.

    Even: the same number of lines as a greedy fill, but as short as that allows, so a
    title never leaves one word alone on its last line. Breaks already in the text
    (``<br>``, newlines) are dropped first: the caller's width, not an older one, decides.
    A single word longer than ``max_chars`` gets a line of its own, whole. Empty text
    is one empty line.
    """
    words = break_points(text.replace("<br>", " "), lang)
    if not words:
        return [""]
    plain = " ".join(words)
    limit = max(1, max_chars)
    lines = textwrap.wrap(plain, limit, break_long_words=False, break_on_hyphens=False)
    for width in range(-(-len(plain) // len(lines)), limit):
        even = textwrap.wrap(plain, width, break_long_words=False, break_on_hyphens=False)
        if len(even) == len(lines):
            return even
    return lines
