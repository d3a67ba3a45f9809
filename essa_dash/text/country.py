"""The country profile's words: the regional note and the plain-language readings of ``query.country``'s frames.

The queries answer with frames (the profile's bars, women and men); what a reader is
told about them is written here, through the catalog.
"""

from __future__ import annotations

import pandas as pd

from essa_dash.query.core import coverage_rows
from essa_dash.schema import Coverage as C
from essa_dash.store import Store
from essa_dash.text import fmt_int, fmt_pct, fmt_year, tr, trn


def aggregate_note(store: Store, region: str | None, edition: str, risks: list[str]) -> str:
    """How the regional figure was obtained, and which Member States have data for it."""
    if region is None:
        return tr("{edition} publishes no regional figure for South-East Asia.", edition=edition)
    covers = store.countries.set_index("iso3").loc[region, "covers"]
    rows = coverage_rows(store, editions=[edition], risks=risks, sexes=["total", "female"])
    members = store.countries[store.countries["is_asean_member"]]
    present = set(rows[C.iso3])
    missing = [name for iso3, name in zip(members["iso3"], members["short_name"], strict=True) if iso3 not in present]
    gaps = (
        tr("Member States with no figure at all in this edition: {names}.", names=", ".join(missing))
        if missing
        else tr("Every Member State has at least one figure in this edition.")
    )
    return tr("Regional figure published by the ILO, not computed here: {covers} {gaps}", covers=covers, gaps=gaps)


def profile_reading(bars: pd.DataFrame, name: str) -> list[str]:
    """Plain-language summary of the profile bars (also the chart's text alternative)."""
    own = bars[(bars["role"] == "country")].dropna(subset=[C.coverage_pct])
    if own.empty:
        return [tr("This edition has no figures for {country}.", country=name)]
    high = own.loc[own[C.coverage_pct].idxmax()]
    low = own.loc[own[C.coverage_pct].idxmin()]
    sentences = [
        tr(
            "Highest: {high_risk} {high} ({high_year}); lowest: {low_risk} {low} ({low_year}).",
            high_risk=high["risk_label"].lower(),
            high=fmt_pct(high[C.coverage_pct]),
            high_year=fmt_year(high[C.year]),
            low_risk=low["risk_label"].lower(),
            low=fmt_pct(low[C.coverage_pct]),
            low_year=fmt_year(low[C.year]),
        )
    ]
    region = bars[bars["role"] == "region"].set_index(C.risk)[C.coverage_pct]
    compared = own.assign(region=own[C.risk].map(region)).dropna(subset=["region"])
    if not compared.empty:
        above = compared[compared[C.coverage_pct] > compared["region"]]["risk_label"].str.lower().tolist()
        region_name = bars.loc[bars["role"] == "region", C.country].iloc[0]
        values = {"country": name, "region": region_name, "n": fmt_int(len(above)), "total": fmt_int(len(compared))}
        sentences.append(
            tr("{country} is above the {region} figure for {n} of {total} risks ({risks}).", risks=", ".join(above), **values)
            if above
            else tr("{country} is above the {region} figure for {n} of {total} risks.", **values)
        )
    missing = bars[(bars["role"] == "country") & bars[C.coverage_pct].isna()]["risk_label"].str.lower().tolist()
    if missing:
        sentences.append(tr("No data for {country}: {risks}.", country=name, risks=", ".join(missing)))
    return sentences


def sex_reading(split: pd.DataFrame, name: str) -> list[str]:
    gap = (split["female"] - split["male"]).abs()
    top = split.loc[gap.idxmax()]
    return [
        trn(
            "{n} risk for {country} has separate figures for women and men.",
            "{n} risks for {country} have separate figures for women and men.",
            len(split),
            country=name,
        ),
        tr(
            "Largest gap: {risk}, women {women} and men {men} ({year}).",
            risk=top["risk_label"].lower(),
            women=fmt_pct(top["female"]),
            men=fmt_pct(top["male"]),
            year=fmt_year(top[C.year]),
        ),
    ]
