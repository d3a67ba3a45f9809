"""The words of the comparability model: revisions named as revisions, change only inside one series,
and the flags of the figures a reading mentions.

The frames come from :mod:`essa_dash.query.comparable`; nothing here computes a
difference, so no sentence can subtract one edition's figure from another's.
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd

from essa_dash.schema import Coverage as C
from essa_dash.schema import flag_codes
from essa_dash.text.flags import flag_labels, flag_sentences
from essa_dash.text.formats import fmt_pct, fmt_year
from essa_dash.text.translate import tr, trn

#: The sign charts put beside a flagged value (see :mod:`essa_dash.figures._flags`).
MARK = "†"
#: The flag whose figures every reading asks the reader to check.
CHECK = "implausible"
#: At most this many flagged figures are listed by name in one sentence.
LISTED = 4


def revision_phrase(row: pd.Series, label: str) -> str:
    """One revision, both values side by side: "disability 2016: 9.7% in A, revised to 9.0% in B"."""
    return tr(
        "{label} {year}: {earlier} in {earlier_edition}, revised to {later} in {later_edition}",
        label=label,
        year=fmt_year(row[C.year]),
        earlier=fmt_pct(row["earlier_pct"]),
        earlier_edition=row["earlier_edition"],
        later=fmt_pct(row["later_pct"]),
        later_edition=row["later_edition"],
    )


def history_reading(history: pd.DataFrame, revised: pd.DataFrame, name: str) -> list[str]:
    """What the country's figures in each edition say, without reading a revision as a change.

    ``history``: each edition's latest figure per risk (``risk_label``, ``edition``);
    ``revised``: :func:`essa_dash.query.comparable.revisions` of the same rows, with ``risk_label``.
    """
    counts = history.groupby(C.risk)[C.edition].nunique()
    several = int((counts > 1).sum())
    if not several:
        return [tr("Each risk for {name} appears in one edition only, so there is nothing to compare across editions.", name=name)]
    sentences = [
        trn(
            "{n} risk for {name} appears in more than one edition.",
            "{n} risks for {name} appear in more than one edition.",
            several,
            name=name,
        ),
        tr(
            "Each marker is one edition's latest figure, often for a different year; a newer edition re-estimates older "
            "figures, so the distance between two editions' markers is not a change over time."
        ),
    ]
    if revised.empty:
        sentences.append(tr("No figure for the same risk and year differs between two editions."))
    else:
        top = revised.iloc[0]
        sentences.append(
            trn(
                "{n} figure for the same risk and year differs between editions: a revision, not a change; largest: {largest}.",
                "{n} figures for the same risk and year differ between editions: revisions, not changes; largest: {largest}.",
                len(revised),
                largest=revision_phrase(top, str(top["risk_label"]).lower()),
            )
        )
    sentences.append(tr("Change over time is measured inside one edition, on the progress page."))
    return sentences


def flag_key(rows: pd.DataFrame) -> str:
    """The key to the chart's flag mark: "† Flagged: legal-coverage estimate; modelled estimate.", "" when nothing is.

    Only the flags of figures drawn count (a row without its coverage figure draws nothing)."""
    if C.obs_flags not in rows:
        return ""
    cells = rows[C.obs_flags].tolist()
    if C.coverage_pct in rows:
        cells = [cell for cell, pct in zip(cells, rows[C.coverage_pct].tolist(), strict=True) if not pd.isna(pct)]
    codes = list(dict.fromkeys(code for cell in cells for code in flag_codes(cell)))
    if not codes:
        return ""
    return tr("{mark} Flagged: {labels}.", mark=MARK, labels="; ".join(flag_labels(";".join(codes))))


def flag_reading(rows: pd.DataFrame) -> list[str]:
    """Sentences on the flagged figures among a chart's rows: which figures carry each flag and what it
    means, "check this figure" for an implausible jump. Nothing for rows without figures or flags.

    Every chart's reading ends with these (views.finish), so a view drawn cold pays it four or five
    times: the columns are read once as lists, and only the figures listed are named and formatted
    (pandas, a filter and a copy per flag, cost 11 ms a call; this about a tenth of it).
    """
    pairs = C.coverage_pct not in rows and {"female", "male"} <= set(rows.columns)  # a women-and-men chart
    if (C.coverage_pct not in rows and not pairs) or C.obs_flags not in rows:
        return []
    cells = [flag_codes(cell) for cell in rows[C.obs_flags].tolist()]
    figures = list(zip(rows["female"].tolist(), rows["male"].tolist(), strict=True)) if pairs else rows[C.coverage_pct].tolist()
    flagged = [i for i, codes in enumerate(cells) if codes and (pairs or not pd.isna(figures[i]))]
    if not flagged:
        return []
    name = _namer(rows)
    years = rows[C.year].tolist() if C.year in rows else [None] * len(rows)
    sentences = []
    for code in dict.fromkeys(code for i in flagged for code in cells[i]):
        part = [i for i in flagged if code in cells[i]]
        names = [
            tr("{name} ({value}, {year})", name=name(i), value=_value(figures[i], pairs=pairs), year=fmt_year(years[i]))
            for i in part[:LISTED]
        ]
        shown = ", ".join(names)
        if len(part) > LISTED:
            shown = tr("{names} and {n} more", names=shown, n=len(part) - LISTED)
        sentence = flag_sentences(code)[0]
        if code == CHECK:
            sentences.append(tr("Check this figure: {names}. {meaning}", names=shown, meaning=sentence))
        else:
            sentences.append(tr("Marked {label}: {names}. {meaning}", label=flag_labels(code)[0], names=shown, meaning=sentence))
    return sentences


def _namer(rows: pd.DataFrame) -> Callable[[int], str]:
    """How a reading names the figure at a position: the area, then the risk and the edition where the rows hold several
    (judged against all the rows drawn: "Singapore maternity" where the chart has several risks)."""
    countries = [str(c) for c in rows[C.country].tolist()] if C.country in rows else None
    risks = rows["risk_label"].tolist() if "risk_label" in rows and (countries is None or rows["risk_label"].nunique() > 1) else None
    editions = rows[C.edition].tolist() if C.edition in rows and rows[C.edition].nunique() > 1 else None

    def name(i: int) -> str:
        named = countries[i] if countries is not None else ""
        if risks is not None:
            named = f"{named} {str(risks[i]).lower()}".strip()
        return f"{named}, {editions[i]}" if editions is not None else named

    return name


def _value(figure: object, *, pairs: bool) -> str:
    """A figure as a reading writes it: "95.9%", or "women 95.3%, men 96.4%" for a women-and-men row."""
    if pairs:
        female, male = figure  # type: ignore[misc]
        return tr("women {female}, men {male}", female=fmt_pct(female), male=fmt_pct(male))
    return fmt_pct(figure)  # type: ignore[arg-type]


def check_reading(cells: pd.DataFrame) -> list[str]:
    """ "Check this figure" for baseline-latest cells (as :func:`essa_dash.query.progress.progress_cells`
    gives) that involve a figure the build's plausibility rule flagged; the table's note says it too."""
    flagged = cells[cells[C.obs_flags].map(lambda cell: CHECK in flag_codes(cell))] if C.obs_flags in cells else cells.iloc[0:0]
    if flagged.empty:
        return []
    names = [tr("{country} ({risk})", country=row[C.country], risk=str(row["risk_label"]).lower()) for _, row in flagged.iterrows()]
    shown = ", ".join(names[:LISTED])
    if len(names) > LISTED:
        shown = tr("{names} and {n} more", names=shown, n=len(names) - LISTED)
    meaning = flag_sentences(CHECK)[0]
    return [tr("Check this figure: {names} involve a flagged value (see the table). {meaning}", names=shown, meaning=meaning)]
