"""Progress since the baseline: baseline-latest dumbbells by risk, and the change as sorted bars.

Both builders take the frame of :func:`essa_dash.query.progress.progress_cells`: one row
per (country, risk) with ``status`` (``compared``, ``one_year``, ``before_baseline``,
``no_data``), ``baseline_*``, ``latest_*``, ``change_pp`` and ``change_label``. Only
``compared`` rows carry a change; the others are drawn so that they can never be read
as a change of zero.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable

import pandas as pd
import plotly.graph_objects as go

from essa_dash.figures._flags import flag_hover, flag_mark
from essa_dash.figures._grid import Panel, axes, grid, panel_title
from essa_dash.figures._theme import MUTED, TEXT, ChartText, frame, label_share, names_px, risk_colour
from essa_dash.figures.frames import BASE_PX, DESKTOP, Frame
from essa_dash.schema import Coverage as C
from essa_dash.text import fmt_int, fmt_num, fmt_pct, fmt_points, mark, tr
from essa_dash.text.fonts import text_px
from essa_dash.text.wrap import wrap

COMPARED, ONE_YEAR = "compared", "one_year"
#: The change column is narrow: short words for the cells that have no change to show.
NO_CHANGE_WORDS = {ONE_YEAR: mark("one year"), "before_baseline": mark("pre-2015 only"), "no_data": mark("no data")}
CONNECTOR = "#c4ccd4"
GRID = "#eef1f4"
#: Where the change column sits on each panel's 0-100 % axis (the axis runs on past 100 for it).
CHANGE_X = 128
X_RANGE = [-4, 156]
ROW_PX, PANEL_EXTRA_PX, PANEL_GAP_PX = 26, 30, 64
#: Between two panels of the dumbbells, a share of the plot's width.
H_SPACING = 0.035
#: In a frame of fixed height: the narrowest panel whose change column stays clear of the next panel, the shortest
#: country row whose label plotly does not skip (layout px), and what a wrapped subtitle and source take beyond one line.
MIN_PANEL_PX, MIN_ROW_PX, FIXED_CHROME_PX = 230, 22, 70
#: Height beyond the plot with a one-line title, subtitle, legend and source (frame adds what longer ones need).
DUMBBELL_TOP_PX, BARS_TOP_PX = 120, 125
BAR_PX = 21
#: The bars' labels: their type (px) and the most of the change axis they may take beyond the longest bar, a side.
LABEL_PX, LABEL_SHARE_MAX = 11, 0.3
#: Most ticks on the change axis.
MOST_TICKS = 6
#: Past this share of the frame's width the bars' names go on two lines and their labels lose the years (a phone).
NAMES_SHARE_MAX = 0.35


def _points_suffix() -> str:
    """The axis' unit as the value labels write it: their message without a number (" pp", " poin", " mp")."""
    return tr("{points} pp", points="")


def _year(value: object) -> str:
    return "?" if pd.isna(value) else str(int(value))


def _pct(value: object) -> str:
    return tr("no figure") if pd.isna(value) else fmt_pct(float(value))


def _span(part: pd.DataFrame) -> list[str]:
    return [f"{_year(a)}-{_year(b)}" for a, b in zip(part["baseline_year"], part["latest_year"], strict=True)]


def _hover(part: pd.DataFrame) -> list[str]:
    """One hover text per row: both figures with their years, the change and the edition."""
    texts = []
    # the columns read, zipped: itertuples built a tuple of every column for each row
    read = (C.country, "risk_label", "baseline_year", "baseline_pct", "status", "latest_year", "latest_pct", "change_label", C.edition)
    for values, flag in zip(zip(*(part[column] for column in read), strict=True), flag_hover(part).tolist(), strict=True):
        country, risk_label, baseline_year, baseline_pct, status, latest_year, latest_pct, change_label, edition = values
        lines = [f"<b>{country}</b> · {risk_label}", f"{_year(baseline_year)}: {_pct(baseline_pct)}"]
        if status == COMPARED:
            lines += [f"{_year(latest_year)}: {_pct(latest_pct)}", tr("change {points}", points=change_label)]
        else:
            lines[-1] += f" ({change_label})"
        texts.append("<br>".join([*lines, str(edition)]) + flag)
    return texts


