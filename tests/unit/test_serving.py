"""Production serving: compression, cache lifetimes and warm-up, on the real app through Flask's test client.

Speed is measured by bench/, never asserted here: these tests pin what each answer
says about encoding and caching, which is what browsers and proxies act on.
"""

from __future__ import annotations

import gzip
import re
from pathlib import Path

import brotli
import pytest
from dash import Dash
from flask.testing import FlaskClient

from essa_dash import serving
from essa_dash.app import create_app

BROWSER_ENCODINGS = "gzip, deflate, br, zstd"


@pytest.fixture(scope="module")
def app(built_root: Path) -> Dash:
    app = create_app(built_root)
    serving.install(app.server)
    return app


@pytest.fixture(scope="module")
def client(app: Dash) -> FlaskClient:
    return app.server.test_client()


@pytest.fixture(scope="module")
def index_html(client: FlaskClient) -> str:
    response = client.get("/")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def linked(index_html: str, pattern: str) -> str:
    """The first URL the page links that matches ``pattern``."""
    urls = [u for u in re.findall(r'(?:src|href)="([^"]+)"', index_html) if re.search(pattern, u)]
    assert urls, f"no link matching {pattern!r} in the page"
    return urls[0]


def test_large_script_is_sent_with_brotli_when_asked(client: FlaskClient, index_html: str) -> None:
    url = linked(index_html, r"dash_core_components\.v[^/]*\.js$")
    plain = client.get(url, headers={"Accept-Encoding": "identity"})
    response = client.get(url, headers={"Accept-Encoding": BROWSER_ENCODINGS})
    assert plain.status_code == response.status_code == 200
    assert "Content-Encoding" not in plain.headers
    assert response.headers["Content-Encoding"] == "br"
    assert "Accept-Encoding" in response.headers["Vary"]
    assert brotli.decompress(response.data) == plain.data
    assert len(response.data) < len(plain.data) / 3


def test_large_script_is_sent_with_gzip_to_older_clients(client: FlaskClient, index_html: str) -> None:
    url = linked(index_html, r"dash_core_components\.v[^/]*\.js$")
    response = client.get(url, headers={"Accept-Encoding": "gzip"})
    assert response.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(response.data) == client.get(url).data


def test_plotly_js_is_compressed_once_per_process(app: Dash, client: FlaskClient) -> None:
    url = "/_dash-component-suites/plotly/package_data/plotly.min.js"
    first = client.get(url, headers={"Accept-Encoding": "br"})
    assert brotli.decompress(first.data) == client.get(url, headers={"Accept-Encoding": "identity"}).data
    cached = len(serving.compression_cache(app.server))
    second = client.get(url, headers={"Accept-Encoding": "br"})
    assert first.status_code == second.status_code == 200
    assert first.headers["Content-Encoding"] == "br" and first.data == second.data
    assert len(serving.compression_cache(app.server)) == cached > 0


def test_fingerprinted_assets_are_immutable(client: FlaskClient, index_html: str) -> None:
    for pattern in (r"/_dash-component-suites/.*\.v[\w-]+m\d+\..*js$", r"/assets/style\.css\?m="):
        response = client.get(linked(index_html, pattern), headers={"Accept-Encoding": BROWSER_ENCODINGS})
        assert response.status_code == 200
        assert response.headers["Cache-Control"] == serving.IMMUTABLE


def test_the_icon_is_the_app_s_own_few_hundred_bytes_cached_for_a_year(client: FlaskClient, index_html: str) -> None:
    """Every first visit downloads it: Dash's own (plotly's logo) was 4.9 kB of a first visit near its 650 kB."""
    icon = re.search(r'<link rel="icon"[^>]*href="([^"]+)"', index_html)
    assert icon is not None and icon.group(1).startswith("/assets/favicon.ico?m=")
    response = client.get(icon.group(1))
    data = response.get_data()
    response.close()  # a file answer: closed, as a WSGI server would once it is sent
    assert response.status_code == 200 and response.headers["Cache-Control"] == serving.IMMUTABLE
    assert data == (Path(__file__).parents[2] / "assets" / "favicon.ico").read_bytes()
    assert len(data) < 1024


def test_stylesheet_is_compressed_from_the_cache(app: Dash, client: FlaskClient, index_html: str) -> None:
    url = linked(index_html, r"/assets/style\.css\?m=")
    response = client.get(url, headers={"Accept-Encoding": "br"})
    assert response.headers["Content-Encoding"] == "br"
    with client.get(url, headers={"Accept-Encoding": "identity"}) as plain:  # a file response: closed, as a server would
        assert "Content-Encoding" not in plain.headers
        assert brotli.decompress(response.data) == plain.data


