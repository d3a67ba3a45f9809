"""The bad-input matrix: one table of hostile or broken inputs across every way data gets in.

Each case is: what goes in (a file made from a real one by one edit, a URL, a deck
spec), through which door (``ingest``, ``deck``, an HTTP GET), what the person must see
(a fragment of the one-line message, or the HTTP status and JSON), and, always, that
every file of the data directory is byte-for-byte as it was.
"""

from __future__ import annotations

import errno
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from flask.testing import FlaskClient

from essa_dash.app import create_app
from essa_dash.cli import main
from essa_dash.errors import DataError
from essa_dash.ingest.common import read_csv_text
from essa_dash.serving import router_payload
from essa_dash.store import read_store
from tests.conftest import FORMATS, snapshot
from tests.unit.test_cli import CURATED, LABELS, SDG_API, asean_labels, edit, raw_bytes, sdg_cov

Make = Callable[[Path], Path]


def labels_edit(old: str, new: str) -> Make:
    return edit(LABELS, lambda t: asean_labels(t).replace(old, new, 1))


def curated_edit(old: str, new: str) -> Make:
    return edit(CURATED, lambda t: t.replace(old, new, 1))


def sparse(name: str, size: int) -> Make:
    def make(tmp: Path) -> Path:
        path = tmp / name
        with path.open("wb") as handle:
            handle.write(LABELS.read_bytes())
            handle.truncate(size)  # a hole: huge on paper, nothing on disk
        return path

    return make


@dataclass(frozen=True)
class Case:
    """One row of the matrix."""

    door: str  # ingest | deck | http
    what: str
    expect: str  # message fragment (ingest, deck) or "<status> <fragment>" (http)
    make: Make | None = None
    url: str = ""
    args: tuple[str, ...] = ()


INGEST = [
    Case("ingest", "missing column", "missing column(s) ['obs_value']", labels_edit('"obs_value"', '"value"')),
    Case("ingest", "renamed country column", "unrecognised layout", labels_edit('"ref_area.label"', '"area"')),
    Case("ingest", "non-numeric value", "line 2, column 'obs_value': not a number: 'n/a'", labels_edit(",5.9,", ",n/a,")),
    Case("ingest", "value above 100", "coverage 105.9 is outside 0-100", labels_edit(",5.9,", ",105.9,")),
    Case("ingest", "negative value", "coverage -1 is outside 0-100", labels_edit(",5.9,", ",-1,")),
    Case("ingest", "NaN value", "not a number: 'NaN'", labels_edit(",5.9,", ",NaN,")),
    Case("ingest", "infinite value", "not a number: 'inf'", labels_edit(",5.9,", ",inf,")),
    Case("ingest", "overflowing value", "not a number: '1e309'", labels_edit(",5.9,", ",1e309,")),
    Case("ingest", "year 0", "not an annual year: '0'", labels_edit('"2019",5.9', '"0",5.9')),
    Case("ingest", "year 99999", "not an annual year: '99999'", labels_edit('"2019",5.9', '"99999",5.9')),
    Case("ingest", "year -1", "not an annual year: '-1'", labels_edit('"2019",5.9', '"-1",5.9')),
    Case("ingest", "quarterly period", "not an annual year: '2019Q1'", labels_edit('"2019",5.9', '"2019Q1",5.9')),
    Case("ingest", "unknown sex", "unknown sex 'Both'", labels_edit('"Total","Function: Children', '"Both","Function: Children')),
    Case(
        "ingest",
        "unknown contingency",
        "unknown contingency label 'Pets'",
        labels_edit("Children/households receiving child/family cash benefits", "Pets"),
    ),
    Case("ingest", "other indicator", "is not SDG 1.3.1", edit(FORMATS / "ilostat_bulk__une-deap-sex-age-rt-a.csv", lambda t: t)),
    Case(
        "ingest",
        "conflicting duplicate",
        "conflicting values for",
        edit(LABELS, lambda t: asean_labels(t) + asean_labels(t).splitlines()[1].replace(",5.9,", ",6.9,") + "\n"),
    ),
    Case(
        "ingest",
        "no ASEAN rows",
        "no rows for the ASEAN Member States",
        edit(FORMATS / "ilostat_labels__ilostat_social_protection__head.csv", lambda t: t),
    ),
    Case(
        "ingest",
        "unknown SDG series",
        "unknown SDG 1.3.1 series 'SI_COV_NEW'",
        edit(SDG_API, lambda t: sdg_cov(t).replace("SI_COV_BENFTS", "SI_COV_NEW")),
    ),
    Case("ingest", "no SDG 1.3.1 series", "no SDG 1.3.1 series", edit(SDG_API, lambda t: t)),
    Case(
        "ingest",
        "SDG unit not percent",
        "unit 'TONNES' is not PERCENT",
        edit(SDG_API, lambda t: sdg_cov(t).replace('"PERCENT"', '"TONNES"', 1)),
    ),
    Case("ingest", "curated unknown country", "unknown country or aggregate 'BRU'", curated_edit("\nBRN,Brunei", "\nBRU,Brunei")),
    Case("ingest", "curated unknown source", "unknown source 'MADE_UP'", curated_edit(",ILOSTAT_DDF_2025,", ",MADE_UP,")),
    Case("ingest", "curated kind contradicts risk", "does not match risk", curated_edit(",effective_coverage,", ",legal_coverage (x),")),
    Case("ingest", "empty file", "file is empty", raw_bytes("empty.csv", b"")),
    Case("ingest", "header only", "no data rows", raw_bytes("header.csv", LABELS.read_bytes().splitlines(keepends=True)[0])),
    Case("ingest", "spreadsheet renamed .csv", "binary", raw_bytes("sheet.csv", b"PK\x03\x04" + bytes(range(256)) * 8)),
    Case("ingest", "gzip renamed .csv", "binary", raw_bytes("bulk.csv", b"\x1f\x8b\x08\x00" + bytes(200))),
    Case("ingest", "UTF-16 file", "UTF-16", raw_bytes("utf16.csv", asean_labels(LABELS.read_text()).encode("utf-16"))),
    Case(
        "ingest",
        "Latin-1 file",
        "not UTF-8 text",
        raw_bytes("latin1.csv", asean_labels(LABELS.read_text()).replace("Estimated", "Estimé").encode("latin-1")),
    ),
    Case(
        "ingest", "NUL bytes inside", "binary", raw_bytes("nul.csv", LABELS.read_bytes()[:300] + b"\x00" * 10 + LABELS.read_bytes()[300:])
    ),
    Case("ingest", "truncated download", "truncated", raw_bytes("cut.csv", asean_labels(LABELS.read_text()).encode()[:700])),
    Case("ingest", "wrong layout", "unrecognised layout", raw_bytes("other.csv", b"name,age\nalice,3\n")),
    Case("ingest", "missing file", "file not found", lambda tmp: tmp / "nope.csv"),
    Case("ingest", "huge file", "more than the 200 MiB limit", sparse("huge.csv", 300 * 1024 * 1024)),
    Case("ingest", "source id escaping raw/", "may only hold letters", edit(LABELS, asean_labels), args=("--source-id", "../../escape")),
    Case("ingest", "unknown format", "invalid choice", edit(LABELS, asean_labels), args=("--format", "xlsx")),
]

