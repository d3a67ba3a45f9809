"""The words for observation flags (``coverage.obs_flags``): a short label and a sentence per code.

Charts show the label beside a flagged value and the sentence in its hover text and in
"What the chart shows"; the grid, exports and the API carry the codes themselves.
"""

from __future__ import annotations

from essa_dash.schema import flag_codes
from essa_dash.text.translate import mark, tr

#: code -> (short label, sentence). Every code of ``schema.FLAGS`` has words (a test checks it).
FLAG_WORDS: dict[str, tuple[str, str]] = {
    "legal_estimate": (mark("legal-coverage estimate"), mark("Estimated from legal coverage, not from people actually covered.")),
    "modelled": (mark("modelled estimate"), mark("An ILO modelled estimate, not a reported figure.")),
    "estimated": (mark("estimated"), mark("The producer estimated this value.")),
    "break": (mark("break in series"), mark("A break in the series: the value is not comparable with the years before it.")),
    "revised": (mark("revised"), mark("Another release revised this value.")),
    "cross_check": (
        mark("sources disagree"),
        mark("A cross-check found another source giving a different value for this figure."),
    ),
    "implausible": (
        mark("check this figure"),
        mark("An unusually large jump from the previous value of the same series: check this figure."),
    ),
    "unreliable": (mark("unreliable"), mark("The producer marks this value as unreliable.")),
    "withdrawn": (mark("withdrawn"), mark("Withdrawn by the publisher in a later release.")),
}


def flag_labels(flags: object) -> list[str]:
    """Short labels of a cell's flags, in the current language (empty when none)."""
    return [tr(FLAG_WORDS[code][0]) for code in flag_codes(flags) if code in FLAG_WORDS]  # type: ignore[arg-type]


def flag_sentences(flags: object) -> list[str]:
    """One sentence per flag of a cell, in the current language."""
    return [tr(FLAG_WORDS[code][1]) for code in flag_codes(flags) if code in FLAG_WORDS]  # type: ignore[arg-type]
