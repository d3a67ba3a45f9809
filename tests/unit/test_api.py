"""API contract: routes, filters, formats, errors and caching, against the real data."""

from __future__ import annotations

import io
import json
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from flask.testing import FlaskClient
from openapi_spec_validator import validate

from essa_dash.app import create_app
from essa_dash.export import tables
from essa_dash.query import select
from essa_dash.query.state import Vocabulary

QUERY = "country=VNM,IDN&risk=old_age&sex=total&year_from=2015"


@pytest.fixture(scope="module")
def client(built_root: Path) -> FlaskClient:
    return create_app(built_root).server.test_client()


def expected(store, query: str) -> pd.DataFrame:
    params = dict(pair.split("=") for pair in query.split("&")) if query else {}
    state, problems = Vocabulary.from_store(store).parse(params)
    assert problems == []
    return tables.export_frame(select(store.coverage, state), store)


def test_csv_is_exactly_the_filtered_view(client: FlaskClient, store) -> None:
    response = client.get(f"/api/v1/coverage.csv?{QUERY}")
    assert response.status_code == 200
    assert response.data.startswith(b"\xef\xbb\xbf")  # BOM: Excel opens accents correctly
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="essa-coverage_VNM-IDN_old_age_' in response.headers["Content-Disposition"]
    got = pd.read_csv(io.BytesIO(response.data), encoding="utf-8-sig", dtype={"year": "Int64"})
    want = expected(store, QUERY)
    assert len(got) == len(want) > 0
    assert got["coverage_pct"].tolist() == want["coverage_pct"].tolist()
    assert got["source_id"].tolist() == want["source_id"].tolist()
    assert set(got["iso3"]) == {"VNM", "IDN"} and (got["year"] >= 2015).all()


def test_every_format_holds_the_same_rows(client: FlaskClient, store) -> None:
    want = expected(store, QUERY)
    parquet = pd.read_parquet(io.BytesIO(client.get(f"/api/v1/coverage.parquet?{QUERY}").data))
    assert parquet["coverage_pct"].tolist() == want["coverage_pct"].tolist()
    body = json.loads(client.get(f"/api/v1/coverage.json?{QUERY}").data)
    assert [r["coverage_pct"] for r in body["data"]] == want["coverage_pct"].tolist()
    assert body["meta"]["row_count"] == len(want) and body["meta"]["filters"]["country"] == "VNM,IDN"
    book = openpyxl.load_workbook(io.BytesIO(client.get(f"/api/v1/coverage.xlsx?{QUERY}").data), read_only=True)
    assert book.sheetnames == ["Data", "Sources", "Definitions", "About"]
    assert sum(1 for _ in book["Data"].iter_rows()) == len(want) + 1  # header + rows


def test_latest_keeps_one_year_per_series(client: FlaskClient) -> None:
    body = json.loads(client.get("/api/v1/coverage.json?country=VNM&risk=old_age&edition=ilostat-2025&sex=total&latest=true").data)
    assert [(r["year"], r["coverage_pct"]) for r in body["data"]] == [(2019, 40.9)]


def test_withdrawn_values_are_not_served(client: FlaskClient) -> None:
    rows = json.loads(client.get("/api/v1/coverage.json?source=UNSDG_2020-04").data)["data"]
    assert rows == []


@pytest.mark.parametrize(
    ("query", "parameter", "fragment"),
    [
        ("country=XXX", "country", "unknown country 'XXX'"),
        ("risk=__import__('os')", "risk", "unknown risk"),
        ("sex=all", "sex", "unknown sex"),
        ("edition=latest", "edition", "unknown edition"),
        ("year_from=20x5", "year_from", "must be a year"),
        ("year=3000", "year", "must be a year"),
        ("latest=maybe", "latest", "true or false"),
        ("format=csv", "format", "unknown parameter 'format'"),
    ],
)
def test_bad_parameters_answer_400_naming_the_parameter(client: FlaskClient, query: str, parameter: str, fragment: str) -> None:
    response = client.get(f"/api/v1/coverage.csv?{query}")
    assert response.status_code == 400
    body = response.get_json()
    assert body["problems"][0]["parameter"] == parameter
    assert fragment in body["problems"][0]["message"]
    assert "Traceback" not in response.get_data(as_text=True)


