"""The country profile's context panel: the latest value of each SDG context series, its year and a short trend."""

from __future__ import annotations

from urllib.parse import quote

import pandas as pd
from dash import html

from essa_dash import captions
from essa_dash.components import ids
from essa_dash.components.sources import source_panel
from essa_dash.figures.context import sparkline_svg
from essa_dash.query import context as q
from essa_dash.schema import CONTEXT_UNITS
from essa_dash.schema import Context as X
from essa_dash.store import Store, per_build
from essa_dash.text import context_series as words
from essa_dash.text import fmt_year, tr


@per_build(maxsize=64)
def context_panel(store: Store, iso3: str, country: str) -> html.Section:
    """One tile per series: value and year, or "no data" said plainly; a sparkline where there are two years or more.

    Drawn once per country, language and data build: every edition and sex of a country page shows the same panel
    (Dash only reads a layout's components, so the pages share it).
    """
    table = q.indicators(store)
    rows = q.series(store, areas=[iso3])
    tiles = []
    for row in q.country_panel(store, iso3).itertuples(index=False):
        meta = table.loc[row.indicator]
        label = words.short_label(store, row.indicator)
        head = [html.P(f"{label} ({words.sdg_label(store, row.indicator)})", className="tile-statement")]
        if pd.isna(row.value):  # the database has no value for this country
            tiles.append(
                html.Div(
                    [*head, html.P(tr("no data"), className="tile-value no-data"), html.P(words.panel_no_data(country, label))],
                    className="tile context-tile",
                )
            )
            continue
        part = rows[rows[X.indicator] == row.indicator]
        low, high = CONTEXT_UNITS[meta["unit"]]
        if meta["unit"] == "per_100000_employees":
            high = float(part[X.value].max()) or 1.0
        svg = sparkline_svg(part[X.year].astype(int).tolist(), part[X.value].tolist(), low=low, high=high)
        first = part.iloc[0]
        trend = (
            html.Img(
                src="data:image/svg+xml;charset=utf-8," + quote(svg),
                alt=tr(
                    "Trend from {first_year} ({first}) to {last_year} ({last})",
                    first_year=fmt_year(first[X.year]),
                    first=words.fmt_context(first[X.value], meta["unit"]),
                    last_year=fmt_year(row.year),
                    last=words.fmt_context(row.value, meta["unit"]),
                ),
                className="sparkline",
            )
            if svg
            else None
        )
        tiles.append(
            html.Div(
                [
                    *head,
                    html.P(words.fmt_context(row.value, meta["unit"]), className="tile-value"),
                    html.P(tr("in {year}", year=fmt_year(row.year)), className="tile-meta"),
                    trend,
                ],
                className="tile context-tile",
            )
        )
    return html.Section(
        [
            html.H2(words.panel_heading(country)),
            html.P(words.panel_intro()),
            html.Div(tiles, className="tiles context-tiles"),
            source_panel(words.definition_notes(store, list(table.index)), captions.source_notes(store, rows[X.source_id].tolist())),
        ],
        id=ids.CONTEXT_PANEL,
        className="context-panel",
        **{"aria-label": words.panel_heading(country)},
    )
