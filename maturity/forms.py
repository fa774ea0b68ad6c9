from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from accounts.models import Membership


class GuestInviteForm(forms.Form):
    name = forms.CharField(label=_("Nom de la personne"), max_length=150)
    email = forms.EmailField(
        label=_("Son adresse e-mail (facultatif)"),
        required=False,
        help_text=_(
            "Le lien lui est envoyé par e-mail. Sans adresse, vous le lui transmettez vous-même "
            "(SMS, messagerie, QR code) : il s’affiche après l’envoi."
        ),
    )
    role_label = forms.CharField(
        label=_("Son rôle dans l'organisation"),
        max_length=100,
        required=False,
        help_text=_("Par exemple : membre du conseil d'administration, bénévole, trésorière."),
    )


class MemberInviteForm(forms.Form):
    membership = forms.ModelChoiceField(
        label=_("Membre de l'organisation"), queryset=Membership.objects.none()
    )

    def __init__(self, *args, organisation, exclude_users=(), **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["membership"]
        field.queryset = (
            Membership.objects.filter(organisation=organisation, is_active=True)
            .exclude(user__in=exclude_users)
            .select_related("user")
            .order_by("user__last_name", "user__email")
        )
        field.label_from_instance = lambda m: m.user.display_name


class ConsentForm(forms.Form):
    share_answers = forms.BooleanField(
        label=_(
            "Je partage mes réponses individuelles avec les administrateur·rices de l'organisation"
        ),
        required=False,
        help_text=_(
            "Sans votre accord, seules les réponses consolidées de l'équipe sont visibles. Vos compétences personnelles ne sont jamais partagées."
        ),
    )


class QuestionnaireUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Fichier du questionnaire (YAML)"),
        help_text=_("Le fichier exporté depuis cette page, modifié."),
    )

    MAX_BYTES = 2_000_000

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > self.MAX_BYTES:
            raise forms.ValidationError(_("Le fichier dépasse 2 Mo."))
        try:
            return upload.read().decode("utf-8")
        except UnicodeDecodeError as exc:
            raise forms.ValidationError(
                _("Le fichier doit être un texte encodé en UTF-8.")
            ) from exc


class NewDraftForm(forms.Form):
    version = forms.CharField(
        label=_("Numéro de la nouvelle version"), max_length=20, help_text=_("Par exemple : 2027.1")
    )


def _range_messages(message) -> dict:
    """One clear message for any value out of range or not a whole number."""
    return {"invalid": message, "min_value": message, "max_value": message}


class EquipmentForm(forms.Form):
    count = forms.IntegerField(
        label=_("Nombre"),
        min_value=0,
        max_value=100_000,
        required=False,
        error_messages=_range_messages(
            _("Indiquez un nombre entier d'appareils, entre 0 et 100 000.")
        ),
    )
    average_age = forms.IntegerField(
        label=_("Âge moyen (années)"),
        min_value=0,
        max_value=50,
        required=False,
        error_messages=_range_messages(_("Indiquez un âge moyen en années, entre 0 et 50.")),
    )
    reconditioned_percent = forms.IntegerField(
        label=_("Part reconditionnée (%)"),
        min_value=0,
        max_value=100,
        required=False,
        error_messages=_range_messages(_("Indiquez un pourcentage entier, entre 0 et 100.")),
    )
    renewal_years = forms.IntegerField(
        label=_("Renouvelés au bout de (années)"),
        min_value=1,
        max_value=30,
        required=False,
        help_text=_("Facultatif : au bout de combien d'années vous les remplacez en général."),
        error_messages=_range_messages(_("Indiquez une durée en années, entre 1 et 30.")),
    )

    def clean(self):
        data = super().clean()
        age, renewal = data.get("average_age"), data.get("renewal_years")
        if age is not None and renewal is not None and age > renewal:
            # Devices replaced after N years cannot be older than N years on average.
            self.add_error(
                "renewal_years",
                ngettext(
                    "Des appareils renouvelés au bout de %(renewal)s an ne peuvent pas avoir %(age)s ans en moyenne : corrigez l'âge moyen ou la durée.",
                    "Des appareils renouvelés au bout de %(renewal)s ans ne peuvent pas avoir %(age)s ans en moyenne : corrigez l'âge moyen ou la durée.",
                    renewal,
                )
                % {"renewal": renewal, "age": age},
            )
        return data


class ActionEditForm(forms.Form):
    owner = forms.ModelChoiceField(
        label=_("Responsable"), queryset=None, required=False, empty_label=_("— Personne —")
    )
    due_date = forms.DateField(
        label=_("Échéance"),
        required=False,
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
        help_text=_("Format : jj/mm/aaaa."),
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
    )
    status = forms.ChoiceField(label=_("Avancement"), choices=())
    notes = forms.CharField(
        label=_("Notes"), required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, organisation, **kwargs):
        from maturity.models import RoadmapAction

        super().__init__(*args, **kwargs)
        from accounts.models import User

        self.fields["owner"].queryset = User.objects.filter(
            memberships__organisation=organisation, memberships__is_active=True
        ).order_by("last_name", "email")
        self.fields["owner"].label_from_instance = lambda u: u.display_name
        self.fields["status"].choices = RoadmapAction.Status.choices


class ActionDecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=[("accept", _("Retenir")), ("decline", _("Écarter"))])
    reason = forms.CharField(
        label=_("Pourquoi l'écarter ? (facultatif)"), required=False, max_length=300
    )


class MoveForm(forms.Form):
    direction = forms.ChoiceField(choices=[("up", "up"), ("down", "down")])
    rank = forms.IntegerField(min_value=0)


class CustomActionForm(forms.Form):
    title = forms.CharField(label=_("Intitulé de l'action"), max_length=200)
    dimension = forms.ChoiceField(label=_("Dimension concernée"), required=False)
    horizon = forms.ChoiceField(label=_("Horizon"))
    notes = forms.CharField(
        label=_("Notes"), required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, dimensions, **kwargs):
        from maturity.roadmap_rules import HORIZONS

        super().__init__(*args, **kwargs)
        self.fields["dimension"].choices = [("", _("— Aucune en particulier —")), *dimensions]
        self.fields["horizon"].choices = list(HORIZONS.items())


class DiscoveryContinueForm(forms.Form):
    """Which of the person's organisations the discovery answers go to (maturity.discovery)."""

    organisation = forms.TypedChoiceField(
        label=_("Pour quelle organisation ?"),
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": _("Choisissez une de vos organisations.")},
    )

    def __init__(self, *args, memberships, **kwargs):
        super().__init__(*args, **kwargs)
        self.memberships = {m.organisation_id: m for m in memberships}
        field = self.fields["organisation"]
        field.choices = [(m.organisation_id, m.organisation.name) for m in memberships]
        field.error_messages["required"] = _("Choisissez une de vos organisations.")
        if len(memberships) == 1:
            # Nothing to choose: the one organisation, sent as is.
            field.widget = forms.HiddenInput()
            field.initial = memberships[0].organisation_id

    @property
    def membership(self):
        return self.memberships[self.cleaned_data["organisation"]]
