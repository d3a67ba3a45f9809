"""What every benchmark shares: a private data build, servers started and stopped cleanly, statistics.

Benchmarks never touch the checkout's data/ or assets/: the tables are built from a
copy of raw/ and reference/ into a temporary directory (as the tests do), and a
server that needs extra static files gets a temporary copy of assets/. Every server
runs in its own process group and is stopped (SIGTERM, then SIGKILL) on the way out,
whatever happened in between.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import math
import os
import platform
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BENCH_DIR.parent
sys.path.insert(0, str(PROJECT_DIR))

from essa_dash.paths import ASSETS_DIR, DEFAULT_DATA_DIR  # noqa: E402

PYTHON = sys.executable
#: What a current browser says it accepts; every timed request sends it, so sizes are what browsers get.
BROWSER_ENCODINGS = "gzip, deflate, br, zstd"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
#: The pages the issue names, in navigation order; a benchmark keeps those the app has at run time.
PAGES = ("/", "/country/VNM", "/risk/old_age", "/progress", "/data")


def machine() -> str:
    """One line naming what the numbers were measured on."""
    return f"{os.cpu_count()} cores, {platform.machine()}, Python {platform.python_version()}, {platform.system()} {platform.release()}"


def built_data(target: Path) -> Path:
    """A data directory built from a private copy of the checkout's raw/ and reference/ (tests/conftest.copy_data)."""
    from essa_dash.ingest.build import build_data

    copy_raw(target)
    build_data(target)
    return target


def copy_raw(target: Path) -> Path:
    for part in ("raw", "reference"):
        shutil.copytree(DEFAULT_DATA_DIR / part, target / part)
    return target


#: countries chosen together (two to four; each view with one of them is drawn in one process after the others, so a
#: query that kept one selection's rows for the next would show)
SELECTIONS = (("VNM", "IDN"), ("THA", "KHM", "LAO"), ("PHL", "MYS", "SGP", "BRN"), ("MMR", "TLS"))


def with_selections(urls: list[str]) -> list[str]:
    """The /risk and /progress URLs among ``urls`` (none chooses a country or several) with each of SELECTIONS chosen."""
    chosen = [",".join(countries) for countries in SELECTIONS]
    return [
        f"{url}{'&' if '?' in url else '?'}country={countries}"
        for countries in chosen
        for url in urls
        if url.startswith(("/risk/", "/progress")) and "country=" not in url
    ]


def existing_pages(wanted: Sequence[str] = PAGES) -> list[str]:
    """The wanted pages that the app registers now (others are editing pages in parallel)."""
    from essa_dash import serving

    known = set(serving.page_paths())
    return [p for p in wanted if p in known]


def other_views(page: str, store: Any) -> Iterator[str]:
    """Views of ``page`` other than its default, from the data's own vocabulary (deterministic order)."""
    from essa_dash.query.state import SEXES, Vocabulary, edition_slug

    vocabulary = Vocabulary.from_store(store)
    if page == "/":
        yield from (f"/?edition={edition_slug(e)}" for e in vocabulary.editions)
    elif page.startswith("/country/"):
        yield from (f"/country/{c}?sex={s}" for s in SEXES for c in vocabulary.countries if (c, s) != ("VNM", "total"))
    elif page.startswith("/risk/"):
        yield from (f"/risk/{r}?sex={s}" for s in SEXES for r in vocabulary.risks if (r, s) != ("old_age", "total"))
    elif page == "/progress":
        yield from (f"/progress?country={c}&sex={s}" for s in SEXES for c in vocabulary.countries)
    elif page == "/data":
        yield from (f"/data?country={c}&risk={r}" for r in vocabulary.risks for c in vocabulary.countries)


def interleaved_views(pages: Sequence[str], store: Any, rounds: int = 200) -> list[str]:
    """Other views of the pages, one page after another; a page's views start over once all were asked.

    The mix of pages stays even; views repeat only on pages that have few (the overview has one per edition).
    """
    lists = [list(other_views(page, store)) or [page] for page in pages]
    return [views[r % len(views)] for r in range(rounds) for views in lists]


def assets_copy(target: Path, bundle: Path | None = None) -> Path:
    """A copy of assets/ without any plotly.js bundle, plus ``bundle`` when given: with and without, side by side."""
    shutil.copytree(ASSETS_DIR, target, ignore=shutil.ignore_patterns("plotly*.js"))
    if bundle is not None:
        shutil.copy2(bundle, target / bundle.name)
    return target


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def median(values: Sequence[float]) -> float:
    return statistics.median(values)


