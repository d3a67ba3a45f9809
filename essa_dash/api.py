"""The HTTP API under ``/api/v1/``: the same filters as the pages, for scripts.

``/api/v1/coverage.csv?country=VNM,IDN&risk=old_age&sex=total&year_from=2015`` answers
exactly the rows the data explorer shows for the same query string: both call
:func:`essa_dash.query.select` on a state parsed by the one URL vocabulary. Unknown
parameters or values answer 400 with a JSON body that names the parameter and the
allowed values. User text is only ever compared with known ids, never evaluated.

Answers are immutable for a given data build, so they carry an ETag (build id +
query) and a public cache lifetime that a proxy or CDN may use.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import flask
import pandas as pd

from essa_dash.components.context import current_store, public_url
from essa_dash.export import tables
from essa_dash.pinning import HEADER, VERSION_HEADER
from essa_dash.query import select
from essa_dash.query.context import CONTEXT_PARAMS, select_context
from essa_dash.query.state import GLOBAL_PARAMS, PARAMS, SEXES, TABLES, Problem, State, Vocabulary, edition_slug
from essa_dash.responses import cached, json_response, not_modified, problems_error, query_args
from essa_dash.store import Store
from essa_dash.text import LANGUAGES
from essa_dash.text.problems import MESSAGES

PREFIX = "/api/v1"
FORMATS = tuple(tables.FORMATS)  # csv, xlsx, parquet, json
#: What each table's route understands: the one URL vocabulary, less what belongs to the other table
#: (the language and the pinned release, GLOBAL_PARAMS, are understood everywhere).
COVERAGE_PARAMS = tuple(p for p in PARAMS if p not in ("indicator", "table", *GLOBAL_PARAMS))
CONTEXT_API_PARAMS = tuple(p for p in CONTEXT_PARAMS if p != "table")

api = flask.Blueprint("api", __name__, url_prefix=PREFIX)
api.before_request(not_modified)


def _vocabulary(store: Store) -> Vocabulary:
    return Vocabulary.from_store(store)


def _table_request(fmt: str, accept: tuple[str, ...]) -> tuple[Store, State] | flask.Response:
    """The store and the parsed query string of a table route, or its error answer (unknown format 404, bad value 400)."""
    if fmt not in FORMATS:
        return problems_error([Problem.of("format", fmt, "unknown_format", FORMATS, value=fmt)], status=404)
    store = current_store()
    state, problems = _vocabulary(store).parse(query_args(), accept=accept)
    return problems_error(problems) if problems else (store, state)


@api.get("/coverage.<fmt>")
def coverage(fmt: str) -> flask.Response:
    """Coverage rows for the filters in the query string, as CSV, Excel, Parquet or JSON."""
    parsed = _table_request(fmt, COVERAGE_PARAMS)
    if isinstance(parsed, flask.Response):
        return parsed
    store, state = parsed
    frame = tables.export_frame(select(store.coverage, state), store)
    return _download(frame, store, fmt, what=list(state.risk), countries=list(state.country), table=tables.COVERAGE_TABLE)


@api.get("/context.<fmt>")
def context(fmt: str) -> flask.Response:
    """SDG context series (informal employment, UHC index, poverty, fatal injuries) for the filters, in the same formats."""
    parsed = _table_request(fmt, CONTEXT_API_PARAMS)
    if isinstance(parsed, flask.Response):
        return parsed
    store, state = parsed
    frame = tables.context_export_frame(select_context(store.context, state), store)
    return _download(frame, store, fmt, what=list(state.indicator), countries=list(state.country), table=tables.CONTEXT_TABLE)


def _download(frame: pd.DataFrame, store: Store, fmt: str, *, what: list[str], countries: list[str], table: tables.Table) -> flask.Response:
    """The rows in one format, named after the view and its data release, cacheable."""
    filters = {k: v for k, v in query_args().items() if v}
    name = tables.export_filename(
        countries=countries, risks=what, fmt=fmt, on=dt.date.today(), release=store.release.id, full=not filters, table=table.name
    )
    writer = tables.FORMATS[fmt]
    # content_type, not mimetype: Flask would append a second charset to text/csv
    response = flask.Response(
        writer.writer(frame, store, filters=filters, exported_at=dt.datetime.now(dt.UTC), table=table), content_type=writer.media_type
    )
    if fmt != "json":
        response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return cached(response)


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    return json.loads(frame.to_json(orient="records", force_ascii=False))


@api.get("/countries")
def countries() -> flask.Response:
    """Member States and aggregates: ids for ``country``, names, M49 and ILO codes, what aggregates cover."""
    return cached(json_response(_records(current_store().countries)))


@api.get("/risks")
def risks() -> flask.Response:
    """Risk ids for ``risk`` with the ILO's definition, numerator and denominator."""
    return cached(json_response(_records(current_store().risks)))


