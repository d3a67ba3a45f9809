"""Server settings as data: the public address and every cost limit, each with its default and why.

One list, :data:`SETTINGS`, is the only place a limit is defined; the README's settings table
names each one (``tests/unit/test_docs.py`` fails otherwise), and a bad value stops the
server at start with one line naming the variable, instead of surfacing on a visitor's request.

Limits are read from the environment when used, so a test can set one for a single app.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Generic, TypeVar
from urllib.parse import urlsplit

from essa_dash.errors import DataError

T = TypeVar("T")


def _whole(text: str) -> int:
    # ASCII digits only: int() would also take "٢٠١٩", "1_000" and " 5 "
    if not text.isascii() or not text.isdigit() or int(text) < 1:
        raise ValueError("must be a whole number above 0")
    return int(text)


def _seconds(text: str) -> float:
    value = float(text)
    if not 0 < value < 3600:
        raise ValueError("must be a number of seconds above 0 and below 3600")
    return value


def public_url(text: str) -> str:
    """``https://host[:port][/prefix]`` without a trailing slash; anything else is refused.

    Every absolute URL the app writes (links to a view, the iframe snippet, the API
    line, OpenAPI ``servers``) starts with this, never with the request's Host header:
    a request naming another host must not change what the next visitor is shown.
    """
    parts = urlsplit(text.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.query or parts.fragment or parts.username:
        raise ValueError("must be an http(s) address such as https://essa.example.org, without query, fragment or user")
    parts.port  # noqa: B018 - raises ValueError for a port out of range
    return f"{parts.scheme}://{parts.netloc}{parts.path.rstrip('/')}"


@dataclass(frozen=True)
class Setting(Generic[T]):
    """One environment setting: its variable, its default, how its text is read and what it is for."""

    env: str
    default: T
    parse: Callable[[str], T]
    help: str

    def value(self, environ: Mapping[str, str] | None = None) -> T:
        """The configured value (environment > default); DataError naming the variable if it is malformed."""
        text = (os.environ if environ is None else environ).get(self.env, "").strip()
        if not text:
            return self.default
        try:
            return self.parse(text)
        except ValueError as err:
            raise DataError(f"{self.env}={text[:80]!r}: {err}") from None


PUBLIC_URL = Setting(
    "ESSA_PUBLIC_URL", "", public_url, "the address visitors use; every absolute link is built from it (serve: http://HOST:PORT)"
)
MAX_BODY_BYTES = Setting("ESSA_MAX_BODY_BYTES", 65_536, _whole, "largest request body (a page's callback is under 5 kB): more answers 413")
MAX_URL_BYTES = Setting("ESSA_MAX_URL_BYTES", 8_000, _whole, "longest request line (path and query): more answers 414")
MAX_PARAMS = Setting("ESSA_MAX_PARAMS", 30, _whole, "query parameters read from one link; more answers 400 or the notice")
MAX_PROBLEMS = Setting("ESSA_MAX_PROBLEMS", 10, _whole, "problems a notice or a 400 lists, then 'and N more'")
MAX_DECK_CHARTS = Setting("ESSA_MAX_DECK_CHARTS", 24, _whole, "charts in one deck or slideshow; more answers 400 before any is drawn")
MAX_IMAGE_PIXELS = Setting(
    "ESSA_MAX_IMAGE_PIXELS", 3840 * 2160, _whole, "width x height of one image (4K); a larger one answers 400 before rendering"
)
RENDER_QUEUE = Setting(
    "ESSA_RENDER_QUEUE", 4, _whole, "requests per worker waiting for the one image renderer; one more answers 503 + Retry-After"
)
RENDER_WAIT = Setting("ESSA_RENDER_WAIT", 20.0, _seconds, "seconds a request waits for its turn at the renderer; then 503 + Retry-After")
HEAVY_REQUESTS = Setting(
    "ESSA_HEAVY_REQUESTS", 1, _whole, "images, decks and slideshows one worker process works on at once; one more answers 503 + Retry-After"
)
DECK_SECONDS = Setting(
    "ESSA_DECK_SECONDS", 45.0, _seconds, "time one deck (/deck.pptx) may take in all, below the worker timeout; then 503 + Retry-After"
)
WORKER_TIMEOUT = Setting("ESSA_WORKER_TIMEOUT", 60.0, _seconds, "gunicorn (serve --prod) restarts a worker silent for this long")

SETTINGS: tuple[Setting[object], ...] = (
    PUBLIC_URL,
    MAX_BODY_BYTES,
    MAX_URL_BYTES,
    MAX_PARAMS,
    MAX_PROBLEMS,
    MAX_DECK_CHARTS,
    MAX_IMAGE_PIXELS,
    RENDER_QUEUE,
    RENDER_WAIT,
    HEAVY_REQUESTS,
    DECK_SECONDS,
    WORKER_TIMEOUT,
)  # type: ignore[assignment]


def address(explicit: str | None, *, default: str) -> str:
    """The public address: ``explicit`` (a command-line option) > ``ESSA_PUBLIC_URL`` > ``default``."""
    if explicit:
        try:
            return public_url(explicit)
        except ValueError as err:
            raise DataError(f"public address {explicit[:80]!r}: {err}") from None
    return PUBLIC_URL.value() or public_url(default)


def check(environ: Mapping[str, str] | None = None) -> None:
    """Read every setting once, so a malformed one stops the start with its name, not a visitor's request."""
    for setting in SETTINGS:
        setting.value(environ)
