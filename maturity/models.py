"""The diagnostic: a versioned questionnaire, diagnostics, respondents, answers, results."""

import hashlib
import secrets
from datetime import timedelta
from typing import Self

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from accounts.models import Organisation


class QuestionnaireQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=Questionnaire.Status.PUBLISHED)


class Questionnaire(models.Model):
    """One version of the questionnaire. Published versions are frozen; edits make a new draft."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Brouillon")
        PUBLISHED = "published", _("Publiée")
        ARCHIVED = "archived", _("Archivée")

    version = models.CharField(_("version"), max_length=20, unique=True)
    title = models.CharField(_("titre"), max_length=200)
    description = models.TextField(_("description"), blank=True, max_length=2000)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    # Thresholds and inventory lists are data of the version, like its questions.
    levels = models.JSONField(default=list)
    inventory = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    published_at = models.DateTimeField(null=True, blank=True)

    objects = QuestionnaireQuerySet.as_manager()

    class Meta:
        verbose_name = _("questionnaire")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["status"],
                condition=Q(status="published"),
                name="one_published_questionnaire",
                violation_error_message=_("Une seule version du questionnaire peut être publiée."),
            )
        ]

    def __str__(self):
        return f"{self.title} ({self.version})"

    @property
    def is_editable(self) -> bool:
        return self.status == self.Status.DRAFT


class Section(models.Model):
    class Kind(models.TextChoices):
        PROFILE = "profile", _("Profil de l'organisation")
        DIMENSION = "dimension", _("Dimension de maturité")
        DIFFICULTIES = "difficulties", _("Difficultés")
        SKILLS = "skills", _("Compétences individuelles")

    questionnaire = models.ForeignKey(
        Questionnaire, on_delete=models.CASCADE, related_name="sections"
    )
    kind = models.CharField(max_length=12, choices=Kind.choices)
    code = models.SlugField(max_length=60)
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True, max_length=2000)
    weight = models.PositiveSmallIntegerField(default=1)
    order = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["order"]
        constraints = [
            models.UniqueConstraint(
                fields=["questionnaire", "code"], name="section_code_unique_in_version"
            ),
            models.CheckConstraint(condition=Q(weight__gte=1), name="section_weight_positive"),
        ]

    def __str__(self):
        return self.title


class Question(models.Model):
    class Kind(models.TextChoices):
        SINGLE = "single", _("Choix unique")
        MULTIPLE = "multiple", _("Choix multiple")
        SCALE = "scale", _("Échelle")
        TEXT = "text", _("Texte libre")

    questionnaire = models.ForeignKey(
        Questionnaire, on_delete=models.CASCADE, related_name="questions"
    )
    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="questions")
    code = models.SlugField(max_length=80)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    text = models.TextField(max_length=1000)
    help = models.TextField(blank=True, max_length=2000)
    required = models.BooleanField(default=True)
    allow_unknown = models.BooleanField(default=True)
    weight = models.PositiveSmallIntegerField(default=1)
    order = models.PositiveSmallIntegerField()
    show_if_question = models.CharField(max_length=80, blank=True)
    show_if_choices = models.JSONField(default=list, blank=True)
    difficulty_type = models.CharField(max_length=20, blank=True)
    # Asked in the short discovery diagnostic, without an account (maturity.discovery).
    discovery = models.BooleanField(default=False)
    # A profile question the organisation's record answers (maturity.profile): not asked in
    # the organisation's diagnostic, whose profile part shows the record instead.
    organisation_field = models.CharField(max_length=30, blank=True)

    class Meta:
        ordering = ["section__order", "order"]
        constraints = [
            models.UniqueConstraint(
                fields=["questionnaire", "code"], name="question_code_unique_in_version"
            ),
            models.CheckConstraint(condition=Q(weight__gte=1), name="question_weight_positive"),
        ]

    def __str__(self):
        return self.code


class Choice(models.Model):
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="choices")
    code = models.SlugField(max_length=100)
    label = models.CharField(max_length=300)
    score = models.PositiveSmallIntegerField(null=True, blank=True)
    explanation = models.TextField(blank=True, max_length=1000)
    exclusive = models.BooleanField(default=False)
    order = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["order"]
        constraints = [
            models.UniqueConstraint(
                fields=["question", "code"], name="choice_code_unique_in_question"
            ),
            models.CheckConstraint(
                condition=Q(score__isnull=True) | Q(score__gte=0, score__lte=100),
                name="choice_score_in_range",
                violation_error_message=_("Le score d'un choix est compris entre 0 et 100."),
            ),
        ]

    def __str__(self):
        return self.label


# --- Diagnostics --------------------------------------------------------------------------------


class DiagnosticQuerySet(models.QuerySet["Diagnostic"]):
    def of_member(self, user):
        """Diagnostics of the organisations where the user is an active member."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(
            organisation__memberships__user=user, organisation__memberships__is_active=True
        )

    def completed(self):
        return self.filter(status=Diagnostic.Status.COMPLETED)


