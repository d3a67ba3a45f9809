"""UN SDG Global Database CSV as the SDG API (``Series/DataCSV``) and data portal give it.

Seventeen fixed columns (``Goal, Target, Indicator, SeriesCode, ..., GeoAreaCode,
GeoAreaName, TimePeriod, Value, ..., FootNote``) followed by the series' dimensions
and attributes in square brackets (``[Nature], [Sex], [Units], ...``), whose set
depends on the series. A download may mix series: SDG 1.3.1 (``SI_COV_*``) rows are
kept, others counted; an ``SI_COV_*`` series we do not know is an error.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from essa_dash.errors import DataError
from essa_dash.ingest import flags
from essa_dash.ingest.common import (
    Loaded,
    drop_duplicates,
    finish,
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

REQUIRED = ["SeriesCode", "GeoAreaCode", "GeoAreaName", "TimePeriod", "Value"]
SERIES_PREFIX = "SI_COV_"
SEX = {"BOTHSEX": "total", "FEMALE": "female", "MALE": "male"}
QUANTILE_SUFFIX = {"_T": "", "Q1": "_q1"}


def is_sdg_api(columns: list[str]) -> bool:
    return {"SeriesCode", "GeoAreaCode", "TimePeriod", "Value"} <= set(columns)


def load(path: Path, ref: Reference, *, source_id: str) -> Loaded:
    """Read a UN SDG API CSV into tidy rows of SDG 1.3.1 coverage."""
    path = Path(path)

    # load; dimension names lose their brackets, as R's goalie and the XLSX export do
    raw = read_csv_text(path)
    raw = raw.rename(columns=lambda c: re.sub(r"^\[(.*)\]$", r"\1", c))
    require_columns(raw, REQUIRED, path, "UN SDG API")
    loaded = Loaded(path, "sdg-api", raw.iloc[:0], rows_read=len(raw))

    # process
    series = raw["SeriesCode"].str.strip().str.upper()
    ours = series.str.startswith(SERIES_PREFIX)
    if not ours.any():
        found = ", ".join(sorted(series.unique())[:5])
        raise DataError(f"no SDG 1.3.1 series (SI_COV_*) in this file; found {found}", path=path)
    loaded.skip("rows of other series", series[~ours])
    rows = raw[ours].copy()
    rows[C.risk] = map_codes(series[ours], ref.risk_by_sdg_series, path, "SeriesCode", "SDG 1.3.1 series")

    code = rows["GeoAreaCode"].str.strip()
    bad = ~code.str.fullmatch(r"\d+")
    if bad.any():
        raise DataError(f"not a UN M49 number: {code[bad].iloc[0]!r}", path=path, line=line_of(code.index[bad][0]), column="GeoAreaCode")
    iso3 = code.astype("int64").map(ref.by_m49)
    loaded.skip("rows of other areas", rows.loc[iso3.isna(), "GeoAreaName"])
    rows = rows[iso3.notna()].copy()
    rows[C.iso3] = iso3[iso3.notna()]

    if "Quantile" in rows.columns:
        other = ~rows["Quantile"].isin(list(QUANTILE_SUFFIX)) & (rows["Quantile"] != "")
        loaded.skip("rows of other quantiles", rows.loc[other, "Quantile"])
        rows = rows[~other]
        rows[C.risk] = rows[C.risk] + rows["Quantile"].map(QUANTILE_SUFFIX).fillna("")
        unknown = ~rows[C.risk].isin(set(ref.risks["risk"]))
        if unknown.any():
            label = unknown.idxmax()
            raise DataError(
                f"no risk defined for {rows[C.risk][label]!r} (series with a quantile)", path=path, line=line_of(label), column="[Quantile]"
            )
    if "Units" in rows.columns:
        bad = rows["Units"].str.upper() != "PERCENT"
        if bad.any():
            raise DataError(
                f"unit {rows['Units'][bad].iloc[0]!r} is not PERCENT", path=path, line=line_of(rows.index[bad][0]), column="[Units]"
            )
    empty = rows["Value"].str.strip() == ""
    loaded.skip("rows without a value", rows.loc[empty, "GeoAreaName"])
    rows = rows[~empty]

    rows[C.sex] = map_codes(rows["Sex"].str.upper(), SEX, path, "[Sex]", "sex code") if "Sex" in rows.columns else "total"
    rows[C.year] = years(rows["TimePeriod"].str.removesuffix(".0"), path, "TimePeriod")
    rows[C.coverage_pct] = percent(rows["Value"], path, "Value")
    rows[C.source_id] = source_id
    rows[C.source_location] = source_locations(rows, path)
    for ours_col, theirs in ((C.nature, "Nature"), (C.obs_status, "Observation Status"), (C.note, "FootNote")):
        rows[ours_col] = rows[theirs].replace("", pd.NA) if theirs in rows.columns else pd.NA
    rows[C.obs_flags] = flags.from_sdg(rows[C.nature], rows[C.obs_status])

    # return
    loaded.frame = finish(drop_duplicates(rows, path, loaded))
    return loaded