def test_unknown_routes_and_methods_answer_json(client: FlaskClient) -> None:
    assert client.get("/api/v1/nope").get_json()["error"] == "no such API route: /api/v1/nope"
    assert client.get("/api/v1/coverage.txt").status_code == 404
    response = client.post("/api/v1/coverage.csv")
    assert response.status_code == 405 and "read-only" in response.get_json()["error"]


def test_metadata_routes(client: FlaskClient) -> None:
    countries = client.get("/api/v1/countries").get_json()
    assert {c["iso3"] for c in countries if c["is_asean_member"]} == {
        "BRN",
        "KHM",
        "IDN",
        "LAO",
        "MYS",
        "MMR",
        "PHL",
        "SGP",
        "THA",
        "TLS",
        "VNM",
    }
    risks = {r["risk"]: r for r in client.get("/api/v1/risks").get_json()}
    assert risks["unemployment"]["denominator"] == "Unemployed persons"
    editions = {e["slug"] for e in client.get("/api/v1/editions").get_json()}
    assert "ilostat-2025" in editions
    assert any(s["source_id"] == "ILOSTAT_DDF_2025" for s in client.get("/api/v1/sources").get_json())


def test_answers_are_cacheable_and_conditional(client: FlaskClient) -> None:
    first = client.get(f"/api/v1/coverage.csv?{QUERY}")
    assert first.headers["Cache-Control"] == "public, max-age=3600"
    again = client.get(f"/api/v1/coverage.csv?{QUERY}", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304
    other = client.get("/api/v1/coverage.csv?country=KHM")
    assert other.headers["ETag"] != first.headers["ETag"]


def test_openapi_document_is_valid_and_matches_the_routes(client: FlaskClient) -> None:
    document = client.get("/api/v1/openapi.json").get_json()
    validate(document)
    app = client.application
    routes = set()
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/v1/") and "<path:" not in rule.rule:
            if "<fmt>" in rule.rule:
                routes |= {rule.rule.replace("<fmt>", fmt) for fmt in tables.FORMATS}
            else:
                routes.add(rule.rule)
    assert set(document["paths"]) == routes
    for path in document["paths"]:
        assert client.get(path).status_code == 200, path


def test_withdrawn_values_are_reachable_only_on_purpose(client: FlaskClient) -> None:
    default = json.loads(client.get("/api/v1/coverage.json?edition=un-sdg-db-2020-04").data)
    assert default["data"] == [] if isinstance(default, dict) else default == []
    asked = json.loads(client.get("/api/v1/coverage.json?edition=un-sdg-db-2020-04&include_withdrawn=true").data)
    rows = asked["data"] if isinstance(asked, dict) else asked
    assert len(rows) == 59
    assert all(row["withdrawn"] is True and "withdrawn" in row["obs_flags"].split(";") for row in rows)


def test_include_withdrawn_must_be_a_boolean(client: FlaskClient) -> None:
    response = client.get("/api/v1/coverage.json?include_withdrawn=please")
    assert response.status_code == 400
    assert "include_withdrawn" in response.get_data(as_text=True)


def test_singapore_legal_coverage_estimates_carry_their_flag_in_every_format(client: FlaskClient) -> None:
    query = "country=SGP&risk=employment_injury&edition=ilostat-2025&year=2021"
    legal = "Estimated based on legal coverage"
    csv = pd.read_csv(io.BytesIO(client.get(f"/api/v1/coverage.csv?{query}").data), encoding="utf-8-sig")
    parquet = pd.read_parquet(io.BytesIO(client.get(f"/api/v1/coverage.parquet?{query}").data))
    body = json.loads(client.get(f"/api/v1/coverage.json?{query}").data)["data"]
    book = openpyxl.load_workbook(io.BytesIO(client.get(f"/api/v1/coverage.xlsx?{query}").data), read_only=True)
    rows = list(book["Data"].values)
    xlsx = pd.DataFrame(rows[1:], columns=rows[0])
    for frame in (csv, parquet, pd.DataFrame(body), xlsx):
        assert len(frame) == 3  # total, female, male: 95.9, 95.3, 96.4
        assert (frame["obs_flags"] == "legal_estimate").all()
        assert frame["note"].str.contains(legal).all()
