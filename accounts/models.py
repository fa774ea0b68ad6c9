"""People, organisations, memberships and platform roles."""

import hashlib
import secrets
from datetime import timedelta
from typing import Self

from django.conf import settings
from django.contrib.auth.base_user import BaseUserManager
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from stdnum.fr import siren as stdnum_siren
from stdnum.fr import siret as stdnum_siret

from accounts import territories


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra_fields)


class User(AbstractUser):
    """A person. E-mail is the login; platform roles are flags and related profiles."""

    username = None
    email = models.EmailField(_("adresse e-mail"), unique=True)
    is_cress_admin = models.BooleanField(
        _("administrateur·rice CRESS"),
        default=False,
        help_text=_("Cure la boîte à outils, valide les conseiller·es et ambassadeur·rices."),
    )
    # Set when the "your account will be deleted" e-mail is sent (accounts.rgpd); a later
    # login makes it stale, so the warning is sent again only after a new period of inactivity.
    inactivity_warned_at = models.DateTimeField(null=True, blank=True, editable=False)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = []

    objects = UserManager()

    class Meta:
        verbose_name = _("utilisateur·rice")
        verbose_name_plural = _("utilisateur·rices")
        constraints = [
            models.UniqueConstraint(
                Lower("email"),
                name="user_email_ci_unique",
                violation_error_message=_("Un compte existe déjà avec cette adresse e-mail."),
            )
        ]

    def __str__(self):
        return self.display_name

    @property
    def display_name(self) -> str:
        return self.get_full_name() or self.email

    @property
    def is_adviser(self) -> bool:
        # The profile is the advisers app's (advisers.models.AdviserProfile), read through the
        # reverse relation: accounts sits below that app and never imports it.
        profile = getattr(self, "adviser_profile", None)
        return bool(profile and profile.is_approved)


# --- Organisations ------------------------------------------------------------------------------


def validate_siren(value: str) -> None:
    from django.core.exceptions import ValidationError

    if not value.isdigit() or len(value) != 9:
        raise ValidationError(_("Le SIREN compte exactement 9 chiffres."), code="siren_format")
    if not stdnum_siren.is_valid(value):
        raise ValidationError(
            _(
                "Ce SIREN n'est pas valide (la clé de contrôle ne correspond pas). Vérifiez-le sur votre avis de situation INSEE."
            ),
            code="siren_checksum",
        )


def validate_siret(value: str) -> None:
    from django.core.exceptions import ValidationError

    if not value.isdigit() or len(value) != 14:
        raise ValidationError(_("Le SIRET compte exactement 14 chiffres."), code="siret_format")
    if not stdnum_siret.is_valid(value):
        raise ValidationError(
            _("Ce SIRET n'est pas valide (la clé de contrôle ne correspond pas)."),
            code="siret_checksum",
        )


class LegalForm(models.TextChoices):
    ASSOCIATION = "association", _("Association loi 1901")
    SCOP = "scop", _("Coopérative — SCOP")
    SCIC = "scic", _("Coopérative — SCIC")
    CAE = "cae", _("Coopérative — CAE")
    COOPERATIVE_OTHER = "cooperative", _("Coopérative — autre")
    MUTUELLE = "mutuelle", _("Mutuelle")
    FONDATION = "fondation", _("Fondation")
    ESUS = "esus", _("Société commerciale de l'ESS / ESUS")
    SIAE = "siae", _("Structure d'insertion (SIAE)")
    OTHER = "autre", _("Autre")


class Sector(models.TextChoices):
    SOCIAL = "social", _("Social")
    MEDICO_SOCIAL = "medico_social", _("Médico-social")
    SPORT = "sport", _("Sport")
    CULTURE = "culture", _("Culture")
    EDUCATION_POPULAIRE = "education_populaire", _("Éducation populaire")
    ENVIRONNEMENT = "environnement", _("Environnement")
    SANTE = "sante", _("Santé")
    INSERTION = "insertion", _("Insertion")
    LOISIRS = "loisirs", _("Loisirs")
    SOLIDARITE_INTERNATIONALE = "solidarite_internationale", _("Solidarité internationale")
    OTHER = "autre", _("Autre")


class StaffBand(models.TextChoices):
    NONE = "0", _("Aucun·e salarié·e")
    TINY = "1-2", _("1 à 2 salarié·es")
    SMALL = "3-9", _("3 à 9 salarié·es")
    MEDIUM = "10-49", _("10 à 49 salarié·es")
    LARGE = "50+", _("50 salarié·es ou plus")


class VolunteersBand(models.TextChoices):
    NONE = "0", _("Aucun·e bénévole")
    FEW = "1-9", _("1 à 9 bénévoles")
    SOME = "10-49", _("10 à 49 bénévoles")
    MANY = "50-199", _("50 à 199 bénévoles")
    LOTS = "200+", _("200 bénévoles ou plus")


