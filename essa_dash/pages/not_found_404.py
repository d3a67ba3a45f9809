"""Any address that is no page: say so, and offer the pages (Dash pages looks for this module name)."""

from __future__ import annotations

from dash import dcc, html

from essa_dash.text import mark

PATH = "/404"
TITLE = mark("Page not found")
NAV = None
NAV_HREF = None
PAGES = [("/", "Overview"), ("/country/VNM", "Country profiles"), ("/risk/old_age", "Risks"), ("/progress", "Progress"), ("/data", "Data")]


def layout(**_url: str) -> html.Main:
    return html.Main(
        [
            html.H1("There is no page at this address"),
            html.P("The link may be mistyped or out of date. These are the dashboard's pages:"),
            # the data explorer loads with its own HTML (see app._only_on_explorer): a plain link
            html.Ul([html.Li((html.A if href == "/data" else dcc.Link)(label, href=href)) for href, label in PAGES]),
        ],
        className="page",
    )
