"""Server-side rendering of plotly figures to PNG, SVG and PDF through Debian's Chromium, offline.

Why it is built this way:

* kaleido 1.x renders with a real Chromium. Starting one costs about a second, a
  render of a warm one a few hundred milliseconds, so the process keeps ONE warm
  renderer (a Chromium with one kaleido tab) and reuses it for every request.
* kaleido is asyncio code; Flask calls us from worker threads. The renderer owns a
  private event loop on a daemon thread and requests are handed to it with
  :func:`asyncio.run_coroutine_threadsafe` under a lock, so callers stay synchronous
  and one render runs at a time (the machine has two cores; Chromium uses both).
  kaleido's own ``start_sync_server`` is not used: if its browser dies, its worker
  thread can exit and every later call blocks forever on a queue, with no way to
  restart it short of restarting the process.
* A dead or hung browser must not take exports down until the next deploy: before
  each render the browser process is checked, and after a failure the renderer is
  torn down, so the next call starts a fresh one.
* Offline: the browser is the system one at :data:`CHROMIUM` (never downloaded:
  nothing here calls ``kaleido.get_chrome``), plotly.js comes from the installed
  plotly package, MathJax (a CDN script) is disabled and map outlines (topojson)
  come only from a base set with :func:`set_topojson_base`.
* Chromium runs with choreographer's defaults: headless, ``--no-sandbox`` (the
  sandbox cannot start as root or in most containers), ``--disable-gpu``, and
  ``--disable-dev-shm-usage`` (containers have a small /dev/shm).

Pixel size: ``width`` x ``height`` is always the size of the output. ``scale`` is
the device-pixel ratio: the figure is laid out at ``width/scale`` x ``height/scale``
CSS pixels and drawn ``scale`` times finer. So a 3840x2160 PNG for a 4K screen is
``render(fig, fmt="png", width=3840, height=2160, scale=2)``: the same layout, type
size and line breaks as the 1920x1080 slide, only sharper, instead of a 1920x1080
design with its type shrunk to half size. SVG carries the same nominal size
(``width``/``height`` attributes, layout-sized ``viewBox``); PDF pages are the
layout size in points (1 CSS px = 0.75 pt).
"""

from __future__ import annotations

import asyncio
import atexit
import concurrent.futures
import logging
import math
import os
import signal
import threading
import time
from collections.abc import Coroutine, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path
from typing import Any, Literal, TypeVar
from urllib.parse import urlparse

import kaleido
import plotly.graph_objects as go
from choreographer.errors import BrowserClosedError, BrowserFailedError, ChannelClosedError
from kaleido.errors import JavascriptError

from essa_dash import settings

_log = logging.getLogger(__name__)

#: The system Chromium (Debian's package); ``ESSA_CHROMIUM`` points elsewhere.
CHROMIUM = Path(os.environ.get("ESSA_CHROMIUM", "/usr/bin/chromium"))
#: Smallest and largest accepted width or height of an output image, in pixels.
MIN_PX = 200
MAX_PX = 8000
#: Largest device-pixel ratio: past 4 the layout of a large image gets too small to read.
MAX_SCALE = 4
#: Seconds kaleido allows one render; the caller waits a little longer for the cleanup.
RENDER_TIMEOUT = 60.0
#: Seconds between checks that the browser still runs while a render is waited for.
WATCH_INTERVAL = 0.05
#: Seconds allowed for Chromium to start and load plotly.js.
START_TIMEOUT = 45.0
#: Scheduling priority of Chromium (19: the lowest): the CPU goes to pages and the API first.
RENDER_NICE = 19

Format = Literal["png", "svg", "pdf"]
FORMATS: tuple[Format, ...] = ("png", "svg", "pdf")
_GEO_TRACES = {"choropleth", "scattergeo"}

T = TypeVar("T")

#: Errors meaning the browser or the pipe to it is gone (as opposed to a figure plotly.js rejects).
_BROWSER_GONE: tuple[type[BaseException], ...] = (
    TimeoutError,
    concurrent.futures.CancelledError,
    BrowserClosedError,
    BrowserFailedError,
    ChannelClosedError,
)


class RenderError(Exception):
    """A figure could not be rendered; the message says why and whether to retry."""


class RendererBusyError(RenderError):
    """The renderer is taken and the wait would be too long: nothing was tried, ask again shortly."""


