"""Data explorer (``/data``): filter the table, see counts per filter value, export or script it."""

from __future__ import annotations

import math

import pandas as pd
from dash import dcc, html

from essa_dash.components.context import current_store, public_url
from essa_dash.components.controls import checkbox, controls_bar, dropdown, radio
from essa_dash.components.data_table import Formatter, data_table
from essa_dash.components.notice import problems_notice
from essa_dash.export.tables import FORMATS
from essa_dash.query import explorer as q
from essa_dash.query import options
from essa_dash.query.context import CONTEXT_PARAMS
from essa_dash.query.state import (
    GLOBAL_PARAMS,
    PAGE_SIZE,
    PARAMS,
    SHOWN_COLUMNS,
    TABLE_VIEW_PARAMS,
    TABLES,
    Problem,
    State,
    Vocabulary,
)
from essa_dash.schema import Coverage as C
from essa_dash.store import Store
from essa_dash.text import fmt_int, fmt_published, fmt_year, mark, tr, trn
from essa_dash.text.explorer import summary
from essa_dash.text.flags import flag_labels
from essa_dash.text.names import kind_word, sex_label

PATH = "/data"
TITLE = mark("Data")
NAV = 5
NAV_HREF = "/data"
#: The URL parameters the page reads (the answer store keys its drawings on them: essa_dash.page_views).
QUERY = (*PARAMS, *TABLE_VIEW_PARAMS)
TABLE_ID = "explorer-table"
FORMAT_LABELS = {"csv": "CSV", "xlsx": "Excel", "parquet": "Parquet", "json": "JSON"}
TABLE_LABELS = {"coverage": mark("Coverage (SDG 1.3.1)"), "context": mark("SDG series beside coverage")}
CONTEXT_COLUMN_NAMES = {
    "country": mark("Country or aggregate"),
    "indicator_label": mark("Series"),
    "sector": mark("Sector"),
    "age": mark("Age"),
    "location": mark("Location"),
    "sex": mark("Sex"),
    "migrant_status": mark("Migrant status"),
    "year": mark("Year"),
    "value": mark("Value"),
    "unit": mark("Unit"),
    "edition": mark("Edition"),
    "source_location": mark("Location in source"),
    "obs_flags": mark("Flags"),
}
COLUMN_NAMES = {
    "country": mark("Country or aggregate"),
    "risk_label": mark("Risk"),
    "sex": mark("Sex"),
    "year": mark("Year"),
    "coverage_pct": mark("Coverage %"),
    "flags": mark("Flags"),  # beside the value it qualifies
    "coverage_kind": mark("Kind"),
    "edition": mark("Edition"),
    "source_id": mark("Source"),
    "source_location": mark("Location in source"),
    "obs_status": mark("Status"),
    "nature": mark("Nature"),
    "note": mark("Note"),
}


#: Columns whose cells are the source's own words (notes, locations): never translated.
SOURCE_WORDS = ("source_location", "obs_status", "nature", "note", "source_id", "edition")
CONTEXT_SOURCE_WORDS = ("source_location", "edition")
#: Numeric columns and how a cell writes them: published figures with their own decimals.
NUMBERS: dict[str, Formatter] = {"year": fmt_year, "coverage_pct": fmt_published, "value": fmt_published}
#: The parameters each table's controls hold (the layouts below draw them): a click writes these, and the language, a
#: pinned release and the table's order (components.controls.register_url_sync); the rest of a link goes, and the
#: table's page is its first again.
CONTROLS = {
    "coverage": ("table", "country", "risk", "sex", "edition", "kind", "source", "year_from", "year_to", "latest", "include_withdrawn"),
    "context": ("table", "country", "indicator", "sex", "year_from", "year_to", "latest"),
}
#: A choice a filter offers: its value in the state (None: the control cleared).
Choice = dict[str, object]


def control_choices(store: Store, state: State) -> tuple[State, dict[str, list[Choice]]]:
    """What the explorer's controls hold for a URL's state and what each offers, the likeliest changed first (the
    facets, the table's next and previous page, the checkboxes, the years, the other table): essa_dash.next_views
    draws the views one click away.

    Of a facet, the values that give rows (the page greys out the others: they cannot be chosen) and those chosen.
    """
    table = state.table or TABLES[0]
    held = State(**{name: getattr(state, name) for name in (*CONTROLS[table], *GLOBAL_PARAMS, *TABLE_VIEW_PARAMS)})
    held = held.update(latest=held.latest or None, include_withdrawn=held.include_withdrawn or None)  # unticked: not written
    context, selection = table == "context", held.selection()
    facets = (q.context_facets if context else q.facets)(store, selection)
    shown = len((q.context_rows if context else q.rows)(store, selection))
    here, pages = held.page or 1, math.ceil(shown / PAGE_SIZE)
    low, high = Vocabulary.from_store(store).years

    def facet(param: str) -> list[Choice]:
        chosen = getattr(held, param)
        values = [{"value": o.value} for o in facets[param] if o.count or (isinstance(chosen, tuple) and o.value in chosen)]
        return values if isinstance(chosen, tuple) else [{"value": None}, *values]  # a single choice can be cleared

    checked = [{"value": None}, {"value": True}]
    years: list[Choice] = [{"value": None}, *({"value": year} for year in range(low, high + 1))]
    offered = {name: facet(name) for name in (("country", "indicator", "sex") if context else ("country", "risk", "sex", "edition"))}
    offered["page"] = [{"value": number if number > 1 else None} for number in (here + 1, here - 1) if 1 <= number <= pages]
    offered["latest"] = checked
    if not context:
        offered |= {"include_withdrawn": checked, "kind": facet("kind"), "source": facet("source")}
    offered |= {"year_from": years, "year_to": years, "table": [{"value": None if other == TABLES[0] else other} for other in TABLES]}
    return held, offered


