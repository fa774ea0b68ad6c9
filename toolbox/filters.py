"""Catalogue facets: query parameters in, filtered queryset out (django-filter).

Within one facet, choices add up (OR); facets narrow each other (AND), in any order. Facets on
offers filter through `pk IN (subquery)` so that a tool with several matching offers appears once.
"""

import django_filters
from django import forms
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from toolbox.models import (
    Access,
    Deployment,
    Dimension,
    HostingOffer,
    LicenceStatus,
    ProprietaryProduct,
    Tool,
    Usage,
)
from toolbox.querysets import list_contains_any
from toolbox.search import apply_search

EU_COUNTRIES = [
    "AT",
    "BE",
    "BG",
    "CY",
    "CZ",
    "DE",
    "DK",
    "EE",
    "ES",
    "FI",
    "FR",
    "GR",
    "HR",
    "HU",
    "IE",
    "IT",
    "LT",
    "LU",
    "LV",
    "MT",
    "NL",
    "PL",
    "PT",
    "RO",
    "SE",
    "SI",
    "SK",
]


class DataLocation:
    FRANCE = "fr"
    EU = "ue"
    OWN = "local"
    choices = [
        (FRANCE, _("En France (offre d'hébergement)")),
        (EU, _("Dans l'Union européenne (offre d'hébergement)")),
        (OWN, _("Chez vous : sur vos ordinateurs ou votre serveur")),
    ]


def _checkboxes(label, choices, method):
    return django_filters.MultipleChoiceFilter(
        label=label, choices=choices, method=method, widget=forms.CheckboxSelectMultiple
    )


class ToolFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Rechercher"), method="filter_search")
    usage = _checkboxes(_("Usages"), Usage.choices, "filter_usage")
    licence = django_filters.MultipleChoiceFilter(
        label=_("Licence"),
        field_name="licence_status",
        choices=LicenceStatus.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    deploiement = _checkboxes(_("Mode d'utilisation"), Deployment.choices, "filter_deployment")
    donnees = _checkboxes(_("Localisation des données"), DataLocation.choices, "filter_data")
    acces = _checkboxes(_("Conditions d'accès"), Access.choices, "filter_access")
    dimension = _checkboxes(_("Dimension du diagnostic"), Dimension.choices, "filter_dimension")
    remplace = django_filters.ModelChoiceFilter(
        label=_("Remplace"),
        field_name="replaces",
        to_field_name="slug",
        queryset=ProprietaryProduct.objects.only("pk", "name", "slug").order_by(Lower("name")),
        empty_label=_("Tous les produits"),
        method="filter_replaces",
    )

    class Meta:
        model = Tool
        fields = []

    # Facets in display order (q and remplace are rendered apart).
    FACETS = ["usage", "licence", "deploiement", "donnees", "acces", "dimension"]

    def filter_search(self, queryset, name, value):
        return apply_search(queryset, value)

    def filter_usage(self, queryset, name, value):
        return queryset.filter(list_contains_any("usages", value)) if value else queryset

    def filter_deployment(self, queryset, name, value):
        return queryset.filter(list_contains_any("deployments", value)) if value else queryset

    def filter_dimension(self, queryset, name, value):
        return queryset.filter(list_contains_any("dimensions", value)) if value else queryset

    def filter_access(self, queryset, name, value):
        if not value:
            return queryset
        offers = HostingOffer.objects.filter(access__in=value).values("tool_id")
        return queryset.filter(pk__in=offers)

    def filter_data(self, queryset, name, value):
        if not value:
            return queryset
        condition = Q()
        if DataLocation.FRANCE in value:
            condition |= Q(pk__in=HostingOffer.objects.filter(data_country="FR").values("tool_id"))
        if DataLocation.EU in value:
            condition |= Q(
                pk__in=HostingOffer.objects.filter(data_country__in=EU_COUNTRIES).values("tool_id")
            )
        if DataLocation.OWN in value:
            condition |= list_contains_any("deployments", ["self_hosted", "desktop"])
        return queryset.filter(condition)

    def filter_replaces(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(pk__in=value.alternatives.values("tool_id"))
