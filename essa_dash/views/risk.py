"""Risk page charts: ranking, map, over time, women and men."""

from __future__ import annotations

from dataclasses import replace

from essa_dash import captions
from essa_dash.figures.choropleth import coverage_map
from essa_dash.figures.dumbbell import dumbbell
from essa_dash.figures.frames import DESKTOP, Frame
from essa_dash.figures.ranking import ranking_bars
from essa_dash.figures.trend import edition_trend
from essa_dash.query import risk as q
from essa_dash.query.state import State, edition_slug
from essa_dash.schema import Coverage as C
from essa_dash.store import Store, per_build
from essa_dash.text import risk as words
from essa_dash.text import tr
from essa_dash.text.names import sex_label
from essa_dash.views import Built, Chart, finish, register

PAGE = "/risk/<risk>"
PARAMS = ("risk", "country", "edition", "sex")


@per_build()
def view_of(store: Store, state: State) -> q.RiskView:
    """The risk page's resolved view for a state (the first risk, else the default).

    Once per state: each chart resolves it, for its canonical state and again to draw (a view is read, never changed).
    """
    url = {"country": ",".join(state.country), "sex": state.sex or "", "edition": edition_slug(state.edition) if state.edition else ""}
    return q.resolve_view(store, state.risk[0] if state.risk else q.DEFAULT_RISK, {k: v for k, v in url.items() if v})


def resolved(store: Store, state: State) -> State:
    """The state with the risk page's defaults and fallbacks applied: the charts read nothing else."""
    view = view_of(store, state)
    return replace(state, risk=(view.risk,), country=view.countries, edition=view.edition, sex=view.sex)


def every_state(store: Store, state: State) -> State:
    """The resolved state with no country chosen: the map draws every Member State whoever is chosen.

    A choice of countries only highlights the ranking's bars, and the map's rows leave the highlight
    out (``q.map_rows``), so every selection of a risk, edition and sex shares one map: a view of
    several countries nobody drew before draws only the charts its choice changes.
    """
    return replace(resolved(store, state), country=())


def ranking(store: Store, state: State, fit: Frame = DESKTOP) -> Built:
    view = view_of(store, state)
    rows = q.ranking(store, view)
    text = captions.with_flag_key(words.ranking_text(store, rows), rows)
    known = rows.dropna(subset=[C.coverage_pct])
    series = {q.short_label(store, view.risk): dict(zip(known[C.country], known[C.coverage_pct], strict=True))}
    return finish("risk-ranking", ranking_bars(rows, text=text, fit=fit), text, words.ranking_reading(rows), store, rows, series=series)


def coverage_map_chart(store: Store, state: State, fit: Frame = DESKTOP) -> Built:
    view = view_of(store, state)
    rows = q.map_rows(q.ranking(store, view))
    text = captions.with_flag_key(words.map_text(store, rows, sex=view.shown_sex), rows)
    return finish("risk-map", coverage_map(rows, text=text, fit=fit), text, words.map_reading(rows), store, rows)


def trend(store: Store, state: State, fit: Frame = DESKTOP) -> Built:
    view = view_of(store, state)
    rows = q.trend(store, view)
    text = captions.with_flag_key(words.trend_text(store, rows, edition=view.edition), rows)
    return finish(
        "risk-trend",
        edition_trend(rows, edition=view.edition, text=text, fit=fit),
        text,
        words.trend_reading(rows, view.edition),
        store,
        rows,
    )


def sexes(store: Store, state: State, fit: Frame = DESKTOP) -> Built | None:
    view = view_of(store, state)
    split = q.sex_split(store, view)
    if split is None:
        return None
    split = words.with_sex_labels(split)
    text = captions.with_flag_key(words.sex_text(store, split), split)
    fig = dumbbell(
        split,
        label="label",
        start="female",
        end="male",
        start_name=tr("Women"),
        end_name=tr("Men"),
        text=text,
        fit=fit,
        start_hover="hover",
        end_hover="hover",
    )
    series = {sex_label(sex): dict(zip(split["label"], split[sex], strict=True)) for sex in ("female", "male")}
    return finish("risk-sex", fig, text, words.sex_reading(split), store, split, series=series)


register(Chart("risk-ranking", "Member States ranked for a risk", PAGE, PARAMS, "bar", ranking, canonical=resolved))
register(Chart("risk-map", "Map of a risk's coverage", PAGE, PARAMS, "map", coverage_map_chart, map=True, canonical=every_state))
register(Chart("risk-trend", "A risk over time, edition by edition", PAGE, PARAMS, "line", trend, canonical=resolved))
register(Chart("risk-sex", "Women and men covered for a risk", PAGE, PARAMS, "dumbbell", sexes, canonical=resolved))