class Diagnostic(models.Model):
    class Status(models.TextChoices):
        IN_PROGRESS = "in_progress", _("En cours")
        COMPLETED = "completed", _("Terminé")

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="diagnostics"
    )
    questionnaire = models.ForeignKey(
        Questionnaire, on_delete=models.PROTECT, related_name="diagnostics"
    )
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.IN_PROGRESS)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = DiagnosticQuerySet.as_manager()

    class Meta:
        verbose_name = _("diagnostic")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation"],
                condition=Q(status="in_progress"),
                name="one_diagnostic_in_progress_per_organisation",
                violation_error_message=_(
                    "Un diagnostic est déjà en cours pour cette organisation."
                ),
            )
        ]

    def __str__(self):
        return f"{self.organisation} — {self.created_at:%d/%m/%Y}"

    @property
    def is_completed(self) -> bool:
        return self.status == self.Status.COMPLETED


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class RespondentQuerySet(models.QuerySet["Respondent"]):
    def for_answering(self, *, with_organisation: bool = True) -> Self:
        """What the answering pages read: the diagnostic and its questionnaire (the structure
        cache's key). The requester is the respondent's user, and a member's organisations are
        already loaded with their memberships, so neither is joined unless asked."""
        related = ["diagnostic__questionnaire"]
        if with_organisation:
            related.append("diagnostic__organisation")
        return self.select_related(*related).defer(
            "diagnostic__questionnaire__levels",
            "diagnostic__questionnaire__inventory",
            "diagnostic__questionnaire__description",
        )

    def with_diagnostic(self):
        # The questionnaire's big JSON columns are only read when its structure is (re)built.
        return self.select_related(
            "diagnostic__organisation", "diagnostic__questionnaire", "user"
        ).defer(
            "diagnostic__questionnaire__levels",
            "diagnostic__questionnaire__inventory",
            "diagnostic__questionnaire__description",
        )


