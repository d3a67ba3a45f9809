"""Workers sharing one answer store, then replicas behind Debian's nginx with deploy/nginx.conf: spread, caching, failover, capacity.

Usage: ``.venv/bin/python bench/bench_replicas.py [--duration 15] [--failover-seconds 12] [--views 12] [--repeats 6]``

First, one server (``serve --prod`` as shipped, two workers): a view nobody drew before
(three countries: never precomputed) is drawn once, then asked again ``--repeats`` times,
each on a new connection, as new visitors do; the worker that accepted each connection is
read from /proc (which process holds the server's end of the socket), so the table shows
whether a repeat landing on another worker than the one that drew it is a store hit
(``X-ESSA-Cache: hit``) and what it costs, beside the static file fetched the same way.

Runs deploy/nginx.conf itself, rewritten only where a loopback test must differ
(ports, ``listen``, pid, logs, cache and temp paths under a temporary directory; the
system's nginx and its files are never touched). Three production replicas (one worker
each, ``ESSA_REPLICA=a`` / ``b`` / ``c`` so every answer names its replica) share one data
build, read-only. It shows:

1. spread: which replica answered each of 40 uncached requests;
2. caching: a fingerprinted script and an API answer, MISS then HIT at nginx;
3. failover: page opens by 4 concurrent users while replica a is stopped (SIGTERM,
   graceful), then while replica b is killed (SIGKILL, a crash): failed requests, total
   and after the stop (nginx retries on the other replica, ``proxy_next_upstream``);
4. capacity: page opens per second through nginx with one replica, then with two
   (wrk, as bench_load.py) of never-drawn views (three-country selections, bench_load's),
   the ratio being what adding a replica buys.

Every server is ``serve --prod`` as shipped: precomputing on, render lane on.
"""

from __future__ import annotations

import argparse
import collections
import contextlib
import http.client
import os
import pwd
import re
import shutil
import signal
import subprocess
import threading
import time
import urllib.request
from pathlib import Path

from _harness import (
    PROJECT_DIR,
    Call,
    Client,
    Server,
    built_data,
    existing_pages,
    free_port,
    header,
    median,
    percentile,
    process_parts,
    router_call,
    scratch,
    table,
)
from bench_load import never_drawn, page_opens, run_wrk, write_script

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
CONFIG = PROJECT_DIR / "deploy" / "nginx.conf"


def render_config(tmp: Path, port: int, upstreams: list[int]) -> Path:
    """deploy/nginx.conf with loopback ports and every path under ``tmp``."""
    text = CONFIG.read_text()
    servers = "\n".join(f"        server 127.0.0.1:{p} max_fails=1 fail_timeout=10s;" for p in upstreams)
    text, n = re.subn(r"(?m)^\s*server 127\.0\.0\.1:805\d[^\n]*\n(?:\s*server 127\.0\.0\.1:805\d[^\n]*\n)*", servers + "\n", text)
    if n != 1:
        raise RuntimeError("deploy/nginx.conf: the upstream servers are not where this test expects them")
    replacements = {
        "listen 80;": f"listen 127.0.0.1:{port};",
        "listen 80 default_server;": f"listen 127.0.0.1:{port} default_server;",
        "server_name essa.example.org;": "server_name essa.example.org 127.0.0.1;",
        "pid /run/nginx-essa.pid;": f"pid {tmp}/nginx.pid;\ndaemon off;",
        "/var/log/nginx/essa-error.log": f"{tmp}/error.log",
        "/var/log/nginx/essa-access.log": f"{tmp}/access.log",
        "/var/cache/nginx/essa": f"{tmp}/cache",
        "worker_processes auto;": "worker_processes 1;",
    }
    for old, new in replacements.items():
        if old not in text:
            raise RuntimeError(f"deploy/nginx.conf: {old!r} not found")
        text = text.replace(old, new)
    temps = "".join(f"    {name}_temp_path {tmp}/{name};\n" for name in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    text = text.replace("http {\n", "http {\n" + temps, 1)
    path = tmp / "nginx.conf"
    path.write_text(text)
    return path


class Nginx:
    """Debian's nginx in the foreground, its own process group, everything under a temporary directory."""

    def __init__(self, tmp: Path, upstreams: list[int]) -> None:
        self.tmp = tmp
        tmp.mkdir(parents=True, exist_ok=True)
        self.port = free_port()
        self.config = render_config(tmp, self.port, upstreams)
        if os.geteuid() == 0:
            # nginx's workers drop to nobody: let them write the cache and temp files
            nobody = pwd.getpwnam("nobody")
            for path in [tmp, *tmp.rglob("*")]:
                os.chown(path, nobody.pw_uid, nobody.pw_gid)
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> Nginx:
        check = subprocess.run(
            [NGINX, "-t", "-q", "-e", str(self.tmp / "error.log"), "-c", str(self.config)], capture_output=True, text=True
        )
        if check.returncode:
            raise RuntimeError(f"nginx -t: {check.stderr}")
        command = [NGINX, "-e", str(self.tmp / "error.log"), "-p", str(self.tmp), "-c", str(self.config)]
        self.proc = subprocess.Popen(command, start_new_session=True)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            with contextlib.suppress(OSError), urllib.request.urlopen(self.url + "/_dash-layout", timeout=5) as response:
                if response.status == 200:
                    return self
            time.sleep(0.1)
        self.__exit__()
        raise RuntimeError(f"nginx did not answer; {self.tmp / 'error.log'}:\n{(self.tmp / 'error.log').read_text()}")

    def __exit__(self, *_exc: object) -> None:
        if self.proc and self.proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGQUIT)  # graceful: finish what is in flight
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=5)


