"""Requests checked for size, shape and type before any work: 400, 404, 413 or 414, never a 500.

Dash hands a callback whatever JSON the client POSTs; a ``pathname`` that is null or a
list, a ``search`` that is an object, inputs of the wrong shape, a text box sent a number
or JSON nested 100,000 deep all ended in a 500 (or a RecursionError) inside Dash or a
page. :func:`install` answers them before Dash runs, from one set of rules:

* the body is a JSON object of bounded depth whose ``output`` names a callback this app
  has, with exactly the inputs and state that callback declares (a pattern-matching input
  is a list of them, any other a single one);
* every value is null, a number, a truth value, text, or a flat list of text (what a
  dropdown, checklist or text box sends); the location's path and the text boxes
  (:data:`TEXT_INPUTS`) take text only.

Pages get one value per URL parameter (:func:`one_value_each`) and their path variables from
the path alone (:func:`from_path`); unknown addresses, a page's unknown sub-paths included,
answer 404 with the dashboard's own "page not found"; the size limits are the settings' own.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import dash
import flask
from dash._pages import _parse_path_variables, _path_to_page
from dash.exceptions import DependencyException, MissingCallbackContextException

from essa_dash import settings

if TYPE_CHECKING:
    from dash import Dash

CALLBACK_PATH = "/_dash-update-component"
#: Deep enough for Dash's own bodies (pattern-matching ids: 5 levels); a crafted one stops here.
MAX_DEPTH = 10
#: (component id, property) whose value is text (or null): a number or list there would break the callback.
TEXT_INPUTS = frozenset(
    {
        ("_pages_location", "pathname"),
        ("_pages_location", "search"),
        ("rendered-url", "data"),
        ("deck-title", "value"),
        ("deck-views", "value"),
    }
)
#: Never null: Dash's router joins it to paths.
REQUIRED_TEXT = frozenset({("_pages_location", "pathname")})
#: Dash's routes that answer any address with the app shell.
SHELL_ENDPOINTS = ("/", "/<path:path>")


class MalformedError(ValueError):
    """A request body that is not what any callback of this app sends."""


def depth(value: object, limit: int) -> int:
    """How deeply ``value`` nests lists and objects, counted without recursion (stops past ``limit``)."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, dict | list):
            deepest = max(deepest, level)
            if deepest > limit:
                return deepest
            stack.extend((child, level + 1) for child in (item.values() if isinstance(item, dict) else item))
    return deepest


def _value_ok(value: object, *, text: bool, required: bool) -> bool:
    if value is None:
        return not required
    if text:
        return isinstance(value, str)
    if isinstance(value, str | int | float | bool):
        return True
    return isinstance(value, list) and all(isinstance(v, str) for v in value)  # multi-dropdowns and checklists: ids


def _check_item(item: object, declared: dict[str, str], where: str) -> None:
    if not isinstance(item, dict) or not isinstance(item.get("property"), str) or item["property"] != declared["property"]:
        raise MalformedError(f"{where}: expected {{'id', 'property': {declared['property']!r}, 'value'}}")
    ident = item.get("id")
    if isinstance(ident, dict):
        if not all(isinstance(k, str) and isinstance(v, str | int) for k, v in ident.items()):
            raise MalformedError(f"{where}: a component id holds text and numbers only")
        key = None
    elif isinstance(ident, str):
        if ident != declared["id"]:
            raise MalformedError(f"{where}: expected component {declared['id']!r}, got {ident[:40]!r}")
        key = (ident, declared["property"])
    else:
        raise MalformedError(f"{where}: a component id is text or an object")
    if not _value_ok(item.get("value"), text=key in TEXT_INPUTS, required=key in REQUIRED_TEXT):
        raise MalformedError(f"{where}: value of the wrong type for {declared['id'][:60]}.{declared['property']}")


def _check_list(items: object, declared: list[dict[str, str]], what: str) -> None:
    if not isinstance(items, list) or len(items) != len(declared):
        raise MalformedError(f"'{what}' must be a list of {len(declared)}")
    for index, (item, spec) in enumerate(zip(items, declared, strict=True)):
        where = f"{what}[{index}]"
        if spec["id"].startswith("{") and '["ALL"]' in spec["id"]:  # a pattern-matching input: a list of matches
            if not isinstance(item, list):
                raise MalformedError(f"{where}: a pattern-matching input is a list")
            for match in item:
                _check_item(match, {"id": "", "property": spec["property"]}, where)
        else:
            _check_item(item, spec, where)


def check_callback(body: object, callbacks: dict[str, dict[str, Any]]) -> None:
    """Raise :class:`MalformedError` unless ``body`` is a request one of ``callbacks`` (Dash's callback_map) accepts."""
    if not isinstance(body, dict):
        raise MalformedError("the body must be a JSON object")
    if depth(body, MAX_DEPTH) > MAX_DEPTH:
        raise MalformedError(f"the body nests deeper than {MAX_DEPTH} levels")
    output = body.get("output")
    if not isinstance(output, str) or output not in callbacks:
        raise MalformedError("'output' names no callback of this app")
    spec = callbacks[output]
    _check_list(body.get("inputs"), spec["inputs"], "inputs")
    _check_list(body.get("state", []), spec.get("state", []), "state")
    if not isinstance(body.get("outputs"), dict | list):
        raise MalformedError("'outputs' must be an object or a list")
    changed = body.get("changedPropIds", [])
    if not isinstance(changed, list) or not all(isinstance(c, str) for c in changed):
        raise MalformedError("'changedPropIds' must be a list of text")


