"""The bad-input matrix: one table of hostile or broken inputs across every way data gets in.

Each case is: what goes in (a file made from a real one by one edit, a URL, a deck
spec), through which door (``ingest``, ``deck``, an HTTP GET), what the person must see
(a fragment of the one-line message, or the HTTP status and JSON), and, always, that
every file of the data directory is byte-for-byte as it was.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
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
from essa_dash.serving import router_payload
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


def test_the_callback_cache_keeps_each_browser_language_apart(built_root: Path) -> None:
    """A page drawn for a browser asking for Vietnamese must not be the answer an English browser gets."""
    client = create_app(built_root).server.test_client()  # an empty cache of its own
    body = router_payload("/", "")
    answers = [client.post("/_dash-update-component", json=body, headers={"Accept-Language": code}) for code in ("vi", "en", "en")]
    assert [a.status_code for a in answers] == [200, 200, 200]
    # the English answer is drawn, not the stored Vietnamese one; the second English one is stored
    assert [a.headers.get("X-ESSA-Cache") for a in answers] == [None, None, "hit"]
