"""The read-only JSON API of the catalogue (/api/v1), described by its OpenAPI document.

Public data only (services.innovations.opendata says what is public). Every response may be cached and
revalidated (a strong ETag from the body's hash, Last-Modified from the data's last change, 304 to
If-None-Match or If-Modified-Since), may be read from any site (CORS), and counts toward the client's rate
limit (a fixed window counted in the database, so that every worker shares it). Errors are JSON too.
"""
from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urlencode

from flask import Blueprint, abort, current_app, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from werkzeug.exceptions import HTTPException

from ..core.territories import DEPARTEMENTS, REGIONS
from ..enums import CostBand, EvidenceLevel, PublicDependency, Readiness, TerritoryKind, Theme
from ..extensions import db
from ..services import api_limits
from ..services.innovations import catalogue
from ..services.innovations.opendata import columns, exports
from ..services.innovations.opendata.schemas import json_schemas
from ..web import parse_int

bp = Blueprint("api", __name__, url_prefix="/api/v1")

API_VERSION = "1.0.0"
DEFAULT_PER_PAGE = 20
MAX_AGE = 60  # seconds a response may be reused before it is revalidated
EXPOSED = "ETag, Last-Modified, Link, Retry-After, RateLimit-Limit, RateLimit-Remaining, RateLimit-Reset"


# --- responses every public data source shares (the open-data files too) -----------------------------------

def public_data(body: str | bytes, *, mimetype: str, last_modified: datetime | None = None,
                download_name: str | None = None):
    """A response of public data: cacheable by anyone for MAX_AGE seconds, then revalidated (a strong ETag
    from the body's hash, and Last-Modified when the data's last change is known), answered 304 when the
    client's copy is current; readable from any site."""
    data = body.encode() if isinstance(body, str) else body
    # Werkzeug adds "; charset=utf-8" to a text mimetype, even one that already says it ("text/csv;
    # charset=utf-8; header=present"): such a one is the whole Content-Type, sent as it is.
    kind = {"content_type": mimetype} if "charset=" in mimetype else {"mimetype": mimetype}
    response = current_app.response_class(data, **kind)
    response.set_etag(hashlib.sha256(data).hexdigest()[:40])
    if last_modified is not None:
        response.last_modified = last_modified.replace(microsecond=0)
    response.headers["Cache-Control"] = f"public, max-age={MAX_AGE}"
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Access-Control-Expose-Headers"] = EXPOSED
    if download_name:
        response.headers["Content-Disposition"] = f'attachment; filename="{download_name}"'
    return response.make_conditional(request)


