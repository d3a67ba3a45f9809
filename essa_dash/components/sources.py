"""The 'Definition and source' panel that travels with every figure."""

from __future__ import annotations

from dash import html

from essa_dash.captions import DefinitionNote, SourceNote
from essa_dash.components.context import current_store
from essa_dash.text import current_language, tr
from essa_dash.text.catalog import SOURCE_LANGUAGE
from essa_dash.text.releases import built


def _link(note: SourceNote) -> html.A | str:
    # only web links are clickable; repository paths and local files are shown as text
    if note.url.startswith(("https://", "http://")):
        return html.A(note.title, href=note.url, target="_blank", rel="noopener noreferrer", lang="en")
    return html.Span(note.title, lang="en")


def translation_note() -> html.P | None:
    """Outside English: say that names and definitions translate the ILO's English wording (quoted as published)."""
    if current_language() == SOURCE_LANGUAGE:
        return None
    return html.P(
        tr("Risk names and definitions are translations of the ILO's English wording, which is quoted as published."),
        className="translation-note",
    )


def source_panel(definitions: list[DefinitionNote], sources: list[SourceNote], *, summary: str | None = None) -> html.Details:
    """A collapsed panel: definitions (numerator / denominator) first, then full citations."""
    items: list = []
    for d in definitions:
        items.append(
            html.Div(
                [
                    html.H4(d.label),
                    html.P(d.definition),
                    # the SDG context series have no numerator, denominator or ILO wording of their own
                    html.Dl([html.Dt(tr("Counted")), html.Dd(d.numerator), html.Dt(tr("Out of")), html.Dd(d.denominator)])
                    if d.numerator
                    else None,
                    html.P([tr("ILO wording: "), html.Q(d.wording, lang="en")], className="wording") if d.wording else None,
                ],
                className="definition",
            )
        )
    items.append(
        html.Ul(
            [
                html.Li(
                    [
                        _link(s),
                        html.Br(),
                        html.Span(s.citation, lang="en"),  # a citation is quoted as the source gives it
                        html.Br(),
                        # the licence is the source's own words
                        html.Small([tr("Edition: {edition} · Licence:", edition=s.edition), " ", html.Span(s.licence, lang="en")]),
                    ]
                )
                for s in sources
            ],
            className="sources",
        )
    )
    if definitions:
        items.append(translation_note())
    release = current_store().release
    items.append(
        html.P(
            tr("From data release {version} ({id}), built {date}.", version=release.version, id=release.id, date=built(release)),
            className="release-note",
        )
    )
    return html.Details([html.Summary(summary or tr("Definition and source")), *items], className="source-panel")
