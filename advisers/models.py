"""Adviser accounts (DLA structures and adviser profiles), consents, the access log, adviser
notes, the adviser's name on recommendations, and the observatory's facts."""

from datetime import UTC, datetime
from typing import Self

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts import territories
from accounts.models import Organisation
from maturity.models import RoadmapAction

DURATION_CHOICES = [(3, _("3 mois")), (6, _("6 mois")), (12, _("12 mois"))]
DEFAULT_MONTHS = 12


# --- Adviser accounts ---------------------------------------------------------------------------


class DlaStructure(models.Model):
    """A DLA (Dispositif local d'accompagnement) structure and the départements it covers."""

    name = models.CharField(_("nom"), max_length=200, unique=True)
    departements = models.JSONField(_("départements couverts"), default=list)

    class Meta:
        # Created in accounts and moved here with its table, which kept its name.
        db_table = "accounts_dlastructure"
        verbose_name = _("structure DLA")
        verbose_name_plural = _("structures DLA")
        ordering = ["name"]

    def __str__(self):
        return self.name

    @property
    def departement_names(self) -> list[str]:
        return [territories.departement_name(code) for code in self.departements]


class AdviserProfileQuerySet(models.QuerySet):
    def pending_review(self):
        """Requests a CRESS admin has to decide, oldest first."""
        return self.filter(status=AdviserProfile.Status.PENDING).order_by("requested_at")

    def approved(self):
        return self.filter(status=AdviserProfile.Status.APPROVED)


class AdviserProfile(models.Model):
    """A DLA adviser's account request; the adviser role exists once a CRESS admin approves it."""

    class Status(models.TextChoices):
        PENDING = "pending", _("En attente de validation")
        APPROVED = "approved", _("Validé")
        REJECTED = "rejected", _("Refusé")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="adviser_profile"
    )
    structure = models.ForeignKey(
        DlaStructure,
        on_delete=models.PROTECT,
        related_name="advisers",
        verbose_name=_("structure DLA"),
    )
    job_title = models.CharField(_("fonction"), max_length=200, default="Chargé·e de mission DLA")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    requested_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decision_message = models.TextField(blank=True)

    objects = AdviserProfileQuerySet.as_manager()

    class Meta:
        # Created in accounts and moved here with its table, which kept its name.
        db_table = "accounts_adviserprofile"
        verbose_name = _("profil de conseiller·e")
        verbose_name_plural = _("profils de conseiller·es")

    def __str__(self):
        return f"{self.user} ({self.structure})"

    @property
    def is_approved(self) -> bool:
        """The adviser role exists (User.is_adviser reads this)."""
        return self.status == self.Status.APPROVED


class ConsentQuerySet(models.QuerySet["Consent"]):
    def live(self, now: datetime | None = None) -> Self:
        """Consents that open access right now: granted, not revoked, not expired, and held by
        an adviser whose account is still approved."""
        return self.filter(
            status=Consent.Status.ACTIVE,
            expires_at__gt=now or timezone.now(),
            adviser__adviser_profile__status=AdviserProfile.Status.APPROVED,
        )