class IntegrationBand(models.TextChoices):
    """People in integration jobs (insertion par l'activité économique): the roadmap's typology
    takes an organisation that has some for a work-integration structure (SIAE)."""

    NONE = "0", _("Aucune : nous ne sommes pas une structure d'insertion")
    FEW = "1-9", _("1 à 9 personnes en parcours d'insertion")
    SOME = "10-29", _("10 à 29 personnes en parcours d'insertion")
    MANY = "30+", _("30 personnes ou plus en parcours d'insertion")


class OrganisationQuerySet(models.QuerySet["Organisation"]):
    def of_user(self, user):
        """Organisations where the user has an active membership."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(memberships__user=user, memberships__is_active=True)


class Organisation(models.Model):
    name = models.CharField(_("nom"), max_length=200)
    siren = models.CharField(_("SIREN"), max_length=9, validators=[validate_siren])
    siret = models.CharField(
        _("SIRET du siège"), max_length=14, blank=True, validators=[validate_siret]
    )
    legal_form = models.CharField(_("forme juridique"), max_length=20, choices=LegalForm)
    sector = models.CharField(_("secteur d'activité"), max_length=30, choices=Sector)
    staff_band = models.CharField(_("nombre de salarié·es"), max_length=5, choices=StaffBand)
    volunteers_band = models.CharField(
        _("nombre de bénévoles actif·ves"), max_length=6, choices=VolunteersBand
    )
    # Blank: not said (an organisation registered before the question existed, or unsure).
    integration_band = models.CharField(
        _("personnes en parcours d'insertion"),
        max_length=5,
        choices=IntegrationBand,
        blank=True,
        help_text=_(
            "Salarié·es en insertion par l'activité économique (atelier et chantier d'insertion, "
            "entreprise d'insertion, association intermédiaire…). Laissez vide si vous ne savez "
            "pas."
        ),
    )
    postcode = models.CharField(_("code postal"), max_length=5)
    departement = models.CharField(_("département"), max_length=3)
    region = models.CharField(_("région"), max_length=2, blank=True)
    federation = models.CharField(
        _("fédération ou réseau"),
        max_length=200,
        blank=True,
        help_text=_("Laissez vide si votre organisation n'adhère à aucune fédération ou réseau."),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["siren"],
                name="organisation_siren_unique",
                violation_error_message=_("Une organisation avec ce SIREN est déjà inscrite."),
            ),
            models.CheckConstraint(
                condition=Q(siren__regex=r"^[0-9]{9}$"),
                name="organisation_siren_nine_digits",
                violation_error_message=_("Le SIREN compte exactement 9 chiffres."),
            ),
            models.CheckConstraint(
                condition=Q(siret="") | Q(siret__regex=r"^[0-9]{14}$"),
                name="organisation_siret_fourteen_digits",
                violation_error_message=_("Le SIRET compte exactement 14 chiffres."),
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def departement_name(self) -> str:
        return territories.departement_name(self.departement)

    @property
    def region_name(self) -> str:
        return territories.region_name(self.region)

    def set_territory_from_postcode(self) -> bool:
        departement = territories.departement_for_postcode(self.postcode)
        if departement is None:
            return False
        self.departement = departement.code
        self.region = departement.region.code if departement.region else ""
        return True

    def active_admins(self):
        return User.objects.filter(
            memberships__organisation=self,
            memberships__is_active=True,
            memberships__role=Membership.Role.ADMIN,
        )


class MembershipQuerySet(models.QuerySet["Membership"]):
    def active(self) -> Self:
        return self.filter(is_active=True)

    def for_members_page(self):
        return self.select_related("user", "changed_by").order_by(
            "-is_active", "role", "user__email"
        )


class Membership(models.Model):
    """A person's place in an organisation. Deactivated, never deleted, to keep who did what."""

    class Role(models.TextChoices):
        ADMIN = "admin", _("Administrateur·rice")
        MEMBER = "member", _("Membre")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("rôle"), max_length=10, choices=Role.choices, default=Role.MEMBER)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("adhésion à une organisation")
        verbose_name_plural = _("adhésions aux organisations")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation"],
                name="one_membership_per_user_and_organisation",
                violation_error_message=_("Cette personne fait déjà partie de l'organisation."),
            )
        ]

    def __str__(self):
        return f"{self.user} @ {self.organisation} ({self.role})"

    @property
    def is_admin(self) -> bool:
        return self.is_active and self.role == self.Role.ADMIN