def spread(url: str, n: int = 40) -> collections.Counter[str]:
    client = Client(url)
    seen: collections.Counter[str] = collections.Counter()
    try:
        for _ in range(n):
            _, status, _, headers = client.fetch(Call("layout", "GET", "/_dash-layout"))
            seen[headers.get("x-essa-replica", "?") if status == 200 else f"HTTP {status}"] += 1
    finally:
        client.close()
    return seen


def cache_status(url: str, path: str) -> list[str]:
    client = Client(url)
    try:
        return [client.fetch(Call("cached", "GET", path))[3].get("x-cache", "-") for _ in range(3)]
    finally:
        client.close()


class Users:
    """``users`` threads opening pages through nginx until stopped; every answer recorded with its time."""

    def __init__(self, url: str, pages: list[str], users: int = 4) -> None:
        self.url = url
        self.calls = [c for page in pages for c in (Call("page", "GET", page), router_call(page))]
        self.results: list[tuple[float, bool, str]] = []  # (time, ok, replica)
        self.lock = threading.Lock()
        self.running = threading.Event()
        self.threads = [threading.Thread(target=self._user, args=(i,), daemon=True) for i in range(users)]

    def _user(self, offset: int) -> None:
        client = Client(self.url, timeout=30)
        i = offset * 3
        while self.running.is_set():
            call = self.calls[i % len(self.calls)]
            i += 1
            try:
                _, status, _, headers = client.fetch(call)
                ok, replica = status == 200, headers.get("x-essa-replica", "?")
            except (OSError, http.client.HTTPException):  # refused, reset, or an answer cut short (a replica killed mid-answer)
                ok, replica = False, "-"
                client.close()
                client = Client(self.url, timeout=30)
            with self.lock:
                self.results.append((time.monotonic(), ok, replica))
        client.close()

    def __enter__(self) -> Users:
        self.running.set()
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self.running.clear()
        for thread in self.threads:
            thread.join(timeout=60)

    def summary(self, since: float) -> tuple[int, int, int, collections.Counter[str]]:
        """(requests, failed, failed after ``since``, answers per replica after ``since``)."""
        with self.lock:
            results = list(self.results)
        after = [r for r in results if r[0] >= since]
        return (
            len(results),
            sum(not ok for _, ok, _ in results),
            sum(not ok for _, ok, _ in after),
            collections.Counter(r for _, ok, r in after if ok),
        )


def failover(url: str, pages: list[str], victim: Server, sig: int, seconds: float) -> list[str]:
    with Users(url, pages) as users:
        time.sleep(seconds / 3)
        stopped_at = time.monotonic()
        victim.stop(sig=sig)
        time.sleep(seconds * 2 / 3)
    total, failed, failed_after, replicas = users.summary(stopped_at)
    name = victim.env["ESSA_REPLICA"]
    how = "SIGTERM (graceful stop)" if sig == signal.SIGTERM else "SIGKILL (crash)"
    answered = ", ".join(f"{k}: {v}" for k, v in sorted(replicas.items()))
    return [f"replica {name} stopped by {how} after {seconds / 3:.0f} s", str(total), str(failed), str(failed_after), answered]


