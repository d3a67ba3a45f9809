"""ILOSTAT CSV downloads of SDG 1.3.1 (SDG_0131_SEX_SOC_RT), in both of their forms.

* **codes**: bulk files and the rplumber API, ``ref_area, source, indicator, sex,
  classif1, time, obs_value, obs_status, note_classif, note_indicator, note_source``
  (optional ``classif2`` and ``best_source``);
* **labels**: data-explorer downloads, the same columns with ``.label`` added and
  text instead of codes, whose wording changed between releases
  ("Contingency: ..." became "Function: ...").

Columns are matched by name: optional columns come and go between downloads. A
download holds every country; we keep ours and count the rest.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from essa_dash.errors import DataError
from essa_dash.ingest import flags
from essa_dash.ingest.common import (
    Loaded,
    drop_duplicates,
    finish,
    joined,
    line_of,
    map_codes,
    percent,
    read_csv_text,
    require_columns,
    source_locations,
    years,
)
from essa_dash.ingest.reference import Reference
from essa_dash.schema import Coverage as C

REQUIRED = ["ref_area", "source", "indicator", "sex", "classif1", "time", "obs_value"]
NOTES = ["note_classif", "note_indicator", "note_source"]
INDICATOR_CODE = "SDG_0131_SEX_SOC_RT"
INDICATOR_LABEL_PREFIX = "SDG indicator 1.3.1"
SEX_CODES = {"SEX_T": "total", "SEX_F": "female", "SEX_M": "male"}
SEX_LABELS = {"Total": "total", "Female": "female", "Male": "male"}
#: classif1 label text (after the "Function: " / "Contingency: " prefix) -> ILOSTAT code,
#: in every wording seen; work injury changed its text between releases.
CLASSIF1_LABELS = {
    "Population covered by at least one social protection benefit": "SOC_CONTIG_TOTAL",
    "Persons above retirement age receiving a pension": "SOC_CONTIG_PENSION",
    "Unemployed receiving unemployment benefits": "SOC_CONTIG_UNE",
    "Labour force covered in the event of work injury": "SOC_CONTIG_INJ",
    "Employed covered in the event of work injury": "SOC_CONTIG_INJ",
    "Mothers with newborns receiving maternity benefits": "SOC_CONTIG_MAT",
    "Children/households receiving child/family cash benefits": "SOC_CONTIG_CHILD",
    "Persons with severe disabilities collecting disability social protection benefits": "SOC_CONTIG_DISAB",
    "Vulnerable persons covered by social assistance": "SOC_CONTIG_VULN",
    "Poor persons covered by social protection systems": "SOC_CONTIG_POOR",
}
CLASSIF1_PREFIXES = ("Function: ", "Contingency: ")


def variant(columns: list[str]) -> str | None:
    """``"labels"`` or ``"codes"`` from the header, or None if it is not an ILOSTAT file."""
    if "ref_area.label" in columns:
        return "labels"
    if "ref_area" in columns:
        return "codes"
    return None


def load(path: Path, ref: Reference, *, source_id: str) -> Loaded:
    """Read an ILOSTAT SDG 1.3.1 CSV (either variant) into tidy rows."""
    path = Path(path)

    # load
    raw = read_csv_text(path)
    kind = variant(list(raw.columns))
    if kind is None:
        raise DataError("not an ILOSTAT CSV: no 'ref_area' or 'ref_area.label' column", path=path, line=1)
    col = (lambda name: f"{name}.label") if kind == "labels" else (lambda name: name)
    # missing columns are named as the file would name them, before the labels lose their suffix
    require_columns(raw, [col(c) if c not in ("time", "obs_value") else c for c in REQUIRED], path, f"ILOSTAT ({kind})")
    if kind == "labels":  # one vocabulary from here on: the code variant's column names
        raw = raw.rename(columns={c: c.removesuffix(".label") for c in raw.columns})
    loaded = Loaded(path, f"ilostat-{kind}", raw.iloc[:0], rows_read=len(raw))

    # process
    _check_indicator(raw, path, kind)
    if "classif2" in raw.columns and (raw["classif2"] != "").any():
        bad = raw["classif2"] != ""
        raise DataError(
            "SDG 1.3.1 has no second breakdown, but classif2 is filled", path=path, line=line_of(bad.idxmax()), column=col("classif2")
        )
    if "best_source" in raw.columns:
        other = raw["best_source"].str.strip() == "0"
        loaded.skip("rows not from ILOSTAT's preferred source (best_source=0)", raw.loc[other, "ref_area"])
        raw = raw[~other]

    iso3 = raw["ref_area"].str.upper().map(ref.by_ilo_code) if kind == "codes" else raw["ref_area"].map(ref.iso3_for_name)
    loaded.skip("rows of other areas", raw.loc[iso3.isna(), "ref_area"])
    rows = raw[iso3.notna()].copy()
    rows[C.iso3] = iso3[iso3.notna()]
    if rows.empty:
        raise DataError("no rows for the ASEAN Member States or the aggregates we keep", path=path)

    empty = rows["obs_value"].str.strip() == ""
    status = rows["obs_status"] if "obs_status" in rows.columns else pd.Series("", index=rows.index)
    loaded.skip("rows without a value", rows.loc[empty, "ref_area"] + " " + status[empty])
    rows = rows[~empty]

    sexes = SEX_CODES if kind == "codes" else SEX_LABELS
    rows[C.sex] = map_codes(rows["sex"], sexes, path, col("sex"), "sex")
    if kind == "codes":
        contingency = rows["classif1"].str.upper()
    else:
        text = rows["classif1"]
        for prefix in CLASSIF1_PREFIXES:
            text = text.str.removeprefix(prefix)
        contingency = map_codes(text, CLASSIF1_LABELS, path, col("classif1"), "contingency label")
    rows[C.risk] = map_codes(contingency, ref.risk_by_ilostat_code, path, col("classif1"), "contingency code")
    rows[C.year] = years(rows["time"], path, "time")
    rows[C.coverage_pct] = percent(rows["obs_value"], path, "obs_value")
    rows[C.source_id] = source_id
    rows[C.source_location] = source_locations(rows, path)
    rows[C.nature] = rows["source"].replace("", pd.NA)
    rows[C.obs_status] = status[rows.index].replace("", pd.NA)
    rows[C.note] = joined(rows[n] for n in NOTES if n in rows.columns) if any(n in rows.columns for n in NOTES) else pd.NA
    rows[C.obs_flags] = flags.from_ilostat(rows[C.note], rows["source"], rows[C.obs_status])

    # return
    loaded.frame = finish(drop_duplicates(rows, path, loaded))
    return loaded


def _check_indicator(raw: pd.DataFrame, path: Path, kind: str) -> None:
    """Refuse files of another indicator: same layout, different meaning."""
    if kind == "codes":
        ok = raw["indicator"].str.upper().str.removesuffix("_A") == INDICATOR_CODE
        expected = INDICATOR_CODE
    else:
        ok = raw["indicator"].str.startswith(INDICATOR_LABEL_PREFIX)
        expected = f"'{INDICATOR_LABEL_PREFIX} ...'"
    if not ok.all():
        label = (~ok).idxmax()
        raise DataError(
            f"indicator {raw['indicator'][label]!r} is not SDG 1.3.1 ({expected})",
            path=path,
            line=line_of(label),
            column="indicator" if kind == "codes" else "indicator.label",
        )
