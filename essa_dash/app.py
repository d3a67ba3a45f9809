"""The Dash application: the frame (navigation, page container) and page registration.

Every module in :mod:`essa_dash.pages` is a page: it declares ``PATH`` (a Dash
path template such as ``/country/<iso3>``), ``TITLE``, ``NAV`` (its place in the
navigation bar, or None) and ``layout(**url)``. Adding a page is adding a module.
"""

from __future__ import annotations

import importlib
import json
import pkgutil
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from urllib.parse import urlencode

import dash
import dash._callback
import dash.dash
import flask
from dash import Dash, Input, Output, dcc, html
from dash._utils import to_json
from dash.exceptions import MissingCallbackContextException

from essa_dash import (
    api,
    bundles,
    callback_cache,
    first_page,
    first_view,
    guard,
    link_preview,
    next_views,
    page_notices,
    page_views,
    pages,
    pinning,
    security,
    settings,
    share,
)
from essa_dash.components.context import DATA_DIR_KEY, DEFAULT_PUBLIC_URL, PUBLIC_URL_KEY
from essa_dash.components.controls import PAGES_LOCATION, register_url_sync
from essa_dash.components.language import in_language, language_links, request_language, search_lang, search_language
from essa_dash.components.language import install as install_language
from essa_dash.components.release import pinnable
from essa_dash.components.viewport import in_frame, request_frame
from essa_dash.export import images
from essa_dash.figures.frames import PHONE
from essa_dash.paths import ASSETS_DIR, data_dir
from essa_dash.query.state import Vocabulary, read_query
from essa_dash.store import get_store
from essa_dash.text import LANGUAGES, tr, use_language

SKIP_LINK, HEADER, FOOTER = "skip-link", "site-header", "site-footer"
_PAGE_CALLBACKS: tuple[dict[str, object], list[object]] = ({}, [])


def _own_page_callbacks(app: Dash) -> None:
    """Give ``app`` every callback the pages declare with ``dash.callback``.

    Dash hands those callbacks to the first app that serves a request and then forgets
    them, so a second app in the same process (the tests make one per module; a WSGI host
    may mount two) answered the deck's or the explorer's callbacks with "names no callback".
    They are taken from Dash once and given to every app made here.
    """
    taken_map, taken_list = _PAGE_CALLBACKS
    taken_map.update(dash._callback.GLOBAL_CALLBACK_MAP)
    taken_list.extend(dash._callback.GLOBAL_CALLBACK_LIST)
    dash._callback.GLOBAL_CALLBACK_MAP.clear()
    dash._callback.GLOBAL_CALLBACK_LIST.clear()
    app.callback_map.update(taken_map)
    app._callback_list.extend(taken_list)


def page_modules() -> list[ModuleType]:
    """Every page module, in navigation order (pages not in the navigation last)."""
    modules = [importlib.import_module(f"{pages.__name__}.{info.name}") for info in pkgutil.iter_modules(pages.__path__)]
    return sorted(modules, key=lambda m: (m.NAV is None, m.NAV or 0, m.__name__))


def _with_lang(href: str, lang: str | None) -> str:
    return f"{href}?{urlencode({'lang': lang})}" if lang else href


def _navbar(modules: list[ModuleType], current: str, lang: str | None, pathname: str, search: str | None) -> html.Nav:
    """The navigation in the page's language; ``lang`` (the URL's, if it has one) rides along on every link."""
    # a map page loads with its own HTML, which brings the map's plotly.js (bundles.py): a plain link, not a dcc.Link
    links = [
        (html.A if bundles.needs_full_load(page.NAV_HREF) else dcc.Link)(
            tr(page.TITLE), href=_with_lang(page.NAV_HREF, lang), className="nav-link"
        )
        for page in modules
        if page.NAV is not None
    ]
    return html.Nav(
        [
            dcc.Link([html.Span("ESSA", className="brand-mark"), " Dash"], href=_with_lang("/", lang), className="brand"),
            html.Div(links, className="nav-links"),
            language_links(pathname, search, current),
        ],
        className="navbar",
        **{"aria-label": tr("Main")},
    )


