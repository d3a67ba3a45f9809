"""The page's HTML carries a static copy of the page down to its first chart, the chart drawn from its figure before Dash boots.

On a 4x-throttled CPU the first chart waited about 2.5 s for Dash's renderer (React,
dash_renderer, the component bundles, React rendering the page) while a static page drawing
the same figure with the same plotly.js had it on screen (bench/RESULTS.md). Here the index
HTML holds the first layout (first_page.py: the frame with the page, the router's stored
answer) rendered to the tags and classes React writes (and the ids the stylesheets select on),
down to and including the first ``dcc.Graph``, with that
graph's figure and config as JSON data (``<script type="application/json">``: no code, the CSP
stays), which ``static/plotly-queue.js``, linked right after plotly.js, draws.

Where it sits: Dash's renderer replaces ``#react-entry-point``'s children with "Loading..."
at its first render, long before the page is rendered, so the copy is a sibling in front of it
(``#first-view``), and the renderer's tree is laid out hidden under it (assets/style.css) until
it has drawn the chart the copy shows (the plot's ``data-graph`` names it); then the copy is removed
in the same frame. Both are laid out by the same CSS from the same tags, ids and classes, so nothing moves.

Dash's scripts on a page with a copy: they came right after plotly-queue.js, so the browser fetched
them (about 280 kB) beside plotly.js (350 kB), and on a slow network the copy's chart waited for
both (1.4-1.5x the static page at 1.6 Mbit/s). :func:`held_back` moves them in front of the page's
scripts, with the copy, under a type the browser neither runs nor fetches (:data:`HELD_BACK`);
plotly-queue.js, which runs once plotly.js has arrived, draws the copy's chart and then loads
them, in their order.
"""

from __future__ import annotations

import json
import re
from functools import cache
from html import escape
from typing import Any

from essa_dash.paths import ASSETS_DIR

#: The static copy's element, in front of #react-entry-point (static/plotly-queue.js removes it).
ELEMENT = "first-view"
#: The first chart's figure and config (JSON data), and the element Plotly draws it in.
FIGURE, PLOT = "first-view-figure", "first-view-plot"
#: The type of the scripts plotly-queue.js loads after the copy's chart: the browser neither runs nor fetches them.
HELD_BACK = "text/x-essa-after-first-chart"
#: A script's opening tag, and the type Dash gives some ("application/javascript", the default).
SCRIPT_TAG = re.compile(r"<script\b(?P<attributes>[^>]*)>")
SCRIPT_TYPE = re.compile(r'\stype="[^"]*"')
#: React prop names that are not the attribute's name.
ATTRIBUTES = {"className": "class", "htmlFor": "for", "tabIndex": "tabindex", "hrefLang": "hreflang", "colSpan": "colspan"}
#: Props of a Dash html component not written: not attributes, or read only by assistive technology (the copy is
#: inert: the page's words are read from the renderer's page, as before the copy, when "Loading..." stood there).
NOT_ATTRIBUTES = {"children", "style", "n_clicks", "n_clicks_timestamp", "disable_n_clicks", "key", "loading_state", "setProps", "role"}
SKIPPED = ("aria-", "data-")  # but aria-current, which the CSS reads (the current page's link)
VOID = {"br", "hr", "img", "input", "meta", "link", "col", "area", "wbr", "source", "track", "embed"}
#: dcc components that draw nothing.
INVISIBLE = {"Location", "Store", "Interval", "Download", "Clipboard", "ConfirmDialog"}
#: Dash 4's dropdown trigger icon (dcc Dropdown), so a static dropdown is as wide and tall as the renderer's.
CHEVRON = (
    '<svg width="15" height="15" viewBox="0 0 15 15" fill="none" xmlns="http://www.w3.org/2000/svg" '
    'class="dash-dropdown-trigger-icon"><path d="M4.18179 6.18181C4.35753 6.00608 4.64245 6.00608 4.81819 '
    "6.18181L7.49999 8.86362L10.1818 6.18181C10.3575 6.00608 10.6424 6.00608 10.8182 6.18181C10.9939 6.35755 "
    "10.9939 6.64247 10.8182 6.81821L7.81819 9.81821C7.73379 9.9026 7.61934 9.95001 7.49999 9.95001C7.38064 "
    '9.95001 7.26618 9.9026 7.18179 9.81821L4.18179 6.81821C4.00605 6.64247 4.00605 6.35755 4.18179 6.18181Z" '
    'fill="currentColor" fill-rule="evenodd" clip-rule="evenodd"></path></svg>'
)


