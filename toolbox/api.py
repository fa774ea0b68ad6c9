"""The catalogue's read-only JSON API, for other platforms (django-ninja).

Public, anonymous, published tools only; the records and identifiers of the open-data files.
django-ninja builds the OpenAPI document from the type hints below (served at openapi.json);
the record models are built from the one description of the format (toolbox.opendata_schema).
Thin views: parameters are validated here (a French message for each refused one, never a
500), the reads and their cache are in toolbox.catalogue_reads, and every request is counted
against the client address's limit (accounts.security).
"""

import datetime
import json
from typing import Annotated, Any, Literal

from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from ninja import Field, NinjaAPI, Query, Schema
from ninja.errors import Throttled, ValidationError
from ninja.renderers import BaseRenderer
from ninja.throttling import BaseThrottle
from pydantic import StringConstraints, create_model

from accounts import security
from toolbox import catalogue_reads as reads
from toolbox import opendata_schema as fmt
from toolbox.countries import ISO_COUNTRY_CODES
from toolbox.models import Access, Deployment, LicenceStatus

RATE_ACTION = "catalogue_api"
MAX_LIMIT = 100
DEFAULT_LIMIT = 50
MAX_OFFSET = 100_000
MAX_VALUES = 30  # values of one filter


def dumps(data: Any) -> bytes:
    """JSON as UTF-8, with <, > and & escaped: an answer quoting a parameter can never be read
    as HTML, whatever a client does with it."""
    text = json.dumps(data, ensure_ascii=False, default=str)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026").encode()


class Renderer(BaseRenderer):
    media_type = "application/json"
    charset = "utf-8"

    def render(self, request, data, *, response_status):
        return dumps(data)


class ClientAddressThrottle(BaseThrottle):
    """The platform's limiter (ACCOUNT_RATE_LIMITS["catalogue_api"]), per client address as
    every other limit counts it (accounts.security.client_ip)."""

    def allow_request(self, request: HttpRequest) -> bool:
        return security.address_allowed(request, RATE_ACTION)

    def wait(self) -> float:
        return security.retry_after(RATE_ACTION)


api = NinjaAPI(
    title="Boussole numérique ESS : catalogue des outils",
    version="1.0.0",
    description=(
        "Lecture seule, sans compte. Les outils publiés de la boîte à outils et leurs offres "
        "d'hébergement, avec les mêmes identifiants et les mêmes valeurs que les fichiers de "
        f"données ouvertes (format {fmt.SCHEMA_VERSION}, voir /outils/donnees/). Licence : "
        f"{fmt.LICENCE['title']} ({fmt.LICENCE['path']}). Pages de {MAX_LIMIT} éléments au "
        "plus (limit, offset). Au-delà de 120 requêtes par minute depuis une même adresse : "
        "429 et un en-tête Retry-After."
    ),
    urls_namespace="catalogue_api",
    docs_url=None,  # no HTML console: the OpenAPI document is the reference
    renderer=Renderer(),
    throttle=[ClientAddressThrottle()],
)


# --- Models of the OpenAPI document, from the format's one description --------------------------


def _codes_type(column: fmt.Column):
    if column.codes_listed_apart:  # the needs: a vocabulary in data, listed at /besoins
        return Annotated[str, StringConstraints(pattern=f"^{fmt.CODE_PATTERN}$")]
    return Literal[tuple(column.codes())]


def _python_type(column: fmt.Column):
    if column.kind in (fmt.CODE, fmt.COUNTRY):
        return _codes_type(column)
    if column.kind == fmt.CODES:
        return list[_codes_type(column)]
    if column.kind == fmt.TEXTS:
        return list[str]
    if column.kind == fmt.INTEGER:
        return Annotated[int, Field(ge=column.minimum, le=column.maximum)]
    if column.kind == fmt.BOOLEAN:
        return bool
    if column.kind == fmt.DATE:
        return datetime.date | None
    return str


def _record_model(name: str, resource: str) -> type[Schema]:
    fields = {
        column.name: (
            _python_type(column),
            Field(..., description=fmt.describe(column, csv=False, vocabulary=False)),
        )
        for column in fmt.RESOURCES[resource]["fields"]
    }
    return create_model(name, __base__=Schema, **fields)


ToolRecord = _record_model("Tool", "outils")
OfferRecord = _record_model("Offer", "offres")


class Page(Schema):
    count: int = Field(description="Nombre total de résultats.")
    limit: int
    offset: int
    next: str | None = Field(description="Adresse de la page suivante.")
    previous: str | None = Field(description="Adresse de la page précédente.")


