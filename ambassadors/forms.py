from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from accounts import territories
from accounts.models import Organisation
from ambassadors.models import Ambassador, Dimension, Event, Format, Resource, SupportRequest
from common.ids import IdListField
from common.widgets import GroupedCheckboxes

MAX_PDF_BYTES = 5 * 1024 * 1024
MAX_TOOLS = 20


def parse_slugs(text: str) -> list[str]:
    """'Nextcloud, PeerTube,  nextcloud' → ['nextcloud', 'peertube'] (toolbox slugs)."""
    slugs = [slugify(part) for part in (text or "").replace(";", ",").split(",")]
    return list(dict.fromkeys(s for s in slugs if s))


class SlugListField(forms.CharField):
    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("max_length", 600)
        super().__init__(**kwargs)

    def prepare_value(self, value):
        if isinstance(value, list):
            return ", ".join(value)
        return value

    def clean(self, value):
        slugs = parse_slugs(super().clean(value))
        if len(slugs) > MAX_TOOLS:
            raise ValidationError(
                _("Indiquez au plus %(max)d outils."), params={"max": MAX_TOOLS}, code="too_many"
            )
        return slugs


def _dimension_field(label, *, required=True, help_text=""):
    return forms.MultipleChoiceField(
        label=label,
        choices=Dimension.choices,
        widget=forms.CheckboxSelectMultiple,
        required=required,
        help_text=help_text,
    )


