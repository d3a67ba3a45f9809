"""The words for data releases: the list of kept releases and "what changed" between two of them.

Used by ``essa-dash releases`` and ``essa-dash diff``; the frames come from
:mod:`essa_dash.releases.changes`. A changed value between two releases is called a
revision of the same published figure, never a rise or a fall: both releases hold the
same edition's cell, so the difference says nothing about change over time.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence

import pandas as pd

from essa_dash.releases.changes import AFTER, BEFORE, DIFFERENCE, GAINED, KINDS, LOST, Changes
from essa_dash.releases.disk import Release
from essa_dash.releases.package import FIRST_LEVEL, Change
from essa_dash.schema import Coverage as C
from essa_dash.schema import flag_codes
from essa_dash.text.flags import FLAG_WORDS
from essa_dash.text.formats import fmt_date, fmt_int, fmt_num, fmt_pct, fmt_points, fmt_year
from essa_dash.text.translate import mark, tr, trn

#: Files named in a one-line summary of a correction; more become a count.
LISTED_FILES = 3
SEX_WORDS = {"total": mark("women and men"), "female": mark("women"), "male": mark("men")}


def columns(rows: Sequence[Sequence[str]], right: frozenset[int] = frozenset()) -> list[str]:
    """Rows of cells as aligned text (columns in ``right`` aligned right, for numbers)."""
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return [
        "  ".join(cell.rjust(w) if i in right else cell.ljust(w) for i, (cell, w) in enumerate(zip(row, widths, strict=True))).rstrip()
        for row in rows
    ]


def built(release: Release) -> str:
    return fmt_date(dt.date.fromisoformat(release.date), "medium")


def release_line(release: Release) -> str:
    """The release in one line, as image and embed footers, slide notes and the deck's last slide give it."""
    return tr("Data release {id}, version {version} (built {date})", id=release.id, version=release.version, date=built(release))


def _field(record: Mapping[str, str | None]) -> str:
    where = record["resource"] if record["field"] is None else f"{record['resource']}.{record['field']}"
    if record["before"] is None:
        return tr("{where} added", where=where)
    if record["after"] is None:
        return tr("{where} removed", where=where)
    return tr("{where} {before} -> {after}", where=where, before=record["before"], after=record["after"])


def change_summary(change: Change) -> str:
    """Why a release got its version, in a line: what changed since the release it follows."""
    if change.level == FIRST_LEVEL:
        return tr("first release")
    if change.level == "major":
        return tr("table layout changed: {what}", what=", ".join(_field(r) for r in change.contract))
    if change.level == "minor":
        parts = []
        if change.sources_added:
            parts.append(tr("sources added: {ids}", ids=", ".join(change.sources_added)))
        if change.sources_removed:
            parts.append(tr("sources removed: {ids}", ids=", ".join(change.sources_removed)))
        return tr("new upstream release: {what}", what="; ".join(parts))
    files = ", ".join(change.inputs[:LISTED_FILES])
    more = len(change.inputs) - LISTED_FILES
    if more > 0:
        files = tr("{files} and {n} more", files=files, n=fmt_int(more))
    return trn(
        "correction: {n} input file changed ({files})", "correction: {n} input files changed ({files})", len(change.inputs), files=files
    )


def release_list(releases: Sequence[Release], *, current: str | None, pruned: int) -> str:
    """``essa-dash releases``: every kept release, newest first, the current one starred."""
    if not releases:
        return tr("No data releases yet: run `essa-dash build-data` to build one.")
    header = ["", tr("id"), tr("version"), tr("built"), tr("coverage rows"), tr("sources"), tr("size"), tr("what changed")]
    rows = [
        [
            "*" if r.id == current else "",
            r.id,
            r.version,
            built(r),
            fmt_int(r.rows() or 0),
            fmt_int(len(r.source_ids)),
            tr("{n} kB", n=fmt_num(r.size / 1000, 0)),
            change_summary(r.change),
        ]
        for r in releases
    ]
    lines = [trn("{n} data release kept (newest first; * is current):", "{n} data releases kept (newest first; * is current):", len(rows))]
    lines += ["  " + line for line in columns([header, *rows], right=frozenset({4, 5, 6}))]
    if pruned:
        lines.append(trn("{n} release was pruned earlier.", "{n} releases were pruned earlier.", pruned))
    return "\n".join(lines)


def prune_report(releases: Sequence[Release], *, dry_run: bool) -> str:
    """What ``essa-dash releases --prune`` removed (or, with ``--dry-run``, would remove)."""
    if not releases:
        return tr("Nothing to prune: every kept release is wanted (the current one always stays).")
    names = ", ".join(tr("{id} (version {version})", id=r.id, version=r.version) for r in releases)
    freed = tr("{n} kB", n=fmt_num(sum(r.size for r in releases) / 1000, 0))
    if dry_run:
        return trn(
            "Would prune {n} release ({freed}): {names}",
            "Would prune {n} releases ({freed}): {names}",
            len(releases),
            freed=freed,
            names=names,
        )
    return trn(
        "Pruned {n} release ({freed}): {names}. Links pinned to it now answer that it was pruned.",
        "Pruned {n} releases ({freed}): {names}. Links pinned to them now answer that they were pruned.",
        len(releases),
        freed=freed,
        names=names,
    )