HTTP = [
    Case("http", "API: unknown country", "400 unknown country 'XXX'", url="/api/v1/coverage.csv?country=XXX"),
    Case("http", "API: path in a value", "400 unknown country '../../etc/passwd'", url="/api/v1/coverage.csv?country=../../etc/passwd"),
    Case("http", "API: code in a value", "400 unknown risk", url="/api/v1/coverage.json?risk=__import__('os').system('id')"),
    Case("http", "API: NUL in a value", "400 unknown country", url="/api/v1/coverage.csv?country=%00"),
    Case("http", "API: year 99999", "400 must be a year", url="/api/v1/coverage.csv?year=99999"),
    Case("http", "API: negative year", "400 must be a year", url="/api/v1/coverage.csv?year_from=-1"),
    Case("http", "API: NaN year", "400 must be a year", url="/api/v1/coverage.csv?year_to=NaN"),
    Case("http", "API: unknown parameter", "400 unknown parameter 'sort'", url="/api/v1/coverage.csv?sort=value"),
    Case("http", "API: unknown format", "404 unknown format", url="/api/v1/coverage.exe"),
    Case("http", "API: 60 countries", "400 more than 50 values", url="/api/v1/coverage.csv?country=" + ",".join(["KHM"] * 60)),
    Case("http", "API: unknown route", "404 no such API route", url="/api/v1/../v1/secrets"),
    Case("http", "image: size too large", "400 bad image size", url="/img/country-bars.png?width=100000"),
    Case("http", "image: NaN size", "400 bad image size", url="/img/country-bars.png?width=nan"),
    Case("http", "image: unknown format", "404 unknown image format", url="/img/country-bars.exe"),
    Case("http", "image: unknown chart", "404 unknown chart", url="/img/passwd.png"),
    Case("http", "image: dotted chart id", "404 unknown chart", url="/img/..png"),
    Case("http", "embed: script as a chart id", "404 unknown chart '<script>alert(1)'", url="/embed/%3Cscript%3Ealert(1)"),
    Case("http", "slides: a javascript: link", "400 no charts", url="/present?views=javascript:alert(1)"),
    Case("http", "deck: no views", "400 add one or more dashboard links", url="/deck.pptx"),
    Case("http", "API: Arabic-Indic digits in a year", "400 must be a year", url="/api/v1/coverage.csv?year=%D9%A2%D9%A0%D9%A1%D9%A9"),
    Case(
        "http",
        "image: Arabic-Indic digits in a width",
        "400 not a whole number",
        url="/img/country-bars.png?width=%D9%A2%D9%A0%D9%A0%D9%A0",
    ),
    Case("http", "image: 8000x8000 px", "400 more than the 8,294,400 pixels", url="/img/country-bars.png?width=8000&height=8000"),
    Case("http", "deck: a title no slide can hold", "400 U+FFFE", url="/deck.pptx?views=/&title=%EF%BF%BE"),
    Case("http", "deck: one view 30 times", "400 one deck holds at most 24", url="/deck.pptx?" + "&".join(["views=/risk/old_age"] * 30)),
    Case("http", "slides: one view 30 times", "400 one deck holds at most 24", url="/present?" + "&".join(["views=/risk/old_age"] * 30)),
    Case(
        "http",
        "API: 200 unknown parameters",
        "400 more than 30 parameters",
        url="/api/v1/coverage.csv?" + "&".join(f"p{i}=1" for i in range(200)),
    ),
    Case(
        "http",
        "API: 25 unknown parameters",
        "400 and 15 more problems",
        url="/api/v1/coverage.csv?" + "&".join(f"p{i}=1" for i in range(25)),
    ),
]

