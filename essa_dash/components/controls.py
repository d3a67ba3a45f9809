"""Controls whose values live in the URL.

Every control has a pattern-matching id ``{"type": "state", "param": <url parameter>}``;
one callback (:func:`register_url_sync`) turns any change into a new URL, and the
page is rebuilt from that URL. The URL is therefore the only state: a copied link
reopens the same view and the browser's back button steps through changes.
A control whose id also has ``"path"`` (e.g. ``"/country/"``) changes the path
instead of the query, as the country and risk pages do.
"""

from __future__ import annotations

from typing import Any

import dash
from dash import ALL, Input, Output, State, dcc, html

from essa_dash.query.state import GLOBAL_PARAMS, ORDER_PARAMS, PARAMS, Vocabulary, query_pairs
from essa_dash.text import tr

PAGES_LOCATION = "_pages_location"  # the dcc.Location that Dash pages routes on


def control_id(param: str, *, path: str | None = None) -> dict[str, str]:
    return {"type": "state", "param": param, **({"path": path} if path else {})}


def dropdown_labels() -> dict[str, str]:
    """The dropdown's own words (its count of chosen items, its menu buttons, its search), in the page's language.

    Dash draws them in English unless given: "11 selected" stood in every language's risk and progress pages.
    """
    return {
        # TRANSLATORS: a button in a multi-choice list's menu
        "select_all": tr("Select All"),
        # TRANSLATORS: a button in a multi-choice list's menu
        "deselect_all": tr("Deselect All"),
        # TRANSLATORS: a closed multi-choice list, when its chosen items do not fit; keep {num_selected} as it is
        "selected_count": tr("{num_selected} selected"),
        "search": tr("Search"),
        "clear_search": tr("Clear search"),
        "clear_selection": tr("Clear selection"),
        "no_options_found": tr("No options found"),
    }


def dropdown(
    param: str,
    options: list[dict[str, Any]],
    value: Any,
    *,
    label: str,
    multi: bool = False,
    path: str | None = None,
    placeholder: str | None = None,
    clearable: bool | None = None,
) -> html.Div:
    """A labelled dropdown bound to a URL parameter (clearable: multi-selects by default)."""
    ident = control_id(param, path=path)
    return html.Div(
        [
            html.Label(label, htmlFor=f"control-{param}"),
            dcc.Dropdown(
                id=ident,
                options=options,
                value=value,
                multi=multi,
                clearable=multi if clearable is None else clearable,
                placeholder=placeholder,
                searchable=True,
                labels=dropdown_labels(),
            ),
        ],
        className="control",
        id=f"control-{param}",
    )


def radio(param: str, options: list[dict[str, str]], value: str, *, label: str) -> html.Fieldset:
    """A labelled radio group bound to a URL parameter (keyboard: arrows move the choice)."""
    return html.Fieldset(
        [html.Legend(label), dcc.RadioItems(id=control_id(param), options=options, value=value, inline=True, className="radio")],
        className="control",
        id=f"control-{param}",
    )


RENDERED_URL = "rendered-url"


def checkbox(param: str, label: str, checked: bool) -> html.Div:
    """A single checkbox bound to a true/false URL parameter."""
    return html.Div(
        dcc.Checklist(id=control_id(param), options=[{"label": label, "value": "true"}], value=["true"] if checked else []),
        className="control control-check",
        id=f"control-{param}",
    )


def controls_bar(rendered_url: str, *children: html.Div | html.Fieldset | None) -> html.Form:
    """The page's controls plus the URL the page was drawn for, every default spelled out.

    Dash fires the URL callback whenever a page's controls are (re)drawn; comparing
    with this URL tells that apart from a person changing a control, so drawing a
    page never adds a step to the browser's history.
    """
    return html.Form(
        [*(c for c in children if c is not None), dcc.Store(id=RENDERED_URL, data=rendered_url)],
        className="controls",
        role="search",
        # data-rendered-url: what a browser test waits for (the controls on screen were drawn for this URL)
        **{"aria-label": tr("Choose what to show"), "data-rendered-url": rendered_url},
    )


def register_url_sync(app: dash.Dash, vocabulary: Vocabulary) -> None:
    """One callback for every page: control values -> URL (path and query), validated on the way."""

    @app.callback(
        Output(PAGES_LOCATION, "href", allow_duplicate=True),
        Input({"type": "state", "param": ALL}, "value"),
        Input({"type": "state", "param": ALL, "path": ALL}, "value"),
        State(PAGES_LOCATION, "pathname"),
        State(PAGES_LOCATION, "search"),
        State(RENDERED_URL, "data"),
        prevent_initial_call=True,
    )
    def _sync(query_values: list[Any], path_values: list[Any], pathname: str, search: str | None, rendered: str | None) -> str:
        path = pathname
        for item, value in zip(dash.ctx.inputs_list[1], path_values, strict=True):
            if value:
                path = f"{item['id']['path']}{value}"
        params = {
            item["id"]["param"]: ",".join(value) if isinstance(value, list) else str(value)
            for item, value in zip(dash.ctx.inputs_list[0], query_values, strict=True)
            if value not in (None, "", [])
        }
        # the language, a pinned release and the explorer table's order are no controls of the page: they stay
        # what the URL says (the table's page does not: new rows start at the first page)
        carried = {name: value for name, value in query_pairs(search) or () if value} if isinstance(search, str) else {}
        kept = {name: carried[name] for name in (*GLOBAL_PARAMS, *ORDER_PARAMS) if name in carried}
        state, _ = vocabulary.parse({**params, **kept}, accept=(*PARAMS, *ORDER_PARAMS))
        target = path + vocabulary.encode(state)
        return dash.no_update if target == rendered else target
