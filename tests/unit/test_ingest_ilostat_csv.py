"""ilostat_csv.load on the real ILOSTAT samples and on SDG 1.3.1 files edited from them.

No real ASEAN SDG 1.3.1 ILOSTAT CSV is in the checkout, so the good-input cases are the
real samples with country names (label variant) or indicator/classif1/area codes (code
variant) rewritten by text substitution; everything else in those lines is unchanged.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest

from essa_dash.errors import DataError
from essa_dash.ingest import ilostat_csv
from essa_dash.ingest.common import Loaded
from essa_dash.ingest.reference import Reference
from essa_dash.schema import LOADER_COLUMNS
from essa_dash.schema import Coverage as C
from tests.conftest import FORMATS

LABELS_2026 = FORMATS / "ilostat_labels__SDG_0131_SEX_SOC_RT_A-filtered-2026-05-25__notes_examples.csv"
LABELS_OLD = FORMATS / "ilostat_labels__ilostat_social_protection__head.csv"
EARNINGS = FORMATS / "ilostat_labels__EAR_4MTH_SEX_GEO_CUR_NB_A-filtered-2025-06-01__ASEAN_2019plus.csv"
CODES = FORMATS / "ilostat_bulk__une-deap-sex-age-rt-a.csv"
CODES_BEST = FORMATS / "ilostat_bulk__une-deap-best-source-all.csv"
SDG_API = FORMATS / "unsdg_api__test_input.csv"

SDG_LABEL_2026 = "SDG indicator 1.3.1 - Proportion of population covered by social protection floors/systems by sex and function (%)"
LEGAL_NOTE = "Social security coverage: Estimated based on legal coverage"

Edit = Callable[[str], str]


def copy_edited(tmp_path: Path, source: Path, *edits: Edit, name: str | None = None) -> Path:
    """A copy of a real file (same name unless given) with text edits applied in order."""
    text = source.read_bytes().decode("utf-8")
    for edit in edits:
        text = edit(text)
    target = tmp_path / (name or source.name)
    target.write_bytes(text.encode("utf-8"))
    return target


def sub(old: str, new: str, count: int = -1) -> Edit:
    def edit(text: str) -> str:
        assert old in text, old
        return text.replace(old, new, count)

    return edit


def on_line(number: int, old: str, new: str) -> Edit:
    def edit(text: str) -> str:
        lines = text.split("\n")
        assert old in lines[number - 1], (old, lines[number - 1])
        lines[number - 1] = lines[number - 1].replace(old, new, 1)
        return "\n".join(lines)

    return edit


def line_with(path: Path, needle: str) -> int:
    return next(i for i, line in enumerate(path.read_text(encoding="utf-8").split("\n"), start=1) if needle in line)


def only(frame: pd.DataFrame, **where: object) -> pd.Series:
    mask = pd.Series(True, index=frame.index)
    for col, value in where.items():
        mask &= frame[col] == value
    assert mask.sum() == 1, where
    return frame[mask].iloc[0]


# Label variant with ASEAN rows: three non-ASEAN countries of the 2026 sample renamed.
ASEAN_NAMES: tuple[Edit, ...] = (
    sub('"Kuwait"', '"Viet Nam"'),
    sub('"Republic of Korea"', '"Lao People\'s Democratic Republic"'),
    sub('"Mauritania"', '"Myanmar"'),
)
# Code variant of SDG 1.3.1: indicator, contingency and area rewritten, values unchanged.
SDG_CODES: tuple[Edit, ...] = (
    sub('"UNE_DEAP_SEX_AGE_RT"', '"SDG_0131_SEX_SOC_RT"'),
    sub('"AGE_YTHADULT_YGE15"', '"SOC_CONTIG_TOTAL"'),
    sub('"KEN"', '"KHM"'),
)


@pytest.fixture
def labels_asean(tmp_path: Path) -> Path:
    return copy_edited(tmp_path, LABELS_2026, *ASEAN_NAMES)


@pytest.fixture
def codes_sdg(tmp_path: Path) -> Path:
    return copy_edited(tmp_path, CODES_BEST, *SDG_CODES)


def load(path: Path, ref: Reference) -> Loaded:
    return ilostat_csv.load(path, ref, source_id="ILOSTAT_TEST")


# --- the real samples ---------------------------------------------------------------


def test_2026_label_sample_keeps_only_the_world_row(ref: Reference) -> None:
    loaded = load(LABELS_2026, ref)
    assert loaded.layout == "ilostat-labels"
    assert loaded.rows_read == 6
    assert loaded.skipped == {"rows of other areas": 5}
    assert loaded.examples["rows of other areas"] == ["Kuwait", "Lebanon", "Republic of Korea", "Mauritania", "Bhutan"]
    assert list(loaded.frame.columns) == LOADER_COLUMNS
    assert len(loaded.frame) == 1
    world = loaded.frame.iloc[0]
    assert (world[C.iso3], world[C.risk], world[C.sex], world[C.year], world[C.coverage_pct]) == (
        "WLD",
        "at_least_one",
        "total",
        2021,
        50.2,
    )
    assert world[C.nature] == "ILO - Modelled Estimates"
    assert pd.isna(world[C.obs_status])
    assert pd.isna(world[C.note])
    assert world[C.source_id] == "ILOSTAT_TEST"
    assert world[C.source_location] == f"{LABELS_2026.name}, line 6"
    assert loaded.summary().startswith(
        f"{LABELS_2026.name} (ilostat-labels): kept 1 of 6 rows; skipped 5 rows of other areas (e.g. Kuwait,"
    )


def test_older_contingency_sample_has_no_row_of_ours(ref: Reference) -> None:
    with pytest.raises(DataError) as caught:
        load(LABELS_OLD, ref)
    assert str(caught.value) == f"{LABELS_OLD.name}: no rows for the ASEAN Member States or the aggregates we keep"


@pytest.mark.parametrize("path", [CODES, CODES_BEST], ids=["codes", "codes-best-source"])
def test_code_variant_samples_are_another_indicator(ref: Reference, path: Path) -> None:
    with pytest.raises(DataError) as caught:
        load(path, ref)
    err = caught.value
    assert (err.line, err.column) == (2, "indicator")
    assert str(err) == f"{path.name}, line 2, column 'indicator': indicator 'UNE_DEAP_SEX_AGE_RT' is not SDG 1.3.1 (SDG_0131_SEX_SOC_RT)"


def test_earnings_label_file_is_another_indicator(ref: Reference) -> None:
    with pytest.raises(DataError) as caught:
        load(EARNINGS, ref)
    assert (caught.value.line, caught.value.column) == (2, "indicator.label")
    assert "'Average monthly earnings of employees by sex and rural / urban areas' is not SDG 1.3.1" in str(caught.value)


def test_sdg_api_file_is_not_an_ilostat_csv(ref: Reference) -> None:
    with pytest.raises(DataError, match=r"^unsdg_api__test_input\.csv, line 1: not an ILOSTAT CSV"):
        load(SDG_API, ref)


# --- label variant with ASEAN rows --------------------------------------------------


def test_label_variant_maps_ilostat_country_names(ref: Reference, labels_asean: Path) -> None:
    loaded = load(labels_asean, ref)
    frame = loaded.frame
    assert sorted(frame[C.iso3]) == ["LAO", "VNM", "WLD"]
    vnm = only(frame, iso3="VNM")
    assert (vnm[C.risk], vnm[C.sex], vnm[C.year], vnm[C.coverage_pct]) == ("children", "total", 2019, 5.9)
    assert vnm[C.note] == LEGAL_NOTE
    assert vnm[C.nature] == "ILO - Social Security Inquiry Database"
    assert vnm[C.source_location] == f"{labels_asean.name}, line 2"
    lao = only(frame, iso3="LAO")  # "Labour force covered in the event of work injury" (2026 wording)
    assert (lao[C.risk], lao[C.sex], lao[C.year], lao[C.coverage_pct]) == ("employment_injury", "total", 2019, 95.1)
    assert lao[C.note] == LEGAL_NOTE
    assert pd.isna(only(frame, iso3="WLD")[C.note])


def test_label_variant_skips_and_counts_rows_without_a_value(ref: Reference, labels_asean: Path) -> None:
    loaded = load(labels_asean, ref)
    # Myanmar (was Mauritania): empty obs_value flagged "Unreliable"
    assert loaded.skipped == {"rows of other areas": 2, "rows without a value": 1}
    assert loaded.examples["rows without a value"] == ["Myanmar Unreliable"]
    assert loaded.examples["rows of other areas"] == ["Lebanon", "Bhutan"]
    assert "MMR" not in set(loaded.frame[C.iso3])
    assert loaded.rows_read == 6
    assert len(loaded.frame) == 3


def test_older_contingency_wording_with_asean_rows(tmp_path: Path, ref: Reference) -> None:
    path = copy_edited(tmp_path, LABELS_OLD, sub('"Aruba"', '"Cambodia"'), sub('"Afghanistan"', '"Brunei Darussalam"'))
    loaded = load(path, ref)
    frame = loaded.frame
    assert loaded.rows_read == 43
    assert loaded.skipped == {}
    assert len(frame) == 43
    assert (frame[C.iso3] == "KHM").sum() == 33
    assert (frame[C.iso3] == "BRN").sum() == 10
    assert only(frame, iso3="KHM", risk="at_least_one", year=2021)[C.coverage_pct] == 94.3
    assert only(frame, iso3="KHM", risk="maternity", sex="female", year=2021)[C.coverage_pct] == 60.7
    # the older work-injury wording: "Contingency: Employed covered in the event of work injury"
    assert only(frame, iso3="KHM", risk="employment_injury", sex="male", year=2021)[C.coverage_pct] == 68.3
    assert only(frame, iso3="BRN", risk="disability", year=2019)[C.coverage_pct] == 13.6
    assert only(frame, iso3="KHM", risk="old_age", sex="total", year=2000)[C.coverage_pct] == 92.0
    # no obs_status.label column in this vintage, and its note_classif.label is empty
    assert frame[C.obs_status].isna().all()
    assert frame[C.note].isna().all()


CLASSIF1_TEXTS = [
    ("Population covered by at least one social protection benefit", "at_least_one"),
    ("Persons above retirement age receiving a pension", "old_age"),
    ("Unemployed receiving unemployment benefits", "unemployment"),
    ("Labour force covered in the event of work injury", "employment_injury"),
    ("Employed covered in the event of work injury", "employment_injury"),
    ("Mothers with newborns receiving maternity benefits", "maternity"),
    ("Children/households receiving child/family cash benefits", "children"),
    ("Persons with severe disabilities collecting disability social protection benefits", "disability"),
    ("Vulnerable persons covered by social assistance", "vulnerable"),
    ("Poor persons covered by social protection systems", "poor"),
]


@pytest.mark.parametrize("prefix", ["Function: ", "Contingency: "])
@pytest.mark.parametrize(
    ("text", "risk"), CLASSIF1_TEXTS, ids=[r for _, r in CLASSIF1_TEXTS[:4]] + ["inj-employed"] + [r for _, r in CLASSIF1_TEXTS[5:]]
)
def test_every_classif1_label_in_both_wordings(tmp_path: Path, ref: Reference, prefix: str, text: str, risk: str) -> None:
    old = '"Function: Children/households receiving child/family cash benefits"'
    path = copy_edited(tmp_path, LABELS_2026, *ASEAN_NAMES, on_line(2, old, f'"{prefix}{text}"'))
    assert only(load(path, ref).frame, iso3="VNM")[C.risk] == risk


# --- code variant of SDG 1.3.1 ------------------------------------------------------


def test_code_variant_skips_rows_not_from_the_best_source(ref: Reference, codes_sdg: Path) -> None:
    loaded = load(codes_sdg, ref)
    assert loaded.layout == "ilostat-codes"
    assert loaded.rows_read == 8
    assert loaded.skipped == {"rows not from ILOSTAT's preferred source (best_source=0)": 2}
    assert loaded.examples == {"rows not from ILOSTAT's preferred source (best_source=0)": ["KHM"]}
    frame = loaded.frame
    assert list(frame[C.year]) == [2021, 2019, 2016, 2009, 2005, 1999]
    assert list(frame[C.coverage_pct]) == [5.585, 5.014, 2.757, 9.6, 9.957, 10.004]
    assert set(frame[C.iso3]) == {"KHM"}
    assert set(frame[C.risk]) == {"at_least_one"}
    assert set(frame[C.sex]) == {"total"}
    # the best_source=0 rows are lines 4 and 9
    assert [loc.rsplit(" ", 1)[1] for loc in frame[C.source_location]] == ["2", "3", "5", "6", "7", "8"]


def test_code_variant_keeps_status_source_and_notes(ref: Reference, codes_sdg: Path) -> None:
    frame = load(codes_sdg, ref).frame
    y2005 = only(frame, year=2005)
    assert y2005[C.obs_status] == "B"
    assert y2005[C.nature] == "BB:7021"
    assert y2005[C.note] == "I11:264 | R1:3513"
    y2021 = only(frame, year=2021)
    assert pd.isna(y2021[C.obs_status])
    assert y2021[C.note] == "R1:3513"
    assert y2021[C.nature] == "BX:3465"
    y2009 = only(frame, year=2009)  # status and all three notes empty
    assert pd.isna(y2009[C.note])
    assert pd.isna(y2009[C.obs_status])


@pytest.mark.parametrize("code", ["SDG_0131_SEX_SOC_RT_A", "sdg_0131_sex_soc_rt"])
def test_code_variant_indicator_spellings(tmp_path: Path, ref: Reference, code: str) -> None:
    path = copy_edited(tmp_path, CODES_BEST, *SDG_CODES, sub('"SDG_0131_SEX_SOC_RT"', f'"{code}"'))
    assert len(load(path, ref).frame) == 6


def test_code_variant_with_aggregate_and_other_countries(tmp_path: Path, ref: Reference) -> None:
    path = copy_edited(tmp_path, CODES, *SDG_CODES)
    loaded = load(path, ref)
    assert loaded.rows_read == 52
    assert loaded.skipped == {"rows of other areas": 18}
    assert loaded.examples["rows of other areas"] == ["USA"]
    counts = loaded.frame[C.iso3].value_counts().to_dict()
    assert counts == {"WLD": 28, "KHM": 6}  # X01 is the world
    assert only(loaded.frame, iso3="WLD", year=2027)[C.coverage_pct] == 4.842
    assert only(loaded.frame, iso3="WLD", year=2027)[C.nature] == "XA:8405"


def test_empty_obs_value_is_skipped_and_counted(tmp_path: Path, ref: Reference) -> None:
    path = copy_edited(tmp_path, CODES_BEST, *SDG_CODES, on_line(2, ",5.585,", ",,"))
    loaded = load(path, ref)
    assert loaded.skipped["rows without a value"] == 1
    assert loaded.examples["rows without a value"][0].startswith("KHM")
    assert 2021 not in set(loaded.frame[C.year])
    assert len(loaded.frame) == 5


def test_bom_and_crlf_as_in_the_rplumber_answer(tmp_path: Path, ref: Reference, codes_sdg: Path) -> None:
    expected = load(codes_sdg, ref).frame
    path = tmp_path / "bom" / CODES_BEST.name
    path.parent.mkdir()
    path.write_bytes(b"\xef\xbb\xbf" + codes_sdg.read_bytes().replace(b"\n", b"\r\n"))
    pd.testing.assert_frame_equal(load(path, ref).frame, expected)


def test_column_order_does_not_matter(tmp_path: Path, ref: Reference, codes_sdg: Path) -> None:
    lines = codes_sdg.read_text(encoding="utf-8").rstrip("\n").split("\n")
    swapped = []
    for line in lines:  # move the first field (ref_area) to the end; no field holds a comma
        fields = line.split(",")
        swapped.append(",".join([*fields[1:], fields[0]]))
    path = tmp_path / "swapped.csv"
    path.write_text("\n".join(swapped) + "\n", encoding="utf-8")
    frame = load(path, ref).frame
    assert list(frame[C.coverage_pct]) == [5.585, 5.014, 2.757, 9.6, 9.957, 10.004]


# --- bad input ----------------------------------------------------------------------

C6_LINE = line_with(CODES, '"C6:1058"')
BAD = [
    # (id, source, edits, message, line, column)
    ("unknown sex label", LABELS_2026, (*ASEAN_NAMES, on_line(2, '"Total"', '"Both sexes"')), "unknown sex 'Both sexes'", 2, "sex.label"),
    ("unknown sex code", CODES_BEST, (*SDG_CODES, on_line(3, '"SEX_T"', '"SEX_X"')), "unknown sex 'SEX_X'", 3, "sex"),
    (
        "unknown contingency label",
        LABELS_2026,
        (*ASEAN_NAMES, on_line(2, "Function: Children/households", "Function: Households")),
        "unknown contingency label 'Households receiving child/family cash benefits'",
        2,
        "classif1.label",
    ),
    (
        "unknown contingency code",
        CODES_BEST,
        (*SDG_CODES, on_line(5, '"SOC_CONTIG_TOTAL"', '"SOC_CONTIG_FOO"')),
        "unknown contingency code 'SOC_CONTIG_FOO'",
        5,
        "classif1",
    ),
    ("value abc", LABELS_2026, (*ASEAN_NAMES, on_line(2, ",5.9,", ",abc,")), "not a number: 'abc'", 2, "obs_value"),
    ("value 101", LABELS_2026, (*ASEAN_NAMES, on_line(4, ",95.1,", ",101,")), "coverage 101 is outside 0-100 per cent", 4, "obs_value"),
    ("code value 150", CODES_BEST, (*SDG_CODES, on_line(6, ",9.6,", ",150,")), "outside 0-100", 6, "obs_value"),
    ("quarterly time", CODES_BEST, (*SDG_CODES, on_line(3, '"2019"', '"2019Q1"')), "not an annual year: '2019Q1'", 3, "time"),
    (
        "another indicator on one line",
        LABELS_2026,
        (on_line(5, SDG_LABEL_2026, "Unemployment rate by sex and age (%)"),),
        "is not SDG 1.3.1",
        5,
        "indicator.label",
    ),
    (
        "another indicator code on one line",
        CODES_BEST,
        (*SDG_CODES, on_line(7, "SDG_0131_SEX_SOC_RT", "UNE_DEAP_SEX_AGE_RT")),
        "is not SDG 1.3.1",
        7,
        "indicator",
    ),
    (
        "classif2 filled (labels)",
        EARNINGS,
        (sub("Average monthly earnings of employees by sex and rural / urban areas", SDG_LABEL_2026),),
        "classif2 is filled",
        2,
        "classif2.label",
    ),
    ("classif2 filled (codes)", CODES, (*SDG_CODES, sub('"note_classif"', '"classif2"')), "classif2 is filled", C6_LINE, "classif2"),
    (
        "missing obs_value (labels)",
        LABELS_2026,
        (*ASEAN_NAMES, on_line(1, '"obs_value"', '"value"')),
        "missing column(s) ['obs_value']",
        1,
        None,
    ),
    (
        "missing source (codes)",
        CODES_BEST,
        (*SDG_CODES, on_line(1, '"source"', '"src"')),
        "missing column(s) ['source'] for the ILOSTAT (codes) layout",
        1,
        None,
    ),
    # without obs_value a code-variant header is not recognised at all
    (
        "missing obs_value (codes)",
        CODES_BEST,
        (*SDG_CODES, on_line(1, '"obs_value"', '"value"')),
        "missing column(s) ['obs_value']",
        1,
        None,
    ),
    (
        "missing sex.label",
        LABELS_2026,
        (*ASEAN_NAMES, on_line(1, '"sex.label"', '"gender.label"')),
        "missing column(s) ['sex.label']",
        1,
        None,
    ),
    (
        "conflicting duplicate",
        CODES_BEST,
        (*SDG_CODES, on_line(4, '"R1:3513",0', '"R1:3513",1')),
        "conflicting values for ILOSTAT_TEST KHM at_least_one total 2019: 5.014 (line 3), 3.171 (line 4)",
        4,
        None,
    ),
]


@pytest.mark.parametrize(("source", "edits", "message", "line", "column"), [b[1:] for b in BAD], ids=[b[0] for b in BAD])
def test_bad_input_names_file_line_and_column(
    tmp_path: Path, ref: Reference, source: Path, edits: tuple[Edit, ...], message: str, line: int, column: str | None
) -> None:
    path = copy_edited(tmp_path, source, *edits)
    with pytest.raises(DataError) as caught:
        load(path, ref)
    err = caught.value
    assert message in str(err)
    assert (err.path, err.line, err.column) == (path, line, column)
    where = f"{path.name}, line {line}" + (f", column '{column}'" if column else "")
    assert str(err).startswith(where + ": ")


@pytest.mark.parametrize(
    ("mutation", "message"),
    [
        (lambda b: b"", "file is empty"),
        (lambda b: b"PK\x03\x04" + b, "binary"),
        (lambda b: b.decode().encode("utf-16"), "UTF-16"),
        (lambda b: b[: b.rfind(b"Social security") + 8], "ends inside a quoted field"),
    ],
    ids=["empty", "zip", "utf-16", "truncated"],
)
def test_unreadable_copy_is_a_data_error(tmp_path: Path, ref: Reference, labels_asean: Path, mutation, message: str) -> None:
    path = tmp_path / "broken.csv"
    path.write_bytes(mutation(labels_asean.read_bytes()))
    with pytest.raises(DataError) as caught:
        load(path, ref)
    assert message in str(caught.value)
    assert str(caught.value).startswith("broken.csv")
