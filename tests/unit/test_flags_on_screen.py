"""Singapore's legal-coverage estimates carry their flag to the page, the image and the table (issue 11, item 3).

ILOSTAT's own download notes "Estimated based on legal coverage" on Singapore's
work-injury and maternity figures; the build flags them ``legal_estimate``. Here the
real app answers as a browser and an image client ask it.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from essa_dash import views
from essa_dash.app import create_app
from essa_dash.query.state import State
from essa_dash.serving import router_payload
from tests.unit.test_explorer_table import cells


@pytest.fixture(scope="module")
def client(built_root: Path):
    return create_app(built_root).server.test_client()


def test_the_country_page_marks_and_words_the_flag(client) -> None:
    response = client.post("/_dash-update-component", json=router_payload("/country/SGP", ""))
    assert response.status_code == 200
    page = json.dumps(json.loads(response.get_data(as_text=True)), ensure_ascii=False)
    assert "95.9% (2021) †" in page  # the mark beside Singapore's work-injury value
    assert "legal-coverage estimate: Estimated from legal coverage, not from people actually covered." in page  # its hover
    assert "Marked legal-coverage estimate: Singapore work injury (95.9%, 2021)" in page  # "What the chart shows"


def test_the_image_carries_the_mark_and_its_key(client) -> None:
    response = client.get("/img/country-bars.svg?country=SGP")
    assert response.status_code == 200
    svg = response.get_data(as_text=True)
    assert "95.9% (2021) †" in svg
    assert "† Flagged: legal-coverage estimate" in svg  # the footnote key: an image has no hover


def test_the_table_names_the_flag(client, store) -> None:
    response = client.post("/_dash-update-component", json=router_payload("/data", "?country=SGP&risk=employment_injury"))
    assert response.status_code == 200
    body = json.loads(response.get_data(as_text=True))
    flags = cells(body["response"]["_pages_content"]["children"], "flags")
    coverage = store.coverage
    noted = coverage[(coverage["iso3"] == "SGP") & (coverage["risk"] == "employment_injury") & ~coverage["withdrawn"]]
    expected = int(noted["obs_flags"].fillna("").str.contains("legal_estimate").sum())
    assert expected >= 3  # every sex of the 2021 figure ILOSTAT notes, at least
    assert sum(str(flag).startswith("legal-coverage estimate") for flag in flags) == expected


def test_the_map_marks_flagged_countries(store) -> None:
    built = views.build("risk-map", store, State(risk=("employment_injury",)))
    marks = next(t for t in built.figure.data if t.name == "flag marks")
    assert "THA" in marks.locations  # Thailand's work-injury figure: sources disagree
    rings = next(t for t in built.figure.data if t.name == "small states")
    assert "Singapore †" in rings.text  # a small state carries the mark in its ring's label
    assert "† Flagged: legal-coverage estimate" in built.text.source