class _Renderer:
    """One Chromium with one kaleido tab, driven from a private event loop thread."""

    def __init__(self, browser: Path) -> None:
        if not browser.is_file():
            raise RenderError(f"no Chromium at {browser}: install Debian's chromium package or set ESSA_CHROMIUM")
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="essa-kaleido", daemon=True)
        self._thread.start()
        self._kaleido: kaleido.Kaleido | None = None
        self._browser_pid: int | None = None
        try:
            self._run(self._open(browser), START_TIMEOUT)
        except BaseException:
            self.close()
            raise

    async def _open(self, browser: Path) -> None:
        # Built inside the loop: its queues and locks belong to this loop.
        k = kaleido.Kaleido(path=str(browser), n=1, timeout=RENDER_TIMEOUT, mathjax=False)
        self._kaleido = k
        await k.open()

    def _run(self, coroutine: Coroutine[Any, Any, T], timeout: float, *, watch: bool = False) -> T:
        """Run ``coroutine`` on the renderer's loop and wait for it, at most ``timeout`` seconds.

        With ``watch``, the browser process is checked every 50 ms while waiting: if it
        died, our end of its pipe is closed so choreographer notices at once and the
        call fails within milliseconds instead of after choreographer's 2 s reader
        timeout (see :meth:`_close_channel`).
        """
        future = asyncio.run_coroutine_threadsafe(coroutine, self._loop)
        deadline = time.monotonic() + timeout
        while True:
            try:
                return future.result(WATCH_INTERVAL if watch else timeout)
            except concurrent.futures.TimeoutError:
                if watch and time.monotonic() < deadline:
                    if self.browser_pid() is None:
                        self._close_channel()
                    continue
                future.cancel()
                raise

    @property
    def wrapper(self) -> Any:
        """choreographer's Popen: a small Python wrapper whose child is Chromium."""
        return getattr(self._kaleido, "subprocess", None)

    def browser_pid(self) -> int | None:
        """Pid of the Chromium main process (the wrapper's child), found once by a /proc scan."""
        wrapper = self.wrapper
        if wrapper is None or wrapper.poll() is not None:
            return None
        if self._browser_pid is None or _parent(self._browser_pid) != wrapper.pid:
            self._browser_pid = next(iter(_children(wrapper.pid)), None)
        return self._browser_pid

    def alive(self) -> bool:
        """Whether the browser can still take a render (the wrapper and Chromium both running)."""
        return self._thread.is_alive() and self.browser_pid() is not None

    def render(self, spec: dict[str, Any], opts: dict[str, Any], topojson: str | None) -> bytes:
        """Draw one figure; once more if the tab's page had not loaded (see :func:`_page_not_loaded`).

        kaleido reloads its tab after every render, failed ones included, and takes a
        fresh JavaScript context then, so the second try runs in kaleido's own page.
        """
        if self._kaleido is None:
            raise RenderError("renderer is not open")
        try:
            return self._calc(spec, opts, topojson)
        except JavascriptError as error:
            if not _page_not_loaded(error):
                raise
            _log.info("kaleido's page was not loaded in the context it drew in; drawing again after its reload")
            return self._calc(spec, opts, topojson)

    def _calc(self, spec: dict[str, Any], opts: dict[str, Any], topojson: str | None) -> bytes:
        assert self._kaleido is not None  # checked by render
        return self._run(self._kaleido.calc_fig(spec, opts=opts, topojson=topojson), RENDER_TIMEOUT + 10, watch=True)

    def close(self) -> None:
        """Close the browser politely if it still runs, make sure it is gone, and stop the loop.

        A browser that already died is killed outright (the wrapper too) BEFORE
        kaleido's close: choreographer's close otherwise sends ``Browser.close`` to a
        dead browser and can wait for the reply for as long as we let it.
        """
        if not self.alive():
            self._kill()
            self._close_channel()
        try:
            if self._kaleido is not None and self._thread.is_alive():
                self._run(self._kaleido.close(), 10)
        except Exception as error:
            _log.debug("kaleido close failed: %r", error)
        self._kill()
        if self._thread.is_alive():
            try:
                self._run(_cancel_pending(), 5)
            except Exception as error:
                _log.debug("cancelling leftover tasks failed: %r", error)
            self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(5)
        if not self._thread.is_alive():
            self._loop.close()

    def _close_channel(self) -> None:
        """Close our ends of the pipe to a dead browser so the reader thread sees EOF at once.

        choreographer 1.4 keeps the pipe's write end open in this process until the
        very end of its close, so its reader thread never sees EOF and close waits
        2 s for it to time out. Private attribute: without it we only lose those 2 s.
        """
        channel = getattr(self._kaleido, "_channel", None)
        try:
            if channel is not None:
                channel.close()
        except Exception as error:
            _log.debug("closing the browser pipe failed: %r", error)

    def _kill(self) -> None:
        """SIGKILL the wrapper's process group (Chromium and its helpers) and reap the wrapper."""
        wrapper = self.wrapper
        if wrapper is None or wrapper.poll() is not None:
            return
        try:
            os.killpg(wrapper.pid, signal.SIGKILL)  # choreographer starts it in a session of its own
        except (ProcessLookupError, PermissionError):
            wrapper.kill()
        try:
            wrapper.wait(5)
        except Exception:
            _log.warning("Chromium wrapper %s did not exit", wrapper.pid)