def percentile(values: Sequence[float], pct: float) -> float:
    """Nearest-rank percentile: with 30 samples, p95 is the 29th smallest."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(pct / 100 * len(ordered)) - 1)]


def ms(seconds: float) -> str:
    return f"{seconds * 1000:8.1f} ms"


def kib(n: float) -> str:
    return f"{n / 1024:9.1f} KiB"


@dataclass
class Server:
    """A dashboard server in its own process group: ``dev`` (essa-dash serve) or ``prod`` (gunicorn, bench/serve_prod.py)."""

    kind: str
    data_dir: Path
    port: int = 0
    workers: int | None = None
    threads: int | None = None
    assets: Path | None = None
    env: dict[str, str] = field(default_factory=dict)
    host: str = "127.0.0.1"
    proc: subprocess.Popen[bytes] | None = None
    started_in: float = 0.0
    log: Path | None = None
    _launched: float = 0.0

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def command(self) -> list[str]:
        if self.kind == "dev":
            return [PYTHON, "-m", "essa_dash.cli", "serve", "--host", self.host, "--port", str(self.port)]
        command = [PYTHON, str(BENCH_DIR / "serve_prod.py"), "--host", self.host, "--port", str(self.port)]
        if self.workers:
            command += ["--workers", str(self.workers)]
        if self.threads:
            command += ["--threads", str(self.threads)]
        if self.assets:
            command += ["--assets", str(self.assets)]
        return command

    def start(self, timeout: float = 120) -> Server:
        """Start and wait for the first 200 on "/"; ``started_in`` is process start to that answer."""
        return self.launch().wait_ready(timeout)

    def launch(self) -> Server:
        """Start the process and return at once (start several, then :meth:`wait_ready` on each)."""
        if self.kind == "dev" and self.assets:
            raise ValueError("the dev server always serves the checkout's assets/")
        self.port = self.port or free_port()
        if self.log is None:
            self.log = Path(tempfile.mkstemp(prefix=f"essa-{self.kind}-", suffix=".log")[1])
        env = {**os.environ, "ESSA_DATA_DIR": str(self.data_dir), "PYTHONUNBUFFERED": "1", **self.env}
        self._launched = time.perf_counter()
        with self.log.open("ab") as out:
            self.proc = subprocess.Popen(
                self.command(), cwd=PROJECT_DIR, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
            )
        return self

    def wait_ready(self, timeout: float = 120) -> Server:
        assert self.proc is not None, "launch() first"
        deadline = self._launched + timeout
        while True:
            try:
                with urllib.request.urlopen(self.url + "/", timeout=5) as response:
                    if response.status == 200:
                        break
            except OSError:
                if self.proc.poll() is not None or time.perf_counter() > deadline:
                    self.stop()
                    raise RuntimeError(f"{self.kind} server did not start:\n{self.log_tail()}") from None
                time.sleep(0.02)
        self.started_in = time.perf_counter() - self._launched
        return self

    def log_tail(self, lines: int = 30) -> str:
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:]) if self.log else ""

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 30) -> None:
        """Stop this server's own process group: gunicorn's master then stops its workers gracefully."""
        if self.proc is None or self.proc.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, sig)
        try:
            self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=10)

    def wait_workers(self, count: int, timeout: float = 20) -> None:
        """Wait until the server has ``count`` workers (gunicorn boots them after it answers; the lane and precompute are no workers)."""
        deadline = time.monotonic() + timeout
        while sum(part == "workers" for part, _ in process_parts(self)) < count and time.monotonic() < deadline:
            time.sleep(0.1)

    def pids(self) -> list[int]:
        """The server's process and its children (gunicorn: master then workers)."""
        if self.proc is None:
            return []
        return [self.proc.pid, *children(self.proc.pid)]

    def __enter__(self) -> Server:
        return self.start() if self.proc is None else self

    def __exit__(self, *_exc: object) -> None:
        self.stop()
        if self.log:
            self.log.unlink(missing_ok=True)


def children(pid: int) -> list[int]:
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except OSError:
        return []
    return [int(p) for p in text.split()]


def memory_kib(pid: int) -> tuple[int, int]:
    """(RSS, PSS) of a process in KiB. PSS splits shared pages between sharers: forked workers' true cost."""
    rss = pss = 0
    with contextlib.suppress(OSError):
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                rss = int(line.split()[1])
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                pss = int(line.split()[1])
    return rss, pss


def _nice(pid: int) -> int:
    with contextlib.suppress(OSError, IndexError, ValueError):
        return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[16])
    return 0


def _cmdline(pid: int) -> str:
    with contextlib.suppress(OSError):
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    return ""


