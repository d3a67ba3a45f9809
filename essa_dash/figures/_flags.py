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


def _flags(rows: pd.DataFrame, column: str) -> pd.Series:
    """The rows' flags (empty for a frame without the column: a figure drawn from a small test frame)."""
    return pd.Series(flag_cells(rows, column), index=rows.index, dtype="str")


def flag_mark(rows: pd.DataFrame, column: str = C.obs_flags) -> pd.Series:
    """The mark (" †") for each flagged row, "" otherwise: appended to the value label.

    ``column`` holds the codes: ``female_flags`` for the women's value of a women-and-men row.
    """
    return _flags(rows, column).map(mark_of)


def flag_hover(rows: pd.DataFrame, column: str = C.obs_flags) -> pd.Series:
    """The hover lines of each row's flags ("<br>† legal-coverage estimate: Estimated from ..."), "" when none."""
    return _flags(rows, column).map(hover_of)


def flag_cells(rows: pd.DataFrame, column: str = C.obs_flags) -> list[str]:
    """The rows' flags as a list, "" for none (or for a frame without the column): for charts that read their rows as lists."""
    if column not in rows:
        return [""] * len(rows)
    return [cell if isinstance(cell, str) else "" for cell in rows[column].tolist()]


def mark_of(cell: str) -> str:
    """The mark (" †") a value with these flags gets, "" when it has none: what :func:`flag_mark` gives each row."""
    return f" {MARK}" if flag_codes(cell) else ""


def hover_of(cell: str) -> str:
    """The hover lines of one row's flags: what :func:`flag_hover` gives each row."""
    return "".join(f"<br>{MARK} {label}: {sentence}" for label, sentence in zip(flag_labels(cell), flag_sentences(cell), strict=True))