def _page_not_loaded(error: BaseException) -> bool:
    """Whether a render failed because kaleido's script was not in the JavaScript context it drew in.

    kaleido 1.5 takes the first ``Runtime.executionContextCreated`` event after it
    navigates its tab, and enables those events only after ``Page.navigate`` returns. On a
    busy machine the context reported first can be the blank document's, which has no
    ``kaleido_scopes``: CI saw "ReferenceError: kaleido_scopes is not defined" on the
    first image of a freshly started renderer. Nothing is wrong with the figure or the
    browser, and the tab's reload after the failure takes the right context.
    """
    return isinstance(error, JavascriptError) and "kaleido_scopes is not defined" in str(error)


async def _cancel_pending() -> None:
    """Cancel and await what the browser left running (read loop, watchdog), as ``asyncio.run`` does on exit."""
    tasks = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)


_lock = threading.Lock()
_renderer: _Renderer | None = None
#: Requests of this process waiting for ``_lock`` (not the one holding it), guarded by ``_queue_lock``.
_waiting = 0
_queue_lock = threading.Lock()
#: When the work in progress (a request, a deck) must be done, on the monotonic clock; None: no deadline.
_deadline: ContextVar[float | None] = ContextVar("essa_render_deadline", default=None)


@contextmanager
def deadline(seconds: float) -> Iterator[None]:
    """Inside the block, every :func:`render` gives up with :class:`RendererBusyError` once ``seconds`` have passed.

    A deck renders its charts one after another; the deadline bounds the whole deck, so a
    request ends (with a 503 saying so) before the worker timeout would kill it. A deadline
    inside another never extends it (the heavy lane gets what is left of the worker's).
    """
    end = time.monotonic() + seconds
    outer = _deadline.get()
    token = _deadline.set(end if outer is None else min(end, outer))
    try:
        yield
    finally:
        _deadline.reset(token)


def check_deadline() -> float:
    """Seconds left before the deadline of the work in progress (infinite without one); RendererBusyError once past it."""
    end = _deadline.get()
    if end is None:
        return math.inf
    left = end - time.monotonic()
    if left <= 0:
        raise RendererBusyError("the time allowed for this request is used up")
    return left


@contextmanager
def _turn() -> Iterator[None]:
    """Hold the renderer, after at most ``ESSA_RENDER_QUEUE`` others and ``ESSA_RENDER_WAIT`` seconds.

    The lock alone queued without bound: eight 8000x8000 images held eight server threads
    and pushed an unrelated API answer to 17 s. A request that would wait too long (or past
    its deadline) is refused at once, which costs the server nothing.
    """
    global _waiting
    wait = min(settings.RENDER_WAIT.value(), check_deadline())
    with _queue_lock:
        if _waiting >= settings.RENDER_QUEUE.value():
            raise RendererBusyError(f"{_waiting} requests are already waiting for the image renderer")
        _waiting += 1
    try:
        acquired = _lock.acquire(timeout=wait)
    finally:
        with _queue_lock:
            _waiting -= 1
    if not acquired:
        raise RendererBusyError(f"the image renderer stayed busy for {wait:.0f} s")
    try:
        yield
    finally:
        _lock.release()