#: The parts of a server, in the order memory lines name them ("server": the development server's one process).
PARTS = ("server", "master", "workers", "render lane", "precompute")


def process_parts(server: Server) -> list[tuple[str, int]]:
    """(part, pid) of every process of ``server``, its whole tree: what each one is, not its position.

    ``serve --prod`` is a gunicorn master (this pid) whose children are the workers, the
    precomputing process (``python -m essa_dash.precompute``) and the render lane's supervisor
    (forked at nice 19), whose child is the lane, whose children are its Chromium.
    """
    if server.proc is None or server.proc.poll() is not None:
        return []
    master = server.proc.pid
    if server.kind == "dev":
        return [("server", master)]
    found = [("master", master)]

    def walk(pid: int, part: str) -> None:
        for child in children(pid):
            found.append((part, child))
            walk(child, part)

    for child in children(master):
        if "essa_dash.precompute" in _cmdline(child):
            part = "precompute"
        elif _nice(child) > 0:  # the lane's supervisor: the only fork of the master that lowers its priority
            part = "render lane"
        else:
            part = "workers"
        found.append((part, child))
        walk(child, part)
    return found


@dataclass(frozen=True)
class Memory:
    """RSS and PSS in KiB per part of a server (master, workers, render lane, precompute), measured at one moment."""

    parts: dict[str, tuple[int, int, int]]  # part -> (processes, RSS, PSS)

    @property
    def rss(self) -> int:
        return sum(r for _, r, _ in self.parts.values())

    @property
    def pss(self) -> int:
        return sum(p for _, _, p in self.parts.values())

    def line(self) -> str:
        """Each part by name, then the sums: RSS counts pages the forks share once per process, PSS once in all."""
        cells = []
        for part in PARTS:
            if part in self.parts:
                n, rss, pss = self.parts[part]
                count = f" ({n} processes)" if n > 1 else ""
                cells.append(f"{part}{count} RSS {rss / 1024:.0f} MiB (PSS {pss / 1024:.0f})")
            elif part == "precompute" and "master" in self.parts:
                cells.append("precompute: no process (done or off)")
        return f"{'; '.join(cells)}; all: RSS {self.rss / 1024:.0f} MiB, PSS {self.pss / 1024:.0f} MiB"


def memory(server: Server) -> Memory:
    parts: dict[str, tuple[int, int, int]] = {}
    for part, pid in process_parts(server):
        rss, pss = memory_kib(pid)
        n, r, p = parts.get(part, (0, 0, 0))
        parts[part] = (n + 1, r + rss, p + pss)
    return Memory(parts)


def memory_line(server: Server) -> str:
    return memory(server).line()


@dataclass(frozen=True)
class Call:
    """One HTTP request to time: method, path, JSON body (POST) and extra headers."""

    label: str
    method: str
    path: str
    body: bytes | None = None
    headers: tuple[tuple[str, str], ...] = ()


def router_call(path: str) -> Call:
    """The POST Dash's pages router makes to draw ``path`` (see essa_dash.serving.router_payload)."""
    from essa_dash.serving import router_payload

    pathname, _, search = path.partition("?")
    body = json.dumps(router_payload(pathname, f"?{search}" if search else "")).encode()
    return Call(f"callback {path}", "POST", "/_dash-update-component", body, (("Content-Type", "application/json"),))


class Client:
    """One keep-alive connection, as a browser tab has: times whole answers (headers and body read)."""

    def __init__(self, url: str, timeout: float = 60) -> None:
        host, port = url.removeprefix("http://").split(":")
        self.conn = http.client.HTTPConnection(host, int(port), timeout=timeout)

    def fetch(
        self, call: Call, encoding: str = BROWSER_ENCODINGS, extra: dict[str, str] | None = None
    ) -> tuple[float, int, bytes, dict[str, str]]:
        """(seconds, status, body as sent on the wire, headers)."""
        headers = {"Accept-Encoding": encoding, **dict(call.headers), **(extra or {})}
        start = time.perf_counter()
        try:
            self.conn.request(call.method, call.path, body=call.body, headers=headers)
            response = self.conn.getresponse()
        except (BrokenPipeError, ConnectionResetError, http.client.RemoteDisconnected):
            # the server closed an idle keep-alive connection (gunicorn: after 5 s): reconnect, as a browser does
            self.conn.close()
            start = time.perf_counter()
            self.conn.request(call.method, call.path, body=call.body, headers=headers)
            response = self.conn.getresponse()
        body = response.read()
        seconds = time.perf_counter() - start
        return seconds, response.status, body, {k.lower(): v for k, v in response.getheaders()}

    def close(self) -> None:
        self.conn.close()