class Respondent(models.Model):
    """One person answering a diagnostic: a member with an account, or a guest with a personal link."""

    GUEST_LINK_DAYS = 30

    diagnostic = models.ForeignKey(Diagnostic, on_delete=models.CASCADE, related_name="respondents")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="respondents",
    )
    name = models.CharField(_("nom"), max_length=150, blank=True)
    email = models.EmailField(_("adresse e-mail"), blank=True)
    role_label = models.CharField(_("rôle dans l'organisation"), max_length=100, blank=True)
    token_hash = models.CharField(max_length=64, null=True, blank=True, unique=True, editable=False)
    expires_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    share_answers = models.BooleanField(
        _("je partage mes réponses individuelles avec les administrateur·rices de l'organisation"),
        default=False,
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = RespondentQuerySet.as_manager()

    class Meta:
        verbose_name = _("répondant·e")
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["diagnostic", "user"],
                condition=Q(user__isnull=False),
                name="one_respondent_per_member_and_diagnostic",
                violation_error_message=_("Cette personne répond déjà à ce diagnostic."),
            ),
            models.CheckConstraint(
                condition=Q(user__isnull=False) | Q(token_hash__isnull=False),
                name="respondent_is_member_or_guest",
            ),
        ]

    def __str__(self):
        return self.display_name

    @property
    def display_name(self) -> str:
        if self.user_id:
            return self.user.display_name
        return self.name or self.email

    @property
    def is_guest(self) -> bool:
        return self.user_id is None

    @classmethod
    def new_guest(
        cls, *, diagnostic, name, email, role_label, invited_by
    ) -> tuple["Respondent", str]:
        token = secrets.token_urlsafe(32)
        respondent = cls(
            diagnostic=diagnostic,
            name=name,
            email=email.lower(),
            role_label=role_label,
            invited_by=invited_by,
            token_hash=_hash(token),
            expires_at=timezone.now() + timedelta(days=cls.GUEST_LINK_DAYS),
        )
        return respondent, token

    @classmethod
    def for_token(cls, token: str):
        return cls.objects.with_diagnostic().filter(token_hash=_hash(token)).first()

    @property
    def guest_link_is_live(self) -> bool:
        return (
            self.token_hash is not None
            and self.revoked_at is None
            and self.expires_at is not None
            and self.expires_at > timezone.now()
        )


class Answer(models.Model):
    respondent = models.ForeignKey(Respondent, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="+")
    choice_ids = models.JSONField(default=list)
    unknown = models.BooleanField(default=False)
    text = models.TextField(blank=True, max_length=2000)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            # Autosave uses update_or_create: two tabs saving at once can never make two rows.
            models.UniqueConstraint(
                fields=["respondent", "question"], name="one_answer_per_question"
            ),
        ]

    def __str__(self):
        return f"{self.respondent_id}/{self.question_id}"


class InventoryItem(models.Model):
    """A tool the organisation uses for a usage (inventory module), or, with `without_tool`,
    the answer that it does without one (on paper, by word of mouth)."""

    diagnostic = models.ForeignKey(
        Diagnostic, on_delete=models.CASCADE, related_name="inventory_items"
    )
    usage = models.CharField(max_length=40)
    tool_name = models.CharField(_("outil"), max_length=100, blank=True)
    # The guide's stage "avant": the usage is met without a digital tool. Its row has no name.
    without_tool = models.BooleanField(_("aucun outil numérique"), default=False)
    libre = models.BooleanField(null=True)
    eu_hosted = models.BooleanField(null=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["usage", "tool_name"]
        constraints = [
            models.UniqueConstraint(
                "diagnostic",
                "usage",
                Lower("tool_name"),
                name="inventory_tool_once_per_usage",
                violation_error_message=_("Cet outil est déjà listé pour cet usage."),
            ),
            models.CheckConstraint(
                condition=Q(without_tool=True, tool_name="")
                | (Q(without_tool=False) & ~Q(tool_name="")),
                name="inventory_item_is_a_tool_or_none",
                violation_error_message=_(
                    "Une ligne de l'inventaire nomme un outil, ou dit qu'il n'y en a pas."
                ),
            ),
        ]

    def __str__(self):
        return f"{self.usage}: {self.tool_name or '-'}"


class EquipmentItem(models.Model):
    diagnostic = models.ForeignKey(
        Diagnostic, on_delete=models.CASCADE, related_name="equipment_items"
    )
    kind = models.CharField(max_length=40)
    count = models.PositiveIntegerField(_("nombre"), default=0)
    average_age = models.PositiveSmallIntegerField(_("âge moyen (années)"), null=True, blank=True)
    reconditioned_percent = models.PositiveSmallIntegerField(
        _("part reconditionnée (%)"), null=True, blank=True
    )
    # The organisation's renewal practice: its devices' manufacturing footprint is spread over
    # these years (maturity.footprint.lifespan).
    renewal_years = models.PositiveSmallIntegerField(
        _("renouvelés au bout de (années)"), null=True, blank=True
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["diagnostic", "kind"], name="equipment_kind_once_per_diagnostic"
            ),
            models.CheckConstraint(
                condition=Q(renewal_years__isnull=True)
                | Q(renewal_years__gte=1, renewal_years__lte=30),
                name="equipment_renewal_plausible",
                violation_error_message=_(
                    "La durée avant renouvellement doit être comprise entre 1 et 30 ans."
                ),
            ),
            models.CheckConstraint(
                condition=Q(reconditioned_percent__isnull=True) | Q(reconditioned_percent__lte=100),
                name="reconditioned_percent_in_range",
                violation_error_message=_(
                    "La part reconditionnée est un pourcentage entre 0 et 100."
                ),
            ),
            models.CheckConstraint(
                condition=Q(average_age__isnull=True) | Q(average_age__lte=50),
                name="equipment_age_plausible",
                violation_error_message=_("L'âge moyen doit être compris entre 0 et 50 ans."),
            ),
        ]

    def __str__(self):
        return f"{self.kind}: {self.count}"


