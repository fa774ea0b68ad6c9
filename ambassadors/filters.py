"""Server-side filters from query parameters: the directory, events and fiches work without JavaScript."""

import django_filters
from django import forms
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from accounts import territories
from ambassadors.models import Ambassador, Dimension, Event, Format, Resource
from ambassadors.querysets import json_has


def _departement_choices():
    return territories.departement_choices()


class FastSelect(forms.Select):
    """A <select> rendered in Python. Django renders each option through a template: for the
    101 départements that was half of the directory's server time."""

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        options = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            (
                (
                    option["value"],
                    mark_safe(" selected") if option["selected"] else "",
                    option["label"],
                )
                for _group, group_options, _index in widget["optgroups"]
                for option in group_options
            ),
        )
        return format_html(
            '<select name="{}"{}>{}</select>', name, flatatt(widget["attrs"]), options
        )


class DirectoryFilter(django_filters.FilterSet):
    departement = django_filters.ChoiceFilter(
        label=_("Département"),
        choices=_departement_choices,
        method="filter_departement",
        empty_label=_("Tous les départements"),
        widget=FastSelect,
    )
    dimension = django_filters.ChoiceFilter(
        label=_("Expertise"),
        choices=Dimension.choices,
        method="filter_dimension",
        empty_label=_("Toutes les expertises"),
    )
    format = django_filters.ChoiceFilter(
        label=_("Format"),
        choices=Format.choices,
        method="filter_format",
        empty_label=_("Tous les formats"),
    )

    class Meta:
        model = Ambassador
        fields = []

    def filter_departement(self, queryset, name, value):
        return queryset.covering(value)

    def filter_dimension(self, queryset, name, value):
        return queryset.with_dimension(value)

    def filter_format(self, queryset, name, value):
        return queryset.with_format(value)


class EventFilter(django_filters.FilterSet):
    periode = django_filters.ChoiceFilter(
        label=_("Période"),
        choices=[("a-venir", _("À venir")), ("passes", _("Passés"))],
        method="filter_period",
        empty_label=None,
        null_label=None,
    )
    kind = django_filters.ChoiceFilter(
        label=_("Type"), choices=Event.Kind.choices, empty_label=_("Tous les types")
    )
    departement = django_filters.ChoiceFilter(
        label=_("Département"),
        choices=_departement_choices,
        method="filter_departement",
        empty_label=_("Tous les départements"),
        widget=FastSelect,
    )
    voisins = django_filters.BooleanFilter(
        label=_("Et les départements voisins"),
        method="filter_neighbours",
        widget=forms.CheckboxInput,
    )
    en_ligne = django_filters.BooleanFilter(
        label=_("En ligne uniquement"),
        method="filter_online",
        widget=forms.CheckboxInput,
    )

    class Meta:
        model = Event
        fields = []

    def __init__(self, data=None, *args, **kwargs):
        data = data.copy() if data is not None else {}
        if not data.get("periode"):
            data["periode"] = "a-venir"
        super().__init__(data, *args, **kwargs)

    @property
    def is_past(self) -> bool:
        return self.form.cleaned_data.get("periode") == "passes"

    def filter_period(self, queryset, name, value):
        return queryset.past() if value == "passes" else queryset.upcoming()

    def filter_departement(self, queryset, name, value):
        codes = [value]
        if self.form.cleaned_data.get("voisins"):
            codes += territories.neighbours(value)
        return queryset.filter(departement__in=codes)

    def filter_neighbours(self, queryset, name, value):
        # Read by filter_departement: alone, it filters nothing.
        return queryset

    def filter_online(self, queryset, name, value):
        if value:
            return queryset.exclude(online_url="")
        return queryset


class ResourceFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Rechercher"), method="filter_text", max_length=100)
    dimension = django_filters.ChoiceFilter(
        label=_("Dimension"),
        choices=Dimension.choices,
        method="filter_dimension",
        empty_label=_("Toutes les dimensions"),
    )
    outil = django_filters.CharFilter(label=_("Outil"), method="filter_tool", max_length=60)

    class Meta:
        model = Resource
        fields = []

    def filter_text(self, queryset, name, value):
        return queryset.search(value)

    def filter_dimension(self, queryset, name, value):
        return queryset.filter(json_has("dimensions", value))

    def filter_tool(self, queryset, name, value):
        from django.utils.text import slugify

        return queryset.with_tool(slugify(value)) if slugify(value) else queryset
