"""Repeated callback, API and image requests are answered from a store every worker shares, byte for byte the same as a fresh render."""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from flask.testing import FlaskClient

from essa_dash import callback_cache, responses
from essa_dash.app import create_app
from essa_dash.export import images


def router_request(path: str, search: str = "") -> dict:
    """The body Dash's renderer posts when the address changes (the pages router callback)."""
    return {
        "output": ".._pages_content.children..._pages_store.data..",
        "outputs": [{"id": "_pages_content", "property": "children"}, {"id": "_pages_store", "property": "data"}],
        "inputs": [
            {"id": "_pages_location", "property": "pathname", "value": path},
            {"id": "_pages_location", "property": "search", "value": search},
        ],
        "changedPropIds": ["_pages_location.pathname"],
        "state": [],
    }


@pytest.fixture(scope="module")
def client(built_root: Path) -> FlaskClient:
    app = create_app(built_root)
    client = app.server.test_client()
    client.get("/")  # the pages router is registered on the first request
    return client


def test_second_identical_request_is_a_hit_with_the_same_bytes(client: FlaskClient) -> None:
    body = router_request("/country/LAO", "?edition=ilostat-2025")
    first = client.post("/_dash-update-component", json=body)
    assert first.status_code == 200 and "X-ESSA-Cache" not in first.headers
    assert "Lao PDR" in json.dumps(first.get_json())
    second = client.post("/_dash-update-component", json=body)
    assert second.headers["X-ESSA-Cache"] == "hit"
    assert second.data == first.data
    assert "Content-Security-Policy" in second.headers  # security headers still apply to hits


def test_a_different_view_is_rendered_afresh(client: FlaskClient) -> None:
    a = client.post("/_dash-update-component", json=router_request("/country/MMR"))
    b = client.post("/_dash-update-component", json=router_request("/country/SGP"))
    assert "X-ESSA-Cache" not in b.headers
    assert a.data != b.data


def test_store_is_bounded_by_bytes(tmp_path: Path) -> None:
    store = callback_cache.AnswerStore(tmp_path, max_bytes=800)
    for i in range(40):
        store.put(f"k{i}", "200 OK", [], b"x" * 90)
    assert store.size <= 800
    assert store.get("k0") is None and store.get("k39") is not None  # the oldest went first
    store.put("big", "200 OK", [], b"x" * 300)  # larger than a quarter of the budget: never stored
    assert store.get("big") is None


def test_the_sweep_leaves_the_lanes_socket_and_the_deck_jobs(tmp_path: Path) -> None:
    """The folder also holds the heavy lane's socket (the oldest entry: swept first, new requests found no lane) and the jobs' folder."""
    import socket

    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as listener:
        listener.bind(str(tmp_path / "lane.sock"))
        (tmp_path / "jobs").mkdir()
        store = callback_cache.AnswerStore(tmp_path, max_bytes=800)
        for i in range(40):
            store.put(f"k{i}", "200 OK", [], b"x" * 90)
        assert (tmp_path / "lane.sock").is_socket() and (tmp_path / "jobs").is_dir()
        assert store.size <= 800


def test_an_answer_stored_by_one_process_is_a_hit_in_another(tmp_path: Path) -> None:
    """What two gunicorn workers do: one draws and stores, the other finds the bytes."""
    code = (
        "import sys; from pathlib import Path; from essa_dash.callback_cache import AnswerStore; "
        "AnswerStore(Path(sys.argv[1])).put('view', '200 OK', [['Content-Type', 'application/json']], b'{\"drawn\": 1}')"
    )
    subprocess.run([sys.executable, "-c", code, str(tmp_path)], check=True, cwd=Path(__file__).parents[2])
    assert callback_cache.AnswerStore(tmp_path).get("view") == ("200 OK", [("Content-Type", "application/json")], b'{"drawn": 1}')


def _counting_app(calls: list[str]):
    def app(environ, start_response):
        calls.append(environ["PATH_INFO"])
        start_response("200 OK", [("Content-Type", "text/csv"), ("ETag", '"t1"'), ("Date", "now")])
        return [f"rows {len(calls)}".encode()]

    return app