class ToolPage(Page):
    results: list[ToolRecord]


class OfferPage(Page):
    results: list[OfferRecord]


class NeedRecord(Schema):
    code: str
    label: str
    description: str


class NeedList(Schema):
    count: int
    results: list[NeedRecord]


class Error(Schema):
    detail: str
    errors: list[dict[str, str]] = Field(
        default_factory=list, description="Un message par paramètre refusé."
    )


# --- Parameters ---------------------------------------------------------------------------------

NeedCode = Annotated[str, StringConstraints(pattern=f"^{fmt.CODE_PATTERN}$", max_length=40)]
Slug = Annotated[str, StringConstraints(pattern=f"^{fmt.SLUG_PATTERN}$", max_length=120)]
Country = Literal[tuple(sorted(ISO_COUNTRY_CODES))]


class Paging(Schema):
    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT, description="Taille de la page.")
    offset: int = Field(0, ge=0, le=MAX_OFFSET, description="Rang du premier résultat.")


class ToolFilters(Paging):
    need: list[NeedCode] = Field(
        default_factory=list,
        max_length=MAX_VALUES,
        description="Code d'un besoin (voir /besoins) ; répétable : l'un ou l'autre.",
    )
    licence_status: list[Literal[tuple(LicenceStatus.values)]] = Field(
        default_factory=list, max_length=MAX_VALUES, description="Statut de la licence ; répétable."
    )
    deployment: list[Literal[tuple(Deployment.values)]] = Field(
        default_factory=list, max_length=MAX_VALUES, description="Mode d'utilisation ; répétable."
    )
    data_country: list[Country] = Field(
        default_factory=list,
        max_length=MAX_VALUES,
        description="Pays des données d'au moins une offre (ISO 3166-1, FR) ; répétable.",
    )


class OfferFilters(Paging):
    tool: list[Slug] = Field(
        default_factory=list,
        max_length=MAX_VALUES,
        description="Identifiant de l'outil ; répétable.",
    )
    data_country: list[Country] = Field(
        default_factory=list,
        max_length=MAX_VALUES,
        description="Pays des données (ISO 3166-1, FR) ; répétable.",
    )
    access: list[Literal[tuple(Access.values)]] = Field(
        default_factory=list, max_length=MAX_VALUES, description="Conditions d'accès ; répétable."
    )


# --- Errors, in French ------------------------------------------------------------------------------


def _quote(value: Any) -> str:
    text = value if isinstance(value, str) else json.dumps(value, default=str)
    return text if len(text) <= 40 else text[:40] + "…"


def _message(error: dict, parameter: str, value: Any) -> str:
    kind, ctx = error.get("type", ""), error.get("ctx") or {}
    value = _quote(value)
    if kind == "literal_error" and parameter == "data_country":
        return _("« %(value)s » n'est pas un code pays ISO 3166-1 à deux lettres (FR).") % {
            "value": value
        }
    if kind == "literal_error":
        codes = str(ctx.get("expected", "")).replace("'", "").replace(" or ", ", ")
        return _("« %(value)s » n'est pas une valeur possible ; valeurs possibles : %(codes)s.") % {
            "value": value,
            "codes": codes,
        }
    if kind in ("int_parsing", "int_from_float", "int_type"):
        return _("« %(value)s » n'est pas un nombre entier.") % {"value": value}
    if kind == "greater_than_equal":
        return _("%(min)s au moins.") % {"min": ctx.get("ge")}
    if kind == "less_than_equal":
        return _("%(max)s au plus.") % {"max": ctx.get("le")}
    if kind in ("string_pattern_mismatch", "string_too_long"):
        return _("« %(value)s » n'est pas un code ni un identifiant valable.") % {"value": value}
    if kind == "too_long":
        return _("%(max)s valeurs au plus.") % {"max": MAX_VALUES}
    return _("Valeur refusée.")


def _refused(request, errors: list[dict[str, str]]) -> HttpResponse:
    detail = _("Paramètres refusés : voir chaque message.")
    return api.create_response(request, {"detail": detail, "errors": errors}, status=422)


@api.exception_handler(ValidationError)
def validation_error(request, exc: ValidationError):
    errors = []
    for error in exc.errors:
        # ("query", "filters", "need", 0): the parameter is the last name, then which of its
        # values when it repeats.
        location = list(error.get("loc", ()))
        names = [part for part in location if isinstance(part, str)]
        parameter = names[-1] if len(names) > 1 else ""
        index = location[-1] if location and isinstance(location[-1], int) else 0
        values = request.GET.getlist(parameter)
        value = values[index] if index < len(values) else ""
        errors.append({"parameter": parameter, "message": _message(error, parameter, value)})
    return _refused(request, errors)


