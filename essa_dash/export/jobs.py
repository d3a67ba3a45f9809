"""Deck builds in the background, with progress any worker can report: bounded, and private to who started them.

A deck of ten charts takes tens of seconds (each picture is a server-side render), so
the /deck page starts a job and polls its progress instead of waiting on one request.
The request that starts the job only checks the links and counts their charts (bad links
and too many charts fail there, at once, with nothing drawn); the build draws the charts,
lays out and renders the slides. It has the deadline of /deck.pptx (``ESSA_DECK_SECONDS``,
counted from the start of that request: waiting for its turn counts too) and its chart cap
(:func:`essa_dash.share.planned`).

Where a job lives: two files in the folder every process of the server shares
(``jobs/<id>.json``, rewritten atomically as it progresses, then ``jobs/<id>.pptx``), so a
build started through one gunicorn worker is polled and downloaded through any other; a
worker's memory never holds a deck. Who builds it: with ``serve --prod``, the heavy lane
(:mod:`essa_dash.lane`), one job at a time between its other requests, at nice 19, so a
deck's Python and Chromium never run in a worker (measured with bench/bench_hostile.py);
without a lane (``essa-dash serve``, the tests) a thread of the process.

Limits: at most :data:`MAX_RUNNING` unfinished builds for the whole server and
:data:`MAX_KEPT` jobs (a finished deck is kept :data:`KEEP_SECONDS` for its download, then
deleted). A job whose builder died (a killed lane) is reported failed once its deadline
has passed by :data:`STALE_SECONDS`. A job's id is 128 random bits: nobody can poll or
download another visitor's deck.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import logging
import os
import re
import secrets
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path

import flask

from essa_dash import callback_cache, lane, settings
from essa_dash.components.context import current_store
from essa_dash.export import images, slides
from essa_dash.text import tr, use_language

MAX_RUNNING = 2
MAX_KEPT = 16
KEEP_SECONDS = 600
#: Seconds past its deadline after which an unfinished job is reported failed (its builder is gone).
STALE_SECONDS = lane.MARGIN
_ID = re.compile(r"[A-Za-z0-9_-]{22}")
UNFINISHED = ("queued", "running")

_log = logging.getLogger(__name__)


class BusyError(Exception):
    """Too many decks are being built right now; the message says to retry."""


class _NoChartsError(Exception):
    """The job's links show no chart any more (the data changed since the request checked them)."""


@dataclass
class Job:
    """One deck build: what was asked, how far it got, and its error once it failed.

    ``deadline`` and ``ended`` are wall-clock seconds (``time.time()``): the processes that
    start, build and report a job compare them.
    """

    id: str
    views: str
    title: str
    native: bool
    lang: str
    total: int
    deadline: float
    done: int = 0
    current: str = ""
    state: str = "queued"  # queued | running | done | failed
    error: str | None = None
    ended: float | None = None

    def stale(self, now: float) -> bool:
        """Unfinished long after its deadline: whoever was building it is gone."""
        return self.state in UNFINISHED and now > self.deadline + STALE_SECONDS


def folder(server: flask.Flask) -> Path:
    """The jobs' folder inside the folder every process of ``server`` shares."""
    path = callback_cache.folder_of(server) / "jobs"
    path.mkdir(exist_ok=True)
    return path


@contextlib.contextmanager
def _locked(where: Path) -> Iterator[None]:
    """One process at a time counts, creates and deletes jobs (two workers starting at once see each other's)."""
    with (where / ".lock").open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _write(where: Path, job: Job) -> None:
    """Replace the job's record at once: a reader in another process sees the old record or the new one."""
    fd, tmp = tempfile.mkstemp(dir=where, prefix=f".{job.id}-")
    with os.fdopen(fd, "w") as out:
        json.dump(asdict(job), out)
    Path(tmp).replace(where / f"{job.id}.json")


def _read(path: Path) -> Job | None:
    try:
        return Job(**json.loads(path.read_text()))
    except (OSError, ValueError, TypeError):  # deleted meanwhile (pruned), or not a record of ours
        return None


def _all(where: Path) -> list[Job]:
    return [job for path in where.glob("*.json") if (job := _read(path)) is not None]


def _prune(where: Path, now: float) -> list[Job]:
    """Delete finished jobs past their keep time, then the oldest finished beyond :data:`MAX_KEPT`; the jobs left. Call locked."""
    kept = []
    for job in sorted(_all(where), key=lambda j: j.ended or j.deadline):
        finished = job.ended is not None or job.stale(now)
        if finished and now - (job.ended or job.deadline) > KEEP_SECONDS:
            _delete(where, job.id)
        else:
            kept.append(job)
    for job in [j for j in kept if j.ended is not None or j.stale(now)]:
        if len(kept) < MAX_KEPT:
            break
        _delete(where, job.id)
        kept.remove(job)
    return kept


def _delete(where: Path, job_id: str) -> None:
    for suffix in (".pptx", ".json"):
        with contextlib.suppress(FileNotFoundError):
            (where / f"{job_id}{suffix}").unlink()


