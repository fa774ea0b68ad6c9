"""The ambassador community: profiles, events and registrations, support requests, fiches pratiques.

Lists of codes (départements, dimensions, tool slugs, formats) are JSON lists: they are read
with the row, filtered with `querysets.json_has` and never joined.
"""

import hashlib
import secrets
from datetime import date, timedelta

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.deconstruct import deconstructible
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from accounts import territories
from accounts.models import Organisation
from ambassadors.querysets import (
    AmbassadorQuerySet,
    EventQuerySet,
    RegistrationQuerySet,
    ResourceQuerySet,
    SupportRequestQuerySet,
)

VALIDITY_DAYS = 365


class Dimension(models.TextChoices):
    """The diagnostic's dimensions, by code (the questionnaire holds the long titles)."""

    STRATEGIE = "strategie", _("Stratégie et pilotage")
    COMPETENCES = "competences", _("Compétences et accompagnement")
    EQUIPEMENT = "equipement", _("Équipement et infrastructure")
    COLLABORATION = "collaboration", _("Collaboration et information")
    COMMUNICATION = "communication", _("Communication et visibilité")
    GESTION = "gestion", _("Outils de gestion")
    FINANCEMENT = "financement", _("Financement, adhérent·es et bénévoles")
    GOUVERNANCE = "gouvernance", _("Gouvernance et vie démocratique")
    SECURITE_RGPD = "securite_rgpd", _("Sécurité et RGPD")
    NUMERIQUE_RESPONSABLE = "numerique_responsable", _("Numérique responsable")


class Format(models.TextChoices):
    ATELIER = "atelier", _("Atelier collectif")
    ACCOMPAGNEMENT = "accompagnement", _("Accompagnement individuel")
    PERMANENCE = "permanence", _("Permanence")


def dimension_labels(codes) -> list[str]:
    labels = dict(Dimension.choices)
    return [str(labels[c]) for c in codes if c in labels]


@deconstructible
class PrivateStorage(FileSystemStorage):
    """Files under PRIVATE_STORAGE_ROOT, read at use time; never served by URL, only by views."""

    def __init__(self):
        super().__init__(base_url=None)

    @property
    def base_location(self):
        return settings.PRIVATE_STORAGE_ROOT

    @property
    def location(self):
        return str(settings.PRIVATE_STORAGE_ROOT)


private_storage = PrivateStorage()


# --- Ambassadors ---------------------------------------------------------------------------------


class Ambassador(models.Model):
    """A person's ambassador application, which becomes their profile once a CRESS admin approves it."""

    class Status(models.TextChoices):
        PENDING = "pending", _("En attente de validation")
        APPROVED = "approved", _("Validé·e")
        REJECTED = "rejected", _("Refusé·e")
        WITHDRAWN = "withdrawn", _("Retiré·e")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="ambassador_profile"
    )
    organisation = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="ambassadors",
        verbose_name=_("organisation"),
    )
    public_name = models.CharField(
        _("nom affiché"),
        max_length=120,
        help_text=_("Le nom sous lequel vous apparaissez dans l'annuaire (ex. « Yann L. »)."),
    )
    motivation = models.TextField(_("motivation"), max_length=3000)
    bio = models.TextField(
        _("présentation publique"),
        max_length=2000,
        blank=True,
        help_text=_("Quelques lignes sur votre parcours et ce que vous aimez transmettre."),
    )
    departements = models.JSONField(_("départements couverts"), default=list)
    regions = models.JSONField(default=list, editable=False)
    expertise_dimensions = models.JSONField(_("expertise par dimension"), default=list)
    expertise_tools = models.JSONField(_("outils maîtrisés"), default=list, blank=True)
    formats = models.JSONField(_("formats proposés"), default=list)
    availability = models.CharField(
        _("disponibilités"),
        max_length=300,
        help_text=_("Ex. « deux mardis soir par mois », « à distance uniquement »."),
    )
    is_public = models.BooleanField(
        _("profil visible dans l'annuaire public"),
        default=True,
        help_text=_(
            "Votre adresse e-mail n'est jamais affichée : on vous écrit par la plateforme."
        ),
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    applied_at = models.DateTimeField(default=timezone.now)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decision_message = models.TextField(blank=True, max_length=1000)
    valid_until = models.DateField(_("validé·e jusqu'au"), null=True, blank=True)
    renewal_requested_at = models.DateTimeField(null=True, blank=True)
    renewal_reminder_sent_for = models.DateField(
        null=True, blank=True, help_text="valid_until date the reminder was sent for"
    )

    objects = AmbassadorQuerySet.as_manager()

    class Meta:
        verbose_name = _("ambassadeur·rice")
        verbose_name_plural = _("ambassadeur·rices")
        ordering = ["public_name"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="approved") | Q(valid_until__isnull=False),
                name="approved_ambassador_has_validity",
            )
        ]

    def __str__(self):
        return self.public_name

    def save(self, *args, **kwargs):
        self.regions = sorted(
            {
                d.region.code
                for code in self.departements
                if (d := territories.territories().departements.get(code)) and d.region
            }
        )
        if kwargs.get("update_fields") is not None and "departements" in kwargs["update_fields"]:
            kwargs["update_fields"] = {*kwargs["update_fields"], "regions"}
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("ambassadors:ambassador_detail", args=[self.pk])

    @property
    def is_active(self) -> bool:
        return (
            self.status == self.Status.APPROVED
            and self.valid_until is not None
            and self.valid_until >= timezone.localdate()
        )

    @property
    def is_expired(self) -> bool:
        return self.status == self.Status.APPROVED and not self.is_active

    @cached_property
    def dimension_labels(self) -> list[str]:
        return dimension_labels(self.expertise_dimensions)

    @cached_property
    def format_labels(self) -> list[str]:
        labels = dict(Format.choices)
        return [str(labels[c]) for c in self.formats if c in labels]

    @cached_property
    def departement_labels(self) -> list[str]:
        return [territories.departement_name(c) for c in self.departements]

    def approve(self, *, by, message: str = "", today: date | None = None) -> None:
        today = today or timezone.localdate()
        self.status = self.Status.APPROVED
        self.valid_until = today + timedelta(days=VALIDITY_DAYS)
        self.decided_at = timezone.now()
        self.decided_by = by
        self.decision_message = message
        self.renewal_requested_at = None


