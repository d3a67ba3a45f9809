"""A page's HTML names the page and its address as a link preview shows them: the title in the page's language, the
address from the configured public URL, never from the request's Host header."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

import pytest
from flask.testing import FlaskClient

from essa_dash import link_preview
from essa_dash.app import create_app, page_modules
from essa_dash.text import tr, use_language

PUBLIC = "https://essa.example.org"


@pytest.fixture(scope="module")
def client(built_root: Path) -> FlaskClient:
    return create_app(built_root, public_url=PUBLIC).server.test_client(use_cookies=False)


class _Head(HTMLParser):
    """The head's title and its meta tags, {name or property: content}."""

    def __init__(self) -> None:
        super().__init__()
        self.metas: dict[str, str] = {}
        self.title = ""
        self._in_title = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "meta" and (key := found.get("name") or found.get("property")):
            self.metas[key] = found.get("content") or ""
        self._in_title = tag == "title"

    def handle_endtag(self, tag: str) -> None:
        self._in_title = False

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title += data


def head(client: FlaskClient, url: str, **headers: str) -> tuple[_Head, str]:
    response = client.get(url, headers=headers)
    assert response.status_code == (404 if url.startswith("/no/") else 200)
    text = response.get_data(as_text=True)
    parsed = _Head()
    parsed.feed(text[: text.index("</head>")])
    return parsed, text


@pytest.mark.parametrize("url", ["/", "/risk/old_age?country=VNM,THA", "/country/IDN", "/data", "/no/such/page"])
def test_a_forged_host_never_reaches_the_page(client: FlaskClient, url: str) -> None:
    parsed, text = head(client, url, Host="evil.example", **{"X-Forwarded-Host": "evil2.example"})
    assert "evil" not in text
    assert parsed.metas["og:url"] == PUBLIC + url
    assert "twitter:url" not in parsed.metas  # Dash's own tags (the request's URL) are off


def test_the_title_and_description_are_the_pages_in_its_language(client: FlaskClient) -> None:
    parsed, _ = head(client, "/risk/old_age?lang=vi")
    with use_language("vi"):
        title, about = tr("Risks") + " · ESSA Dash", tr(link_preview.ABOUT)
    assert title != "Risks · ESSA Dash" and about != link_preview.ABOUT  # translated, not the English fallback
    assert parsed.title == parsed.metas["og:title"] == title
    assert parsed.metas["og:description"] == parsed.metas["description"] == about
    assert parsed.metas["og:url"] == PUBLIC + "/risk/old_age?lang=vi"


def test_the_language_the_browser_asks_for_names_the_page_without_lang(client: FlaskClient) -> None:
    parsed, _ = head(client, "/country/VNM", **{"Accept-Language": "th"})
    with use_language("th"):
        assert parsed.title == tr("Countries") + " · ESSA Dash"


def test_markup_in_the_address_is_written_as_text(client: FlaskClient) -> None:
    parsed, text = head(client, '/?edition="><script>alert(1)</script>')
    assert "<script>alert(1)" not in text
    assert parsed.metas["og:url"] == PUBLIC + '/?edition="><script>alert(1)</script>'  # the parser unescapes what was escaped


@pytest.mark.parametrize(
    ("path", "title"),
    [("/", "Overview"), ("/risk/old_age", "Risks"), ("/country/VNM/", "Countries"), ("/risk/old_age/more", "Page not found")],
)
def test_each_path_is_named_by_its_page(path: str, title: str) -> None:
    assert link_preview.page_title(page_modules(), path) == f"{title} · ESSA Dash"


def test_the_address_is_the_one_asked_for_even_with_escapes_in_its_path(client: FlaskClient) -> None:
    # Werkzeug hands the path decoded: written as it came, "%3F" became a query of another address
    parsed, _ = head(client, "/risk/old_age%3Fcountry=VNM")
    assert parsed.metas["og:url"] == PUBLIC + "/risk/old_age%3Fcountry%3DVNM"