DECK = [
    Case("deck", "spec: empty views", "non-empty list", raw_bytes("spec.json", b'{"views": []}')),
    Case("deck", "spec: unknown view", "no charts at '/nowhere'", raw_bytes("spec.json", b'{"views": ["/nowhere"]}')),
    Case("deck", "spec: unknown key", "unknown keys ['colour']", raw_bytes("spec.json", b'{"views": ["/"], "colour": "red"}')),
    Case("deck", "spec: broken JSON", "not a readable JSON or YAML", raw_bytes("spec.json", b"[1, 2")),
    Case(
        "deck", "spec: YAML object tag", "not a readable JSON or YAML", raw_bytes("spec.yaml", b"!!python/object/apply:os.system ['id']\n")
    ),
    Case("deck", "spec: not a mapping", "a deck spec is an object", raw_bytes("spec.yaml", b"- /\n- /country/VNM\n")),
]

CASES = INGEST + HTTP + DECK


def test_the_matrix_is_at_least_forty_cases() -> None:
    assert len(CASES) >= 40
    assert len({case.what for case in CASES}) == len(CASES)


@pytest.fixture(scope="module")
def client(built_root: Path) -> FlaskClient:
    return create_app(built_root).server.test_client()


@pytest.mark.parametrize("case", INGEST, ids=lambda c: c.what)
def test_ingest_refuses(case: Case, fresh_root: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = case.make(tmp_path)
    before = snapshot(fresh_root)
    try:
        code = main(["ingest", str(path), "--data-dir", str(fresh_root), *case.args])
        usage = False
    except SystemExit as exit_:  # argparse refuses an invalid choice before our code runs, with its usage
        code, usage = exit_.code, True
    out, err = capsys.readouterr()
    assert code == 2
    assert case.expect in err, err
    assert "Traceback" not in out + err
    assert usage or err.count("\n") == 1, "one line naming the file, line and column"
    assert snapshot(fresh_root) == before


@pytest.mark.parametrize("case", HTTP, ids=lambda c: c.what)
def test_http_refuses(case: Case, client: FlaskClient, built_root: Path) -> None:
    before = snapshot(built_root)
    response = client.get(case.url)
    status, fragment = case.expect.split(" ", 1)
    assert response.status_code == int(status), response.get_data(as_text=True)[:300]
    body = response.get_json()
    assert fragment in json.dumps(body)
    text = response.get_data(as_text=True)
    assert "Traceback" not in text and str(built_root) not in text and "/work/" not in text
    assert snapshot(built_root) == before


@pytest.mark.parametrize("case", DECK, ids=lambda c: c.what)
def test_deck_refuses(case: Case, built_root: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    spec = case.make(tmp_path)
    out = tmp_path / "deck.pptx"
    before = snapshot(built_root)
    assert main(["deck", str(spec), "--out", str(out), "--data-dir", str(built_root)]) == 2
    assert case.expect in capsys.readouterr().err
    assert not out.exists()
    assert snapshot(built_root) == before


def test_paths_that_leave_the_routes_get_the_app_shell_never_a_file(client: FlaskClient) -> None:
    for url in ("/img/..%2F..%2Fetc%2Fpasswd.png", "/static/..%2F..%2Fetc%2Fpasswd", "/assets/..%2F..%2Fpyproject.toml"):
        response = client.get(url)
        text = response.get_data(as_text=True)
        assert "root:" not in text and "[project]" not in text, url
        assert response.status_code in (200, 404), url  # 200: the dashboard's own "page not found"


def test_deck_will_not_overwrite_the_data(fresh_root: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    spec = tmp_path / "spec.json"
    spec.write_text('{"views": ["/"]}')
    before = snapshot(fresh_root)
    target = fresh_root / "coverage.parquet"
    assert main(["deck", str(spec), "--out", os.path.relpath(target), "--data-dir", str(fresh_root)]) == 2
    assert "inside the data directory" in capsys.readouterr().err
    assert snapshot(fresh_root) == before


def test_formula_text_is_neutralised_in_csv_and_xlsx(fresh_root: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A note a hostile file carries reaches analysts' spreadsheets as text, never as a formula."""
    hostile = '=HYPERLINK("http://evil.example","click")'
    path = edit(
        LABELS,
        lambda t: asean_labels(t).replace("Social security coverage: Estimated based on legal coverage", hostile.replace('"', '""'), 1),
    )(tmp_path)
    assert main(["ingest", str(path), "--data-dir", str(fresh_root)]) == 0
    capsys.readouterr()
    client = create_app(fresh_root).server.test_client()
    csv = client.get("/api/v1/coverage.csv?source=ILOSTAT_CSV_2026-05-25").get_data(as_text=True)
    assert "'=HYPERLINK" in csv and ",=HYPERLINK" not in csv and '"=HYPERLINK' not in csv
    import io

    import openpyxl

    book = openpyxl.load_workbook(io.BytesIO(client.get("/api/v1/coverage.xlsx?source=ILOSTAT_CSV_2026-05-25").data))
    notes = [cell.value for row in book["Data"].iter_rows() for cell in row if isinstance(cell.value, str) and "HYPERLINK" in cell.value]
    assert notes and all(note.startswith("'=") for note in notes)
    assert not any(cell.data_type == "f" for row in book["Data"].iter_rows() for cell in row)


# -- the production server (`serve --prod`): what one visitor sends must not reach the next -----------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def prod_url(built_root: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """``essa-dash serve --prod`` (gunicorn, one worker) on a free loopback port, its log in a temporary file."""
    port = _free_port()
    log_path = tmp_path_factory.mktemp("prod") / "server.log"
    env = {k: v for k, v in os.environ.items() if not k.startswith("ESSA_")} | {"ESSA_DATA_DIR": str(built_root)}
    with log_path.open("wb") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "essa_dash.cli", "serve", "--prod", "--workers", "1", "--port", str(port)],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        url = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 120
            while True:
                try:
                    with urllib.request.urlopen(url + "/api/v1/risks", timeout=5):
                        break
                except OSError:
                    if proc.poll() is not None or time.monotonic() > deadline:
                        raise RuntimeError(log_path.read_text()) from None
                    time.sleep(0.3)
            yield url
        finally:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(timeout=30)


def raw_request(url: str, request: bytes, timeout: float = 30) -> tuple[int, dict[str, str], bytes]:
    """Send bytes as they are (a forged Host, an over-long line) and read the whole answer."""
    parts = urlsplit(url)
    with socket.create_connection((parts.hostname, parts.port), timeout=timeout) as sock:
        sock.sendall(request)
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    head, _, body = b"".join(chunks).partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = {k.strip().lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:])}
    return int(lines[0].split()[1]), headers, body


def callback_request(host: str, body: dict[str, object]) -> bytes:
    data = json.dumps(body).encode()
    head = (
        f"POST /_dash-update-component HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(data)}\r\nConnection: close\r\n\r\n"
    )
    return head.encode() + data


def test_a_forged_host_never_reaches_the_next_visitors_page(prod_url: str) -> None:
    """Issue 16: a callback answer with `Host: evil.example` was cached and served to the next visitor."""
    port = urlsplit(prod_url).port
    body = router_payload("/data", "?country=VNM")
    first = raw_request(prod_url, callback_request("evil.example", body))
    second = raw_request(prod_url, callback_request(f"127.0.0.1:{port}", body))
    for status, _headers, answer in (first, second):
        assert status == 200
        text = answer.decode().replace("\\u002f", "/")  # Dash's JSON escapes every slash
        assert "evil.example" not in text
        assert f'pd.read_csv(\\"http://127.0.0.1:{port}/api/v1/coverage.csv?country=VNM' in text
    assert first[2] == second[2]  # one answer for both: nothing in it came from the request's Host
    openapi = raw_request(prod_url, b"GET /api/v1/openapi.json HTTP/1.1\r\nHost: evil.example\r\nConnection: close\r\n\r\n")
    assert json.loads(openapi[2])["servers"] == [{"url": f"http://127.0.0.1:{port}"}]


def test_links_with_invented_parameters_are_composed_or_drawn_by_the_lane(prod_url: str, built_root: Path) -> None:
    """Issue 16: each such link was a drawing in a worker; composed from its view's drawing, or (pinned) drawn by the heavy lane."""
    host = f"127.0.0.1:{urlsplit(prod_url).port}"
    release = read_store(built_root).release.id
    for search, composed in ((f"?u{time.monotonic_ns()}=1", True), (f"?release={release}&u{time.monotonic_ns()}=1", False)):
        status, headers, answer = raw_request(prod_url, callback_request(host, router_payload("/country/KHM", search)))
        assert status == 200, answer[:300]
        assert (headers.get("x-essa-cache") == "composed") is composed
        assert f"Unknown parameter '{search.rpartition('&')[2].lstrip('?').removesuffix('=1')}'." in answer.decode()


def test_the_callback_cache_keeps_each_browser_language_apart(built_root: Path) -> None:
    """A page drawn for a browser asking for Vietnamese must not be the answer an English browser gets."""
    client = create_app(built_root).server.test_client()  # an empty cache of its own
    body = router_payload("/", "")
    answers = [client.post("/_dash-update-component", json=body, headers={"Accept-Language": code}) for code in ("vi", "en", "en")]
    assert [a.status_code for a in answers] == [200, 200, 200]
    # the English answer is drawn, not the stored Vietnamese one; the second English one is stored
    assert [a.headers.get("X-ESSA-Cache") for a in answers] == [None, None, "hit"]


# -- callbacks: every body Dash would never send is a 400 before any work -----------------------------


def router_with(index: int, value: object) -> dict[str, object]:
    body = router_payload("/", "")
    body["inputs"][index]["value"] = value  # type: ignore[index]
    return body


def deck_links(title: object = "Seminar", views: object = "/", native: object = None) -> dict[str, object]:
    values = {"deck-title": title, "deck-views": views, "deck-native": native}
    return {
        "output": "..deck-download.href...deck-present.href..",
        "outputs": [{"id": "deck-download", "property": "href"}, {"id": "deck-present", "property": "href"}],
        "inputs": [{"id": name, "property": "value", "value": value} for name, value in values.items()],
        "state": [{"id": "deck-lang", "property": "data", "value": "en"}],
        "changedPropIds": ["deck-title.value"],
    }


def nested(levels: int) -> object:
    value: object = "x"
    for _ in range(levels):
        value = [value]
    return value


CALLBACKS: list[tuple[str, object]] = [
    ("pathname null", router_with(0, None)),
    ("pathname a list", router_with(0, ["/"])),
    ("pathname an object", router_with(0, {"a": 1})),
    ("pathname a number", router_with(0, 7)),
    ("search an object", router_with(1, {"a": 1})),
    ("search a list", router_with(1, ["?a=1"])),
    ("inputs a string", {**router_payload("/"), "inputs": "x"}),
    ("inputs missing", {k: v for k, v in router_payload("/").items() if k != "inputs"}),
    ("one input short", {**router_payload("/"), "inputs": router_payload("/")["inputs"][:1]}),
    ("input not an object", {**router_payload("/"), "inputs": ["a", "b"]}),
    ("input of another component", {**router_payload("/"), "inputs": [{"id": "x", "property": "pathname", "value": "/"}] * 2}),
    ("unknown output", {**router_payload("/"), "output": "nothing.children"}),
    ("output a number", {**router_payload("/"), "output": 5}),
    ("body a list", [router_payload("/")]),
    ("body a string", "hello"),
    ("deep nesting in a value", router_with(1, nested(50))),
    ("deck title a number", deck_links(title=5)),
    ("deck title an object", deck_links(title={"t": 1})),
    ("deck links a list", deck_links(views=["/", "/country/VNM"])),
    ("deck format an object", deck_links(native={"native": True})),
    ("deck format numbers", deck_links(native=[1, 2])),
    ("changed ids not text", {**router_payload("/"), "changedPropIds": [1]}),
]


@pytest.mark.parametrize(("what", "body"), CALLBACKS, ids=[what for what, _ in CALLBACKS])
def test_callbacks_refuse_malformed_bodies(what: str, body: object, client: FlaskClient, built_root: Path) -> None:
    before = snapshot(built_root)
    start = time.perf_counter()
    response = client.post("/_dash-update-component", data=json.dumps(body), content_type="application/json")
    assert time.perf_counter() - start < 1
    assert response.status_code == 400, response.get_data(as_text=True)[:300]
    text = response.get_data(as_text=True)
    assert "Traceback" not in text and response.headers["X-Content-Type-Options"] == "nosniff"
    assert snapshot(built_root) == before


def test_a_well_formed_deck_callback_still_answers(client: FlaskClient) -> None:
    response = client.post("/_dash-update-component", json=deck_links(native=["native"]))
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and "deck.pptx?title=Seminar" in body, body[:500]


@pytest.mark.parametrize(
    ("what", "data"),
    [
        ("JSON nested 30,000 deep", b"[" * 30_000 + b"]" * 30_000),
        ("not JSON", b"{'a': 1"),
        ("200 kB of JSON", b'"' + b"a" * 200_000 + b'"'),
    ],
)
def test_callback_bodies_that_are_too_deep_too_large_or_not_json(what: str, data: bytes, client: FlaskClient) -> None:
    response = client.post("/_dash-update-component", data=data, content_type="application/json")
    assert response.status_code in (400, 413), what
    assert "Traceback" not in response.get_data(as_text=True) and "Content-Security-Policy" in response.headers


@pytest.mark.parametrize(
    "url", ["/country/VNM?iso3=KHM&iso3=TLS", "/deck?views=/&views=/country/VNM", "/risk/old_age?risk=a&risk=b", "/?sex=female&sex=male"]
)
def test_repeated_parameters_draw_the_page_or_its_notice(url: str, client: FlaskClient) -> None:
    pathname, _, search = url.partition("?")
    response = client.post("/_dash-update-component", json=router_payload(pathname, "?" + search))
    assert response.status_code == 200
    assert '"_pages_content"' in response.get_data(as_text=True)


@pytest.mark.parametrize(
    ("search", "fragment"),
    [
        ("?sort=colour", "Unknown column 'colour'"),
        ("?sort=%3Cscript%3Ealert(1)%3C/script%3E", "Unknown column"),
        ("?sort=" + "x" * 3000, "is longer than 2,000 characters"),
        ("?table=context&sort=coverage_pct", "Unknown column 'coverage_pct'"),
        ("?page=999999", "'page' must be from 1 to"),
        ("?page=1e9", "'page' must be a whole number from 1"),
        ("?page=-1", "'page' must be a whole number from 1"),
        ("?page=%D9%A2", "'page' must be a whole number from 1"),  # an Arabic-Indic digit
        ("?page=2&page=3", "'page' must be a whole number from 1"),  # repeated: joined, then refused
        ("?desc=sideways&sort=year", "'desc' must be true or false"),
    ],
)
def test_the_explorer_tables_order_and_page_draw_the_page_or_its_notice(search: str, fragment: str, client: FlaskClient) -> None:
    """Issue 17: the table's order and page are URL parameters; a bad one is the friendly notice, never a 500."""
    response = client.post("/_dash-update-component", json=router_payload("/data", search))
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and '"_pages_content"' in body
    assert fragment in json.dumps(json.loads(body)["response"]["_pages_content"]["children"], ensure_ascii=False)
    assert "Traceback" not in body
    assert client.get("/data" + search).status_code == 200


def test_a_page_link_with_200000_parameters_costs_little(client: FlaskClient) -> None:
    """Issue 16: one such callback answered 54 MB after 10 CPU-s; now the body limit or the parameter cap stops it."""
    search = "?" + "&".join(f"p{i}=1" for i in range(200_000))
    start = time.process_time()
    refused = client.post("/_dash-update-component", json=router_payload("/", search))
    assert refused.status_code == 413
    search = "?" + "&".join(f"p{i}=1" for i in range(5000))  # under the body limit: read, then refused as a whole
    answer = client.post("/_dash-update-component", json=router_payload("/data", search))
    assert answer.status_code == 200 and len(answer.get_data()) < 2_000_000
    assert "more than 30 parameters" in answer.get_data(as_text=True)
    assert time.process_time() - start < 5


def test_a_link_padded_to_the_body_limit_does_the_work_of_one_just_over_the_cap(built_root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Issue 16: 4,500 invented parameters (63 kB, the largest body allowed) were split four times and
    checked one by one (~1 s of a worker's CPU); now they are counted, never split, and every such
    link to a page is one stored drawing. Work is counted (pairs decoded, problems built), not timed."""
    import urllib.parse

    from essa_dash import settings
    from essa_dash.query import state

    decoded, problems = [0], [0]
    unquote, problem = urllib.parse.unquote, state.Problem.of
    monkeypatch.setattr(urllib.parse, "unquote", lambda *a, **k: (decoded.__setitem__(0, decoded[0] + 1), unquote(*a, **k))[1])
    monkeypatch.setattr(state.Problem, "of", lambda *a, **k: (problems.__setitem__(0, problems[0] + 1), problem(*a, **k))[1])
    client = create_app(built_root).server.test_client()

    def work(count: int, language: str) -> tuple[int, int, str, bytes]:
        decoded[0] = problems[0] = 0
        body = json.dumps(router_payload("/data", "?" + "&".join(f"p{i:06d}x=1" for i in range(count)) + "&lang=vi"))
        assert len(body) < settings.MAX_BODY_BYTES.value()
        answer = client.post("/_dash-update-component", data=body, content_type="application/json", headers={"Accept-Language": language})
        assert answer.status_code == 200 and '"_pages_content"' in answer.get_data(as_text=True)
        return decoded[0], problems[0], answer.headers.get("X-ESSA-Cache", "drawn"), answer.get_data()

    just_over = work(31, "en")
    assert "more than 30 parameters" in just_over[3].decode()  # in English: the browser's language, not the link's
    padded = work(5_800, "th")  # 64 kB; another language: drawn, not taken from the store
    assert padded[:3] == just_over[:3] == (0, 1, "drawn")  # no pair decoded (lang=vi not read either), one problem built
    assert work(5_700, "th")[2:] == ("hit", padded[3])  # another padded link to /data: the same stored answer


# -- addresses that are no page, and what every answer carries ------------------------------------------


@pytest.mark.parametrize("url", ["/etc/passwd", "/.git/config", "/api/v1/", "/wp-login.php", "/country"])
def test_unknown_addresses_are_404_with_the_friendly_page(url: str, client: FlaskClient) -> None:
    response = client.get(url)
    assert response.status_code == 404
    assert '<div id="react-entry-point">' in response.get_data(as_text=True)  # the shell that draws "page not found"
    assert "Content-Security-Policy" in response.headers


def test_pages_still_answer_200(client: FlaskClient) -> None:
    for url in ("/", "/country/VNM", "/risk/old_age", "/data", "/deck", "/progress", "/embed/country-bars?country=KHM"):
        assert client.get(url).status_code == 200, url


@pytest.mark.parametrize("url", ["/_dash-component-suites/nope/x.js", "/_dash-component-suites/dash/nope.js"])
def test_an_invented_package_file_is_a_quiet_404(url: str, client: FlaskClient, caplog: pytest.LogCaptureFixture) -> None:
    response = client.get(url)
    assert response.status_code == 404 and "Content-Security-Policy" in response.headers
    assert "Traceback" not in caplog.text and "DependencyException" not in caplog.text


def test_no_software_versions_in_the_page_config(client: FlaskClient) -> None:
    page = client.get("/").get_data(as_text=True)
    assert "python_version" not in page and "dash_version" not in page and sys.version.split()[0] not in page


def test_an_over_long_address_is_414_with_headers(client: FlaskClient) -> None:
    response = client.get("/api/v1/coverage.csv?country=" + "A" * 9000)
    assert response.status_code == 414 and "Content-Security-Policy" in response.headers


def test_gunicorns_own_414_carries_the_security_headers(prod_url: str) -> None:
    status, headers, body = raw_request(prod_url, b"GET /?" + b"a" * 9000 + b" HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    assert status == 414
    assert headers["x-frame-options"] == "DENY" and "default-src" in headers["content-security-policy"]
    assert b"aaaa" not in body


# -- the image renderer: a bounded queue and a deadline, each answered 503 + Retry-After ----------------


def test_a_full_render_queue_answers_503_at_once(client: FlaskClient, monkeypatch: pytest.MonkeyPatch) -> None:
    from essa_dash.export import images

    monkeypatch.setattr(images, "_waiting", 99)
    start = time.perf_counter()
    response = client.get("/img/country-bars.png?country=KHM")
    assert time.perf_counter() - start < 5
    assert response.status_code == 503 and response.headers["Retry-After"].isdigit()
    assert "already waiting" in response.get_json()["error"]


def test_a_busy_renderer_answers_503_after_the_wait(client: FlaskClient, monkeypatch: pytest.MonkeyPatch) -> None:
    from essa_dash.export import images

    monkeypatch.setenv("ESSA_RENDER_WAIT", "0.5")
    with images._lock:  # someone else's render, for longer than we may wait
        start = time.perf_counter()
        response = client.get("/img/country-bars.png?country=VNM")
        waited = time.perf_counter() - start
    assert response.status_code == 503 and "Retry-After" in response.headers
    assert 0.5 <= waited < 5


def test_a_deck_past_its_deadline_answers_503(client: FlaskClient, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ESSA_DECK_SECONDS", "0.001")
    response = client.get("/deck.pptx?views=/country/VNM")
    assert response.status_code == 503 and "Retry-After" in response.headers
    assert "time allowed" in response.get_json()["error"]


# -- ingest: every failure leaves data/ as it was, and nothing behind ------------------------------------


def ingest(root: Path, path: Path, *args: str) -> int:
    return main(["ingest", str(path), "--data-dir", str(root), *args])


def hidden(root: Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in (root / "raw").rglob(".*"))


def one_line_error(capsys: pytest.CaptureFixture[str]) -> str:
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err and err.count("\n") == 1, err
    return err


def no_space(*args: object, **kwargs: object) -> None:
    raise OSError(errno.ENOSPC, "No space left on device", "/data/raw/ingested/x")


@pytest.mark.parametrize("where", ["copying the raw file", "writing the tables"])
def test_a_full_disk_during_ingest_leaves_data_as_it_was(
    where: str, fresh_root: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 16: a traceback and a hidden .tmp folder in raw/ingested/ that every later build failed on."""
    from essa_dash.ingest import add

    path = edit(LABELS, asean_labels)(tmp_path)
    before = snapshot(fresh_root)
    monkeypatch.setattr(add.shutil, "copy2", no_space) if where == "copying the raw file" else monkeypatch.setattr(
        add, "write_tables", no_space
    )
    assert ingest(fresh_root, path) == 2
    assert "No space left on device" in one_line_error(capsys)
    assert snapshot(fresh_root) == before and hidden(fresh_root) == []
    monkeypatch.undo()
    assert main(["build-data", "--data-dir", str(fresh_root)]) == 0  # the next build reads raw/ as it was


def test_a_read_only_data_directory_is_one_line(fresh_root: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch) -> None:
    """The tests run as root, for whom chmod cannot make a folder read-only: the first write is made to fail as EROFS would."""
    from essa_dash.ingest import add

    def read_only(root: Path) -> None:
        raise OSError(errno.EROFS, "Read-only file system", str(root / ".lock"))

    monkeypatch.setattr(add, "lock", read_only)
    before = snapshot(fresh_root)
    assert ingest(fresh_root, edit(LABELS, asean_labels)(tmp_path)) == 2
    assert "Read-only file system" in one_line_error(capsys)
    assert snapshot(fresh_root) == before


def test_staging_left_by_a_killed_ingest_is_ignored_and_cleared(fresh_root: Path, tmp_path: Path, capsys) -> None:
    staging = fresh_root / "raw" / "ingested" / ".ILOSTAT_CSV_2026-05-25.999.tmp"
    staging.mkdir(parents=True)
    (staging / "provenance.json").write_text("{half written")
    assert main(["build-data", "--data-dir", str(fresh_root)]) == 0
    assert ingest(fresh_root, edit(LABELS, asean_labels)(tmp_path)) == 0
    assert not staging.exists()


def test_an_ingest_killed_before_the_tables_are_rebuilt_on_rerun(fresh_root: Path, tmp_path: Path, capsys) -> None:
    """Issue 16: killed after the raw file was placed, a rerun said "already ingested: nothing to do"."""
    from essa_dash.releases.disk import current_id

    old = current_id(fresh_root)
    path = edit(LABELS, asean_labels)(tmp_path)
    rows = len(read_store(fresh_root).coverage)
    assert ingest(fresh_root, path) == 0
    (fresh_root / "releases" / "CURRENT").write_text(old + "\n")  # as if killed between placing the file and the tables
    capsys.readouterr()
    assert ingest(fresh_root, path, "--dry-run") == 0
    assert "not rebuilt" in capsys.readouterr().out and current_id(fresh_root) == old
    assert ingest(fresh_root, path) == 0
    assert "rebuilt the tables from raw/" in capsys.readouterr().out
    assert len(read_store(fresh_root).coverage) == rows + 3
    assert ingest(fresh_root, path) == 0 and "nothing to do" in capsys.readouterr().out


def test_a_dry_run_leaves_nothing_in_the_temporary_folder(fresh_root: Path, tmp_path: Path, capsys, monkeypatch) -> None:
    temp = tmp_path / "tmp"
    temp.mkdir()
    monkeypatch.setenv("TMPDIR", str(temp))
    monkeypatch.setattr(tempfile, "tempdir", None)  # tempfile reads TMPDIR again
    before = snapshot(fresh_root)
    assert ingest(fresh_root, edit(LABELS, asean_labels)(tmp_path), "--dry-run") == 0
    assert list(temp.iterdir()) == [] and snapshot(fresh_root) == before


def test_a_header_of_100000_columns_is_checked_in_linear_time(fresh_root: Path, tmp_path: Path, capsys) -> None:
    """Issue 16: a 1.5 MB CSV of 100,000 columns took 153 s (a quadratic duplicate-header check)."""
    header = [f"c{i}" for i in range(100_000)] + ["c7"]
    path = tmp_path / "wide.csv"
    path.write_text(",".join(header) + "\n" + ",".join("1" for _ in header) + "\n")
    start = time.perf_counter()
    with pytest.raises(DataError, match=r"duplicate column names \['c7'\]"):
        read_csv_text(path)  # the loaders' reader alone: the CLI's time is mostly the build of everything else
    assert time.perf_counter() - start < 3
    before = snapshot(fresh_root)
    assert ingest(fresh_root, path, "--format", "curated") == 2
    assert "duplicate column names ['c7']" in one_line_error(capsys)
    assert snapshot(fresh_root) == before


def test_a_symbolic_link_is_refused_without_reading_it(fresh_root: Path, tmp_path: Path, capsys) -> None:
    link = tmp_path / "download.csv"
    link.symlink_to("/etc/passwd")
    assert ingest(fresh_root, link) == 2
    err = one_line_error(capsys)
    assert "symbolic link" in err and "root:" not in err


def test_a_worker_busy_with_a_render_refuses_another_at_once(client: FlaskClient, monkeypatch: pytest.MonkeyPatch) -> None:
    """One image, deck or slideshow per worker process: its other thread stays free for pages and the API."""
    from essa_dash import share

    monkeypatch.setattr(share, "_heavy_running", 1)
    for url in ("/img/country-bars.png?country=THA", "/deck.pptx?views=/", "/present?views=/"):
        start = time.perf_counter()
        response = client.get(url)
        assert time.perf_counter() - start < 2, url
        assert response.status_code == 503 and response.headers["Retry-After"].isdigit(), url
    assert client.get("/api/v1/risks").status_code == 200  # ordinary answers go on


# -- a page's path is what it shows; the /deck page's builds have the limits of /deck.pptx --------------


def test_an_unknown_sub_path_of_a_page_is_the_404_page(client: FlaskClient) -> None:
    """Issue 16: /country/VNM/extra answered 200 (Dash read "VNM/extra" as the country)."""
    for url in ("/country/VNM/extra", "/risk/old_age/x/y"):
        start = time.perf_counter()
        response = client.get(url)
        assert response.status_code == 404, url
        assert '<div id="react-entry-point">' in response.get_data(as_text=True)
        drawn = client.post("/_dash-update-component", json=router_payload(url, ""))
        assert time.perf_counter() - start < 5, url
        assert drawn.status_code == 200 and "There is no page at this address" in drawn.get_data(as_text=True), url


def test_the_path_wins_over_a_query_parameter_of_the_same_name(client: FlaskClient) -> None:
    """Issue 16: /country/VNM?iso3=KHM drew Cambodia under Viet Nam's address; the path wins (guard.from_path)."""

    def content(path: str, search: str = "") -> object:
        return client.post("/_dash-update-component", json=router_payload(path, search)).get_json()["response"]["_pages_content"]

    start = time.perf_counter()
    conflict = content("/country/VNM", "?iso3=KHM")
    assert time.perf_counter() - start < 5
    assert conflict == content("/country/VNM") != content("/country/KHM")
    assert content("/risk/old_age", "?risk=children") == content("/risk/old_age")


def deck_build(views: str) -> dict[str, object]:
    """The /deck page's "Build" button: the callback that starts a background deck build."""
    return {
        "output": "..deck-job.data...deck-poll.disabled...deck-progress.children..",
        "outputs": [
            {"id": "deck-job", "property": "data"},
            {"id": "deck-poll", "property": "disabled"},
            {"id": "deck-progress", "property": "children"},
        ],
        "inputs": [{"id": "deck-build", "property": "n_clicks", "value": 1}],
        "state": [
            {"id": "deck-title", "property": "value", "value": "Seminar"},
            {"id": "deck-views", "property": "value", "value": views},
            {"id": "deck-native", "property": "value", "value": []},
            {"id": "deck-lang", "property": "data", "value": "en"},
        ],
        "changedPropIds": ["deck-build.n_clicks"],
    }


def job_of(answer: str) -> str:
    """The job id a deck build's callback answered (the page keeps it in its deck-job store)."""
    return json.loads(answer)["response"]["deck-job"]["data"]


def ended(client: FlaskClient, job_id: str) -> dict[str, object]:
    """The deck job's status once it has ended (polled for its state, never for a time)."""
    for _ in range(2400):
        status = client.get(f"/deck/jobs/{job_id}").get_json()
        if status["state"] not in ("queued", "running"):
            return status
        time.sleep(0.05)
    raise AssertionError(f"the deck job {job_id} never ended")


def test_the_deck_pages_build_has_the_deck_deadline_and_chart_cap(client: FlaskClient, monkeypatch: pytest.MonkeyPatch) -> None:
    """Issue 16: the /deck page's background builds ran without the 45 s deadline of /deck.pptx."""
    start = time.perf_counter()
    capped = client.post("/_dash-update-component", json=deck_build("\n".join(["/risk/old_age"] * 30)))
    assert capped.status_code == 200 and "one deck holds at most 24" in capped.get_data(as_text=True)
    assert time.perf_counter() - start < 5  # refused before any chart is drawn
    from essa_dash import share

    def slow_charts_of(links: list[str]) -> object:
        time.sleep(0.05)  # drawing takes longer than the deadline, whether or not an earlier test left the charts cached
        return charts_of(links)

    charts_of = share.charts_of
    monkeypatch.setattr(share, "charts_of", slow_charts_of)
    monkeypatch.setenv("ESSA_DECK_SECONDS", "0.01")
    late = client.post("/_dash-update-component", json=deck_build("/country/VNM"))
    assert late.status_code == 200
    status = ended(client, job_of(late.get_data(as_text=True)))
    assert status["state"] == "failed" and "the time allowed for this deck is used up" in str(status["error"])


def test_a_background_deck_build_gets_what_is_left_of_the_deadline(client: FlaskClient, monkeypatch: pytest.MonkeyPatch) -> None:
    from essa_dash import share
    from essa_dash.export import images, jobs, slides

    left: list[float] = []

    def charts_of(links: list[str]) -> object:
        left.append(images.check_deadline())  # the build's first step: what it was given
        return [object()], links, []

    def build_deck(*_args: object, **_kwargs: object) -> bytes:
        while True:  # slides that never end: the deadline ends the build, as it ends a render
            images.check_deadline()
            time.sleep(0.05)

    monkeypatch.setattr(share, "charts_of", charts_of)
    monkeypatch.setattr(slides, "build_deck", build_deck)
    with client.application.test_request_context(), images.deadline(3):
        job = jobs.start("/embed/country-bars?country=VNM", title="t", native=False, lang="en", total=1)
    status = ended(client, job.id)
    assert left and left[0] <= 3
    assert status["state"] == "failed" and "time allowed" in str(status["error"])


def test_a_deck_build_answer_is_never_replayed_to_the_next_visitor(client: FlaskClient, monkeypatch: pytest.MonkeyPatch) -> None:
    """The answer store keeps callback answers by body: two visitors asking for the same deck got one job (the first one's)."""
    from essa_dash.export import jobs

    monkeypatch.setattr(jobs, "run", lambda *_args: None)  # nothing built: only the answers are compared
    first, second = (client.post("/_dash-update-component", json=deck_build("/country/VNM")) for _ in range(2))
    assert second.headers.get("X-ESSA-Cache") != "hit"
    ids = {job_of(first.get_data(as_text=True)), job_of(second.get_data(as_text=True))}
    assert len(ids) == 2
    for job_id in ids:
        jobs._delete(jobs.folder(client.application), job_id)
