"""Production serving: gunicorn workers forked from one warm app, compressed answers, cacheable assets.

``essa-dash serve`` runs Flask's development server: one process, every answer sent
uncompressed, the 4.8 MB plotly.js re-validated on every visit. This module is what a
shared deployment runs instead:

* :func:`install` (on the Flask server) compresses answers (brotli, else gzip) and
  gives every response the cache lifetime it can bear: a year, ``immutable``, for the
  fingerprinted assets Dash links (``/_dash-component-suites/...v<version>m<mtime>.js``,
  ``/assets/...?m=<mtime>``); revalidation for package files Dash loads under a fixed
  name (``async-graph.js``, ``plotly.min.js``); ``no-store`` for pages and callbacks,
  whose answers change with the data. The compressed bytes of package files are kept
  in memory, so the 4.8 MB plotly.js is compressed once per process, not per visitor.
* :func:`warm` renders every page once and fills that cache, so the first visitor
  after a start or a deploy pays nothing extra.
* :func:`run` loads and warms the app once in gunicorn's master, then forks one worker
  per core: the workers share the warm tables and caches copy-on-write.

``ESSA_REPLICA`` (any short name) makes every answer carry ``X-ESSA-Replica``, so a
load balancer test can see which replica answered (see docs/deploy.md).
"""

from __future__ import annotations

import gc
import gzip
import hashlib
import os
import re
import sys
import time
from collections.abc import Callable, Iterable
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import flask
from dash.fingerprint import check_fingerprint

from essa_dash import security, settings

if TYPE_CHECKING:
    from dash import Dash

#: A year, and a promise that the bytes behind this URL never change: browsers skip even the revalidation.
IMMUTABLE = "public, max-age=31536000, immutable"
#: Cacheable, but ask first (ETag): for files whose URL does not change when their content does.
REVALIDATE = "public, no-cache"
#: Pages and callbacks: built for this request from the data; never stored by a browser or a proxy.
NO_STORE = "no-store"

REPLICA_ENV = "ESSA_REPLICA"
REPLICA_HEADER = "X-ESSA-Replica"

#: Dash's own endpoints whose answers depend on the data or the request: never cached.
DYNAMIC_ENDPOINTS = ("/_dash-update-component", "/_dash-layout", "/_dash-dependencies")
SUITES = "/_dash-component-suites/"
ASSETS = "/assets/"
#: Flask's own static folder (essa_dash/static/: the embed and slideshow scripts), linked without fingerprint.
FLASK_STATIC = "/static/"

#: Answers built per request (pages, callbacks, the API): brotli level 5, as fast as gzip 6 and
#: smaller; gzip for clients without brotli. Flask-Compress does these. Level 5 rather than 4: the
#: first layout of /risk/old_age (289 kB) 14.5 -> 13.2 kB for 2.0 ms instead of 1.5, its HTML
#: (21 kB, with the first chart's copy) 5.6 -> 5.2 kB: the first visit stays under 650 kB.
COMPRESSION = {
    "COMPRESS_ALGORITHM": ["br", "gzip"],
    "COMPRESS_ALGORITHM_STREAMING": ["br", "deflate"],
    "COMPRESS_BR_LEVEL": 5,
    "COMPRESS_LEVEL": 6,
    "COMPRESS_MIN_SIZE": 500,
}
#: Flask-Compress's list leaves out CSV, the API's most used format (6-40x smaller compressed).
EXTRA_MIMETYPES = ("text/csv",)
#: Static files are compressed once per process and kept, so they get the slow, small settings:
#: brotli 9 makes plotly.js 12% smaller than level 4 for 0.3 s once. Level 11 (another 9% off
#: plotly.js) takes 3 s a bundle: the app's own bundles and map shapes come with it, made by
#: their builds (see :func:`precompressed`).
STATIC_BR_QUALITY = 9
STATIC_GZIP_LEVEL = 9
STATIC_MIMETYPES = frozenset({"text/javascript", "application/javascript", "text/css", "application/json", "image/svg+xml"})
#: Bounds of the static cache: a stranger inventing fingerprints or file names cannot grow it past these.
CACHE_MAX_ENTRIES = 256
CACHE_MAX_BYTES = 64 * 1024 * 1024
#: Package scripts no page loads (no LaTeX): not worth compressing at start.
WARM_SKIP = ("async-mathjax",)


