"""Catalogue facets: query parameters in, filtered queryset out (django-filter).

Within one facet, choices add up (OR); facets narrow each other (AND), in any order. Facets on
offers filter through `pk IN (subquery)` so that a tool with several matching offers appears once.
"""

from typing import TYPE_CHECKING

import django_filters
from django import forms
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from toolbox.models import (
    LICENCE_TERMS,
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
from toolbox.services import vocabulary

if TYPE_CHECKING:
    from toolbox.facets import FacetCounts

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
    # Choices come from the needs vocabulary (data), read once per request in __init__.
    besoin = _checkboxes(_("Besoins"), [], "filter_need")
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
    FACETS = ["besoin", "usage", "licence", "deploiement", "donnees", "acces", "dimension"]
    # Glossary entries that explain a facet's choices, linked under its title.
    FACET_TERMS = {
        "licence": tuple(LICENCE_TERMS.values()),
        "deploiement": ("saas", "on-premise", "auto-hebergement"),
        "donnees": ("hebergeur", "donnees-hors-ue"),
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["besoin"].extra["choices"] = list(vocabulary.need_labels().items())

    # --- Conditions: one Q per facet value; within a facet values add up (OR) ---------------

    def value_condition(self, facet: str, value: str) -> Q:
        if facet == "usage":
            return list_contains_any("usages", [value])
        if facet == "besoin":
            return list_contains_any("needs", [value])
        if facet == "licence":
            return Q(licence_status=value)
        if facet == "deploiement":
            return list_contains_any("deployments", [value])
        if facet == "dimension":
            return list_contains_any("dimensions", [value])
        if facet == "acces":
            return Q(pk__in=HostingOffer.objects.filter(access=value).values("tool_id"))
        if facet == "donnees":
            if value == DataLocation.FRANCE:
                return Q(pk__in=HostingOffer.objects.filter(data_country="FR").values("tool_id"))
            if value == DataLocation.EU:
                offers = HostingOffer.objects.filter(data_country__in=EU_COUNTRIES)
                return Q(pk__in=offers.values("tool_id"))
            return list_contains_any("deployments", ["self_hosted", "desktop"])
        raise ValueError(facet)

    def facet_condition(self, facet: str, values) -> Q:
        if facet == "licence":
            return Q(licence_status__in=values)
        if facet == "acces":
            return Q(pk__in=HostingOffer.objects.filter(access__in=values).values("tool_id"))
        condition = Q()
        for value in values:
            condition |= self.value_condition(facet, value)
        return condition

    def _facet(self, queryset, facet, value):
        return queryset.filter(self.facet_condition(facet, value)) if value else queryset

    def filter_search(self, queryset, name, value):
        return apply_search(queryset, value)

    def filter_usage(self, queryset, name, value):
        return self._facet(queryset, "usage", value)

    def filter_need(self, queryset, name, value):
        return self._facet(queryset, "besoin", value)

    def filter_deployment(self, queryset, name, value):
        return self._facet(queryset, "deploiement", value)

    def filter_dimension(self, queryset, name, value):
        return self._facet(queryset, "dimension", value)

    def filter_access(self, queryset, name, value):
        return self._facet(queryset, "acces", value)

    def filter_data(self, queryset, name, value):
        return self._facet(queryset, "donnees", value)

    def filter_replaces(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(pk__in=value.alternatives.values("tool_id"))

    # --- Facet counts ---------------------------------------------------------------------

    def choices(self, facet: str):
        return self.filters[facet].extra["choices"]

    def selected(self) -> dict[str, list[str]]:
        """The valid chosen values of each facet (invalid ones are ignored, as by `qs`)."""
        if not self.is_bound:
            return {facet: [] for facet in self.FACETS}
        self.errors  # noqa: B018 (validates the form)
        data = self.form.cleaned_data
        return {facet: list(data.get(facet) or []) for facet in self.FACETS}

    def counts(self) -> "FacetCounts":
        """How many published tools each facet value (and each replaced product) would give,
        with every *other* active filter applied — standard faceted search: choosing a value
        never hides its siblings — and how many match all filters. One query, whatever the
        number of tools (see toolbox.facets)."""
        from toolbox.facets import count_facets

        data = {}
        if self.is_bound:
            self.errors  # noqa: B018 (validates the form)
            data = self.form.cleaned_data
        base = Tool.objects.published()
        if data.get("q"):
            base = apply_search(base, data["q"], rank=False)
        values = {facet: [value for value, _label in self.choices(facet)] for facet in self.FACETS}
        return count_facets(base, values, self.selected(), data.get("remplace"))

    # Facets with many values of which, once other filters are active, most give nothing: only
    # the values that would give tools (or are chosen) are listed — the page stays light.
    SPARSE_FACETS = {"besoin"}

    def facets_for_display(self, counts: "FacetCounts") -> list[dict]:
        """Each facet with its options as (value, label, count, checked, index), in display
        order; `index` is the value's place among all the facet's choices (stable ids)."""
        selected = self.selected()
        facets = []
        for facet in self.FACETS:
            options = [
                (value, label, counts.facets[facet][value], value in selected[facet], index)
                for index, (value, label) in enumerate(self.choices(facet))
            ]
            shown = [
                option
                for option in options
                if facet not in self.SPARSE_FACETS or option[2] or option[3]
            ]
            facets.append(
                {
                    "name": facet,
                    "label": self.filters[facet].label,
                    "options": shown,
                    "hidden": len(options) - len(shown),
                    "terms": self.FACET_TERMS.get(facet, ()),
                }
            )
        return facets

    def products_for_display(self, counts: "FacetCounts") -> list[tuple[str, str, int]]:
        """(slug, name, count) of every proprietary product, for the "remplace" select."""
        return [
            (slug, name, counts.products.get(pk, 0))
            for pk, slug, name in self.filters["remplace"].queryset.values_list(
                "pk", "slug", "name"
            )
        ]