@api.get("/sources")
def sources() -> flask.Response:
    """Every source a figure can cite: title, publisher, edition, url, licence, citation."""
    return cached(json_response(_records(current_store().sources)))


@api.get("/editions")
def editions() -> flask.Response:
    """Editions (report or database releases) with the slug to use in ``edition=``."""
    frame = current_store().editions
    return cached(json_response(_records(frame.assign(slug=frame["edition"].map(edition_slug)))))


@api.get("/indicators")
def indicators() -> flask.Response:
    """Context indicator ids for ``indicator``: SDG number, the UN's label, unit, definition, custodian, the risks it is read beside."""
    return cached(json_response(_records(current_store().indicators)))


@api.get("/openapi.json")
def openapi() -> flask.Response:
    return cached(json_response(openapi_document(current_store(), server=public_url())))


@api.route("/<path:_anything>")
def _unknown_route(_anything: str) -> flask.Response:
    """Without this, the dashboard's own catch-all page route would answer API typos with HTML."""
    flask.abort(404)


@api.errorhandler(404)
def _not_found(_error: Exception) -> flask.Response:
    routes = sorted(openapi_document(current_store())["paths"])
    return json_response({"error": f"no such API route: {flask.request.path}", "routes": routes}, status=404)


def _not_allowed(error: Exception) -> flask.Response | Exception:
    # method errors are raised while routing, before any blueprint handler: handled app-wide
    if not flask.request.path.startswith(PREFIX + "/"):
        return error
    return json_response({"error": f"{flask.request.method} is not allowed here; the API is read-only (GET)"}, status=405)


