"""The curated CSV: figures read by hand from publications and press pages.

Layout ``iso3, country, indicator, sex, year, value, value_kind, source_id,
source_title, source_url_or_repo_path, source_location, notes``. This is our own
format, so unlike a download every row must be known: an unknown country, indicator
or source is an error, never a skip. ``year`` may be empty where the source states
no reference year (e.g. the WSPR 2014/15 headlines); it then stays missing.
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
    line_of,
    map_codes,
    percent,
    read_csv_text,
    require_columns,
    years,
)
from essa_dash.ingest.reference import Reference
from essa_dash.schema import Coverage as C

#: Curated column -> ours (the rest, country and source_title/url, repeat sources.csv).
COLUMNS = {
    "iso3": C.iso3,
    "indicator": C.risk,
    "sex": C.sex,
    "year": C.year,
    "value": C.coverage_pct,
    "source_id": C.source_id,
    "source_location": C.source_location,
    "notes": C.note,
}
#: The curated table calls the old-age series after its benefit; our risk id is the contingency.
INDICATOR_TO_RISK = {"old_age_pension": "old_age"}
#: value_kind wording (its start) -> our coverage kind; it must agree with the risk's kind.
VALUE_KINDS = {
    "effective_coverage": "effective",
    "legal_coverage": "legal",
    "survey-based programme coverage": "survey",
    "share of population with access to comprehensive social security": "access",
}


def is_curated(columns: list[str]) -> bool:
    return {"iso3", "indicator", "value", "value_kind", "source_id"} <= set(columns)


def load(path: Path, ref: Reference, *, source_id: str | None = None) -> Loaded:
    """Read the curated CSV. ``source_id`` is unused: every row names its own source."""
    path = Path(path)

    # load
    raw = read_csv_text(path)
    require_columns(raw, [*COLUMNS, "value_kind"], path, "curated")
    loaded = Loaded(path, "curated", raw.iloc[:0], rows_read=len(raw))

    # process: the raw column names overlap ours, so read from ``raw`` and write to ``rows``
    rows = pd.DataFrame(index=raw.index)
    risks = {r: r for r in ref.risks["risk"]} | INDICATOR_TO_RISK
    rows[C.iso3] = map_codes(raw["iso3"], {i: i for i in ref.countries["iso3"]}, path, "iso3", "country or aggregate")
    rows[C.risk] = map_codes(raw["indicator"], risks, path, "indicator", "indicator")
    rows[C.sex] = map_codes(raw["sex"], {s: s for s in ("total", "female", "male")}, path, "sex", "sex")
    stated = raw["year"].str.strip() != ""
    rows[C.year] = pd.Series(pd.NA, index=raw.index, dtype="Int16")
    rows.loc[stated, C.year] = years(raw.loc[stated, "year"].str.removesuffix(".0"), path, "year")
    rows[C.coverage_pct] = percent(raw["value"], path, "value")
    rows[C.source_id] = map_codes(raw["source_id"], {s: s for s in ref.sources["source_id"]}, path, "source_id", "source")
    _check_kinds(raw["value_kind"], rows[C.risk], ref, path)
    empty = raw["source_location"].str.strip() == ""
    if empty.any():
        raise DataError("every figure needs its location in the source", path=path, line=line_of(empty.idxmax()), column="source_location")
    rows[C.source_location] = raw["source_location"]
    rows[C.note] = raw["notes"].replace("", pd.NA)
    rows[C.obs_flags] = flags.from_curated(rows[C.note])

    # return
    loaded.frame = finish(drop_duplicates(rows, path, loaded))
    return loaded


def _check_kinds(value_kind: pd.Series, risk: pd.Series, ref: Reference, path: Path) -> None:
    """The stated concept must be the one the risk's definition measures."""
    stated = pd.Series(pd.NA, index=value_kind.index, dtype="str")
    for prefix, kind in VALUE_KINDS.items():
        stated = stated.mask(value_kind.str.startswith(prefix), kind)
    if stated.isna().any():
        label = stated.isna().idxmax()
        raise DataError(f"unknown value_kind {value_kind[label]!r}", path=path, line=line_of(label), column="value_kind")
    expected = risk.map(dict(zip(ref.risks["risk"], ref.risks["coverage_kind"], strict=True)))
    bad = stated != expected
    if bad.any():
        label = bad.idxmax()
        raise DataError(
            f"value_kind {value_kind[label]!r} does not match risk {risk[label]!r}, which is {expected[label]} coverage",
            path=path,
            line=line_of(label),
            column="value_kind",
        )
