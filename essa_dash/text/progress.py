"""The progress page's words: labels, captions, readings and the table's text for ``query.progress``'s cells.

``query.progress.progress_cells`` answers with numbers, statuses and structured
revisions; :func:`labelled` adds the words a chart and the table share (``change_label``,
``revisions``), so both say the same, in the visitor's language, and the rest of this
module writes the captions, the readings and the table from the labelled cells.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import pandas as pd

from essa_dash.captions import edition_label, source_line
from essa_dash.figures._theme import ChartText
from essa_dash.query.progress import (
    BASELINE_YEAR,
    BEFORE_BASELINE,
    COMPARED,
    DATA_YEAR,
    DENOMINATOR_VARIES,
    NO_DATA,
    ONE_YEAR,
    REPORT_YEAR,
    STEADY_PP,
    Revision,
)
from essa_dash.schema import Coverage as C
from essa_dash.schema import flag_codes
from essa_dash.store import Store, lookup
from essa_dash.text import fmt_int, fmt_num, fmt_points, fmt_year, mark, tr, trn
from essa_dash.text.comparisons import CHECK, check_reading

STATUS_LABELS = {
    COMPARED: mark("compared"),
    ONE_YEAR: mark("one year only"),
    BEFORE_BASELINE: mark("no figure since {year}"),
    NO_DATA: mark("no data"),
}

#: The table's columns, in order: key -> header.
TABLE_COLUMNS = {
    "country": mark("Country"),
    "risk": mark("Risk"),
    "baseline_year": mark("Baseline year"),
    "baseline": mark("Baseline %"),
    "latest_year": mark("Latest year"),
    "latest": mark("Latest %"),
    "change": mark("Change (pp)"),
    "edition": mark("Edition"),
    "source": mark("Source"),
    "note": mark("Note"),
}


def labelled(cells: pd.DataFrame) -> pd.DataFrame:
    """The cells with their words: ``change_label`` ("+12.3 pp", "one year only", ...) and ``revisions`` as text.

    The words for "no change to measure" travel with the data, so the chart and the
    table say the same; the revisions become notes joined with "; ".
    """
    label = [
        signed(c) if s == COMPARED else tr(STATUS_LABELS[s], year=fmt_year(BASELINE_YEAR))
        for c, s in zip(cells["change_pp"], cells["status"], strict=True)
    ]
    notes = ["; ".join(_revision_text(r) for r in revisions) for revisions in cells["revisions"]]
    return cells.assign(
        change_label=pd.Series(label, index=cells.index, dtype="str"), revisions=pd.Series(notes, index=cells.index, dtype="str")
    )


def _revision_text(revision: Revision) -> str:
    values = {"edition": revision.edition, "value": fmt_num(revision.pct), "year": fmt_year(revision.year)}
    if revision.relabelled:
        return (
            tr("revised later: {edition} gives {value} for {year}, its year label for the same report round", **values)
            if revision.later
            else tr("revised: {edition} gave {value} for {year}, its year label for the same report round", **values)
        )
    return (
        tr("revised later: {edition} gives {value} for {year}", **values)
        if revision.later
        else tr("revised: {edition} gave {value} for {year}", **values)
    )


def signed(change: float) -> str:
    """'+12.3 pp' / '-4.1 pp' / '0.0 pp': the sign carries the direction, not only the colour."""
    if abs(change) < STEADY_PP:
        return tr("{points} pp", points=fmt_num(0.0))
    return tr("{points} pp", points=fmt_points(change))


def _span(row: pd.Series) -> str:
    return f"{int(row['baseline_year'])}-{int(row['latest_year'])}"


def _pair(row: pd.Series, *, with_risk: bool) -> str:
    return f"{row[C.country]} {row['risk_label'].lower()}" if with_risk else str(row[C.country])


def _names(frame: pd.DataFrame, *, with_risk: bool, limit: int = 6) -> str:
    # in a list, "Myanmar (old age)" keeps each pair apart where "Myanmar old age, ..." would not
    names = [f"{row[C.country]} ({row['risk_label'].lower()})" if with_risk else str(row[C.country]) for _, row in frame.iterrows()]
    return (
        ", ".join(names)
        if len(names) <= limit
        else tr("{names} and {n} more", names=", ".join(names[:limit]), n=fmt_int(len(names) - limit))
    )


def change_reading(cells: pd.DataFrame) -> list[str]:
    """Plain-language summary of the baseline-latest comparison (also the chart's text alternative)."""
    if cells.empty:
        return [tr("Nothing is selected.")]
    edition = cells[C.edition].iloc[0]
    several = cells[C.risk].nunique() > 1
    compared = cells[cells["status"] == COMPARED]
    sentences = []
    year = fmt_year(BASELINE_YEAR)
    if compared.empty:
        sentences.append(
            tr("No country-risk pair has two years of data since {year} in {edition}.", year=year, edition=edition)
            if several
            else tr("No country has two years of data since {year} in {edition}.", year=year, edition=edition)
        )
    else:
        change = compared["change_pp"]
        rose, fell = int((change >= STEADY_PP).sum()), int((change <= -STEADY_PP).sum())
        steady = len(compared) - rose - fell
        counts = {"n": fmt_int(rose), "total": fmt_int(len(compared)), "edition": edition}
        first = (
            tr("Coverage rose in {n} of {total} country-risk pairs with two years of data in {edition}", **counts)
            if several
            else tr("Coverage rose in {n} of {total} countries with two years of data in {edition}", **counts)
        )
        extra = [tr("fell in {n}", n=fmt_int(fell))] if fell else []
        extra += [tr("did not change in {n}", n=fmt_int(steady))] if steady else []
        sentences.append(tr("{first} ({extra}).", first=first, extra=", ".join(extra)) if extra else tr("{first}.", first=first))
        top, bottom = compared.loc[change.idxmax()], compared.loc[change.idxmin()]
        ends = []
        if top["change_pp"] >= STEADY_PP:
            ends.append(
                tr(
                    "largest rise: {pair} {change} ({span})",
                    pair=_pair(top, with_risk=several),
                    change=signed(top["change_pp"]),
                    span=_span(top),
                )
            )
        if bottom["change_pp"] <= -STEADY_PP:
            ends.append(
                tr(
                    "largest fall: {pair} {change} ({span})",
                    pair=_pair(bottom, with_risk=several),
                    change=signed(bottom["change_pp"]),
                    span=_span(bottom),
                )
            )
        if ends:
            sentences.append("; ".join(ends)[:1].upper() + "; ".join(ends)[1:] + ".")
    one = cells[cells["status"] == ONE_YEAR]
    if not one.empty:
        sentences.append(
            tr("One year only since {year}, so no change to measure: {names}.", year=year, names=_names(one, with_risk=several))
        )
    before = cells[cells["status"] == BEFORE_BASELINE]
    if not before.empty:
        sentences.append(tr("No figure since {year} (older figures only): {names}.", year=year, names=_names(before, with_risk=several)))
    missing = cells[cells["status"] == NO_DATA]
    if not missing.empty:
        sentences.append(tr("No data in {edition}: {names}.", edition=edition, names=_names(missing, with_risk=several)))
    return sentences + check_reading(cells)


def bars_reading(cells: pd.DataFrame) -> list[str]:
    """Per risk: how many countries rose, and the median change, in the order of risks.csv."""
    compared = cells[cells["status"] == COMPARED]
    if compared.empty:
        return [tr("No cell has two years of data since {year}, so there is no change to show.", year=fmt_year(BASELINE_YEAR))]
    sentences = []
    for label, part in compared.groupby("risk_label", sort=False):
        rose = int((part["change_pp"] >= STEADY_PP).sum())
        sentences.append(
            trn(
                "{risk}: up in {rose} of {n} country (median change {change}).",
                "{risk}: up in {rose} of {n} countries (median change {change}).",
                len(part),
                risk=label,
                rose=fmt_int(rose),
                change=signed(part["change_pp"].median()),
            )
        )
    sentences.append(
        tr(
            "Each bar is the latest year minus the first year since {year}; cells with one year only have no bar.",
            year=fmt_year(BASELINE_YEAR),
        )
    )
    return sentences


def year_basis_note(store: Store, edition: str) -> str:
    """What a year means in the edition: a change inside a report-year edition can partly be a revision."""
    basis = lookup(store, "editions", "edition", "year_basis")[edition]
    if basis == REPORT_YEAR:
        return tr(
            "{edition} labels figures with the report's reference year (2016 for the World Social Protection Report 2017-19, "
            "2020 for 2020-22), not the year the data refer to, and keeps some older values under other years: "
            "part of a change inside it can be a revision. The table notes where another edition gives a different figure.",
            edition=edition,
        )
    if basis == DATA_YEAR:
        return tr("{edition} stamps each figure with the year the data refer to.", edition=edition)
    return tr("Years in {edition}: {basis}.", edition=edition, basis=tr(basis))


def _who(sex: str) -> str:
    return {"total": "", "female": tr(" ({who})", who=tr("women")), "male": tr(" ({who})", who=tr("men"))}[sex]


def dumbbell_text(store: Store, cells: pd.DataFrame, *, edition: str, sex: str) -> ChartText:
    return ChartText(
        title=tr(
            "Coverage in the first year since {year} and in the latest year{who}, by risk", year=fmt_year(BASELINE_YEAR), who=_who(sex)
        ),
        subtitle=tr(
            "SDG 1.3.1 effective coverage, % of each group (maternity: women giving birth); both years from {edition}; "
            "right: change in percentage points",
            edition=edition_label(store, edition),
        ),
        source=source_line(store, cells),
    )


def change_text(store: Store, cells: pd.DataFrame, *, edition: str, sex: str) -> ChartText:
    return ChartText(
        title=tr("Change in coverage since the baseline, in percentage points{who}", who=_who(sex)),
        subtitle=tr(
            "Latest year minus first year since {year}, both from {edition}; SDG 1.3.1 effective coverage, % of each group",
            year=fmt_year(BASELINE_YEAR),
            edition=edition_label(store, edition),
        ),
        source=source_line(store, cells),  # one edition: the same source whether or not a cell has a change
    )


def _pct(value: float | None) -> str:
    """A table cell's figure in the locale's form (52,3 in Indonesian); empty where the cell has none (its note says why)."""
    return "" if value is None or pd.isna(value) else fmt_num(value)


def _year(value: object) -> str:
    return "" if value is None or pd.isna(value) else str(int(value))


def _where(row: Mapping[str, Any]) -> tuple[str, str]:
    """Where both figures are: ("ILOSTAT_DDF_2025, lines 313 and 315", "<file>.csv, lines 313 and 315").

    The first is short enough for a table cell; the second names the raw file too.
    """
    if pd.isna(row[C.source_id]):
        return "", ""
    locations = list(dict.fromkeys(loc for loc in (row["baseline_location"], row["latest_location"]) if isinstance(loc, str)))
    found = [m for m in (re.fullmatch(r"(.*), line (\d+)", loc) for loc in locations) if m]
    files = {m.group(1) for m in found}
    if not locations or len(found) != len(locations) or len(files) != 1:
        # a page location ("paragraph 3") or two files: say them as they are
        full = "; ".join(locations)
        return f"{row[C.source_id]}, {full}".rstrip(", "), full
    lines = f"line{'s' if len(found) > 1 else ''} {' and '.join(m.group(2) for m in found)}"
    return f"{row[C.source_id]}, {lines}", f"{files.pop()}, {lines}"


def _note(row: Mapping[str, Any], denominators: dict[str, str]) -> str:
    parts = []
    status = row["status"]
    if status == ONE_YEAR:
        parts.append(tr("Only one year since {year}: no change to measure", year=fmt_year(BASELINE_YEAR)))
    elif status == BEFORE_BASELINE:
        parts.append(
            tr(
                "No figure since {year}: the latest is from {latest}, before the baseline, and is not compared",
                year=fmt_year(BASELINE_YEAR),
                latest=_year(row["latest_year"]),
            )
        )
    elif status == NO_DATA:
        parts.append(tr("{edition} has no figure for this cell", edition=row[C.edition]))
    if row["earlier_years"] and status != BEFORE_BASELINE:
        parts.append(tr("figures before {year} ({years}) are not compared", year=fmt_year(BASELINE_YEAR), years=row["earlier_years"]))
    if row["revisions"]:
        parts.append(row["revisions"])
    if CHECK in flag_codes(row[C.obs_flags]):
        parts.append(tr("check this figure: an unusually large jump inside the series"))
    if row[C.risk] in denominators and status != NO_DATA:
        denominator = denominators[row[C.risk]]
        parts.append(tr("denominator: {denominator}", denominator=denominator[:1].lower() + denominator[1:]))
    text = "; ".join(parts)
    return text[:1].upper() + text[1:] + ("." if text else "")


def table_rows(store: Store, cells: pd.DataFrame) -> list[dict[str, str]]:
    """The table the page prints, one dict per cell with the keys of :data:`TABLE_COLUMNS` (plus
    ``status``, for styling, and ``source_location``, the raw file and lines), as text.

    The change column never shows a number where there is no change to measure: it
    says "one year only", "no figure since 2015" or "no data" instead. A latest year
    before 2015 is marked "(before 2015)".
    """
    denominators = store.risks.set_index("risk")["denominator"].loc[list(DENOMINATOR_VARIES)].to_dict()
    rows = []
    for row in cells.to_dict("records"):  # plain dicts: iterrows built a Series a cell
        status = row["status"]
        latest_year = _year(row["latest_year"])
        source, location = _where(row)
        rows.append(
            {
                "country": row[C.country],
                "risk": row["risk_label"],
                "baseline_year": _year(row["baseline_year"]),
                "baseline": _pct(row["baseline_pct"]),
                "latest_year": tr("{year} (before {baseline})", year=latest_year, baseline=fmt_year(BASELINE_YEAR))
                if status == BEFORE_BASELINE
                else latest_year,
                "latest": _pct(row["latest_pct"]),
                "change": row["change_label"],
                "edition": row[C.edition],
                "source": source,
                "note": _note(row, denominators),
                "source_location": location,
                "status": status,
            }
        )
    return rows
