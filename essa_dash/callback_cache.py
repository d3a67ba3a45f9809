"""Answer repeated Dash callbacks from memory: every callback here is a pure function of its request.

The pages are rebuilt from the URL, the data never changes within a build, and no
callback reads anything but its inputs, so the answer to a ``/_dash-update-component``
request is fully determined by the data build, the request body and the encodings the
browser accepts, the language its Accept-Language header resolves to (a page drawn for a
Vietnamese browser must not reach an English one) and the configured public address (the
same for every request of one app: never the request's Host header, which no answer may
depend on). The second visitor to a view gets the stored bytes instead of a
re-rendered page: what a seminar room opening the same link at once needs.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict

import flask

from essa_dash.components.context import current_store, public_url
from essa_dash.components.language import request_language

#: Enough for every view of every page many times over; the oldest answers go first.
MAX_BYTES = 64 * 1024 * 1024
CALLBACK_PATH = "/_dash-update-component"
KEPT_HEADERS = ("Content-Type", "Content-Encoding", "Vary")


class CallbackCache:
    """A byte-bounded LRU of callback answers, shared by the threads of one process."""

    def __init__(self, max_bytes: int = MAX_BYTES) -> None:
        self.max_bytes = max_bytes
        self._items: OrderedDict[str, tuple[bytes, dict[str, str]]] = OrderedDict()
        self._size = 0
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def get(self, key: str) -> tuple[bytes, dict[str, str]] | None:
        with self._lock:
            item = self._items.get(key)
            if item is None:
                self.misses += 1
                return None
            self._items.move_to_end(key)
            self.hits += 1
            return item

    def put(self, key: str, body: bytes, headers: dict[str, str]) -> None:
        if len(body) > self.max_bytes // 4:
            return
        with self._lock:
            if key in self._items:
                return
            self._items[key] = (body, headers)
            self._size += len(body)
            while self._size > self.max_bytes:
                _, (old, _) = self._items.popitem(last=False)
                self._size -= len(old)


def _key() -> str:
    parts = [
        current_store().build_id,
        public_url(),
        request_language(),  # the header's choice; a ``lang=`` in the page's URL is in the body
        flask.request.headers.get("Accept-Encoding", ""),
        flask.request.get_data(as_text=False).decode("latin-1"),
    ]
    return hashlib.sha256("\x00".join(parts).encode("latin-1", "replace")).hexdigest()


def install(server: flask.Flask, cache: CallbackCache | None = None) -> CallbackCache:
    """Serve repeated callback requests of ``server`` from ``cache``; returns the cache (for tests and benches)."""
    cache = cache or CallbackCache()

    @server.before_request
    def _answer_from_cache() -> flask.Response | None:
        if flask.request.method != "POST" or not flask.request.path.endswith(CALLBACK_PATH):
            return None
        flask.g.callback_key = key = _key()
        hit = cache.get(key)
        if hit is None:
            return None
        body, headers = hit
        response = flask.Response(body, status=200)
        for name, value in headers.items():
            response.headers[name] = value
        response.headers["X-ESSA-Cache"] = "hit"
        return response

    @server.after_request
    def _remember(response: flask.Response) -> flask.Response:
        key = flask.g.pop("callback_key", None)
        if key and response.status_code == 200 and not response.direct_passthrough and "X-ESSA-Cache" not in response.headers:
            cache.put(key, response.get_data(), {h: response.headers[h] for h in KEPT_HEADERS if h in response.headers})
        return response

    return cache