def cache_policy(path: str, query: dict[str, str] | Any, status: int, mimetype: str | None) -> str | None:
    """The Cache-Control a response deserves, or None to leave the handler's own (the API sets its own).

    Only a successful answer is declared immutable: a 404 for a mistyped asset must not stick for a year.
    HTML gets ``no-store`` unless its handler chose a lifetime itself (see :func:`install`).
    """
    if any(path.endswith(endpoint) for endpoint in DYNAMIC_ENDPOINTS):
        return NO_STORE
    if status not in (200, 304):
        return None
    if SUITES in path:
        return IMMUTABLE if check_fingerprint(path.rsplit("/", 1)[-1])[1] else REVALIDATE
    if ASSETS in path:
        return IMMUTABLE if "m" in query else REVALIDATE
    if path.startswith(FLASK_STATIC):
        return IMMUTABLE if "v" in query else REVALIDATE  # ?v=<content hash>: the plotly.js bundles (bundles.url)
    if path.endswith("/_favicon.ico"):
        return IMMUTABLE if "v" in query else REVALIDATE
    if mimetype == "text/html":
        return NO_STORE
    return None


def static_key(request: flask.Request) -> str | None:
    """The cache key of a static file whose bytes are fixed for the life of the process, else None.

    Package files cannot change while the process runs, and a deployment ships assets/
    read-only; the fingerprint is stripped so that invented fingerprints share one entry.
    """
    if request.method not in ("GET", "HEAD"):
        return None
    path = request.path
    if SUITES in path:
        head, name = path.rsplit("/", 1)
        return f"{head}/{check_fingerprint(name)[0]}"
    if ASSETS in path or path.startswith(FLASK_STATIC):
        return path
    return None


def choose_encoding(accept_encoding: str) -> str | None:
    """``br`` or ``gzip`` as the client's Accept-Encoding allows (q=0 refuses), brotli first; None: send as is."""
    allowed: dict[str, float] = {}
    for part in accept_encoding.lower().split(","):
        name, _, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        allowed[name.strip()] = quality
    for encoding in ("br", "gzip"):
        if allowed.get(encoding, allowed.get("*", 0.0)) > 0:
            return encoding
    return None


@cache
def precompressed() -> dict[str, bytes]:
    """The brotli-11 files the builds wrote beside what they built, by the SHA-256 of what they decompress to.

    deploy/plotly-bundle/build.sh writes them for the bundles (essa_dash/static/), deploy/map-shapes/build.sh
    for the map's shapes (assets/topojson/). Looked up by content, not by name: a ``.br`` left over from an
    older build matches no bytes the server sends, and Dash's own plotly.js URL, which answers with the
    geo bundle, finds it too.
    """
    import brotli

    from essa_dash.bundles import STATIC_DIR
    from essa_dash.paths import ASSETS_DIR

    found = {}
    for path in sorted([*STATIC_DIR.glob("*.br"), *(ASSETS_DIR / "topojson").glob("*.br")]):
        data = path.read_bytes()
        found[hashlib.sha256(brotli.decompress(data)).hexdigest()] = data
    return found


def compress(data: bytes, encoding: str) -> bytes:
    import brotli

    if encoding != "br":
        return gzip.compress(data, STATIC_GZIP_LEVEL, mtime=0)
    stored = precompressed().get(hashlib.sha256(data).hexdigest())
    return stored if stored is not None else brotli.compress(data, quality=STATIC_BR_QUALITY)


class StaticCompressionCache:
    """Compressed bytes of static files, per (encoding, file), bounded in entries and bytes.

    Filled at warm-up in gunicorn's master, so forked workers share it; past the bounds
    a file is compressed per request rather than kept.
    """

    def __init__(self) -> None:
        self._data: dict[tuple[str, str], bytes] = {}
        self._bytes = 0

    def lookup(self, encoding: str, key: str) -> bytes | None:
        return self._data.get((encoding, key))

    def store(self, encoding: str, key: str, data: bytes) -> bytes:
        """Compress ``data``; keep the result unless the cache is full. Returns the compressed bytes."""
        value = compress(data, encoding)
        if (encoding, key) not in self._data and len(self._data) < CACHE_MAX_ENTRIES and self._bytes + len(value) <= CACHE_MAX_BYTES:
            self._data[(encoding, key)] = value
            self._bytes += len(value)
        return value

    def __len__(self) -> int:
        return len(self._data)

    @property
    def size(self) -> int:
        return self._bytes


