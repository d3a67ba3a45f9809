"""Safe defaults: debug off, loopback only, security headers on every kind of answer, no code evaluation."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from flask.testing import FlaskClient

from essa_dash.app import create_app
from essa_dash.cli import parser
from essa_dash.paths import PROJECT_DIR


@pytest.fixture(scope="module")
def client(built_root: Path) -> FlaskClient:
    return create_app(built_root).server.test_client()


def test_serve_binds_loopback_without_debug_by_default() -> None:
    args = parser().parse_args(["serve"])
    assert args.host == "127.0.0.1" and args.debug is False and args.prod is False


def test_app_runs_without_debug(built_root: Path) -> None:
    app = create_app(built_root)
    assert app.server.debug is False
    index = app.server.test_client().get("/").get_data(as_text=True)
    assert '"ui":false' in index and '"props_check":false' in index  # no dev tools shown to visitors


@pytest.mark.parametrize(
    ("url", "frameable"),
    [
        ("/", False),
        ("/country/VNM", False),
        ("/api/v1/countries", False),
        ("/api/v1/nope", False),
        ("/assets/style.css", False),
        ("/static/embed.js", False),
        ("/embed/country-bars", True),
    ],
)
def test_security_headers_on_every_kind_of_answer(client: FlaskClient, url: str, frameable: bool) -> None:
    response = client.get(url)
    response.close()  # static files are streamed
    policy = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "object-src 'none'" in policy and "'unsafe-eval'" not in policy
    assert "script-src 'self'" in policy and "'unsafe-inline'" not in policy.split("script-src", 1)[1].split(";")[0]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    if frameable:
        assert "frame-ancestors" not in policy and "X-Frame-Options" not in response.headers
    else:
        assert "frame-ancestors 'none'" in policy and response.headers["X-Frame-Options"] == "DENY"


def test_errors_show_no_paths_or_tracebacks(client: FlaskClient, built_root: Path) -> None:
    for url in ("/api/v1/coverage.csv?country=nope", "/api/v1/zzz", "/img/x.png", "/embed/x", "/present?views=/x", "/deck.pptx"):
        text = client.get(url).get_data(as_text=True)
        assert "Traceback" not in text and str(built_root) not in text and str(PROJECT_DIR) not in text, url


def test_no_code_is_ever_evaluated_from_text() -> None:
    pattern = re.compile(r"(^|[^_a-z.])(eval|exec)\(|\.query\(|pd\.eval\(")
    offenders = [
        f"{path.relative_to(PROJECT_DIR)}:{n}"
        for path in (PROJECT_DIR / "essa_dash").rglob("*.py")
        for n, line in enumerate(path.read_text().splitlines(), 1)
        if pattern.search(line) and not line.lstrip().startswith("#")
    ]
    assert offenders == []
