"""Answer repeated requests from one store every worker shares: callbacks, the API, images.

Every answer kept here is a pure function of its request: the pages are rebuilt from
the URL, the data never changes within a build, and no callback, API route or image
reads anything but its inputs. So the answer to a ``/_dash-update-component`` POST, an
``/api/v1/...``, ``/img/...`` or ``/embed/...`` GET is fully determined by the data build, the
request (body, or path and query), the encoding the browser accepts, the language its
Accept-Language header resolves to (a page drawn for a Vietnamese browser must not reach
an English one), the viewport's frame, the day (pages cite the day they were accessed)
and the configured public address (the same for every request of one app: never the
request's Host header, which no answer may depend on). A page the pages router draws is
keyed on the view it parses to and the language it is drawn in (essa_dash.page_views),
so every spelling of one view shares one answer. The second visitor to a view gets the
stored bytes instead of a re-render, whichever gunicorn worker answers. A link with problems
in its words (invented parameters) is put together from its view's stored drawing and its own
notice (essa_dash.page_notices), and is never stored itself.

The store is a folder of files (one per answer, written atomically), shared by every
process of one server: gunicorn's master creates it before it forks, so a view drawn by
one worker is a hit on all the others, and memory does not grow with each worker holding
its own copy of everybody's views (the kernel's page cache holds the files once). It is
bounded in bytes: past :data:`MAX_BYTES` the least recently used answers are deleted.

It sits around the whole Flask app (WSGI), so a hit costs what serving a static file
costs: no routing, no hooks, the final bytes as they were sent the first time (already
compressed, security headers included). A hit whose ETag the browser already has is
answered 304 without reading the body.
"""

from __future__ import annotations

import atexit
import contextlib
import datetime as dt
import hashlib
import io
import json
import logging
import os
import shutil
import struct
import tempfile
import threading
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

import flask

from essa_dash.components.context import DATA_DIR_KEY, PUBLIC_URL_KEY
from essa_dash.components.viewport import frame_from_cookies
from essa_dash.files import write_replacing
from essa_dash.serving import choose_encoding
from essa_dash.store import get_store
from essa_dash.text import resolve_language

#: Bytes of answers kept on disk (the page cache holds them once for all workers); least recently used go first. Every
#: precomputed view (every language, desktop and phone: essa_dash.precompute) takes 423 MiB of it; the rest keeps the
#: API, image and multi-country answers visitors ask for.
MAX_BYTES = 1024 * 1024 * 1024
#: A single answer larger than this is never kept (the full-table Excel export, a big PDF): it would evict hundreds of views.
MAX_ANSWER_BYTES = 8 * 1024 * 1024
#: A callback body larger than this is not a view a visitor clicked: it is passed on unread and uncached.
MAX_REQUEST_BYTES = 64 * 1024
CALLBACK_PATH = "/_dash-update-component"
#: GET routes whose 200 answers depend only on the build and the URL (responses.cached gives them an ETag).
GET_PREFIXES = ("/api/v1/", "/img/", "/embed/")
#: Headers that belong to one exchange, not to the answer: never stored.
EXCHANGE_HEADERS = frozenset({"date", "set-cookie", "connection", "keep-alive", "transfer-encoding", "x-essa-cache"})
CACHE_HEADER = "X-ESSA-Cache"
#: CACHE_HEADER's value on an answer that depends on more than its request (a deck job's id, its progress): never stored.
NOT_STORED = "off"
#: CACHE_HEADER's value on a page put together from a stored drawing and the link's own notice (essa_dash.page_notices):
#: never stored either (links with invented parameters are endless: each would take the room of a view visitors ask for).
COMPOSED = "composed"
#: The folder every process of the server shares (default: a private temporary folder made at start).
DIR_ENV = "ESSA_CACHE_DIR"

_HEAD = struct.Struct("<I")


