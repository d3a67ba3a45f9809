"""Risk page (``/risk/<risk>``): one risk across the Member States, ranked, mapped, over time and by sex."""

from __future__ import annotations

from typing import TYPE_CHECKING

from dash import html

from essa_dash import captions
from essa_dash.components.cards import chart_card
from essa_dash.components.context import current_store
from essa_dash.components.controls import controls_bar, dropdown, radio
from essa_dash.components.notice import problems_notice
from essa_dash.components.sources import translation_note
from essa_dash.query import options
from essa_dash.query import risk as q
from essa_dash.query.state import State, Vocabulary
from essa_dash.text import fmt_int, mark, tr
from essa_dash.text import risk as words
from essa_dash.views import build
from essa_dash.views.risk import view_of

if TYPE_CHECKING:
    from essa_dash.store import Store

PATH = "/risk/<risk>"
TITLE = mark("Risks")
NAV = 3
NAV_HREF = f"/risk/{q.DEFAULT_RISK}"
#: The URL parameters the page reads (the answer store keys its drawings on them: essa_dash.page_views).
QUERY = q.PARAMS  # read by q.resolve_view

RANKING = "risk-ranking"
MAP = "risk-map"
TREND = "risk-trend"
SEX = "risk-sex"
CONTEXT = "risk-context"


def control_choices(store: Store, state: State, risk: str = q.DEFAULT_RISK) -> tuple[State, dict[str, list[options.Option]]]:
    """What the page's query controls hold for a URL's state (every default spelled out: what a change writes back), and
    the options each offers, those a visitor likeliest changes first (essa_dash.next_views draws the views one click away).

    An address the page corrects (an unknown risk, another spelling of one) offers nothing: the controls never write it.
    """
    view = view_of(store, state.update(risk=(risk,)))
    if view.risk != risk:
        return view.state.update(lang=state.lang), {}
    offered = {"country": options.country_options(store), "sex": options.sex_options(), "edition": q.edition_options(store, view.risk)}
    return view.state.update(lang=state.lang), offered


def layout(risk: str = q.DEFAULT_RISK, **url: str) -> html.Main:
    store = current_store()
    vocabulary = Vocabulary.from_store(store)
    view = q.resolve_view(store, risk, url)
    state = view.state.update(risk=(view.risk,))
    ranking = build(RANKING, store, state)
    sexes = build(SEX, store, state)
    members = len(options.country_options(store))
    return html.Main(
        [
            html.H1(q.risk_label(store, view.risk)),
            _definition(store, view.risk),
            controls_bar(
                q.canonical_url(store, view),
                dropdown("risk", options.risk_options(store), view.risk, label=tr("Risk"), path="/risk/"),
                dropdown("edition", q.edition_options(store, view.risk), view.edition, label=tr("Edition")),
                radio("sex", options.sex_options(), view.sex, label=tr("Sex")),
                dropdown(
                    "country",
                    options.country_options(store),
                    list(view.countries),
                    label=tr("Countries to compare"),
                    multi=True,
                    placeholder=tr("All {n} Member States", n=fmt_int(members)),
                ),
            ),
            problems_notice(view.problems, options.labels(store)),
            *(html.P(note, className="risk-note", role="status") for note in words.view_notes(store, view)),
            html.H2(tr("Where the Member States stand")),
            chart_card(ranking, state, vocabulary),
            html.P(words.ranking_note(store, view, q.ranking(store, view)), className="aggregate-note"),
            chart_card(build(MAP, store, state), state, vocabulary),
            *_context(store, state, vocabulary),
            html.H2(tr("Over time, edition by edition")),
            chart_card(build(TREND, store, state), state, vocabulary),
            html.H2(tr("Women and men")),
            chart_card(sexes, state, vocabulary) if sexes else html.P(words.sex_absence(store, view), className="no-data-note"),
        ],
        className="page risk-page",
    )


def _context(store: Store, state: State, vocabulary: Vocabulary) -> list:
    """The SDG series read beside this risk's coverage (indicators.csv ``explains``), where there is one."""
    built = build(CONTEXT, store, state)
    return [html.H2(tr("Read beside coverage")), chart_card(built, state, vocabulary)] if built else []


def _definition(store: Store, risk: str) -> html.Section:
    """The risk in plain words, what is counted out of whom, and the ILO's own wording."""
    note = captions.definition_notes(store, [risk])[0]
    differs = words.wording_note(store, risk)
    return html.Section(
        [
            html.P(note.definition, className="lede"),
            html.Dl([html.Dt(tr("Counted")), html.Dd(note.numerator), html.Dt(tr("Out of")), html.Dd(note.denominator)]),
            html.P([tr("ILO wording: "), html.Q(note.wording, lang="en")], className="wording"),
            html.P(differs, className="wording-note") if differs else None,
            translation_note(),
        ],
        className="risk-definition",
        **{"aria-label": tr("Definition")},
    )
