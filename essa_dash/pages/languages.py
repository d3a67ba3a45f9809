"""Languages (``/languages``): how complete each translation is, who has reviewed it, and how to help.

The counts come from the catalogs themselves (:func:`essa_dash.text.i18n.status`),
so the page can never claim more than the files hold: a message without a
translation shows in English, and one written without a person's review is counted
as translated but not as reviewed.
"""

from __future__ import annotations

from dash import html

from essa_dash.components.scroll_region import scroll_region
from essa_dash.text import LANGUAGES, fmt_int, fmt_pct, mark, tr
from essa_dash.text.catalog import UNREVIEWED
from essa_dash.text.i18n import status

PATH = "/languages"
TITLE = mark("Languages")
NAV = None
NAV_HREF = "/languages"
TABLE_ID = "languages-table"


def layout(**_url: str) -> html.Main:
    rows = status()
    head = html.Thead(
        html.Tr(
            [
                html.Th(tr("Language"), scope="col"),
                *(
                    html.Th(tr(h), scope="col", className="num")
                    for h in (mark("Strings"), mark("Translated"), mark("Reviewed by a person"))
                ),
                html.Th(tr("Shown in English"), scope="col", className="num"),
            ]
        )
    )
    body = html.Tbody(
        [
            html.Tr(
                [
                    html.Th([html.Span(LANGUAGES[r.code].name, lang=r.code), f" ({r.code})"], scope="row"),
                    html.Td(fmt_int(r.strings), className="num"),
                    html.Td(tr("{n} ({share})", n=fmt_int(r.translated), share=fmt_pct(r.share, 0)), className="num"),
                    html.Td(fmt_int(r.reviewed), className="num"),
                    html.Td(fmt_int(r.strings - r.translated), className="num"),
                ],
                **{"data-lang": r.code},
            )
            for r in rows
        ]
    )
    return html.Main(
        [
            html.H1(tr("Languages")),
            html.P(
                tr(
                    "ESSA Dash can be read in these languages. A message that has no translation yet is shown in English, and "
                    "counted here. Translations written for this project are marked as not yet reviewed until a person who "
                    "reads the language has checked them. Numbers, the titles of sources and quotations are never translated."
                ),
                className="lede",
            ),
            # five short columns fit a phone in most languages: no words about scrolling, the shadows if it does not
            *scroll_region(
                html.Table([head, body], id=TABLE_ID, className="data-table languages-table"), label=tr("Languages"), hint=False
            ),
            html.H2(tr("How to contribute")),
            html.Ul(
                [
                    html.Li(
                        tr(
                            "Each language is one gettext catalog, {path}, in the layout translation platforms "
                            "(Weblate, Pontoon, Crowdin) and editors such as Poedit read.",
                            path="essa_dash/locale/<code>/LC_MESSAGES/messages.po",
                        )
                    ),
                    html.Li(
                        tr(
                            "To review a translation, correct it if needed and delete the flag '{flag}' from its '#,' line; "
                            "the message then counts as reviewed.",
                            flag=UNREVIEWED,
                        )
                    ),
                    html.Li(
                        tr(
                            "Keep every placeholder in braces, such as {example}, as it is: the dashboard fills in names and "
                            "numbers, written the way your language writes them.",
                            example="{country}",
                        )
                    ),
                    html.Li(
                        tr(
                            "essa-dash i18n update adds new messages to every catalog; essa-dash i18n compile checks placeholders "
                            "and plural forms; essa-dash i18n status prints the counts above."
                        )
                    ),
                ]
            ),
        ],
        className="page",
    )
