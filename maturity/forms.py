from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import Membership


class GuestInviteForm(forms.Form):
    name = forms.CharField(label=_("Nom de la personne"), max_length=150)
    email = forms.EmailField(label=_("Son adresse e-mail"))
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


class EquipmentForm(forms.Form):
    count = forms.IntegerField(label=_("Nombre"), min_value=0, max_value=100_000, required=False)
    average_age = forms.IntegerField(
        label=_("Âge moyen (années)"), min_value=0, max_value=50, required=False
    )
    reconditioned_percent = forms.IntegerField(
        label=_("Part reconditionnée (%)"), min_value=0, max_value=100, required=False
    )
