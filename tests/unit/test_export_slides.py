"""Decks reopened with python-pptx: the 16:9 cover, slide titles and alt text, notes, the last slide, native charts."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import replace

import pytest
from pptx import Presentation
from pptx.chart.plot import XyPlot
from pptx.enum.chart import XL_CHART_TYPE
from pptx.enum.shapes import MSO_SHAPE_TYPE
from pptx.presentation import Presentation as Deck
from pptx.util import Inches

from essa_dash.export import images, slides
from essa_dash.figures._theme import risk_colour
from essa_dash.figures.frames import SLIDE
from essa_dash.paths import ASSETS_DIR
from essa_dash.query.state import Vocabulary
from essa_dash.store import Store
from essa_dash.text.formats import fmt_date
from essa_dash.views import Built, build, charts_for_url

ON = dt.date(2026, 12, 1)


@pytest.fixture(scope="module", autouse=True)
def _offline_maps() -> None:
    images.set_topojson_base(ASSETS_DIR / "topojson")  # as `essa-dash deck` does: map slides render offline


def charts(store: Store, *urls: str) -> list[Built]:
    vocabulary = Vocabulary.from_store(store)
    drawn = []
    for url in urls:
        found, problems = charts_for_url(url, vocabulary)
        assert not problems
        drawn += [b for chart, state in found if (b := build(chart, store, state, SLIDE)) is not None]  # as `essa-dash deck` does
    return drawn


def deck_of(store: Store, *urls: str, native: bool = False, title: str = "Seminar") -> tuple[Deck, list[Built]]:
    drawn = charts(store, *urls)
    data = slides.build_deck(drawn, title=title, store=store, native=native, on=ON)
    return Presentation(io.BytesIO(data)), drawn


@pytest.fixture(scope="module")
def native_deck(store: Store) -> tuple[Deck, list[Built]]:
    return deck_of(store, "/country/KHM", "/risk/old_age?country=VNM", native=True)


def chart_slide(deck: Deck, chart: str):
    for slide in deck.slides:
        for shape in slide.shapes:
            if shape.name == chart:
                return slide, shape
    raise AssertionError(f"no shape named {chart}")


def inside(shape, deck: Deck) -> bool:
    right, bottom = shape.left + shape.width, shape.top + shape.height
    return shape.left >= 0 and shape.top >= 0 and right <= deck.slide_width and bottom <= deck.slide_height


def test_the_cover_is_a_16_9_layout_whose_text_fits(native_deck: tuple[Deck, list[Built]]) -> None:
    deck, _ = native_deck
    assert (deck.slide_width, deck.slide_height) == (Inches(13.333), Inches(7.5))
    cover = deck.slides[0]
    title, subtitle = cover.shapes.title, cover.placeholders[1]
    assert title.text == "Seminar"
    assert title.width > Inches(12) and subtitle.width > Inches(12)  # not the 4:3 template's 7.8 and 6.4 in
    assert inside(title, deck) and inside(subtitle, deck)
    assert title.top + title.height <= subtitle.top  # the subtitle starts below the title
    paragraphs = [p.text for p in subtitle.text_frame.paragraphs]
    assert fmt_date(ON, "long") in paragraphs  # a paragraph of its own, written in words: never "2026-12-/01"
    # every layout of the template was widened too, so a slide added later by hand is 16:9 as well
    assert all(shape.left + shape.width <= deck.slide_width for layout in deck.slide_layouts for shape in layout.placeholders)
    assert max(shape.left + shape.width for shape in deck.slide_layouts[1].placeholders) > Inches(12)


def test_picture_slides_have_a_title_and_alt_text_from_the_chart(store: Store) -> None:
    deck, drawn = deck_of(store, "/embed/overview-heatmap")
    slide, picture = chart_slide(deck, "overview-heatmap")
    assert picture.shape_type == MSO_SHAPE_TYPE.PICTURE
    assert slide.shapes.title.text == drawn[0].text.title
    descr = picture._element.nvPicPr.cNvPr.get("descr")
    assert descr.startswith(drawn[0].text.title) and drawn[0].reading[0] in descr and "image.png" not in descr
    assert picture.top >= slide.shapes.title.top + slide.shapes.title.height  # the picture starts under the title
    assert inside(picture, deck)


def test_notes_and_the_last_slide_name_the_data_release(store: Store, native_deck: tuple[Deck, list[Built]]) -> None:
    deck, drawn = native_deck
    release = store.release
    by_chart = {b.chart: b for b in drawn}
    chart_slides = [(slide, by_chart[next(sh.name for sh in slide.shapes if sh.name in by_chart)]) for slide in list(deck.slides)[1:-1]]
    assert {b.chart for _, b in chart_slides} == set(by_chart)  # every chart on a slide (a dense one on several)
    for slide, built in chart_slides:
        notes = slide.notes_slide.notes_text_frame.text
        assert built.reading[0] in notes
        assert all(s.citation in notes for s in built.sources)
        assert all(d.definition in notes for d in built.definitions)
        assert f"Data release {release.id}, version {release.version}" in notes
    about = deck.slides[-1]
    assert about.shapes.title.text == "About the data"
    text = "\n".join(shape.text_frame.text for shape in about.shapes if shape.has_text_frame)
    assert release.id in text and release.version in text and "How to cite" in text
    assert all(s.citation in text for b in drawn for s in b.sources)
    assert all(inside(shape, deck) for shape in about.shapes)
    assert release.id in about.notes_slide.notes_text_frame.text


def test_the_native_ranking_reads_as_the_page(native_deck: tuple[Deck, list[Built]]) -> None:
    deck, drawn = native_deck
    built = next(b for b in drawn if b.chart == "risk-ranking")
    slide, frame = chart_slide(deck, "risk-ranking")
    chart = frame.chart
    assert chart.chart_type == XL_CHART_TYPE.BAR_CLUSTERED
    plot = chart.plots[0]
    # PowerPoint, like plotly, draws the first category at the bottom: the page's order, top country on top
    page_order = list(built.figure.layout.yaxis.categoryarray)
    shown = [c.split(" (no data)")[0] for c in plot.categories]
    assert shown == page_order
    known = built.series[next(iter(built.series))]
    assert max(known, key=known.get) == shown[-1]  # the highest coverage is the top bar
    assert plot.overlap == 100  # the groups overlay, one bar per country
    axis = chart.value_axis
    assert (axis.minimum_scale, axis.maximum_scale) == (0, 100)
    assert axis.tick_labels.number_format == '0"%"' and not axis.tick_labels.number_format_is_linked
    chosen = next(s for s in plot.series if s.name == "Chosen Member States")
    viet_nam = shown.index("Viet Nam")
    assert chosen.values[viet_nam] == pytest.approx(known["Viet Nam"], abs=1e-3)
    assert str(chosen.format.fill.fore_color.rgb) == risk_colour("old_age").lstrip("#").upper()
    others = next(s for s in plot.series if s.name == "Other Member States")
    assert str(others.format.fill.fore_color.rgb) != str(chosen.format.fill.fore_color.rgb)  # dimmed, as on the page
    label = chosen.points[viet_nam].data_label.text_frame.text
    assert label.startswith(f"{known['Viet Nam']:.1f}%") and "(20" in label  # value and year, as the page labels it
    assert chart.has_legend
    title = slide.shapes.title
    subtitle = next(s for s in slide.shapes if s.has_text_frame and s.text_frame.text == built.text.subtitle)
    assert title.top + title.height <= subtitle.top <= subtitle.top + subtitle.height <= frame.top  # nothing overlaps


def test_a_missing_value_is_an_empty_cell_not_zero(native_deck: tuple[Deck, list[Built]]) -> None:
    deck, drawn = native_deck
    built = next(b for b in drawn if b.chart == "country-bars")
    gaps = [(name, risk) for name, values in built.series.items() for risk, v in values.items() if v != v]
    assert gaps, "Cambodia's profile has regional or world gaps to test with"
    frames = [shape for slide in deck.slides for shape in slide.shapes if shape.name == "country-bars"]  # dense: split
    cells = {}
    for frame in frames:
        plot = frame.chart.plots[0]
        categories = [c.split(" (no data)")[0] for c in plot.categories]
        cells |= {(s.name, c): v for s in plot.series for c, v in zip(categories, s.values, strict=True)}
        assert frame.chart.value_axis.maximum_scale == 100
    for name, risk in gaps:
        assert (name, risk) in cells and cells[name, risk] is None


def test_charts_powerpoint_cannot_draw_stay_pictures(store: Store) -> None:
    deck, _ = deck_of(store, "/embed/overview-heatmap", "/embed/risk-map?risk=old_age", native=True)
    names = ("overview-heatmap", "risk-map")
    kinds = [shape.shape_type for slide in list(deck.slides)[1:-1] for shape in slide.shapes if shape.name in names]
    assert kinds == [MSO_SHAPE_TYPE.PICTURE, MSO_SHAPE_TYPE.PICTURE]


def test_progress_is_reported_after_each_chart(store: Store) -> None:
    seen: list[tuple[int, int, str]] = []
    drawn = charts(store, "/country/KHM")
    slides.build_deck(drawn, title="x", store=store, native=True, on=ON, progress=lambda *step: seen.append(step))
    assert seen == [(i + 1, len(drawn), b.text.title) for i, b in enumerate(drawn)]


def test_the_native_trend_joins_only_the_chosen_edition(native_deck: tuple[Deck, list[Built]]) -> None:
    deck, drawn = native_deck
    built = next(b for b in drawn if b.chart == "risk-trend")
    slide, frame = chart_slide(deck, "risk-trend")
    chart = frame.chart
    assert isinstance(chart.plots[0], XyPlot)  # python-pptx names the type after the first series' own style
    assert chart.chart_title.text_frame.text == "Viet Nam"  # the panel's title, as on the page
    assert (chart.value_axis.minimum_scale, chart.value_axis.maximum_scale) == (0, 100)
    assert chart.value_axis.tick_labels.number_format == '0"%"'
    series = {s.name: s for s in chart.plots[0].series}
    page = {t.name: t for t in built.figure.data if t.xaxis in (None, "x")}
    assert set(series) == {name for name, t in page.items() if len([y for y in t.y if y == y])}
    joined = next(name for name in series if "joined by year" in name)
    assert str(series[joined].format.line.color.rgb) == risk_colour("old_age").lstrip("#").upper()
    assert list(series[joined].values) == pytest.approx([float(y) for y in page[joined].y])
    for name in series:
        if "not joined" in name:  # other editions: markers only, never a line between revisions
            assert series[name].format.line.fill.type == 5  # MSO_FILL.BACKGROUND: no line
    assert "Data release" in slide.notes_slide.notes_text_frame.text


def test_a_chart_too_long_for_one_slide_is_split_over_titled_slides(store: Store) -> None:
    deck, drawn = deck_of(store, "/embed/progress-dumbbells")
    (built,) = drawn
    slides = [slide for slide in list(deck.slides)[1:-1] if any(shape.name == "progress-dumbbells" for shape in slide.shapes)]
    assert len(slides) == len(built.parts) > 1
    titles = [slide.shapes.title.text for slide in slides]
    assert titles == [f"{built.text.title} ({n} of {len(slides)})" for n in range(1, len(slides) + 1)]


def test_the_change_in_points_is_a_native_chart_for_one_risk_and_split_slides_for_many(store: Store) -> None:
    deck, drawn = deck_of(store, "/embed/progress-bars?risk=old_age", "/embed/progress-bars", native=True)
    one, *many = (shape for slide in list(deck.slides)[1:-1] for shape in slide.shapes if shape.name == "progress-bars")
    assert one.shape_type == MSO_SHAPE_TYPE.CHART  # too many rows for one slide: native too, one slide per part
    assert len(many) == len(drawn[1].parts) > 1 and all(m.shape_type == MSO_SHAPE_TYPE.CHART for m in many)
    rows = [c for m in many for c in m.chart.plots[0].categories]
    assert len(rows) == len(set(rows)) == sum(len(p.data[-1].y) for p in drawn[1].parts)  # every bar once
    chart = one.chart
    assert not chart.has_title  # not PowerPoint's automatic title from the series name
    assert chart.value_axis.tick_labels.number_format == '+0" pp";-0" pp";0" pp"'
    low, high = drawn[0].figure.layout.xaxis.range
    axis = chart.value_axis
    assert axis.minimum_scale <= low < axis.minimum_scale + axis.major_unit  # the page's range, on round ticks
    assert axis.maximum_scale - axis.major_unit < high <= axis.maximum_scale
    assert axis.minimum_scale % axis.major_unit == 0
    (series,) = chart.plots[0].series
    page = next(t for t in drawn[0].figure.data if t.type == "bar")
    assert list(series.values) == pytest.approx(list(page.x), abs=1e-3)
    assert list(chart.plots[0].categories) == list(page.y)  # largest rise on top, as on the page
    label = series.points[len(page.y) - 1].data_label.text_frame.text
    assert label.startswith("+") and "pp (20" in label  # the page's own label: change and years


def _run_properties(deck: Deck) -> list:
    from pptx.oxml.ns import qn

    found = []
    for part in deck.part.package.iter_parts():
        element = getattr(part, "_element", None)
        if element is not None:
            found += [p for tag in ("a:rPr", "a:defRPr", "a:endParaRPr") for p in element.iter(qn(tag))]
    return found


@pytest.mark.parametrize(("lang", "font"), [("km", "Noto Sans Khmer"), ("vi", None)])
def test_a_deck_carries_the_complex_script_font_of_its_language(store: Store, lang: str, font: str | None) -> None:
    from pptx.oxml.ns import qn

    from essa_dash.text import use_language

    with use_language(lang):
        deck, _ = deck_of(store, "/country/KHM", native=True)
    properties = _run_properties(deck)
    assert properties
    faces = [p.find(qn("a:cs")) for p in properties]
    if font is None:  # the template's own theme reference (+mn-cs) stays; no script font is named
        assert not any(face is not None and face.get("typeface", "").startswith("Noto Sans") for face in faces)
        return
    assert all(face is not None and face.get("typeface") == font for face in faces)
    # the schema's order: a:cs after a:latin / a:ea, before a:hlinkClick and the rest
    for p in properties:
        tags = [child.tag.split("}")[1] for child in p]
        assert tags.index("cs") > max([tags.index(t) for t in ("latin", "ea") if t in tags], default=-1)
        assert all(tags.index("cs") < tags.index(t) for t in ("sym", "hlinkClick", "rtl", "extLst") if t in tags)
    charts = [s for slide in deck.slides for s in slide.shapes if s.has_chart]
    assert charts, "a native chart's labels carry the font too"


def test_which_charts_become_native_and_what_they_carry(store: Store) -> None:
    from essa_dash.export import native
    from essa_dash.figures.frames import SLIDE
    from essa_dash.query.state import State
    from essa_dash.views import REGISTRY, load_all

    load_all()
    view = State(country=("KHM",), risk=("old_age",))
    drawn = {chart: build(chart, store, view, SLIDE) for chart in REGISTRY}
    editable = {chart for chart, b in drawn.items() if b is not None and (native.bar_chart(b) or native.line_panels(b))}
    # bars, rankings, dots and dumbbells on rows, the trend's lines, the change in points; never the heatmap,
    # the map, the progress dumbbells (unnamed marks) or the SDG context charts (their axes are not 0-100 %)
    assert editable == {"country-bars", "country-editions", "country-sex", "progress-bars", "risk-ranking", "risk-trend", "risk-sex"}
    split = build("progress-bars", store, State(), SLIDE)  # every risk: more cells than a slide draws
    assert split is not None and split.parts
    change = replace(split, parts=())  # one slide of them (an image's): the largest falls and rises, the rest named
    assert native.bar_chart(change) is not None and native.notes_below(change)
    deck = Presentation(io.BytesIO(slides.build_deck([change], title="x", store=store, native=True, on=ON)))
    texts = [shape.text_frame.text for shape in deck.slides[1].shapes if shape.has_text_frame]
    speaker = deck.slides[1].notes_slide.notes_text_frame.text
    for note in native.notes_below(change):  # "Not drawn, between the largest falls and rises: ..." travels to the slide
        assert note in speaker  # whole in the speaker notes
        assert any(text.startswith(note[:100]) for text in texts)  # its start (or all of it) on the slide


def test_a_dense_native_chart_is_split_so_its_labels_stay_readable(store: Store) -> None:
    """LibreOffice drops value labels and skips category names that would overlap: rows get the room their type needs."""
    from essa_dash.export import native

    deck, drawn = deck_of(store, "/embed/country-editions?country=KHM", native=True)
    (built,) = drawn
    spec = native.bar_chart(built)
    assert spec is not None
    frames = [shape for slide in deck.slides for shape in slide.shapes if shape.name == "country-editions"]
    assert len(frames) > 1  # ten risks of four editions do not fit one slide with labels of 9 pt
    rows = [c for frame in frames for c in reversed(list(frame.chart.plots[0].categories))]
    assert rows == list(reversed(spec.categories))  # every risk once, the page's top first
    for frame in frames:
        for series in frame.chart.plots[0].series:
            for point, value in zip(series.points, series.values, strict=True):
                if value is not None and point.data_label.has_text_frame:
                    size = point.data_label.text_frame.paragraphs[0].runs[0].font.size
                    assert size.pt >= native.MIN_LABEL_FONT


def test_notes_of_an_sdg_series_give_its_definition_without_empty_counted_fields(store: Store) -> None:
    """The SDG context series have no numerator or denominator of their own: the notes said "Counted: . Out of: ."."""
    deck, drawn = deck_of(store, "/country/PHL")
    slide, _ = chart_slide(deck, "country-context")
    notes = slide.notes_slide.notes_text_frame.text
    context = next(b for b in drawn if b.chart == "country-context")
    assert context.definitions and all(f"{d.label}: {d.definition}" in notes for d in context.definitions)
    assert "Counted: ." not in notes and "Out of: ." not in notes
