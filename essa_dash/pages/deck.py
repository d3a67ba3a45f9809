"""Deck builder (``/deck``): paste dashboard links, download a 16:9 PowerPoint or present them."""

from __future__ import annotations

from urllib.parse import urlencode

import dash
import flask
from dash import Input, Output, State, dcc, html

from essa_dash.callback_cache import CACHE_HEADER, NOT_STORED
from essa_dash.export import images, jobs
from essa_dash.share import planned
from essa_dash.text import LANGUAGES, current_language, mark, tr
from essa_dash.text.formats import fmt_int

PATH = "/deck"
TITLE = mark("Slides")
NAV = 6
NAV_HREF = "/deck"
NATIVE_LABEL = mark("Bar, dot and line charts as editable PowerPoint charts (heatmaps, maps and the change in points stay pictures)")
#: How often the page asks how far a deck build got, in milliseconds.
POLL_MS = 1000
#: Characters of links the form sends to the server (30 links of ~300 characters).
MAX_VIEWS_TEXT = 10_000
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
            html.P(
                [
                    html.Button(tr("Build it here, showing progress"), id="deck-build", className="button secondary", type="button"),
                    dcc.Store(id="deck-job"),
                    dcc.Interval(id="deck-poll", interval=POLL_MS, disabled=True),
                ]
            ),
            html.Div(id="deck-progress", role="status", **{"aria-live": "polite"}),
            dcc.Store(id="deck-lang", data=current_language()),  # the deck is written in the page's language
        ],
        className="page",
    )


@dash.callback(
    Output("deck-download", "href"),
    Output("deck-present", "href"),
    Input("deck-title", "value"),
    Input("deck-views", "value"),
    Input("deck-native", "value"),
    State("deck-lang", "data"),
)
def _links(title: str | None, views: str | None, native: list[str] | None, lang: str | None) -> tuple[str, str]:
    """Both links carry the same views; the server checks them when it builds the slides."""
    lines = [line.strip() for line in (views or "").splitlines() if line.strip()][:30]
    query = [("views", line) for line in lines] + ([("lang", lang)] if lang in LANGUAGES else [])
    deck = urlencode([("title", (title or "")[:200]), *query, ("native", "true" if native else "false")])
    return f"/deck.pptx?{deck}", f"/present?{urlencode(query)}"


def _text(value: object, limit: int) -> str:
    """A callback's text input, checked for type and cut to ``limit`` characters."""
    return value[:limit] if isinstance(value, str) else ""


def _not_stored() -> None:
    """This callback's answer is not a pure function of its request (a new job, a job's progress): the answer store must not keep it.

    Kept, one visitor's answer would be replayed to the next with the same inputs: their job
    id (someone else's deck) or a "try again" that no longer holds.
    """
    dash.ctx.response.set_header(CACHE_HEADER, NOT_STORED)


@dash.callback(
    Output("deck-job", "data"),
    Output("deck-poll", "disabled"),
    Output("deck-progress", "children"),
    Input("deck-build", "n_clicks"),
    State("deck-title", "value"),
    State("deck-views", "value"),
    State("deck-native", "value"),
    State("deck-lang", "data"),
    prevent_initial_call=True,
)
def _start(_clicks: int | None, title: object, views: object, native: object, lang: object) -> tuple[str | None, bool, html.P]:
    """Check the links now (bad ones and too many charts are said at once, nothing drawn), then build the deck in the background.

    The build (essa_dash.export.jobs: the heavy lane with ``serve --prod``) has the deadline
    and the chart cap of /deck.pptx, counted from this request.
    """
    _not_stored()
    links = _text(views, MAX_VIEWS_TEXT)
    wanted, urls, problems = planned([links])
    if not urls or problems or not wanted:
        message = "; ".join(p.message for p in problems) or tr("these links show no charts")
        return None, True, html.P(message, className="error")
    try:
        job = jobs.start(
            links,
            title=_text(title, 200) or "ESSA Dash",
            native=isinstance(native, list) and native == ["native"],
            lang=lang if isinstance(lang, str) and lang in LANGUAGES else current_language(),
            total=len(wanted),
        )
    except jobs.BusyError as busy:  # worded in the reader's language where it was raised
        return None, True, html.P(str(busy), className="error")
    except images.RenderError:  # the deadline passed while the links were checked
        return None, True, html.P(tr("The time allowed for this deck is used up: try again in a minute."), className="error")
    return job.id, False, _shown(job)


@dash.callback(
    Output("deck-progress", "children", allow_duplicate=True),
    Output("deck-poll", "disabled", allow_duplicate=True),
    Input("deck-poll", "n_intervals"),
    State("deck-job", "data"),
    prevent_initial_call=True,
)
def _poll(_ticks: int | None, job_id: object) -> tuple[html.Div | html.P, bool]:
    _not_stored()
    job = jobs.get(flask.current_app, job_id)  # any worker: the job is in the folder they share
    if job is None:
        return html.P(tr("This deck build is no longer known: start it again."), className="error"), True
    return _shown(job), job.state not in jobs.UNFINISHED


def _shown(job: jobs.Job) -> html.Div | html.P:
    """The progress bar and the slide being drawn; the download link once the deck is ready."""
    if job.state == "failed":
        return html.P(job.error or "", className="error")
    if job.state == "done":
        return html.P(html.A(tr("Download the deck (.pptx)"), href=f"/deck/jobs/{job.id}.pptx", className="button", download=""))
    return html.Div(
        [
            html.Progress(
                value=str(job.done),
                max=str(job.total),
                id="deck-progress-bar",
                style={"marginRight": ".5rem"},
                **{"aria-label": tr("Slides drawn")},
            ),
            html.Span(tr("Slide {done} of {total} drawn", done=fmt_int(job.done), total=fmt_int(job.total))),
            html.Span(f" · {job.current}" if job.current else ""),
        ]
    )
