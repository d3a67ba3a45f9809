"""The 'Definition and source' panel that travels with every figure."""

from __future__ import annotations

from dash import html

from essa_dash.captions import DefinitionNote, SourceNote


def _link(note: SourceNote) -> html.A | str:
    # only web links are clickable; repository paths and local files are shown as text
    if note.url.startswith(("https://", "http://")):
        return html.A(note.title, href=note.url, target="_blank", rel="noopener noreferrer")
    return note.title


def source_panel(definitions: list[DefinitionNote], sources: list[SourceNote], *, summary: str = "Definition and source") -> html.Details:
    """A collapsed panel: definitions (numerator / denominator) first, then full citations."""
    items: list = []
    for d in definitions:
        items.append(
            html.Div(
                [
                    html.H4(d.label),
                    html.P(d.definition),
                    # the SDG context series have no numerator, denominator or ILO wording of their own
                    html.Dl([html.Dt("Counted"), html.Dd(d.numerator), html.Dt("Out of"), html.Dd(d.denominator)]) if d.numerator else None,
                    html.P(["ILO wording: ", html.Q(d.wording)], className="wording") if d.wording else None,
                ],
                className="definition",
            )
        )
    items.append(
        html.Ul(
            [
                html.Li([_link(s), html.Br(), html.Span(s.citation), html.Br(), html.Small(f"Edition: {s.edition} · Licence: {s.licence}")])
                for s in sources
            ],
            className="sources",
        )
    )
    return html.Details([html.Summary(summary), *items], className="source-panel")