def capacity(url: str, views: list[str], tmp: Path, seconds: int, users: int = 20) -> float:
    """Page opens per second of views no replica has drawn (bench_load.py's never-drawn views)."""
    script = write_script(tmp / "capacity.lua", page_opens(views, static=False), users)
    result = run_wrk(url, script, users, seconds)
    return len(result.times("callback")) / result.seconds


def tcp_inode(local_port: int, remote_port: int) -> int | None:
    """The socket inode of the loopback TCP connection from ``remote_port`` to ``local_port`` (the server's end)."""
    for table_path in ("/proc/net/tcp", "/proc/net/tcp6"):
        with contextlib.suppress(OSError):
            for line in Path(table_path).read_text().splitlines()[1:]:
                fields = line.split()
                local, remote = int(fields[1].rsplit(":", 1)[1], 16), int(fields[2].rsplit(":", 1)[1], 16)
                if (local, remote) == (local_port, remote_port):
                    return int(fields[9])
    return None


def worker_of(server: Server, client: Client) -> int | None:
    """The pid of the worker holding the server's end of ``client``'s connection (it accepted it)."""
    sock = client.conn.sock
    inode = tcp_inode(server.port, sock.getsockname()[1]) if sock else None
    if inode is None:
        return None
    target = f"socket:[{inode}]"
    for part, pid in process_parts(server):
        if part == "workers" and target in open_files(pid):
            return pid
    return None


def open_files(pid: int) -> set[str]:
    """What each open file descriptor of ``pid`` points at (``socket:[inode]`` for a socket)."""
    found = set()
    with contextlib.suppress(OSError):
        for fd in Path(f"/proc/{pid}/fd").iterdir():
            with contextlib.suppress(OSError):  # closed while we looked
                found.add(str(fd.readlink()))
    return found


def on_new_connection(server: Server, call: Call) -> tuple[float, int, str, int | None]:
    """(seconds, status, X-ESSA-Cache, worker pid) of ``call`` on a connection of its own."""
    client = Client(server.url)
    try:
        seconds, status, _, headers = client.fetch(call)
        return seconds, status, headers.get("x-essa-cache", "-"), worker_of(server, client)
    finally:
        client.close()


def repeats_across_workers(data: Path, views: list[str], repeats: int) -> None:
    """Each view drawn once, then asked ``repeats`` times on new connections: hits and times by worker."""
    with Server("prod", data, workers=2) as server:
        server.wait_workers(2)
        static = server.url  # the static file of the same server, fetched the same way (a new connection each)
        script = next(u for u in re.findall(r'src="(/[^"]+dash_renderer[^"]+)"', urllib.request.urlopen(static + "/").read().decode()))
        statics = [on_new_connection(server, Call("static", "GET", script))[0] for _ in range(len(views) * repeats)]
        first, same, other, unknown = [], [], [], 0
        for view in views:
            seconds, status, cache, drawer = on_new_connection(server, router_call(view))
            if status != 200:
                raise RuntimeError(f"{view}: HTTP {status}")
            first.append((seconds, cache))
            for _ in range(repeats):
                seconds, status, cache, worker = on_new_connection(server, router_call(view))
                if status != 200:
                    raise RuntimeError(f"{view}: HTTP {status}")
                if worker is None or drawer is None:
                    unknown += 1
                else:
                    (same if worker == drawer else other).append((seconds, cache))
        base = median(statics)
        header(
            "Repeats on new connections, across workers (serve --prod as shipped, 2 workers)",
            f"{len(views)} three-country views nobody drew before, each drawn once then asked {repeats} times, every request "
            "on a new connection; the worker that accepted it read from /proc; baseline: the page's dash_renderer script "
            "(a static file) fetched the same way, as many times",
        )
        rows = [["first draw (any worker)", *stats(first, base)]]
        rows += [["repeat, on the worker that drew it", *stats(same, base)], ["repeat, on the other worker", *stats(other, base)]]
        rows += [["static file (baseline)", str(len(statics)), "", f"{base * 1000:.1f} / {percentile(statics, 95) * 1000:.1f}", "1x"]]
        table(["request", "answers", "store hits", "median / p95 ms", "median x static"], rows)
        if unknown:
            print(f"- {unknown} repeats whose worker could not be read (connection gone before the lookup) are left out")
        print()


