"""Country x risk heatmap of coverage, with 'no data' cells that cannot be mistaken for zero."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from essa_dash.figures._theme import COVERAGE_SCALE, FONT_FAMILY, NO_DATA, NO_DATA_TEXT, ChartText, frame
from essa_dash.schema import Coverage as C


def coverage_heatmap(grid: pd.DataFrame, *, text: ChartText) -> go.Figure:
    """Heatmap of ``grid`` (one row per cell, as :func:`essa_dash.query.heatmap_grid` gives).

    The frame must hold ``country``, ``risk_label``, ``coverage_pct`` (NaN = no data),
    ``year``, ``edition`` and ``source_title``; row and column order follow the frame.
    Each cell shows its value and year; missing cells are a separate grey trace
    labelled "no data", so they are never coloured as a low value.
    """
    countries = list(dict.fromkeys(grid[C.country]))
    risks = list(dict.fromkeys(grid["risk_label"]))
    missing = grid[C.coverage_pct].isna()
    value = grid[C.coverage_pct].map("{:.1f}%".format).astype("str")  # str even when the grid is empty
    year = grid[C.year].astype("str")
    cells = grid.assign(
        _missing=missing.astype("float64").where(missing),
        _text=(value + "<br><span style='font-size:10px'>" + year + "</span>").where(~missing, ""),
        _gap_text=pd.Series("no data", index=grid.index).where(missing, ""),
        _hover=(
            "<b>"
            + grid[C.country]
            + "</b> · "
            + grid["risk_label"]
            + "<br>"
            + (value + " covered in " + year + "<br>" + grid[C.edition] + "<br>" + grid["source_title"].fillna("")).where(
                ~missing, "no data in " + grid[C.edition]
            )
        ),
    ).set_index([C.country, "risk_label"])

    def matrix(column: str) -> list[list[object]]:
        return cells[column].unstack("risk_label").reindex(index=countries, columns=risks).to_numpy().tolist()

    common = {"x": risks, "y": countries, "xgap": 2, "ygap": 2, "texttemplate": "%{text}"}
    fig = go.Figure(
        [
            go.Heatmap(
                z=matrix("_missing"),
                colorscale=[[0, NO_DATA], [1, NO_DATA]],
                showscale=False,
                text=matrix("_gap_text"),
                textfont={"color": NO_DATA_TEXT, "size": 11, "family": FONT_FAMILY},
                customdata=matrix("_hover"),
                hovertemplate="%{customdata}<extra></extra>",
                name="no data",
                **common,
            ),
            go.Heatmap(
                z=matrix(C.coverage_pct),
                zmin=0,
                zmax=100,
                colorscale=COVERAGE_SCALE,
                text=matrix("_text"),
                textfont={"size": 12},
                customdata=matrix("_hover"),
                hovertemplate="%{customdata}<extra></extra>",
                colorbar={"title": {"text": "% covered", "side": "right"}, "ticksuffix": "%", "thickness": 12, "len": 0.8},
                name="coverage",
                **common,
            ),
        ]
    )
    fig.update_xaxes(side="top", tickangle=0, showgrid=False)
    fig.update_yaxes(autorange="reversed", showgrid=False, ticksuffix="  ")
    return frame(fig, text, height=140 + 40 * len(countries))