def _get(app, path: str, **headers: str) -> tuple[str, dict[str, str], bytes]:
    seen: dict = {}
    environ = {"REQUEST_METHOD": "GET", "PATH_INFO": path, "QUERY_STRING": "country=VNM", "wsgi.input": io.BytesIO()}
    environ |= {f"HTTP_{k.upper()}": v for k, v in headers.items()}
    body = b"".join(app(environ, lambda status, hs, exc=None: seen.update(status=status, headers=dict(hs))))
    return seen["status"], seen["headers"], body


def test_workers_share_answers_and_a_known_etag_is_a_304_without_the_app(tmp_path: Path) -> None:
    calls: list[str] = []
    worker1 = callback_cache.SharedAnswers(_counting_app(calls), callback_cache.AnswerStore(tmp_path), lambda: "build-1")
    worker2 = callback_cache.SharedAnswers(_counting_app(calls), callback_cache.AnswerStore(tmp_path), lambda: "build-1")
    first = _get(worker1, "/api/v1/coverage.csv")
    second = _get(worker2, "/api/v1/coverage.csv")
    assert calls == ["/api/v1/coverage.csv"] and second[2] == first[2] == b"rows 1"
    assert second[1]["X-ESSA-Cache"] == "hit" and "Date" not in second[1]  # the exchange's own headers are not replayed
    status, headers, body = _get(worker2, "/api/v1/coverage.csv", if_none_match='"t1"')
    assert status.startswith("304") and body == b"" and headers["ETag"] == '"t1"' and len(calls) == 1
    _get(worker2, "/api/v1/coverage.csv", accept_language="th")  # drawn in another language: another answer
    other_build = callback_cache.SharedAnswers(_counting_app(calls), callback_cache.AnswerStore(tmp_path), lambda: "build-2")
    _get(other_build, "/api/v1/coverage.csv")  # a new data build never sees the old one's answers
    _get(worker1, "/country/VNM")  # pages' HTML is not kept here
    assert len(calls) == 4


def test_api_answers_are_hits_and_revalidation_does_no_work(client: FlaskClient, monkeypatch: pytest.MonkeyPatch) -> None:
    url = "/api/v1/coverage.csv?country=KHM&risk=children"
    first = client.get(url)
    second = client.get(url)
    assert second.headers["X-ESSA-Cache"] == "hit" and second.data == first.data
    # an image the browser already holds: 304 even on a worker that never drew it, and nothing is rendered
    monkeypatch.setattr(callback_cache.AnswerStore, "get", lambda self, key: None)
    monkeypatch.setattr(images, "render", lambda *a, **k: pytest.fail("rendered for a revalidation"))
    image = "/img/country-bars.png?country=VNM"
    with client.application.test_request_context(image):
        tag = responses.etag()
    response = client.get(image, headers={"If-None-Match": f'"{tag}"'})
    assert response.status_code == 304 and response.headers["ETag"] == f'"{tag}"'


def test_a_first_load_and_a_move_to_the_page_share_one_answer(client: FlaskClient) -> None:
    """The browser's bytes (compact JSON, its own Accept-Encoding spelling) hit what the precomputing process stored."""
    stored = router_request("/country/BRN", "?edition=ilostat-2025&sex=female")
    client.post("/_dash-update-component", json=stored, headers={"Accept-Encoding": "br"})
    moved = {**stored, "changedPropIds": ["_pages_location.search"]}
    body = json.dumps(moved, separators=(",", ":")).encode()
    hit = client.post(
        "/_dash-update-component", data=body, content_type="application/json", headers={"Accept-Encoding": "gzip, deflate, br, zstd"}
    )
    assert hit.headers.get("X-ESSA-Cache") == "hit"
    other = client.post("/_dash-update-component", json={**stored, "output": "other.children"}, headers={"Accept-Encoding": "br"})
    assert "X-ESSA-Cache" not in other.headers  # another callback: what changed may matter to it