def stats(answers: list[tuple[float, str]], base: float) -> list[str]:
    if not answers:
        return ["0", "", "-", "-"]
    times = [t for t, _ in answers]
    hits = sum(1 for _, cache in answers if cache == "hit")
    return [
        str(len(answers)),
        f"{hits} of {len(answers)}",
        f"{median(times) * 1000:.1f} / {percentile(times, 95) * 1000:.1f}",
        f"{median(times) / base:.1f}x",
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=15, help="seconds of load per capacity measure (default 15)")
    parser.add_argument("--failover-seconds", type=float, default=12, help="seconds of load per failover test (default 12)")
    parser.add_argument("--views", type=int, default=12, help="never-drawn views in the repeats test (default 12)")
    parser.add_argument("--repeats", type=int, default=6, help="repeats of each on new connections (default 6)")
    args = parser.parse_args()

    from essa_dash.store import read_store

    pages = existing_pages()
    with scratch() as tmp:
        tmp.chmod(0o755)  # nginx's workers (nobody) must reach their cache under it
        data = built_data(tmp / "data")
        data.chmod(0o555)  # the shared snapshot is read-only: replicas never write to it
        store = read_store(data)
        repeats_across_workers(data, never_drawn(store, 2, 3)[: args.views], args.repeats)
        if not Path(NGINX).exists():
            print("- nginx is missing (apt-get install nginx): the replicas behind nginx were not measured")
            return
        replicas = [Server("prod", data, workers=1, env={"ESSA_REPLICA": name}) for name in ("a", "b", "c")]
        try:
            for replica in replicas:
                replica.launch()
            for replica in replicas:
                replica.wait_ready()
            header(
                "Replicas behind nginx (deploy/nginx.conf on loopback)",
                f"3 replicas x 1 worker on one data snapshot (read-only); nginx {nginx_version()}",
            )
            # each capacity run gets its own share of the never-drawn views (the repeats test had the third)
            with Nginx(tmp / "nginx-one", [replicas[0].port]) as nginx:
                one = capacity(nginx.url, never_drawn(store, 0, 3), tmp, args.duration)
            with Nginx(tmp / "nginx-two", [r.port for r in replicas[:2]]) as nginx:
                two = capacity(nginx.url, never_drawn(store, 1, 3), tmp, args.duration)
            with Nginx(tmp / "nginx", [r.port for r in replicas]) as nginx:
                seen = spread(nginx.url, 60)
                print(f"- spread of 60 uncached requests (/_dash-layout) over 3 replicas: {dict(sorted(seen.items()))}")
                client = Client(nginx.url)
                _, _, index, _ = client.fetch(Call("index", "GET", "/"), encoding="identity")
                client.close()
                script = next(u for u in re.findall(r'src="([^"]+dash_renderer[^"]+)"', index.decode()))
                print(f"- nginx cache, fingerprinted script, 3 requests: {cache_status(nginx.url, script)}")
                api = "/api/v1/coverage.csv?country=VNM,IDN&risk=old_age&sex=total&year_from=2015"
                print(f"- nginx cache, API answer, 3 requests: {cache_status(nginx.url, api)}")
                print(f"- nginx cache, router callback (POST, no-store), 3 requests: {post_cache_status(nginx.url)}")
                print()
                rows = [
                    failover(nginx.url, pages, replicas[0], signal.SIGTERM, args.failover_seconds),
                    failover(nginx.url, pages, replicas[1], signal.SIGKILL, args.failover_seconds),
                ]
            table(
                ["capacity through nginx (20 users, no pause, new views)", "page opens/s"],
                [["1 replica x 1 worker", f"{one:.1f}"], ["2 replicas x 1 worker", f"{two:.1f}"], ["ratio", f"{two / one:.2f}x"]],
            )
            table(["failover (4 users opening pages)", "requests", "failed", "failed after the stop", "answered after, by replica"], rows)
        finally:
            for replica in replicas:
                replica.stop()
            data.chmod(0o755)


def post_cache_status(url: str) -> list[str]:
    client = Client(url)
    try:
        return [client.fetch(router_call("/"))[3].get("x-cache", "-") for _ in range(3)]
    finally:
        client.close()


def nginx_version() -> str:
    out = subprocess.run([NGINX, "-v"], capture_output=True, text=True).stderr.strip()
    return out.split("/")[-1] if "/" in out else out


if __name__ == "__main__":
    main()
