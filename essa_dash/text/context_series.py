"""Words for the SDG context series beside coverage: values in their units, panels, captions, readings.

Every sentence that sets a context series beside coverage describes the two side by
side and never says that one explains, causes or drives the other: the series describe
the same countries, nothing more is shown.
"""

from __future__ import annotations

import pandas as pd

from essa_dash.captions import DefinitionNote, source_line
from essa_dash.figures._theme import ChartText
from essa_dash.schema import Context as X
from essa_dash.store import Store, lookup
from essa_dash.text.formats import fmt_num, fmt_pct, fmt_year
from essa_dash.text.translate import mark, tr

#: How a value of each unit is written (the number is formatted for the language first).
UNIT_FORMATS = {
    "percent": mark("{value}"),
    "index": mark("{value} of 100"),
    "per_100000_employees": mark("{value} per 100,000 employees"),
}
#: Axis and column titles of each unit.
UNIT_TITLES = {
    "percent": mark("per cent"),
    "index": mark("index, 0-100"),
    "per_100000_employees": mark("per 100,000 employees"),
}


def fmt_context(value: object, unit: str) -> str:
    """A context value in its unit (``70.4%``, ``68 of 100``, ``3.2 per 100,000 employees``), or "no data"."""
    if value is None or pd.isna(value):  # type: ignore[arg-type]
        return tr("no data")
    number = fmt_pct(float(value)) if unit == "percent" else fmt_num(float(value), 0 if unit == "index" else 1)  # type: ignore[arg-type]
    return tr(UNIT_FORMATS[unit], value=number)


def value_and_year(value: object, year: object, unit: str) -> str:
    """``70.4% (2021)``, or "no data" alone."""
    if value is None or pd.isna(value):  # type: ignore[arg-type]
        return tr("no data")
    return tr("{value} ({year})", value=fmt_context(value, unit), year=fmt_year(year))


def short_label(store: Store, indicator: str) -> str:
    return tr(str(lookup(store, "indicators", "indicator", "short_label")[indicator]))


def sdg_label(store: Store, indicator: str) -> str:
    return tr("SDG {number}", number=str(lookup(store, "indicators", "indicator", "sdg_indicator")[indicator]))


def definition_notes(store: Store, indicator_ids: list[str]) -> list[DefinitionNote]:
    """Each series' definition, with its SDG number, custodian and the label the UN gives it."""
    table = store.indicators.set_index("indicator")
    notes = []
    for indicator in dict.fromkeys(indicator_ids):
        row = table.loc[indicator]
        definition = tr(
            "{definition} SDG indicator {number}; custodian: {custodian}; the UN's label: \u201c{label}\u201d.",
            definition=row["definition"],
            number=row["sdg_indicator"],
            custodian=row["custodian"],
            label=row["label"],
        )
        notes.append(DefinitionNote(indicator, str(row["short_label"]), definition, "", "", ""))
    return notes


def hover(rows: pd.DataFrame, store: Store) -> pd.Series:
    """Hover text of context rows: area, series, value in its unit and year, edition."""
    units = rows[X.unit]
    labels = {i: tr(str(label)) for i, label in store.indicators.set_index("indicator")["short_label"].items()}
    texts = [
        tr(
            "<b>{country}</b><br>{label}: {value} in {year}<br>{edition}",
            country=country,
            label=labels[indicator],
            value=fmt_context(value, unit),
            year=fmt_year(year),
            edition=edition,
        )
        for country, indicator, value, unit, year, edition in zip(
            rows[X.country], rows[X.indicator], rows[X.value], units, rows[X.year], rows[X.edition], strict=True
        )
    ]
    return pd.Series(texts, index=rows.index, dtype="str")


# -- the country panel ------------------------------------------------------------------------


def panel_heading(country: str) -> str:
    return tr("Beside coverage: other SDG series for {country}", country=country)


def panel_intro() -> str:
    return tr(
        "The latest value of each series and its year, from the UN SDG Global Database. They describe the same country "
        "beside its coverage figures; they are not part of them."
    )


def panel_no_data(country: str, label: str) -> str:
    return tr("{label}: no data for {country} in the UN SDG Global Database.", label=label, country=country)


def trends_text(store: Store, rows: pd.DataFrame, *, country: str, region: str, world: str) -> ChartText:
    return ChartText(
        title=tr("{country}: SDG series beside social protection coverage", country=country),
        subtitle=tr(
            "Each series year by year as the UN SDG Global Database gives it, with {region} and {world} as reference lines",
            region=region,
            world=world,
        ),
        source=source_line(store, rows),
    )


def trends_reading(store: Store, panel: pd.DataFrame, *, country: str) -> list[str]:
    """One sentence per series: the latest value and year, or that there is none."""
    lines = []
    for row in panel.itertuples(index=False):
        label = short_label(store, row.indicator)
        if pd.isna(row.value):
            lines.append(panel_no_data(country, label))
        else:
            unit = str(store.indicators.set_index("indicator").loc[row.indicator, "unit"])
            lines.append(tr("{label}: {value} in {year}.", label=label, value=fmt_context(row.value, unit), year=fmt_year(row.year)))
    return lines