def _take_body(response: flask.Response, *, read: bool) -> bytes:
    """The whole body of a (possibly streamed) response, and the file behind it closed at once."""
    if not response.is_streamed:
        return response.get_data() if read else b""
    iterable = response.response
    body = b"".join(iterable) if read else b""
    close = getattr(iterable, "close", None)
    if close is not None:
        close()
    return body


def _compress_static(response: flask.Response, request: flask.Request, cache: StaticCompressionCache) -> None:
    key = static_key(request)
    if key is None or response.status_code != 200 or response.mimetype not in STATIC_MIMETYPES or "Content-Encoding" in response.headers:
        return
    vary = response.headers.get("Vary")
    response.headers["Vary"] = f"{vary}, Accept-Encoding" if vary else "Accept-Encoding"
    encoding = choose_encoding(request.headers.get("Accept-Encoding", ""))
    if encoding is None:
        return
    compressed = cache.lookup(encoding, key)
    if compressed is None:
        compressed = cache.store(encoding, key, _take_body(response, read=True))
    else:
        _take_body(response, read=False)  # the file Flask opened is never read
    response.direct_passthrough = False
    response.set_data(compressed)
    response.headers["Content-Encoding"] = encoding
    etag, weak = response.get_etag()
    if etag:
        # one ETag per representation, as Flask-Compress does: a proxy must not mix the two
        response.set_etag(f"{etag}:{encoding}", weak=weak)
    response.make_conditional(request)


def install(server: flask.Flask) -> flask.Flask:
    """Add compression, cache headers and the replica header to ``server``; returns it.

    Safe to call on any Flask server Dash made, and more than once: create_app may install
    it and :func:`build` again; a second call changes nothing rather than compressing twice.
    """
    from flask_compress import Compress

    if "essa_serving" in server.extensions:
        return server
    for key, value in COMPRESSION.items():
        server.config.setdefault(key, value)
    server.config["COMPRESS_REGISTER"] = False
    dynamic = Compress(server)
    dynamic.compress_mimetypes_set |= set(EXTRA_MIMETYPES)
    # Compression must see the final body, after every other hook (e.g. the CSP hashes of the page's
    # inline scripts): Flask runs app-level after_request hooks last-registered first, so it goes first in the list.
    server.after_request_funcs.setdefault(None, []).insert(0, dynamic.after_request)
    cache = StaticCompressionCache()
    replica = os.environ.get(REPLICA_ENV, "").strip()

    @server.after_request
    def _serving_headers(response: flask.Response) -> flask.Response:
        request = flask.request
        policy = cache_policy(request.path, request.args, response.status_code, response.mimetype)
        if policy is not None and not (response.mimetype == "text/html" and "Cache-Control" in response.headers):
            response.headers["Cache-Control"] = policy
            if policy == NO_STORE:
                response.headers.pop("Expires", None)
        if replica:
            response.headers[REPLICA_HEADER] = replica
        # static files: compressed here from the cache (Flask-Compress then leaves them alone)
        _compress_static(response, request, cache)
        return response

    server.extensions["essa_serving"] = cache
    return server


def compression_cache(server: flask.Flask) -> StaticCompressionCache:
    """The static compression cache :func:`install` gave ``server`` (for tests and benchmarks)."""
    cache = server.extensions["essa_serving"]
    assert isinstance(cache, StaticCompressionCache)
    return cache


def router_payload(pathname: str, search: str = "") -> dict[str, Any]:
    """The body Dash's pages router POSTs to ``/_dash-update-component`` to draw ``pathname``.

    Captured from Chromium with Dash 4.4; the router callback's inputs are the location's
    pathname and search, its outputs the page container and the page store (the title).
    """
    inputs = [
        {"id": "_pages_location", "property": "pathname", "value": pathname},
        {"id": "_pages_location", "property": "search", "value": search},
    ]
    changed = ["_pages_location.pathname", "_pages_location.search"]
    return {
        "output": ".._pages_content.children..._pages_store.data..",
        "outputs": [{"id": "_pages_content", "property": "children"}, {"id": "_pages_store", "property": "data"}],
        "inputs": inputs,
        "changedPropIds": changed,
        "parsedChangedPropsIds": changed,
    }


def page_paths() -> list[str]:
    """One URL per registered page (its navigation link, else its plain path); templates need a link."""
    from essa_dash.app import page_modules

    paths = []
    for page in page_modules():
        href = getattr(page, "NAV_HREF", None) or (page.PATH if "<" not in page.PATH else None)
        if href and href not in paths:
            paths.append(href)
    return paths


