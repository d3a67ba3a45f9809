"""Choices for controls, from the data: labels for people, values in the URL vocabulary."""

from __future__ import annotations

from essa_dash.query.core import core_risks, coverage_rows, member_table
from essa_dash.query.state import SEXES
from essa_dash.schema import Coverage as C
from essa_dash.store import Store
from essa_dash.text.names import sex_label

Option = dict[str, str]


def country_options(store: Store, *, aggregates: bool = False) -> list[Option]:
    rows = store.countries if aggregates else member_table(store)
    return [{"label": name, "value": iso3} for iso3, name in zip(rows["iso3"], rows["short_name"], strict=True)]


def risk_options(store: Store, *, core_only: bool = True) -> list[Option]:
    risks = core_risks(store.risks) if core_only else store.risks
    return [{"label": label, "value": risk} for risk, label in zip(risks["risk"], risks["label"], strict=True)]


def edition_options(store: Store, *, countries: list[str] | None = None) -> list[Option]:
    """Editions with at least one (non-withdrawn) figure for the countries, newest first."""
    present = set(coverage_rows(store, countries=countries)[C.edition])
    editions = store.editions.sort_values("published", ascending=False)
    return [{"label": label, "value": e} for e, label in zip(editions["edition"], editions["label"], strict=True) if e in present]


def sex_options() -> list[Option]:
    return [{"label": sex_label(sex), "value": sex} for sex in SEXES]


def labels(store: Store) -> dict[str, str]:
    """Readable names of every id a URL may carry, for messages that list valid choices."""
    return dict(zip(store.countries["iso3"], store.countries["short_name"], strict=True)) | dict(
        zip(store.risks["risk"], store.risks["short_label"], strict=True)
    )