def render(layout: Any, *, phone: bool) -> str:
    """``layout`` (Dash's JSON of a layout: dicts with type, namespace, props) as HTML down to its first graph, or "" without one.

    ``phone``: the layout is drawn for a phone's frame (the viewport cookie the request had). A
    first visit has none and is drawn for a desktop: on a phone's width the copy is not shown
    (assets/style.css, the same width as essa_dash.figures.frames.PHONE_MAX_VIEWPORT) nor drawn.
    """
    out: list[str] = []
    graph = _node(layout, out)
    if graph is None:
        return ""
    data = json.dumps({"figure": graph.get("figure") or {}, "config": graph.get("config") or {}}, separators=(",", ":"))
    data = data.replace("</", "<\\/")  # never closes the script element it sits in
    copy = "".join(out)
    frame = "phone" if phone else "desktop"
    return f'<div id="{ELEMENT}" class="{frame}" inert>{copy}</div><script id="{FIGURE}" type="application/json">{data}</script>'


def held_back(scripts: str, *, after: str) -> tuple[str, str]:
    """(``scripts`` up to and with the tag ``after``, the scripts after it under the type :data:`HELD_BACK`).

    Each keeps its attributes and its text (the CSP allows Dash's inline scripts by the hash of
    their text). Nothing follows ``after``: (``scripts``, "").
    """
    head, found, tail = scripts.partition(after)
    if not found:
        return scripts, ""

    def held(tag: re.Match[str]) -> str:
        return f'<script{SCRIPT_TYPE.sub("", tag.group("attributes"))} type="{HELD_BACK}">'

    return head + found, SCRIPT_TAG.sub(held, tail.strip())


def _node(node: Any, out: list[str]) -> dict[str, Any] | None:
    """Append ``node``'s HTML to ``out``; the first graph's props once it is reached (nothing after it is drawn)."""
    if node is None or isinstance(node, bool):
        return None
    if isinstance(node, str | int | float):
        out.append(escape(str(node)))
        return None
    if isinstance(node, list):
        for child in node:
            graph = _node(child, out)
            if graph is not None:
                return graph
        return None
    props = node.get("props", {})
    kind, namespace = node.get("type"), node.get("namespace")
    if namespace == "dash_html_components":
        return _element(_tag(kind), props, out)
    if kind == "Graph":
        style = props.get("style") or {"height": "100%"}  # as dcc.Graph writes it
        out.append(f"<div{_attributes({'className': 'dash-graph', 'style': style})}>")
        # data-graph: the renderer's graph this chart stands in for (its element's id), whose drawing ends the copy
        out.append(f'<div></div><div{_attributes({"id": PLOT, "data-graph": props.get("id")})} style="height:100%;width:100%"></div></div>')
        return props
    if kind == "Link":
        return _element("a", {k: props.get(k) for k in ("id", "className", "href", "style")}, out, props.get("children"))
    if kind == "Dropdown":
        out.append(_dropdown(props))
    elif kind == "RadioItems":
        out.append(_radio_items(props))
    elif kind not in INVISIBLE:
        out.append(f"<div{_attributes({'className': props.get('className'), 'style': props.get('style')})}></div>")
    return None


@cache
def styled_ids() -> frozenset[str]:
    """The ids the served stylesheets select on: the only ones the copy keeps (an id twice on the page, the
    renderer's element and the copy's, would have scripts and tests find the copy, which stops at the first chart)."""
    return frozenset(m for css in ASSETS_DIR.glob("*.css") for m in re.findall(r"#([A-Za-z_][\w-]*)", css.read_text()))