def one_value_each(layout: Callable[..., Any]) -> Callable[..., Any]:
    """A page layout that gets one text per URL parameter, as the API reads them.

    Dash passes a repeated parameter (``?iso3=KHM&iso3=TLS``) as a list, which no page
    expects; joined with commas it becomes a value the vocabulary checks (a list where
    lists are allowed, a notice naming it where one value is).
    """

    @functools.wraps(layout)
    def drawn(**url: Any) -> Any:
        return layout(**{name: ",".join(map(str, value)) if isinstance(value, list) else value for name, value in url.items()})

    return drawn


def page_of(path: str) -> dict[str, Any]:
    """Dash's page for an address (relative, without the leading slash), or ``{}`` when it is no page."""
    return page_at(path)[0]


def page_at(path: str) -> tuple[dict[str, Any], dict[str, str]]:
    """Dash's page for an address (relative, without the leading slash) and its path variables, or ``({}, {})``: no page.

    Dash turns ``<iso3>`` into ``.*``, so ``country/VNM/extra`` is the country page of
    "VNM/extra"; a path variable never holds a slash here, so that address is no page.
    """
    page, variables = _path_to_page(path)
    if variables and any("/" in str(value) for value in variables.values()):
        return {}, {}
    return page, {str(name): str(value) for name, value in (variables or {}).items()}


def path_names(template: str) -> list[str]:
    """The path variables of a page's path template (``/country/<iso3>``: ``["iso3"]``): the page reads them from the path only."""
    return re.findall("<(.*?)>", template)


def from_path(layout: Callable[..., Any], template: str) -> Callable[..., Any]:
    """A page layout whose path variables come from the path only; a sub-path of the page draws "page not found".

    Dash's router lays the query parameters over the path variables, so
    ``/country/VNM?iso3=KHM`` drew Cambodia under Viet Nam's address. The path wins: it is
    what the page's own controls write (they never put a path variable in the query), and
    a link then shows what its address says. ``/country/VNM/extra`` is the not-found page
    (and :func:`install` makes its HTML answer a 404).
    """
    if not path_names(template):
        return layout

    @functools.wraps(layout)
    def drawn(**url: Any) -> Any:
        try:
            pathname = dash.ctx.inputs.get("_pages_location.pathname")
        except (MissingCallbackContextException, LookupError):  # called outside the router (a test): as given
            pathname = None
        if isinstance(pathname, str):
            relative = (dash.strip_relative_path(pathname) or "").strip("/")
            variables = _parse_path_variables(relative, template.strip("/")) or {}
            if any("/" in value for value in variables.values()):
                return _not_found(**url)
            url = {**url, **variables}
        return layout(**url)

    return drawn


def _not_found(**url: Any) -> Any:
    """The layout Dash's router draws for an address that is no page (our pages/not_found_404, as registered)."""
    for module, page in dash.page_registry.items():
        if module.split(".")[-1] == "not_found_404":
            return page["layout"](**url)
    raise LookupError("no not_found_404 page is registered")


def _text_error(status: int, message: str) -> flask.Response:
    return flask.Response(message + "\n", status=status, mimetype="text/plain")


def install(app: Dash) -> None:
    """Check every request of ``app`` before Dash or a route sees it; must run before the callback cache."""
    server = app.server
    server.config["MAX_CONTENT_LENGTH"] = settings.MAX_BODY_BYTES.value()
    max_url = settings.MAX_URL_BYTES.value()

    @server.before_request
    def _check_request() -> flask.Response | None:
        request = flask.request
        if len(request.full_path) > max_url:
            return _text_error(414, f"This address is longer than {max_url} characters.")
        if request.method != "POST" or not request.path.endswith(CALLBACK_PATH):
            return None
        try:
            body = json.loads(request.get_data())
        except (ValueError, RecursionError):
            return _text_error(400, "The request is not JSON.")
        try:
            check_callback(body, app.callback_map)
        except MalformedError as err:
            return _text_error(400, f"Malformed callback request: {err}.")
        return None

    @server.after_request
    def _unknown_page_is_404(response: flask.Response) -> flask.Response:
        # Dash answers every address with the app shell (the page itself is drawn by a callback):
        # an address that is no page still gets the shell, which shows "page not found", but as a 404
        request = flask.request
        if (
            response.status_code == 200
            and request.endpoint in SHELL_ENDPOINTS
            and page_of(app.strip_relative_path(request.path) or "") == {}
        ):
            response.status_code = 404
        return response

    @server.errorhandler(DependencyException)
    def _unknown_package_file(_error: Exception) -> flask.Response:
        # an invented /_dash-component-suites/ path: a plain 404, not a logged traceback
        return _text_error(404, "No such file.")

    for status, text in ((413, "The request is larger than this server accepts."), (414, "This address is too long.")):
        server.register_error_handler(status, lambda _error, status=status, text=text: _text_error(status, text))
