"""The published catalogue as the API reads it: filters, pages of file records, and the cache
of its answers (and of the open-data files).

The API answers with the records of the open-data files (toolbox.opendata): the same
identifiers (a tool's `id`, an offer's tool, provider and name, need codes) and the same values.
Answers are cached per query under the catalogue's version, which changes after every
committed change of a tool, an offer, a provider, a product or a need (every write path calls
toolbox.catalogue_changes.catalogue_changed): a changed catalogue is never served from the
cache, an unchanged one costs no query.
"""

import hashlib
import json
import time

from django.core.cache import cache
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from toolbox import opendata
from toolbox.catalogue_changes import VERSION_KEY
from toolbox.models import HostingOffer, Need, Tool, ToolStatus
from toolbox.querysets import list_contains_any
from toolbox.services import vocabulary

# The version key makes changes visible at once; this only bounds what a write that does not
# call catalogue_changed() (a bulk update in a shell) could leave behind.
CACHE_SECONDS = 600


def catalogue_version() -> int:
    # A fresh value if the key was evicted: answers cached before are never read again.
    return cache.get_or_set(VERSION_KEY, time.time_ns, None)


def cached(kind: str, params: dict, compute):
    """compute(), kept CACHE_SECONDS under the catalogue's version for these parameters (an
    API answer, or a whole file of the open data)."""
    normalised = {
        key: sorted(set(value)) if isinstance(value, list) else value
        for key, value in params.items()
    }
    digest = hashlib.sha256(json.dumps([kind, normalised], sort_keys=True).encode()).hexdigest()
    key = f"toolbox:api:{catalogue_version()}:{digest}"
    answer = cache.get(key)
    if answer is None:
        answer = compute()
        cache.set(key, answer, CACHE_SECONDS)
    return answer


class UnknownCodes(ValueError):
    """A filter names codes the vocabulary does not have; the message says which."""

    def __init__(self, parameter: str, message: str):
        super().__init__(message)
        self.parameter = parameter


def _check_needs(codes: list[str]) -> None:
    unknown = sorted(set(codes) - vocabulary.known_need_codes())
    if unknown:
        raise UnknownCodes(
            "need",
            ngettext(
                "Besoin inconnu : %(codes)s (voir la liste des besoins).",
                "Besoins inconnus : %(codes)s (voir la liste des besoins).",
                len(unknown),
            )
            % {"codes": ", ".join(unknown)},
        )


def _page(queryset, limit: int, offset: int, records) -> tuple[int, list[dict]]:
    """The number of results, and the file records of one page of them."""
    count = queryset.count()
    return count, records(queryset[offset : offset + limit]) if offset < count else []


def tools_page(
    *,
    needs: list[str],
    licence_statuses: list[str],
    deployments: list[str],
    data_countries: list[str],
    limit: int,
    offset: int,
) -> dict:
    """{"count", "results"} of the published tools matching every filter given (any of its
    values within one filter), in identifier order. Raises UnknownCodes."""
    _check_needs(needs)
    tools = Tool.objects.published()
    if needs:
        tools = tools.filter(list_contains_any("needs", needs))
    if licence_statuses:
        tools = tools.filter(licence_status__in=licence_statuses)
    if deployments:
        tools = tools.filter(list_contains_any("deployments", deployments))
    if data_countries:
        tools = tools.filter(
            Exists(
                HostingOffer.objects.filter(tool=OuterRef("pk"), data_country__in=data_countries)
            )
        )
    count, page = _page(tools.order_by("slug"), limit, offset, opendata.tool_records)
    return {"count": count, "results": page}


def tool(identifier: str) -> dict | None:
    """The file record of the published tool with this id, or None."""
    found = opendata.tool_records(Tool.objects.published().filter(slug=identifier))
    return found[0] if found else None


def offers_page(
    *, tools: list[str], data_countries: list[str], accesses: list[str], limit: int, offset: int
) -> dict:
    """{"count", "results"} of the offers of published tools matching every filter given, in
    the files' order (tool, provider, name)."""
    offers = HostingOffer.objects.filter(tool__status=ToolStatus.PUBLISHED)
    if tools:
        offers = offers.filter(tool__slug__in=tools)
    if data_countries:
        offers = offers.filter(data_country__in=data_countries)
    if accesses:
        offers = offers.filter(access__in=accesses)
    offers = offers.order_by("tool__slug", "provider__name", "name")
    count, page = _page(offers, limit, offset, opendata.offer_records)
    return {"count": count, "results": page}


def needs() -> dict:
    """The needs vocabulary: the codes tools' `needs` and the `need` filter use."""
    rows = list(Need.objects.order_by("position", "label").values("code", "label", "description"))
    return {"count": len(rows), "results": rows}


def unknown_tool_message(identifier: str) -> str:
    return _("Aucun outil publié n'a l'identifiant « %(id)s ».") % {"id": identifier[:80]}