class ResultSnapshot(models.Model):
    """Results frozen at completion: results pages read this, never recompute."""

    diagnostic = models.OneToOneField(Diagnostic, on_delete=models.CASCADE, related_name="snapshot")
    overall_score = models.FloatField(null=True)
    overall_level = models.CharField(max_length=40, blank=True)
    data = models.JSONField(default=dict)
    computed_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(overall_score__isnull=True)
                | Q(overall_score__gte=0, overall_score__lte=100),
                name="overall_score_in_range",
            )
        ]

    def __str__(self):
        return f"{self.diagnostic_id}: {self.overall_score}"


class DimensionResult(models.Model):
    """One row per dimension of a completed diagnostic, so comparisons are computed in SQL."""

    snapshot = models.ForeignKey(
        ResultSnapshot, on_delete=models.CASCADE, related_name="dimension_results"
    )
    dimension = models.CharField(max_length=60)
    score = models.FloatField(null=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["snapshot", "dimension"], name="one_result_per_dimension"
            ),
            models.CheckConstraint(
                condition=Q(score__isnull=True) | Q(score__gte=0, score__lte=100),
                name="dimension_score_in_range",
            ),
        ]

    def __str__(self):
        return f"{self.dimension}: {self.score}"


# --- Roadmap (feuille de route) ----------------------------------------------------------------


class RoadmapRules(models.Model):
    """One version of the recommendation rules (fixtures/roadmap.yaml), validated, as data."""

    version = models.CharField(max_length=20, unique=True)
    data = models.JSONField()
    is_active = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("règles de la feuille de route")
        verbose_name_plural = _("règles de la feuille de route")
        constraints = [
            models.UniqueConstraint(
                fields=["is_active"], condition=Q(is_active=True), name="one_active_roadmap_rules"
            )
        ]

    def __str__(self):
        return self.version