def panels_per_figure(cells: pd.DataFrame, fit: Frame) -> tuple[int, int]:
    """(columns, rows) of risk panels one dumbbell figure of ``fit`` can draw readably.

    A page grows with its rows, so every panel fits (the caller picks the columns). A
    frame of fixed height (a slide, an image) takes only the panels whose change column
    stays clear of the next panel (``MIN_PANEL_PX`` wide) and whose country rows stay
    ``MIN_ROW_PX`` tall, so no country label is skipped and no change label overprints.
    """
    risks, countries = cells[C.risk].nunique(), cells[C.country].nunique()
    if not fit.height:
        return max(1, min(fit.columns, risks)), 0
    cols = max(1, min(fit.columns, int((fit.width - 2 * fit.side_px - names_px(cells[C.country].unique())) // MIN_PANEL_PX)))
    panel_px = MIN_ROW_PX * (max(1, countries) + 1) + PANEL_EXTRA_PX
    rows = max(1, int((fit.height - DUMBBELL_TOP_PX - FIXED_CHROME_PX + PANEL_GAP_PX) // (panel_px + PANEL_GAP_PX)))
    return cols, rows


def dumbbell_parts(cells: pd.DataFrame, *, text: ChartText, fit: Frame) -> list[go.Figure]:
    """The dumbbells split over as many figures of ``fit`` as its risks need (every risk in one of them), for a deck.

    One figure, none: the chart fits whole (a page, or few risks).
    """
    cols, rows = panels_per_figure(cells, fit)
    risks = list(dict.fromkeys(cells[C.risk]))
    if not fit.height or len(risks) <= cols * rows:
        return []
    per = cols * rows
    return [baseline_dumbbells(cells[cells[C.risk].isin(risks[i : i + per])], text=text, fit=fit) for i in range(0, len(risks), per)]


def baseline_dumbbells(cells: pd.DataFrame, *, text: ChartText, columns: int = 3, fit: Frame = DESKTOP) -> go.Figure:
    """Small multiples, one panel per risk (risks in frame order), one row per country.

    Compared cells: an open marker at the baseline, a filled one at the latest year, in
    the risk's colour, joined by a line; the change in percentage points sits in a column
    on the right. A one-year cell is a grey diamond at its value with "one year only" in
    that column; cells without a figure since 2015 or without data show only the words.
    Panels per row: ``columns``, at most the frame's. A frame of fixed height draws the
    panels that fit it readably (:func:`panels_per_figure`) and names the risks left out
    under the chart (a deck shows them all, over :func:`dumbbell_parts`). Built as one
    dict (the tests validate it: essa_dash.figures.spec).
    """
    countries = list(dict.fromkeys(cells[C.country]))
    labels = dict(zip(cells[C.risk], cells["risk_label"], strict=False))
    ncols, nrows = panels_per_figure(cells, fit)
    every = list(dict.fromkeys(cells[C.risk]))
    if fit.height:
        risks, left_out = every[: ncols * nrows], every[ncols * nrows :]
        ncols = max(1, min(ncols, len(risks)))
    else:
        risks, left_out = every, []
        ncols = max(1, min(columns, ncols))
    nrows = max(1, math.ceil(len(risks) / ncols))
    panel_px = ROW_PX * (max(1, len(countries)) + 1) + PANEL_EXTRA_PX
    plot_px = nrows * panel_px + (nrows - 1) * PANEL_GAP_PX
    panels = grid(len(risks), ncols, h_spacing=H_SPACING, v_spacing=PANEL_GAP_PX / plot_px if nrows > 1 else 0.0)
    traces: list[dict] = []
    # panel titles start at the panel's left edge, clear of the "change" header on the right
    # inside each panel, in a headroom row above its first country: never in the legend's way
    title_px = _panel_title_px(fit, ncols, countries)
    notes = [
        panel_title(panel, f"<b>{labels[risk]}</b>", inside=True, size=title_px(labels[risk]), color=TEXT)
        for panel, risk in zip(panels, risks, strict=False)
    ]
    for panel, risk in zip(panels, risks, strict=False):
        traces += _panel(cells[cells[C.risk] == risk], risk, panel)
        notes.append(
            {
                # TRANSLATORS: header of the narrow column of changes in percentage points beside each panel; keep it short
                "text": tr("change"),
                "x": CHANGE_X,
                "xref": panel.x,
                "y": 1,
                "yref": f"{panel.y} domain",
                "yanchor": "top",
                "showarrow": False,
                "font": {"size": 10, "color": MUTED},
            }
        )
    traces += _legend_keys()
    if not risks:
        notes.append(
            {
                "text": tr("Nothing selected"),
                "x": 0.5,
                "y": 0.5,
                "xref": "paper",
                "yref": "paper",
                "showarrow": False,
                "font": {"color": MUTED},
            }
        )
    x_axis = {
        "range": X_RANGE,
        "tickvals": [0, 50, 100],
        "ticktext": ["0%", "50%", "100%"],
        "gridcolor": GRID,
        "zeroline": False,
        "fixedrange": True,
    }
    y_axis = {
        "categoryorder": "array",
        "categoryarray": countries[::-1],
        "range": [-0.6, len(countries) + 0.6],  # one row of headroom for the panel's title
        "gridcolor": GRID,
        "fixedrange": True,
    }
    layout = axes(panels, x_axis, y_axis)
    for panel in panels:
        layout[panel.yaxis]["showticklabels"] = panel.col == 0
    rest = ", ".join(labels[r] for r in left_out)
    sentence = tr("Not drawn here, for room: {risks} (every risk on the page, and in a deck over several slides).", risks=rest)
    note, note_px = _note_below(sentence if left_out else "", fit, cells[C.country])
    if note:
        notes.append(note)
    layout.update(annotations=notes, showlegend=True, hovermode="closest")
    fig = {"data": traces, "layout": layout}
    return frame(fig, text, height=plot_px + DUMBBELL_TOP_PX + note_px, bottom=50 + note_px, fit=fit)


def _panel_title_px(fit: Frame, columns: int, countries: list[str]) -> Callable[[str], float]:
    """The type size (px) of a panel's title: 13, less for a title longer than the room left of the "change" header
    (not below 10): "Work injury" in Burmese ran into it in an embed's three columns."""
    plot_px = fit.width - 2 * fit.side_px - names_px(countries)
    panel_px = plot_px * (1 - (columns - 1) * H_SPACING) / max(1, columns)
    room = panel_px * (CHANGE_X - X_RANGE[0]) / (X_RANGE[1] - X_RANGE[0]) - text_px(tr("change"), 10) / 2 - 12
    return lambda title: round(max(10.0, min(13.0, 13 * room / max(1.0, text_px(title, 13, bold=True)))), 1)


def _panel(part: pd.DataFrame, risk: str, panel: Panel) -> list[dict]:
    """The traces of one risk's panel: connectors, baseline, latest and one-year markers, the change column."""
    colour = risk_colour(risk)
    compared = part[(part["status"] == COMPARED) & part["baseline_pct"].notna() & part["latest_pct"].notna()]
    one = part[(part["status"] == ONE_YEAR) & part["baseline_pct"].notna()]
    where = {"xaxis": panel.x, "yaxis": panel.y}
    xs: list[float | None] = []
    ys: list[str | None] = []
    for start, end, country in zip(compared["baseline_pct"], compared["latest_pct"], compared[C.country], strict=True):
        xs += [float(start), float(end), None]
        ys += [country, country, None]
    traces: list[dict] = [
        {
            "type": "scatter",
            "x": xs,
            "y": ys,
            "mode": "lines",
            "line": {"color": CONNECTOR, "width": 4},
            "hoverinfo": "skip",
            "showlegend": False,
            **where,
        }
    ]
    hover = _hover(compared)  # the baseline's and the latest's markers say the same
    markers = (
        ("baseline_pct", {"symbol": "circle-open", "size": 11, "color": colour, "line": {"width": 3, "color": colour}}, compared, hover),
        ("latest_pct", {"symbol": "circle", "size": 12, "color": colour, "line": {"width": 1, "color": TEXT}}, compared, [*hover]),
        ("baseline_pct", {"symbol": "diamond", "size": 10, "color": MUTED, "line": {"width": 1, "color": "white"}}, one, _hover(one)),
    )
    for column, marker, rows, texts in markers:
        traces.append(
            {
                "type": "scatter",
                "x": rows[column].tolist(),
                "y": rows[C.country].tolist(),
                "mode": "markers",
                "marker": marker,
                "customdata": texts,
                "hovertemplate": "%{customdata}<extra></extra>",
                "showlegend": False,
                **where,
            }
        )
    known = part["status"] == COMPARED
    traces.append(
        {
            "type": "scatter",
            "x": [CHANGE_X] * len(part),
            "y": part[C.country].tolist(),
            "mode": "text",
            "text": (part["change_label"] + flag_mark(part))
            .where(known, part["status"].map({k: tr(v) for k, v in NO_CHANGE_WORDS.items()}))
            .tolist(),
            "textfont": {"size": 11, "color": [TEXT if k else MUTED for k in known]},
            "hoverinfo": "skip",
            "showlegend": False,
            **where,
        }
    )
    return traces


def _legend_keys() -> list[dict]:
    """Legend entries for the marker shapes, in neutral colours (the panel title names the risk)."""
    keys = (
        (tr("First year since 2015 (baseline)"), {"symbol": "circle-open", "size": 11, "color": TEXT, "line": {"width": 3, "color": TEXT}}),
        (tr("Latest year"), {"symbol": "circle", "size": 12, "color": TEXT}),
        (tr("One year only: no change to measure"), {"symbol": "diamond", "size": 10, "color": MUTED}),
    )
    return [
        {"type": "scatter", "x": [None], "y": [None], "mode": "markers", "marker": marker, "name": name, "hoverinfo": "skip"}
        for name, marker in keys
    ]


def top_and_bottom(compared: pd.DataFrame, most: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(drawn, rest) of ``compared`` (sorted by change, rising last): all of it, or its ends when it has more than ``most`` rows.

    A chart of 80 bars in a frame built for 20 smears its labels into each other; the
    largest falls and the largest rises are what a reader looks for, and the cells
    between them are named under the chart rather than dropped without a word.
    """
    if len(compared) <= most:
        return compared, compared.iloc[:0]
    low = most // 2
    high = most - low
    return pd.concat([compared.iloc[:low], compared.iloc[-high:]]), compared.iloc[low:-high]


def _rest_note(rest: pd.DataFrame, fit: Frame, bars: Iterable[str]) -> tuple[dict | None, int]:
    """The cells between the drawn falls and rises, named in one wrapped note (beside the ``bars``' names); its height in px."""
    if rest.empty:
        return None, 0
    low, high = float(rest["change_pp"].min()), float(rest["change_pp"].max())
    if fit.height:  # a slide or an image: no room for the names, only how many and how far apart
        sentence = tr(
            "Not drawn, between the largest falls and rises: {n} more cells, from {low} to {high} (all of them on the page).",
            n=fmt_int(len(rest)),
            low=fmt_points(low),
            high=fmt_points(high),
        )
    else:
        names = "; ".join(f"{label} {change}" for label, change in zip(rest["_label"], rest["change_label"], strict=True))
        sentence = tr(
            "Not drawn, between the largest falls and rises: {n} more cells, from {low} to {high}: {names}.",
            n=fmt_int(len(rest)),
            low=fmt_points(low),
            high=fmt_points(high),
            names=names,
        )
    return _note_below(sentence, fit, bars)


def _note_below(sentence: str, fit: Frame, names: Iterable[str]) -> tuple[dict | None, int]:
    """``sentence`` as a note under the plot's tick labels, wrapped to the plot's width in ``fit`` (the frame's, less the
    category ``names`` left of the plot); and its height in px (None, 0: no sentence).

    The slide theme (:func:`essa_dash.figures.slide.slide_theme`) finds such notes and keeps them above the source.
    """
    if not sentence:
        return None, 0
    lines = wrap(sentence, fit.chars(fit.source_px, width=fit.width - 2 * fit.side_px - names_px(names)))
    height = round(fit.line_px(fit.source_px) * len(lines)) + 10
    note = {
        "text": "<br>".join(lines),
        "x": 0,
        "xref": "paper",
        "xanchor": "left",
        "y": 0,
        "yref": "paper",
        "yanchor": "top",
        "yshift": -34,  # under the axis's tick labels
        "showarrow": False,
        "align": "left",
        "font": {"size": fit.source_px, "color": TEXT},
    }
    return note, height


def change_bars(cells: pd.DataFrame, *, text: ChartText, fit: Frame = DESKTOP) -> go.Figure:
    """Horizontal bars of ``change_pp`` for the compared cells, largest rise on top.

    One bar per country (one risk) or per country and risk (several), in the risk's
    colour; every bar is labelled with its signed change and years, so a fall reads as
    a fall without the colour or the direction. Cells without a change get no bar.
    More cells than the frame's ``most_bars()``: the largest falls and rises are drawn and
    the cells between them named in a note under the chart.
    """
    every = _compared(cells)
    compared, rest = top_and_bottom(every, fit.most_bars())
    return _bars(cells, compared, rest, text=text, fit=fit, x_range=_change_range(every, fit))


def change_bar_parts(cells: pd.DataFrame, *, text: ChartText, fit: Frame) -> list[go.Figure]:
    """The change bars over as many figures of ``fit`` as they need, largest rises first, on one shared axis (for a deck).

    None: they fit one figure. Every part keeps the whole chart's axis, so a bar is as long on
    the third slide as it would be on the first.
    """
    every = _compared(cells)
    most = max(1, fit.most_bars())
    if not fit.height or len(every) <= most:
        return []
    x_range = _change_range(every, fit)
    per = -(-len(every) // -(-len(every) // most))  # as many parts as needed, of even length
    ends = range(len(every), 0, -per)
    return [_bars(cells, every.iloc[max(0, end - per) : end], every.iloc[:0], text=text, fit=fit, x_range=x_range) for end in ends]


def _compared(cells: pd.DataFrame) -> pd.DataFrame:
    """The cells with a change, each with the label of its bar, sorted by change (largest rise last)."""
    several = cells[C.risk].nunique() > 1
    compared = cells[(cells["status"] == COMPARED) & cells["change_pp"].notna()]
    return compared.assign(
        _label=(compared[C.country] + " · " + compared["risk_label"]) if several else compared[C.country],
    ).sort_values("change_pp", kind="stable")


def _change_range(compared: pd.DataFrame, fit: Frame) -> list[float]:
    """The change axis: zero and every bar, with room beyond the longest bars for their outside labels.

    The room is a share of the axis, so it is worked out from the frame: the longest label's
    estimated width over the plot's (the frame's width less the category names), at most
    ``LABEL_SHARE_MAX`` a side so the bars keep most of the plot even on a phone.
    """
    if compared.empty:
        return [-10.0, 10.0]
    low, high = min(0.0, float(compared["change_pp"].min())), max(0.0, float(compared["change_pp"].max()))
    share = label_share(fit, _name_lines(compared, fit), _bar_labels(compared, fit), size=LABEL_PX, most=LABEL_SHARE_MAX)
    left, right = (share if low < 0 else 0.0), (share if high > 0 else 0.0)
    total = (high - low + (0 if low < 0 else 1) + (0 if high > 0 else 1)) / (1 - left - right)
    return [low - (left * total if low < 0 else 1), high + (right * total if high > 0 else 1)]


def _narrow(compared: pd.DataFrame, fit: Frame) -> bool:
    """Whether the frame is too narrow (a phone) for the bars' names on one line ("Philippines · At least one" in more
    than ``NAMES_SHARE_MAX`` of it) or for their labels with the years (more than ``LABEL_SHARE_MAX`` of the plot)."""
    if names_px(compared["_label"]) > fit.width * NAMES_SHARE_MAX:
        return True
    return label_share(fit, compared["_label"], _labels_with_years(compared), size=LABEL_PX, most=1.0) > LABEL_SHARE_MAX


def _labels_with_years(compared: pd.DataFrame) -> list[str]:
    return [
        f" {label} ({span}){mark} "
        for label, span, mark in zip(compared["change_label"], _span(compared), flag_mark(compared), strict=True)
    ]


def _names(compared: pd.DataFrame, fit: Frame) -> list[str]:
    """The bars' names as drawn: on one line, or on a narrow frame country over risk."""
    names = compared["_label"].tolist()
    return [name.replace(" · ", " ·<br>", 1) for name in names] if names_px(names) > fit.width * NAMES_SHARE_MAX else names


def _name_lines(compared: pd.DataFrame, fit: Frame) -> list[str]:
    return [line for name in _names(compared, fit) for line in name.split("<br>")]


def _bar_labels(compared: pd.DataFrame, fit: Frame) -> list[str]:
    """The words beside each bar: the signed change, its years and its flag ("+12.3 pp (2015-2022) †").

    On a narrow frame the years stay in the hover and the unit on the axis: beside the bar they would take half a
    phone's plot ("-100.0 mp †" in Burmese ran into its bar's name).
    """
    if _narrow(compared, fit):
        return [f" {fmt_points(change)}{mark} " for change, mark in zip(compared["change_pp"], flag_mark(compared), strict=True)]
    return _labels_with_years(compared)


def _ticks(compared: pd.DataFrame, fit: Frame, x_range: list[float]) -> list[float]:
    """The change axis's ticks: the roundest step whose labels ("-100 pp") stand side by side with a gap, at most
    six of them (plotly turned them on a phone, where they ran into each other and into the note under them)."""
    plot_px = max(1.0, fit.width - 2 * fit.side_px - names_px(_name_lines(compared, fit)))
    tick_px = text_px(f"-100{_points_suffix()}", BASE_PX) + 8
    low, high = x_range
    ticks: list[float] = [0.0]
    for step in (5, 10, 20, 25, 50, 100, 200, 500):
        ticks = [float(v) for v in range(math.ceil(low / step) * step, math.floor(high / step) * step + 1, step)]
        if step * plot_px / (high - low) >= tick_px and len(ticks) <= MOST_TICKS:
            break
    return ticks


def _bars(
    cells: pd.DataFrame, compared: pd.DataFrame, rest: pd.DataFrame, *, text: ChartText, fit: Frame, x_range: list[float]
) -> go.Figure:
    """The bars of ``compared`` (risk colours and legend from all of ``cells``), ``rest`` named under them."""
    several = cells[C.risk].nunique() > 1
    traces: list[dict] = []
    for risk in dict.fromkeys(cells[C.risk]):
        part = compared[compared[C.risk] == risk]
        if part.empty:
            continue
        traces.append(
            {
                "type": "bar",
                "name": part["risk_label"].iloc[0],
                "y": part["_label"].tolist(),
                "x": part["change_pp"].tolist(),
                "orientation": "h",
                "marker": {"color": risk_colour(risk), "line": {"width": 1, "color": TEXT}},
                "customdata": _hover(part),
                "hovertemplate": "%{customdata}<extra></extra>",
            }
        )
    # labels as one text trace: a bar's own "outside" text puts a zero bar's label on either side
    rising = compared["change_pp"] >= 0
    traces.append(
        {
            "type": "scatter",
            "x": compared["change_pp"].tolist(),
            "y": compared["_label"].tolist(),
            "mode": "text",
            "text": _bar_labels(compared, fit),
            "textposition": ["middle right" if r else "middle left" for r in rising],
            "textfont": {"size": LABEL_PX, "color": TEXT},
            "cliponaxis": False,
            "hoverinfo": "skip",
            "showlegend": False,
        }
    )
    if compared.empty:
        # still a chart: the zero line and the axis in points, with the sentence on it
        layout = {
            "annotations": [
                {
                    "text": tr("No cell has two years of data since 2015: there is no change to show."),
                    "x": 0.5,
                    "y": 0.5,
                    "xref": "paper",
                    "yref": "paper",
                    "showarrow": False,
                    "font": {"color": MUTED},
                }
            ],
            "xaxis": {
                "range": x_range,
                "ticksuffix": _points_suffix(),
                "gridcolor": GRID,
                "zeroline": True,
                "zerolinecolor": TEXT,
                "fixedrange": True,
            },
            "yaxis": {"showticklabels": False, "showgrid": False, "fixedrange": True},
        }
        return frame({"data": traces, "layout": layout}, text, height=300, fit=fit)
    note, note_px = _rest_note(rest, fit, _name_lines(compared, fit))
    ticks = _ticks(compared, fit, x_range)
    layout = {
        # one bar per category, so nothing stacks or shifts sideways
        "barmode": "overlay",
        "bargap": 0.3,
        "showlegend": several,
        "xaxis": {
            "range": x_range,
            "tickvals": ticks,
            # plotly draws no suffix on ticks it is given (the suffix stays: native charts read the unit from it):
            # written out, in the locale's digits
            "ticksuffix": _points_suffix(),
            "ticktext": [f"{fmt_num(v, 0)}{_points_suffix()}" for v in ticks],
            "gridcolor": GRID,
            "zeroline": True,
            "zerolinecolor": TEXT,
            "zerolinewidth": 1.5,
            "fixedrange": True,
        },
        "yaxis": {
            "categoryorder": "array",
            "categoryarray": compared["_label"].tolist(),
            "tickvals": compared["_label"].tolist(),
            "ticktext": _names(compared, fit),
            "range": [-0.6, len(compared) - 0.4],  # the text trace would otherwise pad the axis
            "fixedrange": True,
            "ticksuffix": " ",
        },
        "annotations": [note] if note else [],
    }
    fig = {"data": traces, "layout": layout}
    bar_px = BAR_PX * max(len(name.split("<br>")) for name in _names(compared, fit))  # two lines of name a bar
    return frame(fig, text, height=BARS_TOP_PX + bar_px * len(compared) + note_px, bottom=50 + note_px, fit=fit)