def _shown(frame: pd.DataFrame) -> pd.DataFrame:
    """Rows as a person reads them: coverage kind, sex and flags in words (downloads and the API keep the codes)."""
    words = {
        C.coverage_kind: lambda kind: kind_word(kind) if isinstance(kind, str) and kind else None,
        C.sex: lambda sex: sex_label(sex) if isinstance(sex, str) and sex else None,
        # the observation flags in words (withdrawn, legal-coverage estimate, check this figure ...)
        "flags": lambda cell: ", ".join(flag_labels(cell)) or None,
    }
    frame = frame.assign(flags=frame[C.obs_flags])
    return frame.assign(**{column: frame[column].map(word) for column, word in words.items()})


def _table(frame: pd.DataFrame, state: State, problems: list[Problem], vocabulary: Vocabulary, *, context: bool) -> html.Div | None:
    """The view's rows, a page of them, in the order its URL asks; None when no row matches (the summary says so)."""
    page = q.table_page(frame, state, problems)
    if not page.total:
        return None
    names = CONTEXT_COLUMN_NAMES if context else COLUMN_NAMES
    return data_table(
        page,
        {column: tr(names[column]) for column in SHOWN_COLUMNS["context" if context else "coverage"]},
        state=state.update(page=page.number),
        href=lambda target: PATH + vocabulary.encode(target),
        numbers=NUMBERS,
        source_words=CONTEXT_SOURCE_WORDS if context else SOURCE_WORDS,
        caption=tr("Published values of this view") if context else tr("Published figures of this view"),
        table_id=TABLE_ID,
    )


def _all_rows_note(total: int) -> html.P:
    """The table shows a page; what is downloaded is the view."""
    return html.P(
        tr(
            "The table shows {size} rows a page; downloads and the API hold every row of this view ({total}).",
            size=fmt_int(PAGE_SIZE),
            total=fmt_int(total),
        ),
        className="download-note",
    )


def _choices(facet: list[q.FacetOption]) -> list[dict[str, object]]:
    return [{"label": tr("{label} ({n})", label=o.label, n=fmt_int(o.count)), "value": o.value, "disabled": o.count == 0} for o in facet]


def _table_switch(table: str) -> html.Fieldset:
    """Coverage or the SDG context series: two tables, never one mixed grid."""
    return radio("table", [{"label": tr(TABLE_LABELS[t]), "value": t} for t in TABLES], table, label=tr("Table"))


def layout(**url: str) -> html.Main:
    store = current_store()
    vocabulary = Vocabulary.from_store(store)
    state, problems = vocabulary.parse(url, accept=QUERY)
    if state.table == "context":
        return _context_layout(store, vocabulary, state, problems)
    # downloads and the API hold the selection: every row, whatever the table's order and page
    query = vocabulary.encode(state.selection())
    facets = q.facets(store, state.selection())
    frame = _shown(q.rows(store, state.selection()))
    table = _table(frame, state, problems, vocabulary, context=False)
    years = [{"label": str(y), "value": y} for y in range(vocabulary.years[0], vocabulary.years[1] + 1)]
    return html.Main(
        [
            html.H1(tr("Explore and download the data")),
            html.P(
                tr(
                    "Every published figure, one row each, with its source and its place in the source. "
                    "Filter with the controls; the numbers in brackets say how many rows each choice would give."
                ),
                className="lede",
            ),
            controls_bar(
                PATH + vocabulary.encode(state.update(page=None)),
                _table_switch("coverage"),
                dropdown(
                    "country",
                    _choices(facets["country"]),
                    list(state.country),
                    label=tr("Countries and aggregates"),
                    multi=True,
                    placeholder=tr("All"),
                ),
                dropdown("risk", _choices(facets["risk"]), list(state.risk), label=tr("Risks"), multi=True, placeholder=tr("All")),
                dropdown("sex", _choices(facets["sex"]), state.sex, label=tr("Sex"), placeholder=tr("All"), clearable=True),
                dropdown(
                    "edition",
                    _choices(facets["edition"]),
                    state.edition,
                    label=tr("Edition"),
                    placeholder=tr("All editions"),
                    clearable=True,
                ),
                dropdown("kind", _choices(facets["kind"]), list(state.kind), label=tr("Coverage kind"), multi=True, placeholder=tr("All")),
                dropdown("source", _choices(facets["source"]), list(state.source), label=tr("Sources"), multi=True, placeholder=tr("All")),
                dropdown("year_from", years, state.year_from, label=tr("From year"), placeholder=tr("Any"), clearable=True),
                dropdown("year_to", years, state.year_to, label=tr("To year"), placeholder=tr("Any"), clearable=True),
                checkbox("latest", tr("Latest value per country, risk and edition only"), bool(state.latest)),
                checkbox("include_withdrawn", tr("Include values withdrawn by the publisher (flagged)"), bool(state.include_withdrawn)),
            ),
            *_below_the_controls(problems_notice(problems, options.labels(store)), summary(frame), frame, table, "coverage", query),
        ],
        className="page",
    )


