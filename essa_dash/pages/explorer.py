"""Data explorer (``/data``): filter the table, see counts per filter value, export or script it."""

from __future__ import annotations

import dash_ag_grid as dag
from dash import dcc, html

from essa_dash.components.context import current_store, public_url
from essa_dash.components.controls import checkbox, controls_bar, dropdown
from essa_dash.components.notice import problems_notice
from essa_dash.export.tables import FORMATS
from essa_dash.query import explorer as q
from essa_dash.query import options
from essa_dash.query.state import PARAMS, Vocabulary
from essa_dash.text import mark

PATH = "/data"
TITLE = mark("Data")
NAV = 5
NAV_HREF = "/data"
GRID_ID = "explorer-grid"
FORMAT_LABELS = {"csv": "CSV", "xlsx": "Excel", "parquet": "Parquet", "json": "JSON"}
COLUMN_NAMES = {
    "country": "Country or aggregate",
    "risk_label": "Risk",
    "sex": "Sex",
    "year": "Year",
    "coverage_pct": "Coverage %",
    "coverage_kind": "Kind",
    "edition": "Edition",
    "source_id": "Source",
    "source_location": "Location in source",
    "obs_status": "Status",
    "nature": "Nature",
    "note": "Note",
}


def _choices(facet: list[q.FacetOption]) -> list[dict[str, object]]:
    return [{"label": f"{o.label} ({o.count:,})", "value": o.value, "disabled": o.count == 0} for o in facet]


def layout(**url: str) -> html.Main:
    store = current_store()
    vocabulary = Vocabulary.from_store(store)
    state, problems = vocabulary.parse(url, accept=PARAMS)
    query = vocabulary.encode(state)
    facets = q.facets(store, state)
    frame = q.rows(store, state)
    years = [{"label": str(y), "value": y} for y in range(vocabulary.years[0], vocabulary.years[1] + 1)]
    base = public_url() + "/"
    return html.Main(
        [
            html.H1("Explore and download the data"),
            html.P(
                "Every published figure, one row each, with its source and its place in the source. "
                "Filter with the controls; the numbers in brackets say how many rows each choice would give. "
                "Downloads and the API return exactly the rows shown.",
                className="lede",
            ),
            controls_bar(
                f"{PATH}{query}",
                dropdown(
                    "country",
                    _choices(facets["country"]),
                    list(state.country),
                    label="Countries and aggregates",
                    multi=True,
                    placeholder="All",
                ),
                dropdown("risk", _choices(facets["risk"]), list(state.risk), label="Risks", multi=True, placeholder="All"),
                dropdown("sex", _choices(facets["sex"]), state.sex, label="Sex", placeholder="All", clearable=True),
                dropdown(
                    "edition", _choices(facets["edition"]), state.edition, label="Edition", placeholder="All editions", clearable=True
                ),
                dropdown("kind", _choices(facets["kind"]), list(state.kind), label="Coverage kind", multi=True, placeholder="All"),
                dropdown("source", _choices(facets["source"]), list(state.source), label="Sources", multi=True, placeholder="All"),
                dropdown("year_from", years, state.year_from, label="From year", placeholder="Any", clearable=True),
                dropdown("year_to", years, state.year_to, label="To year", placeholder="Any", clearable=True),
                checkbox("latest", "Latest value per country, risk and edition only", bool(state.latest)),
            ),
            problems_notice(problems, options.labels(store)),
            html.P(q.summary(frame, store), className="grid-summary", id="explorer-summary"),
            html.Section(
                [
                    html.H2("Download this view", className="visually-hidden"),
                    html.Span("Download this view: ", className="download-label"),
                    *[
                        html.A(
                            FORMAT_LABELS[fmt], href=f"/api/v1/coverage.{fmt}{query}", className="button", download="", id=f"download-{fmt}"
                        )
                        for fmt in FORMATS
                    ],
                    html.Span(" · Full table: ", className="download-label"),
                    *[
                        html.A(f"{FORMAT_LABELS[fmt]}", href=f"/api/v1/coverage.{fmt}", className="button secondary", download="")
                        for fmt in ("csv", "parquet")
                    ],
                ],
                className="downloads",
            ),
            dag.AgGrid(
                id=GRID_ID,
                rowData=q.records(frame),
                columnDefs=[{"field": field, "headerName": name} for field, name in COLUMN_NAMES.items()],
                defaultColDef={"sortable": True, "resizable": True, "filter": False, "minWidth": 90},
                dashGridOptions={"pagination": True, "paginationPageSize": 50, "enableCellTextSelection": True, "ensureDomOrder": True},
                columnSize="autoSize",
                className="ag-theme-alpine",
                style={"height": "560px"},
            ),
            html.Section(
                [
                    html.H2("Use this data in your own tools"),
                    html.P(
                        [
                            "API URL of this view (CSV; also ",
                            html.Code(".xlsx"),
                            ", ",
                            html.Code(".parquet"),
                            ", ",
                            html.Code(".json"),
                            "):",
                        ]
                    ),
                    html.Pre(f"{base}api/v1/coverage.csv{query}", id="api-url"),
                    html.P("One line of pandas:"),
                    html.Div(
                        [
                            html.Pre(q.pandas_snippet(base, query), id="pandas-snippet"),
                            dcc.Clipboard(target_id="pandas-snippet", title="Copy"),
                        ],
                        className="snippet",
                    ),
                    html.P(["The API is described at ", html.A("/api/v1/openapi.json", href="/api/v1/openapi.json"), "."]),
                ],
                className="card use-data",
            ),
        ],
        className="page",
    )
