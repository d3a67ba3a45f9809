"""Observation flags on a chart: a mark beside a flagged value and the flag's words in its hover.

Every chart marks a value that carries a flag (``coverage.obs_flags``) with the same
sign, so a reader learns it once; the hover says what each flag means, in the words
of :mod:`essa_dash.text.flags`, and the reading under the chart lists the figures.
"""

from __future__ import annotations

import pandas as pd

from essa_dash.schema import Coverage as C
from essa_dash.schema import flag_codes
from essa_dash.text.comparisons import MARK
from essa_dash.text.flags import flag_labels, flag_sentences


def _flags(rows: pd.DataFrame) -> pd.Series:
    """The rows' ``obs_flags`` (empty for a frame without the column: a figure drawn from a small test frame)."""
    if C.obs_flags not in rows:
        return pd.Series("", index=rows.index, dtype="str")
    return rows[C.obs_flags].where(rows[C.obs_flags].map(lambda cell: isinstance(cell, str)), "")


def flag_mark(rows: pd.DataFrame) -> pd.Series:
    """ " †" for each flagged row, "" otherwise: appended to the value label."""
    return _flags(rows).map(lambda cell: f" {MARK}" if flag_codes(cell) else "")


def flag_hover(rows: pd.DataFrame) -> pd.Series:
    """The hover lines of each row's flags ("<br>† legal-coverage estimate: Estimated from ..."), "" when none."""
    return _flags(rows).map(
        lambda cell: "".join(
            f"<br>{MARK} {label}: {sentence}" for label, sentence in zip(flag_labels(cell), flag_sentences(cell), strict=True)
        )
    )