class Consent(models.Model):
    """An organisation's permission for one adviser to read its results and roadmap.

    Granted by an admin (or asked by the adviser and accepted by an admin), limited in time,
    revocable at once; the text the admin agreed to is stored as shown.
    """

    class Status(models.TextChoices):
        REQUESTED = "requested", _("Demandé par le·la conseiller·e")
        INVITED = "invited", _("Invitation envoyée, compte conseiller·e à créer")
        ACTIVE = "active", _("Accordé")
        REFUSED = "refused", _("Demande refusée")
        REVOKED = "revoked", _("Retiré")
        EXPIRED = "expired", _("Expiré")

    class Scope(models.TextChoices):
        RESULTS_ROADMAP = "results_roadmap", _("Résultats et feuille de route")

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="adviser_consents"
    )
    adviser = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="client_consents",
    )
    email = models.EmailField(_("adresse e-mail invitée"), blank=True)
    status = models.CharField(max_length=10, choices=Status.choices)
    scope = models.CharField(
        _("périmètre"), max_length=20, choices=Scope.choices, default=Scope.RESULTS_ROADMAP
    )
    months = models.PositiveSmallIntegerField(
        _("durée"), choices=DURATION_CHOICES, default=DEFAULT_MONTHS
    )
    consent_text = models.TextField(_("texte du consentement"), blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    granted_at = models.DateTimeField(null=True, blank=True)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_at = models.DateTimeField(null=True, blank=True)
    request_message = models.TextField(_("message"), max_length=1000, blank=True)
    refused_at = models.DateTimeField(null=True, blank=True)
    refused_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reminder_sent_for = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ConsentQuerySet.as_manager()

    class Meta:
        verbose_name = _("accès d'un·e conseiller·e")
        verbose_name_plural = _("accès des conseiller·es")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "adviser"],
                condition=Q(status__in=["requested", "active"]),
                name="one_live_consent_per_organisation_and_adviser",
                violation_error_message=_(
                    "Ce·tte conseiller·e a déjà un accès en cours ou une demande en attente pour "
                    "cette organisation."
                ),
            ),
            models.UniqueConstraint(
                fields=["organisation", "email"],
                condition=Q(status="invited"),
                name="one_pending_invitation_per_organisation_and_email",
                violation_error_message=_("Cette adresse a déjà une invitation en attente."),
            ),
            models.CheckConstraint(
                condition=Q(months__in=[3, 6, 12]),
                name="consent_months_3_6_or_12",
                violation_error_message=_("La durée est de 3, 6 ou 12 mois."),
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["active", "invited"])
                | (Q(expires_at__isnull=False, granted_by__isnull=False) & ~Q(consent_text="")),
                name="granted_consent_is_recorded",
                violation_error_message=_(
                    "Un accès accordé indique qui l'a accordé, jusqu'à quand et le texte accepté."
                ),
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["active", "requested"]) | Q(adviser__isnull=False),
                name="consent_names_its_adviser",
                violation_error_message=_("Un accès est accordé à une personne précise."),
            ),
        ]

    def __str__(self):
        who = self.adviser or self.email
        return f"{who} → {self.organisation} ({self.status})"

    @property
    def is_live(self) -> bool:
        return (
            self.status == self.Status.ACTIVE
            and self.expires_at is not None
            and self.expires_at > timezone.now()
        )

    @property
    def adviser_label(self) -> str:
        return self.adviser.display_name if self.adviser else self.email


def log_hour(moment):
    """The UTC hour an access-log line stands for (see AccessLog.hour)."""
    return moment.astimezone(UTC).replace(minute=0, second=0, microsecond=0)


class AccessLog(models.Model):
    """One adviser reading one organisation's data. Kept 12 months (see services.purge_logs).

    One line per adviser, organisation, kind of page and hour: reloads and the pages of one
    visit would otherwise fill the organisation's list with identical lines."""

    class What(models.TextChoices):
        CLIENT = "client", _("Résultats et feuille de route")
        PREDIAGNOSTIC = "prediagnostic", _("Fiche de prédiagnostic")
        PORTFOLIO = "portfolio", _("Synthèse dans le portefeuille")
        COMPARISON = "comparison", _("Comparaison avec d'autres clients")
        EXPORT = "export", _("Export CSV du portefeuille")

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="adviser_access_logs"
    )
    adviser = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    adviser_name = models.CharField(max_length=300)
    what = models.CharField(max_length=15, choices=What.choices)
    at = models.DateTimeField(default=timezone.now)  # the first reading of the hour
    # The unique constraint, not a check before the insert, keeps one line per hour when
    # requests arrive together; services.log_access skips the rows it refuses.
    hour = models.DateTimeField()

    class Meta:
        verbose_name = _("consultation par un·e conseiller·e")
        verbose_name_plural = _("consultations par les conseiller·es")
        ordering = ["-at"]
        indexes = [
            models.Index(fields=["organisation", "-at"], name="accesslog_org_at"),
            models.Index(fields=["at"], name="accesslog_at"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "adviser", "what", "hour"],
                name="one_access_log_per_adviser_page_and_hour",
            )
        ]

    def __str__(self):
        return f"{self.adviser_name} · {self.organisation_id} · {self.what} · {self.at:%Y-%m-%d}"

    def save(self, *args, **kwargs):
        self.hour = log_hour(self.at)
        super().save(*args, **kwargs)