def _linked_urls(html: str) -> list[str]:
    return [url for url in re.findall(r'(?:src|href)="(/[^"]+)"', html) if url.endswith((".js", ".css")) or "?m=" in url or "?v=" in url]


def _package_scripts(app: Dash) -> list[str]:
    """Scripts Dash serves under a fixed name (loaded on demand: plotly.js, dcc's async chunks)."""
    prefix = app.config.requests_pathname_prefix
    return sorted(
        f"{prefix}_dash-component-suites/{namespace}/{path}"
        for namespace, paths in app.registered_paths.items()
        for path in paths
        if path.endswith(".js") and ("async-" in path or path.endswith("plotly.min.js")) and not any(s in path for s in WARM_SKIP)
    )


def warm(app: Dash, extra: Iterable[str] = ()) -> dict[str, float]:
    """Render every page once and compress every script, before the first visitor does.

    Raises if anything answers other than 200, so a broken deployment stops at start.
    Returns seconds per step, for the start-up log and the benchmarks.
    """
    client = app.server.test_client()
    timings: dict[str, float] = {}

    def timed(label: str, action: Callable[[], Any]) -> Any:
        start = time.perf_counter()
        response = action()
        timings[label] = time.perf_counter() - start
        if response.status_code != 200:
            raise RuntimeError(f"warm-up: {label} answered {response.status_code}")
        return response

    index = timed("GET /", lambda: client.get("/"))
    for url in ("/_dash-layout", "/_dash-dependencies"):
        timed(f"GET {url}", lambda url=url: client.get(url))
    for path in page_paths():
        pathname, _, search = path.partition("?")
        body = router_payload(pathname, f"?{search}" if search else "")
        timed(f"page {path}", lambda body=body: client.post("/_dash-update-component", json=body))
    for url in extra:
        timed(f"GET {url}", lambda url=url: client.get(url))
    start = time.perf_counter()
    from essa_dash import bundles

    plotly_bundles = [bundles.url(bundles.BASIC), bundles.url(bundles.GEO)]  # each page links one: compress both here, once
    for url in dict.fromkeys([*_linked_urls(index.get_data(as_text=True)), *_package_scripts(app), *plotly_bundles]):
        for encoding in ("br", "gzip"):
            response = client.get(url, headers={"Accept-Encoding": encoding})
            response.close()  # a file sent as it is (the icon) holds the file open until closed
            if response.status_code != 200:
                raise RuntimeError(f"warm-up: {url} answered {response.status_code}")
    timings["compress assets"] = time.perf_counter() - start
    return timings


#: Threads per worker. Callbacks are CPU-bound (pure Python and pandas under the GIL): a second thread
#: lets a cheap request (a page's HTML, a script) pass a one-second callback; with 4, 50 busy users
#: got a third of the throughput of 1 or 2 (bench/bench_load.py --threads, docs/deploy.md).
THREADS = 2
#: Seconds a thread may hold the GIL while another waits (Python's default: 0.005).
SWITCH_INTERVAL = 0.001


def gunicorn_options(host: str, port: int, workers: int | None = None, threads: int = THREADS) -> dict[str, Any]:
    """Gunicorn settings: one worker per core, preloaded, gthread (idle keep-alive connections hold no thread).

    Each worker gets ``threads`` for pages, callbacks and the API, plus one per heavy request it
    may hold (``ESSA_HEAVY_REQUESTS``): with the render lane, a heavy request's thread only waits
    on a socket (no CPU) for up to ``ESSA_DECK_SECONDS``. Counted among the two, it left one
    thread for everything else, and an ordinary answer queued behind any slow callback in front
    of it (bench/bench_hostile.py, bench/RESULTS.md).
    """
    return {
        "bind": f"[{host}]:{port}" if ":" in host else f"{host}:{port}",
        "workers": workers or os.cpu_count() or 1,
        "worker_class": "gthread",
        "threads": threads + settings.HEAVY_REQUESTS.value(),
        "preload_app": True,
        # a worker silent this long (every thread stuck) is killed and replaced
        "timeout": round(settings.WORKER_TIMEOUT.value()),
        # gunicorn's own limit (its largest) sits above ESSA_MAX_URL_BYTES: the app's 414 says why, in a page with headers
        "limit_request_line": 8190,
        "graceful_timeout": 20,
        "keepalive": 5,
        "accesslog": None,
        "errorlog": "-",
        "proc_name": "essa-dash",
        # replicas on one host would fight over the default ~/.gunicorn/gunicorn.ctl; nothing here uses it
        "control_socket_disable": True,
    }