# --- Events --------------------------------------------------------------------------------------


class Event(models.Model):
    class Kind(models.TextChoices):
        ATELIER = "atelier", _("Atelier")
        WEBINAIRE = "webinaire", _("Webinaire")
        FORMATION = "formation", _("Formation")
        PERMANENCE = "permanence", _("Permanence")

    class Audience(models.TextChoices):
        PUBLIC = "public", _("Ouvert à tou·tes")
        MEMBERS = "members", _("Réservé aux personnes inscrites sur la plateforme")

    title = models.CharField(_("titre"), max_length=200)
    kind = models.CharField(_("type"), max_length=12, choices=Kind.choices)
    description = models.TextField(
        _("description"), max_length=5000, help_text=_("Markdown simple accepté.")
    )
    starts_at = models.DateTimeField(_("début"))
    ends_at = models.DateTimeField(_("fin"))
    location = models.CharField(
        _("lieu"),
        max_length=300,
        blank=True,
        help_text=_("Adresse, si l'événement a lieu sur place."),
    )
    online_url = models.URLField(
        _("lien de connexion"), blank=True, help_text=_("Pour un événement en ligne.")
    )
    departement = models.CharField(_("département"), max_length=3, blank=True)
    capacity = models.PositiveIntegerField(_("nombre de places"))
    audience = models.CharField(
        _("public"), max_length=10, choices=Audience.choices, default=Audience.PUBLIC
    )
    dimensions = models.JSONField(_("dimensions abordées"), default=list, blank=True)
    organiser = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="organised_events",
        verbose_name=_("organisateur·rice"),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)

    objects = EventQuerySet.as_manager()

    class Meta:
        verbose_name = _("événement")
        verbose_name_plural = _("événements")
        ordering = ["starts_at"]
        indexes = [models.Index(fields=["starts_at"], name="event_starts_at")]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")),
                name="event_ends_after_start",
                violation_error_message=_("La fin doit être postérieure au début."),
            ),
            models.CheckConstraint(condition=Q(capacity__gte=1), name="event_capacity_positive"),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("ambassadors:event_detail", args=[self.pk])

    @property
    def is_cancelled(self) -> bool:
        return self.cancelled_at is not None

    @property
    def is_past(self) -> bool:
        return self.starts_at <= timezone.now()

    @property
    def is_online(self) -> bool:
        return bool(self.online_url) and not self.location

    @property
    def departement_label(self) -> str:
        return territories.departement_name(self.departement) if self.departement else ""

    @cached_property
    def dimension_labels(self) -> list[str]:
        return dimension_labels(self.dimensions)


