"""Progress (``/progress``): has coverage improved since the 2015 baseline, within one edition?"""

from __future__ import annotations

from dash import html

from essa_dash.components.cards import chart_card
from essa_dash.components.context import current_store
from essa_dash.components.controls import controls_bar, dropdown, radio
from essa_dash.components.notice import problems_notice
from essa_dash.components.scroll_region import scroll_region
from essa_dash.query import default_edition, options
from essa_dash.query import progress as q
from essa_dash.query.state import State, Vocabulary
from essa_dash.store import Store
from essa_dash.text import fmt_year, mark, tr
from essa_dash.text import progress as words
from essa_dash.views import build

PATH = "/progress"
TITLE = mark("Progress")
NAV = 4
NAV_HREF = "/progress"
#: The URL parameters the page reads (the answer store keys its drawings on them: essa_dash.page_views).
QUERY = ("country", "risk", "edition", "sex")

DUMBBELLS = "progress-dumbbells"
BARS = "progress-bars"
TABLE = "progress-table"
#: Table columns that hold numbers: right-aligned so the decimals line up.
NUMERIC = ("baseline_year", "baseline", "latest_year", "latest", "change")


def control_choices(store: Store, state: State) -> tuple[State, dict[str, list[options.Option]]]:
    """What the page's controls hold for a URL's state (every default spelled out: what a change writes back), and the
    options each offers, those a visitor likeliest changes first (essa_dash.next_views draws the views one click away)."""
    offered = {
        "country": options.country_options(store),
        "risk": q.risk_choices(store),
        "sex": options.sex_options(),
        "edition": q.edition_choices(store),
    }
    return q.restrict(store, state, default_edition(store))[0].update(lang=state.lang), offered


def layout(**url: str) -> html.Main:
    store = current_store()
    vocabulary = Vocabulary.from_store(store)
    parsed, problems = vocabulary.parse(url, accept=QUERY)
    state, dropped = q.restrict(store, parsed, default_edition(store))
    problems += dropped
    edition, sex = str(state.edition), str(state.sex)

    cells = words.labelled(q.progress_cells(store, countries=state.country, risks=state.risk, edition=edition, sex=sex))
    bars = build(BARS, store, state)

    return html.Main(
        [
            html.H1(tr("Has coverage improved since {year}?", year=fmt_year(q.BASELINE_YEAR))),
            html.P(
                tr(
                    "Each comparison takes two figures from one edition and one definition: the first year since {year} "
                    "(the ASEAN Framework's baseline year) and the latest year. Editions revise earlier figures and label years "
                    "differently, so they are never joined; where another edition gives a different baseline figure, the table says so.",
                    year=fmt_year(q.BASELINE_YEAR),
                ),
                className="lede",
            ),
            controls_bar(
                f"{PATH}{vocabulary.encode(state)}",
                dropdown("country", options.country_options(store), list(state.country), label=tr("Countries"), multi=True),
                dropdown("risk", q.risk_choices(store), list(state.risk), label=tr("Risks"), multi=True),
                dropdown("edition", q.edition_choices(store), edition, label=tr("Edition")),
                radio("sex", options.sex_options(), sex, label=tr("Sex (maternity: always women)")),
            ),
            problems_notice(problems, options.labels(store)),
            html.P(words.year_basis_note(store, edition), className="progress-basis"),
            chart_card(build(DUMBBELLS, store, state), state, vocabulary),
            chart_card(bars, state, vocabulary) if bars else html.P(words.bars_reading(cells)[0], className="no-data-note"),
            html.H2(tr("Every country and risk")),
            html.P(
                tr(
                    "Baseline: the first year since {year}; latest: the latest year; both from {edition}. "
                    "Change in percentage points; a cell with one year has no change. The source column gives the lines of the raw file.",
                    year=fmt_year(q.BASELINE_YEAR),
                    edition=edition,
                ),
                className="progress-table-note",
            ),
            _table(words.table_rows(store, cells), edition),
            _caveats(q.definition_caveats(store, state.risk)),
        ],
        className="page progress-page",
    )


def _table(rows: list[dict[str, str]], edition: str) -> html.Div:
    """The figures behind both charts, one row per country and risk, with notes on revisions."""
    head = html.Thead(
        html.Tr(
            [html.Th(tr(header), scope="col", className="num" if key in NUMERIC else None) for key, header in words.TABLE_COLUMNS.items()]
        )
    )
    body = html.Tbody(
        [
            html.Tr(
                [html.Th(row[key], scope="row") if key == "country" else _cell(key, row) for key in words.TABLE_COLUMNS],
                className=f"status-{row['status']}",
            )
            for row in rows
        ]
    )
    caption = html.Caption(tr("{edition}: baseline and latest figure", edition=edition))
    return html.Div(
        scroll_region(
            html.Table([caption, head, body], id=TABLE, className="progress-table"),
            label=tr("Baseline and latest figure for every country and risk"),
            class_name="progress-table-scroll",
        )
    )


def _cell(key: str, row: dict[str, str]) -> html.Td:
    classes = [f"col-{key}"]
    if key in NUMERIC:
        classes.append("num")
    if key == "change" and row["status"] != q.COMPARED:
        classes.append("no-change")
    # the cell names the source and lines; the raw file's name is one hover away
    title = row["source_location"] if key == "source" and row["source_location"] else None
    return html.Td(row[key], className=" ".join(classes), title=title)


def _caveats(caveats: list[tuple[str, str]]) -> html.Aside | None:
    if not caveats:
        return None
    return html.Aside(
        [
            html.H3(tr("Definitions to keep in mind")),
            html.Ul([html.Li([html.B(tr("{label}: ", label=label)), text]) for label, text in caveats]),
        ],
        className="progress-caveats",
    )