def write_error(sock: Any, status_int: int, reason: str, _message: str) -> None:
    """gunicorn's own error answer (an over-long line: 414; a malformed request: 400), with our security headers.

    gunicorn writes these itself, before the app runs, with no headers but the length;
    its message repeats part of the request, which is never echoed here.
    """
    from gunicorn.util import write_nonblock

    body = f"{status_int} {reason}\n".encode()
    head = "".join(f"{name}: {value}\r\n" for name, value in security.headers().items())
    answer = (
        f"HTTP/1.1 {status_int} {reason}\r\nConnection: close\r\nContent-Type: text/plain; charset=utf-8\r\n"
        f"Content-Length: {len(body)}\r\n{head}\r\n"
    )
    write_nonblock(sock, answer.encode("latin-1") + body)


def _application_class() -> type:
    from gunicorn.app.base import BaseApplication

    class Application(BaseApplication):  # type: ignore[misc]
        """Gunicorn run from Python with settings from a dict, so no config file is needed."""

        def __init__(self, load: Callable[[], Any], options: dict[str, Any]) -> None:
            self._load = load
            self._options = options
            super().__init__()

        def load_config(self) -> None:
            for key, value in self._options.items():
                if key in self.cfg.settings and value is not None:
                    self.cfg.set(key, value)

        def load(self) -> Any:
            return self._load()

    return Application


def build(root: Path, public_url: str | None = None) -> flask.Flask:
    """The production WSGI app: the dashboard on ``root``, with :func:`install`, warmed."""
    from essa_dash.app import create_app

    start = time.perf_counter()
    # a cheap request waiting for the GIL behind a thread drawing a deck waits up to one switch
    # interval each time it needs it: 1 ms instead of Python's 5 ms (bench/bench_hostile.py)
    sys.setswitchinterval(SWITCH_INTERVAL)
    app = create_app(root, public_url=public_url)
    install(app.server)  # nothing happens if create_app did it already
    timings = warm(app, extra=("/api/v1/coverage.csv?country=VNM,IDN&risk=old_age&sex=total&year_from=2015",))
    # what the warm app holds lives as long as the workers forked from it: out of the collector's reach, a
    # worker's full collection no longer walks it (one took 145-180 ms in the middle of a visitor's view, 60-70
    # ms so) nor writes to its pages, which the workers share copy-on-write (bench/RESULTS.md, "the collector out of the view")
    gc.freeze()
    pages = sum(v for k, v in timings.items() if k.startswith("page "))
    print(
        f"ESSA Dash ready in {time.perf_counter() - start:.1f} s "
        f"(pages {pages:.2f} s, assets compressed {timings['compress assets']:.2f} s)",
        flush=True,
    )
    return app.server


def run(root: Path, host: str, port: int, workers: int | None = None, *, threads: int = THREADS, public_url: str | None = None) -> None:
    """Serve the dashboard on ``root`` with gunicorn until stopped (SIGTERM or Ctrl+C: graceful).

    The app is built and warmed once in the master, before the workers fork; every view the
    controls reach is drawn behind it by a low-priority process (essa_dash.precompute) into
    the answer store the workers share, and images, decks and slideshows are drawn by another
    (essa_dash.lane), one at a time for all workers.
    """
    import atexit

    import gunicorn.util

    from essa_dash import callback_cache, lane, precompute

    gunicorn.util.write_error = write_error  # the workers' error path calls util.write_error by name
    options = gunicorn_options(host, port, workers, threads)
    heavy = options["threads"] - threads
    print(
        f"ESSA Dash on http://{host}:{port}/ with {options['workers']} workers x {threads} threads (+{heavy} for heavy requests)",
        flush=True,
    )
    folder = callback_cache.shared_directory()  # before the app loads: the master, its workers and the precomputing process share it
    if os.environ.get(precompute.ENV, "1").strip() != "0":
        warmer = precompute.spawn(root, public_url)
        owner = os.getpid()
        atexit.register(lambda: os.getpid() == owner and warmer.poll() is None and warmer.terminate())

    def load() -> flask.Flask:
        server = build(root, public_url)
        lane.start(server, folder)  # images, decks and slideshows: drawn by one low-priority process for all workers
        return server

    _application_class()(load, options).run()