def _release(release: Release) -> str:
    return tr("release {id} (version {version}, built {date})", id=release.id, version=release.version, date=built(release))


def _cell(row: pd.Series, risk_labels: Mapping[str, str]) -> str:
    return tr(
        "{country}, {risk}, {sex}, {year} ({edition})",
        country=row[C.country],
        risk=risk_labels.get(row[C.risk], row[C.risk]),
        sex=tr(SEX_WORDS[row[C.sex]]) if row[C.sex] in SEX_WORDS else row[C.sex],
        year=fmt_year(row[C.year]),
        edition=row[C.edition],
    )


def _flag_words(cell: object) -> str:
    return ", ".join(tr(FLAG_WORDS[code][0]) if code in FLAG_WORDS else code for code in flag_codes(cell))


def _reflag(row: pd.Series) -> str:
    parts = []
    if row[GAINED]:
        parts.append(tr("now flagged {flags}", flags=_flag_words(row[GAINED])))
    if row[LOST]:
        parts.append(tr("no longer flagged {flags}", flags=_flag_words(row[LOST])))
    return "; ".join(parts)


def _digits(*values: float) -> int:
    """Decimals enough to tell the values apart as published (at least one, at most six)."""
    return max(1, *(len(f"{float(v):.6f}".rstrip("0").split(".")[1]) for v in values))


def _revision(row: pd.Series) -> str:
    digits = _digits(row[BEFORE], row[AFTER])
    return tr(
        "{before} -> {after} ({points} points)",
        before=fmt_pct(row[BEFORE], digits),
        after=fmt_pct(row[AFTER], digits),
        points=fmt_points(row[DIFFERENCE], digits),
    )


def changes_report(changes: Changes, *, risk_labels: Mapping[str, str], limit: int | None = 20) -> str:
    """``essa-dash diff A B``: counts, a table by source and edition, then the rows of each kind (``limit`` each)."""
    lines = [tr("From {before} to {after}:", before=_release(changes.before), after=_release(changes.after))]
    if changes.empty:
        lines.append(tr("No coverage row was added, revised, removed or re-flagged."))
        return "\n".join(lines)
    counts = {kind: fmt_int(len(getattr(changes, kind))) for kind in KINDS}
    lines.append(tr("Coverage rows: {added} added, {revised} revised, {removed} removed, {reflagged} re-flagged.", **counts))
    table = changes.by_source()
    status = {"new": tr("new source"), "gone": tr("source no longer in the data"), "": ""}
    header = [tr("source"), tr("edition"), tr("added"), tr("revised"), tr("removed"), tr("re-flagged"), ""]
    rows = [[row[C.source_id], row[C.edition], *(fmt_int(row[k]) for k in KINDS), status[row["status"]]] for _, row in table.iterrows()]
    lines += ["", tr("By source and edition:"), *("  " + line for line in columns([header, *rows], right=frozenset({2, 3, 4, 5})))]

    sections = [
        (tr("Added"), changes.added, lambda r: fmt_pct(r[C.coverage_pct])),
        (tr("Removed"), changes.removed, lambda r: fmt_pct(r[C.coverage_pct])),
        (
            tr("Revised (the same published figure, another value: a revision, not a change over time)"),
            changes.revised,
            _revision,
        ),
        (tr("Re-flagged"), changes.reflagged, _reflag),
    ]
    for title, frame, value in sections:
        if frame.empty:
            continue
        lines += ["", tr("{title} ({n}):", title=title, n=fmt_int(len(frame)))]
        shown = frame if limit is None else frame.head(limit)
        lines += [f"  {_cell(row, risk_labels)}: {value(row)}" for _, row in shown.iterrows()]
        if len(shown) < len(frame):
            lines.append("  " + tr("... and {n} more (--all lists every row)", n=fmt_int(len(frame) - len(shown))))
    return "\n".join(lines)


def view_change_summary(counts: Mapping[str, int], latest: Release) -> str:
    """One line for a pinned view: what the latest release changed among this view's figures."""
    parts = [
        trn(singular, plural, counts[kind], count=fmt_int(counts[kind]))
        for kind, singular, plural in (
            ("revised", "{count} figure revised", "{count} figures revised"),
            ("added", "{count} added", "{count} added"),
            ("removed", "{count} removed", "{count} removed"),
            ("reflagged", "{count} with other flags", "{count} with other flags"),
        )
        if counts.get(kind)
    ]
    if not parts:
        return tr("The latest release ({version}) shows the same figures for this view.", version=latest.version)
    return tr("The latest release ({version}) differs for this view: {changes}.", version=latest.version, changes=", ".join(parts))