def _footer(lang: str | None = None) -> html.P:
    return html.P(
        [
            tr(link_preview.ABOUT),
            " ",
            dcc.Link(tr("Languages and translations"), href=_with_lang("/languages", lang), className="footer-languages"),
        ]
    )


def _layout(page: ModuleType) -> Callable[..., object]:
    """A page's layout in the language of its URL, from the data release it names, one value per URL parameter.

    The path variables come from the path (guard.from_path), before the others read them.
    """
    return guard.from_path(guard.one_value_each(in_language(in_frame(pinnable(page.layout, scope=_scope)))), page.PATH)


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


def _frame(modules: list[ModuleType], pathname: str | None, search: str | None) -> tuple[str, html.Nav, html.P]:
    """Skip link, navigation (with the switcher) and footer of the page at ``pathname`` and ``search``, in its language."""
    explicit = search_lang(search)
    with use_language(search_language(search)) as current:
        lang = current if explicit in LANGUAGES else None
        return tr("Skip to content"), _navbar(modules, current, lang, pathname or "/", search), _footer(lang)


def _frame_around(modules: list[ModuleType]) -> Callable[[object, str | None, str | None], html.Div]:
    """The app's layout around Dash's pages container, drawn for the page the first layout carries (first_page.py)."""

    def framed(container: object, pathname: str | None, search: str | None) -> html.Div:
        skip, navbar, footer = _frame(modules, pathname, search)
        return html.Div(
            [
                html.A(skip, href="#content", className="skip-link", id=SKIP_LINK),
                html.Header(navbar, id=HEADER),
                html.Div(container, id="content"),
                html.Footer(footer, className="footer", id=FOOTER),
            ]
        )

    return framed


def _register_frame(app: Dash, modules: list[ModuleType]) -> None:
    """Navigation, switcher and footer redrawn in the language of each page the visitor opens.

    Not on the first load: the first layout is drawn for its page (first_page.py), and when it
    carries none, dcc.Location reports where it is as it mounts, which calls this.
    """

    @app.callback(
        Output(SKIP_LINK, "children"),
        Output(HEADER, "children"),
        Output(FOOTER, "children"),
        Input(PAGES_LOCATION, "pathname"),
        Input(PAGES_LOCATION, "search"),
        prevent_initial_call=True,
    )
    def _redraw_frame(pathname: str | None, search: str | None) -> tuple[str, html.Nav, html.P]:
        return _frame(modules, pathname, search)


def _page_title(title: str) -> Callable[..., str]:
    """The browser tab's title in the page's language (Dash pages asks at the first load and at each navigation)."""

    def titled(**_path: str) -> str:
        try:  # a navigation: Dash's routing callback has the page's query string
            code = search_language(dash.ctx.inputs.get(f"{PAGES_LOCATION}.search"))
        except (MissingCallbackContextException, LookupError):  # the first load: the HTML request has it
            code = request_language(flask.request.args.get("lang"))
        with use_language(code):
            return link_preview.titled(title)

    return titled


def _html_lang(app: Dash) -> None:
    """``<html lang>`` names the language the page is written in (for screen readers, hyphenation and fonts)."""
    original = app.interpolate_index

    def interpolate_index(**kwargs: str) -> str:
        code = request_language(flask.request.args.get("lang"))
        return original(**kwargs).replace('<html lang="en">', f'<html lang="{code}">', 1)

    app.interpolate_index = interpolate_index


def _plotly_per_page(app: Dash) -> None:
    """Start each page's scripts with the plotly.js its charts need (none on a page without charts), no dead weight (bundles.py)."""
    original = app.interpolate_index

    def interpolate_index(**kwargs: str) -> str:
        kwargs["scripts"] = bundles.page_scripts(flask.request.path, kwargs["scripts"])
        return original(**kwargs)

    app.interpolate_index = interpolate_index


