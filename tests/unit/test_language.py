"""The language of a visit: ``lang=`` in the URL, else the browser; ``<html lang>`` and the switcher follow it."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from essa_dash import views
from essa_dash.app import create_app
from essa_dash.components.language import language_links
from essa_dash.query.state import State, Vocabulary
from essa_dash.serving import router_payload
from essa_dash.store import Store
from essa_dash.text import LANGUAGES, use_language
from essa_dash.text.i18n import status


@pytest.fixture(scope="module")
def client(built_root: Path):
    return create_app(built_root).server.test_client()


def drawn(client, path: str, search: str) -> str:
    """A page as Dash's router draws it, as text (unicode unescaped)."""
    response = client.post("/_dash-update-component", json=router_payload(path, search))
    assert response.status_code == 200
    return json.dumps(response.get_json(), ensure_ascii=False, separators=(",", ":"))


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


def test_the_languages_page_counts_what_the_catalogs_hold(client) -> None:
    text = drawn(client, "/languages", "?lang=vi")
    assert "Tiếng Việt" in text and "ខ្មែរ" in text
    assert "Cách đóng góp" in text  # the page itself in Vietnamese
    for row in status():
        assert f'"data-lang":"{row.code}"' in text
    vi = next(r for r in status() if r.code == "vi")
    assert vi.strings > 300 and vi.translated > 300 and vi.reviewed == 0  # written here: all still unreviewed


def test_a_page_in_vietnamese_writes_numbers_and_names_the_vietnamese_way(client) -> None:
    text = drawn(client, "/country/IDN", "?lang=vi")
    assert "ai được an sinh xã hội bao phủ?" in text
    assert re.search(r"\d+,\d triệu", text), "millions with a decimal comma"
    english = drawn(client, "/country/IDN", "?lang=en")
    assert "who is covered by social protection?" in english and re.search(r"\d+\.\d million", english)


def test_api_labels_follow_the_language_and_codes_never_change(client) -> None:
    english = client.get("/api/v1/coverage.json?country=VNM&risk=old_age").get_json()
    vietnamese = client.get("/api/v1/coverage.json?country=VNM&risk=old_age&lang=vi").get_json()
    first_en, first_vi = english["data"][0], vietnamese["data"][0]
    assert (first_en["country"], first_vi["country"]) == ("Viet Nam", "Việt Nam")
    assert first_vi["risk_label"] == "Người cao tuổi nhận lương hưu"
    for code in ("iso3", "risk", "sex", "year", "coverage_pct", "edition", "source_id", "coverage_kind"):
        assert [r[code] for r in english["data"]] == [r[code] for r in vietnamese["data"]], code
    assert vietnamese["meta"]["definitions"][0]["ilo_wording"] == english["meta"]["definitions"][0]["ilo_wording"]  # a quotation
    by_header = client.get("/api/v1/risks", headers={"Accept-Language": "id"})
    assert "Accept-Language" in by_header.headers.get("Vary", "")


def test_the_xlsx_about_sheet_speaks_the_language_and_keeps_its_codes(client) -> None:
    from io import BytesIO

    from openpyxl import load_workbook

    book = load_workbook(BytesIO(client.get("/api/v1/coverage.xlsx?country=IDN&lang=id").get_data()))
    assert book.sheetnames == ["Data", "Sources", "Definitions", "About"]  # sheet names are stable for scripts
    about = {row[0]: row[1] for row in book["About"].iter_rows(min_row=2, values_only=True) if row and row[0]}
    assert "Kutip sebagai" in about and about["country"] == "IDN"  # the filter is a code
    header = [c.value for c in book["Data"][1]]
    assert "iso3" in header and "coverage_pct" in header  # column names are codes too


def test_embeds_and_presenting_are_written_in_the_language(client) -> None:
    page = client.get("/present?views=/country/VNM&lang=vi").get_data(as_text=True)
    assert '<html lang="vi">' in page and "Trang chiếu {n}/{total}" in page
    embed = client.get("/embed/country-bars?country=IDN&lang=id").get_data(as_text=True)
    assert '<html lang="id">' in embed and "Buka di ESSA Dash" in embed


def test_the_dropdowns_own_words_follow_the_language() -> None:
    """Dash draws a multi-choice list's count ("11 selected"), menu buttons and search in English unless given them."""
    from essa_dash.components.controls import dropdown
    from essa_dash.text.context import use_language

    with use_language("km"):
        labels = dropdown("risk", [], [], label="", multi=True).children[1].labels
    assert labels["selected_count"] == "បានជ្រើសរើស {num_selected}"  # Dash fills {num_selected} itself
    assert labels["search"] == "ស្វែងរក"


def test_the_sdg_trends_name_their_areas_in_the_language(store: Store) -> None:
    """The SDG series carry their source's English area names; the legend and hover must not."""
    with use_language("vi"):
        built = views.build("country-context", store, State(country=("PHL",)))
    assert built is not None
    names = {trace.name for trace in built.figure.data if trace.name}
    assert {"Đông Nam Á", "Thế giới"} <= names and not names & {"South-Eastern Asia", "World"}
    assert not any("South-Eastern Asia" in str(text) for trace in built.figure.data for text in (trace.hovertext or ()))
