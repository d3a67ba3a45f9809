"""Browser fixtures: the real app as a subprocess, driven by Playwright in Debian's Chromium.

Every page a test opens is watched: a console error, a failed request or any request
to an address other than the local server fails the test at teardown.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, Request, expect, sync_playwright

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"
#: Flags that keep Chromium from calling home (the machine has no network; the room may not either).
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


# An assertion waits for the page to reach the state it needs, up to this long: a redraw on a loaded two-core CI
# machine can take longer than Playwright's default 5 s, and a passing test never waits for the full time.
expect.set_options(timeout=20_000)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def base_url(built_root: Path) -> Iterator[str]:
    """The dashboard served by `essa-dash serve` on a free loopback port."""
    with serve(built_root) as url:
        yield url


@contextmanager
def serve(root: Path, log_name: str = "server.log") -> Iterator[str]:
    """`essa-dash serve` of the data directory ``root`` on a free loopback port, stopped on leaving."""
    port = _free_port()
    env = {**os.environ, "ESSA_DATA_DIR": str(root)}
    log = (ARTIFACTS / log_name).open("w") if ARTIFACTS.mkdir(exist_ok=True) is None else None
    proc = subprocess.Popen(
        [sys.executable, "-m", "essa_dash.cli", "serve", "--port", str(port)], env=env, stdout=log, stderr=subprocess.STDOUT
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(url + "/", timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"server did not start; see {ARTIFACTS / log_name}") from None
                time.sleep(0.2)
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        if log:
            log.close()


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium (./dev test does)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def _left_behind(request: Request) -> bool:
    """A request the browser itself abandoned: the test went to the next page while a callback was still answering.

    Chromium then reports the unfinished callback as failed (net::ERR_ABORTED); that is the
    test moving on, not the app failing. A refused connection or any other failure still fails the test.
    """
    return request.failure == "net::ERR_ABORTED"


@pytest.fixture
def page(browser: Browser, base_url: str) -> Iterator[Page]:
    """A fresh desktop-sized page; fails the test on console errors or non-local requests."""
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    page = context.new_page()
    problems: list[str] = []
    page.on("console", lambda msg: problems.append(f"console {msg.type}: {msg.text}") if msg.type in ("error", "warning") else None)
    page.on("pageerror", lambda exc: problems.append(f"page error: {exc}"))
    page.on("requestfailed", lambda req: None if _left_behind(req) else problems.append(f"failed request: {req.url} ({req.failure})"))
    page.on(
        "request",
        lambda req: None if req.url.startswith((base_url, "data:", "blob:")) else problems.append(f"non-local request: {req.url}"),
    )
    yield page
    context.close()
    assert problems == [], "\n".join(problems)


def screenshot(page: Page, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


#: The page is settled: Dash's page replaced the HTML's copy (essa_dash/first_view.py), its controls are on screen and
#: no callback is in flight.
_SETTLED = (
    "(before) => { const form = document.querySelector('#react-entry-point form.controls');"
    " if (document.getElementById('first-view')) return false;"
    " return form !== null && form.dataset.renderedUrl !== before"
    " && document.querySelector('[data-dash-is-loading=\"true\"]') === null; }"
)


def rendered_url(page: Page) -> str | None:
    """The URL the controls on screen were drawn for (every default spelled out), or None before they are."""
    return page.evaluate("() => document.querySelector('#react-entry-point form.controls')?.dataset.renderedUrl ?? null")


def choose(page: Page, param: str, option: str) -> None:
    """Pick ``option`` in the Dash 4 dropdown bound to URL parameter ``param`` (keyboard-free, as a mouse user).

    Waits for the page to settle first, and afterwards until the page was redrawn for
    the new choice: opening the next control during the redraw would act on controls
    about to be replaced (the cause of a test that failed 4 times in 5 on a busy machine).
    """
    page.wait_for_function(_SETTLED, arg=None, timeout=30_000)
    before = rendered_url(page)
    page.locator(f"#control-{param} button").first.click()
    page.get_by_role("option", name=option, exact=True).click()
    page.wait_for_function(_SETTLED, arg=before, timeout=30_000)


def wait_for_graph(page: Page, graph_id: str) -> None:
    """Wait until Dash's graph ``graph_id`` is drawn and the HTML's copy of the page (first_view.py) is gone."""
    page.wait_for_selector(f"#react-entry-point #{graph_id} .main-svg", timeout=30_000)
    page.wait_for_selector("#first-view", state="detached", timeout=30_000)
