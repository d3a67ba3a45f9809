"""A page of rows as a plain HTML table drawn on the server: sortable headers and the pager are links.

The order and the page are URL parameters (``sort``, ``desc``, ``page``) like every
other control, so a sorted, paged table is a link, the back button steps through it,
and no script is needed to read it: the table costs the first visit nothing beyond
its own rows (a grid library weighed 523 kB compressed). A table wider than the
screen scrolls inside its own region (focusable, labelled, with shadows at the edge
that has more), never the page.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping

import pandas as pd
from dash import dcc, html

from essa_dash.components.scroll_region import scroll_region
from essa_dash.query.explorer import TablePage
from essa_dash.query.state import State
from essa_dash.text import fmt_int, tr

#: A cell's text from its value, for columns that are numbers (the text layer's formatters).
Formatter = Callable[[object], str]


def data_table(
    page: TablePage,
    columns: Mapping[str, str],
    *,
    state: State,
    href: Callable[[State], str],
    numbers: Mapping[str, Formatter],
    source_words: Collection[str],
    caption: str,
    table_id: str,
) -> html.Div:
    """``page`` of the view ``state`` as a table with ``columns`` (id -> header, in the reader's language).

    ``href`` writes the URL of another order or page of the same view; ``numbers`` formats
    the numeric columns (right-aligned); the cells of ``source_words`` columns are the
    source's own English words, marked ``lang="en"`` and never translated.
    """
    head = html.Thead(html.Tr([_header(column, label, state, href, column in numbers) for column, label in columns.items()]))
    body = html.Tbody([_row(row, columns, numbers, source_words) for row in page.rows.to_dict("records")])
    where = [tr("Rows {start}–{end} of {total}.", start=fmt_int(page.first), end=fmt_int(page.last), total=fmt_int(page.total))]
    if state.sort in columns:
        name = columns[state.sort]
        where.append(
            tr("Sorted by {column}, descending.", column=name) if state.desc else tr("Sorted by {column}, ascending.", column=name)
        )
    return html.Div(
        [
            # outside the scrolling box, so a phone shows it whole
            html.P(" ".join(where), className="table-where", id=f"{table_id}-where"),
            *scroll_region(html.Table([html.Caption(caption), head, body], id=table_id, className="data-table"), label=caption),
            _pager(page, state, href) if page.pages > 1 else None,
        ],
        className="data-table-block",
    )


def _header(column: str, label: str, state: State, href: Callable[[State], str], numeric: bool) -> html.Th:
    """A column's name as a link that sorts by it; the sorted column says which way (``aria-sort``) and a click reverses it."""
    sorted_here = state.sort == column
    descending_next = sorted_here and not state.desc
    target = state.update(sort=column, desc=descending_next or None, page=None)
    arrow = ("▼" if state.desc else "▲") if sorted_here else "↕"
    link = dcc.Link(
        [label, html.Span(arrow, className="sort-arrow", **{"aria-hidden": "true"})],
        href=href(target),
        className="sort-link",
        id=f"sort-{column}",  # assets/a11y.js focuses it again in the redrawn table
        title=tr("Sort descending") if descending_next else tr("Sort ascending"),
    )
    aria = {"aria-sort": "descending" if state.desc else "ascending"} if sorted_here else {}
    return html.Th(link, scope="col", className="num" if numeric else None, **aria)


def _row(record: dict[str, object], columns: Mapping[str, str], numbers: Mapping[str, Formatter], source_words: Collection[str]) -> html.Tr:
    cells = []
    for position, column in enumerate(columns):
        value = record.get(column)
        text = numbers[column](value) if column in numbers else "" if value is None or pd.isna(value) else str(value)
        kind = html.Th if position == 0 else html.Td  # the first column names the row
        extra = {"scope": "row"} if position == 0 else {}
        if column in source_words:
            extra["lang"] = "en"
        classes = [f"col-{column}", *(["num"] if column in numbers else []), *(["source-words"] if column in source_words else [])]
        cells.append(kind(text, className=" ".join(classes), **extra))
    return html.Tr(cells)


def _pager(page: TablePage, state: State, href: Callable[[State], str]) -> html.Nav:
    """Previous and next page as links (a plain word where there is none), and where the reader is."""

    def step(number: int, label: str, rel: str) -> dcc.Link | html.Span:
        if not 1 <= number <= page.pages:
            return html.Span(label, className="pager-step pager-off")
        return dcc.Link(label, href=href(state.update(page=number if number > 1 else None)), className="pager-step", id=f"pager-{rel}")

    return html.Nav(
        [
            step(page.number - 1, tr("Previous page"), "previous"),
            html.Span(tr("Page {page} of {pages}", page=fmt_int(page.number), pages=fmt_int(page.pages)), className="pager-where"),
            step(page.number + 1, tr("Next page"), "next"),
        ],
        className="table-pager",
        **{"aria-label": tr("Pages of the table")},
    )