def test_every_reachable_view_is_listed_and_precomputed_views_are_hits(client: FlaskClient, store) -> None:
    from essa_dash import precompute
    from essa_dash.query import member_states
    from essa_dash.query.state import SEXES

    urls = precompute.reachable_urls(store)
    countries = member_states(store.countries)["iso3"].tolist()
    editions = store.editions["edition"].tolist()
    # each sex with each edition (what a control writes) and without one (a link: the latest)
    assert len([u for u in urls if u.startswith("/country/") and "sex=" in u]) == len(countries) * (len(editions) + 1) * len(SEXES)
    links = {"/country/KHM?sex=female", "/progress?country=LAO&sex=male", "/data?country=KHM&risk=old_age"}
    assert {"/country/VNM", "/risk/old_age", "/", *links} <= set(urls)
    # each page's first visit in a language: by a browser in it, and by the switcher's link, on a desktop and a phone
    visits = precompute.first_visits(["vi"])
    assert ("/country/VNM", {"Accept-Language": "vi"}) in visits
    assert ("/risk/old_age?lang=vi", {"Cookie": precompute.PHONE_COOKIE}) in visits
    chosen = ["/country/TLS?edition=un-sdg-db-2023-07&sex=male", "/risk/disability?edition=ilostat-2025&sex=female"]
    assert precompute.precompute(client.application, chosen) == (2, [])
    pathname, _, search = chosen[0].partition("?")
    again = client.post("/_dash-update-component", json=router_request(pathname, f"?{search}"), headers={"Accept-Encoding": "br"})
    assert again.headers["X-ESSA-Cache"] == "hit"
    # a phone's first visit is stored for the phone (Werkzeug's cookie jar had replaced its Cookie: it was drawn for a desktop)
    phone = {"Cookie": precompute.PHONE_COOKIE, "Accept-Encoding": "br"}
    assert precompute.precompute(client.application, [("/progress?lang=km", phone)]) == (1, [])
    browser = client.application.test_client(use_cookies=False)  # sends the Cookie header as given
    assert _post(browser, "/progress?lang=km", **phone).headers["X-ESSA-Cache"] == "hit"
    assert "X-ESSA-Cache" not in _post(browser, "/progress?lang=km", **{"Accept-Encoding": "br"}).headers


def _post(client: FlaskClient, url: str, **headers: str):
    pathname, _, search = url.partition("?")
    return client.post("/_dash-update-component", json=router_request(pathname, f"?{search}" if search else ""), headers=headers)


def test_the_spellings_visitors_send_are_stored_answers_after_precompute(client: FlaskClient) -> None:
    """Issue 17: the store keyed pages on the raw query, so a view precomputed as the controls spell it missed every other spelling."""
    from essa_dash import precompute

    stored = ["/country/KHM?sex=female", "/risk/maternity?sex=male&edition=ilostat-2025", "/data?country=IDN&risk=children"]
    stored.append("/progress?lang=vi")
    visits = [("/country/PHL", {"Accept-Language": "th"})]
    assert precompute.precompute(client.application, [*stored, *visits]) == (5, [])
    sent = [
        ("/country/KHM?sex=female", {}),  # no edition: the latest, as a link writes it
        ("/country/KHM?sex=FEMALE", {"Accept-Language": "en-GB,en;q=0.8"}),  # another case, an English browser
        ("/risk/maternity?edition=ILOSTAT%202025&sex=male", {}),  # parameters in another order, the edition by its name
        ("/data?risk=children&country=idn", {}),
        ("/progress?lang=vi", {"Accept-Language": "th-TH,th;q=0.9"}),  # lang= decides, whatever the browser prefers
        ("/progress?lang=VI", {}),
        ("/country/PHL", {"Accept-Language": "th-TH,th;q=0.9"}),  # a Thai browser's first visit
    ]
    for url, headers in sent:
        response = _post(client, url, **{"Accept-Encoding": "gzip, deflate, br, zstd", **headers})
        assert response.status_code == 200 and response.headers.get("X-ESSA-Cache") == "hit", url


def test_every_view_in_indonesian_and_vietnamese_answers_a_browser_in_that_language(client: FlaskClient) -> None:
    """Issue 17: beyond each page's first visit, a Vietnamese reader's next view was a cold draw (160-425x a static file)."""
    from essa_dash import precompute

    assert precompute.FIRST_LANGUAGES == ("id", "vi")
    views = ["/country/KHM?sex=female", "/risk/maternity?sex=male&edition=ilostat-2025"]
    translated = precompute.translated_views(views, precompute.FIRST_LANGUAGES)
    assert translated[:2] == [("/country/KHM?sex=female&lang=id", {}), ("/country/KHM?sex=female", {"Accept-Language": "id"})]
    assert precompute.precompute(client.application, translated) == (8, [])
    sent = [
        ("/country/KHM?sex=female&lang=vi", {}),  # the switcher's link
        ("/country/KHM?sex=female", {"Accept-Language": "vi-VN,vi;q=0.9"}),  # a Vietnamese browser, no lang=
        ("/risk/maternity?edition=ILOSTAT%202025&sex=male", {"Accept-Language": "id"}),  # another spelling, in Indonesian
    ]
    for url, headers in sent:
        response = _post(client, url, **{"Accept-Encoding": "br", **headers})
        assert response.status_code == 200 and response.headers.get("X-ESSA-Cache") == "hit", url
    assert "X-ESSA-Cache" not in _post(client, "/country/KHM?sex=female", **{"Accept-Encoding": "br", "Accept-Language": "th"}).headers


