"""Headline tiles: a published gap, its words, and what the latest edition says."""

from __future__ import annotations

from dash import html

from essa_dash.query import Figure, Headline


def _pct(value: float) -> str:
    # headline gaps are quoted to the nearest per cent, as the reports quote them
    return f"{value:.0f}%"


def _when(figure: Figure) -> str:
    return f"{figure.edition}, {figure.year}" if figure.year is not None else f"{figure.edition}, year not stated"


def _cite(figure: Figure) -> html.Div:
    link = html.A(figure.source_title, href=figure.source_url, target="_blank", rel="noopener noreferrer")
    return html.Div(
        [
            html.P([html.B(f"{figure.risk_label}: "), figure.definition]),
            html.P([link, f" · {figure.location} · {figure.kind} coverage, {_when(figure)}"], className="cite"),
        ]
    )


def headline_tile(headline: Headline) -> html.Article:
    """One tile; the definition and source of both figures are one click away."""
    own, latest = headline.figure, headline.latest
    compare: list = []
    if latest is not None:
        verdict = "same definition" if headline.same_definition else f"different measure: {latest.risk_label.lower()}"
        compare = [
            html.P(
                [
                    html.Span("Latest: ", className="latest-label"),
                    html.Span(_pct(latest.gap_pct), className="latest-value"),
                    f" without ({_when(latest)}; {verdict})",
                ],
                className="latest",
            )
        ]
    details = html.Details(
        [
            html.Summary("Definition and source"),
            html.Blockquote(headline.quote),
            _cite(own),
            *([html.H4("Latest figure"), _cite(latest)] if latest is not None else []),
        ],
        className="source-panel",
    )
    return html.Article(
        [
            html.P(_pct(own.gap_pct), className="tile-value"),
            html.P(headline.statement, className="tile-statement"),
            html.P(f"World · {_when(own)}", className="tile-meta"),
            *compare,
            details,
        ],
        className="tile",
        **{"aria-label": f"{_pct(own.gap_pct)} {headline.statement}"},
    )