def time_calls(url: str, calls: Sequence[Call], runs: int, warmup: int = 2) -> dict[str, list[float]]:
    """Seconds per call label, the calls interleaved run by run so that drift hits all of them alike."""
    client = Client(url)
    times: dict[str, list[float]] = {call.label: [] for call in calls}
    try:
        for i in range(warmup + runs):
            for call in calls:
                seconds, status, _, _ = client.fetch(call)
                if status != 200:
                    raise RuntimeError(f"{call.label}: HTTP {status}")
                if i >= warmup:
                    times[call.label].append(seconds)
    finally:
        client.close()
    return times


def answer_folder(server: Server) -> Path | None:
    """The server's shared answer folder: ESSA_CACHE_DIR if the bench set it, else the master's temporary one."""
    if server.env.get("ESSA_CACHE_DIR"):
        return Path(server.env["ESSA_CACHE_DIR"])
    if server.proc is None:
        return None
    return next(Path(tempfile.gettempdir()).glob(f"essa-answers-{server.proc.pid}-*"), None)


@dataclass(frozen=True)
class Precomputed:
    """How the precomputing went: done or not, seconds from the server's start, answers stored, its own summary line."""

    done: bool
    seconds: float
    stored: int
    summary: str

    def line(self) -> str:
        if self.done:
            return f"precomputing done {self.seconds:.0f} s after the start ({self.summary})"
        return f"precomputing NOT done {self.seconds:.0f} s after the start ({self.summary}; {self.stored} answers stored by then)"


def precompute_status(server: Server, timeout: float, every: float = 30) -> Precomputed:
    """Wait until the precomputing process says it is done, it ends without saying so, or ``timeout``; never raises.

    Prints the answers stored so far every ``every`` seconds on stderr (the precomputing
    process says nothing until it is done), so a slow one is seen while it runs.
    """
    from essa_dash.precompute import DONE

    start = time.monotonic()
    shown = start
    folder = answer_folder(server)

    def stored() -> int:
        return sum(1 for e in os.scandir(folder) if not e.name.startswith(".")) if folder and folder.is_dir() else 0

    def state(done: bool, why: str) -> Precomputed:
        return Precomputed(done, time.monotonic() - start + server.started_in, stored(), why)

    while True:
        log = server.log.read_text(errors="replace") if server.log else ""
        line = next((line for line in log.splitlines() if DONE in line), None)
        if line:
            return state(True, line.removeprefix("ESSA Dash: ").strip())
        if not passing(server):
            time.sleep(5)  # it may have printed and exited between the two reads, or the daily parent be starting its pass
            log = server.log.read_text(errors="replace") if server.log else ""
            line = next((line for line in log.splitlines() if DONE in line), None)
            if line or not passing(server):
                return state(bool(line), line.removeprefix("ESSA Dash: ").strip() if line else "its pass ended without saying it was done")
        now = time.monotonic()
        if now - start > timeout:
            return state(False, f"still running after the bench's {timeout:.0f} s limit")
        if now - shown >= every:
            shown = now
            since = now - start + server.started_in
            print(f"precomputing: {stored()} answers stored {since:.0f} s after the start", file=sys.stderr, flush=True)
        time.sleep(1)


def passing(server: Server) -> bool:
    """Whether a precomputing pass runs: a precompute process other than the daily parent (``--daily``) that starts one a day."""
    return any(part == "precompute" and "--daily" not in _cmdline(pid) for part, pid in process_parts(server))


def wait_precomputed(server: Server, timeout: float) -> float:
    """Seconds from the server's start until its precomputing process said it was done; raises if it did not."""
    status = precompute_status(server, timeout)
    if not status.done:
        raise RuntimeError(f"{status.line()}:\n{server.log_tail()}")
    return status.seconds


def header(title: str, note: str = "") -> None:
    print(f"## {title}\n")
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"{machine()}; {time.strftime('%Y-%m-%d %H:%M')}; load average {load} (other work on the machine skews the numbers)")
    if note:
        print(note)
    print()


def table(headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    """A Markdown table, so that RESULTS.md shows the output as is."""
    print("| " + " | ".join(headers) + " |")
    print("|" + "|".join("---" for _ in headers) + "|")
    for row in rows:
        print("| " + " | ".join(str(cell) for cell in row) + " |")
    print()


@contextlib.contextmanager
def scratch(prefix: str = "essa-bench-") -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix=prefix) as tmp:
        yield Path(tmp)
