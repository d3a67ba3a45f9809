"""DDF datapoints files: the Gapminder mirrors of the UN SDG Global Database and ILOSTAT.

A DDF datapoints file is named ``ddf--datapoints--<indicator>--by--<dim>--<dim>.csv``
and holds one column per dimension plus one value column named after the
indicator. Two indicator families are read:

* UN SDG series ``si_cov_*`` by ``geo_area`` (UN M49 number), ``year`` and
  optionally ``sex``, ``quantile``, ``nature``, ``observation_status``, ``units``;
* ILOSTAT ``sdg_0131_sex_soc_rt`` by ``ref_area`` (ILO area code), ``sex``,
  ``classif1`` (contingency) and ``time``.

Rows for areas other than the 11 ASEAN Member States and the aggregates we keep are
skipped and counted.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from essa_dash.errors import DataError
from essa_dash.ingest.common import (
    Loaded,
    drop_duplicates,
    finish,
    line_of,
    map_codes,
    percent,
    read_csv_text,
    source_locations,
    years,
)
from essa_dash.ingest.reference import Reference
from essa_dash.schema import Coverage as C

FILE_NAME = re.compile(r"ddf--datapoints--(?P<indicator>[a-z0-9_]+)--by--(?P<dims>[a-z0-9_]+(?:--[a-z0-9_]+)*)\.csv")
ILOSTAT_INDICATOR = "sdg_0131_sex_soc_rt"
SEX = {"bothsex": "total", "female": "female", "male": "male", "sex_t": "total", "sex_f": "female", "sex_m": "male"}
QUANTILE_SUFFIX = {"t": "", "q1": "_q1"}
#: Dimensions we understand; any other would split a cell we cannot represent.
KNOWN_DIMS = {"geo_area", "ref_area", "year", "time", "sex", "classif1", "quantile", "nature", "observation_status", "units"}


def parse_name(path: Path) -> tuple[str, list[str]]:
    """(indicator, dimensions) from a DDF datapoints file name."""
    match = FILE_NAME.fullmatch(path.name)
    if not match:
        raise DataError("not a DDF datapoints file name (ddf--datapoints--<indicator>--by--<dims>.csv)", path=path)
    return match["indicator"], match["dims"].split("--")


def load(path: Path, ref: Reference, *, source_id: str) -> Loaded:
    """Read one DDF datapoints file of SDG 1.3.1 coverage into tidy rows."""
    path = Path(path)
    indicator, dims = parse_name(path)
    unknown = [d for d in dims if d not in KNOWN_DIMS]
    if unknown:
        raise DataError(f"unsupported dimension(s) {unknown}", path=path)

    # load
    raw = read_csv_text(path)
    loaded = Loaded(path, "ddf", raw.iloc[:0], rows_read=len(raw))
    expected = [*dims, indicator]
    missing = [c for c in expected if c not in raw.columns]
    if missing:
        raise DataError(f"missing column(s) {missing}; the file name promises {expected}", path=path, line=1)

    # process: areas first, so that the rest only checks rows we keep
    if "geo_area" in dims:
        bad = ~raw["geo_area"].str.fullmatch(r"\d+")
        if bad.any():
            raise DataError(
                f"not a UN M49 number: {raw['geo_area'][bad].iloc[0]!r}", path=path, line=line_of(raw.index[bad][0]), column="geo_area"
            )
        iso3 = raw["geo_area"].astype("int64").map(ref.by_m49)
        area_col = "geo_area"
    elif "ref_area" in dims:
        bad = ~raw["ref_area"].str.fullmatch(r"[A-Za-z0-9]{3}")
        if bad.any():
            raise DataError(
                f"not an ILO area code: {raw['ref_area'][bad].iloc[0]!r}", path=path, line=line_of(raw.index[bad][0]), column="ref_area"
            )
        iso3 = raw["ref_area"].str.upper().map(ref.by_ilo_code)
        area_col = "ref_area"
    else:
        raise DataError("no area dimension (geo_area or ref_area)", path=path)
    loaded.skip("rows of other areas", raw.loc[iso3.isna(), area_col])
    rows = raw[iso3.notna()].copy()
    rows[C.iso3] = iso3[iso3.notna()]

    if "units" in dims:
        bad = rows["units"] != "percent"
        if bad.any():
            raise DataError(
                f"unit {rows['units'][bad].iloc[0]!r} is not percent", path=path, line=line_of(rows.index[bad][0]), column="units"
            )

    if indicator == ILOSTAT_INDICATOR:
        if "classif1" not in dims:
            raise DataError("ILOSTAT SDG 1.3.1 file without a classif1 (contingency) dimension", path=path)
        codes = {code.lower(): risk for code, risk in ref.risk_by_ilostat_code.items()}
        rows[C.risk] = map_codes(rows["classif1"], codes, path, "classif1", "contingency code")
    else:
        series = ref.risk_by_sdg_series.get(indicator.upper())
        if series is None:
            known = [*sorted(s.lower() for s in ref.risk_by_sdg_series), ILOSTAT_INDICATOR]
            raise DataError(f"unknown indicator {indicator!r}; known: {', '.join(known)}", path=path)
        rows[C.risk] = series
        if "quantile" in dims:
            other = ~rows["quantile"].isin(list(QUANTILE_SUFFIX))
            loaded.skip("rows of other quantiles", rows.loc[other, "quantile"])
            rows = rows[~other]
            rows[C.risk] = rows[C.risk] + rows["quantile"].map(QUANTILE_SUFFIX)
            unknown_risk = ~rows[C.risk].isin(set(ref.risks["risk"]))
            if unknown_risk.any():
                raise DataError(
                    f"no risk defined for {rows[C.risk][unknown_risk].iloc[0]!r}", path=path, line=line_of(rows.index[unknown_risk][0])
                )

    rows[C.sex] = map_codes(rows["sex"], SEX, path, "sex", "sex code") if "sex" in dims else "total"
    year_col = "year" if "year" in dims else "time"
    rows[C.year] = years(rows[year_col], path, year_col)
    rows[C.coverage_pct] = percent(rows[indicator], path, indicator)
    rows[C.source_id] = source_id
    rows[C.source_location] = source_locations(rows, path)
    rows[C.nature] = rows["nature"].str.upper() if "nature" in dims else pd.NA
    rows[C.obs_status] = rows["observation_status"].str.upper() if "observation_status" in dims else pd.NA
    rows[C.note] = pd.NA

    # return
    loaded.frame = finish(drop_duplicates(rows, path, loaded))
    return loaded
