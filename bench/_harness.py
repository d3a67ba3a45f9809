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
        """Wait until the server has ``count`` child processes (gunicorn boots workers after it answers)."""
        deadline = time.monotonic() + timeout
        while self.proc is not None and len(children(self.proc.pid)) < count and time.monotonic() < deadline:
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


def memory_line(server: Server) -> str:
    parts = []
    total_pss = 0
    for i, pid in enumerate(server.pids()):
        rss, pss = memory_kib(pid)
        total_pss += pss
        parts.append(f"{'master' if i == 0 else f'worker{i}'} RSS {rss / 1024:.0f} MiB (PSS {pss / 1024:.0f})")
    return f"{', '.join(parts)}; all processes PSS {total_pss / 1024:.0f} MiB"


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


def wait_precomputed(server: Server, timeout: float) -> float:
    """Seconds from the server's start until its precomputing process said it was done."""
    from essa_dash.precompute import DONE

    start = time.monotonic()
    while DONE not in (server.log.read_text(errors="replace") if server.log else ""):
        if time.monotonic() - start > timeout:
            raise RuntimeError(f"precomputing not done after {timeout:.0f} s:\n{server.log_tail()}")
        time.sleep(1)
    return time.monotonic() - start + server.started_in


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
