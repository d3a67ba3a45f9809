"""The Dash application: the frame (navigation, page container) and page registration.

Every module in :mod:`essa_dash.pages` is a page: it declares ``PATH`` (a Dash
path template such as ``/country/<iso3>``), ``TITLE``, ``NAV`` (its place in the
navigation bar, or None) and ``layout(**url)``. Adding a page is adding a module.
"""

from __future__ import annotations

import importlib
import pkgutil
import re
from pathlib import Path
from types import ModuleType

import dash
import flask
from dash import Dash, dcc, html

from essa_dash import api, callback_cache, pages, pinning, security, share
from essa_dash.components.context import DATA_DIR_KEY
from essa_dash.components.controls import register_url_sync
from essa_dash.components.release import pinnable
from essa_dash.export import images
from essa_dash.paths import ASSETS_DIR, data_dir
from essa_dash.query.state import Vocabulary
from essa_dash.store import get_store

APP_TITLE = "ESSA Dash"
EXPLORER_PATH = "/data"


def page_modules() -> list[ModuleType]:
    """Every page module, in navigation order (pages not in the navigation last)."""
    modules = [importlib.import_module(f"{pages.__name__}.{info.name}") for info in pkgutil.iter_modules(pages.__path__)]
    return sorted(modules, key=lambda m: (m.NAV is None, m.NAV or 0, m.__name__))


def _navbar(modules: list[ModuleType]) -> html.Header:
    # the explorer loads with its own HTML (it alone brings AG Grid's script): a plain link, not a dcc.Link
    links = [
        (html.A if page.NAV_HREF == EXPLORER_PATH else dcc.Link)(page.TITLE, href=page.NAV_HREF, className="nav-link")
        for page in modules
        if page.NAV is not None
    ]
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


def _scope(url: dict[str, object]) -> dict[str, tuple[str, ...]]:
    """The countries and risks a page's URL selects (path variables included): what its pinned banner counts."""

    def ids(*names: str) -> tuple[str, ...]:
        found: list[str] = []
        for name in names:
            value = url.get(name)
            items = value if isinstance(value, list) else str(value or "").split(",")
            found += [str(v).strip() for v in items if str(v).strip()]
        return tuple(found)

    return {"country": tuple(c.upper() for c in ids("iso3", "country")), "risk": tuple(r.lower() for r in ids("risk"))}


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


def _only_on_explorer(app: Dash, library: str, path: str) -> None:
    """Send a component library's script only with the page that uses it.

    Dash puts every imported library in every page's HTML; AG Grid alone is 1.3 MB
    (303 KB compressed), a third of a first visit, and only the data explorer draws a grid.
    The navigation reaches the explorer with a full page load (its link is a plain <a>),
    so its HTML, and only its HTML, brings the grid's script.
    """
    original = app.interpolate_index

    def interpolate_index(**kwargs: str) -> str:
        if not flask.request.path.startswith(path):
            kwargs["scripts"] = re.sub(rf'<script src="[^"]*/{library}/[^"]*"></script>\s*', "", kwargs["scripts"])
        return original(**kwargs)

    app.interpolate_index = interpolate_index


def create_app(root: Path | None = None) -> Dash:
    """Build the app on the data in ``root`` (default: ``ESSA_DATA_DIR`` or ``data/``).

    The store is read here, once, so that a missing or corrupt data file stops the
    server at start with a clear message rather than failing on the first visitor.
    """
    root = data_dir(root)
    store = get_store(root)
    modules = page_modules()
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
    # the page's language, for screen readers and hyphenation (Dash's own template has none)
    app.index_string = app.index_string.replace("<html>", '<html lang="en">', 1)
    app.server.config[DATA_DIR_KEY] = str(root)
    for page in modules:
        path = {"path_template": page.PATH} if "<" in page.PATH else {"path": page.PATH}
        layout = pinnable(page.layout, scope=_scope)
        dash.register_page(page.__name__, **path, title=f"{page.TITLE} · {APP_TITLE}", name=page.TITLE, layout=layout)
    app.layout = html.Div(
        [
            html.A("Skip to content", href="#content", className="skip-link"),
            _navbar(modules),
            html.Div(dash.page_container, id="content"),
            _footer(),
        ]
    )
    _only_on_explorer(app, "dash_ag_grid", EXPLORER_PATH)
    register_url_sync(app, Vocabulary.from_store(store))
    pinning.install(app.server)
    api.register(app.server)
    share.register(app.server)

    @app.server.errorhandler(500)
    def _server_error(_error: Exception) -> tuple[str, int]:
        # never a traceback: the log has the details, the visitor gets a plain sentence
        return "Something went wrong on our side. Please reload the page.", 500

    security.install(app.server)
    callback_cache.install(app.server)
    images.set_topojson_base(ASSETS_DIR / "topojson")  # maps render offline from the vendored shapes

    return app