class Registration(models.Model):
    """One person's place (or place in the queue) for an event: someone with an account, or a
    visitor without one, known by the name and e-mail address they gave, whose place is held
    only once they confirm through the link e-mailed to them. Cancelled rows are kept; a
    visitor's name and address are removed some time after the event (anonymised_at)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("À confirmer")
        CONFIRMED = "confirmed", _("Inscrit·e")
        WAITLISTED = "waitlisted", _("Sur liste d'attente")
        CANCELLED = "cancelled", _("Annulée")

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="registrations")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="event_registrations",
    )
    # A visitor's (without an account): empty for account holders.
    name = models.CharField(_("nom"), max_length=120, blank=True)
    email = models.EmailField(_("adresse e-mail"), blank=True)
    status = models.CharField(max_length=10, choices=Status.choices)
    # The waiting list is served in this order; re-registering after cancelling queues again.
    queued_at = models.DateTimeField(default=timezone.now)
    # A visitor's deadline to confirm (pending registrations only).
    expires_at = models.DateTimeField(null=True, blank=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    attended = models.BooleanField(null=True, blank=True)
    reminder_sent_at = models.DateTimeField(null=True, blank=True)
    anonymised_at = models.DateTimeField(null=True, blank=True)

    objects = RegistrationQuerySet.as_manager()

    class Meta:
        verbose_name = _("inscription")
        verbose_name_plural = _("inscriptions")
        constraints = [
            models.UniqueConstraint(
                fields=["event", "user"],
                name="one_registration_per_person_and_event",
                violation_error_message=_("Vous êtes déjà inscrit·e à cet événement."),
            ),
            models.UniqueConstraint(
                "event",
                Lower("email"),
                condition=Q(user__isnull=True) & ~Q(email=""),
                name="one_visitor_registration_per_email_and_event",
                violation_error_message=_(
                    "Cette adresse e-mail est déjà inscrite à cet événement."
                ),
            ),
            models.CheckConstraint(
                condition=(
                    Q(user__isnull=False, name="", email="")
                    | (
                        Q(user__isnull=True, anonymised_at__isnull=True)
                        & ~Q(name="")
                        & ~Q(email="")
                    )
                    | Q(user__isnull=True, anonymised_at__isnull=False, name="", email="")
                ),
                name="registration_of_an_account_or_a_named_visitor",
                violation_error_message=_(
                    "Une inscription est celle d'un compte, ou d'une personne sans compte qui "
                    "donne son nom et son adresse e-mail."
                ),
            ),
            models.CheckConstraint(
                condition=~Q(status="pending") | Q(user__isnull=True, expires_at__isnull=False),
                name="only_visitors_confirm_by_a_link_before_a_deadline",
                violation_error_message=_(
                    "Seule une inscription sans compte attend une confirmation, avant une échéance."
                ),
            ),
        ]
        indexes = [models.Index(fields=["event", "status"], name="registration_event_status")]

    def __str__(self):
        return f"{self.display_name} → {self.event} ({self.status})"

    @property
    def is_visitor(self) -> bool:
        return self.user_id is None

    @property
    def display_name(self) -> str:
        if self.user_id:
            return self.user.display_name
        return self.name or str(_("Personne sans compte (données effacées)"))

    @property
    def recipient(self) -> str:
        """The address the registration's e-mails go to."""
        return self.user.email if self.user_id else self.email

    @property
    def is_confirmation_expired(self) -> bool:
        return (
            self.status == self.Status.PENDING
            and self.expires_at is not None
            and self.expires_at <= timezone.now()
        )


def _hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class VisitorLink(models.Model):
    """A visitor's personal link to confirm or cancel their registration, without an account.
    Each e-mail to a visitor carries a new one and the earlier ones keep working, so only the
    tokens' hashes are stored; they go when the registration is anonymised."""

    registration = models.ForeignKey(Registration, on_delete=models.CASCADE, related_name="links")
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("lien personnel d'inscription")
        verbose_name_plural = _("liens personnels d'inscription")

    def __str__(self):
        return f"{self.registration_id} ({self.created_at:%d/%m/%Y})"

    @classmethod
    def new(cls, registration: Registration) -> str:
        """Store a new link for the registration; the clear token is returned, never kept."""
        token = secrets.token_urlsafe(32)
        cls.objects.create(registration=registration, token_hash=_hash_token(token))
        return token

    @classmethod
    def registration_for(cls, token: str) -> Registration | None:
        link = (
            cls.objects.select_related("registration__event__organiser")
            .filter(token_hash=_hash_token(token))
            .first()
        )
        return link.registration if link else None


