"""The command line as a user meets it: `essa-dash ingest` on good and bad files.

Every bad file is made from a real download by one edit, and every refusal must be
one line naming the file (and the line and column where there is one), exit 2, and
leave the data directory byte-for-byte as it was.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest

from essa_dash.cli import main
from essa_dash.paths import DEFAULT_DATA_DIR
from essa_dash.schema import Coverage as C
from essa_dash.store import read_store
from tests.conftest import FORMATS, snapshot

LABELS = FORMATS / "ilostat_labels__SDG_0131_SEX_SOC_RT_A-filtered-2026-05-25__notes_examples.csv"
SDG_API = FORMATS / "unsdg_api__test_input.csv"
CURATED = DEFAULT_DATA_DIR / "raw" / "essa" / "asean_coverage_sources" / "asean_coverage_sources.csv"


def asean_labels(text: str) -> str:
    """The real 2026 label download with two of its countries renamed to ASEAN ones."""
    return text.replace('"Kuwait"', '"Viet Nam"').replace('"Republic of Korea"', '"Lao People\'s Democratic Republic"')


def sdg_cov(text: str) -> str:
    """The real UN SDG API sample turned into an SI_COV series for Cambodia (M49 116)."""
    lines = text.splitlines(keepends=True)
    header, rows = lines[0], lines[1:3]
    rows = [r.replace('"AG_FOOD_WST"', '"SI_COV_BENFTS"').replace('"TONNES"', '"PERCENT"') for r in rows]
    rows[0] = rows[0].replace('"1","World"', '"116","Cambodia"').replace('"243717410.1832"', '"6.2"')
    rows[1] = rows[1].replace('"1","World"', '"704","Viet Nam"').replace('"118138587.82066"', '"38.8"')
    return header + "".join(rows)


def edit(source: Path, change: Callable[[str], str]) -> Callable[[Path], Path]:
    def make(tmp: Path) -> Path:
        path = tmp / source.name
        path.write_text(change(source.read_text(encoding="utf-8-sig")), encoding="utf-8")
        return path

    return make


def raw_bytes(name: str, data: bytes) -> Callable[[Path], Path]:
    def make(tmp: Path) -> Path:
        path = tmp / name
        path.write_bytes(data)
        return path

    return make


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


BAD_INPUTS = {
    "missing column": (edit(LABELS, lambda t: asean_labels(t).replace('"obs_value"', '"value"')), r"missing column\(s\) \['obs_value'\]"),
    "non-numeric value": (
        edit(LABELS, lambda t: asean_labels(t).replace(",5.9,", ",n/a,")),
        r"line 2, column 'obs_value': not a number: 'n/a'",
    ),
    "value above 100": (
        edit(LABELS, lambda t: asean_labels(t).replace(",5.9,", ",105.9,")),
        r"line 2, column 'obs_value': coverage 105.9 is outside 0-100",
    ),
    "negative value": (edit(LABELS, lambda t: asean_labels(t).replace(",5.9,", ",-1,")), "outside 0-100"),
    "unknown sex": (
        edit(LABELS, lambda t: asean_labels(t).replace('"Total","Function: Children', '"Both","Function: Children')),
        r"column 'sex.label': unknown sex 'Both'",
    ),
    "unknown contingency": (
        edit(
            LABELS, lambda t: asean_labels(t).replace("Children/households receiving child/family cash benefits", "Pets receiving benefits")
        ),
        "unknown contingency label 'Pets receiving benefits'",
    ),
    "other indicator": (edit(FORMATS / "ilostat_bulk__une-deap-sex-age-rt-a.csv", lambda t: t), "is not SDG 1.3.1"),
    "conflicting duplicate": (
        edit(LABELS, lambda t: asean_labels(t) + asean_labels(t).splitlines()[1].replace(",5.9,", ",6.9,") + "\n"),
        "conflicting values for .* VNM children total 2019: 5.9 \\(line 2\\), 6.9 \\(line 8\\)",
    ),
    "no ASEAN rows": (
        edit(FORMATS / "ilostat_labels__ilostat_social_protection__head.csv", lambda t: t),
        "no rows for the ASEAN Member States",
    ),
    "unknown SDG series": (
        edit(SDG_API, lambda t: sdg_cov(t).replace("SI_COV_BENFTS", "SI_COV_NEWTHING")),
        "unknown SDG 1.3.1 series 'SI_COV_NEWTHING'",
    ),
    "no SDG 1.3.1 series": (edit(SDG_API, lambda t: t), r"no SDG 1.3.1 series \(SI_COV_\*\)"),
    "curated unknown country": (
        edit(CURATED, lambda t: t.replace("\nBRN,Brunei", "\nBRU,Brunei", 1)),
        r"line 2, column 'iso3': unknown country or aggregate 'BRU'",
    ),
    "empty file": (raw_bytes("empty.csv", b""), "file is empty"),
    "header only": (raw_bytes("header.csv", LABELS.read_bytes().splitlines(keepends=True)[0]), "no data rows"),
    "binary file": (raw_bytes("sheet.csv", b"PK\x03\x04" + bytes(range(256)) * 8), "binary"),
    "UTF-16 file": (raw_bytes("utf16.csv", asean_labels(LABELS.read_text()).encode("utf-16")), "UTF-16"),
    "Latin-1 file": (
        raw_bytes("latin1.csv", asean_labels(LABELS.read_text()).replace("Estimated based", "Estimé based", 1).encode("latin-1")),
        r"latin1.csv, line 2: not UTF-8 text \(byte 0xe9\)",
    ),
    "truncated file": (raw_bytes("cut.csv", asean_labels(LABELS.read_text()).encode()[:700]), "truncated"),
    "wrong layout": (raw_bytes("other.csv", b"name,age\nalice,3\n"), "unrecognised layout"),
    "missing file": (lambda tmp: tmp / "nope.csv", "file not found"),
}


@pytest.mark.parametrize("case", list(BAD_INPUTS))
def test_bad_input_is_refused_in_one_line_and_changes_nothing(case: str, fresh_root: Path, tmp_path: Path, capsys) -> None:
    make, message = BAD_INPUTS[case]
    path = make(tmp_path)
    before = snapshot(fresh_root)
    code, out, err = run(capsys, "ingest", str(path), "--data-dir", str(fresh_root))
    assert code == 2
    assert err.count("\n") == 1 and "Traceback" not in err + out
    assert path.name in err
    assert pd.Series([err]).str.contains(message).all(), err
    assert snapshot(fresh_root) == before


def test_dry_run_shows_the_change_and_writes_nothing(fresh_root: Path, tmp_path: Path, capsys) -> None:
    path = edit(LABELS, asean_labels)(tmp_path)
    before = snapshot(fresh_root)
    code, out, _ = run(capsys, "ingest", str(path), "--dry-run", "--data-dir", str(fresh_root))
    assert code == 0
    assert "kept 3 of 6 rows; skipped 3 rows of other areas" in out
    assert "source ILOSTAT_CSV_2026-05-25 (edition 'ILOSTAT 2026-05-25')" in out
    assert (
        "+ ILOSTAT_CSV_2026-05-25 VNM children total 2019: 5.9 (elsewhere: ILOSTAT 2025 1.4" not in out
    )  # VNM 2019 children is not in ILOSTAT 2025
    assert "+ ILOSTAT_CSV_2026-05-25 WLD at_least_one total 2021: 50.2 (elsewhere: ILOSTAT 2025 50.239)" in out
    assert "adds 3 rows, changes 0, removes 0" in out
    assert "dry run: nothing written" in out
    assert snapshot(fresh_root) == before


def test_ingest_merges_a_real_download_as_a_new_source(fresh_root: Path, tmp_path: Path, capsys) -> None:
    path = edit(LABELS, asean_labels)(tmp_path)
    code, out, _ = run(capsys, "ingest", str(path), "--data-dir", str(fresh_root))
    assert code == 0, out
    folder = fresh_root / "raw" / "ingested" / "ILOSTAT_CSV_2026-05-25"
    assert (folder / path.name).read_bytes() == path.read_bytes()  # kept as published
    provenance = json.loads((folder / "provenance.json").read_text())
    assert provenance["source"]["edition"] == "ILOSTAT 2026-05-25"
    store = read_store(fresh_root)
    new = store.coverage[store.coverage[C.source_id] == "ILOSTAT_CSV_2026-05-25"]
    assert sorted(new[C.iso3]) == ["LAO", "VNM", "WLD"]
    lao = new[new[C.iso3] == "LAO"].iloc[0]
    assert (lao[C.risk], lao[C.year], lao[C.coverage_pct]) == ("employment_injury", 2019, 95.1)
    assert lao[C.note] == "Social security coverage: Estimated based on legal coverage"
    assert "ILOSTAT 2026-05-25" in set(store.editions["edition"])
    # a second ingest of the same bytes is a no-op; build-data from raw/ alone reproduces the table
    before = snapshot(fresh_root)
    code, out, _ = run(capsys, "ingest", str(path), "--data-dir", str(fresh_root))
    assert code == 0 and "already ingested" in out
    assert snapshot(fresh_root) == before
    assert run(capsys, "build-data", "--data-dir", str(fresh_root))[0] == 0
    assert snapshot(fresh_root) == before


def test_ingest_reads_a_real_un_sdg_api_layout(fresh_root: Path, tmp_path: Path, capsys) -> None:
    path = edit(SDG_API, sdg_cov)(tmp_path)
    code, out, _ = run(capsys, "ingest", str(path), "--dry-run", "--data-dir", str(fresh_root))
    assert code == 0, out
    assert "+ UNSDG_API_" in out and "KHM at_least_one total 2019: 6.2 (elsewhere: ILOSTAT 2025 6.2" in out


def test_build_data_prints_rows_per_source(fresh_root: Path, capsys) -> None:
    code, out, _ = run(capsys, "build-data", "--data-dir", str(fresh_root))
    assert code == 0
    assert "ILOSTAT_DDF_2025          1973 rows" in out


def test_data_dir_comes_from_the_environment(fresh_root: Path, monkeypatch, capsys) -> None:
    monkeypatch.setenv("ESSA_DATA_DIR", str(fresh_root))
    code, out, _ = run(capsys, "build-data")
    assert code == 0 and "built" in out
