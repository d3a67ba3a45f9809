"""The risk page's figure builders: pure, labelled, honest about gaps, editions never joined."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import pytest

from essa_dash.figures._theme import RISK_COLOURS, ChartText
from essa_dash.figures.frames import PHONE
from essa_dash.figures.ranking import AGGREGATE_STYLE, ranking_bars
from essa_dash.figures.trend import columns_for, edition_trend
from essa_dash.query import risk as q
from essa_dash.schema import Coverage as C
from essa_dash.store import Store

TEXT = ChartText("A title", "A subtitle", "A source")


def ranking(store: Store, risk: str = "old_age", **url: str) -> pd.DataFrame:
    return q.ranking(store, q.resolve_view(store, risk, url))


def trend(store: Store, risk: str = "old_age", **url: str) -> tuple[pd.DataFrame, str]:
    v = q.resolve_view(store, risk, url)
    return q.trend(store, v), v.edition


def bars(fig: go.Figure) -> dict[str, go.Bar]:
    return {t.name: t for t in fig.data if t.type == "bar"}


def source(fig: go.Figure) -> str:
    return fig.layout.annotations[-1].text


# -- ranking ------------------------------------------------------------------------------------------


def test_ranking_is_pure(store: Store) -> None:
    rows = ranking(store, "children")
    before = rows.copy(deep=True)
    ranking_bars(rows, text=TEXT)
    pd.testing.assert_frame_equal(rows, before)


def test_ranking_labels_every_bar_with_value_and_year(store: Store) -> None:
    fig = ranking_bars(ranking(store, "at_least_one"), text=TEXT)
    states = bars(fig)["Member States"]
    labels = dict(zip(states.y, states.text, strict=True))
    # Myanmar's figure carries a flag (cross-check disagreement): the mark sits beside its value
    assert labels["Myanmar"] == "6.3% (2019) †" and labels["Singapore"] == "100.0% (2023)"
    assert states.marker.color == RISK_COLOURS["at_least_one"]
    assert fig.layout.title.text.startswith("<b>A title</b>")
    assert source(fig) == "Source: A source"


def test_ranking_puts_the_highest_at_the_top(store: Store) -> None:
    rows = ranking(store)
    fig = ranking_bars(rows, text=TEXT)
    order = list(fig.layout.yaxis.categoryarray)
    assert order[-1] == rows[C.country].iloc[0] == "Brunei"  # plotly draws categories bottom-up
    assert order[0] == "Myanmar"


def test_region_and_world_are_grey_bars_named_in_the_legend_and_on_the_axis(store: Store) -> None:
    fig = ranking_bars(ranking(store), text=TEXT)
    named = bars(fig)
    assert named["ASEAN (regional figure)"].marker.color == AGGREGATE_STYLE["region"]
    assert named["World"].marker.color == AGGREGATE_STYLE["world"]
    assert list(named["ASEAN (regional figure)"].text) == ["45.6% (2023) †"]  # an ILO modelled estimate
    assert list(named["World"].x) == [79.605]
    assert "<i>ASEAN</i>" in fig.layout.yaxis.ticktext and "<i>World</i>" in fig.layout.yaxis.ticktext


def test_no_data_is_written_never_drawn_as_zero(store: Store) -> None:
    rows = ranking(store, "children")
    fig = ranking_bars(rows, text=TEXT)
    drawn = {y for trace in bars(fig).values() for y in trace.y}
    assert "Brunei" not in drawn and "Lao PDR" not in drawn
    # no trace holds a number for them: the words are annotations, with the gap's hover
    assert all("no data" not in str(trace.customdata) for trace in fig.data)
    gaps = [a for a in fig.layout.annotations if a.text == "no data"]
    assert [a.y for a in gaps] == ["Brunei", "Lao PDR"] and {a.x for a in gaps} == {0}
    assert all("no data in ILOSTAT 2025" in a.hovertext for a in gaps)
    assert all(min(trace.x) >= 0 for trace in bars(fig).values())


def test_countries_not_chosen_recede(store: Store) -> None:
    fig = ranking_bars(ranking(store, country="THA,KHM"), text=TEXT)
    named = bars(fig)
    assert sorted(named["Chosen Member States"].y) == ["Cambodia", "Thailand"]
    assert len(named["Other Member States"].y) == 9
    assert named["Other Member States"].marker.color.startswith("rgba(")


def test_undated_figures_say_so(store: Store) -> None:
    fig = ranking_bars(ranking(store, "old_age", edition="wspr-2014-15"), text=TEXT)
    assert "5.6% (year not stated)" in list(bars(fig)["Member States"].text)


def test_an_edition_with_no_figure_draws_no_bar(store: Store) -> None:
    rows = ranking(store, "employment_injury", edition="un-sdg-db-2018-10", sex="female")
    fig = ranking_bars(rows, text=TEXT)
    assert bars(fig) == {}
    assert len([a for a in fig.layout.annotations if a.text == "no data"]) == len(rows)
    assert fig.layout.xaxis.range == (0, 122)  # the axes are still drawn


def test_long_titles_wrap_and_the_figure_makes_room() -> None:
    long = ChartText("word " * 30, "words " * 40, "src")
    rows = pd.DataFrame(
        {
            "role": ["country"],
            C.iso3: ["KHM"],
            C.country: ["Cambodia"],
            C.risk: ["old_age"],
            C.coverage_pct: [8.1],
            C.year: pd.array([2020], dtype="Int16"),
            C.edition: ["E"],
            "source_title": ["S"],
            "highlighted": [True],
        }
    )
    short, tall = ranking_bars(rows, text=TEXT), ranking_bars(rows, text=long)
    assert "<br>" in tall.layout.title.text and "<br>" not in long.title  # the caption itself stays plain
    assert tall.layout.margin.t > short.layout.margin.t and tall.layout.height > short.layout.height
    # the same chart on a phone: more lines, a taller title block, and the plot keeps its height
    phone = ranking_bars(rows, text=long, fit=PHONE)
    assert phone.layout.title.text.count("<br>") > tall.layout.title.text.count("<br>")
    assert phone.layout.margin.t > tall.layout.margin.t


# -- trend --------------------------------------------------------------------------------------------


def traces_of(fig: go.Figure, legendgroup: str) -> list[go.Scatter]:
    return [t for t in fig.data if t.legendgroup == legendgroup]


def test_trend_is_pure(store: Store) -> None:
    rows, edition = trend(store)
    before = rows.copy(deep=True)
    edition_trend(rows, edition=edition, text=TEXT)
    pd.testing.assert_frame_equal(rows, before)


def test_trend_joins_the_chosen_edition_only(store: Store) -> None:
    rows, edition = trend(store)
    fig = edition_trend(rows, edition=edition, text=TEXT)
    chosen = traces_of(fig, "chosen")
    assert chosen and all(t.mode == "lines+markers+text" for t in chosen)  # text: the flag mark
    assert all(all("ILOSTAT 2025" in c for c in t.customdata) for t in chosen)
    for other in ("UN SDG DB 2018-10", "UN SDG DB 2023-07"):
        traces = traces_of(fig, other)
        assert traces and all(t.mode == "markers" and t.marker.symbol.endswith("-open") for t in traces)
        assert all(all(other in c for c in t.customdata) for t in traces)  # one edition per trace


def test_trend_has_one_panel_per_country_and_one_legend_entry_per_series(store: Store) -> None:
    rows, edition = trend(store)
    fig = edition_trend(rows, edition=edition, text=TEXT)
    titles = [a.text for a in fig.layout.annotations][:11]
    assert titles[0] == "Brunei" and titles[-1] == "Viet Nam"
    legend = [t.name for t in fig.data if t.showlegend]
    assert len(legend) == len(set(legend))
    assert set(legend) == {
        "ASEAN (ILOSTAT 2025)",
        "World (ILOSTAT 2025)",
        "UN SDG DB 2018-10 (not joined)",
        "UN SDG DB 2023-07 (not joined)",
        "ILOSTAT 2025, joined by year",
    }


def test_trend_draws_region_and_world_dashed_in_every_panel(store: Store) -> None:
    rows, edition = trend(store, country="THA,KHM")
    fig = edition_trend(rows, edition=edition, text=TEXT)
    region, world = traces_of(fig, "region"), traces_of(fig, "world")
    assert len(region) == len(world) == 2
    assert region[0].line.dash == "dash" and world[0].line.dash == "dot"
    assert list(region[0].x) == list(range(2009, 2024))


def test_trend_panel_without_data_says_so(store: Store) -> None:
    rows, edition = trend(store, "health", country="MMR,THA")
    fig = edition_trend(rows, edition=edition, text=TEXT)
    notes = [a.text for a in fig.layout.annotations]
    assert notes[:2] == ["Myanmar", "Thailand"] and "no data" in notes
    assert not any("Myanmar" in str(c) for t in fig.data if t.customdata is not None for c in t.customdata)


def test_trend_marks_panels_without_the_chosen_edition(store: Store) -> None:
    rows, edition = trend(store, "old_age", edition="un-sdg-db-2018-10", country="SGP,THA")
    fig = edition_trend(rows, edition=edition, text=TEXT)
    notes = [a.text for a in fig.layout.annotations]
    assert "none in UN SDG DB 2018-10" in notes  # Singapore: only later editions have a pension figure
    assert traces_of(fig, "ILOSTAT 2025")  # ... drawn as unjoined markers


@pytest.mark.parametrize(("panels", "columns"), [(1, 1), (2, 2), (4, 2), (6, 3), (11, 4)])
def test_panels_per_row(panels: int, columns: int) -> None:
    assert columns_for(panels) == columns


def test_a_panels_note_is_wrapped_to_its_panel(store: Store) -> None:
    # in Burmese, "none in UN SDG DB 2018-10" was wider than a slide's panel and ran into the next one
    from essa_dash.figures.frames import SLIDE
    from essa_dash.text import use_language
    from essa_dash.text.fonts import text_px

    rows, edition = trend(store, "old_age", edition="un-sdg-db-2018-10")
    with use_language("my"):
        fig = edition_trend(rows, edition=edition, text=TEXT, fit=SLIDE)
    note = next(a for a in fig.layout.annotations if "2018-10" in a.text)
    panel = fig.layout[note.xref.split()[0].replace("x", "xaxis")].domain
    lines = note.text.split("<br>")
    assert len(lines) > 1 and any("2018-10" in line for line in lines)  # never "2018" | "-10"
    assert all(text_px(line, note.font.size) <= (panel[1] - panel[0]) * SLIDE.width for line in lines), lines