class AnswerStore:
    """Answers as files in one folder, shared by processes, bounded in bytes (least recently used go first).

    Each answer is written to a temporary file and renamed into place, so a reader in
    another process sees a whole answer or none. A hit refreshes the file's time, so
    the sweep deletes what nobody asked for longest. Each process sweeps after it has
    written an eighth of the budget, so the folder never exceeds it by more than that per process.
    """

    def __init__(self, directory: Path, max_bytes: int = MAX_BYTES) -> None:
        self.directory = directory
        self.max_bytes = max_bytes
        directory.mkdir(parents=True, exist_ok=True)
        self._written = 0
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def _path(self, key: str) -> Path:
        return self.directory / key

    def get(self, key: str) -> tuple[str, list[tuple[str, str]], bytes] | None:
        """(status line, headers, body) of a stored answer, or None."""
        path = self._path(key)
        try:
            data = path.read_bytes()
            os.utime(path)
        except FileNotFoundError:
            self.misses += 1
            return None
        (size,) = _HEAD.unpack_from(data)
        status, headers = json.loads(data[_HEAD.size : _HEAD.size + size])
        self.hits += 1
        return status, [tuple(h) for h in headers], data[_HEAD.size + size :]

    def put(self, key: str, status: str, headers: list[tuple[str, str]], body: bytes) -> None:
        if len(body) > min(MAX_ANSWER_BYTES, self.max_bytes // 4):
            return
        head = json.dumps([status, headers]).encode()
        try:
            self.directory.mkdir(parents=True, exist_ok=True)  # someone may have emptied /tmp under a long-running server
            write_replacing(self._path(key), _HEAD.pack(len(head)) + head + body)
        except OSError:
            return  # a full or vanished disk costs a stored answer, never the visitor's answer
        with self._lock:
            self._written += len(body)
            sweep = self._written > self.max_bytes // 8
            if sweep:
                self._written = 0
        if sweep:
            self.sweep()

    def sweep(self) -> None:
        """Delete the least recently used answers until the folder holds at most three quarters of the budget."""
        entries = []
        for entry in os.scandir(self.directory):
            if entry.name.startswith(".") or not entry.is_file(follow_symlinks=False):  # being written; the lane's socket, the jobs
                continue
            try:
                stat = entry.stat()
            except FileNotFoundError:  # another process swept it first
                continue
            entries.append((stat.st_mtime, stat.st_size, entry.path))
        total = sum(size for _, size, _ in entries)
        for _, size, path in sorted(entries):
            if total <= self.max_bytes * 3 // 4:
                break
            with contextlib.suppress(FileNotFoundError):
                Path(path).unlink()
            total -= size

    def has(self, key: str) -> bool:
        """Whether an answer is stored under ``key`` (without reading it, or counting a hit)."""
        return self._path(key).is_file()

    @property
    def size(self) -> int:
        """Bytes in the folder now (for tests and benchmarks)."""
        return sum(entry.stat().st_size for entry in os.scandir(self.directory) if entry.is_file(follow_symlinks=False))


#: What names the view a pages-router request asks for (essa_dash.page_views.view_key): (pathname, search, Accept-Language) -> key or None.
ViewKey = Callable[[str, str | None, str | None], str | None]


def _key(environ: dict[str, Any], body: bytes, app_id: str, views: ViewKey | None = None) -> str | None:
    """The store key of a request whose answer is a pure function of it, else None (not cached).

    ``app_id`` names what every answer of the app depends on: the data build and the public address.
    ``views`` names the page a pages-router request draws (path, parsed state, language drawn in), so
    that every spelling of one view shares one stored answer; without it, or for a request it
    cannot name, the body is the key.
    """
    method, path = environ.get("REQUEST_METHOD", "GET"), environ.get("PATH_INFO", "")
    accept_language = environ.get("HTTP_ACCEPT_LANGUAGE")
    # a view without lang= is drawn in the browser's language: the same request, another answer
    language = resolve_language(None, accept_language)
    if method == "POST" and path.endswith(CALLBACK_PATH):
        request = _canonical(body)
        location = _router_location(request)
        view = views(*location, accept_language) if views is not None and location is not None else None
        if view is not None:
            # the view names the language it is drawn in (lang= wins over the browser's)
            request, language = f"view\x00{view}", ""
    elif method == "GET" and path.startswith(GET_PREFIXES):
        request = f"{path}?{environ.get('QUERY_STRING', '')}"
    else:
        return None
    parts = [
        app_id,
        method,
        # the encoding the answer is sent in, not the header's spelling (browsers differ, the answer does not)
        str(choose_encoding(environ.get("HTTP_ACCEPT_ENCODING", ""))),
        language,
        # pages are laid out for the visitor's viewport (phone or desktop frame, from a cookie)
        frame_from_cookies(environ.get("HTTP_COOKIE")).name,
        # the day too: a page's citations say the day the view was accessed, downloads are named with it
        dt.date.today().isoformat(),
        request,
    ]
    return hashlib.sha256("\x00".join(parts).encode("utf-8", "replace")).hexdigest()


#: The pages router's callback: its answer depends on the location only, not on which of its inputs changed.
ROUTER_OUTPUT = ".._pages_content.children..._pages_store.data.."
TRIGGER_KEYS = ("changedPropIds", "parsedChangedPropsIds")


def _canonical(body: bytes) -> str:
    """A callback body as a key: its JSON re-written in one spelling (a browser's and a script's bytes differ).

    For the pages router the inputs that changed are left out: a page's first load and a
    move to it from another page send the same location and get the same page (Dash's
    router never reads which input triggered it), so they share one stored answer.
    """
    try:
        request = json.loads(body)
    except (ValueError, RecursionError):  # not JSON, or nested past Python's limit: the guard answers it 400
        return body.decode("latin-1")
    if not isinstance(request, dict):
        return body.decode("latin-1")
    if request.get("state") == []:  # no state and an empty list of states are the same request
        del request["state"]
    if request.get("output") == ROUTER_OUTPUT:
        request = {k: v for k, v in request.items() if k not in TRIGGER_KEYS}
    return json.dumps(request, sort_keys=True, separators=(",", ":"))


#: The pages router's request once its triggers are left out: its outputs and its two inputs, the location's.
ROUTER_OUTPUTS = [{"id": "_pages_content", "property": "children"}, {"id": "_pages_store", "property": "data"}]
ROUTER_INPUTS = (("_pages_location", "pathname"), ("_pages_location", "search"))


def _router_location(canonical: str) -> tuple[str, str | None] | None:
    """(pathname, search) of a pages-router request in exactly the router's shape, else None.

    Anything else in the body (another output, a third input, a state) could change the
    answer, so such a body is keyed as sent, never by its location alone.
    """
    if not canonical.startswith("{"):
        return None
    try:
        request = json.loads(canonical)
    except (ValueError, RecursionError):  # a body that is not JSON is keyed as sent (the guard answers it 400)
        return None
    if set(request) != {"output", "outputs", "inputs"} or request["output"] != ROUTER_OUTPUT or request["outputs"] != ROUTER_OUTPUTS:
        return None
    inputs = request["inputs"]
    if not isinstance(inputs, list) or len(inputs) != len(ROUTER_INPUTS):
        return None
    values = []
    for item, (ident, prop) in zip(inputs, ROUTER_INPUTS, strict=True):
        # the renderer leaves out a value that is undefined (Dash then reads None)
        if not isinstance(item, dict) or not {"id", "property"} <= set(item) <= {"id", "property", "value"}:
            return None
        if (item["id"], item["property"]) != (ident, prop):
            return None
        values.append(item.get("value"))
    pathname, search = values
    if not isinstance(pathname, str) or not (search is None or isinstance(search, str)):
        return None
    return pathname, search


def router_location(body: bytes) -> tuple[str, str | None] | None:
    """(pathname, search) of a callback body that is exactly a pages-router request, else None (the rule the store keys by)."""
    return _router_location(_canonical(body))


def _read_body(environ: dict[str, Any]) -> bytes | None:
    """The request body (and wsgi.input rewound for the app), or None when it is too large to key on."""
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return None
    if length > MAX_REQUEST_BYTES:
        return None
    body = environ["wsgi.input"].read(length) if length else b""
    environ["wsgi.input"] = io.BytesIO(body)
    return body


def _not_modified(environ: dict[str, Any], headers: list[tuple[str, str]]) -> bool:
    etag = next((v for k, v in headers if k.lower() == "etag"), None)
    wanted = environ.get("HTTP_IF_NONE_MATCH")
    return bool(etag and wanted) and (wanted.strip() == "*" or etag in [t.strip() for t in wanted.split(",")])


class SharedAnswers:
    """WSGI middleware: answer cacheable requests from an :class:`AnswerStore`, store the app's fresh 200s."""

    def __init__(
        self, app: Callable[..., Iterable[bytes]], store: AnswerStore, app_id: Callable[[], str], views: ViewKey | None = None
    ) -> None:
        self.app = app
        self.store = store
        self.app_id = app_id
        self.views = views
        #: called with (environ, body) once a callback's 200 is sent from the store or into it (essa_dash.next_views)
        self.after_page: list[Callable[[dict[str, Any], bytes], None]] = []

    @classmethod
    def of(cls, server: flask.Flask) -> SharedAnswers:
        """The middleware :func:`install` put around ``server``."""
        middleware = server.wsgi_app
        if not isinstance(middleware, cls):
            raise TypeError("the answer store is not installed around this server (callback_cache.install)")
        return middleware

    def key(self, environ: dict[str, Any], body: bytes) -> str | None:
        """The store key of a request (its environ and body), as this middleware keys it; None: not stored."""
        return _key(environ, body, self.app_id(), self.views)

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        method = environ.get("REQUEST_METHOD")
        body = _read_body(environ) if method == "POST" else b""
        key = None if body is None else self.key(environ, body)
        if key is None or body is None:
            return self.app(environ, start_response)
        hit = self.store.get(key)
        if hit is not None:
            status, headers, data = hit
            headers = [*headers, (CACHE_HEADER, "hit")]
            if method == "GET" and _not_modified(environ, headers):
                keep = {"etag", "cache-control", "vary", "x-essa-replica"}
                start_response("304 NOT MODIFIED", [(k, v) for k, v in headers if k.lower() in keep])
                return [b""]
            start_response(status, [(k, v) for k, v in headers if k.lower() != "content-length"] + [("Content-Length", str(len(data)))])
            return self._sent(data, environ, body)
        captured: dict[str, Any] = {}

        def capture(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Callable[[bytes], object]:
            captured.update(status=status, headers=headers)
            return start_response(status, headers, exc_info) if exc_info else start_response(status, headers)

        chunks = self.app(environ, capture)
        try:
            data = b"".join(chunks)
        finally:
            close = getattr(chunks, "close", None)
            if close is not None:
                close()
        headers = captured.get("headers", [])
        if captured.get("status", "").startswith("200") and not any(k.lower() == CACHE_HEADER.lower() for k, _ in headers):
            self.store.put(key, captured["status"], [(k, v) for k, v in headers if k.lower() not in EXCHANGE_HEADERS], data)
            return self._sent(data, environ, body)
        return [data]

    def _sent(self, data: bytes, environ: dict[str, Any], body: bytes) -> Iterable[bytes]:
        """A stored callback answer, with :attr:`after_page` run once the server has sent it (any other answer as it is)."""
        if not self.after_page or environ.get("REQUEST_METHOD") != "POST":
            return [data]
        return _ThenRun(data, lambda: [after(environ, body) for after in self.after_page])


class _ThenRun:
    """An answer's bytes and work to do once they are sent: a WSGI server calls ``close`` after the last byte.

    The work never touches the answer; if it fails, the failure is logged and the visitor's answer stands.
    """

    def __init__(self, data: bytes, work: Callable[[], object]) -> None:
        self.data = data
        self.work = work

    def __iter__(self) -> Iterator[bytes]:
        yield self.data

    def close(self) -> None:
        try:
            self.work()
        except Exception:  # work after an answer must never reach its visitor
            logging.getLogger(__name__).exception("work after an answer failed")


def _default_directory() -> Path:
    """ESSA_CACHE_DIR, else a private temporary folder removed when the process that made it exits.

    Made once per server at start (in gunicorn's master, before the workers fork), so every
    worker shares it; only the process that made it removes it (the workers inherit the exit hook).
    """
    configured = os.environ.get(DIR_ENV, "").strip()
    if configured:
        return Path(configured)
    owner = os.getpid()
    _remove_orphans()
    folder = Path(tempfile.mkdtemp(prefix=f"{TEMP_PREFIX}{owner}-"))
    atexit.register(lambda: os.getpid() == owner and shutil.rmtree(folder, ignore_errors=True))
    return folder


#: Temporary answer folders are named ``essa-answers-<pid of their maker>-<random>``.
TEMP_PREFIX = "essa-answers-"


def _remove_orphans() -> None:
    """Delete temporary answer folders whose maker is gone (killed: no exit hook ran), so they never pile up."""
    for folder in Path(tempfile.gettempdir()).glob(f"{TEMP_PREFIX}*-*"):
        pid = folder.name.removeprefix(TEMP_PREFIX).split("-", 1)[0]
        if pid.isdigit() and not Path(f"/proc/{pid}").exists():
            shutil.rmtree(folder, ignore_errors=True)


def shared_directory() -> Path:
    """The folder of this server, made now if it is not configured, and named in ESSA_CACHE_DIR for processes started later.

    serving.run calls it before gunicorn loads the app, so the app in the master (and the
    workers it forks) and the precomputing process all use one folder.
    """
    folder = _default_directory()
    os.environ[DIR_ENV] = str(folder)
    return folder


def folder_of(server: flask.Flask) -> Path:
    """The folder every process of ``server`` shares: its answers, and beside them the heavy lane's socket and the deck jobs."""
    return install(server).directory


def install(server: flask.Flask, store: AnswerStore | None = None, *, views: ViewKey | None = None) -> AnswerStore:
    """Serve repeated cacheable requests of ``server`` from ``store`` (default: a new shared folder); returns the store.

    ``views`` names the view of a pages-router request (essa_dash.page_views), so every spelling of it shares one answer.
    """
    if "essa_answers" in server.extensions:
        return server.extensions["essa_answers"]
    store = store or AnswerStore(_default_directory())
    root = Path(server.config[DATA_DIR_KEY])
    server.wsgi_app = SharedAnswers(  # type: ignore[method-assign]
        server.wsgi_app, store, lambda: f"{get_store(root).build_id}\x00{server.config[PUBLIC_URL_KEY]}", views
    )
    server.extensions["essa_answers"] = store
    return store
