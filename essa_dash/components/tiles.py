"""Headline tiles: a published gap, its words, and what the latest edition says."""

from __future__ import annotations

from dash import html

from essa_dash.query import Figure, Headline
from essa_dash.text import fmt_pct, fmt_year, tr
from essa_dash.text.names import kind_word


def _pct(value: float) -> str:
    # headline gaps are quoted to the nearest per cent, as the reports quote them
    return fmt_pct(value, digits=0)


def _when(figure: Figure) -> str:
    return tr("{edition}, {year}", edition=figure.edition, year=fmt_year(figure.year))


def _cite(figure: Figure) -> html.Div:
    link = html.A(figure.source_title, href=figure.source_url, target="_blank", rel="noopener noreferrer", lang="en")
    return html.Div(
        [
            html.P([html.B(f"{figure.risk_label}: "), figure.definition]),
            html.P(
                [
                    link,
                    " · "
                    + tr("{location} · {kind} coverage, {when}", location=figure.location, kind=kind_word(figure.kind), when=_when(figure)),
                ],
                className="cite",
            ),
        ]
    )


def headline_tile(headline: Headline) -> html.Article:
    """One tile; the definition and source of both figures are one click away."""
    own, latest = headline.figure, headline.latest
    compare: list = []
    if latest is not None:
        verdict = tr("same definition") if headline.same_definition else tr("different measure: {risk}", risk=latest.risk_label.lower())
        compare = [
            html.P(
                [
                    html.Span(tr("Latest: "), className="latest-label"),
                    html.Span(_pct(latest.gap_pct), className="latest-value"),
                    " " + tr("without ({when}; {verdict})", when=_when(latest), verdict=verdict),
                ],
                className="latest",
            )
        ]
    details = html.Details(
        [
            html.Summary(tr("Definition and source")),
            html.Blockquote(headline.quote, lang="en"),
            _cite(own),
            *([html.H4(tr("Latest figure")), _cite(latest)] if latest is not None else []),
        ],
        className="source-panel",
    )
    return html.Article(
        [
            html.P(_pct(own.gap_pct), className="tile-value"),
            html.P(headline.statement, className="tile-statement"),
            html.P(tr("World · {when}", when=_when(own)), className="tile-meta"),
            *compare,
            details,
        ],
        className="tile",
        **{"aria-label": f"{_pct(own.gap_pct)} {headline.statement}"},
    )