def test_every_view_on_a_phone_is_a_stored_answer_for_the_phone_only(client: FlaskClient) -> None:
    """Issue 17: only a phone's first visit was stored; each next view it opened was drawn for it afresh."""
    from essa_dash import precompute

    views = ["/country/LAO?sex=male", "/risk/children?sex=total&edition=un-sdg-db-2023-07"]
    assert precompute.on_phone(views) == [(url, {"Cookie": precompute.PHONE_COOKIE}) for url in views]
    assert precompute.precompute(client.application, precompute.on_phone(views)) == (2, [])
    browser = client.application.test_client(use_cookies=False)  # sends the Cookie header as given
    for url in views:
        assert _post(browser, url, **{"Accept-Encoding": "br", "Cookie": "essa_vw=360"}).headers.get("X-ESSA-Cache") == "hit", url
        assert "X-ESSA-Cache" not in _post(browser, url, **{"Accept-Encoding": "br", "Cookie": "essa_vw=1440"}).headers, url


def test_every_view_is_precomputed_in_every_language_on_a_desktop_and_a_phone(client: FlaskClient, store) -> None:
    """Issue 17: beyond the first visits, a Thai or Khmer reader's every next view, and a phone's in Indonesian, was a cold draw."""
    from essa_dash import precompute
    from essa_dash.text import LANGUAGES

    urls = precompute.reachable_urls(store)
    groups = precompute.visit_groups(urls, LANGUAGES)
    names = [name for name, _ in groups]
    assert names == [
        "English",
        "asked for before",  # none here: essa_dash.next_views.Asked (tests/unit/test_next_views.py)
        "English on a phone",
        "id, vi",
        "id, vi on a phone",
        "th, km, lo, my, ms, fil",
        "th, km, lo, my, ms, fil on a phone",
    ]
    visits = [visit for _, group in groups for visit in group]
    phone = {"Cookie": precompute.PHONE_COOKIE}
    view = "/risk/maternity?sex=male&edition=ilostat-2025"
    for code in LANGUAGES:
        for cookie in ({}, phone):
            if code == "en":
                assert (view, cookie) in visits
                continue
            assert (f"{view}&lang={code}", cookie) in visits, (code, cookie)  # the switcher's link
            assert (view, {"Accept-Language": code, **cookie}) in visits, (code, cookie)  # a browser in the language
            assert ("/progress", {"Accept-Language": code, **cookie}) in visits  # an entry page: its first visit
    assert len(visits) == len(set(map(repr, visits)))  # each drawn once
    # a Khmer reader's next view is a stored answer after the pass, on a phone and on a desktop
    khmer = [visit for visit in visits if visit[0] == f"{view}&lang=km"]
    assert precompute.precompute(client.application, khmer) == (2, [])
    browser = client.application.test_client(use_cookies=False)  # sends the Cookie header as given
    for cookie in ("essa_vw=375", "essa_vw=1440"):
        assert _post(browser, f"{view}&lang=km", **{"Accept-Encoding": "br", "Cookie": cookie}).headers.get("X-ESSA-Cache") == "hit"


