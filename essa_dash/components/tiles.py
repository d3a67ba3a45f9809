"""Headline tiles: a published gap exactly as published, then what later releases say, revision kept apart from progress."""

from __future__ import annotations

from dash import html

from essa_dash.query import Figure, Headline
from essa_dash.text import fmt_pct, fmt_year, tr
from essa_dash.text.flags import flag_labels
from essa_dash.text.names import kind_word


def _gap(value: float) -> str:
    # headline gaps are quoted to the nearest per cent, as the reports quote them
    return fmt_pct(value, 0)


def _when(figure: Figure) -> str:
    return tr("{edition}, {year}", edition=figure.edition, year=fmt_year(figure.year))


def _cite(figure: Figure) -> html.Div:
    link = html.A(figure.source_title, href=figure.source_url, target="_blank", rel="noopener noreferrer", lang="en")
    where = tr("{location} · {kind} coverage, {when}", location=figure.location, kind=kind_word(figure.kind), when=_when(figure))
    flags = "".join(f" · {label}" for label in flag_labels(figure.obs_flags))
    return html.Div(
        [
            html.P([html.B(f"{figure.risk_label}: "), figure.definition]),
            html.P([link, f" · {where}{flags}"], className="cite"),
        ]
    )


def _latest(headline: Headline, latest: Figure) -> html.P:
    same = headline.same_definition
    verdict = tr("same definition") if same else tr("different measure: {risk}", risk=latest.risk_label.lower())
    if not latest.primary:
        verdict = tr(
            "{verdict}; from a secondary source ({publisher}): no primary source publishes a later figure",
            verdict=verdict,
            publisher=latest.publisher,
        )
    return html.P(
        [
            html.Span(tr("Latest: "), className="latest-label"),
            html.Span(_gap(latest.gap_pct), className="latest-value"),
            " " + tr("without ({when}; {verdict})", when=_when(latest), verdict=verdict),
        ],
        className="latest",
    )


def series_sentence(headline: Headline) -> str | None:
    """The latest edition's own series from the report's year to its latest year: progress, inside one series.

    "ILO's current series (ILOSTAT 2025): 70.8% in 2012 -> 79.6% in 2023. The 2014/15 figure and
    70.8% for 2012 are two estimates of the same year: the step between them is a revision, not progress."
    """
    latest, then = headline.latest, headline.then
    if latest is None or then is None:
        return None
    sentence = tr(
        "Current series ({edition}): {then} covered in {then_year} → {now} in {now_year}.",
        edition=latest.edition,
        then=fmt_pct(then.coverage_pct),
        then_year=fmt_year(then.year),
        now=fmt_pct(latest.coverage_pct),
        now_year=fmt_year(latest.year),
    )
    if headline.same_definition:
        sentence += " " + tr(
            "The 2014/15 report's {published} and this series' {then} for {year} are two estimates of one year: a revision, not progress.",
            published=fmt_pct(headline.figure.coverage_pct, 0),
            then=fmt_pct(then.coverage_pct),
            year=fmt_year(then.year),
        )
    else:
        sentence += " " + tr("A different measure from the 2014/15 figure: not compared with it.")
    return sentence


def report_sentence(headline: Headline) -> str | None:
    """Which of two figures for the same year is shown, and why, naming both sources."""
    latest, report = headline.latest, headline.report
    if latest is None or report is None:
        return None
    return tr(
        "Shown: {edition}'s {shown} for {year}, the later release and a series with every year; "
        "{report_edition} publishes {other} for the same year ({publisher}).",
        shown=fmt_pct(latest.coverage_pct),
        year=fmt_year(latest.year),
        edition=latest.edition,
        report_edition=report.edition,
        other=fmt_pct(report.coverage_pct),
        publisher=report.publisher,
    )


def headline_tile(headline: Headline) -> html.Article:
    """One tile; the definition and source of every figure are one click away."""
    own, latest = headline.figure, headline.latest
    compare: list = []
    if latest is None:
        compare = [html.P(tr("No later edition publishes a world figure for this risk."), className="latest")]
    else:
        compare = [_latest(headline, latest)]
        compare += [html.P(text, className="series") for text in (series_sentence(headline), report_sentence(headline)) if text]
    later = [] if latest is None else [html.H4(tr("Latest figure")), _cite(latest)]
    if headline.report is not None:
        later += [html.H4(tr("Report figure for the same year")), _cite(headline.report)]
    described = []
    if headline.then is not None:
        year = fmt_year(headline.described_year)
        words = tr("{year}: the data year of the 2014/15 report's world estimates (the report says 'latest available year').", year=year)
        described = [html.P(words)]
    details = html.Details(
        [html.Summary(tr("Definition and source")), html.Blockquote(headline.quote, lang="en"), _cite(own), *later, *described],
        className="source-panel",
    )
    return html.Article(
        [
            html.P(_gap(own.gap_pct), className="tile-value"),
            html.P(headline.statement, className="tile-statement"),
            html.P(tr("World · {when} · as published", when=_when(own)), className="tile-meta"),
            *compare,
            details,
        ],
        className="tile",
        **{"aria-label": f"{_gap(own.gap_pct)} {headline.statement}"},
    )
