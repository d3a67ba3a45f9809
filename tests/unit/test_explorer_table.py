"""The data explorer's table: order and page in the URL vocabulary, drawn as plain HTML on the server."""

from __future__ import annotations

import json
import re

import pytest
from flask.testing import FlaskClient

from essa_dash.app import create_app
from essa_dash.pages import explorer
from essa_dash.query import explorer as q
from essa_dash.query.state import PAGE_SIZE, PARAMS, SHOWN_COLUMNS, TABLE_VIEW_PARAMS, State, Vocabulary
from essa_dash.serving import router_payload
from essa_dash.text import fmt_published, use_language

TABLE_PARAMS = (*PARAMS, *TABLE_VIEW_PARAMS)


@pytest.fixture(scope="module")
def vocabulary(store) -> Vocabulary:
    return Vocabulary.from_store(store)


@pytest.fixture(scope="module")
def client(built_root) -> FlaskClient:
    return create_app(built_root).server.test_client()


def drawn(client: FlaskClient, search: str) -> dict:
    response = client.post("/_dash-update-component", json=router_payload("/data", search))
    assert response.status_code == 200
    return response.get_json()["response"]["_pages_content"]["children"]


def nodes(tree: object, test) -> list[dict]:
    """Every component of a layout's JSON for which ``test(props)`` holds, in document order."""
    found = []
    if isinstance(tree, dict):
        if isinstance(tree.get("props"), dict) and test(tree["props"]):
            found.append(tree)
        for value in tree.values():
            found += nodes(value, test)
    elif isinstance(tree, list):
        for item in tree:
            found += nodes(item, test)
    return found


def cells(tree: object, column: str) -> list[str]:
    return [n["props"].get("children") for n in nodes(tree, lambda p: f"col-{column}" in str(p.get("className", "")).split())]


def text(tree: object) -> str:
    return json.dumps(tree, ensure_ascii=False)


# -- the vocabulary ------------------------------------------------------------------------------------


def test_order_and_page_round_trip_and_defaults_are_never_spelled_out(vocabulary: Vocabulary) -> None:
    state, problems = vocabulary.parse({"sort": "Year", "desc": "1", "page": "3"}, accept=TABLE_PARAMS)
    assert problems == [] and (state.sort, state.desc, state.page) == ("year", True, 3)
    assert vocabulary.encode(state) == "?sort=year&desc=true&page=3"
    assert vocabulary.parse({"sort": "year", "desc": "true", "page": "3"}, accept=TABLE_PARAMS) == (state, [])
    # one view, one URL: the first page, an ascending order and a direction without a column are the defaults
    assert vocabulary.encode(vocabulary.parse({"page": "1", "desc": "false", "sort": "year"}, accept=TABLE_PARAMS)[0]) == "?sort=year"
    assert vocabulary.encode(vocabulary.parse({"desc": "true"}, accept=TABLE_PARAMS)[0]) == ""
    assert state.selection() == State()  # downloads and the API hold the rows, whatever the order and page


@pytest.mark.parametrize(
    ("params", "fragment"),
    [
        ({"sort": "bogus"}, "unknown column 'bogus'"),
        ({"sort": "value"}, "unknown column 'value'"),  # a column of the context table, not of coverage
        ({"table": "context", "sort": "coverage_pct"}, "unknown column 'coverage_pct'"),
        ({"page": "0"}, "'page' must be a whole number from 1"),
        ({"page": "-2"}, "'page' must be a whole number from 1"),
        ({"page": "two"}, "'page' must be a whole number from 1"),
        ({"page": "9999999"}, "'page' must be a whole number from 1"),
        ({"desc": "maybe"}, "'desc' must be true or false"),
    ],
)
def test_bad_order_or_page_is_a_problem_never_an_error(vocabulary: Vocabulary, params: dict, fragment: str) -> None:
    state, problems = vocabulary.parse(params, accept=TABLE_PARAMS)
    assert [p.message for p in problems] == [fragment]
    assert state.page is None and state.desc is None and state.sort is None


