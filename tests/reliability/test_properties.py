"""Property tests: whatever bytes a loader gets, it loads them or raises our own DataError;
whatever state the vocabulary can express, encoding then parsing gives it back."""

from __future__ import annotations

import contextlib
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from essa_dash.errors import DataError
from essa_dash.ingest import common, curated, ddf, ilostat_csv, owid, population, unsdg_api
from essa_dash.ingest.reference import Reference
from essa_dash.paths import DEFAULT_DATA_DIR
from essa_dash.query.state import PARAMS, State, Vocabulary
from tests.conftest import FORMATS

REF = Reference.load(DEFAULT_DATA_DIR / "reference")
LABELS = (FORMATS / "ilostat_labels__SDG_0131_SEX_SOC_RT_A-filtered-2026-05-25__notes_examples.csv").read_bytes()
LOADERS = {
    "ilostat.csv": lambda p: ilostat_csv.load(p, REF, source_id="X"),
    "sdg.csv": lambda p: unsdg_api.load(p, REF, source_id="X"),
    "owid.csv": lambda p: owid.load(p, REF, source_id="X", risk="health"),
    "curated.csv": lambda p: curated.load(p, REF),
    "population.csv": lambda p: population.load(p, REF, source_id="X"),
    "ddf--datapoints--si_cov_benfts--by--geo_area--year--sex.csv": lambda p: ddf.load(p, REF, source_id="X"),
    "ddf--datapoints--sdg_0131_sex_soc_rt--by--ref_area--sex--classif1--time.csv": lambda p: ddf.load(p, REF, source_id="X"),
}
PROPERTY = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])

#: Text that looks like a CSV: a header a loader may recognise, then rows of plausible and hostile fields.
HEADERS = st.sampled_from(
    [
        LABELS.splitlines()[0].decode(),
        "ref_area,source,indicator,sex,classif1,time,obs_value",
        "SeriesCode,GeoAreaCode,GeoAreaName,TimePeriod,Value,[Sex],[Units]",
        "Entity,Year,Share",
        "iso3,country,indicator,sex,year,value,value_kind,source_id,source_title,source_url_or_repo_path,source_location,notes",
        "country_area,time,population",
        "geo_area,year,sex,si_cov_benfts",
        "ref_area,sex,classif1,time,sdg_0131_sex_soc_rt",
    ]
)
FIELD = st.one_of(
    st.sampled_from(
        [
            "KHM",
            "VNM",
            "x84",
            "116",
            "704",
            "SEX_T",
            "sex_f",
            "bothsex",
            "Total",
            "2019",
            "1e309",
            "nan",
            "-1",
            "101",
            '"',
            "",
            "SOC_CONTIG_TOTAL",
        ]
    ),
    st.text(max_size=12),
)
ROW = st.lists(FIELD, min_size=1, max_size=14).map(lambda fields: ",".join(fields))
CSV_TEXT = st.builds(lambda header, rows: "\n".join([header, *rows]) + "\n", HEADERS, st.lists(ROW, max_size=6))


def _outcome(name: str, data: bytes) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / name
        path.write_bytes(data)
        with contextlib.suppress(DataError):  # our own, clear error: the property holds
            LOADERS[name](path)


@PROPERTY
@given(name=st.sampled_from(sorted(LOADERS)), data=st.binary(max_size=400))
def test_any_bytes_load_or_raise_data_error(name: str, data: bytes) -> None:
    _outcome(name, data)


@PROPERTY
@given(name=st.sampled_from(sorted(LOADERS)), text=CSV_TEXT)
def test_any_csv_like_text_loads_or_raises_data_error(name: str, text: str) -> None:
    _outcome(name, text.encode("utf-8"))


@PROPERTY
@given(data=st.binary(max_size=300))
def test_reading_any_bytes_gives_a_frame_or_data_error(data: bytes) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "any.csv"
        path.write_bytes(data)
        try:
            frame = common.read_csv_text(path)
        except DataError:
            return
        assert len(frame) > 0 and frame.index.min() >= 2


def _vocabulary() -> Vocabulary:
    return Vocabulary(
        countries=("BRN", "KHM", "VNM", "ASEAN", "WLD"),
        risks=("at_least_one", "old_age", "maternity"),
        editions=("ILOSTAT 2025", "UN SDG DB 2018-10", "WSPR 2014-15"),
        years=(2000, 2023),
        kinds=("effective", "legal"),
        sources=("ILOSTAT_DDF_2025", "UNSDG_2018-10"),
    )


VOCAB = _vocabulary()
YEARS = st.one_of(st.none(), st.integers(2000, 2023))
STATES = st.builds(
    State,
    country=st.lists(st.sampled_from(VOCAB.countries), unique=True, max_size=4).map(tuple),
    risk=st.lists(st.sampled_from(VOCAB.risks), unique=True, max_size=3).map(tuple),
    kind=st.lists(st.sampled_from(VOCAB.kinds), unique=True, max_size=2).map(tuple),
    source=st.lists(st.sampled_from(VOCAB.sources), unique=True, max_size=2).map(tuple),
    sex=st.sampled_from([None, "total", "female", "male"]),
    edition=st.sampled_from([None, *VOCAB.editions]),
    year=YEARS,
    latest=st.sampled_from([None, True, False]),
)


@settings(max_examples=200, deadline=None)
@given(state=STATES)
def test_encode_then_parse_gives_the_state_back(state: State) -> None:
    query = VOCAB.encode(state)
    params = dict(pair.split("=", 1) for pair in query[1:].split("&")) if query else {}
    assert VOCAB.parse(params) == (state, [])


@settings(max_examples=200, deadline=None)
@given(params=st.dictionaries(st.one_of(st.sampled_from(PARAMS), st.text(max_size=8)), st.text(max_size=40), max_size=6))
def test_parsing_any_query_never_raises(params: dict[str, str]) -> None:
    state, problems = VOCAB.parse(params)
    assert isinstance(state, State)
    assert all(p.message for p in problems)
