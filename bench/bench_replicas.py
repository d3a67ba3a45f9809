"""Two replicas behind Debian's nginx on loopback, with deploy/nginx.conf: spread, caching, failover, capacity.

Usage: ``.venv/bin/python bench/bench_replicas.py [--duration 15] [--failover-seconds 12]``

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
   (wrk, as bench_load.py), the ratio being what adding a replica buys.
"""

from __future__ import annotations

import argparse
import collections
import contextlib
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
    interleaved_views,
    router_call,
    scratch,
    table,
)
from bench_load import page_opens, run_wrk, write_script

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
            except OSError:
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
    """Page opens per second of views no replica has drawn (the new-views mix of bench_load.py)."""
    script = write_script(tmp / "capacity.lua", page_opens(views), users)
    result = run_wrk(url, script, users, seconds)
    return result["requests"] / (result["duration_us"] / 1e6) / 4


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=15, help="seconds of load per capacity measure (default 15)")
    parser.add_argument("--failover-seconds", type=float, default=12, help="seconds of load per failover test (default 12)")
    args = parser.parse_args()
    if not Path(NGINX).exists():
        raise SystemExit("nginx is missing: apt-get install nginx")

    from essa_dash.store import read_store

    pages = existing_pages()
    with scratch() as tmp:
        tmp.chmod(0o755)  # nginx's workers (nobody) must reach their cache under it
        data = built_data(tmp / "data")
        data.chmod(0o555)  # the shared snapshot is read-only: replicas never write to it
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
            # each capacity run gets its own half of the views, so both measure pages being computed
            views = interleaved_views(pages, read_store(data))
            with Nginx(tmp / "nginx-one", [replicas[0].port]) as nginx:
                one = capacity(nginx.url, views[: len(views) // 2], tmp, args.duration)
            with Nginx(tmp / "nginx-two", [r.port for r in replicas[:2]]) as nginx:
                two = capacity(nginx.url, views[len(views) // 2 :], tmp, args.duration)
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
