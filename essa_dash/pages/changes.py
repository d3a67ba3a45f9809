"""What changed between data releases (``/changes?from=<release>&to=<release>``), the page of ``essa-dash diff``.

Every build of the data is a kept release; a pinned link names one. This page lists
the kept releases and compares two of them (by default the current one with the one
before it): rows added, revised (old and new value), removed and re-flagged, by source
and edition. A value that differs between releases is a revision of the same published
figure, never a change over time.
"""

from __future__ import annotations

from typing import Any, NamedTuple

import pandas as pd
from dash import dcc, html

from essa_dash.components.context import data_root, latest_store
from essa_dash.components.scroll_region import scroll_region
from essa_dash.errors import DataError
from essa_dash.releases import disk
from essa_dash.releases.changes import AFTER, BEFORE, DIFFERENCE, KINDS, Changes, compare
from essa_dash.schema import Coverage as C
from essa_dash.store import get_store
from essa_dash.text import fmt_int, fmt_pct, fmt_points, fmt_year, mark, names, tr
from essa_dash.text.releases import built, change_summary

PATH = "/changes"
TITLE = mark("What changed")
NAV = None
NAV_HREF = None
#: Rows listed per kind of change; the rest are counted (the CLI's ``--all`` lists every one).
SHOWN = 50


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ",".join(map(str, value or []))


def _table(title: Any, header: list[str], rows: list[list[Any]], numeric: frozenset[int] = frozenset()) -> list[Any]:
    """``title`` (a heading) and its table, in a region named by the heading's words: wider than a phone, it scrolls on its own."""

    def cell(i: int, value: Any, tag: Any) -> Any:
        return tag(value, className="num" if i in numeric else None)

    table = html.Table(
        [
            html.Thead(html.Tr([cell(i, h, html.Th) for i, h in enumerate(header)])),
            html.Tbody([html.Tr([cell(i, v, html.Td) for i, v in enumerate(row)]) for row in rows]),
        ],
        className="data-table",
    )
    return [title, *scroll_region(table, label=title.children)]


def _releases(current: str) -> html.Section:
    kept = disk.kept(data_root())
    rows = []
    for older, release in zip([*kept[1:], None], kept, strict=True):
        compare_link = (
            dcc.Link(tr("compare with {version}", version=older.version), href=f"{PATH}?from={older.id}&to={release.id}") if older else ""
        )
        rows.append(
            [
                html.Code(release.id),
                release.version + (" " + tr("(current)") if release.id == current else ""),
                built(release),
                fmt_int(release.rows() or 0),
                change_summary(release.change),
                compare_link,
            ]
        )
    header = [tr("id"), tr("version"), tr("built"), tr("coverage rows"), tr("what changed"), ""]
    return html.Section(_table(html.H2(tr("Kept releases, newest first")), header, rows, frozenset({3})))


def _cell(row: pd.Series, named: _Names) -> list[Any]:
    """A changed row's country, risk and sex in the reader's language; its year and edition as published."""
    country = named.countries.get(row[C.iso3], row[C.country])
    return [country, named.risks.get(row[C.risk], row[C.risk]), names.sex_label(row[C.sex]), fmt_year(row[C.year]), row[C.edition]]


def _comparison(changes: Changes, named: _Names) -> list[Any]:
    before, after = changes.before, changes.after
    parts: list[Any] = [
        html.H2(
            tr(
                "From {before} ({before_id}) to {after} ({after_id})",
                before=before.version,
                before_id=before.id,
                after=after.version,
                after_id=after.id,
            )
        ),
        html.P(tr("A value that differs between two releases is a revision of the same published figure, not a change over time.")),
    ]
    if changes.empty:
        return [*parts, html.P(tr("No coverage row was added, revised, removed or re-flagged."))]
    counts = {kind: fmt_int(len(getattr(changes, kind))) for kind in KINDS}
    parts.append(html.P(tr("Coverage rows: {added} added, {revised} revised, {removed} removed, {reflagged} re-flagged.", **counts)))
    by_source = changes.by_source()
    header = [tr("source"), tr("edition"), tr("added"), tr("revised"), tr("removed"), tr("re-flagged")]
    rows = [[r[C.source_id], r[C.edition], *(fmt_int(r[k]) for k in KINDS)] for _, r in by_source.iterrows()]
    parts += _table(html.H3(tr("By source and edition")), header, rows, frozenset({2, 3, 4, 5}))
    cell_header = [tr("country"), tr("risk"), tr("sex"), tr("year"), tr("edition")]
    sections = (
        (
            tr("Revised"),
            changes.revised,
            [tr("before"), tr("after"), tr("revision (points)")],
            lambda r: [fmt_pct(r[BEFORE]), fmt_pct(r[AFTER]), fmt_points(r[DIFFERENCE])],
        ),
        (tr("Added"), changes.added, [tr("value")], lambda r: [fmt_pct(r[C.coverage_pct])]),
        (tr("Removed"), changes.removed, [tr("value")], lambda r: [fmt_pct(r[C.coverage_pct])]),
        (tr("Re-flagged"), changes.reflagged, [tr("flags before"), tr("flags after")], lambda r: [r["flags_before"], r["flags_after"]]),
    )
    for title, frame, extra, values in sections:
        if frame.empty:
            continue
        shown = frame.head(SHOWN)
        rows = [[*_cell(r, named), *values(r)] for _, r in shown.iterrows()]
        heading = html.H3(tr("{title} ({n})", title=title, n=fmt_int(len(frame))))
        parts += _table(heading, [*cell_header, *extra], rows, frozenset({3, 5, 6, 7}))
        if len(frame) > SHOWN:
            parts.append(
                html.P(
                    tr(
                        "... and {n} more: `essa-dash diff {a} {b} --all` lists every one.",
                        n=fmt_int(len(frame) - SHOWN),
                        a=before.id,
                        b=after.id,
                    )
                )
            )
    return parts


def layout(**url: Any) -> html.Main:
    root = data_root()
    current = latest_store()
    kept = disk.kept(root)
    try:
        after_id = disk.resolve(root, _text(url["to"])) if url.get("to") else current.release.id
        if url.get("from"):
            before_id = disk.resolve(root, _text(url["from"]))
        else:
            older = [r for r in kept if r.created < get_store(root, after_id).release.created]
            before_id = older[0].id if older else None
        body = (
            _comparison(compare(get_store(root, before_id), get_store(root, after_id)), _Names.of(current))
            if before_id
            else [html.P(tr("Only one data release is kept here: there is nothing to compare yet."))]
        )
    except DataError as err:
        body = [html.P(str(err), className="notice", role="alert")]
    return html.Main(
        [
            html.H1(tr("What changed between data releases")),
            html.P(
                tr(
                    "Every build of the data is kept as a release; a pinned link (release=<id>) shows one release's figures for as "
                    "long as it is kept. The command line says the same: essa-dash releases, essa-dash diff A B."
                )
            ),
            *body,
            _releases(current.release.id),
        ],
        className="page",
    )


class _Names(NamedTuple):
    """Country and risk names in the reader's language, by code."""

    countries: dict[str, str]
    risks: dict[str, str]

    @classmethod
    def of(cls, store: Any) -> _Names:
        countries = names.countries(store.countries)
        return cls(
            dict(zip(countries["iso3"], countries["short_name"], strict=True)),
            {risk: tr(label) for risk, label in zip(store.risks["risk"], store.risks["label"], strict=True)},
        )
