"""Which scripts a page loads: the smallest plotly.js that draws its charts (or none), and no dead weight.

Dash puts every ``.js`` of ``assets/`` into every page, so one plotly.js there costs
every page its full weight: map code (d3-geo, topojson: 35 kB compressed) on pages
without a map, 345 kB on the data explorer that draws no chart. The two partial
bundles built by ``deploy/plotly-bundle/build.sh`` live in ``essa_dash/static/``
instead, and each page's HTML links the one it needs, read from the chart registry:

* a page with a map chart (``Chart.map``): the geo bundle (every trace the code draws);
* a page with other charts: the basic bundle (no geo traces);
* a page without charts (data explorer, languages, deck builder, 404): no plotly.js.

Moving between pages inside the app keeps the scripts already loaded, so a link to a
map page is a full page load (:func:`needs_full_load`) and a page that arrives without
plotly.js gets the geo bundle, which draws everything, when its first chart asks
(dcc.Graph fetches ``plotly.min.js`` from Dash's fixed URL: :func:`install` answers it
with the geo bundle rather than Dash's 4.8 MB full one).

Every page starts its scripts with ``assets/viewport.js`` and ``first-page.js``, which asks
for the first layout, with the page inside (essa_dash.first_page), while the others are parsed.
Right after its plotly.js a page links ``plotly-queue.js``, which draws its charts one per
task: Dash mounts them all in one commit, and the browser showed none until the last was drawn.
The same script first draws the chart the page's HTML carries (essa_dash.first_view), before Dash boots,
then loads Dash's own scripts, which a page with that chart holds back (``first_view.held_back``).

Two scripts Dash links on every page are replaced or left out (:func:`page_scripts`):
``@babel/polyfill`` (32 kB compressed) by the regenerator runtime it contains (3 kB),
the only part Dash's own scripts call (their lazy loaders use the global
``regeneratorRuntime``; the rest, core-js 2, polyfills ES2015, which every supported
browser has); ``dash_table``, which no page draws (the explorer's table is plain HTML drawn on the server).
"""

from __future__ import annotations

import hashlib
import re
from functools import cache
from pathlib import Path

import flask

STATIC_DIR = Path(__file__).resolve().parent / "static"
BASIC, GEO = "plotly-essa-basic.min.js", "plotly-essa-geo.min.js"
REGENERATOR = "regenerator-runtime.min.js"
#: Draws a page's charts one per task (see the script), and first the chart the page's HTML carries
#: (first_view.py): linked right after the bundle, before Dash's scripts.
QUEUE = "plotly-queue.js"
#: Asks for the first layout (with the page in it) and the callbacks' graph before the other scripts run (first_page.py).
FIRST_PAGE = "first-page.js"
#: The viewport's frame in a cookie, which the first layout is drawn for: moved ahead of FIRST_PAGE.
VIEWPORT = re.compile(r'<script src="[^"]*/assets/viewport\.js[^"]*"></script>\s*')
#: Dash's script tags this app does without (see the module's docstring).
POLYFILL = re.compile(r'<script src="[^"]*/dash/deps/polyfill@[^"]*"></script>')
UNUSED = re.compile(r'<script src="[^"]*/dash/dash_table/[^"]*"></script>\s*')
#: Where dcc.Graph fetches plotly.js when no script defined window.Plotly (dash-renderer, serve_locally).
DASH_PLOTLY_URL = "/_dash-component-suites/plotly/package_data/plotly.min.js"


@cache
def url(name: str) -> str:
    """The bundle's address with its content hash (``?v=``): cacheable for a year, a new build a new URL."""
    digest = hashlib.sha256(_read(name)).hexdigest()[:12]
    return f"/static/{name}?v={digest}"


@cache
def _pages() -> tuple[tuple[str, str], ...]:
    """(page template, bundle) for every page that draws a registered chart."""
    from essa_dash.views import load_all

    charts = load_all().values()
    pages = dict.fromkeys(c.page for c in charts)
    return tuple((page, GEO if any(c.map for c in charts if c.page == page) else BASIC) for page in pages)


def bundle_for(path: str) -> str | None:
    """The bundle a page at ``path`` links (file name), or None when it draws no chart."""
    from essa_dash.views import of_page

    return next((bundle for page, bundle in _pages() if of_page(page, path)), None)


def needs_full_load(href: str) -> bool:
    """Whether a link to ``href`` must load a new HTML page: a map page needs map code other pages lack."""
    return bundle_for(href) == GEO


def page_scripts(path: str, scripts: str) -> str:
    """Dash's ``<script>`` tags for the page at ``path`` as this app sends them: its plotly.js first, no dead weight."""
    bundle = bundle_for(path)
    plotly_js = f'<script src="{url(bundle)}"></script>{queue_tag()}' if bundle else ""
    viewport = VIEWPORT.search(scripts)
    first = (viewport.group(0).strip() if viewport else "") + f'<script src="{url(FIRST_PAGE)}"></script>'
    scripts = POLYFILL.sub(lambda _: f'<script src="{url(REGENERATOR)}"></script>', VIEWPORT.sub("", scripts))
    return first + plotly_js + UNUSED.sub("", scripts)


def queue_tag() -> str:
    """The script tag of plotly-queue.js, as :func:`page_scripts` writes it (Dash's scripts follow it)."""
    return f'<script src="{url(QUEUE)}"></script>'


def install(server: flask.Flask) -> None:
    """Answer Dash's fixed plotly.js URL with the geo bundle (a page without charts that later draws one)."""

    @server.before_request
    def _partial_plotly() -> flask.Response | None:
        if flask.request.path != DASH_PLOTLY_URL:
            return None
        # bytes, as Dash serves its own package files (serving.py compresses them once per process)
        response = flask.Response(_read(GEO), mimetype="text/javascript")
        response.set_etag(url(GEO).rsplit("=", 1)[1])
        return response.make_conditional(flask.request)


@cache
def _read(name: str) -> bytes:
    return (STATIC_DIR / name).read_bytes()