def openapi_document(store: Store, *, server: str | None = None) -> dict[str, Any]:
    """The OpenAPI 3.1 description, generated from the same vocabulary the routes validate against.

    ``server`` is the configured public address (never the request's Host): the paths are absolute under it.
    """
    vocabulary = _vocabulary(store)
    low, high = vocabulary.years

    def listed(values: tuple[str, ...], what: str) -> dict[str, Any]:
        return {"type": "string", "description": f"comma-separated {what}; allowed: {', '.join(values)}", "pattern": r"^[A-Za-z0-9_,.-]*$"}

    year = {"type": "integer", "minimum": low, "maximum": high}
    schemas = {
        "country": listed(vocabulary.countries, "ISO3 / aggregate ids"),
        "risk": listed(vocabulary.risks, "risk ids"),
        "kind": listed(vocabulary.kinds, "coverage kinds"),
        "source": listed(vocabulary.sources, "source ids"),
        "indicator": listed(vocabulary.indicators, "context indicator ids"),
        "table": {"type": "string", "enum": list(TABLES), "description": "the table a view reads (the explorer's switch)"},
        "sex": {"type": "string", "enum": list(SEXES)},
        "edition": {"type": "string", "enum": list(vocabulary.edition_slugs)},
        "year": year,
        "year_from": year,
        "year_to": year,
        "latest": {"type": "boolean", "description": "keep only the latest year of each (edition, country, risk, sex) series"},
        "include_withdrawn": {
            "type": "boolean",
            "description": "also return values the publisher withdrew (flagged withdrawn; left out by default)",
        },
        "lang": {
            "type": "string",
            "enum": list(LANGUAGES),
            "description": "language of label fields and messages (codes and values never change); default: Accept-Language",
        },
        "release": {
            "type": "string",
            "pattern": "^[0-9a-f]{12}$",
            "description": "a kept data release id (the X-ESSA-Data-Release header of any answer): the answer shows exactly "
            "that release's figures, for as long as it is kept; an unknown or pruned release answers 404. Default: the current release",
        },
    }

    def parameters_of(names: tuple[str, ...]) -> list[dict[str, Any]]:
        return [{"name": name, "in": "query", "required": False, "schema": schemas[name]} for name in (*names, *GLOBAL_PARAMS)]

    parameters = parameters_of(COVERAGE_PARAMS)
    context_parameters = parameters_of(CONTEXT_API_PARAMS)
    error = {
        "description": "unknown parameter or value",
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
    }
    release_headers = {
        HEADER: {"description": "id of the data release the answer comes from", "schema": {"type": "string"}},
        VERSION_HEADER: {"description": "its version (major.minor.patch, rules in data/README.md)", "schema": {"type": "string"}},
    }
    ok_json = {
        "description": "OK",
        "headers": release_headers,
        "content": {"application/json": {"schema": {"type": "array", "items": {"type": "object"}}}},
    }
    paths: dict[str, Any] = {}
    for fmt, spec in tables.FORMATS.items():
        media = spec.media_type.split(";")[0]
        paths[f"{PREFIX}/coverage.{fmt}"] = {
            "get": {
                "summary": f"Coverage figures as {fmt.upper()}, filtered like the data explorer",
                "operationId": f"coverage_{fmt}",
                "parameters": parameters,
                "responses": {
                    "200": {"description": "OK", "headers": release_headers, "content": {media: {}}},
                    "400": error,
                    "404": {**error, "description": "unknown or pruned data release"},
                },
            }
        }
        paths[f"{PREFIX}/context.{fmt}"] = {
            "get": {
                "summary": f"SDG context series beside coverage as {fmt.upper()}: one row per published value, with its unit and source",
                "description": "Columns: iso3, country, is_aggregate, indicator (see /indicators), the breakdowns the series has "
                "(sector, age, location, sex, migrant_status; empty where it has none), year, value, unit, edition, source "
                "and its location, status, nature, flags, custodian, definition. value is never a coverage figure.",
                "operationId": f"context_{fmt}",
                "parameters": context_parameters,
                "responses": {
                    "200": {"description": "OK", "headers": release_headers, "content": {media: {}}},
                    "400": error,
                    "404": {**error, "description": "unknown or pruned data release"},
                },
            }
        }
    for name, doc in (("countries", countries), ("risks", risks), ("sources", sources), ("editions", editions), ("indicators", indicators)):
        paths[f"{PREFIX}/{name}"] = {"get": {"summary": (doc.__doc__ or "").strip(), "operationId": name, "responses": {"200": ok_json}}}
    paths[f"{PREFIX}/openapi.json"] = {
        "get": {"summary": "This document", "operationId": "openapi", "responses": {"200": {"description": "OK"}}}
    }
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "ESSA Dash API",
            "version": "1.0.0",
            "description": "Social protection coverage (SDG 1.3.1) for the ASEAN Member States, every figure with its source.",
            "x-data-release": {"id": store.release.id, "version": store.release.version, "created": store.release.created},
        },
        **({"servers": [{"url": server}]} if server else {}),
        "paths": paths,
        "components": {
            "schemas": {
                "Error": {
                    "type": "object",
                    "required": ["error"],
                    "properties": {
                        "error": {"type": "string"},
                        "problems": {
                            "type": "array",
                            "items": {
                                "type": "object",
                                "required": ["parameter", "value", "code", "message", "allowed"],
                                "properties": {
                                    "parameter": {"type": "string"},
                                    "value": {"type": "string"},
                                    "code": {
                                        "type": "string",
                                        "description": "why the value was refused, stable across wordings and languages",
                                        "enum": sorted(MESSAGES),
                                    },
                                    "message": {"type": "string", "description": "the same in words, in the request's language"},
                                    "allowed": {"type": "array", "items": {"type": "string"}},
                                },
                            },
                        },
                    },
                }
            }
        },
    }


def register(server: flask.Flask) -> None:
    server.register_blueprint(api)
    server.register_error_handler(405, _not_allowed)