class MembershipChange(models.Model):
    """A change to an organisation's members made outside its own pages (by a superuser, in
    the Django admin). Its admins see these beside the advisers' access log."""

    class Action(models.TextChoices):
        ADDED = "added", _("ajout")
        CHANGED = "changed", _("modification")
        REMOVED = "removed", _("suppression")

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="membership_changes"
    )
    # Names are copied: the entry outlives the accounts it mentions.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_name = models.CharField(max_length=300)
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    member_name = models.CharField(max_length=300)
    action = models.CharField(max_length=10, choices=Action.choices)
    role_before = models.CharField(
        max_length=10, choices=Membership.Role.choices, blank=True, default=""
    )
    role_after = models.CharField(
        max_length=10, choices=Membership.Role.choices, blank=True, default=""
    )
    active_before = models.BooleanField(null=True, blank=True)
    active_after = models.BooleanField(null=True, blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("changement de membres")
        verbose_name_plural = _("changements de membres")
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["organisation", "-at"], name="membershipchange_org_at")]
        constraints = [
            models.CheckConstraint(
                condition=Q(action="added", role_before="", role_after__in=Membership.Role.values)
                | Q(action="removed", role_before__in=Membership.Role.values, role_after="")
                | Q(
                    action="changed",
                    role_before__in=Membership.Role.values,
                    role_after__in=Membership.Role.values,
                ),
                name="membershipchange_says_what_changed",
                violation_error_message=_(
                    "Ce changement d’adhésion est incomplet : un ajout indique le rôle donné, "
                    "un retrait le rôle retiré, une modification les deux."
                ),
            )
        ]

    def __str__(self):
        return f"{self.actor_name} · {self.organisation_id} · {self.action} · {self.at:%Y-%m-%d}"

    @property
    def summary(self) -> str:
        """What changed, in a sentence for the organisation's admins."""
        roles = dict(Membership.Role.choices)
        before = str(roles.get(self.role_before, self.role_before)).lower()
        after = str(roles.get(self.role_after, self.role_after)).lower()
        if self.action == self.Action.ADDED:
            return gettext("Ajout de %(member)s comme %(role)s") % {
                "member": self.member_name,
                "role": after,
            }
        if self.action == self.Action.REMOVED:
            return gettext("Suppression de l’adhésion de %(member)s (%(role)s)") % {
                "member": self.member_name,
                "role": before,
            }
        parts = []
        if self.role_before != self.role_after:
            parts.append(
                gettext("rôle %(before)s → %(after)s") % {"before": before, "after": after}
            )
        if self.active_before and self.active_after is False:
            parts.append(gettext("retrait de l’organisation"))
        elif self.active_before is False and self.active_after:
            parts.append(gettext("retour dans l’organisation"))
        return gettext("%(member)s : %(changes)s") % {
            "member": self.member_name,
            "changes": ", ".join(parts),
        }


def _hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class InvitationQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(accepted_at=None, revoked_at=None, expires_at__gt=timezone.now())


class Invitation(models.Model):
    """A single-use, expiring invitation to join an organisation. Only the token's hash is stored."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="invitations"
    )
    email = models.EmailField(_("adresse e-mail"))
    role = models.CharField(
        _("rôle"), max_length=10, choices=Membership.Role.choices, default=Membership.Role.MEMBER
    )
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        verbose_name = _("invitation")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.email} → {self.organisation}"

    @classmethod
    def new(cls, *, organisation, email, role, invited_by) -> tuple["Invitation", str]:
        token = secrets.token_urlsafe(32)
        invitation = cls(
            organisation=organisation,
            email=email.lower(),
            role=role,
            invited_by=invited_by,
            token_hash=_hash_token(token),
            expires_at=timezone.now() + timedelta(days=settings.INVITATION_VALIDITY_DAYS),
        )
        return invitation, token

    @classmethod
    def lookup(cls, token: str):
        return (
            cls.objects.select_related("organisation", "invited_by")
            .filter(token_hash=_hash_token(token))
            .first()
        )

    @property
    def is_expired(self) -> bool:
        return self.expires_at <= timezone.now()

    @property
    def is_usable(self) -> bool:
        return self.accepted_at is None and self.revoked_at is None and not self.is_expired


class JoinRequest(models.Model):
    """A person asks the admins of an already registered organisation to let them in."""

    class Status(models.TextChoices):
        PENDING = "pending", _("En attente")
        ACCEPTED = "accepted", _("Acceptée")
        DECLINED = "declined", _("Refusée")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="join_requests"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="join_requests"
    )
    message = models.TextField(_("message aux administrateur·rices"), max_length=1000, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("demande d'accès")
        verbose_name_plural = _("demandes d'accès")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation"],
                condition=Q(status="pending"),
                name="one_pending_join_request",
                violation_error_message=_(
                    "Vous avez déjà une demande en attente pour cette organisation."
                ),
            )
        ]

    def __str__(self):
        return f"{self.user} → {self.organisation} ({self.status})"