def _element(tag: str, props: dict[str, Any], out: list[str], children: Any = None) -> dict[str, Any] | None:
    attributes = {k: v for k, v in props.items() if k not in NOT_ATTRIBUTES and (k == "aria-current" or not k.startswith(SKIPPED))}
    if attributes.get("id") not in styled_ids():
        attributes.pop("id", None)
    out.append(f"<{tag}{_attributes({**attributes, 'style': props.get('style')})}>")
    if tag in VOID:
        return None
    graph = _node(props.get("children") if children is None else children, out)
    out.append(f"</{tag}>")
    return graph


def _tag(kind: str) -> str:
    return {"MapEl": "map", "ObjectEl": "object"}.get(kind, kind.lower())


def _attributes(props: dict[str, Any]) -> str:
    """`` name="value"`` for each prop React would write (an id object as JSON, as Dash writes a pattern-matching id)."""
    parts = []
    for name, value in props.items():
        if value is None or value is False:
            continue
        if name == "style":
            value = _style(value)
            if not value:
                continue
        elif isinstance(value, dict):
            value = json.dumps(value, separators=(",", ":"), sort_keys=True)
        elif value is True:
            value = ""
        parts.append(f' {ATTRIBUTES.get(name, name)}="{escape(str(value))}"')
    return "".join(parts)


def _style(style: dict[str, Any]) -> str:
    """A React style object as CSS (camelCase to kebab-case, a bare number in px as React writes it)."""
    rules = []
    for name, value in style.items():
        css = "".join("-" + c.lower() if c.isupper() else c for c in name)
        rules.append(f"{css}:{value}px" if isinstance(value, int | float) and value != 0 else f"{css}:{value}")
    return ";".join(rules)


def _options(props: dict[str, Any]) -> list[tuple[Any, Any]]:
    """(value, label) of a dcc options list (strings, a dict of value: label, or dicts with value and label)."""
    options = props.get("options") or []
    if isinstance(options, dict):
        return list(options.items())
    return [(o.get("value"), o.get("label")) if isinstance(o, dict) else (o, o) for o in options]


def _label(label: Any) -> str:
    out: list[str] = []
    _node(label, out)
    return "".join(out)


def _dropdown(props: dict[str, Any]) -> str:
    """Dash 4's closed dropdown: its trigger button showing the chosen labels, or the placeholder."""
    value = props.get("value")
    chosen = value if isinstance(value, list) else [] if value is None else [value]
    labels = [_label(label) for v, label in _options(props) if v in chosen]
    if labels:
        items = "".join(f'<span class="dash-dropdown-value-item"><span>{label}</span></span>' for label in labels)
        shown = f'<span class="dash-dropdown-value">{items}</span>'
    else:
        shown = f'<span class="dash-dropdown-value dash-dropdown-placeholder">{escape(str(props.get("placeholder") or ""))}</span>'
    return (
        '<div class="dash-dropdown-wrapper"><input class="dash-dropdown-focus-target" tabindex="-1" readonly>'
        f'<button type="button" tabindex="-1" class="dash-dropdown ">'
        f'<span class="dash-dropdown-grid-container dash-dropdown-trigger">{shown}{CHEVRON}</span></button></div>'
    )


def _radio_items(props: dict[str, Any]) -> str:
    """Dash 4's radio items: one label per option, the chosen one checked."""
    inline = " dash-radioitems-inline" if props.get("inline") else ""
    labels = []
    for v, label in _options(props):
        chosen = v == props.get("value")
        labels.append(
            f'<label class="dash-options-list-option{" selected" if chosen else ""}{inline}">'
            '<span class="dash-options-list-option-wrapper">'
            f'<input type="radio" tabindex="-1" class="dash-options-list-option-checkbox"{" checked" if chosen else ""}></span>'
            f'<span class="dash-options-list-option-text"><span>{_label(label)}</span></span></label>'
        )
    classes = " ".join(filter(None, ["dash-options-list dash-radioitems", props.get("className")]))
    return f'<div class="{escape(classes)}">{"".join(labels)}</div>'