_topojson: str | None = None


def set_topojson_base(url_or_path: str | Path | None) -> None:
    """Where map outlines (plotly's ``*_110m.json`` topojson files) come from; ``None`` = nowhere.

    plotly.js fetches them from its CDN by default, which this offline server cannot
    reach. A local directory becomes a ``file://`` URL (Chromium runs with
    ``--allow-file-access-from-files``). It is handed to kaleido with each render
    rather than set in ``plotly.io.defaults``, so it does not change how other
    code in the process exports figures.
    """
    global _topojson
    url: str | None = None
    if url_or_path is not None:
        text = str(url_or_path)
        if urlparse(text).scheme in ("http", "https", "file"):
            url = text
        else:
            path = Path(text).expanduser().resolve()
            if not path.is_dir():
                raise ValueError(f"topojson directory {path} does not exist")
            url = path.as_uri()
        url = url if url.endswith("/") else url + "/"  # plotly.js appends the file name
    with _lock:  # not in the middle of someone's render
        _topojson = url


def topojson_base() -> str | None:
    """The base URL given by :func:`set_topojson_base`, as passed to the renderer."""
    return _topojson


def validate(*, fmt: str, width: int, height: int, scale: float) -> tuple[int, int]:
    """Check a request before it reaches the browser; return the layout size in CSS px.

    Raises ValueError naming the limit, so a web handler can answer 400 with it.
    """
    if fmt not in FORMATS:
        raise ValueError(f"format must be one of {', '.join(FORMATS)}, got {fmt!r}")
    for name, value in (("width", width), ("height", height)):
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValueError(f"{name} must be a whole number of pixels, got {value!r}")
        if not MIN_PX <= value <= MAX_PX:
            raise ValueError(f"{name} must be between {MIN_PX} and {MAX_PX} px, got {value}")
    most = settings.MAX_IMAGE_PIXELS.value()
    if width * height > most:
        raise ValueError(f"{width}x{height} px is more than the {most:,} pixels one image may have")
    if isinstance(scale, bool) or not isinstance(scale, int | float) or not math.isfinite(scale) or not 0 < scale <= MAX_SCALE:
        raise ValueError(f"scale must be a number above 0 and at most {MAX_SCALE}, got {scale!r}")
    layout = (width / scale, height / scale)
    if any(abs(v - round(v)) > 1e-9 for v in layout):
        raise ValueError(f"{width}x{height} px is not a whole number of layout pixels at scale {scale}: pick a scale that divides both")
    return round(layout[0]), round(layout[1])


def render(fig: go.Figure, *, fmt: Format, width: int, height: int, scale: float = 1) -> bytes:
    """The figure as PNG, SVG or PDF bytes, ``width`` x ``height`` pixels (see the module doc for ``scale``).

    Thread-safe; renders one at a time on the process's warm Chromium, starting it
    on first use and again if it died. Raises ValueError for a bad request,
    RendererBusyError when the queue is full or the wait too long (nothing tried), and
    RenderError when the browser fails; after a RenderError the next call starts a
    fresh browser, so callers may simply retry once.
    """
    layout_width, layout_height = validate(fmt=fmt, width=width, height=height, scale=scale)
    spec = fig.to_dict()  # in the caller's thread: the figure may change after we return
    opts = {"format": fmt, "width": layout_width, "height": layout_height, "scale": scale}
    with _turn():
        renderer = _ensure_renderer()
        try:
            data = renderer.render(spec, opts, _topojson)
        except Exception as error:
            # A page still missing after the retry: a fresh browser, not a third try on this one.
            broken = isinstance(error, _BROWSER_GONE) or _page_not_loaded(error) or not renderer.alive()
            if broken:
                _drop_renderer(f"render failed: {error!r}")
            raise RenderError(_explain(error, spec, restarted=broken)) from error
    if not data:
        raise RenderError(f"the renderer returned an empty {fmt.upper()}")
    return data


def browser_pid() -> int | None:
    """Pid of the warm Chromium, or None when none is running (for health checks and tests)."""
    with _lock:
        return _renderer.browser_pid() if _renderer is not None else None


