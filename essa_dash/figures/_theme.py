"""The look shared by every chart: fonts, colours, and the title/subtitle/source frame.

Colours are colour-blind safe: risks use Paul Tol's "muted" qualitative scheme (the
same risk has the same colour on every page), coverage uses a yellow-green-blue
sequential scale that never passes through the grey reserved for "no data".
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass

import plotly.graph_objects as go

#: System fonts only: nothing is fetched from a font server.
FONT_FAMILY = "Noto Sans, DejaVu Sans, Liberation Sans, Helvetica, Arial, sans-serif"
TEXT = "#1f2933"
MUTED = "#52606d"
NO_DATA = "#e4e7eb"
NO_DATA_TEXT = "#52606d"

#: Paul Tol, "muted" (https://personal.sron.nl/~pault/), one colour per core risk.
RISK_COLOURS = {
    "at_least_one": "#332288",
    "old_age": "#88CCEE",
    "unemployment": "#44AA99",
    "employment_injury": "#117733",
    "maternity": "#999933",
    "children": "#DDCC77",
    "disability": "#CC6677",
    "vulnerable": "#882255",
    "poor": "#AA4499",
    "health": "#6699CC",
}
OTHER_RISK = "#BBBBBB"

#: Coverage 0-100 %: light yellow (little) to dark blue (full), ColorBrewer YlGnBu.
COVERAGE_SCALE = [
    [0.0, "#ffffd9"],
    [0.125, "#edf8b1"],
    [0.25, "#c7e9b4"],
    [0.375, "#7fcdbb"],
    [0.5, "#41b6c4"],
    [0.625, "#1d91c0"],
    [0.75, "#225ea8"],
    [0.875, "#253494"],
    [1.0, "#081d58"],
]


def risk_colour(risk: str) -> str:
    return RISK_COLOURS.get(risk, OTHER_RISK)


@dataclass(frozen=True)
class ChartText:
    """What a chart says about itself, built from metadata, never typed per chart."""

    title: str
    subtitle: str
    source: str


#: Characters per line of the source footnote (11 px type fills ~1,000 px at this width).
SOURCE_WRAP = 170
SOURCE_LINE_PX = 15


def no_data_note(*, x: object, y: object, hover: str | None, xref: str = "x", yref: str = "y", **extra: object) -> dict[str, object]:
    """The words "no data" at a point of a chart, as an annotation: a missing value is never a bar length or a colour.

    The value itself stays null in the figure's data; ``hover`` (the area, risk and
    edition), when given, is the annotation's hover text, so pointing at the gap still says what it is.
    """
    return {
        "text": "no data",
        "x": x,
        "y": y,
        "xref": xref,
        "yref": yref,
        "xanchor": "left",
        "xshift": 4,
        "showarrow": False,
        "font": {"size": 11, "color": NO_DATA_TEXT},
        **({"hovertext": hover} if hover else {}),
        **extra,
    }


def frame(fig: go.Figure, text: ChartText, *, height: int, bottom: int = 50) -> go.Figure:
    """Apply the theme plus title, subtitle (definition) and source footnote inside the figure.

    Keeping all three inside the figure means an exported image still carries them.
    The footnote wraps, and the bottom margin and height grow with it.
    """
    lines = textwrap.wrap(f"Source: {text.source}", SOURCE_WRAP) or [""]
    bottom += SOURCE_LINE_PX * len(lines)
    height += SOURCE_LINE_PX * (len(lines) - 1)
    fig.update_layout(
        template="plotly_white",
        height=height,
        font={"family": FONT_FAMILY, "size": 13, "color": TEXT},
        title={
            "text": f"<b>{text.title}</b><br><span style='font-size:13px;color:{MUTED}'>{text.subtitle}</span>",
            "x": 0.0,
            "xanchor": "left",
            "xref": "container",
            "pad": {"l": 12},
            "y": 0.97,
            "yanchor": "top",
            "yref": "container",
        },
        margin={"t": 90, "b": bottom, "l": 12, "r": 12},
        paper_bgcolor="white",
        plot_bgcolor="white",
        hoverlabel={"font": {"family": FONT_FAMILY}},
    )
    fig.add_annotation(
        text="<br>".join(lines),
        x=0,
        xref="paper",
        xanchor="left",
        y=0,
        yref="paper",
        yanchor="bottom",
        yshift=8 - bottom,  # from the plot's bottom edge down into the bottom margin
        showarrow=False,
        align="left",
        font={"size": 11, "color": MUTED},
    )
    return fig