def test_the_api_and_other_pages_do_not_take_the_tables_parameters(vocabulary: Vocabulary) -> None:
    _, problems = vocabulary.parse({"sort": "year", "page": "2"})
    assert [p.message for p in problems] == ["unknown parameter 'sort'", "unknown parameter 'page'"]


def test_every_shown_column_has_a_header() -> None:
    assert set(SHOWN_COLUMNS["coverage"]) == set(explorer.COLUMN_NAMES)
    assert set(SHOWN_COLUMNS["context"]) == set(explorer.CONTEXT_COLUMN_NAMES)


# -- the query: order and page ---------------------------------------------------------------------------


def test_a_page_is_sorted_missing_values_last_and_ties_in_the_querys_order(store) -> None:
    frame = explorer._shown(q.rows(store, State()))
    for desc in (None, True):
        problems: list = []
        page = q.table_page(frame, State(sort="coverage_pct", desc=desc), problems)
        values = page.rows["coverage_pct"].tolist()
        assert problems == [] and len(values) == PAGE_SIZE and page.total == len(frame)
        assert values == sorted(values, reverse=bool(desc))
    last = q.table_page(frame, State(sort="note", page=-(-len(frame) // PAGE_SIZE)), [])
    assert last.rows["note"].isna().all()  # rows without a note come last, ascending
    ties = q.table_page(frame, State(sort="year"), []).rows
    first_year = ties[ties["year"] == ties["year"].iloc[0]]
    assert list(first_year.index) == sorted(first_year.index)  # a stable sort: the query's order within a year


def test_a_page_past_the_last_is_a_problem_and_the_first_is_shown(store) -> None:
    frame = explorer._shown(q.rows(store, State(country=("KHM",))))
    problems: list = []
    page = q.table_page(frame, State(page=400), problems)
    assert page.number == 1 and page.first == 1 and page.last == min(PAGE_SIZE, len(frame))
    assert [p.param for p in problems] == ["page"] and "must be from 1 to" in problems[0].message


def test_text_sorts_as_a_reader_expects(store) -> None:
    frame = explorer._shown(q.rows(store, State()))
    countries = q.table_page(frame, State(sort="country"), []).rows["country"].tolist()
    assert countries == sorted(countries, key=str.casefold)


def test_published_values_keep_their_own_decimals_in_the_readers_form() -> None:
    assert [fmt_published(v) for v in (52.347, 8.1, 12.0, 1234.56789)] == ["52.347", "8.1", "12", "1,234.56789"]
    with use_language("vi"):
        assert fmt_published(1234.5) == "1.234,5" and fmt_published(None) == "không có dữ liệu"


# -- the page ------------------------------------------------------------------------------------------------


def test_the_table_is_plain_html_with_caption_scoped_headers_and_a_labelled_scrolling_region(client: FlaskClient) -> None:
    tree = drawn(client, "")
    tables = nodes(tree, lambda p: p.get("id") == explorer.TABLE_ID)
    assert len(tables) == 1 and tables[0]["type"] == "Table" and tables[0]["namespace"] == "dash_html_components"
    heads = nodes(tables[0], lambda p: p.get("scope") == "col")
    assert len(heads) == len(SHOWN_COLUMNS["coverage"]) and not nodes(tables[0], lambda p: "aria-sort" in p)
    assert len(nodes(tables[0], lambda p: p.get("scope") == "row")) == PAGE_SIZE
    assert nodes(tables[0], lambda p: p.get("children") == "Published figures of this view")  # its caption
    region = nodes(tree, lambda p: p.get("role") == "region" and p.get("className") == "table-scroll")[0]["props"]
    assert region["tabIndex"] == "0" and region["aria-label"]
    # the source's own words stay English and say so
    quoted = nodes(tables[0], lambda p: "source-words" in str(p.get("className", "")))
    assert quoted and all(n["props"].get("lang") == "en" for n in quoted)
    assert "ag-" not in text(tree) and "AgGrid" not in text(tree)


def test_headers_sort_by_links_that_keep_the_filters_and_say_the_order(client: FlaskClient) -> None:
    tree = drawn(client, "?country=VNM&sort=year&desc=true&page=2")
    links = {n["props"]["href"] for n in nodes(tree, lambda p: p.get("className") == "sort-link")}
    assert "/data?country=VNM&sort=year" in links  # the sorted column reverses (and goes back to page 1)
    assert "/data?country=VNM&sort=coverage_pct" in links
    sorted_head = nodes(tree, lambda p: "aria-sort" in p)
    assert [n["props"]["aria-sort"] for n in sorted_head] == ["descending"]
    body = text(tree)
    assert f"Rows {PAGE_SIZE + 1}–" in body and "Sorted by Year, descending." in body
    years = [int(y) for y in cells(tree, "year")]
    assert years == sorted(years, reverse=True)
    pager = {n["props"]["id"]: n["props"]["href"] for n in nodes(tree, lambda p: str(p.get("id", "")).startswith("pager-"))}
    assert pager == {
        "pager-previous": "/data?country=VNM&sort=year&desc=true",
        "pager-next": "/data?country=VNM&sort=year&desc=true&page=3",
    }
    # the downloads and the API URL describe the view, not the page of its table
    assert "/api/v1/coverage.csv?country=VNM" in body and "coverage.csv?country=VNM&sort" not in body
    rendered = nodes(tree, lambda p: "data-rendered-url" in p)[0]["props"]["data-rendered-url"]
    assert rendered == "/data?country=VNM&sort=year&desc=true"  # what the controls were drawn for: no page


def test_bad_order_or_page_shows_the_notice_and_the_default(client: FlaskClient) -> None:
    tree = drawn(client, "?sort=colour&page=999")
    body = text(tree)
    assert "Unknown column 'colour'" in body and "Valid choices: country" in body
    assert "'page' must be from 1 to" in body and "Rows 1–50 of" in body


def test_numbers_in_the_table_are_written_the_locales_way(client: FlaskClient) -> None:
    tree = drawn(client, "?lang=vi&country=IDN&sort=coverage_pct&desc=true")
    shares = cells(tree, "coverage_pct")
    assert any(re.fullmatch(r"\d{1,3},\d+", s) for s in shares) and not any("." in s for s in shares)


def test_the_context_table_sorts_by_its_own_columns(client: FlaskClient) -> None:
    tree = drawn(client, "?table=context&indicator=uhc_index&sort=value&desc=true")
    values = [float(v.replace(",", "")) for v in cells(tree, "value")]
    assert values and values == sorted(values, reverse=True)
    assert "/api/v1/context.csv?indicator=uhc_index" in text(tree) and "context.csv?indicator=uhc_index&sort" not in text(tree)


def test_the_summary_above_the_table_is_in_the_readers_language(client: FlaskClient) -> None:
    search = "?country=KHM&risk=old_age&sex=total&edition=ilostat-2025"
    assert "5 figures from 1 source, 1 country or aggregate, 1 risk, years 2000-2020." in text(drawn(client, search))
    assert "5 số liệu từ 1 nguồn, 1 quốc gia hoặc nhóm tổng hợp, 1 rủi ro, các năm 2000-2020." in text(drawn(client, search + "&lang=vi"))
    assert "Tidak ada angka yang cocok dengan filter ini." in text(drawn(client, "?country=KHM&year=2001&lang=id"))


@pytest.mark.parametrize(
    "state",
    [
        State(),
        State(country=("KHM",), risk=("old_age",)),
        State(country=("VNM", "IDN"), sex="female", edition="ILOSTAT 2025", year_from=2015),
        State(kind=("effective",), include_withdrawn=True, year=2020),
        State(risk=("children",), latest=True),
    ],
)
def test_each_facet_counts_the_rows_its_value_would_give_with_the_other_filters_kept(store, state: State) -> None:
    """The counts combine each filter's rows (computed once), and say what selecting with that filter cleared does."""
    from dataclasses import replace

    from essa_dash.query.core import select

    for param, options in q.facets(store, state).items():
        cleared = replace(state, **{param: () if param in ("country", "risk", "kind", "source") else None})
        counts = select(store.coverage, cleared)[q.FACETS[param]].value_counts()
        assert {o.value: o.count for o in options} == {o.value: int(counts.get(o.value, 0)) for o in options}, param