def _variants() -> list[tuple[str, dict[str, str]]]:
    """Requests for a few views, spelled in every way the key folds, and every detail an answer may depend on."""
    return [
        ("/country/KHM?sex=female", {}),
        ("/country/KHM?sex=FEMALE", {"Accept-Language": "en-US,en"}),
        ("/country/KHM?sex=female", {"Accept-Language": "vi"}),  # drawn in Vietnamese
        ("/country/KHM?sex=female", {"Cookie": "essa_vw=390"}),  # laid out for a phone
        ("/country/KHM?sex=female", {"Host": "evil.example"}),  # issue 16: nothing of the Host reaches an answer
        ("/country/KHM?sex=female&edition=ilostat-2025", {}),
        ("/country/KHM?edition=ilostat%202025&sex=female", {}),
        ("/country/KHM?sex=female&lang=vi", {}),
        ("/country/KHM?lang=vi&sex=female", {"Accept-Language": "th"}),
        ("/country/KHM?sex=female&lang=", {}),  # a blank value: keyed as sent
        ("/country/KHM?sex=female&release=", {}),  # a blank release is refused, not the latest: keyed as sent
        ("/country/KHM?sex=female&country=VNM", {}),  # a parameter the page does not read: a notice names it
        ("/country/KHM?sex=female&sex=male", {}),  # repeated: a notice
        ("/country/KHM?sex=f%C3%A9male", {}),  # refused: a notice with the words typed
        ("/country/KHM?sex=F%C3%A9MALE", {}),
        ("/risk/old_age?country=VNM,IDN&sex=male", {}),
        ("/risk/old_age?sex=male&country=VNM%2CIDN", {}),
        ("/risk/old_age?sex=male&country=IDN,VNM", {}),  # another order of countries: another drawing
        ("/data?sort=year&lang=vi&country=KHM&page=1", {}),
        ("/data?country=KHM&lang=vi&sort=year", {}),
        ("/data?country=KHM&sort=year", {}),
        ("/data?table=coverage", {}),
        ("/data", {}),
    ]


def test_requests_share_a_key_only_when_their_answers_are_the_same_bytes(client: FlaskClient) -> None:
    """Every pair of requests drawn afresh: one key means one answer, byte for byte; the spellings of one view share a key."""
    from werkzeug.test import Client, EnvironBuilder

    answers = client.application.wsgi_app
    fresh = Client(answers.app)  # the app under the store: every request drawn
    keys, bodies = [], []
    for url, headers in _variants():
        pathname, _, search = url.partition("?")
        body = router_request(pathname, f"?{search}" if search else "")
        headers = {"Accept-Encoding": "identity", **headers}
        environ = EnvironBuilder(path="/_dash-update-component", method="POST", json=body, headers=headers).get_environ()
        keys.append(callback_cache._key(environ, json.dumps(body).encode(), answers.app_id(), answers.views))
        response = fresh.post("/_dash-update-component", json=body, headers=headers)
        assert response.status_code == 200, url
        bodies.append(response.data)
    for i, j in ((a, b) for a in range(len(keys)) for b in range(a)):
        if keys[i] == keys[j]:
            assert bodies[i] == bodies[j], f"{_variants()[i]} and {_variants()[j]} share a key but not their answer"
    groups = {frozenset(i for i, k in enumerate(keys) if k == key) for key in keys}
    shared = sorted(sorted(group) for group in groups if len(group) > 1)
    assert shared == [[0, 1, 4], [5, 6], [7, 8], [15, 16], [18, 19], [21, 22]]


def test_a_stored_page_is_kept_one_day(client: FlaskClient, monkeypatch: pytest.MonkeyPatch) -> None:
    """A page cites the day it was accessed: tomorrow it is drawn again."""
    import datetime as dt

    first = _post(client, "/country/SGP?sex=male")
    assert _post(client, "/country/SGP?sex=male").headers.get("X-ESSA-Cache") == "hit"

    class Tomorrow(dt.date):
        @classmethod
        def today(cls) -> dt.date:
            return dt.date(2099, 1, 1)

    monkeypatch.setattr(callback_cache.dt, "date", Tomorrow)
    assert "X-ESSA-Cache" not in _post(client, "/country/SGP?sex=male").headers and first.status_code == 200


def test_a_killed_server_leaves_no_answer_folder_behind(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv(callback_cache.DIR_ENV, raising=False)
    monkeypatch.setattr(callback_cache.tempfile, "tempdir", str(tmp_path))
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True, check=True)
    orphan = tmp_path / f"{callback_cache.TEMP_PREFIX}{gone.stdout.strip()}-abc"
    orphan.mkdir()
    mine = callback_cache._default_directory()
    assert not orphan.exists() and mine.exists() and mine.name.startswith(f"{callback_cache.TEMP_PREFIX}{os.getpid()}-")


def test_a_vanished_folder_never_fails_an_answer(tmp_path: Path) -> None:
    store = callback_cache.AnswerStore(tmp_path / "answers")
    shutil.rmtree(tmp_path / "answers")
    store.put("k", "200 OK", [], b"body")  # recreated
    assert store.get("k") == ("200 OK", [], b"body")