def shutdown(timeout: float = 10) -> None:
    """Stop the warm renderer (at exit; or to free its memory). The next render starts a new one.

    Waits up to ``timeout`` seconds for a render in progress; at interpreter exit a
    daemon thread may never release the lock, and an orphaned Chromium is worse than
    failing that render.
    """
    locked = _lock.acquire(timeout=timeout)
    try:
        _drop_renderer("shutdown", level=logging.INFO)
    finally:
        if locked:
            _lock.release()


def _ensure_renderer() -> _Renderer:
    """The warm renderer, (re)started when missing or dead. Call with ``_lock`` held."""
    global _renderer
    if _renderer is not None and not _renderer.alive():
        _drop_renderer("browser no longer running")
    if _renderer is None:
        try:
            _renderer = _Renderer(CHROMIUM)
        except RenderError:
            raise
        except Exception as error:
            raise RenderError(f"could not start Chromium at {CHROMIUM}: {error!r}") from error
        _lower_priority(_renderer)
        _log.info("renderer started: Chromium pid %s", _renderer.browser_pid())
    return _renderer


def _lower_priority(renderer: _Renderer) -> None:
    """Run Chromium (its whole process group) at nice :data:`RENDER_NICE`: the server's other requests come first.

    An image costs seconds of CPU on a machine with a few cores; at the default priority a
    render slowed every page and API answer of the server alike. At nice 19 the scheduler
    gives Chromium the CPU the workers leave idle, so a render waits, not the visitors.
    """
    wrapper = renderer.wrapper
    if wrapper is None:
        return
    try:
        os.setpriority(os.PRIO_PGRP, wrapper.pid, RENDER_NICE)
    except OSError as error:  # another user's process group, a container without the right: keep going
        _log.debug("could not lower Chromium's priority: %r", error)


def _drop_renderer(reason: str, *, level: int = logging.WARNING) -> None:
    """Tear the renderer down so the next call starts fresh. Call with ``_lock`` held."""
    global _renderer
    if _renderer is None:
        return
    old, _renderer = _renderer, None
    _log.log(level, "stopping the renderer: %s", reason)
    old.close()


def _explain(error: BaseException, spec: dict[str, Any], *, restarted: bool) -> str:
    """A message for the log and the HTTP error: what failed, and whether retrying can help."""
    if isinstance(error, TimeoutError):
        text = f"render took longer than {RENDER_TIMEOUT:.0f} s"
    elif _page_not_loaded(error):
        text = "the renderer's page had not loaded plotly.js, twice"
    elif restarted:
        text = f"Chromium stopped during the render (crashed or was killed): {type(error).__name__}: {error}"
    else:
        text = f"the figure could not be drawn: {type(error).__name__}: {error}"
    if restarted:
        text += "; the renderer was shut down and the next render starts a new one"
    uses_maps = any(t.get("type") in _GEO_TRACES for t in spec.get("data", [])) or "geo" in spec.get("layout", {})
    if uses_maps and _topojson is None:
        text += "; the figure draws a map and no topojson base is set (set_topojson_base), so plotly.js cannot load its outlines offline"
    elif uses_maps and "topojson" in text:
        text += f"; is the map's outlines file under the topojson base {_topojson}?"
    return text


def _children(pid: int) -> list[int]:
    """Pids whose parent is ``pid`` (a /proc scan: this kernel has no /proc/<pid>/task/*/children)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and _parent(int(entry.name)) == pid:
            found.append(int(entry.name))
    return sorted(found)


def _parent(pid: int) -> int | None:
    """Parent pid of a running (not zombie) process, or None."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    state, ppid = stat[stat.rindex(")") + 2 :].split()[:2]  # the name in brackets may hold spaces
    return None if state in ("Z", "X") else int(ppid)


def _forget_parent_renderer() -> None:
    """In a forked child: the parent's Chromium, lock and queue are the parent's (its threads did not fork along).

    The heavy lane (essa_dash.lane) is forked from a process that may have rendered (a
    test's); the child starts its own Chromium on first use instead of driving, or killing,
    the parent's, and a lock one of the parent's threads held cannot block it.
    """
    global _renderer, _lock, _queue_lock, _waiting
    _renderer, _lock, _queue_lock, _waiting = None, threading.Lock(), threading.Lock(), 0


atexit.register(shutdown)
os.register_at_fork(after_in_child=_forget_parent_renderer)