def json_body(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


class ApiError(HTTPException):
    """An error answered as JSON: {"error": {"status", "code", "message"[, "parameter"]}}."""

    def __init__(self, status: int, code: str, message: str, parameter: str | None = None,
                 headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.code = status
        self.error_code = code
        self.message = message
        self.parameter = parameter
        self.extra_headers = headers or {}

    def get_response(self, environ=None, scope=None):
        error: dict[str, Any] = {"status": self.code, "code": self.error_code, "message": self.message}
        if self.parameter:
            error["parameter"] = self.parameter
        response = current_app.response_class(json_body({"error": error}), status=self.code,
                                              mimetype="application/json")
        response.headers.update(self.extra_headers)
        response.headers["Cache-Control"] = "no-store"
        return response


GENERIC_ERRORS = {
    400: ("bad_request", _l("The request is not understood.")),
    404: ("not_found", _l("Nothing is found at this address.")),
    405: ("method_not_allowed", _l("This API only reads: use GET.")),
    500: ("server_error", _l("Something went wrong on our side. Try again later.")),
}


def _as_json(error: HTTPException):
    if isinstance(error, ApiError):
        return error.get_response()
    code, message = GENERIC_ERRORS.get(error.code or 500, ("error", error.description or ""))
    return ApiError(error.code or 500, code, str(message)).get_response()


# By status too: the app's pages for these statuses would otherwise be found first (Flask looks for a handler
# of the error's status in every blueprint and the app before it looks for one of its class).
bp.register_error_handler(HTTPException, _as_json)
for _status in (400, 403, 404, 405, 413, 429, 500):
    bp.register_error_handler(_status, _as_json)


# --- rate limit, CORS ---------------------------------------------------------------------------------------

@bp.before_request
def _count_request():
    if request.method == "OPTIONS":  # a browser's preflight is not a request for data
        return None
    allowance = api_limits.count_api_request(address=request.remote_addr or "")
    db.session.commit()
    g.api_allowance = allowance
    if not allowance.allowed:
        raise ApiError(429, "rate_limited",
                       _("Too many requests: at most %(limit)d every %(window)d seconds from one address. Try again "
                         "in %(seconds)d seconds.", limit=allowance.limit,
                         window=current_app.config["API_RATE_WINDOW_SECONDS"], seconds=allowance.reset_in),
                       headers={"Retry-After": str(allowance.reset_in)})
    return None


@bp.after_request
def _headers(response):
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Access-Control-Expose-Headers"] = EXPOSED
    if request.method == "OPTIONS":
        response.headers["Access-Control-Allow-Methods"] = "GET, HEAD, OPTIONS"
        response.headers["Access-Control-Allow-Headers"] = "If-None-Match, If-Modified-Since"
        response.headers["Access-Control-Max-Age"] = "86400"
    allowance = g.get("api_allowance")
    if allowance is not None:
        response.headers["RateLimit-Limit"] = str(allowance.limit)
        response.headers["RateLimit-Remaining"] = str(allowance.remaining)
        response.headers["RateLimit-Reset"] = str(allowance.reset_in)
    return response


# --- the list's parameters ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Param:
    """A query parameter of the list: its schema for the OpenAPI document, and how its text is read (None
    when it is not valid: a 400 with `invalid`). `attribute` is the catalogue filter it sets."""

    name: str
    description: Any
    schema: dict
    read: Callable[[str], Any]
    invalid: Any
    attribute: str | None = None


def _member(vocabulary) -> Callable[[str], Any]:
    def read(text: str):
        try:
            return vocabulary(text)
        except ValueError:
            return None

    return read


def _code(codes) -> Callable[[str], str | None]:
    return lambda text: text if text in codes else None


def _values(vocabulary) -> list[str]:
    return [member.value for member in vocabulary]


SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")

PARAMS: tuple[Param, ...] = (
    Param("q", _l("Words to search for, in French: accents, capitals and plurals do not matter; every word must "
                  "be found"), {"type": "string", "maxLength": 200},
          lambda text: text.strip() if len(text) <= 200 else None, _l("At most 200 characters.")),
    Param("theme", _l("Theme"), {"type": "string", "enum": _values(Theme)}, _member(Theme),
          _l("Unknown theme."), "theme"),
    Param("territory_kind", _l("Type of territory"), {"type": "string", "enum": _values(TerritoryKind)},
          _member(TerritoryKind), _l("Unknown type of territory."), "territory_kind"),
    Param("region", _l("Région, by its official code (INSEE)"), {"type": "string", "enum": sorted(REGIONS)},
          _code(REGIONS), _l("Unknown région code."), "region_code"),
    Param("departement", _l("Département, by its official code (INSEE)"),
          {"type": "string", "enum": list(DEPARTEMENTS)}, _code(DEPARTEMENTS), _l("Unknown département code."),
          "departement_code"),
    Param("organisation", _l("Organisation that carries it, exactly as the records name it"),
          {"type": "string", "maxLength": 200}, lambda text: text if len(text) <= 200 else None,
          _l("At most 200 characters."), "organisation"),
    Param("evidence_level", _l("Evidence level at least this one (1 to 5)"),
          {"type": "string", "enum": _values(EvidenceLevel)}, _member(EvidenceLevel),
          _l("The evidence level is a number from 1 to 5."), "evidence_level"),
    Param("readiness", _l("Stage"), {"type": "string", "enum": _values(Readiness)}, _member(Readiness),
          _l("Unknown stage."), "readiness"),
    Param("cost_band", _l("First year's cost, in bands"), {"type": "string", "enum": _values(CostBand)},
          _member(CostBand), _l("Unknown cost band."), "cost_band"),
    Param("public_dependency", _l("Dependency on public money: low (under a third of the resources), mixed, or "
                                  "high (over two thirds)"), {"type": "string", "enum": _values(PublicDependency)},
          _member(PublicDependency), _l("Unknown band of public money."), "public_dependency"),
    Param("year", _l("Year of the call, or of the first publication"),
          {"type": "integer", "minimum": 1900, "maximum": 2200},
          lambda text: parse_int(text, minimum=1900, maximum=2200), _l("The year has four digits, such as 2025."),
          "year"),
    Param("call", _l("The call the innovations came from, by its identifier (call_slug)"),
          {"type": "string", "pattern": SLUG.pattern, "maxLength": 120},
          lambda text: text if SLUG.match(text) and len(text) <= 120 else None, _l("Not a call's identifier."),
          "call_id"),
    Param("sort", _l("Order: relevance (the default when searching), recency (the default otherwise), or the "
                     "number of territories taking it up"), {"type": "string", "enum": list(catalogue.SORTS)},
          _code(catalogue.SORTS), _l("Unknown order.")),
    Param("page", _l("Page number, from 1"), {"type": "integer", "minimum": 1, "default": 1},
          lambda text: parse_int(text, minimum=1), _l("The page is a whole number from 1.")),
    Param("per_page", _l("Records per page, at most 100"),
          {"type": "integer", "minimum": 1, "maximum": catalogue.MAX_PER_PAGE, "default": DEFAULT_PER_PAGE},
          lambda text: parse_int(text, minimum=1, maximum=catalogue.MAX_PER_PAGE),
          _l("The number of records per page is a whole number from 1 to 100.")),
)


def _read_parameters() -> dict[str, Any]:
    """The list's parameters given in the query string, read, or a 400 naming the first invalid one."""
    values: dict[str, Any] = {}
    for param in PARAMS:
        text = request.args.get(param.name)
        if text is None or not text.strip():
            continue
        value = param.read(text)
        if value is None or value == "":
            raise ApiError(400, "invalid_parameter", f"{param.name}: {param.invalid}", parameter=param.name)
        values[param.name] = value
    if "call" in values:
        call_id = columns.public_call_id(values["call"])
        if call_id is None:
            raise ApiError(400, "invalid_parameter", f"call: {_('No public call has this identifier.')}",
                           parameter="call")
        values["call"] = call_id
    return values


def _list_url(page: int) -> str:
    query = {name: request.args[name] for name in (p.name for p in PARAMS)
             if request.args.get(name) and name != "page"}
    query["page"] = str(page)
    return url_for("api.innovations", _external=True) + "?" + urlencode(query)


# --- the endpoints ------------------------------------------------------------------------------------------

@bp.route("")
def root():
    return redirect(url_for("api.docs"))


@bp.route("/innovations")
def innovations():
    values = _read_parameters()
    filters = catalogue.Filters(**{p.attribute: values[p.name] for p in PARAMS
                                   if p.attribute and p.name in values})
    page, per_page = values.get("page", 1), values.get("per_page", DEFAULT_PER_PAGE)
    found = catalogue.search(q=values.get("q"), filters=filters, sort=values.get("sort"), page=page,
                             per_page=per_page)
    if page > found.pages:
        raise ApiError(404, "no_such_page", _("There is no page %(page)d: the last one is %(last)d.", page=page,
                                              last=found.pages), parameter="page")
    records = columns.load([card.innovation for card in found.items])
    links = {"self": _list_url(page), "first": _list_url(1),
             "last": _list_url(found.pages),
             "prev": _list_url(page - 1) if found.has_prev else None,
             "next": _list_url(page + 1) if found.has_next else None}
    body = {"data": [exports.summary_item(r) for r in records], "total": found.total, "page": page,
            "per_page": found.per_page, "pages": found.pages, "sort": found.sort, "links": links}
    response = public_data(json_body(body), mimetype="application/json", last_modified=exports.last_change())
    response.headers["Link"] = ", ".join(f'<{url}>; rel="{rel}"' for rel, url in links.items()
                                         if url and rel != "self")
    return response


@bp.route("/innovations/<slug>")
def innovation(slug: str):
    found = columns.public_by_slug(slug)
    if found is None:
        raise ApiError(404, "not_found", _("No public innovation has this identifier."))
    record = columns.load([found], full=True)[0]
    return public_data(json_body(exports.full_item(record)), mimetype="application/json",
                       last_modified=exports.last_change(found))


@bp.route("/openapi.json")
def openapi():
    return public_data(json_body(openapi_document()), mimetype="application/json")


@bp.route("/docs")
def docs():
    document = openapi_document()
    return render_template("api/docs.html", document=document, params=PARAMS,
                           limit=current_app.config["API_RATE_LIMIT"],
                           window=current_app.config["API_RATE_WINDOW_SECONDS"],
                           example=url_for("api.innovations", theme="social", per_page=2, _external=True))


@bp.route("/<path:rest>")
def not_found(rest: str):
    abort(404)


# --- the OpenAPI document -----------------------------------------------------------------------------------

def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _json_response(description, schema: dict, *, cached: bool = True) -> dict:
    response: dict[str, Any] = {"description": str(description),
                                "content": {"application/json": {"schema": schema}}}
    if cached:
        response["headers"] = {name: {"$ref": f"#/components/headers/{name}"}
                               for name in ("ETag", "Last-Modified", "Cache-Control", "RateLimit-Remaining")}
    return response


def _error(description) -> dict:
    return _json_response(description, _ref("Error"), cached=False)


def _schemas() -> dict[str, dict]:
    nullable_uri = {"type": ["string", "null"], "format": "uri"}
    schemas = json_schemas()
    schemas["InnovationList"] = {
        "type": "object", "additionalProperties": False,
        "required": ["data", "total", "page", "per_page", "pages", "sort", "links"],
        "properties": {
            "data": {"type": "array", "items": _ref("InnovationSummary")},
            "total": {"type": "integer", "minimum": 0, "description": str(_l("Records matching, on every page"))},
            "page": {"type": "integer", "minimum": 1}, "pages": {"type": "integer", "minimum": 1},
            "per_page": {"type": "integer", "minimum": 1, "maximum": catalogue.MAX_PER_PAGE},
            "sort": {"type": "string", "enum": list(catalogue.SORTS)},
            "links": {"type": "object", "additionalProperties": False,
                      "required": ["self", "first", "last", "prev", "next"],
                      "properties": {"self": {"type": "string", "format": "uri"},
                                     "first": {"type": "string", "format": "uri"},
                                     "last": {"type": "string", "format": "uri"},
                                     "prev": nullable_uri, "next": nullable_uri}}}}
    schemas["Error"] = {
        "type": "object", "additionalProperties": False, "required": ["error"],
        "properties": {"error": {
            "type": "object", "additionalProperties": False, "required": ["status", "code", "message"],
            "properties": {"status": {"type": "integer"}, "code": {"type": "string"},
                           "message": {"type": "string"},
                           "parameter": {"type": "string", "description": str(_l("The parameter at fault"))}}}}}
    return schemas


def _headers() -> dict[str, dict]:
    def header(description, schema=None) -> dict:
        return {"description": str(description), "schema": schema or {"type": "string"}}

    integer = {"type": "integer", "minimum": 0}
    return {
        "ETag": header(_l("Strong validator of the body: send it back in If-None-Match")),
        "Last-Modified": header(_l("When the data shown last changed: send it back in If-Modified-Since")),
        "Cache-Control": header(_l("public, max-age=60: the response may be kept one minute")),
        "RateLimit-Limit": header(_l("Requests allowed in each window"), integer),
        "RateLimit-Remaining": header(_l("Requests left in the current window"), integer),
        "RateLimit-Reset": header(_l("Seconds until the window ends"), integer),
        "Retry-After": header(_l("Seconds to wait before the next request"), integer),
    }


def _common_responses() -> dict[str, dict]:
    return {
        "304": {"description": str(_l("Not modified: the copy the client has is current (no body)"))},
        "429": {**_error(_l("Too many requests from this address: wait for Retry-After seconds")),
                "headers": {"Retry-After": {"$ref": "#/components/headers/Retry-After"}}},
    }


def openapi_document() -> dict:
    """The API's OpenAPI 3.1 description: every endpoint, parameter and response schema (the records' schemas
    come from the open data's column definitions, services.innovations.opendata.schemas)."""
    parameters = [{"name": p.name, "in": "query", "required": False, "description": str(p.description),
                   "schema": p.schema} for p in PARAMS]
    return {
        "openapi": "3.1.0",
        "jsonSchemaDialect": "https://spec.openapis.org/oas/3.1/dialect/base",
        "info": {"title": str(_l("Innovation catalogue API of %(operator)s",
                                 operator=current_app.config["OPERATOR_NAME"])),
                 "version": API_VERSION,
                 "description": str(_l("Read-only access to the public innovation records of the catalogue and to "
                                       "the territories taking them up. Public data only, under the Licence "
                                       "Ouverte 2.0.")),
                 "license": {"name": columns.DATA_LICENCE_NAME, "url": columns.DATA_LICENCE_URL}},
        "servers": [{"url": url_for("api.root", _external=True)}],
        "paths": {
            "/innovations": {"get": {
                "operationId": "listInnovations", "summary": str(_l("List and search the public records")),
                "parameters": parameters,
                "responses": {"200": _json_response(_l("A page of records"), _ref("InnovationList")),
                              "400": _error(_l("A parameter is not valid")),
                              "404": _error(_l("The page asked for is past the last one")),
                              **_common_responses()}}},
            "/innovations/{slug}": {"get": {
                "operationId": "getInnovation", "summary": str(_l("One public record, in full")),
                "parameters": [{"name": "slug", "in": "path", "required": True, "schema": {"type": "string"},
                                "description": str(_l("Identifier of the record (its slug)"))}],
                "responses": {"200": _json_response(_l("The record"), _ref("Innovation")),
                              "404": _error(_l("No public record has this identifier")), **_common_responses()}}},
            "/openapi.json": {"get": {
                "operationId": "getOpenApi", "summary": str(_l("This description of the API")),
                "responses": {"200": _json_response(_l("The OpenAPI document"), {"type": "object"}),
                              **_common_responses()}}},
            "/docs": {"get": {
                "operationId": "getDocs", "summary": str(_l("The API's documentation, for people")),
                "responses": {"200": {"description": str(_l("An HTML page")),
                                      "content": {"text/html": {"schema": {"type": "string"}}}},
                              "429": _common_responses()["429"]}}},
        },
        "components": {"schemas": _schemas(), "headers": _headers()},
    }
