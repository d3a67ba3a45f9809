"""The heavy lane: images, decks and slideshows drawn by one process of their own, at the lowest CPU priority.

Why a process, measured with bench/bench_hostile.py on 2 cores (RESULTS.md, hostile section):
with the work in the gunicorn workers, ordinary visitors' p95 was 6-13x the idle one even
with Chromium at nice 19 and one heavy request per worker. Chromium's priority was not the
problem: a 24-chart deck is ~35 s of *Python* (drawing the charts, theming, ``to_dict``,
python-pptx) in the worker, holding its GIL against the cached answers of the same process,
and two workers drew two decks at once. What was tried:

* nicing the request's own thread (Linux niceness is per thread): no better within the noise
  (10.7x), and a thread at nice 19 that holds the GIL while the scheduler runs others stalls
  every thread of its process (priority inversion);
* one heavy request across all workers (a file lock): 6.3x, noise-level again; the one that
  runs still shares its worker's GIL;
* this lane: the Python and the Chromium of every heavy request run in a separate process at
  nice 19, one request at a time for the whole server, so the workers' GIL and threads only
  wait on a socket (no CPU) and the scheduler gives the lane what the workers leave idle.

How: :func:`start`, in gunicorn's master once the app is built and warm, forks a supervisor
(nice 19) that forks the lane and forks a new one if it dies. The lane answers on a Unix socket
in the server's private answer folder: it accepts one connection at a time, says it is ready,
reads the request (method, path, query string, language headers, a callback's body, seconds left), runs it
through the same Flask app (``test_client``: the same routes, limits and errors), and sends
the status, headers and body back; the worker returns them as its own answer (its own hooks
add the security headers and the compression). The limits stand: a worker still takes one
heavy request at a time (``ESSA_HEAVY_REQUESTS``); it waits at most ``ESSA_RENDER_WAIT`` for
the lane to take it, then answers 503 + Retry-After; a deck's ``ESSA_DECK_SECONDS`` counts
from the request's start in the worker (the lane gets what is left). A lane that died or
hangs is a 503 too, and the supervisor starts another. ``essa-dash serve`` (development) and
the tests have no lane: the routes run in the process, as before.

The /deck page's background builds are the lane's too: the worker checks the links, writes the
job into the shared folder and answers at once (:mod:`essa_dash.export.jobs`); between two
requests, and every :data:`JOB_POLL` seconds when idle, the lane builds the oldest queued job,
writing its progress where any worker reads it. A request and a build take turns, so neither
waits behind more than one of the other.
"""

from __future__ import annotations

import contextlib
import ctypes
import json
import logging
import os
import select
import signal
import socket
import struct
import sys
import time
from pathlib import Path
from typing import Any

import flask

from essa_dash import settings

_log = logging.getLogger(__name__)

#: Scheduling priority of the lane and its Chromium (19: the lowest).
NICE = 19
#: Request headers the lane needs: the answer's language and frame, a callback body's type (the Host never matters: ESSA_PUBLIC_URL).
FORWARDED = ("Accept-Language", "Cookie", "Content-Type")
#: Answer headers the worker passes on; its own hooks add the security headers and the compression.
RETURNED = ("Content-Type", "Content-Disposition", "Cache-Control", "ETag", "Last-Modified", "Expires", "Retry-After", "Vary")
#: Seconds the worker waits for an answer beyond the request's own limit (the render timeout, the deck deadline).
MARGIN = 15.0
#: Seconds the lane waits for a worker's request (sent at once) or for it to take the answer.
READ_TIMEOUT = 5.0
#: Seconds an idle lane waits for a request before it looks for a queued deck build (essa_dash.export.jobs).
JOB_POLL = 0.5
READY = b"R"
_FRAME = struct.Struct("<Q")

#: The lane's socket, set by :func:`start` in the master before gunicorn forks the workers; None: no lane.
_address: Path | None = None
#: True in the lane itself: its routes run here instead of being forwarded again.
_inside = False


class LaneError(Exception):
    """The lane did not take or finish a request; the message says why (the answer is a 503)."""


def enabled() -> bool:
    """Whether heavy requests of this process go to the lane (a production worker) or run here."""
    return _address is not None and not _inside


def start(app: flask.Flask, folder: Path) -> int:
    """Fork the lane's supervisor from the master, listening at ``folder``/lane.sock; returns its pid.

    Called once the app is built and warm: the lane gets it copy-on-write, as the workers do.
    """
    global _address
    address = folder / "lane.sock"
    with contextlib.suppress(FileNotFoundError):
        address.unlink()
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(str(address))
    address.chmod(0o600)
    listener.listen(64)
    master = os.getpid()
    pid = os.fork()
    if pid == 0:  # the supervisor: never returns
        try:
            _supervise(app, listener, master)
        finally:
            os._exit(0)
    listener.close()
    _address = address
    return pid


def _die_with(parent: int) -> None:
    """Ask the kernel for SIGTERM when the parent exits (Linux), and exit now if it already has."""
    with contextlib.suppress(Exception):
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    if os.getppid() != parent:
        os._exit(0)


