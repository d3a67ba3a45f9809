"""The words of ``essa-dash ingest``: what a new release changes, for an analyst about to accept it.

The facts come from :mod:`essa_dash.ingest.compare`. A different value for the same cell of
two editions is called a revision, never a rise or a fall.
"""

from __future__ import annotations

from collections import Counter

import pandas as pd

from essa_dash.ingest.compare import Comparison
from essa_dash.schema import Coverage as C
from essa_dash.text.flags import FLAG_WORDS
from essa_dash.text.formats import fmt_int, fmt_pct, fmt_points, fmt_year
from essa_dash.text.names import SEX_LABELS
from essa_dash.text.translate import tr, trn

#: Cells listed by name under each heading; the rest are counted.
LISTED = 8


def _cell(row: pd.Series, labels: dict[str, str], *, year: bool = True) -> str:
    when = f" {fmt_year(row[C.year])}" if year and pd.notna(row[C.year]) else ""
    risk = tr(labels.get(row[C.risk], row[C.risk]))
    return tr("{area} {risk} ({sex}){when}", area=row[C.country], risk=risk.lower(), sex=tr(SEX_LABELS[row[C.sex]]).lower(), when=when)


def _decimals(value: float) -> int:
    """The decimals a published value carries (at most 5), so that 50.239 is not shown as 50.2."""
    text = f"{value:.5f}".rstrip("0")
    return len(text.split(".")[1]) if "." in text else 0


def _rounding(before: float, after: float) -> bool:
    """The new value is the old one rounded to fewer decimals (50.239 -> 50.2): not a revision of substance."""
    digits = _decimals(after)
    return digits < _decimals(before) and round(before, digits) == after


def _listed(items: list[str], total: int) -> str:
    more = total - len(items)
    shown = "; ".join(items)
    return shown + (tr("; and {count} more", count=fmt_int(more)) if more > 0 else "")


def _flag_counts(cells: pd.Series) -> str:
    counts = Counter(code for cell in cells for code in cell.split(";") if code)
    return ", ".join(tr(FLAG_WORDS[code][0]) + " " + fmt_int(n) for code, n in sorted(counts.items()))


def comparison_report(comparison: Comparison, risk_labels: dict[str, str]) -> list[str]:
    """The comparison in lines: added, revised (largest first), lacking, areas absent, flags.

    ``risk_labels``: risk id -> short label, as ``risks.short_label`` gives it.
    """
    c = comparison
    if c.superseded is None:
        return [tr("{edition} is the first release of its database here: nothing to compare it with.", edition=c.edition)]
    lines = [
        tr(
            "Compared with {old}, the edition it would supersede (cells matched on area, risk, sex and year; "
            "a different value for the same cell is a revision by the producer, not a change over time):",
            old=c.superseded,
        )
    ]
    added = c.added
    lines.append(
        "  "
        + trn(
            "{count} cell {old} does not have", "{count} cells {old} does not have", len(added), count=fmt_int(len(added)), old=c.superseded
        )
        + (
            ": " + _listed([f"{_cell(r, risk_labels)} {fmt_pct(r[C.coverage_pct])}" for _, r in added.head(LISTED).iterrows()], len(added))
            if len(added)
            else ""
        )
    )
    revised = c.revised
    largest = [
        tr(
            "{cell} {before} -> {after} ({revision})",
            cell=_cell(r, risk_labels),
            before=fmt_pct(r["before"], _decimals(r["before"])),
            after=fmt_pct(r["after"], _decimals(r["after"])),
            revision=tr("rounding only")
            if _rounding(r["before"], r["after"])
            else tr("{points} points", points=fmt_points(r["revision"], 3)),
        )
        for _, r in revised.head(LISTED).iterrows()
    ]
    lines.append(
        "  "
        + trn("{count} cell revised", "{count} cells revised", len(revised), count=fmt_int(len(revised)))
        + (tr(", largest first: {cells}", cells=_listed(largest, len(revised))) if len(revised) else "")
    )
    lacking, latest = c.lacking, c.latest_lacking
    lines.append(
        "  "
        + trn(
            "{count} cell of {old} missing from the new file for areas it covers",
            "{count} cells of {old} missing from the new file for areas it covers",
            len(lacking),
            count=fmt_int(len(lacking)),
            old=c.superseded,
        )
    )
    if len(latest):
        items = [
            tr("{cell}: latest year {year}", cell=_cell(r, risk_labels, year=False), year=fmt_year(r[C.year]))
            for _, r in latest.head(LISTED).iterrows()
        ]
        lines.append("    " + tr("including the latest year of: {series}", series=_listed(items, len(latest))))
    countries = c.areas_absent[~c.areas_absent[C.is_aggregate]]
    aggregates = c.areas_absent[c.areas_absent[C.is_aggregate]]
    if len(countries):
        lines.append("  " + tr("no figure at all for: {areas}", areas=", ".join(countries[C.country])))
    if len(aggregates):
        lines.append(
            "  "
            + tr(
                "aggregates absent (the new file has no regional or world figure for them): {areas}", areas=", ".join(aggregates[C.country])
            )
        )
    flags = c.flags_changed
    if len(flags):
        gained, lost = _flag_counts(flags["gained"]), _flag_counts(flags["lost"])
        lines.append("  " + tr("observation flags gained: {gained}; lost: {lost}", gained=gained or "-", lost=lost or "-"))
    else:
        lines.append("  " + tr("observation flags: the same on every cell both have"))
    return lines


def default_report(comparison: Comparison, *, current: str, becomes_default: bool, keep_default: bool) -> str:
    """Which edition pages and readings will show by default after this ingest, and why."""
    if becomes_default:
        return tr(
            "Default edition: {new} replaces {old} (the newest complete release of its database; --keep-default keeps {old})",
            new=comparison.edition,
            old=current,
        )
    if keep_default and comparison.complete:
        return tr("Default edition: stays {old} (--keep-default)", old=current)
    if comparison.superseded is not None and not comparison.complete:
        return tr(
            "Default edition: stays {old}; {new} is not a complete release (it lacks {n} of the areas of {superseded})",
            old=current,
            new=comparison.edition,
            n=fmt_int(len(comparison.areas_absent)),
            superseded=comparison.superseded,
        )
    return tr("Default edition: stays {old}", old=current)