def test_files_under_a_fixed_name_are_revalidated(client: FlaskClient) -> None:
    """plotly.js and dcc's chunks keep their URL across upgrades: cacheable, but checked (ETag) before use."""
    response = client.get("/_dash-component-suites/dash/dcc/async-graph.js", headers={"Accept-Encoding": "br"})
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == serving.REVALIDATE
    again = client.get(
        "/_dash-component-suites/dash/dcc/async-graph.js",
        headers={"Accept-Encoding": "br", "If-None-Match": response.headers["ETag"]},
    )
    assert again.status_code == 304


def test_a_missing_asset_is_not_cached_for_a_year(client: FlaskClient) -> None:
    response = client.get("/assets/no-such-file.js?m=1")
    assert response.status_code == 404
    assert "immutable" not in response.headers.get("Cache-Control", "")


def test_pages_are_never_stored(client: FlaskClient) -> None:
    for url in ("/", "/country/VNM", "/data?country=VNM"):
        response = client.get(url, headers={"Accept-Encoding": BROWSER_ENCODINGS})
        assert response.status_code == 200
        assert response.headers["Cache-Control"] == serving.NO_STORE


def test_callbacks_are_never_stored_and_are_compressed(client: FlaskClient) -> None:
    response = client.post(
        "/_dash-update-component",
        json=serving.router_payload("/country/VNM"),
        headers={"Accept-Encoding": BROWSER_ENCODINGS},
    )
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == serving.NO_STORE
    assert response.headers["Content-Encoding"] == "br"
    assert b"_pages_content" in brotli.decompress(response.data)
    for url in ("/_dash-layout", "/_dash-dependencies"):
        assert client.get(url).headers["Cache-Control"] == serving.NO_STORE


def test_api_keeps_its_own_public_lifetime(client: FlaskClient) -> None:
    response = client.get("/api/v1/coverage.csv?country=VNM&risk=old_age", headers={"Accept-Encoding": "br"})
    assert response.status_code == 200
    assert "public" in response.headers["Cache-Control"] and "max-age=" in response.headers["Cache-Control"]
    assert response.headers["Content-Encoding"] == "br"


def test_callback_answers_never_enter_the_compression_cache(app: Dash, client: FlaskClient) -> None:
    before = len(serving.compression_cache(app.server))
    for pathname in ("/", "/country/IDN"):
        client.post("/_dash-update-component", json=serving.router_payload(pathname), headers={"Accept-Encoding": "br"})
    assert len(serving.compression_cache(app.server)) == before


def test_compression_cache_is_bounded() -> None:
    cache = serving.StaticCompressionCache()
    for i in range(serving.CACHE_MAX_ENTRIES + 10):
        assert gzip.decompress(cache.store("gzip", f"/assets/f{i}.js", b"x" * 100)) == b"x" * 100
    assert len(cache) == serving.CACHE_MAX_ENTRIES
    assert cache.lookup("gzip", "/assets/f0.js") is not None
    assert cache.lookup("gzip", f"/assets/f{serving.CACHE_MAX_ENTRIES + 5}.js") is None


def test_encoding_follows_accept_encoding() -> None:
    assert serving.choose_encoding("gzip, deflate, br, zstd") == "br"
    assert serving.choose_encoding("gzip, br;q=0") == "gzip"
    assert serving.choose_encoding("identity") is None
    assert serving.choose_encoding("") is None
    assert serving.choose_encoding("*") == "br"


def test_install_twice_changes_nothing(app: Dash) -> None:
    hooks = list(app.server.after_request_funcs[None])
    assert serving.install(app.server) is app.server
    assert app.server.after_request_funcs[None] == hooks


def test_replica_header_names_the_replica(built_root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(serving.REPLICA_ENV, "a")
    server = serving.install(create_app(built_root).server)
    assert server.test_client().get("/api/v1/risks").headers[serving.REPLICA_HEADER] == "a"


def test_warm_draws_every_page(built_root: Path) -> None:
    app = create_app(built_root)
    serving.install(app.server)
    timings = serving.warm(app)
    assert {f"page {path}" for path in serving.page_paths()} <= set(timings)
    assert {"page /", "page /country/VNM", "page /data"} <= set(timings)
    assert len(serving.compression_cache(app.server)) > 10


def test_gunicorn_runs_one_worker_per_core_preloaded() -> None:
    options = serving.gunicorn_options("127.0.0.1", 8050)
    assert options["preload_app"] is True
    assert options["workers"] >= 1 and options["bind"] == "127.0.0.1:8050"
    app = serving._application_class()(lambda: None, options)
    assert app.cfg.preload_app and app.cfg.workers == options["workers"]


def test_a_request_waiting_for_the_render_lane_does_not_take_a_thread_from_the_others(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ESSA_HEAVY_REQUESTS", "2")
    assert serving.gunicorn_options("127.0.0.1", 8050, threads=2)["threads"] == 2 + 2
