"""DDF datapoints files: the Gapminder mirrors of the UN SDG Global Database and ILOSTAT.

A DDF datapoints file is named ``ddf--datapoints--<indicator>--by--<dim>--<dim>.csv``
and holds one column per dimension plus one value column named after the
indicator. Two indicator families are read:

* UN SDG series ``si_cov_*`` by ``geo_area`` (UN M49 number), ``year`` and
  optionally ``sex``, ``quantile``, ``nature``, ``observation_status``, ``units``;
* ILOSTAT ``sdg_0131_sex_soc_rt`` by ``ref_area`` (ILO area code), ``sex``,
  ``classif1`` (contingency) and ``time``.

:func:`load` reads them into coverage rows. :func:`load_context` reads the other SDG
series of the same database (informal employment, the UHC index, poverty, fatal work
injuries; ``data/reference/indicators.csv``) into rows of the context table, with the
same file-name, area and year steps and their own breakdowns (sector, age, location,
migrant status) and units.

Rows for areas other than the 11 ASEAN Member States and the aggregates we keep are
skipped and counted.
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
    measure,
    percent,
    read_csv_text,
    source_locations,
    years,
)
from essa_dash.ingest.reference import Reference
from essa_dash.schema import CONTEXT_LOADER_COLUMNS, CONTEXT_UNITS, FLAGS, coerce_context
from essa_dash.schema import Context as X
from essa_dash.schema import Coverage as C

FILE_NAME = re.compile(r"ddf--datapoints--(?P<indicator>[a-z0-9_]+)--by--(?P<dims>[a-z0-9_]+(?:--[a-z0-9_]+)*)\.csv")
ILOSTAT_INDICATOR = "sdg_0131_sex_soc_rt"
SEX = {"bothsex": "total", "female": "female", "male": "male", "sex_t": "total", "sex_f": "female", "sex_m": "male"}
QUANTILE_SUFFIX = {"t": "", "q1": "_q1"}
#: Dimensions we understand; any other would split a cell we cannot represent.
KNOWN_DIMS = {"geo_area", "ref_area", "year", "time", "sex", "classif1", "quantile", "nature", "observation_status", "units"}

#: The UN's breakdown codes of the context series -> (our column, our codes); see schema.CONTEXT_CODES.
CONTEXT_DIMS: dict[str, tuple[str, dict[str, str]]] = {
    "activity": (X.sector, {"total": "total", "nonagr": "non_agriculture", "isic4_a": "agriculture"}),
    "age": (
        X.age,
        {"allage": "all", "15": "15plus", "15_24": "15_24", "25": "25plus", "15_64": "15_64", "65": "65plus", "lt15y": "under_15"},
    ),
    "location": (X.location, {"allarea": "total", "urban": "urban", "rural": "rural"}),
    "sex": (X.sex, {"bothsex": "total", "female": "female", "male": "male"}),
    "migratory_status": (X.migrant_status, {"t": "total", "nonmig": "non_migrant", "migper": "migrant"}),
}
CONTEXT_DIMS_COLUMNS = [column for column, _ in CONTEXT_DIMS.values()]
#: UN unit codes -> ours (schema.CONTEXT_UNITS).
CONTEXT_UNIT_CODES = {"percent": "percent", "index": "index", "per_100000_emp": "per_100000_employees"}
CONTEXT_KNOWN_DIMS = {"geo_area", "year", "nature", "observation_status", "units", *CONTEXT_DIMS}
#: What the UN's nature and observation status codes say about a value, as schema.FLAGS codes.
NATURE_FLAGS = {"e": "estimated", "m": "modelled"}
STATUS_FLAGS = {"e": "estimated"}


def parse_name(path: Path) -> tuple[str, list[str]]:
    """(indicator, dimensions) from a DDF datapoints file name."""
    match = FILE_NAME.fullmatch(path.name)
    if not match:
        raise DataError("not a DDF datapoints file name (ddf--datapoints--<indicator>--by--<dims>.csv)", path=path)
    return match["indicator"], match["dims"].split("--")


def _read(path: Path, known: set[str]) -> tuple[str, list[str], pd.DataFrame, Loaded]:
    """The indicator, dimensions and rows of a DDF datapoints file whose name promises only ``known`` dimensions."""
    indicator, dims = parse_name(path)
    unknown = [d for d in dims if d not in known]
    if unknown:
        raise DataError(f"unsupported dimension(s) {unknown}", path=path)
    raw = read_csv_text(path)
    loaded = Loaded(path, "ddf", raw.iloc[:0], rows_read=len(raw))
    expected = [*dims, indicator]
    missing = [c for c in expected if c not in raw.columns]
    if missing:
        raise DataError(f"missing column(s) {missing}; the file name promises {expected}", path=path, line=1)
    return indicator, dims, raw, loaded


def _keep_areas(raw: pd.DataFrame, dims: list[str], ref: Reference, path: Path, loaded: Loaded) -> pd.DataFrame:
    """The rows of the areas we keep, with their ``iso3``; the others are skipped and counted.

    Areas come first, so that the rest only checks rows we keep.
    """
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
    return rows


def load(path: Path, ref: Reference, *, source_id: str) -> Loaded:
    """Read one DDF datapoints file of SDG 1.3.1 coverage into tidy rows."""
    path = Path(path)

    # load
    indicator, dims, raw, loaded = _read(path, KNOWN_DIMS)

    # process: areas first, so that the rest only checks rows we keep
    rows = _keep_areas(raw, dims, ref, path, loaded)

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
    if indicator == ILOSTAT_INDICATOR:
        # the mirror drops ILOSTAT's source column; its regional and world rows are ILO modelled estimates
        aggregates = set(ref.countries.loc[ref.countries["is_aggregate"], "iso3"])
        rows[C.obs_flags] = rows[C.iso3].isin(aggregates).map({True: "modelled", False: None})
    else:
        rows[C.obs_flags] = flags.from_sdg(rows[C.nature], rows[C.obs_status])

    # return
    loaded.frame = finish(drop_duplicates(rows, path, loaded))
    return loaded


def load_context(path: Path, ref: Reference, *, source_id: str) -> Loaded:
    """Read one DDF datapoints file of an SDG context series (indicators.csv) into context rows."""
    path = Path(path)

    # load
    indicator, dims, raw, loaded = _read(path, CONTEXT_KNOWN_DIMS)
    loaded.layout = "ddf_context"
    ours = ref.indicator_by_sdg_series.get(indicator.upper())
    if ours is None:
        known = ", ".join(sorted(s.lower() for s in ref.indicator_by_sdg_series))
        raise DataError(f"unknown context series {indicator!r}; known: {known}", path=path)
    if "year" not in dims:
        raise DataError("no year dimension", path=path)

    # process: areas first, then each breakdown the file has (the others stay missing)
    rows = _keep_areas(raw, dims, ref, path, loaded)
    rows[X.indicator] = ours
    for dim, (column, codes) in CONTEXT_DIMS.items():
        rows[column] = map_codes(rows[dim], codes, path, dim, f"{dim} code") if dim in dims else pd.NA
    unit = ref.unit_of_indicator[ours]
    found = map_codes(rows["units"], CONTEXT_UNIT_CODES, path, "units", "unit") if "units" in dims else pd.Series(unit, index=rows.index)
    bad = found != unit
    if bad.any():
        raise DataError(
            f"unit {rows['units'][bad].iloc[0]!r} is not {unit}, the unit indicators.csv gives {ours}",
            path=path,
            line=line_of(rows.index[bad][0]),
            column="units",
        )
    rows[X.unit] = unit
    rows[X.year] = years(rows["year"], path, "year")
    low, high = CONTEXT_UNITS[unit]
    rows[X.value] = measure(rows[indicator], path, indicator, low=low, high=high, what=ours, unit=unit)
    rows[X.source_id] = source_id
    rows[X.source_location] = source_locations(rows, path)
    nature = rows["nature"].str.lower() if "nature" in dims else pd.Series("", index=rows.index)
    status = rows["observation_status"].str.lower() if "observation_status" in dims else pd.Series("", index=rows.index)
    rows[X.nature] = nature.str.upper().replace("", pd.NA)
    rows[X.obs_status] = status.str.upper().replace("", pd.NA)
    rows[X.obs_flags] = _flags(nature, status)

    # return
    repeat = rows.duplicated([X.iso3, X.indicator, *CONTEXT_DIMS_COLUMNS, X.year])
    if repeat.any():
        label = rows.index[repeat][0]
        raise DataError(f"a second value for the same {rows[X.iso3][label]} {ours} cell and year", path=path, line=line_of(label))
    loaded.frame = coerce_context(rows[CONTEXT_LOADER_COLUMNS].reset_index(drop=True))
    return loaded


def _flags(nature: pd.Series, status: pd.Series) -> pd.Series:
    """schema.FLAGS codes from the UN nature and observation status codes, in FLAGS order (missing when none)."""
    found = pd.DataFrame({"nature": nature.map(NATURE_FLAGS), "status": status.map(STATUS_FLAGS)})
    order = {code: i for i, code in enumerate(FLAGS)}
    cells = [";".join(sorted({c for c in row if isinstance(c, str)}, key=order.__getitem__)) for row in found.itertuples(index=False)]
    return pd.Series(cells, index=nature.index, dtype="str").replace("", pd.NA)