@api.exception_handler(Throttled)
def throttled(request, exc: Throttled):
    message = _("Trop de requêtes depuis votre adresse : réessayez dans une minute.")
    return api.create_response(request, {"detail": message}, status=429)


@api.exception_handler(Http404)
def not_found(request, exc: Http404):
    message = str(exc) if exc.args else _("Cette adresse ne correspond à rien dans l'API.")
    return api.create_response(request, {"detail": message}, status=404)


# --- Operations ----------------------------------------------------------------------------------


def _json(data: Any) -> HttpResponse:
    response = HttpResponse(dumps(data), content_type="application/json; charset=utf-8")
    # Public data, read by other sites' pages too (no credentials are ever used).
    response["Access-Control-Allow-Origin"] = "*"
    return response


def _page_url(request, offset: int | None) -> str | None:
    if offset is None:
        return None
    query = request.GET.copy()
    query["offset"] = offset
    return request.build_absolute_uri(f"{request.path}?{urlencode(query, doseq=True)}")


def _paged(request, answer: dict, paging: Paging) -> HttpResponse:
    following = paging.offset + paging.limit
    previous = max(paging.offset - paging.limit, 0) if paging.offset else None
    return _json(
        {
            "count": answer["count"],
            "limit": paging.limit,
            "offset": paging.offset,
            "next": _page_url(request, following if following < answer["count"] else None),
            "previous": _page_url(request, previous),
            "results": answer["results"],
        }
    )


@api.get(
    "/",
    url_name="index",
    summary="Adresses de l'API et des données ouvertes",
    response=dict[str, Any],
)
def index(request):
    def url(name: str) -> str:
        return request.build_absolute_uri(reverse(name))

    return _json(
        {
            "version": fmt.SCHEMA_VERSION,
            "licenses": [fmt.LICENCE],
            "openapi": url("catalogue_api:openapi-json"),
            "tools": url("catalogue_api:tools"),
            "offers": url("catalogue_api:offers"),
            "needs": url("catalogue_api:needs"),
            "datapackage": url("toolbox:datapackage"),
            "documentation": url("toolbox:opendata"),
        }
    )


@api.get(
    "/outils",
    url_name="tools",
    response={200: ToolPage, 422: Error, 429: Error},
    summary="Outils publiés, filtrés et paginés",
    description=(
        "Filtres combinés (et) ; les valeurs répétées d'un même filtre s'ajoutent (ou). Ordre : "
        "identifiant."
    ),
)
def tools(request, filters: Query[ToolFilters]):
    params = filters.model_dump()
    try:
        answer = reads.cached(
            "tools",
            params,
            lambda: reads.tools_page(
                needs=filters.need,
                licence_statuses=filters.licence_status,
                deployments=filters.deployment,
                data_countries=filters.data_country,
                limit=filters.limit,
                offset=filters.offset,
            ),
        )
    except reads.UnknownCodes as exc:
        return _refused(request, [{"parameter": exc.parameter, "message": str(exc)}])
    return _paged(request, answer, filters)


@api.get(
    "/outils/{tool_id}",
    url_name="tool",
    response={200: ToolRecord, 404: Error, 429: Error},
    summary="Un outil publié, par son identifiant",
)
def tool(request, tool_id: str):
    answer = reads.cached("tool", {"id": tool_id[:200]}, lambda: {"record": reads.tool(tool_id)})
    if answer["record"] is None:
        raise Http404(reads.unknown_tool_message(tool_id))
    return _json(answer["record"])


@api.get(
    "/offres",
    url_name="offers",
    response={200: OfferPage, 422: Error, 429: Error},
    summary="Offres d'hébergement des outils publiés, filtrées et paginées",
    description=(
        "Une offre est identifiée par son outil (tool_id), son hébergeur (provider) et son nom "
        "(name). Ordre : outil, hébergeur, nom."
    ),
)
def offers(request, filters: Query[OfferFilters]):
    answer = reads.cached(
        "offers",
        filters.model_dump(),
        lambda: reads.offers_page(
            tools=filters.tool,
            data_countries=filters.data_country,
            accesses=filters.access,
            limit=filters.limit,
            offset=filters.offset,
        ),
    )
    return _paged(request, answer, filters)


@api.get(
    "/besoins",
    url_name="needs",
    response={200: NeedList, 429: Error},
    summary="Vocabulaire des besoins (codes du filtre need et du champ needs)",
)
def needs(request):
    return _json(reads.cached("needs", {}, reads.needs))
