"""The controls plotly.js draws around a chart (its mode bar): only those that help that chart.

Every card already has its own share and export menu (permalink, PNG, SVG, PDF, slides,
embed code), and every chart but the map has fixed axes laid out for reading, not for
exploring. Plotly's default mode bar adds about ten buttons per chart (twenty tab stops
on a page of two charts), covers the end of a long title while the pointer is over the
chart, and one of its buttons sends the data to an online service. So:

* charts on x/y axes get no mode bar at all (their download is the card's menu);
* the map keeps zoom in, zoom out and reset, which Singapore and Brunei need, in a
  vertical bar at the right edge (one button wide, where a left-aligned title ends
  early: titles are wrapped short of it, see :data:`MODEBAR_PX`);
* nothing anywhere talks to Plotly's servers (``showSendToCloud``,
  ``showEditInChartStudio`` off, no ``plotlyServerURL``).

Pure data, no Dash: the page cards and the ``/embed`` page use the same config.
"""

from __future__ import annotations

from typing import Any

from essa_dash.figures.choropleth import TOPOJSON_URL

#: The width the vertical mode bar takes at the right edge of a map: titles wrap short of it.
MODEBAR_PX = 36
#: The map's own buttons: the only ones that help where countries are a few pixels wide.
MAP_BUTTONS = [["zoomInGeo", "zoomOutGeo", "resetGeo"]]
_OFFLINE = {"displaylogo": False, "showSendToCloud": False, "showEditInChartStudio": False, "responsive": True}


def graph_config(*, geo: bool = False) -> dict[str, Any]:
    """The plotly.js config of a chart: no mode bar, or the map's three buttons and its local shapes.

    A new dict on every call: callers may add to it.
    """
    if not geo:
        return {**_OFFLINE, "displayModeBar": False}
    return {**_OFFLINE, "displayModeBar": "hover", "modeBarButtons": MAP_BUTTONS, "scrollZoom": False, "topojsonURL": TOPOJSON_URL}
