"""Progress charts: baseline vs latest within one edition, and the change in points."""

from __future__ import annotations

import pandas as pd

from essa_dash import captions
from essa_dash.figures.frames import DESKTOP, Frame
from essa_dash.figures.progress import baseline_dumbbells, change_bar_parts, change_bars, dumbbell_parts
from essa_dash.query import default_edition
from essa_dash.query import progress as q
from essa_dash.query.state import State
from essa_dash.store import Store
from essa_dash.text import progress as words
from essa_dash.views import Built, Chart, finish, register

PAGE = "/progress"
PARAMS = ("country", "risk", "edition", "sex")


def cells(store: Store, state: State) -> tuple[pd.DataFrame, State]:
    """The comparison cells of a state, with their words, after restricting it to what the page can compare."""
    state, _ = q.restrict(store, state, default_edition(store))
    found = q.progress_cells(store, countries=state.country, risks=state.risk, edition=str(state.edition), sex=str(state.sex))
    return words.labelled(found), state


def dumbbells(store: Store, state: State, fit: Frame = DESKTOP) -> Built:
    rows, state = cells(store, state)
    text = captions.with_flag_key(words.dumbbell_text(store, rows, edition=str(state.edition), sex=str(state.sex)), rows)
    figure = baseline_dumbbells(rows, text=text, fit=fit)
    parts = tuple(dumbbell_parts(rows, text=text, fit=fit))
    return finish("progress-dumbbells", figure, text, words.change_reading(rows), store, rows, parts=parts)


def bars(store: Store, state: State, fit: Frame = DESKTOP) -> Built | None:
    rows, state = cells(store, state)
    if not q.any_change(rows):
        return None
    text = captions.with_flag_key(words.change_text(store, rows, edition=str(state.edition), sex=str(state.sex)), rows)
    figure = change_bars(rows, text=text, fit=fit)
    parts = tuple(change_bar_parts(rows, text=text, fit=fit))
    return finish("progress-bars", figure, text, words.bars_reading(rows), store, rows, parts=parts)


register(Chart("progress-dumbbells", "Baseline and latest coverage, by risk", PAGE, PARAMS, "dumbbell", dumbbells))
register(Chart("progress-bars", "Change since the baseline, in points", PAGE, PARAMS, "bar", bars))