class ApplicationForm(forms.ModelForm):
    departements = forms.MultipleChoiceField(
        label=_("Départements où vous pouvez intervenir"), widget=GroupedCheckboxes
    )
    expertise_dimensions = _dimension_field(_("Vos domaines d'expertise"))
    expertise_tools = SlugListField(
        label=_("Outils que vous maîtrisez"),
        help_text=_("Séparés par des virgules, ex. « Nextcloud, PeerTube, Dolibarr »."),
    )
    formats = forms.MultipleChoiceField(
        label=_("Formats proposés"), choices=Format.choices, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = Ambassador
        fields = [
            "public_name",
            "organisation",
            "motivation",
            "bio",
            "departements",
            "expertise_dimensions",
            "expertise_tools",
            "formats",
            "availability",
            "is_public",
        ]
        widgets = {
            "motivation": forms.Textarea(attrs={"rows": 5}),
            "bio": forms.Textarea(attrs={"rows": 4}),
        }
        help_texts = {
            "motivation": _("Pourquoi souhaitez-vous devenir ambassadeur·rice ? (lu par la CRESS)")
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["departements"].choices = territories.departement_choices_by_region()
        self.fields["organisation"].queryset = Organisation.objects.of_user(user).order_by("name")
        self.fields["organisation"].required = False
        self.fields["organisation"].label = _("Organisation dont vous faites partie")
        if not self.instance.pk:
            self.initial.setdefault("public_name", user.get_full_name())


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=[("accept", _("Valider")), ("reject", _("Refuser"))])
    message = forms.CharField(required=False, max_length=1000)


class ContactForm(forms.Form):
    message = forms.CharField(
        label=_("Votre message"),
        min_length=20,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_(
            "Présentez-vous et dites ce dont vous avez besoin. Votre nom et votre adresse e-mail "
            "seront transmis pour qu'on vous réponde."
        ),
    )


class DateTimeLocalInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class EventForm(forms.ModelForm):
    dimensions = _dimension_field(_("Dimensions abordées"), required=False)
    departement = forms.ChoiceField(label=_("Département"), required=False)

    class Meta:
        model = Event
        fields = [
            "title",
            "kind",
            "description",
            "starts_at",
            "ends_at",
            "location",
            "online_url",
            "departement",
            "capacity",
            "audience",
            "dimensions",
        ]
        widgets = {
            "starts_at": DateTimeLocalInput(),
            "ends_at": DateTimeLocalInput(),
            "description": forms.Textarea(attrs={"rows": 6}),
        }
        help_texts = {
            "starts_at": _("Heure de Paris."),
            "ends_at": _("Heure de Paris."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["departement"].choices = [
            ("", _("— En ligne ou plusieurs départements —")),
            *territories.departement_choices(),
        ]
        self.fields["capacity"].widget.attrs["min"] = 1

    def clean_title(self):
        title = self.cleaned_data["title"]
        if len(title.splitlines()) > 1:
            raise ValidationError(_("Le titre tient sur une seule ligne."), code="line_break")
        return title

    def clean_starts_at(self):
        starts_at = self.cleaned_data["starts_at"]
        changed = "starts_at" in self.changed_data
        if (not self.instance.pk or changed) and starts_at <= timezone.now():
            raise ValidationError(_("La date de début est déjà passée."), code="past")
        return starts_at

    def clean_capacity(self):
        capacity = self.cleaned_data["capacity"]
        if capacity is not None and capacity < 1:
            raise ValidationError(_("Prévoyez au moins une place."), code="capacity")
        if self.instance.pk and capacity is not None:
            taken = self.instance.registrations.confirmed().count()
            if capacity < taken:
                raise ValidationError(
                    _(
                        "%(taken)d personnes sont déjà inscrites : la capacité ne peut pas descendre en dessous."
                    ),
                    params={"taken": taken},
                    code="below_registrations",
                )
        return capacity

    def clean(self):
        cleaned = super().clean()
        starts_at, ends_at = cleaned.get("starts_at"), cleaned.get("ends_at")
        if starts_at and ends_at and ends_at <= starts_at:
            self.add_error("ends_at", _("La fin doit être postérieure au début."))
        if not cleaned.get("location") and not cleaned.get("online_url"):
            self.add_error("location", _("Indiquez un lieu, un lien de connexion, ou les deux."))
        return cleaned


class VisitorRegistrationForm(forms.Form):
    """Registration to a public event without an account."""

    name = forms.CharField(
        label=_("Votre nom"),
        max_length=120,
        help_text=_("Tel que l'organisateur·rice le lira sur la liste des inscrit·es."),
    )
    email = forms.EmailField(
        label=_("Votre adresse e-mail"),
        help_text=_(
            "Un lien vous y est envoyé : votre place n'est réservée qu'une fois confirmée."
        ),
    )
    consent = forms.BooleanField(
        label=_(
            "J'accepte que la plateforme m'écrive au sujet de cet événement, et seulement de "
            "celui-ci (confirmation, rappel, place libérée, annulation)."
        ),
        error_messages={
            "required": _("Sans cet accord, nous ne pouvons pas vous envoyer le lien à confirmer.")
        },
    )

    def clean_name(self):
        name = " ".join(self.cleaned_data["name"].split())
        if not name:
            raise ValidationError(_("Indiquez votre nom."), code="blank")
        return name

    def clean_email(self):
        return self.cleaned_data["email"].strip().lower()


class AttendanceForm(forms.Form):
    present = IdListField(required=False)


class SupportRequestForm(forms.ModelForm):
    topics = _dimension_field(
        _("Sur quoi souhaitez-vous être accompagné·es ?"),
        help_text=_("Les ambassadeur·rices expert·es de ces sujets vous seront proposé·es."),
    )
    tools = SlugListField(
        label=_("Outils concernés (facultatif)"),
        help_text=_("Séparés par des virgules, ex. « Nextcloud, HelloAsso »."),
    )

    class Meta:
        model = SupportRequest
        fields = [
            "topics",
            "tools",
            "message",
            "share_contact",
            "share_profile",
            "share_diagnostic",
        ]
        widgets = {"message": forms.Textarea(attrs={"rows": 6})}
        help_texts = {
            "message": _(
                "Décrivez votre situation et ce que vous attendez. Seul ce que vous cochez ci-dessous est partagé en plus."
            )
        }


class RespondForm(forms.Form):
    decision = forms.ChoiceField(choices=[("accept", _("Accepter")), ("decline", _("Décliner"))])
    message = forms.CharField(required=False, max_length=2000)


class ChooseForm(forms.Form):
    ambassador = forms.IntegerField(min_value=1)


def validate_pdf(upload) -> None:
    if upload.size > MAX_PDF_BYTES:
        raise ValidationError(
            _("Le fichier dépasse 5 Mo (%(size)s Mo) : allégez-le ou découpez-le."),
            params={"size": f"{upload.size / 1024 / 1024:.1f}".replace(".", ",")},
            code="too_large",
        )
    upload.seek(0)
    head = upload.read(5)
    upload.seek(0)
    # Trust the content, not the name or the browser's content type.
    if head != b"%PDF-":
        raise ValidationError(
            _("Ce fichier n'est pas un PDF. Exportez votre document en PDF puis réessayez."),
            code="not_pdf",
        )


class ResourceForm(forms.ModelForm):
    dimensions = _dimension_field(_("Dimensions concernées"))
    tools = SlugListField(
        label=_("Outils concernés (facultatif)"),
        help_text=_("Séparés par des virgules, ex. « Nextcloud, Framaforms »."),
    )
    pdf = forms.FileField(
        label=_("Fichier PDF (facultatif)"),
        required=False,
        help_text=_("PDF uniquement, 5 Mo au plus."),
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf"}),
    )

    class Meta:
        model = Resource
        fields = ["title", "summary", "body", "pdf", "dimensions", "tools"]
        widgets = {"body": forms.Textarea(attrs={"rows": 14})}

    def clean_pdf(self):
        upload = self.cleaned_data.get("pdf")
        if upload and hasattr(upload, "content_type"):  # a new upload, not the stored file
            validate_pdf(upload)
        return upload

    def clean(self):
        cleaned = super().clean()
        empty = not (cleaned.get("body") or "").strip() and not cleaned.get("pdf")
        if empty and "pdf" not in self.errors:
            self.add_error("body", _("Écrivez le contenu de la fiche ou joignez un PDF."))
        return cleaned


class ModerationForm(forms.Form):
    decision = forms.ChoiceField(choices=[("publish", _("Publier")), ("reject", _("Refuser"))])
    message = forms.CharField(required=False, max_length=1000)
