"""Any address that is no page: say so, and offer the pages (Dash pages looks for this module name)."""

from __future__ import annotations

from dash import dcc, html

from essa_dash.bundles import needs_full_load
from essa_dash.text import mark, tr

PATH = "/404"
TITLE = mark("Page not found")
NAV = None
NAV_HREF = None
PAGES = [
    ("/", mark("Overview")),
    ("/country/VNM", mark("Country profiles")),
    ("/risk/old_age", mark("Risks")),
    ("/progress", mark("Progress")),
    ("/data", mark("Data")),
]


def layout(**_url: str) -> html.Main:
    return html.Main(
        [
            html.H1(tr("There is no page at this address")),
            html.P(tr("The link may be mistyped or out of date. These are the dashboard's pages:")),
            # a map page loads with its own HTML, which brings its plotly.js: a plain link
            html.Ul([html.Li((html.A if needs_full_load(href) else dcc.Link)(tr(label), href=href)) for href, label in PAGES]),
        ],
        className="page",
    )
