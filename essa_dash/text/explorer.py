"""The data explorer's words: what the rows of a view amount to, above its table."""

from __future__ import annotations

import pandas as pd

from essa_dash.schema import Coverage as C
from essa_dash.text import fmt_int, fmt_year, tr, trn


def summary(frame: pd.DataFrame) -> str:
    """'N figures from K sources, C countries or aggregates, R risks, years A-B.' for the explorer's rows."""
    if frame.empty:
        return tr("No figures match these filters.")

    rows, sources = len(frame), frame[C.source_id].nunique()
    areas, risks = frame[C.country].nunique(), frame["risk_label"].nunique()
    parts = {
        "figures": trn("{count} figure", "{count} figures", rows, count=fmt_int(rows)),
        "sources": trn("{count} source", "{count} sources", sources, count=fmt_int(sources)),
        "areas": trn("{count} country or aggregate", "{count} countries or aggregates", areas, count=fmt_int(areas)),
        "risks": trn("{count} risk", "{count} risks", risks, count=fmt_int(risks)),
    }
    years = frame[C.year].dropna()
    if not len(years):
        return tr("{figures} from {sources}, {areas}, {risks}.", **parts)
    return tr(
        "{figures} from {sources}, {areas}, {risks}, years {start}-{end}.", **parts, start=fmt_year(years.min()), end=fmt_year(years.max())
    )
