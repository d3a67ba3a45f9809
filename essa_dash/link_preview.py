"""What a link to the dashboard shows before anyone opens it: the page's title, a line on the app and its address.

Chat apps, slide tools and search engines read a page's ``<title>`` and its meta tags from
the HTML alone. Dash's own tags (``include_pages_meta``) wrote the request's URL, Host header
included, as the page's address, and every page's ``<title>`` was the app's name until Dash's
scripts ran. Here the title is the page's, in the page's language, and the address is
built from ``ESSA_PUBLIC_URL``, as every absolute link the app writes: a request naming
another host never puts that host in a page.
"""

from __future__ import annotations

import html
from types import ModuleType
from urllib.parse import quote

import flask
from dash import Dash

from essa_dash.components.context import public_url
from essa_dash.components.language import request_language
from essa_dash.text import mark, tr, use_language
from essa_dash.views import of_page

APP_TITLE = "ESSA Dash"
#: what the app is, in a sentence every page's footer shows too (so every language of the catalogue has it)
ABOUT = mark(
    "ESSA Dash: social protection coverage in ASEAN (SDG 1.3.1). Figures as published by the ILO, the UN and the World Bank; "
    "each chart names its sources under 'Definition and source'."
)


def page_title(modules: list[ModuleType], path: str) -> str:
    """The title of the page at ``path`` in the current language, as the browser's tab shows it once Dash runs."""
    titles = [m.TITLE for m in modules if of_page(m.PATH, path)]
    missing = [m.TITLE for m in modules if m.PATH == "/404"]
    title = (titles or missing or [None])[0]
    return titled(title) if title else APP_TITLE


def titled(title: str) -> str:
    """A page's title as its tab and its link preview name it: "Risks · ESSA Dash", in the current language."""
    return tr(title) + " · " + APP_TITLE


def tags(title: str, description: str, url: str) -> str:
    """The meta tags of a link preview (Open Graph, which most readers of links understand), escaped."""
    pairs = [
        ("name", "description", description),
        ("property", "og:type", "website"),
        ("property", "og:site_name", APP_TITLE),
        ("property", "og:title", title),
        ("property", "og:description", description),
        ("property", "og:url", url),
        ("name", "twitter:card", "summary"),
    ]
    return "\n".join(f'<meta {kind}="{name}" content="{html.escape(value)}">' for kind, name, value in pairs)


def install(app: Dash, modules: list[ModuleType]) -> None:
    """Write each page's own title and link preview into its HTML (Dash's request-built tags switched off)."""
    app.config.include_pages_meta = False
    original = app.interpolate_index

    def interpolate_index(**kwargs: str) -> str:
        request = flask.request
        query = request.query_string.decode("latin-1")
        # the path as sent (Werkzeug decodes %xx: "/risk/old_age%3Fcountry=VNM" would name another address)
        url = public_url() + quote(request.path, safe="/") + ("?" + query if query else "")
        with use_language(request_language(request.args.get("lang"))):
            title = page_title(modules, request.path)
            description = tr(ABOUT)
        kwargs["title"] = html.escape(title)
        kwargs["metas"] = kwargs.get("metas", "") + "\n" + tags(title, description, url)
        return original(**kwargs)

    app.interpolate_index = interpolate_index