def _supervise(app: flask.Flask, listener: socket.socket, master: int) -> None:
    """Keep one lane running until the master exits; a lane that dies is replaced within a second."""
    _die_with(master)
    for number in (signal.SIGCHLD, signal.SIGHUP, signal.SIGQUIT, signal.SIGUSR1, signal.SIGUSR2, signal.SIGWINCH):
        signal.signal(number, signal.SIG_DFL)  # none of the master's handlers (gunicorn's, should it have set them)
    os.nice(NICE)  # the lane and the Chromium it starts inherit it
    child = 0

    def stop(_signum: int, _frame: object) -> None:
        if child:
            with contextlib.suppress(ProcessLookupError):
                os.kill(child, signal.SIGTERM)
        os._exit(0)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl+C reaches the master, which stops us
    supervisor = os.getpid()
    while True:
        child = os.fork()
        if child == 0:
            try:
                _serve(app, listener, supervisor)
            finally:
                os._exit(0)
        _, status = os.waitpid(child, 0)
        _log.warning("the heavy lane (pid %s) ended (%s); starting another", child, status)
        time.sleep(0.5)


def _serve(app: flask.Flask, listener: socket.socket, supervisor: int) -> None:
    """The lane: one request at a time, for as long as the supervisor runs."""
    global _inside
    _inside = True
    _die_with(supervisor)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))  # SystemExit: atexit then closes Chromium
    client = app.test_client()
    from essa_dash.export import jobs

    while True:
        try:
            jobs.run_next(app)  # one queued build of the /deck page, then the next request: each waits for at most one of the other
        except Exception:
            _log.exception("heavy lane: a deck build failed")
        if not select.select([listener], [], [], JOB_POLL)[0]:
            continue  # nobody asked: look for a queued build again
        connection, _ = listener.accept()
        with connection:
            try:
                connection.settimeout(READ_TIMEOUT)  # a worker that connects and says nothing cannot hold the lane
                connection.sendall(READY)
                request = json.loads(_receive(connection))
                connection.settimeout(None)
                status, headers, body = _answer(client, request)
                connection.settimeout(READ_TIMEOUT)
                connection.sendall(_frame(json.dumps({"status": status, "headers": headers}).encode()) + _frame(body))
            except (OSError, LaneError) as error:  # the worker gave up waiting
                _log.info("heavy lane: a request ended early: %r", error)
            except Exception:  # whatever went wrong, the next request gets a lane
                _log.exception("heavy lane: a request failed")


def _answer(client: Any, request: dict[str, Any]) -> tuple[int, list[tuple[str, str]], bytes]:
    from essa_dash.export import images

    with images.deadline(float(request["seconds"])):  # what the worker's request has left
        body = request.get("body", "").encode("latin-1")  # a page callback's JSON (essa_dash.page_notices), byte for byte
        response = client.open(
            request["path"], method=request["method"], query_string=request["query"], headers=request["headers"], data=body or None
        )
    headers = [(name, value) for name, value in response.headers.items() if name in RETURNED]
    return response.status_code, headers, response.get_data()


def answer() -> flask.Response | None:
    """This heavy request's answer drawn by the lane, or None when this process has no lane (draw it here).

    Call once the request is checked (a bad one is refused at once, without waiting for the
    lane). The time allowed, ``ESSA_DECK_SECONDS``, counts from the request's start (see
    :func:`essa_dash.share.heavy`). A lane busy past ``ESSA_RENDER_WAIT``, gone or late is a 503.
    """
    if not enabled():
        return None
    from essa_dash.responses import error

    started = flask.g.get("heavy_started", time.monotonic())
    try:
        return _forward(started, settings.DECK_SECONDS.value())
    except LaneError as err:
        return error(503, f"{err}; try again in a few seconds")


def _forward(started: float, limit: float) -> flask.Response:
    request = flask.request
    most = settings.RENDER_WAIT.value()
    if (left := limit - (time.monotonic() - started)) <= 0:
        raise LaneError("the time allowed for this request is used up")
    wait = min(most, left)
    connection = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        connection.settimeout(wait)
        try:
            connection.connect(str(_address))
            ready = connection.recv(1)
        except TimeoutError as err:
            if wait < most:
                raise LaneError("the time allowed for this request is used up (the image renderer was busy)") from err
            raise LaneError(f"the image renderer stayed busy for {wait:.0f} s") from err
        except OSError as err:
            raise LaneError(f"the image renderer is restarting ({err.strerror or err})") from err
        if ready != READY:
            raise LaneError("the image renderer is restarting")
        left = limit - (time.monotonic() - started)
        if left <= 0:
            raise LaneError("the time allowed for this request is used up")
        headers = {name: request.headers[name] for name in FORWARDED if name in request.headers}
        query = request.query_string.decode("latin-1")
        sent = {"method": request.method, "path": request.path, "query": query, "headers": headers, "seconds": left}
        if request.method == "POST":
            sent["body"] = request.get_data().decode("latin-1")
        try:
            connection.sendall(_frame(json.dumps(sent).encode()))
            connection.settimeout(left + MARGIN)
            head = json.loads(_receive(connection))
            body = _receive(connection)
        except TimeoutError as err:
            raise LaneError(f"the image renderer took longer than {left + MARGIN:.0f} s") from err
        except OSError as err:
            raise LaneError(f"the image renderer stopped during the request ({err.strerror or err})") from err
    finally:
        connection.close()
    response = flask.Response(body, status=head["status"])
    response.headers.clear()
    for name, value in head["headers"]:
        response.headers.add(name, value)
    return response


def _frame(data: bytes) -> bytes:
    return _FRAME.pack(len(data)) + data


def _receive(connection: socket.socket) -> bytes:
    (size,) = _FRAME.unpack(_exactly(connection, _FRAME.size))
    return _exactly(connection, size)


def _exactly(connection: socket.socket, size: int) -> bytes:
    chunks, left = [], size
    while left:
        chunk = connection.recv(min(left, 1 << 20))
        if not chunk:
            raise LaneError("the image renderer closed the connection")
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)
