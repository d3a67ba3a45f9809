"""What each source says about an observation, normalised to the codes of :data:`schema.FLAGS`.

Every producer has its own way to say "this value is special": ILOSTAT writes notes
("Social security coverage: Estimated based on legal coverage") and names the ILO's
modelled estimates as their source; the UN SDG database codes a ``Nature`` and an
``Observation Status``; the curated table writes CROSS-CHECK DISAGREEMENT and REVISED
in its notes. The loaders keep the source's own wording in ``note``, ``nature`` and
``obs_status`` and call the functions here to turn it into codes, so that one small
vocabulary reaches every chart, export and the API. Rules are data (the mappings below)
and documented in data/README.md, "Observation flags".
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from essa_dash.schema import FLAGS, flag_codes

#: Phrases of ILOSTAT's notes (``note_classif``, ``note_indicator``, ``note_source``), case-insensitive.
ILOSTAT_NOTES = {
    "estimated based on legal coverage": "legal_estimate",
    "break in series": "break",
}
#: ILOSTAT sources (the ``source`` label, or the code's type prefix) that are ILO modelled estimates.
ILOSTAT_MODELLED_SOURCES = ("ILO - Modelled Estimates", "XA:")
#: ILOSTAT observation status, as label or code.
ILOSTAT_STATUS = {"break in series": "break", "b": "break", "unreliable": "unreliable", "u": "unreliable"}
#: UN SDG ``Nature``: E estimated, M modelled (C, CA, G and N say nothing a reader must know).
SDG_NATURE = {"E": "estimated", "M": "modelled"}
#: UN SDG ``Observation Status`` (SDMX OBS_STATUS): B break, E estimated, U low reliability.
SDG_STATUS = {"B": "break", "E": "estimated", "U": "unreliable"}
#: Markers the curated table writes in its notes (case-sensitive: they are written in capitals,
#: except "revises", the note on the newer value of a revised pair).
CURATED_NOTES = {
    "CROSS-CHECK DISAGREEMENT": "cross_check",
    "REVISED": "revised",
    "revises ": "revised",
}


def combine(*parts: pd.Series) -> pd.Series:
    """Merge per-row flag cells (codes joined by ";") into one cell each, in :data:`FLAGS` order."""
    index = parts[0].index
    joined = pd.Series("", index=index, dtype="str")
    for part in parts:
        joined = joined + ";" + part.reindex(index).fillna("").astype("str")
    # few distinct combinations: order each once, not once per row
    cells = {text: ordered(flag_codes(text)) for text in joined.unique()}
    return joined.map(cells).astype("str")


def ordered(codes: Iterable[str]) -> str | None:
    """One ``obs_flags`` cell: the distinct codes in :data:`FLAGS` order, or None when there are none."""
    found = set(codes)
    unknown = found - set(FLAGS)
    if unknown:
        raise ValueError(f"unknown observation flags {sorted(unknown)}")
    return ";".join(code for code in FLAGS if code in found) or None


def _phrases(text: pd.Series, phrases: dict[str, str], *, case: bool) -> pd.Series:
    """The codes of every phrase found in each text (missing text has none)."""
    text = text.fillna("").astype("str")
    if not case:
        text = text.str.lower()
    hits = [text.str.contains(phrase, regex=False).map({True: code, False: ""}) for phrase, code in phrases.items()]
    return combine(*hits) if hits else pd.Series(None, index=text.index, dtype="str")


def _lookup(codes: pd.Series, mapping: dict[str, str]) -> pd.Series:
    return codes.fillna("").astype("str").str.strip().map(mapping)


def from_ilostat(note: pd.Series, source: pd.Series, status: pd.Series) -> pd.Series:
    """Flags of ILOSTAT rows: their notes, a modelled-estimates source, their observation status."""
    modelled = source.fillna("").astype("str").str.startswith(ILOSTAT_MODELLED_SOURCES).map({True: "modelled", False: ""})
    by_status = _lookup(status.fillna("").astype("str").str.lower(), ILOSTAT_STATUS)
    return combine(_phrases(note, ILOSTAT_NOTES, case=False), modelled, by_status)


def from_sdg(nature: pd.Series, status: pd.Series) -> pd.Series:
    """Flags of UN SDG database rows from their ``Nature`` and ``Observation Status`` codes."""
    # one key per row, words looked up once per distinct pair (a download repeats a handful of them)
    keys = nature.fillna("").astype("str").str.strip().str.upper() + "|" + status.fillna("").astype("str").str.strip().str.upper()
    pairs = (key.split("|") for key in keys.unique())
    table = {f"{n}|{o}": ordered(code for code in (SDG_NATURE.get(n), SDG_STATUS.get(o)) if code) for n, o in pairs}
    return keys.map(table).astype("str")


def from_curated(note: pd.Series) -> pd.Series:
    """Flags the curated table's notes record (its cross-checks and revisions between releases)."""
    return _phrases(note, CURATED_NOTES, case=True)


#: The plausibility rule (data/README.md, "Plausibility rule"): within one series, a move of more than
#: JUMP_POINTS between consecutive observations, or of more than BOUND_POINTS to or from 0 or 100 %.
JUMP_POINTS = 30.0
BOUND_POINTS = 10.0
#: One series: change is only ever read inside it (one edition, one area, risk, sex and kind).
SERIES = ["edition", "iso3", "risk", "sex", "coverage_kind"]


def implausible(coverage: pd.DataFrame) -> pd.Series:
    """Rows at either end of a jump worth checking, by the plausibility rule; never dropped or changed.

    Both ends are marked: the rule cannot tell which of 100 -> 0 is the wrong figure, only that a
    reader should check before reading it as change. Rows without a year are in no sequence.
    """
    dated = coverage[coverage["year"].notna()].sort_values([*SERIES, "year"], kind="stable")
    value = dated["coverage_pct"]
    previous = dated.groupby(SERIES, sort=False)["coverage_pct"].shift()
    move = (value - previous).abs()
    at_bound = value.isin([0.0, 100.0]) | previous.isin([0.0, 100.0])
    jump = (move > JUMP_POINTS) | (at_bound & (move > BOUND_POINTS))
    # the later end is the row itself; the earlier end is the row before it in the same series
    earlier = jump.groupby([dated[col] for col in SERIES], sort=False).shift(-1, fill_value=False).astype(bool)
    return (jump | earlier).reindex(coverage.index, fill_value=False)
