"""Country profile charts: beside the region and the world, across editions, women and men."""

from __future__ import annotations

from dataclasses import replace

from essa_dash import captions
from essa_dash.figures.bars import comparison_bars
from essa_dash.figures.dots import edition_dots
from essa_dash.figures.dumbbell import dumbbell
from essa_dash.figures.frames import DESKTOP, Frame
from essa_dash.query import country as q
from essa_dash.query.state import State
from essa_dash.schema import Coverage as C
from essa_dash.store import Store
from essa_dash.text import country as words
from essa_dash.text import tr
from essa_dash.text.comparisons import history_reading
from essa_dash.text.names import sex_label
from essa_dash.views import Built, Chart, finish, register

PAGE = "/country/<iso3>"
PARAMS = ("country", "edition", "sex")


def resolved(store: Store, state: State) -> State:
    """The state with the country page's defaults and fallbacks applied: the charts read nothing else."""
    view, _ = q.resolve(store, state)
    return replace(state, country=(view.iso3,), edition=view.edition, sex=view.sex)


def bars(store: Store, state: State, fit: Frame = DESKTOP) -> Built:
    view, _ = q.resolve(store, state)
    rows = q.profile_bars(store, view.iso3, edition=view.edition, sex=view.sex)
    text = captions.with_flag_key(captions.profile_bars_text(store, rows, country=view.name, edition=view.edition, sex=view.sex), rows)
    series = {name: dict(zip(part["risk_label"], part[C.coverage_pct], strict=True)) for name, part in rows.groupby(C.country, sort=False)}
    return finish(
        "country-bars", comparison_bars(rows, text=text, fit=fit), text, words.profile_reading(rows, view.name), store, rows, series=series
    )


def editions(store: Store, state: State, fit: Frame = DESKTOP) -> Built:
    view, _ = q.resolve(store, state)
    rows = q.edition_history(store, view.iso3, sex=view.sex)
    text = captions.with_flag_key(captions.edition_history_text(store, rows, country=view.name), rows)
    reading = history_reading(rows, q.edition_revisions(store, view.iso3, sex=view.sex), view.name)
    return finish("country-editions", edition_dots(rows, text=text, fit=fit), text, reading, store, rows)


def sexes(store: Store, state: State, fit: Frame = DESKTOP) -> Built | None:
    view, _ = q.resolve(store, state)
    rows = q.sex_split(store, view.iso3, edition=view.edition)
    if rows is None:
        return None
    text = captions.with_flag_key(captions.sex_split_text(store, rows, country=view.name, edition=view.edition), rows)
    fig = dumbbell(rows, label="risk_label", start="female", end="male", start_name=tr("Women"), end_name=tr("Men"), text=text, fit=fit)
    series = {sex_label(sex): dict(zip(rows["risk_label"], rows[sex], strict=True)) for sex in ("female", "male")}
    return finish("country-sex", fig, text, words.sex_reading(rows, view.name), store, rows, series=series)


register(Chart("country-bars", "Country beside region and world, by risk", PAGE, PARAMS, "bar", bars, canonical=resolved))
register(Chart("country-editions", "Country figures in each edition", PAGE, PARAMS, "dots", editions, canonical=resolved))
register(Chart("country-sex", "Women and men covered", PAGE, PARAMS, "dumbbell", sexes, canonical=resolved))