class Roadmap(models.Model):
    """The organisation's living roadmap: regenerated from each diagnostic, edits kept."""

    organisation = models.OneToOneField(
        Organisation, on_delete=models.CASCADE, related_name="roadmap"
    )
    diagnostic = models.ForeignKey(
        Diagnostic, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    rules_version = models.CharField(max_length=20, blank=True)
    # What the typology reads (maturity.typology): the organisation's record as the diagnostic
    # kept it (maturity.profile) and the profile answers of older versions of the
    # questionnaire, so that pages filter funding leads by eligibility for what the roadmap
    # was made for, without reading the answers again.
    profile = models.JSONField(default=dict, blank=True)
    generated_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("feuille de route")

    def __str__(self):
        return f"{self.organisation}"


class RoadmapActionQuerySet(models.QuerySet):
    def for_roadmap_page(self):
        # The adviser's recommendation (advisers app) is a one-to-one on the action.
        return self.select_related("owner", "adviser_recommendation").order_by(
            "obsolete", "position", "pk"
        )


class RoadmapAction(models.Model):
    class Decision(models.TextChoices):
        PROPOSED = "proposed", _("Proposée")
        ACCEPTED = "accepted", _("Retenue")
        DECLINED = "declined", _("Écartée")

    class Status(models.TextChoices):
        TODO = "todo", _("À faire")
        DOING = "doing", _("En cours")
        DONE = "done", _("Fait")

    class Source(models.TextChoices):
        RULE = "rule", _("Proposée par le diagnostic")
        CUSTOM = "custom", _("Ajoutée par l'organisation")
        ADVISER = "adviser", _("Recommandée par un·e conseiller·e")

    roadmap = models.ForeignKey(Roadmap, on_delete=models.CASCADE, related_name="actions")
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.RULE)
    template_code = models.CharField(max_length=80, blank=True)
    title = models.CharField(_("titre"), max_length=200)
    explanation = models.TextField(_("pourquoi cette action"), blank=True, max_length=2000)
    steps = models.JSONField(default=list, blank=True)
    dimension = models.CharField(_("dimension"), max_length=60, blank=True)
    priority = models.PositiveSmallIntegerField(default=2)
    horizon = models.CharField(max_length=5, default="3-6")
    effort = models.CharField(max_length=10, blank=True)
    cost = models.CharField(max_length=20, blank=True)
    reasons = models.JSONField(default=list, blank=True)
    needs = models.JSONField(default=list, blank=True)  # toolbox need codes
    funding = models.JSONField(default=list, blank=True)
    training = models.JSONField(default=list, blank=True)
    decision = models.CharField(max_length=10, choices=Decision.choices, default=Decision.PROPOSED)
    decline_reason = models.CharField(_("raison"), max_length=300, blank=True)
    status = models.CharField(
        _("avancement"), max_length=6, choices=Status.choices, default=Status.TODO
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="roadmap_actions",
        verbose_name=_("responsable"),
    )
    due_date = models.DateField(_("échéance"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True, max_length=4000)
    position = models.PositiveIntegerField(default=0)
    is_new = models.BooleanField(default=False)
    # "Pour plus tard": proposed, but not among the few priorities (roadmap_rules.select).
    later = models.BooleanField(default=False)
    obsolete = models.BooleanField(default=False)
    edited = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])
    objects = RoadmapActionQuerySet.as_manager()

    class Meta:
        verbose_name = _("action de la feuille de route")
        verbose_name_plural = _("actions de la feuille de route")
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["roadmap", "template_code"],
                condition=~Q(template_code=""),
                name="one_action_per_template_in_roadmap",
            ),
            models.CheckConstraint(
                condition=Q(priority__gte=1, priority__lte=3), name="action_priority_1_to_3"
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def is_late(self) -> bool:
        return bool(
            self.due_date
            and self.status != self.Status.DONE
            and self.due_date < timezone.localdate()
        )


class PdfExport(models.Model):
    """A roadmap PDF, identified by a hash of its content: an unchanged roadmap reuses its file."""

    class Status(models.TextChoices):
        PENDING = "pending", _("En attente")
        RUNNING = "running", _("En cours")
        DONE = "done", _("Prêt")
        FAILED = "failed", _("Échec")

    roadmap = models.ForeignKey(Roadmap, on_delete=models.CASCADE, related_name="pdf_exports")
    content_hash = models.CharField(max_length=64)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.PENDING)
    file_name = models.CharField(max_length=200, blank=True)
    error = models.TextField(blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            # Two requests at once for the same content make one row, hence one task doing the work.
            models.UniqueConstraint(
                fields=["roadmap", "content_hash"], name="one_pdf_per_roadmap_content"
            )
        ]

    def __str__(self):
        return f"{self.roadmap_id}:{self.content_hash[:8]} ({self.status})"
