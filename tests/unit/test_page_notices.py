"""Issue 16: a page link with problems in its words is its view's one drawing with its own notice, never a drawing of its own."""

from __future__ import annotations

import json
from pathlib import Path

import flask
import pytest
from flask.testing import FlaskClient
from werkzeug.test import Client

from essa_dash import lane, page_views
from essa_dash.app import create_app
from essa_dash.pages import country
from essa_dash.serving import router_payload

NOTICE_TEXT = "Part of this link could not be used"
#: The notice in a page's JSON, in any language.
NOTICE_JSON = '"className":"notice","role":"alert"'


@pytest.fixture(scope="module")
def client(built_root: Path) -> FlaskClient:
    app = create_app(built_root)
    client = app.server.test_client(use_cookies=False)
    client.get("/")  # the pages router is registered on the first request
    return client


def _post(client: FlaskClient | Client, url: str, **headers: str):
    pathname, _, search = url.partition("?")
    return client.post("/_dash-update-component", json=router_payload(pathname, f"?{search}" if search else ""), headers=headers)


def _unknown(prefix: str, n: int) -> str:
    return "&".join(f"{prefix}x{k}=1" for k in range(n))


def test_links_with_other_unknown_parameters_are_one_drawing_each_naming_its_own(client: FlaskClient, monkeypatch) -> None:
    charts: list[str] = []

    def counted(chart: str, *args: object, **kwargs: object) -> object:
        charts.append(chart)
        return build(chart, *args, **kwargs)

    build = country.build
    monkeypatch.setattr(country, "build", counted)
    first = _post(client, f"/country/BRN?sex=male&{_unknown('u1', 3)}")
    drawn = len(charts)
    assert drawn > 0  # the view with the placeholder, drawn once
    second = _post(client, f"/country/BRN?{_unknown('v2', 29)}&sex=MALE")
    assert len(charts) == drawn  # another link to the same view: not drawn again
    for response in (first, second):
        assert response.status_code == 200 and response.headers["X-ESSA-Cache"] == "composed"
    assert "Unknown parameter 'u1x0'." in first.text and "Unknown parameter 'u1x2'." in first.text and "v2x0" not in first.text
    assert "Unknown parameter 'v2x9'." in second.text and "u1x0" not in second.text
    assert "And 19 more problems." in second.text and "v2x10" not in second.text  # ESSA_MAX_PROBLEMS, as the page lists them
    for response in (first, second):
        assert NOTICE_TEXT in response.text and "\\u0000notice" not in response.text  # the placeholder never reaches a visitor


def test_the_clean_views_stored_answer_never_holds_a_links_notice(client: FlaskClient) -> None:
    clean = _post(client, "/country/SGP?sex=female")  # stored first: the links after it get their notice all the same
    assert "X-ESSA-Cache" not in clean.headers and NOTICE_TEXT not in clean.text
    noticed = _post(client, "/country/SGP?sex=female&w3=1")
    assert noticed.headers["X-ESSA-Cache"] == "composed" and "Unknown parameter 'w3'." in noticed.text
    again = _post(client, "/country/SGP?sex=female")
    assert again.headers["X-ESSA-Cache"] == "hit" and again.data == clean.data
    # a link first, then the clean view: the placeholder's drawing is its own stored answer, not the view's
    _post(client, "/risk/disability?sex=male&w4=1")
    view = _post(client, "/risk/disability?sex=male")
    assert "X-ESSA-Cache" not in view.headers and NOTICE_TEXT not in view.text
    assert _post(client, "/risk/disability?sex=male").headers["X-ESSA-Cache"] == "hit"


#: Links with problems in their words, beside the page's own problems, in other languages and frames.
LINKS = [
    ("/progress?" + _unknown("p", 30), {}),  # the bench's worst allowed page callback: 10 listed, "And 20 more problems."
    ("/progress?country=WLD,KHM&u=1&sex=nobody", {}),  # the page's own problem (not a member) after the link's
    ("/country/KHM?edition=wpp-2024&u=1", {}),  # the page's own problem (no such edition here) before the link's
    ("/country/VNM?iso3=KHM&u=1", {}),  # a path variable in the query is the path's (guard.from_path), no problem
    ("/risk/nonsense?u=1&country=WLD", {}),  # the path's problem first, the link's, then the page's
    ("/risk/old_age?sex=male&sex=female&u=1", {"Accept-Language": "vi"}),  # a repeated parameter, in Vietnamese
    ("/data?page=999&sort=nothing&u=%3Cscript%3E", {}),  # the page past the last after the link's; a name with markup
    ("/data?table=context&year_from=2020&year_to=2010", {"Cookie": "essa_vw=390"}),  # years in the wrong order, on a phone
    ("/?edition=nonsense&lang=th", {}),
    ("/?lang=xx&u=1", {"Accept-Language": "km"}),  # a refused lang=: the browser's language, as the page reads it
    ("/country/LAO?lang=vi%20&u=1", {}),  # the page and the parse read this lang= otherwise: drawn as before
    ("/country/LAO?lang=vi&lang=th&u=1", {}),  # the title reads the last lang=, the page neither: drawn as before
    ("/country/LAO?release=000000000000&u=1", {}),  # pinned: drawn as before
]
DRAWN_AS_BEFORE = {10, 11, 12}


def test_a_composed_answer_is_the_page_drawn_byte_for_byte(client: FlaskClient, monkeypatch: pytest.MonkeyPatch) -> None:
    composed = [_post(client, url, **headers) for url, headers in LINKS]
    monkeypatch.setattr(page_views, "noticed", lambda *args, **kwargs: None)
    fresh = Client(client.application.wsgi_app.app)  # the app under the answer store, every page drawn
    for index, ((url, headers), answer) in enumerate(zip(LINKS, composed, strict=True)):
        drawn = _post(fresh, url, **headers)
        assert answer.status_code == drawn.status_code == 200, url
        assert answer.headers.get("X-ESSA-Cache") == (None if index in DRAWN_AS_BEFORE else "composed"), url
        assert answer.data == drawn.data, url
        assert {k: v for k, v in answer.headers.items() if k != "X-ESSA-Cache"} == dict(drawn.headers.items()), url
        assert (NOTICE_JSON in answer.text) == (index != 12), url  # a release that is not kept: its refusal, no page
    assert json.loads(composed[0].data)["response"]["_pages_store"]["data"]["title"].startswith("Progress")


def test_links_that_cannot_be_put_together_are_the_heavy_lanes_in_production(client: FlaskClient, monkeypatch, store) -> None:
    """A pinned link with invented names is drawn for each: by the lane at nice 19 (and its limits), never by a worker."""
    sent: list[str] = []

    def lane_answer() -> flask.Response:
        sent.append(flask.request.get_json()["inputs"][1]["value"])
        return flask.Response("{}", mimetype="application/json")

    monkeypatch.setattr(lane, "enabled", lambda: True)
    monkeypatch.setattr(lane, "answer", lane_answer)
    pinned = f"?release={store.release.id}&sex=male"
    for search in (f"{pinned}&u=1", "?lang=vi%20&u=1", f"{pinned}&edition=nothing", "?u=1", pinned, "?release=000000000000&u=1"):
        assert _post(client, f"/country/MYS{search}").status_code == 200, search
    # composed, a pinned link without problems and one to a release not kept (its refusal draws nothing) stay in the worker
    assert sent == [f"{pinned}&u=1", "?lang=vi%20&u=1", f"{pinned}&edition=nothing"]
