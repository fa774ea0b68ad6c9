"""Values of a tool, as JSON: the fields people may propose, their labels and how they read,
and the one function that writes them to a tool."""

import datetime
from collections.abc import Iterable, Sequence
from typing import Any

from django.utils.text import slugify
from django.utils.translation import gettext as _

from toolbox.catalogue_changes import catalogue_changed
from toolbox.countries import country_name
from toolbox.models import (
    Alternative,
    Deployment,
    Dimension,
    HostingOffer,
    Need,
    ProprietaryProduct,
    Provider,
    Tool,
    Usage,
)
from toolbox.text import normalise

# Fields a member may propose, in display order. Recommendation fields are the CRESS's own voice.
PROPOSABLE_FIELDS = [
    "name",
    "summary",
    "description",
    "usages",
    "needs",
    "licence_spdx",
    "licence_status",
    "deployments",
    "replaces",
    "dimensions",
    "ease",
    "accessibility_notes",
    "sobriety_notes",
    "website_url",
    "source_url",
]
CURATED_FIELDS = ["recommendation", "recommendation_reason", "recommendation_date", "last_reviewed"]
OFFER_FIELDS = [
    "provider_name",
    "provider_legal_form",
    "provider_ess_status",
    "provider_chatons",
    "provider_cress_pooled",
    "name",
    "url",
    "access",
    "price",
    "data_country",
    "support",
]


def _json_value(value):
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def tool_values(tool: Tool, fields: Sequence[str] = PROPOSABLE_FIELDS) -> dict[str, Any]:
    """The tool's editable values as JSON-friendly data ("replaces": sorted product names)."""
    values = {}
    for field in fields:
        if field == "replaces":
            values[field] = sorted(p.name for p in tool.replaces.all()) if tool.pk else []
        else:
            values[field] = _json_value(getattr(tool, field))
    return values


# Lists of codes a tool stores as JSON, read through their choices.
LIST_CHOICES = {"usages": Usage, "deployments": Deployment, "dimensions": Dimension}
# A proposed offer's fields, kept on its provider or on the offer.
OFFER_FIELD_SOURCES = {
    "provider_name": (Provider, "name"),
    "provider_legal_form": (Provider, "legal_form"),
    "provider_ess_status": (Provider, "ess_status"),
    "provider_chatons": (Provider, "chatons_member"),
    "provider_cress_pooled": (Provider, "cress_pooled"),
}


def _model_field(field: str, *, offer: bool):
    model, name = OFFER_FIELD_SOURCES.get(field, (HostingOffer, field)) if offer else (Tool, field)
    return model._meta.get_field(name)


def field_label(field: str, *, offer: bool = False) -> str:
    if field == "replaces" and not offer:
        return _("remplace")
    return str(_model_field(field, offer=offer).verbose_name)


def field_display(field: str, value, *, offer: bool = False):
    """A stored value as people read it: labels for codes (statut « published » → « Publié »,
    ["saas", "self_hosted"] → « En ligne, hébergé par un tiers, Installable sur son serveur »),
    oui or non, lists joined; None for no value (shown as a dash)."""
    if value is None or value == "" or value == []:
        return None
    if isinstance(value, bool):
        return _("oui") if value else _("non")
    if not offer and field in LIST_CHOICES:
        labels = dict(LIST_CHOICES[field].choices)
        return ", ".join(str(labels.get(code, code)) for code in value)
    if not offer and field == "needs":
        labels = dict(Need.objects.filter(code__in=value).values_list("code", "label"))
        return ", ".join(labels.get(code, code) for code in value)
    if isinstance(value, list):
        return ", ".join(str(item) for item in value)
    if offer and field == "data_country":
        return country_name(value)
    choices = dict(_model_field(field, offer=offer).flatchoices)
    return choices.get(value, value) if choices else value


def products_named(names: Iterable[str]) -> list[ProprietaryProduct]:
    """Proprietary products by name, created when new (matched case- and accent-insensitively)."""
    existing = {normalise(p.name): p for p in ProprietaryProduct.objects.all()}
    products = []
    for name in names:
        name = name.strip()
        if not name:
            continue
        product = existing.get(normalise(name))
        if product is None:
            product = ProprietaryProduct.objects.create(name=name, slug=_unique_slug(name))
            existing[normalise(name)] = product
        if product not in products:
            products.append(product)
    return products


def _unique_slug(name: str) -> str:
    base = slugify(name)[:100] or "produit"
    slug, n = base, 2
    while ProprietaryProduct.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


# Path segments of toolbox URLs that a tool's slug must not shadow.
RESERVED_SLUGS = {
    "comparer", "alternatives", "donnees", "proposer", "mes-propositions", "moderation", "import",
    "api",
}  # fmt: skip


def unique_tool_slug(name: str, exclude_pk: int | None = None) -> str:
    base = slugify(name)[:100] or "outil"
    if base in RESERVED_SLUGS:
        base = f"{base}-outil"
    slug, n = base, 2
    while Tool.objects.filter(slug=slug).exclude(pk=exclude_pk).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


def apply_tool_values(tool: Tool, values: dict[str, Any], *, user=None, reason: str = "") -> Tool:
    """Write values to a tool (new or existing), bump its version, record who and why in history;
    the catalogue's cached answers follow once the transaction commits."""
    for field, value in values.items():
        if field == "replaces":
            continue
        if field in ("recommendation_date", "last_reviewed") and isinstance(value, str):
            value = datetime.date.fromisoformat(value) if value else None
        setattr(tool, field, value)
    if not tool.slug:
        tool.slug = unique_tool_slug(tool.name)
    tool.version = (tool.version or 0) + 1 if tool.pk else 1
    tool._history_user = user
    tool._change_reason = reason[:100] if reason else None
    tool.save()
    if "replaces" in values:
        products = products_named(values["replaces"])
        Alternative.objects.filter(tool=tool).exclude(product__in=products).delete()
        for product in products:
            Alternative.objects.get_or_create(tool=tool, product=product)
        refresh_search_text(tool)
    catalogue_changed()
    return tool


def refresh_search_text(tool: Tool) -> None:
    from toolbox.search import search_text_for

    # update() rather than save(): replaced products are search text, not a new version.
    Tool.objects.filter(pk=tool.pk).update(search_text=search_text_for(tool))
