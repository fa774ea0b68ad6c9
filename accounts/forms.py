from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from accounts import territories
from accounts.models import (
    JoinRequest,
    Membership,
    Organisation,
    StaffBand,
    User,
    validate_siren,
    validate_siret,
)


class SignupExtraForm(forms.Form):
    """Extra fields on allauth's sign-up form (allauth calls signup())."""

    first_name = forms.CharField(label=_("Prénom"), max_length=150)
    last_name = forms.CharField(label=_("Nom"), max_length=150)

    field_order = ["first_name", "last_name", "email", "password1", "password2"]

    def signup(self, request, user):
        user.first_name = self.cleaned_data["first_name"]
        user.last_name = self.cleaned_data["last_name"]
        user.save(update_fields=["first_name", "last_name"])


# What people type or paste between the digits of a SIREN or SIRET: "123 456 789",
# "123.456.789", "123-456-789", and the (narrow) no-break spaces of French number formatting.
IDENTIFIER_SEPARATORS = " .-\u00a0\u202f\t"


def identifier_digits(value: str) -> str:
    """A SIREN or SIRET as typed, without its separators (the checks come after)."""
    return "".join(ch for ch in (value or "") if ch not in IDENTIFIER_SEPARATORS)


class _IdentifierField(forms.CharField):
    """A SIREN or SIRET field that accepts the number as people write it: separators are
    removed before the length and checksum are checked, and the page keeps what was typed."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.widget.attrs.update({"inputmode": "numeric", "autocomplete": "off"})

    def to_python(self, value):
        return identifier_digits(super().to_python(value))


class SirenField(_IdentifierField):
    default_validators = [validate_siren]


class SiretField(_IdentifierField):
    default_validators = [validate_siret]


class OrganisationForm(forms.ModelForm):
    siren = SirenField(
        label=_("SIREN"),
        help_text=_(
            "9 chiffres, sur votre avis de situation INSEE ou sur annuaire-entreprises.data.gouv.fr."
        ),
    )
    siret = SiretField(
        label=_("SIRET du siège"),
        required=False,
        help_text=_("Facultatif : 14 chiffres (SIREN + 5 chiffres de l'établissement)."),
    )
    departement = forms.ChoiceField(
        label=_("Département"),
        required=False,
        help_text=_("Déduit du code postal si vous le laissez vide."),
    )

    class Meta:
        model = Organisation
        fields = [
            "name",
            "siren",
            "siret",
            "legal_form",
            "sector",
            "staff_band",
            "volunteers_band",
            "integration_band",
            "postcode",
            "departement",
            "federation",
        ]
        help_texts = {"postcode": _("Code postal du siège, 5 chiffres.")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.existing_organisation = None
        self.fields["departement"].choices = [
            ("", _("— Déduit du code postal —")),
            *territories.departement_choices(),
        ]
        self.fields["postcode"].widget.attrs.update(
            {"inputmode": "numeric", "autocomplete": "postal-code"}
        )
        self.fields["name"].widget.attrs["autocomplete"] = "organization"
        if self.instance.pk:
            # The SIREN identifies the organisation: changing it would be another organisation.
            self.fields["siren"].disabled = True

    def clean_siren(self):
        siren = self.cleaned_data["siren"]
        if self.instance.pk:
            return self.instance.siren
        existing = Organisation.objects.filter(siren=siren).first()
        if existing:
            self.existing_organisation = existing
            raise ValidationError(
                _(
                    "L'organisation « %(name)s » est déjà inscrite avec ce SIREN. Vous pouvez demander à ses administrateur·rices de vous y ajouter."
                ),
                params={"name": existing.name},
                code="siren_taken",
            )
        return siren

    def clean_postcode(self):
        postcode = (self.cleaned_data["postcode"] or "").strip()
        if not territories.POSTCODE_RE.match(postcode):
            raise ValidationError(
                _("Le code postal compte exactement 5 chiffres."), code="postcode_format"
            )
        if territories.departement_for_postcode(postcode) is None:
            raise ValidationError(
                _("Le code postal %(postcode)s n'existe pas en France. Vérifiez-le."),
                params={"postcode": postcode},
                code="postcode_unknown",
            )
        return postcode

    def clean(self):
        cleaned = super().clean()
        siren, siret = cleaned.get("siren"), cleaned.get("siret")
        if siren and siret and not siret.startswith(siren):
            self.add_error(
                "siret",
                _("Le SIRET doit commencer par les 9 chiffres du SIREN (%(siren)s).")
                % {"siren": siren},
            )
        integration = cleaned.get("integration_band")
        if cleaned.get("staff_band") == StaffBand.NONE and integration not in ("", None, "0"):
            # Integration jobs are jobs: the diagnostic's typology would contradict itself.
            self.add_error(
                "integration_band",
                _(
                    "Les personnes en parcours d'insertion sont salariées : indiquez aussi le "
                    "nombre de salarié·es, ou choisissez « Aucune »."
                ),
            )
        postcode = cleaned.get("postcode")
        if postcode and not cleaned.get("departement"):
            cleaned["departement"] = territories.departement_for_postcode(postcode).code
        return cleaned

    def _post_clean(self):
        # The région follows the département; set it before the model validates itself.
        code = self.cleaned_data.get("departement")
        departement = territories.territories().departements.get(code) if code else None
        self.instance.region = departement.region.code if departement and departement.region else ""
        super()._post_clean()


class InvitationForm(forms.Form):
    email = forms.EmailField(label=_("Adresse e-mail de la personne à inviter"))
    role = forms.ChoiceField(
        label=_("Rôle"), choices=Membership.Role.choices, initial=Membership.Role.MEMBER
    )


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Rôle"), choices=Membership.Role.choices)


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=[("accept", _("Accepter")), ("decline", _("Refuser"))])
    message = forms.CharField(
        label=_("Message (facultatif)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class JoinRequestForm(forms.ModelForm):
    class Meta:
        model = JoinRequest
        fields = ["message"]
        widgets = {"message": forms.Textarea(attrs={"rows": 4})}
        help_texts = {"message": _("Dites qui vous êtes et votre rôle dans l'organisation.")}


class ProfileForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["first_name", "last_name"]
        labels = {"first_name": _("Prénom"), "last_name": _("Nom")}


class OrganisationEraseForm(forms.Form):
    """Erasing an organisation asks for its name, typed, so it is never done by mistake."""

    name = forms.CharField(label=_("Nom de l'organisation"), max_length=200)

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.organisation = organisation
        self.fields["name"].help_text = _("Tapez « %(name)s » pour confirmer.") % {
            "name": organisation.name
        }

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        if name != self.organisation.name.strip():
            raise ValidationError(
                _("Le nom tapé ne correspond pas au nom de l'organisation."), code="name_mismatch"
            )
        return name


class AccountDeleteForm(forms.Form):
    """Deleting one's account asks for the password again (a left-open session is not enough)."""

    password = forms.CharField(
        label=_("Votre mot de passe"),
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        max_length=4096,
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise ValidationError(_("Ce mot de passe n'est pas le bon."), code="wrong_password")
        return password