class AdviserNote(models.Model):
    """An adviser's opinion on one dimension of an organisation's results."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="adviser_notes"
    )
    adviser = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    adviser_name = models.CharField(max_length=300)
    dimension = models.CharField(_("dimension"), max_length=60)
    text = models.TextField(_("avis"), max_length=4000)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("avis de conseiller·e")
        verbose_name_plural = _("avis de conseiller·es")
        ordering = ["dimension", "updated_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "adviser", "dimension"],
                name="one_note_per_adviser_and_dimension",
                violation_error_message=_("Vous avez déjà un avis sur cette dimension."),
            ),
            models.CheckConstraint(condition=~Q(text=""), name="adviser_note_not_empty"),
        ]

    def __str__(self):
        return f"{self.adviser_name} · {self.dimension}"


class Recommendation(models.Model):
    """Who recommended a roadmap action (source=adviser): the name stays even if the account goes."""

    action = models.OneToOneField(
        RoadmapAction, on_delete=models.CASCADE, related_name="adviser_recommendation"
    )
    adviser = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    adviser_name = models.CharField(max_length=300)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("recommandation de conseiller·e")
        verbose_name_plural = _("recommandations de conseiller·es")

    def __str__(self):
        return f"{self.adviser_name}: {self.action_id}"


# --- Observatory facts ---------------------------------------------------------------------------

# Typed score columns of ObservatoryFact, one per dimension code ever seen (ObservatoryDimension
# says which). A JSON column of scores costs about 1 s per page over 100,000 rows (every median
# and level count decodes it again) and one row per dimension sorts 1,000,000 rows; plain
# columns keep a page's single grouping query near 200 ms. 20 leaves room for renamed or new
# dimensions across questionnaire versions (10 today); more takes a migration adding columns.
DIMENSION_SLOTS = 20


def score_column(slot: int) -> str:
    return f"score_{slot:02d}"


class ObservatoryDimension(models.Model):
    """Which ObservatoryFact column holds a dimension's score. Given the first time the code is
    seen and never changed, so every questionnaire version's scores for the same dimension code
    land in the same column (the observatory groups dimensions by code across versions)."""

    code = models.CharField(max_length=60, unique=True)
    slot = models.PositiveSmallIntegerField(unique=True)

    class Meta:
        verbose_name = _("dimension de l'observatoire")
        verbose_name_plural = _("dimensions de l'observatoire")
        constraints = [
            models.CheckConstraint(
                condition=Q(slot__gte=1, slot__lte=DIMENSION_SLOTS),
                name="observatory_dimension_slot_in_range",
            )
        ]

    def __str__(self):
        return f"{self.code} → {score_column(self.slot)}"


class ObservatoryFactQuerySet(models.QuerySet):
    def latest(self):
        """Each organisation's latest completed diagnostic (one row per organisation)."""
        return self.filter(is_latest=True)

    def of_organisations(self, filters: dict[str, str]):
        """Rows of the organisations matching the observatory's filters (organisation fields)."""
        return self.filter(**{f"organisation__{name}": value for name, value in filters.items()})


class ObservatoryFact(models.Model):
    """One completed diagnostic as the observatory reads it: its year, overall score and level,
    and its dimension scores in typed columns, with a flag on each organisation's latest one
    (and on its latest one of each year).

    Derived data, rebuilt from the results snapshot by advisers.observatory.record() whenever a
    snapshot is stored (maturity.results.store_snapshot) and by the rebuild_observatory command.
    The organisation's profile (sector, size, territory…) is not copied: it is joined at read
    time, so a profile edit needs no upkeep. Rows go with the diagnostic or the organisation
    (cascade), so nothing of an erased organisation survives here either.
    """

    diagnostic = models.OneToOneField(
        "maturity.Diagnostic", on_delete=models.CASCADE, related_name="observatory_fact"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="observatory_facts"
    )
    completed_at = models.DateTimeField()
    year = models.PositiveSmallIntegerField()  # of completed_at, in the site's time zone
    is_latest = models.BooleanField(default=False)
    # The organisation's latest diagnostic of that year: the evolution by year counts
    # organisations with this instead of a COUNT(DISTINCT), which sorts every row again.
    is_latest_of_year = models.BooleanField(default=False)
    overall_score = models.FloatField(null=True)
    overall_level = models.CharField(max_length=40, blank=True)
    # score_01 … score_20 (see DIMENSION_SLOTS): declared in a loop to keep them in step.
    for _slot in range(1, DIMENSION_SLOTS + 1):
        locals()[score_column(_slot)] = models.FloatField(null=True)
    del _slot
    # The equipment's greenhouse-gas footprint per person, kg CO2e a year (maturity.footprint),
    # from the snapshot; null when the inventory gave none.
    footprint_per_person = models.FloatField(null=True)

    objects = ObservatoryFactQuerySet.as_manager()

    class Meta:
        verbose_name = _("diagnostic vu par l'observatoire")
        verbose_name_plural = _("diagnostics vus par l'observatoire")
        constraints = [
            # "Latest" is one row per organisation: the observatory counts organisations.
            models.UniqueConstraint(
                fields=["organisation"],
                condition=Q(is_latest=True),
                name="one_latest_observatory_fact_per_organisation",
            ),
            models.UniqueConstraint(
                fields=["organisation", "year"],
                condition=Q(is_latest_of_year=True),
                name="one_latest_observatory_fact_per_organisation_and_year",
            ),
            models.CheckConstraint(
                condition=Q(overall_score__isnull=True)
                | Q(overall_score__gte=0, overall_score__lte=100),
                name="observatory_overall_score_in_range",
            ),
        ]

    def __str__(self):
        return f"{self.diagnostic_id}: {self.overall_score}"
