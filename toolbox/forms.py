import copy
import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from toolbox import services
from toolbox.models import (
    Access,
    Deployment,
    Dimension,
    EssStatus,
    HostingOffer,
    Tool,
    Usage,
)

MAX_LIST_ITEMS = 30
SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


def split_names(text: str) -> list[str]:
    """'Google Drive, Dropbox ; OneDrive' → ['Dropbox', 'Google Drive', 'OneDrive']."""
    names = {part.strip() for part in text.replace(";", ",").split(",") if part.strip()}
    return sorted(names, key=str.lower)


class ToolValuesForm(forms.ModelForm):
    """A tool's proposable values, validated by the model (SPDX, URLs, constraints); never saved.

    The instance is a copy, so validation cannot touch the tool itself.
    """

    usages = forms.MultipleChoiceField(
        label=_("Usages"), choices=Usage.choices, widget=forms.CheckboxSelectMultiple
    )
    deployments = forms.MultipleChoiceField(
        label=_("Modes d'utilisation"),
        choices=Deployment.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    dimensions = forms.MultipleChoiceField(
        label=_("Dimensions du diagnostic auxquelles il contribue"),
        choices=Dimension.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    replaces = forms.CharField(
        label=_("Outils propriétaires qu'il remplace"),
        required=False,
        max_length=500,
        help_text=_("Séparés par des virgules, par exemple : Google Drive, Dropbox."),
    )
    comment = forms.CharField(
        label=_("Commentaire pour la CRESS (facultatif)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    confirm_not_duplicate = forms.BooleanField(
        label=_("J'ai vérifié : ce n'est pas un outil déjà présent dans le catalogue"),
        required=False,
    )

    class Meta:
        model = Tool
        fields = [
            "name",
            "summary",
            "description",
            "licence_spdx",
            "licence_status",
            "ease",
            "accessibility_notes",
            "sobriety_notes",
            "website_url",
            "source_url",
        ]
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 2}),
            "description": forms.Textarea(attrs={"rows": 8}),
            "accessibility_notes": forms.Textarea(attrs={"rows": 3}),
            "sobriety_notes": forms.Textarea(attrs={"rows": 3}),
            "ease": forms.Select(
                choices=[
                    (1, _("1 — facile")),
                    (2, _("2 — moyenne")),
                    (3, _("3 — demande de l'accompagnement")),
                ]
            ),
        }

    field_order = [
        "name",
        "summary",
        "description",
        "usages",
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
        "comment",
        "confirm_not_duplicate",
    ]

    def __init__(self, *args, tool: Tool | None = None, **kwargs):
        self.tool = tool
        instance = Tool()
        if tool is not None:
            instance = copy.copy(tool)
            instance._state = copy.copy(tool._state)
        initial = kwargs.pop("initial", None) or {}
        if tool is not None:
            values = services.tool_values(tool)
            values["replaces"] = ", ".join(values["replaces"])
            initial = {**values, **initial}
        super().__init__(*args, instance=instance, initial=initial, **kwargs)
        self.similar: list[Tool] = []
        self.fields["summary"].help_text = _("Une ou deux phrases : à quoi sert l'outil.")
        self.fields["description"].help_text = _(
            "Markdown accepté (titres, listes, liens). Tout code HTML ou script est retiré."
        )

    def clean_replaces(self):
        names = split_names(self.cleaned_data["replaces"])
        if len(names) > MAX_LIST_ITEMS:
            raise ValidationError(_("Indiquez au plus 30 produits."))
        return names

    def clean(self):
        cleaned = super().clean()
        name = cleaned.get("name")
        if name:
            exclude = self.tool.pk if self.tool else None
            same = services.same_name_exists(name, exclude_pk=exclude)
            if same:
                self.similar = [same]
                self.add_error(
                    "name",
                    _("Un outil porte déjà ce nom dans le catalogue : « %(name)s ».")
                    % {"name": same.name},
                )
            elif self.tool is None or services.normalise(name) != services.normalise(
                self.tool.name
            ):
                self.similar = services.similar_tools(name, exclude_pk=exclude)
                if self.similar and not cleaned.get("confirm_not_duplicate"):
                    self.add_error(
                        "confirm_not_duplicate",
                        _(
                            "Des outils au nom proche existent déjà (voir la liste). Vérifiez "
                            "qu'il ne s'agit pas du même, puis cochez cette case."
                        ),
                    )
        return cleaned

    def validate_unique(self):
        # Names are compared accent- and case-insensitively in clean(), with similar entries shown.
        pass

    def values(self) -> dict:
        """Proposed values as JSON-friendly data, in the shape of services.tool_values."""
        data = self.cleaned_data
        return {field: data[field] for field in services.PROPOSABLE_FIELDS}


