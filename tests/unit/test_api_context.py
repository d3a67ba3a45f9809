"""API contract of /api/v1/context.*: the same vocabulary as coverage, every format, sources and definitions with the rows."""

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
from essa_dash.schema import Context as X
from essa_dash.store import Store

QUERY = "country=VNM,IDN&indicator=informal_employment&sex=total&year_from=2015"


@pytest.fixture(scope="module")
def client(built_root: Path) -> FlaskClient:
    return create_app(built_root).server.test_client()


def direct(store: Store) -> pd.DataFrame:
    """The rows QUERY asks for, filtered here without the query module: what the API must answer."""
    c = store.context
    mask = c[X.iso3].isin(["VNM", "IDN"]) & (c[X.indicator] == "informal_employment") & (c[X.sex] == "total") & (c[X.year] >= 2015)
    return c[mask]


def test_csv_is_exactly_the_filtered_rows(client: FlaskClient, store: Store) -> None:
    response = client.get(f"/api/v1/context.csv?{QUERY}")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="essa-context_VNM-IDN_informal_employment_' in response.headers["Content-Disposition"]
    got = pd.read_csv(io.BytesIO(response.data), encoding="utf-8-sig", dtype={"year": "Int64"})
    want = direct(store)
    assert len(got) == len(want) > 0
    assert got["value"].tolist() == want[X.value].tolist()
    assert set(got["sector"]) == {"total", "non_agriculture", "agriculture"}
    assert got["age"].isna().all()  # informal employment has no age breakdown: empty, never a made-up "total"
    assert "coverage_pct" not in got.columns
    assert list(got.columns) == tables.CONTEXT_EXPORT_COLUMNS


def test_every_format_holds_the_same_rows_with_sources_and_definitions(client: FlaskClient, store: Store) -> None:
    want = direct(store)[X.value].tolist()
    as_json = json.loads(client.get(f"/api/v1/context.json?{QUERY}").data)
    assert [row["value"] for row in as_json["data"]] == want
    meta = as_json["meta"]
    assert [d["indicator"] for d in meta["definitions"]] == ["informal_employment"]
    assert meta["definitions"][0]["sdg_indicator"] == "8.3.1" and meta["definitions"][0]["custodian"].startswith("International Labour")
    assert [s["source_id"] for s in meta["sources"]] == ["UNSDG_2023-12_CONTEXT"]
    assert "not coverage" in meta["note"] and "SDG context values" in meta["citation"]
    parquet = pd.read_parquet(io.BytesIO(client.get(f"/api/v1/context.parquet?{QUERY}").data))
    assert parquet["value"].tolist() == want and str(parquet["year"].dtype) == "Int16"
    book = openpyxl.load_workbook(io.BytesIO(client.get(f"/api/v1/context.xlsx?{QUERY}").data), read_only=True)
    assert book.sheetnames == ["Data", "Sources", "Definitions", "About"]
    data = list(book["Data"].values)
    assert [row[data[0].index("value")] for row in data[1:]] == want
    definitions = list(book["Definitions"].values)
    assert definitions[0][0] == "indicator" and definitions[1][0] == "informal_employment"
    about = {row[0]: row[1] for row in book["About"].values if len(row) > 1 and row[0]}
    assert "not coverage" in about["Values"]


def test_the_same_vocabulary_and_its_errors(client: FlaskClient, store: Store) -> None:
    latest = json.loads(client.get("/api/v1/context.json?country=SGP&indicator=uhc_index&latest=true").data)["data"]
    assert [(row["year"], row["value"]) for row in latest] == [(2021, 89.0)]
    bad = client.get("/api/v1/context.csv?indicator=informal&risk=old_age&year=1700")
    assert bad.status_code == 400
    problems = {p["parameter"]: p for p in json.loads(bad.data)["problems"]}
    assert set(problems) == {"indicator", "risk", "year"}
    assert "uhc_index" in problems["indicator"]["allowed"]
    assert client.get("/api/v1/context.txt").status_code == 404
    # the coverage route does not take the context table's parameters
    assert client.get("/api/v1/coverage.csv?indicator=uhc_index").status_code == 400
    indicators = json.loads(client.get("/api/v1/indicators").data)
    assert [row["indicator"] for row in indicators] == list(store.indicators["indicator"])


def test_the_openapi_document_describes_the_context_routes(client: FlaskClient) -> None:
    document = json.loads(client.get("/api/v1/openapi.json").data)
    validate(document)
    for fmt in tables.FORMATS:
        operation = document["paths"][f"/api/v1/context.{fmt}"]["get"]
        names = {p["name"] for p in operation["parameters"]}
        assert {"country", "indicator", "sex", "year", "year_from", "year_to", "latest"} <= names
        assert "risk" not in names and "edition" not in names
    indicator = next(p for p in document["paths"]["/api/v1/context.csv"]["get"]["parameters"] if p["name"] == "indicator")
    assert "informal_employment" in indicator["schema"]["description"]
    assert "/api/v1/indicators" in document["paths"]
    coverage = {p["name"] for p in document["paths"]["/api/v1/coverage.csv"]["get"]["parameters"]}
    assert "indicator" not in coverage and "risk" in coverage


def test_the_explorer_switches_to_the_context_table_and_links_its_api(client: FlaskClient) -> None:
    from essa_dash.serving import router_payload

    def drawn(search: str) -> str:
        response = client.post("/_dash-update-component", json=router_payload("/data", search))
        assert response.status_code == 200
        return json.dumps(response.get_json(), ensure_ascii=False)  # "/" may arrive escaped as \u002f

    body = drawn("?table=context&country=VNM&indicator=uhc_index")
    assert "/api/v1/context.csv?country=VNM&indicator=uhc_index" in body  # the API link drops table=
    assert "7 values" in body and "UHC service coverage index" in body
    assert "coverage_pct" not in body
    # parameters of the coverage table are left out of the context view (and of its links), bad ids are said
    body = drawn("?table=context&risk=old_age&indicator=bad")
    assert "Unknown indicator 'bad'" in body and "context.csv?risk" not in body
    assert '"value":"coverage"' in drawn("") or "Coverage (SDG 1.3.1)" in drawn("")
