import copy
import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from common.widgets import GroupedCheckboxes
from toolbox.countries import country_choices, is_country_code
from toolbox.models import (
    Access,
    Deployment,
    Dimension,
    EssStatus,
    HostingOffer,
    Tool,
    ToolStatus,
    Usage,
)
from toolbox.services import duplicates, json_values, publication, vocabulary
from toolbox.spdx import SpdxExpressionField
from toolbox.text import normalise

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
    needs = forms.MultipleChoiceField(
        label=_("Besoins auxquels il répond vraiment"),
        choices=[],
        widget=forms.CheckboxSelectMultiple,
        required=False,
        error_messages={
            "invalid_choice": _(
                "« %(value)s » n'est pas un besoin connu de la boîte à outils (voir la liste "
                "des codes sur la page des données ouvertes)."
            )
        },
        help_text=_(
            "Cochez seulement ce que l'outil sait faire lui-même : un sondage de dates n'est "
            "pas un vote à bulletin secret."
        ),
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
        # Typed the way people write it (gpl-3.0), saved in its SPDX form (GPL-3.0-only).
        field_classes = {"licence_spdx": SpdxExpressionField}
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

    field_order = [*json_values.PROPOSABLE_FIELDS, "comment", "confirm_not_duplicate"]

    def __init__(
        self,
        *args,
        tool: Tool | None = None,
        need_choices: list[tuple[str, str]] | None = None,
        **kwargs,
    ):
        self.tool = tool
        instance = Tool()
        if tool is not None:
            instance = copy.copy(tool)
            instance._state = copy.copy(tool._state)
        initial = kwargs.pop("initial", None) or {}
        if tool is not None:
            values = json_values.tool_values(tool)
            values["replaces"] = ", ".join(values["replaces"])
            initial = {**values, **initial}
        super().__init__(*args, instance=instance, initial=initial, **kwargs)
        self.similar: list[Tool] = []
        # The needs vocabulary is data; an import passes it once for all its rows.
        if need_choices is None:
            need_choices = list(vocabulary.need_labels().items())
        self.fields["needs"].choices = need_choices
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
            same = duplicates.same_name_exists(name, exclude_pk=exclude)
            if same:
                self.similar = [same]
                self.add_error(
                    "name",
                    _("Un outil porte déjà ce nom dans le catalogue : « %(name)s ».")
                    % {"name": same.name},
                )
            elif self.tool is None or normalise(name) != normalise(self.tool.name):
                self.similar = duplicates.similar_tools(name, exclude_pk=exclude)
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
        """Proposed values as JSON-friendly data, in the shape of json_values.tool_values."""
        data = self.cleaned_data
        return {field: data[field] for field in json_values.PROPOSABLE_FIELDS}


COUNTRY_CODE_MESSAGE = _(
    "« %(code)s » n'est pas un code pays ISO à deux lettres (par exemple FR, BE, DE)."
)


class CountryField(forms.ChoiceField):
    """A country picked by its name in the page's language; the ISO code is what is kept."""

    def __init__(self, **kwargs):
        super().__init__(choices=country_choices, **kwargs)
        self.error_messages["invalid_choice"] = COUNTRY_CODE_MESSAGE

    def to_python(self, value):
        # A code sent by hand ("fr") is read as the list's ("FR").
        return super().to_python(value).strip().upper()

    def validate(self, value):
        forms.Field.validate(self, value)
        if value and not is_country_code(value):
            raise ValidationError(
                self.error_messages["invalid_choice"],
                code="invalid_choice",
                params={"code": value[:20]},
            )


class OfferProposalForm(forms.ModelForm):
    data_country = CountryField(label=_("Pays où sont les données"))
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

    field_order = [*json_values.OFFER_FIELDS, "comment"]

    def __init__(self, *args, tool: Tool, **kwargs):
        # Most offers keep their data in France: preselected.
        super().__init__(*args, instance=HostingOffer(tool=tool, data_country="FR"), **kwargs)
        self.fields["access"].choices = Access.choices

    def validate_unique(self):
        # The provider may be new: uniqueness is checked again when the offer is approved.
        pass

    def values(self) -> dict:
        return {field: self.cleaned_data[field] for field in json_values.OFFER_FIELDS}


def clean_country_code(value: str) -> str:
    code = (value or "").strip().upper()
    if not is_country_code(code):
        raise ValidationError(COUNTRY_CODE_MESSAGE, params={"code": value[:20]})
    return code


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


class StatusChangeForm(forms.Form):
    status = forms.ChoiceField(choices=ToolStatus.choices)
    reason = forms.CharField(
        label=_("Raison"),
        required=False,
        max_length=publication.STATUS_REASON_MAX_LENGTH,
        error_messages={"max_length": _("La raison tient en 100 caractères au plus.")},
    )


class CompareForm(forms.Form):
    outils = forms.ModelMultipleChoiceField(
        label=_("Outils à comparer (de 2 à 4)"),
        queryset=Tool.objects.published().only("pk", "name", "slug"),
        to_field_name="slug",
        widget=GroupedCheckboxes,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Shown by their main usage (the first listed), so that a tool is found where one
        # looks for it; the list stays one entry per tool.
        labels = dict(Usage.choices)
        groups: dict[str, list[tuple[str, str]]] = {code: [] for code in labels}
        others = []
        for slug, name, usages in (
            Tool.objects.published().order_by("name").values_list("slug", "name", "usages")
        ):
            main = next((code for code in usages or [] if code in groups), None)
            (groups[main] if main else others).append((slug, name))
        choices = [(labels[code], tools) for code, tools in groups.items() if tools]
        if others:
            choices.append((_("Autres usages"), others))
        self.fields["outils"].widget.choices = choices

    def clean_outils(self):
        tools = self.cleaned_data["outils"]
        if not 2 <= len(tools) <= 4:
            raise ValidationError(_("Choisissez de 2 à 4 outils à comparer."))
        return tools


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("Fichier CSV ou JSON"),
        help_text=_(
            "Au format des données ouvertes du catalogue, encodé en UTF-8 ; 2 Mo au plus : "
            "le catalogue JSON (outils et offres), les outils (outils.csv) ou les offres "
            "(offres.csv)."
        ),
    )
    offers_file = forms.FileField(
        label=_("Second fichier CSV (facultatif)"),
        required=False,
        help_text=_(
            "Par exemple les offres d'hébergement (offres.csv) avec les outils (outils.csv)."
        ),
    )

    def files_to_import(self) -> list[tuple[str, bytes]]:
        """(name, content) of each uploaded file."""
        return [
            (upload.name, upload.read())
            for upload in (self.cleaned_data["file"], self.cleaned_data.get("offers_file"))
            if upload
        ]


class ImportRowForm(ToolValuesForm):
    """One row of an import file: the proposable values plus the CRESS's curated ones."""

    class Meta(ToolValuesForm.Meta):
        fields = [*ToolValuesForm.Meta.fields, *json_values.CURATED_FIELDS]

    def __init__(
        self,
        data,
        *,
        tool: Tool | None,
        slug: str,
        names: dict[str, str],
        need_choices: list[tuple[str, str]] | None = None,
    ):
        super().__init__(data, tool=tool, need_choices=need_choices)
        self.slug, self.names = slug, names
        del self.fields["comment"], self.fields["confirm_not_duplicate"]
        self.fields["recommendation"].required = False
        # The CRESS's catalogue has tools no inventory usage fits (a password manager, a backup
        # tool: their needs say what they do); the export writes them, the import reads them.
        self.fields["usages"].required = False

    def clean(self):
        # Bypass the interactive duplicate check (one query per row): names are compared in memory.
        cleaned = forms.ModelForm.clean(self)
        if not SLUG_RE.match(self.slug or ""):
            self.add_error(None, _("id : lettres minuscules, chiffres et tirets uniquement."))
        name = cleaned.get("name")
        if name:
            owner = self.names.get(normalise(name))
            if owner and owner != self.slug:
                self.add_error(
                    "name", _("Un autre outil (%(id)s) porte déjà ce nom.") % {"id": owner}
                )
        return cleaned

    def clean_recommendation(self):
        return self.cleaned_data.get("recommendation") or "recommended"

    def clean_needs(self):
        # A file made before needs existed has no such column: the tool keeps its needs.
        if "needs" not in self.data and self.tool is not None:
            return list(self.tool.needs)
        return self.cleaned_data["needs"]

    def import_values(self) -> dict:
        values = self.values()
        for field in json_values.CURATED_FIELDS:
            value = self.cleaned_data.get(field)
            values[field] = value.isoformat() if hasattr(value, "isoformat") else value
        return values


TRUE_WORDS = {"true", "1", "oui", "vrai", "yes"}
FALSE_WORDS = {"false", "0", "non", "faux", "no", ""}


class TextBooleanField(forms.CharField):
    """A yes/no column of an import file: true/false (as exported), 1/0, oui/non; empty is no."""

    def __init__(self, **kwargs):
        super().__init__(required=False, max_length=10, **kwargs)

    def clean(self, value):
        text = (super().clean(value) or "").strip().lower()
        if text in TRUE_WORDS:
            return True
        if text in FALSE_WORDS:
            return False
        raise ValidationError(
            _("« %(value)s » n'est ni vrai ni faux : écrivez true ou false."),
            params={"value": value},
        )


def _code_field(choices, **kwargs):
    codes = ", ".join(code for code, _label in choices)
    return forms.ChoiceField(
        choices=choices,
        error_messages={
            "invalid_choice": _("« %(value)s » est inconnu ; codes possibles : ") + codes + ".",
            "required": _("obligatoire ; codes possibles : ") + codes + ".",
        },
        **kwargs,
    )


class ImportOfferRowForm(forms.Form):
    """One hosting offer of an import file, in the columns of the export (offres.csv)."""

    tool_id = forms.CharField(max_length=120)
    provider = forms.CharField(max_length=120)
    provider_legal_form = forms.CharField(max_length=80, required=False)
    provider_ess_status = _code_field(EssStatus.choices, required=False)
    provider_chatons = TextBooleanField()
    provider_cress_pooled = TextBooleanField()
    name = forms.CharField(max_length=120)
    url = forms.URLField(max_length=200, required=False, assume_scheme="https")
    access = _code_field(Access.choices)
    price = forms.CharField(max_length=120, required=False)
    data_country = forms.CharField(max_length=20)
    support = forms.CharField(max_length=300, required=False)

    def __init__(self, data, *, known_tools: set[str]):
        super().__init__(data)
        self.known_tools = known_tools

    def clean_tool_id(self):
        slug = self.cleaned_data["tool_id"]
        if slug not in self.known_tools:
            raise ValidationError(
                _("aucun outil « %(id)s » dans le fichier ni dans le catalogue."),
                params={"id": slug},
            )
        return slug

    def clean_provider_ess_status(self):
        return self.cleaned_data["provider_ess_status"] or EssStatus.UNKNOWN

    def clean_data_country(self):
        return clean_country_code(self.cleaned_data["data_country"])