# -- the risk page ----------------------------------------------------------------------------


def bars_text(store: Store, rows: pd.DataFrame, *, risk_label: str) -> ChartText:
    return ChartText(
        title=tr("{risk}: the SDG series read beside its coverage, latest year", risk=risk_label),
        subtitle=tr("Member States, the region and the world; latest value of each in the UN SDG Global Database (year in brackets)"),
        source=source_line(store, rows),
    )


def bars_reading(store: Store, rows: pd.DataFrame, *, indicator_ids: list[str]) -> list[str]:
    lines = []
    for indicator in indicator_ids:
        part = rows[(rows[X.indicator] == indicator) & rows[X.value].notna() & ~rows[X.is_aggregate].fillna(False).astype(bool)]
        label = short_label(store, indicator)
        missing = rows[(rows[X.indicator] == indicator) & rows[X.value].isna()][X.country].tolist()
        if part.empty:
            lines.append(tr("{label}: no data for any Member State.", label=label))
            continue
        high, low = part.loc[part[X.value].idxmax()], part.loc[part[X.value].idxmin()]
        unit = str(high[X.unit])
        lines.append(
            tr(
                "{label}: highest in {high} ({high_value}, {high_year}), lowest in {low} ({low_value}, {low_year}).",
                label=label,
                high=high[X.country],
                high_value=fmt_context(high[X.value], unit),
                high_year=fmt_year(high[X.year]),
                low=low[X.country],
                low_value=fmt_context(low[X.value], unit),
                low_year=fmt_year(low[X.year]),
            )
        )
        if missing:
            lines.append(tr("{label}: no data for {countries}.", label=label, countries=", ".join(missing)))
    return lines


# -- coverage against informal employment -----------------------------------------------------


def pair_label(country: str, coverage_year: object, context_year: object) -> str:
    """The label beside a dot: the country and both years (coverage first)."""
    return tr(
        "{country} ({coverage_year} / {context_year})",
        country=country,
        coverage_year=fmt_year(coverage_year),
        context_year=fmt_year(context_year),
    )


def pair_hover(country: str, coverage: float, coverage_year: object, informal: float, informal_year: object, risk_label: str) -> str:
    return tr(
        "<b>{country}</b><br>{risk}: {coverage} in {coverage_year}<br>Informal employment: {informal} in {informal_year}",
        country=country,
        risk=risk_label,
        coverage=fmt_pct(coverage),
        coverage_year=fmt_year(coverage_year),
        informal=fmt_pct(informal),
        informal_year=fmt_year(informal_year),
    )


def pair_text(store: Store, rows: pd.DataFrame, *, risk_label: str, edition: str, within: int) -> ChartText:
    return ChartText(
        title=tr("{risk} coverage and informal employment, Member States", risk=risk_label),
        subtitle=tr(
            "Coverage: latest year in {edition}. Informal employment (SDG 8.3.1): the same year, else the nearest within {n} years. "
            "Labels: country (coverage year / informal-employment year). Two series side by side, not a measured relation",
            edition=edition,
            n=within,
        ),
        source=source_line(store, rows),
    )


def pair_axis_titles(risk_label: str) -> tuple[str, str]:
    return tr("Informal employment, % of employment"), tr("{risk}: coverage, %", risk=risk_label)


def pair_reading(pairs: pd.DataFrame, *, within: int) -> list[str]:
    """Which countries are paired and how far apart their years are; which are not, and why."""
    paired = pairs[pairs["paired"]]
    lines = [
        tr(
            "{n} of {total} Member States have both a coverage figure and an informal-employment share within {within} years of it.",
            n=len(paired),
            total=len(pairs),
            within=within,
        )
    ]
    same = paired[paired["years_apart"] == 0][X.country].tolist()
    if same:
        lines.append(tr("Same year: {countries}.", countries=", ".join(same)))
    apart = paired[paired["years_apart"] > 0]
    if len(apart):
        lines.append(
            tr(
                "Nearest year: {pairs}.",
                pairs=", ".join(f"{r.country} ({fmt_year(r.coverage_year)} / {fmt_year(r.context_year)})" for r in apart.itertuples()),
            )
        )
    no_informal = pairs[pairs["context_value"].isna()][X.country].tolist()
    if no_informal:
        lines.append(tr("No informal-employment figure: {countries}.", countries=", ".join(no_informal)))
    too_far = pairs[~pairs["paired"] & pairs["context_value"].notna() & pairs["coverage_pct"].notna()]
    if len(too_far):
        lines.append(
            tr(
                "Years too far apart to pair: {pairs}.",
                pairs=", ".join(f"{r.country} ({fmt_year(r.coverage_year)} / {fmt_year(r.context_year)})" for r in too_far.itertuples()),
            )
        )
    no_coverage = pairs[pairs["coverage_pct"].isna()][X.country].tolist()
    if no_coverage:
        lines.append(tr("No coverage figure in this edition: {countries}.", countries=", ".join(no_coverage)))
    lines.append(tr("The chart sets the two series side by side; it does not show that one explains the other."))
    return lines