# --- Support requests ----------------------------------------------------------------------------


class SupportRequest(models.Model):
    """An organisation asks an ambassador for help. The ambassador sees only what it shares."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("À envoyer : choisissez un·e ambassadeur·rice")
        SENT = "sent", _("En attente de réponse")
        ACCEPTED = "accepted", _("Acceptée")
        DECLINED = "declined", _("Déclinée : choisissez quelqu'un d'autre")
        CLOSED = "closed", _("Clôturée")

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="support_requests"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    ambassador = models.ForeignKey(
        Ambassador,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="support_requests",
    )
    topics = models.JSONField(_("sujets"), default=list)
    tools = models.JSONField(_("outils concernés"), default=list, blank=True)
    message = models.TextField(_("votre message à l'ambassadeur·rice"), max_length=3000)
    share_contact = models.BooleanField(
        _("partager mon nom et mon adresse e-mail"),
        default=True,
        help_text=_("Sinon, l'ambassadeur·rice ne voit que le nom de l'organisation."),
    )
    share_diagnostic = models.BooleanField(
        _("partager nos dimensions les plus faibles au diagnostic"), default=False
    )
    share_profile = models.BooleanField(
        _("partager le secteur et la taille de l'organisation"), default=True
    )
    weak_dimensions = models.JSONField(default=list, blank=True, editable=False)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    response_message = models.TextField(blank=True, max_length=2000)
    escalated_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    objects = SupportRequestQuerySet.as_manager()

    class Meta:
        verbose_name = _("demande d'accompagnement")
        verbose_name_plural = _("demandes d'accompagnement")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["draft"]) | Q(ambassador__isnull=False),
                name="sent_request_has_ambassador",
            )
        ]

    def __str__(self):
        return f"{self.organisation} ({self.get_status_display()})"

    def get_absolute_url(self):
        return reverse("ambassadors:request_detail", args=[self.pk])

    @cached_property
    def topic_labels(self) -> list[str]:
        return dimension_labels(self.topics)

    @cached_property
    def weak_dimension_labels(self) -> list[str]:
        return dimension_labels(self.weak_dimensions)

    @property
    def can_choose(self) -> bool:
        return self.status in {self.Status.DRAFT, self.Status.DECLINED}


# --- Fiches pratiques ----------------------------------------------------------------------------


def resource_upload_to(instance, filename: str) -> str:
    # The stored name never reuses the uploader's file name (it may contain anything).
    return f"ambassadors/resources/{timezone.now():%Y/%m}/{instance.slug_hint}.pdf"


class Resource(models.Model):
    """A fiche pratique shared by an ambassador (or the CRESS), published after moderation."""

    class Status(models.TextChoices):
        PENDING = "pending", _("En attente de relecture")
        PUBLISHED = "published", _("Publiée")
        REJECTED = "rejected", _("Refusée")

    title = models.CharField(_("titre"), max_length=200)
    summary = models.CharField(_("résumé"), max_length=400)
    body = models.TextField(
        _("contenu"),
        blank=True,
        max_length=15000,
        help_text=_("Markdown : titres (##), listes, liens, tableaux. Ou joignez un PDF."),
    )
    pdf = models.FileField(
        _("fichier PDF"),
        storage=private_storage,
        upload_to=resource_upload_to,
        blank=True,
        max_length=200,
    )
    dimensions = models.JSONField(_("dimensions"), default=list)
    tools = models.JSONField(_("outils"), default=list, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    moderation_message = models.TextField(blank=True, max_length=1000)
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    published_at = models.DateTimeField(null=True, blank=True)

    objects = ResourceQuerySet.as_manager()

    class Meta:
        verbose_name = _("fiche pratique")
        verbose_name_plural = _("fiches pratiques")
        ordering = ["-published_at", "-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(body="") | ~Q(pdf=""),
                name="resource_has_body_or_pdf",
                violation_error_message=_("Écrivez le contenu de la fiche ou joignez un PDF."),
            )
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("ambassadors:resource_detail", args=[self.pk])

    @property
    def slug_hint(self) -> str:
        from django.utils.text import slugify

        return slugify(self.title)[:60] or "fiche"

    @cached_property
    def dimension_labels(self) -> list[str]:
        return dimension_labels(self.dimensions)