def _first_view(app: Dash, frame: Callable[[object, str | None, str | None], html.Div]) -> None:
    """Put a static copy of the page down to its first chart in its HTML, the chart drawn before Dash boots (first_view.py).

    The copy is the first layout ``_dash-layout?page=`` answers (first_page.py: the router's
    answer through the answer store, so a view is drawn once), drawn for the request's language
    and viewport frame: the HTML varies with Cookie as the layout does, besides Accept-Language.
    """
    original = app.interpolate_index

    def interpolate_index(**kwargs: str) -> str:
        path = flask.request.path
        if bundles.bundle_for(path) is not None:
            query = flask.request.query_string.decode("latin-1")
            layout = first_page.framed(frame, path + ("?" + query if query else ""))
            copy = first_view.render(json.loads(to_json(layout)), phone=request_frame() == PHONE) if layout is not None else ""
            if copy:
                # Dash's scripts, held back in front of the page's, are loaded by plotly-queue.js once it has drawn the copy's chart
                kwargs["scripts"], scripts = first_view.held_back(kwargs["scripts"] + kwargs["renderer"], after=bundles.queue_tag())
                kwargs["app_entry"], kwargs["renderer"] = copy + kwargs["app_entry"] + scripts, ""

                @flask.after_this_request
                def _vary(response: flask.Response) -> flask.Response:
                    response.vary.add("Cookie")  # the viewport's frame, as the first layout
                    return response

        return original(**kwargs)

    app.interpolate_index = interpolate_index


def create_app(root: Path | None = None, *, public_url: str | None = None) -> Dash:
    """Build the app on the data in ``root`` (default: ``ESSA_DATA_DIR`` or ``data/``).

    ``public_url`` is the address visitors use (explicit > ``ESSA_PUBLIC_URL`` >
    ``http://127.0.0.1:8050``): every absolute link the pages write starts with it.
    The store and the settings are read here, once, so that a missing or corrupt data file
    or a malformed setting stops the server at start with a clear message rather than
    failing on the first visitor.
    """
    root = data_dir(root)
    settings.check()
    # Dash's pages router reads the query string with parse_qs, every pair of it (4,500 invented ones
    # in a 63 kB callback: a tenth of a CPU-second); its layouts get the bounded reading instead
    dash.dash._parse_query_string = read_query
    address = settings.address(public_url, default=DEFAULT_PUBLIC_URL)
    store = get_store(root)
    modules = page_modules()
    app = Dash(
        __name__,
        use_pages=True,
        pages_folder="",
        assets_folder=str(ASSETS_DIR),
        title=link_preview.APP_TITLE,
        update_title=None,
        serve_locally=True,
        suppress_callback_exceptions=True,
    )
    # the page's language, for screen readers and hyphenation (Dash's own template has none)
    app.index_string = app.index_string.replace("<html>", '<html lang="en">', 1)
    app.server.config[DATA_DIR_KEY] = str(root)
    app.server.config[PUBLIC_URL_KEY] = address
    for page in modules:
        path = {"path_template": page.PATH} if "<" in page.PATH else {"path": page.PATH}
        dash.register_page(page.__name__, **path, title=_page_title(page.TITLE), name=page.TITLE, layout=_layout(page))
    frame = _frame_around(modules)
    app.layout = first_page.layout(frame)
    _own_page_callbacks(app)
    _register_frame(app, modules)
    _first_view(app, frame)  # inside _plotly_per_page's wrapper: it holds back the scripts that one writes
    _plotly_per_page(app)
    _html_lang(app)
    link_preview.install(app, modules)
    register_url_sync(app, Vocabulary.from_store(store))
    pinning.install(app.server)
    install_language(app.server)
    api.register(app.server)
    share.register(app.server)

    @app.server.errorhandler(500)
    def _server_error(_error: Exception) -> tuple[str, int]:
        # never a traceback: the log has the details, the visitor gets a plain sentence
        return "Something went wrong on our side. Please reload the page.", 500

    security.install(app.server)
    security.hide_versions(app)
    guard.install(app)  # a malformed request is answered 400 before Dash or a route sees it
    page_notices.install(app, root)  # a link with problems: its view's stored drawing with its own notice put in
    callback_cache.install(app.server, views=page_views.keyer(root, app.strip_relative_path))
    next_views.install(app.server, root, app.strip_relative_path)  # the views one click away, drawn before they are asked for
    bundles.install(app.server)
    images.set_topojson_base(ASSETS_DIR / "topojson")  # maps render offline from the vendored shapes

    return app