def start(views: str, *, title: str, native: bool, lang: str, total: int) -> Job:
    """Queue a deck of the (already checked) ``views`` links; call in the request that asks for it.

    The build has ``ESSA_DECK_SECONDS`` from now (or what is left of an enclosing
    :func:`essa_dash.export.images.deadline`, if less). Raises :class:`BusyError` when the
    limits are reached, and :class:`essa_dash.export.images.RendererBusyError` when the
    enclosing deadline has already passed.
    """
    seconds = min(images.check_deadline(), settings.DECK_SECONDS.value())
    server = flask.current_app._get_current_object()  # type: ignore[attr-defined]  # the thread below has no request
    where = folder(server)
    now = time.time()
    with _locked(where):
        jobs = _prune(where, now)
        running = sum(1 for j in jobs if j.state in UNFINISHED and not j.stale(now))
        if running >= MAX_RUNNING or len(jobs) >= MAX_KEPT:
            raise BusyError(tr("Other decks are being built: try again in a minute."))
        job = Job(secrets.token_urlsafe(16), views, title, native, lang, total, deadline=now + seconds)
        _write(where, job)
    if not lane.enabled():  # with a lane, the lane takes queued jobs between its requests (run_next)
        threading.Thread(target=run, args=(server, job.id), name=f"essa-deck-{job.id[:6]}", daemon=True).start()
    return job


def get(server: flask.Flask, job_id: object) -> Job | None:
    """The job of an id from a URL or a callback (checked for shape first); None if unknown or expired."""
    if not isinstance(job_id, str) or not _ID.fullmatch(job_id):
        return None
    job = _read(folder(server) / f"{job_id}.json")
    now = time.time()
    if job is None or (now - (job.ended or job.deadline) > KEEP_SECONDS and (job.ended is not None or job.stale(now))):
        return None
    if job.stale(now):
        with use_language(job.lang):
            job.state, job.error = "failed", tr("The deck's build stopped before it ended: start it again.")
    return job


def deck(server: flask.Flask, job: Job) -> bytes | None:
    """The finished deck's bytes (None until it is done, or once it was deleted)."""
    if job.state != "done":
        return None
    with contextlib.suppress(FileNotFoundError):
        return (folder(server) / f"{job.id}.pptx").read_bytes()
    return None


def run_next(server: flask.Flask) -> bool:
    """Build the oldest queued job of ``server``, if there is one (the lane calls it between requests); whether one ran."""
    queued = sorted((j for j in _all(folder(server)) if j.state == "queued"), key=lambda j: j.deadline)
    if queued:
        run(server, queued[0].id)
    return bool(queued)


def run(server: flask.Flask, job_id: str) -> None:
    """Build one queued job: draw its charts, render its slides, write the deck, then the record saying done or failed."""
    from essa_dash.share import charts_of  # share's routes serve the jobs: imported when a build runs

    where = folder(server)
    job = _read(where / f"{job_id}.json")
    if job is None or job.state != "queued":
        return
    job.state = "running"
    _write(where, job)

    def progress(done: int, total: int, current: str) -> None:
        job.done, job.total, job.current = done, total, current
        _write(where, job)

    # no visitor's request here: the job's own language, and the release the app shows now
    with server.test_request_context("/deck"), use_language(job.lang):
        try:
            with images.deadline(job.deadline - time.time()):  # what is left since the request that started it
                images.check_deadline()
                drawn, _, problems = charts_of([job.views])
                if not drawn:
                    raise _NoChartsError("; ".join(p.message for p in problems) or tr("these links show no charts"))
                job.total = len(drawn)  # the links' charts that have figures to show (counted before: every one)
                _write(where, job)
                data = slides.build_deck(drawn, title=job.title, store=current_store(), native=job.native, progress=progress)
            fd, tmp = tempfile.mkstemp(dir=where, prefix=f".{job.id}-")
            with os.fdopen(fd, "wb") as out:
                out.write(data)
            Path(tmp).replace(where / f"{job.id}.pptx")
            job.state = "done"
        except images.RendererBusyError as err:
            _log.warning("deck %s: %s", job.id, err)
            job.error, job.state = (
                tr("The image renderer is busy or the time allowed for this deck is used up: try again in a minute."),
                "failed",
            )
        except images.RenderError as err:
            _log.warning("deck %s: a chart could not be rendered: %s", job.id, err)
            job.error, job.state = tr("A chart could not be rendered: try again."), "failed"
        except _NoChartsError as err:
            job.error, job.state = str(err), "failed"
        except OSError as err:  # a full disk: the deck cannot be kept for its download
            _log.warning("deck %s could not be saved: %s", job.id, err.strerror or err)
            job.error, job.state = tr("The deck could not be kept for its download: try again later."), "failed"
        finally:
            job.ended = time.time()
            with contextlib.suppress(OSError):  # unwritten, the record turns stale and is reported failed
                _write(where, job)
