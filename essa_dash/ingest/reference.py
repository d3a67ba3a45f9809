"""The hand-curated reference tables (``data/reference/*.csv``) and the code maps built on them.

Countries, risks, sources, editions and headline statements are data, not code: a
newcomer fixes a name or a definition in a CSV, and the build checks it. This module
turns them into the lookups the loaders need (M49 number, ILO area code or a
published name -> our ``iso3``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path

import pandas as pd

from essa_dash.errors import DataError
from essa_dash.ingest.common import line_of, read_csv_text
from essa_dash.schema import CONTEXT_UNITS

_REQUIRED = {
    "countries": ["iso3", "name", "short_name", "is_asean_member", "is_aggregate", "m49", "ilo_code", "aliases", "covers"],
    "risks": [
        "risk",
        "label",
        "short_label",
        "contingency",
        "coverage_kind",
        "is_core",
        "default_sex",
        "ilostat_code",
        "sdg_series",
        "definition",
        "numerator",
        "denominator",
        "definition_source",
    ],
    "sources": ["source_id", "title", "publisher", "published", "edition", "url", "licence", "trust", "withdrawn", "citation"],
    "editions": ["edition", "label", "published", "publisher", "database", "year_basis", "description", "withdrawn_note", "is_default"],
    "headlines": ["order", "risk", "source_id", "statement", "source_quote", "described_year"],
    "indicators": [
        "indicator",
        "sdg_indicator",
        "sdg_series",
        "label",
        "short_label",
        "unit",
        "default_age",
        "explains",
        "custodian",
        "definition",
        "definition_source",
    ],
}


def _name_key(name: str) -> str:
    """Compare names case- and punctuation-insensitively ("Viet Nam" == "viet-nam")."""
    return re.sub(r"[^a-z0-9]", "", name.casefold())


def _read(path: Path, table: str) -> pd.DataFrame:
    frame = read_csv_text(path)
    missing = [c for c in _REQUIRED[table] if c not in frame.columns]
    if missing:
        raise DataError(f"missing columns {missing}", path=path)
    for col in ("is_asean_member", "is_aggregate", "is_core", "withdrawn", "is_default"):
        if col in frame.columns:
            bad = ~frame[col].isin(["true", "false"])
            if bad.any():
                raise DataError("expected true or false", path=path, line=line_of(bad.idxmax()), column=col)
            frame[col] = frame[col] == "true"
    key = _REQUIRED[table][0]
    dup = frame[key].duplicated()
    if dup.any():
        raise DataError(f"duplicate {key} {frame[key][dup].iloc[0]!r}", path=path, line=line_of(dup.idxmax()), column=key)
    return frame


@dataclass(frozen=True)
class Reference:
    """The reference tables, read once per build."""

    countries: pd.DataFrame
    risks: pd.DataFrame
    sources: pd.DataFrame
    editions: pd.DataFrame
    headlines: pd.DataFrame
    indicators: pd.DataFrame
    extra_sources: list[dict[str, object]] = field(default_factory=list)

    @classmethod
    def load(cls, directory: Path) -> Reference:
        tables = {name: _read(directory / f"{name}.csv", name).reset_index(drop=True) for name in _REQUIRED}
        ref = cls(**tables)
        ref.check()
        return ref

    def check(self) -> None:
        """Cross-table consistency: every edition, risk and source named exists."""
        unknown = set(self.sources["edition"]) - set(self.editions["edition"])
        if unknown:
            raise DataError(f"sources.csv names unknown editions {sorted(unknown)}")
        defaults = list(self.editions.loc[self.editions["is_default"], "edition"])
        if len(defaults) != 1:
            raise DataError(f"editions.csv must mark exactly one edition is_default (the pages' default); found {defaults}")
        unknown = set(self.risks["contingency"]) - set(self.risks["risk"])
        if unknown:
            raise DataError(f"risks.csv names unknown contingencies {sorted(unknown)}")
        for col, known in (("risk", self.risks["risk"]), ("source_id", self.sources["source_id"])):
            unknown = set(self.headlines[col]) - set(known)
            if unknown:
                raise DataError(f"headlines.csv names unknown {col} {sorted(unknown)}")
        explained = {risk for cell in self.indicators["explains"] for risk in cell.split(";") if risk}
        unknown = explained - set(self.risks["risk"])
        if unknown:
            raise DataError(f"indicators.csv explains unknown risks {sorted(unknown)}")
        unknown = set(self.indicators["unit"]) - set(CONTEXT_UNITS)
        if unknown:
            raise DataError(f"indicators.csv names unknown units {sorted(unknown)} (known: {', '.join(CONTEXT_UNITS)})")

    def with_source(self, source: dict[str, object]) -> Reference:
        """A copy that also knows a source described by an ingested file's provenance."""
        row = pd.DataFrame([{col: source.get(col, "") for col in _REQUIRED["sources"]}])
        row["withdrawn"] = bool(source.get("withdrawn", False))
        sources = pd.concat([self.sources, row], ignore_index=True)
        if sources["source_id"].duplicated().any():
            raise DataError(f"source id {source.get('source_id')!r} is already taken")
        editions = self.editions
        if source.get("edition") not in set(editions["edition"]):
            edition = {col: source.get(f"edition_{col}", "") for col in _REQUIRED["editions"]}
            edition["edition"] = source.get("edition", "")
            edition["label"] = edition["label"] or source.get("edition", "")
            # the newest complete release of a database becomes the default (decided by ingest, see add.py)
            edition["is_default"] = bool(source.get("edition_is_default", False))
            if edition["is_default"]:
                editions = editions.assign(is_default=False)
            editions = pd.concat([editions, pd.DataFrame([edition])], ignore_index=True)
        ref = replace(self, sources=sources, editions=editions)
        ref.check()
        return ref

    # -- lookups used by the loaders -------------------------------------------------

    @cached_property
    def by_m49(self) -> dict[int, str]:
        """UN M49 number -> iso3, for the areas we keep."""
        rows = self.countries[self.countries["m49"] != ""]
        return {int(m49): iso3 for m49, iso3 in zip(rows["m49"], rows["iso3"], strict=True)}

    @cached_property
    def by_ilo_code(self) -> dict[str, str]:
        """ILOSTAT ref_area code (upper case: ``KHM``, ``X84``) -> iso3."""
        rows = self.countries[self.countries["ilo_code"] != ""]
        return {code.upper(): iso3 for code, iso3 in zip(rows["ilo_code"], rows["iso3"], strict=True)}

    @cached_property
    def by_name(self) -> dict[str, str]:
        """Any published spelling of a name we keep (official, short, aliases) -> iso3."""
        names: dict[str, str] = {}
        for row in self.countries.itertuples():
            for name in [row.iso3, row.name, row.short_name, *row.aliases.split(";")]:
                if name.strip():
                    names[_name_key(name)] = row.iso3
        return names

    def iso3_for_name(self, name: str) -> str | None:
        return self.by_name.get(_name_key(name))

    @cached_property
    def risk_by_ilostat_code(self) -> dict[str, str]:
        rows = self.risks[self.risks["ilostat_code"] != ""]
        return dict(zip(rows["ilostat_code"].str.upper(), rows["risk"], strict=True))

    @cached_property
    def risk_by_sdg_series(self) -> dict[str, str]:
        rows = self.risks[self.risks["sdg_series"] != ""]
        return dict(zip(rows["sdg_series"].str.upper(), rows["risk"], strict=True))

    @cached_property
    def indicator_by_sdg_series(self) -> dict[str, str]:
        """UN SDG series code (upper case: ``SL_ISV_IFEM``) -> our context indicator id."""
        return dict(zip(self.indicators["sdg_series"].str.upper(), self.indicators["indicator"], strict=True))

    @cached_property
    def unit_of_indicator(self) -> dict[str, str]:
        return dict(zip(self.indicators["indicator"], self.indicators["unit"], strict=True))

    @cached_property
    def edition_of_source(self) -> dict[str, str]:
        return dict(zip(self.sources["source_id"], self.sources["edition"], strict=True))

    @cached_property
    def withdrawn_sources(self) -> set[str]:
        return set(self.sources.loc[self.sources["withdrawn"], "source_id"])
