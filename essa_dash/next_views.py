"""The views one click away from a visitor's selection, drawn before the visitor asks for them.

Selections of several countries are not precomputed (essa_dash.precompute): there are 2^11 of
them per risk view, and a cold one costs a worker 200-400 ms (bench/RESULTS.md). But a visitor
reaches them one click at a time: a multi-choice control (the countries on /risk and /progress,
the risks on /progress, the countries, risks, kinds and sources of /data) adds or takes away one
item, any other control changes to another value, so from any view the next is one of a few dozen
(on /data, about a hundred). The views one click away (:func:`next_searches`, spelled as the
controls will write them) are queued in :class:`Wanted`: a folder beside the answers, one small
file per view named by its store key, at most :data:`MAX_WANTED` (the oldest make room), newest
first, forgotten after :data:`STALE_SECONDS`. The precomputing process draws them between its own
views and, once its pass is done, as they come (:func:`draw_wanted`), at the lowest CPU priority,
in the visitor's language, frame and encoding: the next click finds a stored answer.

The same view for its other readers: a view drawn for one visitor is what a link to it shows, and a
link is sent on, to a colleague on a phone or reading another language, each another answer (a
multi-country link nobody opened in that language and frame was a cold draw, 41-45x a static file:
bench/RESULTS.md). So the view itself is queued too, in every other language and frame
(:func:`other_readers`), after its next views: a click comes within seconds, a link's reader later.

What the worker does is one file: when it has answered a page whose controls name next views, it
queues one entry for the view (:data:`NEXT`), and the drawer names what it stands for when it takes
it: the next views not stored yet, then one entry for the readers (:data:`READERS`), named in turn
(:func:`readers_of`). Naming is not free: in the worker it was most of its 11.1 ms of CPU after a
/risk answer (0.8 ms since), and /data's views, whose facets are counted, cost 23.7 ms (bench/RESULTS.md,
"The explorer's next click"). In the drawer, at nice 19, it costs no visitor anything. The views named
keep their visitor's time in the queue (:attr:`Want.asked`): newest first means the visitor who asked last.

The queueing runs after the answer is sent (callback_cache.SharedAnswers.after_page), so it costs
the visitor nothing. The drawer's own requests say so (:data:`AHEAD_HEADER`) and queue nothing: a
click asks for its neighbours, never for theirs. Nothing is queued while no drawer runs
(``ESSA_PRECOMPUTE=0``, or its process gone): it holds a lock on a file in the folder for as long
as it lives. What a flood of requests can cost is bounded: the queue holds :data:`MAX_WANTED`
views, only links the controls write name any (an address the page corrects names none), the
drawer draws at most :data:`DRAW_AT_ONCE` between two of the pass's views and at nice 19, and the
answers it stores are the same pure function of a request as those drawn for a visitor.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import sys
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from http.cookies import CookieError, SimpleCookie
from pathlib import Path
from types import ModuleType
from typing import Any, TypeVar

import flask
from flask.testing import FlaskClient

from essa_dash import guard, page_views
from essa_dash.callback_cache import CALLBACK_PATH, SharedAnswers, router_location
from essa_dash.components.viewport import COOKIE
from essa_dash.files import write_replacing
from essa_dash.precompute import PHONE_COOKIE
from essa_dash.query.state import PARAMS, TABLE_VIEW_PARAMS, Vocabulary, read_query
from essa_dash.serving import choose_encoding, router_payload
from essa_dash.store import Store, get_store
from essa_dash.text import LANGUAGES, resolve_language

#: The queue's folder, inside the answer folder every process of the server shares.
FOLDER = "wanted"
#: What a click writes: the controls' parameters and the table's order (components.controls.register_url_sync reads a
#: click's URL with these), and the table's page (its pager's links).
WRITTEN = (*PARAMS, *TABLE_VIEW_PARAMS)
#: The file in it the drawer holds locked while it lives (and writes its pid in, for whoever looks).
DRAWER = ".drawer"
#: Views queued at most: past it, those queued longest ago are dropped (a flood's cost is bounded by it). Each worker makes
#: room before it adds, without a lock between workers: workers adding at one moment may pass it by one click's views each.
MAX_WANTED = 256
#: A view queued longer ago than this is dropped unread: its visitor has moved on.
STALE_SECONDS = 600
#: What a queue entry stands for (:attr:`Want.kind`): a view to draw; a view answered, whose next views and readers the
#: drawer names; the view for its other readers, whom the drawer names. The last two's names start with their kind.
DRAW, NEXT, READERS = "draw", "next", "readers"
#: Where the drawer finds how to name a view's next views (the app's store and path prefix): :func:`install` puts it there.
NAMER = "essa_next_searches"
#: The folder of the views visitors were answered (:class:`Asked`), beside the queue's; at most this many views, the
#: least recently asked making room, each forgotten this long after it was last asked.
ASKED_FOLDER = "asked"
MAX_ASKED = 1024
REMEMBER_SECONDS = 7 * 86_400
#: A worker names a view's next views at most once in this many seconds (for each language, frame and encoding) ...
RECENT_SECONDS = 60.0
#: ... remembering this many views it named them for (the least recent forgotten first).
RECENT_VIEWS = 4096
#: Views drawn at most in one go (one click's views on /progress): a queue that visitors keep filling never holds up
#: the pass's own views, nor the end of the day (the next day's pass).
DRAW_AT_ONCE = 24
#: The header on the drawer's requests: what they draw is not a visitor's click, and queues nothing.
AHEAD_HEADER = "X-ESSA-Ahead"
_AHEAD_ENVIRON = "HTTP_" + AHEAD_HEADER.upper().replace("-", "_")
#: The drawer files this process holds locked (open for as long as it lives), by folder.
_HELD: dict[Path, int] = {}


def next_searches(store: Store, pathname: str, search: str | None, *, strip: Callable[[str], str]) -> list[str]:
    """The query strings of the views one click of a control away from ``pathname?search``.

    The page names what its controls hold and offer (its ``control_choices``): a multi-choice control (a
    tuple in the state) gives one item more or one less, any other each of its other values, in the
    page's order (the drawer takes a click's views in it). Spelled as the controls write them after
    that click (read back as components.controls.register_url_sync reads them: every default spelled
    out, ``lang=`` and the table's order kept, a year range the wrong way round dropped), so each is
    the request the browser sends next. Nothing for a page without ``control_choices``, a pinned
    link, a link with problems in its words or past the parameter cap, and an address the page corrects.
    """
    read = _choosing(pathname, search, strip)
    if read is None:
        return []
    page, url = read
    vocabulary = Vocabulary.from_store(store)
    state, problems = vocabulary.parse(url, accept=page.QUERY)
    if problems:
        return []
    held, offered = page.control_choices(store, state, **guard.page_at((strip(pathname) or "").strip("/"))[1])
    searches = []
    for param, choices in offered.items():
        chosen = getattr(held, param)
        for value in (option["value"] for option in choices):
            if isinstance(chosen, tuple):  # a multi-choice control: one item more, or one less
                changed: object = tuple(c for c in chosen if c != value) if value in chosen else (*chosen, value)
            else:
                changed = value
            clicked = held.update(**{"page": None, param: changed})  # a control's change starts the table at its first page
            written, _ = vocabulary.parse(read_query(vocabulary.encode(clicked)), accept=WRITTEN)
            searches.append(vocabulary.encode(written))
    here = vocabulary.encode(held)
    return [found for found in dict.fromkeys(searches) if found != here]


def _choosing(pathname: str, search: str | None, strip: Callable[[str], str]) -> tuple[ModuleType, Mapping[str, Any]] | None:
    """The page at ``pathname`` and its URL parameters (page_views.read) if its controls name next views, else None.

    Pages without ``control_choices`` draw one country or all (precomputed); a pinned link's controls write no next view.
    """
    read = page_views.read(pathname, search, strip)
    if read is None or getattr(read[0], "control_choices", None) is None or page_views.PINNED in read[1]:
        return None
    return read


@dataclass(frozen=True)
class Want:
    """A view to draw ahead: the answer's store key, the router's location, and the headers the visitor's answer depends on.

    ``kind``: :data:`DRAW` that answer; :data:`NEXT` a view a visitor was answered, whose next views and readers the
    drawer names when it takes it (:func:`named`); :data:`READERS` the view's answers for its other readers
    (:func:`readers_of`). ``key`` names the entry: the answer's store key, for the last two after their kind.
    ``asked``: when the visitor was answered (0: now). The views the drawer names for an entry keep its time, so
    the queue's order stays the order visitors asked in: named with the time of their naming, the next views of a
    visitor who had left jumped ahead of the next visitor's entry queued a moment before (17 s of drawing on /data).
    """

    key: str
    pathname: str
    search: str
    headers: dict[str, str]
    kind: str = DRAW
    asked: float = 0.0


#: What a folder's reader makes of one entry.
T = TypeVar("T")


def _headers(entry: dict[str, Any]) -> dict[str, str]:
    """The headers of a view's file as strings (AttributeError or TypeError: not an entry)."""
    return {str(k): str(v) for k, v in entry["headers"].items()}


class _Views:
    """A folder of small files, one per view, written whole (by a rename) by every worker, bounded by making room."""

    directory: Path

    def keys(self) -> list[str]:
        """The names of the views in the folder now."""
        try:
            return [entry.name for entry in os.scandir(self.directory) if not entry.name.startswith(".")]
        except FileNotFoundError:
            return []

    def _make_room(self, count: int, bound: int) -> None:
        """Delete the views written longest ago until ``count`` more fit within ``bound``."""
        entries = []
        for name in self.keys():
            with contextlib.suppress(OSError):  # taken meanwhile
                entries.append(((self.directory / name).stat().st_mtime, name))
        for _, name in sorted(entries)[: max(0, len(entries) + count - bound)]:
            with contextlib.suppress(OSError):
                (self.directory / name).unlink()

    def _fresh(self, max_age: float, read: Callable[[str, Path], tuple[float, T]]) -> list[tuple[float, T]]:
        """(time, what ``read`` made of it) of each whole entry of at most ``max_age`` seconds; stale or broken ones are deleted."""
        found = []
        for name in self.keys():
            path = self.directory / name
            try:
                when, value = read(name, path)
            except (OSError, ValueError, KeyError, TypeError, AttributeError):  # gone meanwhile, or not an entry
                when, value = 0.0, None
            if value is None or time.time() - when > max_age:
                with contextlib.suppress(OSError):
                    path.unlink()
                continue
            found.append((when, value))
        return found

    def _write(self, name: str, data: bytes) -> bool:
        try:
            write_replacing(self.directory / name, data)
        except OSError:  # a full or vanished disk costs a view drawn ahead, never an answer
            return False
        return True


class Wanted(_Views):
    """The queue of views to draw ahead, each file named by the answer's key.

    Written by every worker, read and emptied by the one drawer.
    """

    def __init__(self, answers: Path) -> None:
        self.directory = answers / FOLDER

    def start_drawing(self) -> None:
        """Mark this process as the drawer: workers queue views from now on, until it exits (the lock goes with it).

        A pid alone could name another process once the drawer is gone; a lock cannot outlive its holder.
        Raises OSError if another process is the drawer.
        """
        self.directory.mkdir(parents=True, exist_ok=True)
        path = (self.directory / DRAWER).resolve()
        if path in _HELD:
            return
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            os.ftruncate(fd, 0)
            os.write(fd, str(os.getpid()).encode())
        except OSError:
            os.close(fd)
            raise
        _HELD[path] = fd

    def drawer_alive(self) -> bool:
        """Whether a drawer holds the folder's lock now (else nothing would take what is queued)."""
        try:
            fd = os.open(self.directory / DRAWER, os.O_RDONLY)
        except OSError:
            return False
        try:
            fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        except OSError:
            return False
        finally:
            os.close(fd)  # a lock taken here goes with it
        return False

    def add(self, wants: list[Want]) -> int:
        """Queue ``wants`` (in the order given: the likeliest first), how many were queued.

        Within :data:`MAX_WANTED`: the views queued longest ago make room (their visitors have likely moved
        on, and the drawer takes the newest first), and of one click's views the likeliest are kept.
        """
        wants = wants[:MAX_WANTED]
        self._make_room(len(wants), MAX_WANTED)
        queued, now = 0, time.time()
        for order, want in enumerate(wants):
            entry = {"pathname": want.pathname, "search": want.search, "headers": want.headers, "kind": want.kind}
            entry |= {"time": want.asked or now, "order": order}
            if self._write(want.key, json.dumps(entry).encode()):
                queued += 1
        return queued

    def take(self) -> Want | None:
        """The newest view queued (the first of its click's), taken off the queue; None when it is empty.

        Stale entries and any file that is not a whole entry are deleted unread.
        """

        def read(name: str, path: Path) -> tuple[float, tuple[int, str, Want]]:
            entry = json.loads(path.read_bytes())
            kind = entry.get("kind", DRAW)
            if kind not in (DRAW, NEXT, READERS):
                raise ValueError(kind)
            want = Want(name, str(entry["pathname"]), str(entry["search"]), _headers(entry), kind, float(entry["time"]))
            return float(entry["time"]), (int(entry["order"]), name, want)

        entries = [(-queued, *rest) for queued, rest in self._fresh(STALE_SECONDS, read)]
        if not entries:
            return None
        *_, name, want = min(entries)  # names are unique: wants are never compared
        with contextlib.suppress(OSError):
            (self.directory / name).unlink()
        return want


class Asked(_Views):
    """The views visitors were answered, remembered across days and restarts, for the next pass to draw again.

    A stored answer lasts its day (a page cites the day it was accessed) and a deploy starts a new store,
    so the selections of several countries visitors drew, and the links they sent on, were cold again the
    next morning: the pass draws every view of one country or all, never theirs. Each view answered on a
    page with multi-choice controls, as the controls write it (the other pages draw one country or all,
    which the pass draws anyway), is remembered here: one file per view, language and frame, named by a
    digest of them (not by the answer's key, which changes with the day). The pass draws the ones asked
    for in the last :data:`REMEMBER_SECONDS`, the latest first, after its English views. Nothing of the
    visitor is kept but what the answer depends on: the address, its language, frame and encoding.
    """

    def __init__(self, answers: Path) -> None:
        self.directory = answers / ASKED_FOLDER

    def remember(self, pathname: str, search: str, headers: dict[str, str]) -> None:
        """Note that ``pathname?search`` was answered for ``headers`` (the file's time says when it was last asked)."""
        name = hashlib.blake2b(repr((pathname, search, sorted(headers.items()))).encode(), digest_size=16).hexdigest()
        if not (self.directory / name).exists():
            self._make_room(1, MAX_ASKED)
        with contextlib.suppress(OSError):
            self.directory.mkdir(parents=True, exist_ok=True)
        self._write(name, json.dumps({"pathname": pathname, "search": search, "headers": headers}).encode())

    def visits(self) -> list[tuple[str, dict[str, str]]]:
        """(URL, headers) of each view remembered, the latest asked first; those older than :data:`REMEMBER_SECONDS` are deleted."""

        def read(_name: str, path: Path) -> tuple[float, tuple[str, dict[str, str]]]:
            asked = path.stat().st_mtime
            entry = json.loads(path.read_bytes())
            return asked, (str(entry["pathname"]) + str(entry["search"]), _headers(entry))

        return [visit for _, visit in sorted(self._fresh(REMEMBER_SECONDS, read), key=lambda found: -found[0])]


def _asked_headers(environ: dict[str, Any]) -> dict[str, str]:
    """The headers a visitor's page depends on, as the drawer sends them: language, viewport frame, encoding (nothing else kept)."""
    headers = {"Accept-Language": resolve_language(None, environ.get("HTTP_ACCEPT_LANGUAGE"))}
    with contextlib.suppress(CookieError):
        width = SimpleCookie(environ.get("HTTP_COOKIE") or "").get(COOKIE)
        if width is not None and width.value.isascii() and width.value.isdigit() and len(width.value) <= 5:
            headers["Cookie"] = f"{COOKIE}={width.value}"
    headers["Accept-Encoding"] = choose_encoding(environ.get("HTTP_ACCEPT_ENCODING", "")) or "identity"
    return headers


def other_readers(headers: dict[str, str]) -> list[dict[str, str]]:
    """The headers of the view's other readers: every language, on a desktop and a phone, the visitor's language first.

    In the visitor's encoding (a link's reader asks with the same kind of browser). A link whose ``lang=``
    chooses the language makes one answer of every Accept-Language: the store key says so, and the
    caller keeps one want per key.
    """
    own = headers["Accept-Language"]
    readers = []
    for code in (own, *(code for code in LANGUAGES if code != own)):
        for frame in ({}, {"Cookie": PHONE_COOKIE}):
            reader = {"Accept-Language": code, **frame, "Accept-Encoding": headers["Accept-Encoding"]}
            if reader != headers:
                readers.append(reader)
    return readers


def named(client: FlaskClient, want: Want) -> list[Want]:
    """What a :data:`NEXT` entry stands for: the view's next views not stored yet, then one entry for its other readers.

    Nothing for a view without next views (a pinned link, one with problems, an address the page corrects: the
    controls never write it). The view is remembered for the next pass (:class:`Asked`).
    """
    answers = SharedAnswers.of(client.application)
    searches = client.application.extensions[NAMER](want.pathname, want.search)
    if not searches:
        return []
    wants = []
    for found in searches:
        key = _key(answers, want.pathname, found, want.headers)
        if key is not None and not answers.store.has(key):
            wants.append(Want(key, want.pathname, found, want.headers, asked=want.asked))
    key = _key(answers, want.pathname, want.search, want.headers)
    if key is not None:
        wants.append(Want(f"{READERS}-{key}", want.pathname, want.search, want.headers, READERS, want.asked))
    Asked(answers.store.directory).remember(want.pathname, want.search, want.headers)
    return wants


def readers_of(client: FlaskClient, want: Want) -> list[Want]:
    """The answers of ``want``'s view for its other readers that are not stored yet, one per answer (its drawer's app keys them)."""
    answers = SharedAnswers.of(client.application)
    found: dict[str, Want] = {}
    for reader in other_readers(want.headers):
        key = _key(answers, want.pathname, want.search, reader)
        if key is not None and key not in found and not answers.store.has(key):
            found[key] = Want(key, want.pathname, want.search, reader, asked=want.asked)
    return list(found.values())


def _key(answers: SharedAnswers, pathname: str, search: str, headers: dict[str, str]) -> str | None:
    """The store key of the router's answer for ``pathname?search`` asked with ``headers`` (None: not stored by view)."""
    payload = json.dumps(router_payload(pathname, search)).encode()
    return answers.key(_environ(CALLBACK_PATH, headers, payload), payload)


def _environ(path_info: str, headers: dict[str, str], body: bytes) -> dict[str, Any]:
    """The WSGI environ of a POST with ``headers``, as far as the answer store keys it."""
    environ = {"REQUEST_METHOD": "POST", "PATH_INFO": path_info, "CONTENT_LENGTH": str(len(body))}
    return environ | {"HTTP_" + name.upper().replace("-", "_"): value for name, value in headers.items()}


def install(server: flask.Flask, root: Path, strip: Callable[[str], str]) -> None:
    """Queue one entry for every page a visitor is answered (hit or drawn) whose controls name next views.

    Once the answer is sent: the visitor waits for none of it. The drawer names the views it stands for
    (:func:`named`), with the app's store and path prefix it finds under :data:`NAMER`.
    """
    answers = SharedAnswers.of(server)
    wanted = Wanted(answers.store.directory)
    server.extensions[NAMER] = lambda pathname, search: next_searches(get_store(root), pathname, search, strip=strip)
    recent: OrderedDict[bytes, float] = OrderedDict()
    named_lock = threading.Lock()

    def after_page(environ: dict[str, Any], body: bytes) -> None:
        if _AHEAD_ENVIRON in environ or not wanted.drawer_alive():
            return
        location = router_location(body)
        if location is None:
            return
        pathname, search = location
        if _choosing(pathname, search, strip) is None:
            return
        headers = _asked_headers(environ)
        # a view many visitors open (a shared link) is queued once a minute per worker, not for each of them;
        # remembered by a digest, so a long padded address costs the memo no more than a short one
        asked = hashlib.blake2b(repr((pathname, search, *headers.values())).encode(), digest_size=16).digest()
        now = time.monotonic()
        with named_lock:  # the worker's threads share the memo
            if now - recent.get(asked, -RECENT_SECONDS) < RECENT_SECONDS:
                return
            recent[asked] = now
            recent.move_to_end(asked)
            while len(recent) > RECENT_VIEWS:
                recent.popitem(last=False)
        wanted.add([Want(f"{NEXT}-{asked.hex()}", pathname, search, headers, NEXT)])

    answers.after_page.append(after_page)


def draw_wanted(client: FlaskClient, wanted: Wanted, *, limit: int = DRAW_AT_ONCE) -> int:
    """Draw the views queued, newest first, at most ``limit``, through ``client`` (a Flask test client of the app); how many.

    A view that fails is reported and dropped: the drawer goes on with the next (it draws for visitors not yet there).
    An entry for a view's next views or its other readers takes a turn: it names them, queued in their visitor's
    place (before the views of visitors who asked earlier), which the next turns draw.
    """
    drawn = 0
    for _ in range(limit):
        want = wanted.take()
        if want is None:
            break
        try:
            if want.kind != DRAW:  # named here, in the drawer
                wanted.add(named(client, want) if want.kind == NEXT else readers_of(client, want))
                continue
            payload = router_payload(want.pathname, want.search)
            response = client.post(CALLBACK_PATH, json=payload, headers={**want.headers, AHEAD_HEADER: "1"})
            response.close()
        except Exception as error:  # one view's failure must not end the drawing
            print(f"ESSA Dash: drawing {want.pathname}{want.search} ahead failed: {error!r}", file=sys.stderr, flush=True)
            continue
        drawn += response.status_code == 200
    return drawn
