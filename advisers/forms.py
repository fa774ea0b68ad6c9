from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.utils.translation import gettext_lazy as _

from accounts import territories
from accounts.forms import SirenField
from accounts.models import LegalForm, Sector, StaffBand
from advisers import public_observatory
from advisers.models import DEFAULT_MONTHS, DURATION_CHOICES, AdviserProfile, DlaStructure
from advisers.observatory import BREAKDOWN_KEYS
from common.ids import IdListField
from common.widgets import GroupedCheckboxes
from maturity import roadmap_rules

AGREE_LABEL = _("J'ai lu le texte ci-dessus et je donne mon accord au nom de l'organisation")
AGREE_REQUIRED = _("Cochez la case pour donner votre accord.")


class AdviserRequestForm(forms.ModelForm):
    structure = forms.ModelChoiceField(
        label=_("Votre structure DLA"),
        queryset=DlaStructure.objects.all(),
        required=False,
        empty_label=_("— Choisir dans la liste —"),
    )
    new_structure_name = forms.CharField(
        label=_("Ou, si elle n'est pas dans la liste, son nom"), max_length=200, required=False
    )
    new_structure_departements = forms.MultipleChoiceField(
        label=_("Départements couverts par cette nouvelle structure"),
        required=False,
        widget=GroupedCheckboxes,
    )

    class Meta:
        model = AdviserProfile
        fields = ["job_title", "structure"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields[
            "new_structure_departements"
        ].choices = territories.departement_choices_by_region()

    def clean(self):
        cleaned = super().clean()
        structure = cleaned.get("structure")
        name = (cleaned.get("new_structure_name") or "").strip()
        if not structure and not name:
            raise ValidationError(
                _("Choisissez votre structure DLA dans la liste ou indiquez son nom.")
            )
        if not structure:
            if DlaStructure.objects.filter(name__iexact=name).exists():
                self.add_error(
                    "new_structure_name",
                    _("Cette structure existe déjà : choisissez-la dans la liste."),
                )
            elif not cleaned.get("new_structure_departements"):
                self.add_error(
                    "new_structure_departements", _("Indiquez au moins un département couvert.")
                )
        return cleaned

    def save(self, commit=True):
        if not self.cleaned_data.get("structure"):
            self.instance.structure = DlaStructure.objects.create(
                name=self.cleaned_data["new_structure_name"].strip(),
                departements=self.cleaned_data["new_structure_departements"],
            )
        return super().save(commit=commit)


class _Duration(forms.Form):
    """A duration and the agreement to the text shown for it. The box is checked by the view:
    before any text was shown (an invitation without JavaScript) there is nothing to agree to
    yet, and that is a step, not an error."""

    months = forms.TypedChoiceField(
        label=_("Durée de l'accès"),
        choices=DURATION_CHOICES,
        coerce=int,
        initial=DEFAULT_MONTHS,
    )
    # The signed token of the text shown (services.consent_offer); empty before any text.
    offer = forms.CharField(widget=forms.HiddenInput, required=False, max_length=2000)
    agree = forms.BooleanField(label=AGREE_LABEL, required=False)

    def chosen_months(self) -> int:
        """The duration to show the text for: the one chosen when valid, else the default."""
        return self.cleaned_data.get("months") or DEFAULT_MONTHS


class GrantForm(_Duration):
    adviser = forms.ModelChoiceField(
        queryset=AdviserProfile.objects.filter(status=AdviserProfile.Status.APPROVED),
        widget=forms.HiddenInput,
        error_messages={"invalid_choice": _("Ce·tte conseiller·e n'existe pas ou plus.")},
    )


class InviteForm(_Duration):
    email = forms.EmailField(
        label=_("Adresse e-mail du ou de la conseiller·e"),
        help_text=_(
            "Si cette personne n'a pas encore de compte conseiller·e validé, elle reçoit une "
            "invitation ; l'accès s'ouvre quand son compte est validé."
        ),
    )


class AcceptForm(_Duration):
    pass


class SearchForm(forms.Form):
    q = forms.CharField(
        label=_("Nom, structure DLA ou adresse e-mail"),
        min_length=2,
        max_length=100,
        required=False,
    )


class CompareForm(forms.Form):
    o = IdListField(required=False)


class RequestForm(forms.Form):
    siren = SirenField(label=_("SIREN de l'organisation"))
    message = forms.CharField(
        label=_("Message aux administrateur·rices"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=1000,
        required=False,
    )


class PortfolioFilterForm(forms.Form):
    q = forms.CharField(label=_("Nom ou SIREN"), required=False, max_length=100)
    departement = forms.ChoiceField(label=_("Département"), required=False)
    level = forms.ChoiceField(label=_("Niveau global"), required=False)

    def __init__(self, *args, levels=(), departements=None, **kwargs):
        super().__init__(*args, **kwargs)
        # Only the portfolio's départements: a short list, quick to render and to scan.
        choices = territories.departement_choices()
        if departements is not None:
            choices = [(code, label) for code, label in choices if code in departements]
        self.fields["departement"].choices = [("", _("Tous")), *choices]
        self.fields["level"].choices = [
            ("", _("Tous")),
            *list(levels),
            ("none", _("Sans diagnostic terminé")),
        ]

    def filters(self) -> dict:
        if not self.is_valid():
            return {}
        data = self.cleaned_data
        return {"query": data["q"], "departement": data["departement"], "level": data["level"]}


class NotesForm(forms.Form):
    """The adviser's notes on every dimension of the latest results, in one form saved at once:
    a field per dimension, labelled by its title and named `note-<code>-text`."""

    def __init__(self, *args, dimensions: dict[str, str], **kwargs):
        super().__init__(*args, prefix="note", **kwargs)
        for code, title in dimensions.items():
            self.fields[f"{code}-text"] = forms.CharField(
                label=title,
                widget=forms.Textarea(attrs={"rows": 3}),
                max_length=4000,
                required=False,
                error_messages={
                    "max_length": _(
                        "Un avis tient en 4 000 caractères au plus : celui-ci en compte "
                        "%(show_value)d. Raccourcissez-le, rien n’est encore enregistré."
                    )
                },
            )

    def submitted(self) -> dict[str, str]:
        """{dimension code: text} for the fields the request sent (an absent one is left
        alone, an empty one removes the note). Call after is_valid()."""
        return {
            name.removesuffix("-text"): self.cleaned_data[name]
            for name in self.fields
            if self.add_prefix(name) in self.data
        }


class RecommendationForm(forms.Form):
    title = forms.CharField(label=_("Action recommandée"), max_length=200)
    explanation = forms.CharField(
        label=_("Pourquoi cette action"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        required=False,
    )
    dimension = forms.ChoiceField(label=_("Dimension"), required=False)
    horizon = forms.ChoiceField(label=_("Horizon"), choices=list(roadmap_rules.HORIZONS.items()))
    priority = forms.TypedChoiceField(
        label=_("Priorité"),
        coerce=int,
        choices=[(1, _("Haute")), (2, _("Moyenne")), (3, _("Basse"))],
        initial=2,
    )

    def __init__(self, *args, dimensions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["dimension"].choices = [("", _("Toutes / aucune")), *list(dimensions)]


class ObservatoryForm(forms.Form):
    by = forms.ChoiceField(label=_("Regrouper par"), required=False)
    sector = forms.ChoiceField(label=_("Secteur"), required=False)
    staff_band = forms.ChoiceField(label=_("Taille"), required=False)
    legal_form = forms.ChoiceField(label=_("Forme juridique"), required=False)
    # Typed rather than picked: a hundred options would outweigh the figures (EcoIndex).
    departement = forms.CharField(
        label=_("Département (numéro, par exemple 86 ou 2A)"), required=False, max_length=3
    )
    region = forms.ChoiceField(label=_("Région"), required=False)

    FILTERS = ["sector", "staff_band", "legal_form", "departement", "region"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        labels = {
            "sector": _("Secteur"),
            "size": _("Taille (salarié·es)"),
            "legal_form": _("Forme juridique"),
            "departement": _("Département"),
            "region": _("Région"),
        }
        self.fields["by"].choices = [(k, labels[k]) for k in BREAKDOWN_KEYS]
        everything = [("", _("Tous"))]
        self.fields["sector"].choices = everything + list(Sector.choices)
        self.fields["staff_band"].choices = everything + list(StaffBand.choices)
        self.fields["legal_form"].choices = everything + list(LegalForm.choices)
        self.fields["region"].choices = everything + territories.region_choices()

    def clean_departement(self) -> str:
        code = self.cleaned_data["departement"].strip().upper()
        if code and code not in territories.territories().departements:
            raise forms.ValidationError(_("Ce numéro de département n’existe pas."))
        return code

    def breakdown(self) -> str:
        if self.is_valid() and self.cleaned_data["by"]:
            return self.cleaned_data["by"]
        return "sector"

    def filters(self) -> dict[str, str]:
        if not self.is_valid():
            return {}
        return {name: self.cleaned_data[name] for name in self.FILTERS if self.cleaned_data[name]}


class PublicObservatoryForm(forms.Form):
    """The public observatory's breakdown and the year of its medians by dimension; a value
    out of range is said and the default shown (by sector, the last closed year)."""

    par = forms.ChoiceField(label=_("Répartir par"), required=False)
    annee = forms.IntegerField(label=_("Année des médianes"), required=False, min_value=2000)

    def __init__(self, *args, last_year: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["par"].choices = list(public_observatory.breakdown_labels().items())
        self.fields["annee"].max_value = last_year
        self.fields["annee"].validators.append(MaxValueValidator(last_year))
        self.fields["annee"].widget.attrs["max"] = last_year
        self.fields["annee"].initial = last_year
        self.last_year = last_year

    def _valid(self, name):
        """The field's value if it is valid (the other one may not be)."""
        if not self.is_bound:
            return None
        self.is_valid()
        return self.cleaned_data.get(name)

    def breakdown(self) -> str:
        return self._valid("par") or public_observatory.BREAKDOWNS[0]

    def year(self) -> int:
        return self._valid("annee") or self.last_year
