"""UN World Population Prospects totals (DDF ``population`` by ``country_area`` and ``time``).

The only denominator we may multiply a coverage rate by without assumptions is the
total population, and only for coverage by at least one benefit. Values are
thousands of persons on 1 July; we store persons.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from essa_dash.errors import DataError
from essa_dash.ingest.common import line_of, read_csv_text, require_columns, years
from essa_dash.ingest.reference import Reference

COLUMNS = ["iso3", "year", "population", "is_projection", "source_id", "source_location"]
#: WPP 2024 gives estimates to 2023 and Medium-variant projections from 2024.
FIRST_PROJECTION_YEAR = 2024


def load(path: Path, ref: Reference, *, source_id: str) -> pd.DataFrame:
    """Read WPP total population for the countries we keep."""
    path = Path(path)
    raw = read_csv_text(path)
    require_columns(raw, ["country_area", "time", "population"], path, "WPP population DDF")
    bad = ~raw["country_area"].str.fullmatch(r"\d+")
    if bad.any():
        raise DataError("not a UN M49 number", path=path, line=line_of(bad.idxmax()), column="country_area")
    iso3 = raw["country_area"].astype("int64").map(ref.by_m49)
    rows = raw[iso3.notna()].copy()
    thousands = pd.to_numeric(rows["population"], errors="coerce")
    # more than 10 billion people (in thousands) is a broken value, and would overflow as persons
    bad = thousands.isna() | ~np.isfinite(thousands.to_numpy(dtype="float64", na_value=np.nan)) | (thousands <= 0) | (thousands > 1e7)
    if bad.any():
        raise DataError(
            f"not a positive number: {rows['population'][bad].iloc[0]!r}", path=path, line=line_of(bad.idxmax()), column="population"
        )
    out = pd.DataFrame(
        {
            "iso3": iso3[iso3.notna()].astype("str"),
            "year": years(rows["time"], path, "time"),
            "population": (thousands * 1000).round().astype("int64"),
            "source_id": source_id,
            "source_location": [f"{path.name}, line {line_of(i)}" for i in rows.index],
        }
    )
    repeated = out.duplicated(["iso3", "year"])
    if repeated.any():
        label = out.index[repeated][0]
        raise DataError(f"a second population for {out['iso3'][label]} {out['year'][label]}", path=path, line=line_of(label))
    out["is_projection"] = out["year"] >= FIRST_PROJECTION_YEAR
    return out[COLUMNS].reset_index(drop=True)
