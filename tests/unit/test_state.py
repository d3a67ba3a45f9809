"""The URL vocabulary: parse, validate, encode; the same words on every page and in the API."""

from __future__ import annotations

import pytest
from dash._pages import _parse_query_string

from essa_dash.query.state import TOO_MANY, State, Vocabulary, edition_slug, query_pairs, read_query
from essa_dash.text import use_language


@pytest.fixture(scope="module")
def vocabulary(store) -> Vocabulary:
    return Vocabulary.from_store(store)


def test_parses_the_documented_example(vocabulary: Vocabulary) -> None:
    state, problems = vocabulary.parse(
        {"country": "KHM,TLS", "risk": "old_age,unemployment", "sex": "female", "edition": "ilostat-2025", "year": "2023"}
    )
    assert problems == []
    assert state == State(country=("KHM", "TLS"), risk=("old_age", "unemployment"), sex="female", edition="ILOSTAT 2025", year=2023)


def test_encode_then_parse_round_trips(vocabulary: Vocabulary) -> None:
    state = State(country=("VNM", "IDN"), risk=("old_age",), sex="total", edition="UN SDG DB 2018-10", year_from=2015, year_to=2023)
    query = vocabulary.encode(state)
    assert query == "?country=VNM,IDN&risk=old_age&sex=total&edition=un-sdg-db-2018-10&year_from=2015&year_to=2023"
    params = dict(pair.split("=") for pair in query[1:].split("&"))
    assert vocabulary.parse(params) == (state, [])


def test_default_state_encodes_to_nothing(vocabulary: Vocabulary) -> None:
    assert vocabulary.encode(State()) == ""


def test_values_are_forgiving_about_case_and_edition_spelling(vocabulary: Vocabulary) -> None:
    state, problems = vocabulary.parse({"country": "khm, vnm", "sex": "Female", "edition": "ILOSTAT 2025"})
    assert problems == []
    assert state.country == ("KHM", "VNM") and state.sex == "female" and state.edition == "ILOSTAT 2025"


@pytest.mark.parametrize(
    ("params", "param", "fragment"),
    [
        ({"country": "KHM,XYZ"}, "country", "unknown country 'XYZ'"),
        ({"risk": "pets"}, "risk", "unknown risk 'pets'"),
        ({"sex": "other"}, "sex", "unknown sex 'other'"),
        ({"edition": "wspr-2099"}, "edition", "unknown edition 'wspr-2099'"),
        ({"year": "1066"}, "year", "must be a year from"),
        ({"year": "2023; DROP TABLE"}, "year", "must be a year from"),
        ({"year_from": "2022", "year_to": "2015"}, "year_from", "is after year_to"),
        ({"colour": "red"}, "colour", "unknown parameter 'colour'"),
        ({"country": "," * 3000}, "country", "longer than"),
        ({"country": ",".join(["KHM"] * 60)}, "country", "more than 50 values"),
    ],
)
def test_bad_values_are_reported_with_the_allowed_ones(vocabulary: Vocabulary, params: dict, param: str, fragment: str) -> None:
    _, problems = vocabulary.parse(params)
    assert [p.param for p in problems] == [param]
    assert fragment in problems[0].message
    if param in ("country", "risk", "sex", "edition") and "more than" not in fragment and "longer" not in fragment:
        assert problems[0].allowed, "the message must list the valid choices"


def test_good_values_survive_next_to_bad_ones(vocabulary: Vocabulary) -> None:
    state, problems = vocabulary.parse({"country": "KHM,XYZ", "sex": "female"})
    assert state.country == ("KHM",) and state.sex == "female"
    assert len(problems) == 1


def test_lists_from_repeated_parameters_are_joined(vocabulary: Vocabulary) -> None:
    state, _ = vocabulary.parse({"country": ["KHM", "TLS"]})
    assert state.country == ("KHM", "TLS")


def test_edition_slugs_are_url_safe(vocabulary: Vocabulary) -> None:
    for edition in vocabulary.editions:
        slug = edition_slug(edition)
        assert slug.replace("-", "").isalnum(), slug
    assert edition_slug("UN SDG DB 2018-10") == "un-sdg-db-2018-10"


def test_include_withdrawn_is_part_of_the_vocabulary(vocabulary: Vocabulary) -> None:
    state, problems = vocabulary.parse({"edition": "un-sdg-db-2020-04", "include_withdrawn": "true"})
    assert problems == [] and state.include_withdrawn is True
    assert vocabulary.encode(state) == "?edition=un-sdg-db-2020-04&include_withdrawn=true"
    _, problems = vocabulary.parse({"include_withdrawn": "sometimes"})
    assert [p.param for p in problems] == ["include_withdrawn"]


def test_a_problem_is_a_code_with_its_facts_worded_in_the_language_it_is_read_in(vocabulary: Vocabulary) -> None:
    _, problems = vocabulary.parse({"year": "1066", "sex": "other"})
    year, sex = problems
    assert (year.code, sex.code) == ("bad_year", "unknown_sex")
    assert dict(year.fields)["start"] == vocabulary.years[0]  # a number until it is worded
    assert sex.message == "unknown sex 'other'"
    with use_language("vi"):
        assert sex.message == "giới tính không xác định 'other'"
        assert sex.as_dict() == {
            "parameter": "sex",
            "value": "other",
            "code": "unknown_sex",
            "message": "giới tính không xác định 'other'",
            "allowed": ["total", "female", "male"],
        }


@pytest.mark.parametrize(
    "search", ["", "?", "country=VNM", "?country=VNM", "?iso3=KHM&iso3=TLS", "?sex=&lang=vi", "?a&&b=1&", "?q=%3Cscript%3E+x", "?a=1;b=2"]
)
def test_read_query_reads_as_dashs_router_does(search: str) -> None:
    """The router's layouts get read_query (essa_dash.app): under the cap, exactly what Dash's own reader gave."""
    assert read_query(search) == _parse_query_string(search)


def test_a_query_past_the_parameter_cap_is_counted_not_read(vocabulary: Vocabulary) -> None:
    at_cap = "?" + "&".join(f"p{i}=1" for i in range(30))
    assert len(read_query(at_cap)) == 30 and query_pairs(at_cap) is not None
    for past in (at_cap + "&lang=vi", "?" + "&".join(["country=VNM"] * 31), "?" + "&".join(f"p{i}=1" for i in range(5000))):
        assert query_pairs(past) is None and read_query(past) == {TOO_MANY: "1"}
    state, problems = vocabulary.parse(read_query(at_cap + "&lang=vi"))
    assert state == State() and [p.code for p in problems] == ["too_many_params"]
