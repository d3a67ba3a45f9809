"""Link, embed, image, slideshow and deck routes, through the Flask test client."""

from __future__ import annotations

import io
import json
import re
import struct
import time
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from pptx import Presentation

from essa_dash.app import create_app
from essa_dash.cli import main
from essa_dash.query.state import State
from essa_dash.store import Store


@pytest.fixture(scope="module")
def client(built_root: Path) -> FlaskClient:
    return create_app(built_root).server.test_client()


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", data[16:24])


def test_embed_page_holds_the_chart_and_no_inline_code(client: FlaskClient) -> None:
    response = client.get("/embed/country-bars?country=KHM&edition=ilostat-2025")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    scripts = re.findall(r"<script([^>]*)>", page)
    assert all('type="application/json"' in attrs or "src=" in attrs for attrs in scripts)  # data or files, never inline code
    figure = json.loads(re.search(r'<script type="application/json" id="figure">(.*?)</script>', page, re.S).group(1))
    assert figure["layout"]["title"]["text"].startswith("<b>Cambodia beside ASEAN and World")
    assert 'href="/country/KHM?edition=ilostat-2025"' in page  # the permalink of the same view


@pytest.mark.parametrize(
    ("url", "status"),
    [
        ("/embed/nope", 404),
        ("/embed/country-bars?country=ATLANTIS", 400),
        ("/img/country-bars.gif", 404),
        ("/img/country-bars.png?width=10", 400),
    ],
)
def test_bad_share_requests_are_refused_in_json(client: FlaskClient, url: str, status: int) -> None:
    response = client.get(url)
    assert response.status_code == status
    assert "error" in response.get_json()


def test_image_has_the_asked_size(client: FlaskClient) -> None:
    response = client.get("/img/overview-heatmap.png?edition=ilostat-2025&width=1280&height=720")
    assert response.status_code == 200 and response.mimetype == "image/png"
    assert png_size(response.data) == (1280, 720)
    assert response.headers["Cache-Control"] == "public, max-age=3600"


def test_svg_image_carries_its_source_and_data_release(client: FlaskClient, store: Store) -> None:
    response = client.get("/img/country-bars.svg?country=VNM")
    assert response.status_code == 200
    svg = response.get_data(as_text=True)
    assert "Source: ILO. ILOSTAT" in svg
    assert f"Data release {store.release.id}, version {store.release.version}" in svg  # the footer's last line, as SVG text


def test_a_long_source_never_pushes_the_release_out_of_a_small_image(client: FlaskClient, store: Store) -> None:
    svg = client.get("/img/overview-heatmap.svg?width=600&height=400").get_data(as_text=True)
    assert store.release.id in svg  # the source is shortened with an ellipsis; the release line never is


def test_the_embed_footer_names_the_data_release(client: FlaskClient, store: Store) -> None:
    page = client.get("/embed/country-bars?country=KHM").get_data(as_text=True)
    footer = page[page.index('class="embed-link"') :]
    assert f"Data release {store.release.id}, version {store.release.version}" in footer


def test_slideshow_has_one_slide_per_chart(client: FlaskClient) -> None:
    response = client.get("/present?views=/&views=/country/PHL")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    # the overview's heatmap and coverage beside informal employment, the Philippines' four charts (SDG series included)
    assert page.count('class="slide"') == 6
    assert client.get("/present").status_code == 400
    assert client.get("/present?views=/nowhere").status_code == 400


def test_deck_from_the_browser(client: FlaskClient) -> None:
    response = client.get("/deck.pptx?title=Seminar&views=/country/PHL&native=true")
    assert response.status_code == 200
    deck = Presentation(io.BytesIO(response.data))
    assert deck.slides[0].shapes.title.text == "Seminar"
    assert deck.slides[-1].shapes.title.text == "About the data"
    titles = [slide.shapes.title.text for slide in list(deck.slides)[1:-1]]
    charts = {re.sub(r" \(\d+ of \d+\)$", "", title) for title in titles}
    assert len(charts) == 4  # the Philippines' four charts; a native chart too dense for one slide goes on titled slides
    assert len(titles) > 4 and "(1 of 2)" in titles[0] and "(2 of 2)" in titles[1]
    kinds = [{shape.shape_type for shape in slide.shapes} for slide in list(deck.slides)[1:-1]]
    assert any(3 in k for k in kinds)  # a native chart (MSO_SHAPE_TYPE.CHART)
    assert all(slide.notes_slide.notes_text_frame.text.startswith("WHAT THE CHART SHOWS") for slide in list(deck.slides)[1:-1])