def _below_the_controls(notice: object, counted: str, frame: pd.DataFrame, table: object, api_table: str, query: str) -> list[object]:
    """What both tables' pages show under their controls: the problems, the count, the downloads, the table, the API."""
    base = public_url() + "/"
    full = [
        html.Span(tr(" · Full table: "), className="download-label"),
        *[
            html.A(FORMAT_LABELS[fmt], href=f"/api/v1/{api_table}.{fmt}", className="button secondary", download="")
            for fmt in ("csv", "parquet")
        ],
    ]
    return [
        notice,
        html.P(counted, className="grid-summary", id="explorer-summary"),
        html.Section(
            [
                html.H2(tr("Download this view"), className="visually-hidden"),
                html.Span(tr("Download this view: "), className="download-label"),
                *[
                    html.A(
                        FORMAT_LABELS[fmt], href=f"/api/v1/{api_table}.{fmt}{query}", className="button", download="", id=f"download-{fmt}"
                    )
                    for fmt in FORMATS
                ],
                *full,
            ],
            className="downloads",
        ),
        _all_rows_note(len(frame)) if table is not None else None,
        table,
        html.Section(
            [
                html.H2(tr("Use this data in your own tools")),
                html.P(tr("API URL of this view (CSV; also {formats}):", formats=".xlsx, .parquet, .json")),
                html.Pre(f"{base}api/v1/{api_table}.csv{query}", id="api-url"),
                html.P(tr("One line of pandas:")),
                html.Div(
                    [
                        html.Pre(q.pandas_snippet(base, query, table=api_table), id="pandas-snippet"),
                        dcc.Clipboard(target_id="pandas-snippet", title=tr("Copy")),
                    ],
                    className="snippet",
                ),
                html.P([tr("The API is described at: "), html.A("/api/v1/openapi.json", href="/api/v1/openapi.json")]),
            ],
            className="card use-data",
        ),
    ]


def _context_layout(store: Store, vocabulary: Vocabulary, state: State, problems: list[Problem]) -> html.Main:
    """The explorer on the context table: the same controls, downloads, API and pandas line, for its rows."""
    # the context table's own parameters: what the coverage controls set stays out of its API links
    state = State(**{name: getattr(state, name) for name in (*CONTEXT_PARAMS, *GLOBAL_PARAMS, *TABLE_VIEW_PARAMS)})
    api_query = vocabulary.encode(state.selection().update(table=None))
    facets = q.context_facets(store, state.selection())
    frame = q.context_rows(store, state.selection())
    table = _table(frame, state, problems, vocabulary, context=True)
    years = [{"label": str(y), "value": y} for y in range(vocabulary.years[0], vocabulary.years[1] + 1)]
    return html.Main(
        [
            html.H1(tr("Explore and download the data")),
            html.P(
                tr(
                    "The SDG series read beside coverage (informal employment, the UHC service coverage index, poverty, fatal "
                    "occupational injuries), one row per published value with its unit, source and place in the source. They are "
                    "another table: their values are not coverage and are never added to it."
                ),
                className="lede",
            ),
            controls_bar(
                PATH + vocabulary.encode(state.update(page=None)),
                _table_switch("context"),
                dropdown(
                    "country",
                    _choices(facets["country"]),
                    list(state.country),
                    label=tr("Countries and aggregates"),
                    multi=True,
                    placeholder=tr("All"),
                ),
                dropdown(
                    "indicator", _choices(facets["indicator"]), list(state.indicator), label=tr("Series"), multi=True, placeholder=tr("All")
                ),
                dropdown("sex", _choices(facets["sex"]), state.sex, label=tr("Sex"), placeholder=tr("All"), clearable=True),
                dropdown("year_from", years, state.year_from, label=tr("From year"), placeholder=tr("Any"), clearable=True),
                dropdown("year_to", years, state.year_to, label=tr("To year"), placeholder=tr("Any"), clearable=True),
                checkbox("latest", tr("Latest value per country and series only"), bool(state.latest)),
            ),
            *_below_the_controls(
                problems_notice(problems, options.labels(store)),
                trn("{count} value", "{count} values", len(frame), count=fmt_int(len(frame)))
                if len(frame)
                else tr("No values match these filters."),
                frame,
                table,
                "context",
                api_query,
            ),
        ],
        className="page",
    )
