"""The Dash application: the frame (navigation, page container) and page registration.

``create_app`` is the only place that knows which pages exist; each page module
keeps its own path, title and layout.
"""

from __future__ import annotations

from pathlib import Path

import dash
import flask
from dash import Dash, dcc, html

from essa_dash.components.context import DATA_DIR_KEY
from essa_dash.pages import overview
from essa_dash.paths import ASSETS_DIR, data_dir
from essa_dash.store import get_store

PAGES = [overview]
APP_TITLE = "ESSA Dash"


def _navbar() -> html.Header:
    links = [dcc.Link(page.TITLE, href=page.PATH, className="nav-link") for page in PAGES]
    return html.Header(
        html.Nav(
            [
                dcc.Link([html.Span("ESSA", className="brand-mark"), " Dash"], href="/", className="brand"),
                html.Div(links, className="nav-links"),
            ],
            className="navbar",
            **{"aria-label": "Main"},
        )
    )


def _footer() -> html.Footer:
    return html.Footer(
        html.P(
            [
                "ESSA Dash: social protection coverage in ASEAN (SDG 1.3.1). Figures as published by the ILO, the UN and the World Bank; "
                "each chart names its sources under 'Definition and source'."
            ]
        ),
        className="footer",
    )


def create_app(root: Path | None = None) -> Dash:
    """Build the app on the data in ``root`` (default: ``ESSA_DATA_DIR`` or ``data/``).

    The store is read here, once, so that a missing or corrupt data file stops the
    server at start with a clear message rather than failing on the first visitor.
    """
    root = data_dir(root)
    get_store(root)
    app = Dash(
        __name__,
        use_pages=True,
        pages_folder="",
        assets_folder=str(ASSETS_DIR),
        title=APP_TITLE,
        update_title=None,
        serve_locally=True,
        suppress_callback_exceptions=True,
    )
    app.server.config[DATA_DIR_KEY] = str(root)
    for page in PAGES:
        dash.register_page(page.__name__, path=page.PATH, title=f"{page.TITLE} · {APP_TITLE}", name=page.TITLE, layout=page.layout)
    app.layout = html.Div(
        [
            html.A("Skip to content", href="#content", className="skip-link"),
            _navbar(),
            html.Div(dash.page_container, id="content"),
            _footer(),
        ]
    )

    @app.server.errorhandler(500)
    def _server_error(_error: Exception) -> tuple[str, int]:
        # never a traceback: the log has the details, the visitor gets a plain sentence
        return "Something went wrong on our side. Please reload the page.", 500

    @app.server.after_request
    def _headers(response: flask.Response) -> flask.Response:
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        return response

    return app