def test_deck_from_the_command_line(built_root: Path, tmp_path: Path, capsys) -> None:
    spec = tmp_path / "seminar.yaml"
    spec.write_text("title: ASEAN seminar\nviews:\n  - /country/VNM\n  - /embed/overview-heatmap?edition=ilostat-2025\n")
    out = tmp_path / "seminar.pptx"
    assert main(["deck", str(spec), "--out", str(out), "--data-dir", str(built_root)]) == 0
    deck = Presentation(str(out))
    assert len(deck.slides) == 1 + 3 + 1 + 1  # cover, Viet Nam's three charts (no sex split), the heatmap, About the data
    pictures = [shape for slide in list(deck.slides)[1:] for shape in slide.shapes if shape.shape_type == 13]
    assert len(pictures) == 4
    notes = deck.slides[1].notes_slide.notes_text_frame.text
    assert "SOURCES" in notes and "ILOSTAT" in notes and "FIGURES" in notes and "DATA RELEASE" in notes
    printed = capsys.readouterr()
    assert "wrote" in printed.out
    assert "slide 1/4: " in printed.err and "slide 4/4: " in printed.err  # progress, one line per chart


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ('{"views": []}', "non-empty list"),
        ('{"views": ["/nowhere"]}', "no charts at '/nowhere'"),
        ('{"views": ["/"], "colour": "red"}', "unknown keys"),
        ("[1, 2", "not a readable JSON or YAML"),
    ],
)
def test_bad_deck_specs_write_nothing(built_root: Path, tmp_path: Path, capsys, spec: str, message: str) -> None:
    path = tmp_path / "spec.json"
    path.write_text(spec)
    out = tmp_path / "out.pptx"
    assert main(["deck", str(path), "--out", str(out), "--data-dir", str(built_root)]) == 2
    assert message in capsys.readouterr().err
    assert not out.exists()


def wait_for_end(client: FlaskClient, job_id: str) -> tuple[dict[str, object], list[tuple[int, str]]]:
    """Poll a deck job until it ends (the state it reaches, not a time); its last status and every (done, state) seen."""
    seen = []
    for _ in range(2400):
        status = client.get(f"/deck/jobs/{job_id}").get_json()
        seen.append((status["done"], status["state"]))
        if status["state"] not in ("queued", "running"):
            return status, seen
        time.sleep(0.05)
    raise AssertionError(f"the deck job never ended: {seen[-1]}")


def test_a_deck_job_reports_progress_then_serves_its_deck(client: FlaskClient, store: Store) -> None:
    from essa_dash.export import jobs
    from essa_dash.views import build

    views = "/embed/country-bars?country=KHM\n/embed/country-sex?country=KHM"
    drawn = [b for chart in ("country-bars", "country-sex") if (b := build(chart, store, State(country=("KHM",)))) is not None]
    with client.application.test_request_context():
        job = jobs.start(views, title="Seminar", native=True, lang="en", total=2)
    status, seen = wait_for_end(client, job.id)
    assert status["state"] == "done" and status["done"] == status["total"] == len(drawn)
    assert all(done <= len(drawn) for done, _ in seen)
    response = client.get(status["download"])
    assert response.status_code == 200
    titles = [slide.shapes.title.text for slide in list(Presentation(io.BytesIO(response.data)).slides)[1:-1]]
    assert {re.sub(r" \(\d+ of \d+\)$", "", title) for title in titles} == {
        re.sub(r"</?b>", "", b.figure.layout.title.text.split("<br>")[0]) for b in drawn
    }
    assert not [p for p in jobs.folder(client.application).iterdir() if p.name.startswith(f".{job.id}")]  # no half-written file left


def test_a_deck_job_is_written_in_its_language(client: FlaskClient) -> None:
    from essa_dash.export import jobs

    with client.application.test_request_context(headers={"Accept-Language": "en"}):
        job = jobs.start("/embed/country-bars?country=KHM", title="Hội thảo", native=False, lang="vi", total=1)
    status, _ = wait_for_end(client, job.id)
    assert status["state"] == "done"
    deck = Presentation(io.BytesIO(client.get(status["download"]).data))
    assert list(deck.slides)[-1].shapes.title.text != "About the data"  # the closing slide's title, in Vietnamese


@pytest.mark.parametrize("job_id", ["nope", "A" * 22, "a.b;rm", "A" * 200])
def test_an_unknown_or_malformed_deck_job_is_a_404(client: FlaskClient, job_id: str) -> None:
    assert client.get(f"/deck/jobs/{job_id}").status_code == 404
    assert client.get(f"/deck/jobs/{job_id}.pptx").status_code == 404


def test_deck_jobs_are_bounded(client: FlaskClient, monkeypatch: pytest.MonkeyPatch) -> None:
    from essa_dash.export import jobs

    monkeypatch.setattr(jobs, "MAX_RUNNING", 0)
    with client.application.test_request_context(), pytest.raises(jobs.BusyError, match="try again"):
        jobs.start("/", title="x", native=True, lang="en", total=1)


def test_a_deck_job_whose_builder_died_is_reported_failed_and_frees_its_place(client: FlaskClient, monkeypatch: pytest.MonkeyPatch) -> None:
    """A killed lane leaves its job 'running' on disk: past its deadline it is said to have failed, and counts no more."""
    from essa_dash.export import jobs

    monkeypatch.setattr(jobs, "MAX_RUNNING", 1)
    orphan = jobs.Job("o" * 22, "/", "x", False, "en", 3, deadline=time.time() - jobs.STALE_SECONDS - 1, state="running")
    jobs._write(jobs.folder(client.application), orphan)
    status = client.get(f"/deck/jobs/{orphan.id}").get_json()
    assert status["state"] == "failed" and "start it again" in status["error"] and status["download"] is None
    monkeypatch.setattr(jobs, "run", lambda *_args: None)  # nothing built: only the counting is tested
    with client.application.test_request_context():
        queued = jobs.start("/", title="x", native=False, lang="en", total=1)
    jobs._delete(jobs.folder(client.application), queued.id)
