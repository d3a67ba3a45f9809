"""Deck builds in the background, with progress a page can poll: bounded, and private to who started them.

A deck of ten charts takes tens of seconds (each picture is a server-side render), so
the /deck page starts a job and polls its progress instead of waiting on one request.
The charts are drawn in the request that starts the job (so bad links fail there, at
once); the thread only lays out and renders the slides. A build has the deadline of
/deck.pptx (``ESSA_DECK_SECONDS``, counted from the start of that request: drawing the
charts counts too) and its chart cap (:func:`essa_dash.share.charts_of`). Limits: at most
:data:`MAX_RUNNING` builds at a time and :data:`MAX_KEPT` jobs in memory (a finished
deck is kept :data:`KEEP_SECONDS` for its download, then dropped). A job's id is 128
random bits: nobody can poll or download another visitor's deck.
"""

from __future__ import annotations

import re
import secrets
import threading
import time
from dataclasses import dataclass, field

from essa_dash.export import images, slides
from essa_dash.store import Store
from essa_dash.views import Built

MAX_RUNNING = 2
MAX_KEPT = 16
KEEP_SECONDS = 600
_ID = re.compile(r"[A-Za-z0-9_-]{22}")


class BusyError(Exception):
    """Too many decks are being built right now; the message says to retry."""


@dataclass
class Job:
    """One deck build: how far it got, and its bytes or its error once it ends."""

    id: str
    total: int
    done: int = 0
    current: str = ""
    state: str = "running"  # running | done | failed
    data: bytes | None = field(default=None, repr=False)
    error: str | None = None
    ended: float | None = None


_lock = threading.Lock()
_jobs: dict[str, Job] = {}


def _prune(now: float) -> None:
    """Drop finished jobs past their keep time, then the oldest finished ones beyond :data:`MAX_KEPT`. Call with the lock."""
    for job_id in [j.id for j in _jobs.values() if j.ended is not None and now - j.ended > KEEP_SECONDS]:
        del _jobs[job_id]
    finished = sorted((j for j in _jobs.values() if j.ended is not None), key=lambda j: j.ended or 0)
    while len(_jobs) >= MAX_KEPT and finished:
        del _jobs[finished.pop(0).id]


def start(charts: list[Built], *, title: str, store: Store, native: bool) -> Job:
    """Start building a deck of ``charts`` in a thread, within what is left of the caller's deadline.

    Raises :class:`BusyError` when the limits are reached, and
    :class:`essa_dash.export.images.RendererBusyError` when the deadline has already passed.
    """
    seconds = images.check_deadline()
    with _lock:
        _prune(time.monotonic())
        running = sum(1 for j in _jobs.values() if j.state == "running")
        if running >= MAX_RUNNING or len(_jobs) >= MAX_KEPT:
            raise BusyError(f"{running} decks are being built; try again in a minute")
        job = Job(id=secrets.token_urlsafe(16), total=len(charts))
        _jobs[job.id] = job

    def progress(done: int, total: int, current: str) -> None:
        job.done, job.total, job.current = done, total, current

    def run() -> None:
        try:
            with images.deadline(seconds):
                job.data = slides.build_deck(charts, title=title, store=store, native=native, progress=progress)
            job.state = "done"
        except images.RenderError as err:
            job.error, job.state = f"a chart could not be rendered: {err}; try again", "failed"
        finally:
            job.ended = time.monotonic()

    threading.Thread(target=run, name=f"essa-deck-{job.id[:6]}", daemon=True).start()
    return job


def get(job_id: object) -> Job | None:
    """The job of an id from a URL or a callback (checked for shape first); None if unknown or expired."""
    if not isinstance(job_id, str) or not _ID.fullmatch(job_id):
        return None
    with _lock:
        _prune(time.monotonic())
        return _jobs.get(job_id)
