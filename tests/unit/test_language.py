"""The language of a visit: ``lang=`` in the URL, else the browser; ``<html lang>`` and the switcher follow it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from essa_dash.app import create_app
from essa_dash.components.language import language_links
from essa_dash.query.state import State, Vocabulary
from essa_dash.store import Store
from essa_dash.text import LANGUAGES


@pytest.fixture(scope="module")
def client(built_root: Path):
    return create_app(built_root).server.test_client()


def html_lang(response) -> str:
    return re.search(r'<html lang="([^"]+)">', response.get_data(as_text=True)).group(1)


def test_html_lang_follows_the_url_then_the_browser(client) -> None:
    assert html_lang(client.get("/?lang=vi")) == "vi"
    assert html_lang(client.get("/country/IDN", headers={"Accept-Language": "id-ID,id;q=0.9,en;q=0.5"})) == "id"
    assert html_lang(client.get("/?lang=km", headers={"Accept-Language": "id"})) == "km"
    assert html_lang(client.get("/", headers={"Accept-Language": "fr-FR"})) == "en"
    assert html_lang(client.get("/?lang=xx")) == "en"


def test_lang_is_part_of_the_url_vocabulary(store: Store) -> None:
    vocabulary = Vocabulary.from_store(store)
    state, problems = vocabulary.parse({"lang": "VI", "sex": "female"}, accept=("sex",))
    assert (state.lang, problems) == ("vi", [])
    assert vocabulary.encode(state) == "?sex=female&lang=vi"
    assert vocabulary.parse({"lang": vocabulary.encode(state)[1:].split("lang=")[1]})[0].lang == "vi"
    _, problems = vocabulary.parse({"lang": "fr"})
    assert [p.param for p in problems] == ["lang"] and "vi" in problems[0].allowed
    assert vocabulary.encode(State()) == ""


def test_the_switcher_names_each_language_in_itself_and_keeps_the_view() -> None:
    nav = language_links("/country/VNM", "?edition=ilostat-2025&lang=id", "id")
    links = nav.children
    assert [a.children for a in links] == [lang.name for lang in LANGUAGES.values()]
    assert "Tiếng Việt" in [a.children for a in links] and "ខ្មែរ" in [a.children for a in links]
    vi = next(a for a in links if a.lang == "vi")
    assert vi.href == "/country/VNM?edition=ilostat-2025&lang=vi"
    current = [a for a in links if "current" in a.className]
    assert [a.lang for a in current] == ["id"]
