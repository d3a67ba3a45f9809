"""Deck builder (``/deck``): paste dashboard links, download a 16:9 PowerPoint or present them."""

from __future__ import annotations

from urllib.parse import urlencode

import dash
from dash import Input, Output, dcc, html

from essa_dash.text import mark, tr

PATH = "/deck"
TITLE = mark("Slides")
NAV = 6
NAV_HREF = "/deck"
NATIVE_LABEL = "Bar, dot and line charts as editable PowerPoint charts (heatmaps, maps and the change in points stay pictures)"
EXAMPLE = "/\n/country/VNM\n/embed/country-bars?country=KHM&edition=ilostat-2025"


def layout(views: str = "", **_url: str) -> html.Main:
    # ``views`` comes from a chart's "Build a deck" link; the form is free text, checked when the deck is built
    return html.Main(
        [
            html.H1(tr("Slides for a seminar")),
            html.P(
                tr(
                    "Paste links to dashboard views, one per line: every chart of each view becomes a 16:9 slide with its "
                    "title, definition and source; the speaker notes hold the definitions and the figures. "
                    "Everything is drawn by this server, so it works without internet."
                ),
                className="lede",
            ),
            html.Form(
                [
                    html.Label(tr("Deck title"), htmlFor="deck-title"),
                    dcc.Input(id="deck-title", type="text", value=tr("Social protection in ASEAN"), debounce=True, maxLength=200),
                    html.Label(tr("Dashboard links, one per line"), htmlFor="deck-views"),
                    dcc.Textarea(id="deck-views", value=views.replace(",/", "\n/") or EXAMPLE, rows=8),
                    html.Fieldset(
                        [
                            html.Legend(tr("Chart format")),
                            dcc.Checklist(
                                id="deck-native",
                                options=[{"label": tr(NATIVE_LABEL), "value": "native"}],
                                value=[],
                            ),
                        ]
                    ),
                ],
                className="deck-form card",
            ),
            html.P(
                [
                    html.A(tr("Download PowerPoint (.pptx)"), id="deck-download", className="button", href="#", download=""),
                    " ",
                    html.A(
                        tr("Present full screen"),
                        id="deck-present",
                        className="button secondary",
                        href="#",
                        target="_blank",
                        rel="noopener",
                    ),
                ],
                className="downloads",
            ),
        ],
        className="page",
    )


@dash.callback(
    Output("deck-download", "href"),
    Output("deck-present", "href"),
    Input("deck-title", "value"),
    Input("deck-views", "value"),
    Input("deck-native", "value"),
)
def _links(title: str | None, views: str | None, native: list[str] | None) -> tuple[str, str]:
    """Both links carry the same views; the server checks them when it builds the slides."""
    lines = [line.strip() for line in (views or "").splitlines() if line.strip()][:30]
    query = [("views", line) for line in lines]
    deck = urlencode([("title", (title or "")[:200]), *query, ("native", "true" if native else "false")])
    return f"/deck.pptx?{deck}", f"/present?{urlencode(query)}"
