"""Our World in Data dataset CSVs: ``Entity, Year, <one value column>``.

Used for ILO (2014) health coverage, which OWID redistributes. OWID names countries
in English short forms ("Laos", "Vietnam", "Brunei"), matched through the aliases
in ``countries.csv``.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from essa_dash.errors import DataError
from essa_dash.ingest.common import (
    Loaded,
    drop_duplicates,
    finish,
    percent,
    read_csv_text,
    require_columns,
    source_locations,
    years,
)
from essa_dash.ingest.reference import Reference
from essa_dash.schema import Coverage as C

REQUIRED = ["Entity", "Year"]


def load(path: Path, ref: Reference, *, source_id: str, risk: str) -> Loaded:
    """Read an OWID CSV whose single value column is coverage of ``risk`` in per cent."""
    path = Path(path)
    if risk not in set(ref.risks["risk"]):
        raise DataError(f"unknown risk {risk!r} in the provenance of this file", path=path)

    # load
    raw = read_csv_text(path)
    require_columns(raw, REQUIRED, path, "Our World in Data")
    values = [c for c in raw.columns if c not in REQUIRED]
    if len(values) != 1:
        raise DataError(f"expected one value column besides Entity and Year, found {values}", path=path, line=1)
    loaded = Loaded(path, "owid", raw.iloc[:0], rows_read=len(raw))

    # process
    iso3 = raw["Entity"].map(ref.iso3_for_name)
    loaded.skip("rows of other areas", raw.loc[iso3.isna(), "Entity"])
    rows = raw[iso3.notna()].copy()
    rows[C.iso3] = iso3[iso3.notna()]
    rows[C.risk] = risk
    rows[C.sex] = "total"
    rows[C.year] = years(rows["Year"], path, "Year")
    rows[C.coverage_pct] = percent(rows[values[0]], path, values[0])
    rows[C.source_id] = source_id
    rows[C.source_location] = source_locations(rows, path)
    rows[C.note] = pd.NA

    # return
    loaded.frame = finish(drop_duplicates(rows, path, loaded))
    return loaded
