"""The heavy lane (essa_dash.lane): images, decks and slideshows drawn by a low-priority process of their own.

The lane is forked from this test process, as serving.run forks it from gunicorn's master,
and the app's test client plays a worker: its heavy requests go to the lane and come back,
and the /deck page's builds it queues are built there.
"""

from __future__ import annotations

import io
import os
import signal
import socket
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from pptx import Presentation

from essa_dash import callback_cache, lane
from essa_dash.app import create_app
from essa_dash.export import images, slides
from tests.reliability.test_bad_input_matrix import deck_build, ended, job_of


@pytest.fixture
def worker(built_root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[FlaskClient, int]]:
    """A client whose heavy requests go to a lane forked for this test; (client, the lane's supervisor pid)."""
    server = create_app(built_root).server
    monkeypatch.setattr(lane, "_address", None)  # start() sets it; undone after the test
    supervisor = lane.start(server, tmp_path)
    try:
        yield server.test_client(), supervisor
    finally:
        os.kill(supervisor, signal.SIGTERM)
        os.waitpid(supervisor, 0)


def lane_pid(supervisor: int, timeout: float = 10) -> int:
    deadline = time.monotonic() + timeout
    while not (children := images._children(supervisor)):
        assert time.monotonic() < deadline, "the supervisor started no lane"
        time.sleep(0.05)
    return children[0]


def test_an_image_is_drawn_by_the_lane_at_low_priority(worker: tuple[FlaskClient, int], monkeypatch: pytest.MonkeyPatch) -> None:
    client, supervisor = worker

    def not_here(*_args: object, **_kwargs: object) -> bytes:
        raise AssertionError("a worker with a lane draws no image itself")

    monkeypatch.setattr(images, "render", not_here)
    response = client.get("/img/country-bars.png?country=VNM&width=800&height=450")
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    assert response.mimetype == "image/png" and response.get_data().startswith(b"\x89PNG")
    assert "Content-Security-Policy" in response.headers and "filename=" in response.headers["Content-Disposition"]
    assert os.getpriority(os.PRIO_PROCESS, lane_pid(supervisor)) == lane.NICE


def test_a_bad_request_is_refused_without_waiting_for_a_busy_lane(worker: tuple[FlaskClient, int], monkeypatch: pytest.MonkeyPatch) -> None:
    client, supervisor = worker
    lane_pid(supervisor)
    monkeypatch.setenv("ESSA_RENDER_WAIT", "0.5")
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as hog:  # takes the lane, says nothing (held up to READ_TIMEOUT)
        hog.connect(str(lane._address))
        assert hog.recv(1) == lane.READY
        start = time.perf_counter()
        for url in ("/img/country-bars.png?width=100000", "/deck.pptx?" + "&".join(["views=/risk/old_age"] * 30), "/present"):
            assert client.get(url).status_code == 400, url
        assert time.perf_counter() - start < 2
        start = time.perf_counter()
        busy = client.get("/img/country-bars.png?country=KHM")
        waited = time.perf_counter() - start
    assert busy.status_code == 503 and busy.headers["Retry-After"].isdigit()
    assert "stayed busy" in busy.get_json()["error"] and 0.4 <= waited < 3


def test_a_killed_lane_is_a_503_or_a_wait_and_a_new_lane_answers(worker: tuple[FlaskClient, int]) -> None:
    client, supervisor = worker
    first = lane_pid(supervisor)
    os.kill(first, signal.SIGKILL)
    deadline = time.monotonic() + 30
    while (response := client.get("/img/country-bars.png?country=LAO&width=800&height=450")).status_code != 200:
        assert response.status_code == 503 and "Retry-After" in response.headers
        assert time.monotonic() < deadline, "no new lane answered"
        time.sleep(0.2)
    assert lane_pid(supervisor) != first


def test_a_deck_gets_what_is_left_of_its_time(worker: tuple[FlaskClient, int], monkeypatch: pytest.MonkeyPatch) -> None:
    client, _ = worker
    monkeypatch.setenv("ESSA_DECK_SECONDS", "0.001")
    start = time.perf_counter()
    response = client.get("/deck.pptx?views=/country/VNM")
    assert time.perf_counter() - start < 5
    assert response.status_code == 503 and "Retry-After" in response.headers
    assert "time allowed" in response.get_json()["error"]


def test_a_deck_pages_build_is_built_by_the_lane_and_followed_from_any_worker(
    worker: tuple[FlaskClient, int], built_root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Started through one worker, built by the lane (another process), polled and downloaded through another worker."""
    client, supervisor = worker
    built_here: list[object] = []
    monkeypatch.setattr(slides, "build_deck", lambda *args, **_kwargs: built_here.append(args) or b"")
    answer = client.post("/_dash-update-component", json=deck_build("/embed/country-bars?country=VNM\n/embed/country-bars?country=KHM"))
    assert answer.status_code == 200, answer.get_data(as_text=True)[:300]
    job_id = job_of(answer.get_data(as_text=True))
    monkeypatch.setenv(callback_cache.DIR_ENV, str(callback_cache.folder_of(client.application)))
    other = create_app(built_root).server.test_client()  # a second worker: the same shared folder, nothing else shared
    status = ended(other, job_id)
    assert status["state"] == "done" and status["done"] == status["total"] == 2, status
    deck = Presentation(io.BytesIO(other.get(str(status["download"])).data))
    assert len(deck.slides) == 1 + 2 + 1  # the cover, the two charts, About the data
    assert built_here == []  # the worker drew nothing
    assert os.getpriority(os.PRIO_PROCESS, lane_pid(supervisor)) == lane.NICE


def test_a_deck_pages_build_in_the_lane_keeps_the_deadline(worker: tuple[FlaskClient, int], monkeypatch: pytest.MonkeyPatch) -> None:
    client, _ = worker
    monkeypatch.setenv("ESSA_DECK_SECONDS", "0.001")  # used up before the lane takes the job
    answer = client.post("/_dash-update-component", json=deck_build("/embed/country-bars?country=KHM"))
    status = ended(client, job_of(answer.get_data(as_text=True)))
    assert status["state"] == "failed" and "time allowed" in str(status["error"])