class OfferProposalForm(forms.ModelForm):
    provider_name = forms.CharField(label=_("Hébergeur (nom de la structure)"), max_length=120)
    provider_legal_form = forms.CharField(
        label=_("Forme juridique de l'hébergeur"),
        max_length=80,
        required=False,
        help_text=_("Par exemple : association, SCIC, SAS."),
    )
    provider_ess_status = forms.ChoiceField(
        label=_("Statut ESS de l'hébergeur"), choices=EssStatus.choices, initial=EssStatus.UNKNOWN
    )
    provider_chatons = forms.BooleanField(
        label=_("L'hébergeur est membre du collectif CHATONS"), required=False
    )
    provider_cress_pooled = forms.BooleanField(
        label=_("C'est un service mutualisé proposé par la CRESS"), required=False
    )
    comment = forms.CharField(
        label=_("Commentaire pour la CRESS (facultatif)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    class Meta:
        model = HostingOffer
        fields = ["name", "url", "access", "price", "data_country", "support"]

    field_order = [
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
        "comment",
    ]

    def __init__(self, *args, tool: Tool, **kwargs):
        super().__init__(*args, instance=HostingOffer(tool=tool), **kwargs)
        self.fields["access"].choices = Access.choices

    def clean_data_country(self):
        code = self.cleaned_data["data_country"].strip().upper()
        if len(code) != 2 or not code.isalpha() or not code.isascii():
            raise ValidationError(_("Indiquez le code pays à deux lettres, par exemple FR."))
        return code

    def validate_unique(self):
        # The provider may be new: uniqueness is checked again when the offer is approved.
        pass

    def values(self) -> dict:
        return {field: self.cleaned_data[field] for field in services.OFFER_FIELDS}


class UseForm(forms.Form):
    testimonial = forms.CharField(
        label=_("Témoignage (facultatif)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Relu par la CRESS avant publication. Le nom de votre organisation est affiché."
        ),
    )


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[
            ("approve", _("Accepter")),
            ("changes", _("Demander des modifications")),
            ("reject", _("Refuser")),
        ]
    )
    message = forms.CharField(
        label=_("Message à la personne qui propose"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Obligatoire pour refuser ou demander des modifications."),
    )


class CompareForm(forms.Form):
    outils = forms.ModelMultipleChoiceField(
        label=_("Outils à comparer (de 2 à 4)"),
        queryset=Tool.objects.published().only("pk", "name", "slug"),
        to_field_name="slug",
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )

    def clean_outils(self):
        tools = self.cleaned_data["outils"]
        if not 2 <= len(tools) <= 4:
            raise ValidationError(_("Choisissez de 2 à 4 outils à comparer."))
        return tools


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("Fichier CSV ou JSON"),
        help_text=_("Au format des données ouvertes du catalogue, encodé en UTF-8 ; 2 Mo au plus."),
    )


class ImportRowForm(ToolValuesForm):
    """One row of an import file: the proposable values plus the CRESS's curated ones."""

    class Meta(ToolValuesForm.Meta):
        fields = [*ToolValuesForm.Meta.fields, *services.CURATED_FIELDS]

    def __init__(self, data, *, tool: Tool | None, slug: str, names: dict[str, str]):
        super().__init__(data, tool=tool)
        self.slug, self.names = slug, names
        del self.fields["comment"], self.fields["confirm_not_duplicate"]
        self.fields["recommendation"].required = False

    def clean(self):
        # Bypass the interactive duplicate check (one query per row): names are compared in memory.
        cleaned = forms.ModelForm.clean(self)
        if not SLUG_RE.match(self.slug or ""):
            self.add_error(None, _("id : lettres minuscules, chiffres et tirets uniquement."))
        name = cleaned.get("name")
        if name:
            owner = self.names.get(services.normalise(name))
            if owner and owner != self.slug:
                self.add_error(
                    "name", _("Un autre outil (%(id)s) porte déjà ce nom.") % {"id": owner}
                )
        return cleaned

    def clean_recommendation(self):
        return self.cleaned_data.get("recommendation") or "recommended"

    def import_values(self) -> dict:
        values = self.values()
        for field in services.CURATED_FIELDS:
            value = self.cleaned_data.get(field)
            values[field] = value.isoformat() if hasattr(value, "isoformat") else value
        return values
