"""The toolbox: ethical tools, who hosts them, what they replace, and how members contribute.

Three facts are kept apart on purpose and never conflated: the licence of the software
(Tool.licence_spdx / licence_status), the ESS status of a provider (Provider.ess_status), and
where data lives (HostingOffer.data_country).
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from simple_history.models import HistoricalRecords

from toolbox.countries import country_name
from toolbox.querysets import ToolQuerySet
from toolbox.search import TsVectorField
from toolbox.spdx import validate_spdx_expression


class Usage(models.TextChoices):
    """Same codes and labels as the diagnostic inventory (app maturity), checked by a test."""

    STOCKAGE = "stockage", _("Stockage et partage de fichiers")
    SAUVEGARDE = "sauvegarde", _("Sauvegarde des données")
    EMAIL = "email", _("Messagerie électronique (e-mail)")
    MESSAGERIE = "messagerie", _("Messagerie instantanée et discussion d'équipe")
    VISIO = "visio", _("Visioconférence")
    AGENDA = "agenda", _("Agenda partagé")
    BUREAUTIQUE = "bureautique", _("Suite bureautique")
    SITE_WEB = "site_web", _("Site web")
    RESEAUX_SOCIAUX = "reseaux_sociaux", _("Réseaux sociaux")
    LETTRE_INFO = "lettre_info", _("Lettre d'information (newsletter)")
    CRM_ADHERENTS = "crm_adherents", _("Gestion des adhérent·es et contacts (CRM)")
    COMPTABILITE = "comptabilite", _("Comptabilité")
    PAIEMENT_DONS = "paiement_dons", _("Paiement en ligne, adhésions et dons")
    VENTE_EN_LIGNE = "vente_en_ligne", _("Vente en ligne et billetterie")
    GOUVERNANCE_VOTES = "gouvernance_votes", _("Gouvernance et votes")
    GESTION_PROJET = "gestion_projet", _("Gestion de projet et tâches")
    MOTS_DE_PASSE = "mots_de_passe", _("Mots de passe")


NEED_CODE_VALIDATOR = RegexValidator(
    r"^[a-z][a-z_]*$",
    _("Un code de besoin s'écrit en lettres minuscules sans accent et tirets bas (vote_secret)."),
)


class Need(models.Model):
    """A need an organisation can have (sauvegarde, vote_secret…): the fine-grained vocabulary
    by which tools are matched to roadmap actions. Curated content, loaded from
    fixtures/toolbox.yaml; roadmap rules and tools refer to needs by code."""

    code = models.CharField(_("code"), max_length=40, unique=True, validators=[NEED_CODE_VALIDATOR])
    label = models.CharField(_("libellé"), max_length=120)
    description = models.CharField(_("description courte"), max_length=300, blank=True)
    position = models.PositiveSmallIntegerField(_("ordre d'affichage"), default=0)

    class Meta:
        ordering = ["position", "label"]
        verbose_name = _("besoin")
        verbose_name_plural = _("besoins")

    def __str__(self):
        return self.label


def validate_need_codes(value) -> None:
    """Refuse a list of need codes that names a need the vocabulary does not have."""
    if not isinstance(value, list) or not all(isinstance(code, str) for code in value):
        raise ValidationError(_("Les besoins sont une liste de codes."))
    unknown = sorted(set(value) - set(Need.objects.values_list("code", flat=True)))
    if unknown:
        raise ValidationError(
            ngettext(
                "Besoin inconnu : %(codes)s.",
                "Besoins inconnus : %(codes)s.",
                len(unknown),
            ),
            params={"codes": ", ".join(unknown)},
            code="unknown_need",
        )


class Dimension(models.TextChoices):
    """Codes of the diagnostic dimensions (app maturity); stored as codes, not as a foreign key."""

    STRATEGIE = "strategie", _("Stratégie et pilotage du numérique")
    COMPETENCES = "competences", _("Compétences et accompagnement")
    EQUIPEMENT = "equipement", _("Équipement et infrastructure")
    COLLABORATION = "collaboration", _("Collaboration et circulation de l'information")
    COMMUNICATION = "communication", _("Communication et visibilité")
    GESTION = "gestion", _("Outils de gestion")
    FINANCEMENT = "financement", _("Financement, adhérent·es et bénévoles en ligne")
    GOUVERNANCE = "gouvernance", _("Gouvernance et vie démocratique")
    SECURITE_RGPD = "securite_rgpd", _("Sécurité et protection des données (RGPD)")
    NUMERIQUE_RESPONSABLE = "numerique_responsable", _("Numérique responsable")


class LicenceStatus(models.TextChoices):
    LIBRE = "libre", _("Libre")
    OPEN_CORE = "open_core", _("Open core (cœur libre, options propriétaires)")
    SOURCE_AVAILABLE = "source_available", _("Code source consultable, non libre")
    PROPRIETARY = "proprietary", _("Propriétaire")


class Deployment(models.TextChoices):
    SAAS = "saas", _("En ligne, hébergé par un tiers")
    SELF_HOSTED = "self_hosted", _("Installable sur son serveur")
    DESKTOP = "desktop", _("Logiciel pour ordinateur")
    MOBILE = "mobile", _("Application mobile")


# The glossary's entries (fixtures/glossary.yaml) that explain each licence status and
# deployment, linked wherever they are shown; a test checks they exist.
LICENCE_TERMS = {
    LicenceStatus.LIBRE: "logiciel-libre",
    LicenceStatus.OPEN_CORE: "open-core",
    LicenceStatus.SOURCE_AVAILABLE: "code-source-consultable",
    LicenceStatus.PROPRIETARY: "logiciel-proprietaire",
}
DEPLOYMENT_TERMS = {
    Deployment.SAAS: "saas",
    Deployment.SELF_HOSTED: "auto-hebergement",
    Deployment.DESKTOP: "on-premise",
}


class Recommendation(models.TextChoices):
    RECOMMENDED = "recommended", _("Recommandé")
    WATCH = "watch", _("En observation")
    NOT_RECOMMENDED = "not_recommended", _("Plus recommandé")


class ToolStatus(models.TextChoices):
    DRAFT = "draft", _("Brouillon")
    IN_REVIEW = "in_review", _("En relecture")
    PUBLISHED = "published", _("Publié")
    ARCHIVED = "archived", _("Archivé")


# Tool.ease, in the words of the tool page (1 to 3).
EASE_LABELS = {1: _("facile"), 2: _("moyenne"), 3: _("demande de l’accompagnement")}


class Tool(models.Model):
    name = models.CharField(_("nom"), max_length=120, unique=True)
    slug = models.SlugField(_("identifiant"), max_length=120, unique=True)
    summary = models.CharField(_("description courte"), max_length=300)
    description = models.TextField(
        _("description détaillée (Markdown)"), blank=True, max_length=10000
    )
    usages = models.JSONField(_("usages"), default=list, blank=True)
    # Codes of Need: what the tool truly serves (IHateMoney: partage_depenses, not accounting).
    needs = models.JSONField(
        _("besoins"), default=list, blank=True, validators=[validate_need_codes]
    )
    licence_spdx = models.CharField(
        _("licence (expression SPDX)"),
        max_length=200,
        blank=True,
        validators=[validate_spdx_expression],
        help_text=_("Par exemple AGPL-3.0-or-later, ou MIT OR Apache-2.0. Vide si propriétaire."),
    )
    licence_status = models.CharField(
        _("statut de la licence"), max_length=20, choices=LicenceStatus
    )
    deployments = models.JSONField(_("modes d'utilisation"), default=list, blank=True)
    dimensions = models.JSONField(_("dimensions du diagnostic"), default=list, blank=True)
    ease = models.PositiveSmallIntegerField(
        _("facilité de prise en main"),
        default=2,
        validators=[MinValueValidator(1), MaxValueValidator(3)],
        help_text=_("1 : facile, 2 : moyenne, 3 : demande de l'accompagnement."),
    )
    accessibility_notes = models.TextField(_("accessibilité"), blank=True, max_length=2000)
    sobriety_notes = models.TextField(_("sobriété"), blank=True, max_length=2000)
    website_url = models.URLField(_("site web"), blank=True)
    source_url = models.URLField(_("code source"), blank=True)
    recommendation = models.CharField(
        _("avis de la CRESS"),
        max_length=20,
        choices=Recommendation,
        default=Recommendation.RECOMMENDED,
    )
    recommendation_reason = models.TextField(_("raison de l'avis"), blank=True, max_length=2000)
    recommendation_date = models.DateField(_("date de l'avis"), null=True, blank=True)
    last_reviewed = models.DateField(_("dernière relecture"), null=True, blank=True)
    status = models.CharField(
        _("statut"), max_length=20, choices=ToolStatus, default=ToolStatus.DRAFT
    )
    # Bumped by every change through services: a proposal made on version n conflicts with n+1.
    version = models.PositiveIntegerField(default=1, editable=False)
    # Lowercase, accent-free text of the searchable fields, filled on save (see toolbox.search).
    search_text = models.TextField(editable=False, blank=True, default="")
    # PostgreSQL only: to_tsvector('french', search_text), kept by a trigger (migration 0002) so
    # that searching and ranking read a stored, indexed value. Stays empty on SQLite.
    search_vector = TsVectorField(null=True, editable=False)
    # When CRESS admins were last e-mailed that this entry needs a review (toolbox.tasks): a
    # stale entry is announced once, until a new review starts a new period.
    stale_notified_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    replaces = models.ManyToManyField(
        "ProprietaryProduct", through="Alternative", related_name="tools", blank=True
    )
    history = HistoricalRecords(
        excluded_fields=["search_text", "search_vector", "updated_at", "stale_notified_at"]
    )

    objects = ToolQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("outil")
        verbose_name_plural = _("outils")
        constraints = [
            models.CheckConstraint(
                condition=Q(ease__gte=1) & Q(ease__lte=3),
                name="tool_ease_between_1_and_3",
                violation_error_message=_("La facilité de prise en main va de 1 à 3."),
            ),
            models.CheckConstraint(
                condition=Q(licence_status__in=LicenceStatus.values),
                name="tool_known_licence_status",
                violation_error_message=_("Statut de licence inconnu."),
            ),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        from toolbox.search import search_text_for

        self.search_text = search_text_for(self)
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "search_text"}
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("toolbox:tool_detail", kwargs={"slug": self.slug})

    @property
    def is_libre(self) -> bool:
        return self.licence_status == LicenceStatus.LIBRE

    @property
    def ease_label(self) -> str:
        """How easy the tool is to take up, in words: the tool page and the comparison say
        the same (the stored 1 to 3 is never shown)."""
        return str(EASE_LABELS.get(self.ease, ""))

    @property
    def usage_labels(self) -> list[str]:
        return [Usage(code).label for code in self.usages if code in Usage.values]

    @property
    def deployment_labels(self) -> list[str]:
        return [Deployment(code).label for code in self.deployments if code in Deployment.values]

    @property
    def deployment_terms(self) -> list[tuple[str, str]]:
        """(label, glossary id or "") of each way of using the tool."""
        return [
            (Deployment(code).label, DEPLOYMENT_TERMS.get(code, ""))
            for code in self.deployments
            if code in Deployment.values
        ]

    @property
    def licence_term(self) -> str:
        return LICENCE_TERMS.get(self.licence_status, "")

    @property
    def dimension_labels(self) -> list[str]:
        return [Dimension(code).label for code in self.dimensions if code in Dimension.values]

    @property
    def is_stale(self) -> bool:
        from toolbox.services.curation import STALE_AFTER_DAYS

        return (
            self.last_reviewed is None
            or (timezone.localdate() - self.last_reviewed).days > STALE_AFTER_DAYS
        )


class ProprietaryProduct(models.Model):
    """A proprietary product an organisation may want to leave (Google Drive, Zoom…)."""

    name = models.CharField(_("nom"), max_length=120, unique=True)
    slug = models.SlugField(_("identifiant"), max_length=120, unique=True)
    vendor = models.CharField(_("éditeur"), max_length=120, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("produit propriétaire")
        verbose_name_plural = _("produits propriétaires")

    def __str__(self):
        return self.name


class Alternative(models.Model):
    """A tool that replaces a proprietary product, with what to know before moving."""

    product = models.ForeignKey(
        ProprietaryProduct, on_delete=models.CASCADE, related_name="alternatives"
    )
    tool = models.ForeignKey(Tool, on_delete=models.CASCADE, related_name="alternatives")
    migration_notes = models.TextField(_("conseils de migration"), blank=True, max_length=2000)

    class Meta:
        ordering = ["product__name", "tool__name"]
        verbose_name = _("alternative")
        verbose_name_plural = _("alternatives")
        constraints = [
            models.UniqueConstraint(
                fields=["product", "tool"],
                name="one_alternative_per_product_and_tool",
                violation_error_message=_("Cet outil est déjà une alternative à ce produit."),
            )
        ]

    def __str__(self):
        return f"{self.tool} → {self.product}"


class EssStatus(models.TextChoices):
    ESUS = "esus", _("Agréée ESUS")
    ESS = "ess", _("Structure de l'ESS (association, coopérative, mutuelle, fondation)")
    NONE = "none", _("Hors ESS")
    UNKNOWN = "unknown", _("Non renseigné")


class Provider(models.Model):
    """Who hosts a tool: a CHATONS member, a cooperative, a CRESS pooled service, a company."""

    name = models.CharField(_("nom"), max_length=120, unique=True)
    slug = models.SlugField(_("identifiant"), max_length=120, unique=True)
    legal_form = models.CharField(_("forme juridique"), max_length=80, blank=True)
    ess_status = models.CharField(
        _("statut ESS"), max_length=10, choices=EssStatus, default=EssStatus.UNKNOWN
    )
    chatons_member = models.BooleanField(_("membre du collectif CHATONS"), default=False)
    cress_pooled = models.BooleanField(_("service mutualisé de la CRESS"), default=False)
    website_url = models.URLField(_("site web"), blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("hébergeur")
        verbose_name_plural = _("hébergeurs")

    def __str__(self):
        return self.name


class Access(models.TextChoices):
    FREE = "free", _("Gratuit")
    FREE_ASSOCIATIONS = "free_associations", _("Gratuit pour les associations")
    MEMBERSHIP = "membership", _("Sur adhésion")
    PAID = "paid", _("Payant")


class HostingOffer(models.Model):
    tool = models.ForeignKey(Tool, on_delete=models.CASCADE, related_name="offers")
    provider = models.ForeignKey(Provider, on_delete=models.PROTECT, related_name="offers")
    name = models.CharField(_("nom de l'offre"), max_length=120)
    url = models.URLField(_("adresse de l'offre"), blank=True)
    access = models.CharField(_("conditions d'accès"), max_length=20, choices=Access)
    price = models.CharField(_("prix indicatif"), max_length=120, blank=True)
    data_country = models.CharField(
        _("pays des données"),
        max_length=2,
        help_text=_("Code pays ISO à deux lettres, par exemple FR."),
    )
    support = models.CharField(_("accompagnement proposé"), max_length=300, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["tool__name", "name"]
        verbose_name = _("offre d'hébergement")
        verbose_name_plural = _("offres d'hébergement")
        constraints = [
            models.UniqueConstraint(
                fields=["tool", "provider", "name"],
                name="one_offer_name_per_tool_and_provider",
                violation_error_message=_("Cet hébergeur propose déjà une offre de ce nom."),
            ),
            models.CheckConstraint(
                condition=Q(data_country__regex=r"^[A-Z]{2}$"),
                name="offer_country_is_iso_code",
                violation_error_message=_("Le pays des données est un code à deux lettres."),
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.provider})"

    def get_data_country_display(self) -> str:
        """The country's name in the page's language (DE → Allemagne)."""
        return country_name(self.data_country)


class Proposal(models.Model):
    """A member's proposed change; never applied until a CRESS admin approves it."""

    class Kind(models.TextChoices):
        NEW_TOOL = "new_tool", _("Nouvel outil")
        EDIT_TOOL = "edit_tool", _("Modification d'un outil")
        NEW_OFFER = "new_offer", _("Nouvelle offre d'hébergement")

    class Status(models.TextChoices):
        PENDING = "pending", _("En relecture")
        CHANGES_REQUESTED = "changes_requested", _("Modifications demandées")
        APPROVED = "approved", _("Acceptée")
        REJECTED = "rejected", _("Refusée")

    kind = models.CharField(max_length=20, choices=Kind.choices)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING)
    tool = models.ForeignKey(
        Tool, on_delete=models.CASCADE, null=True, blank=True, related_name="proposals"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="toolbox_proposals"
    )
    # The proposed values (form's cleaned data as JSON) and, for edits, the tool as it was then.
    payload = models.JSONField(default=dict)
    base_values = models.JSONField(default=dict, blank=True)
    base_version = models.PositiveIntegerField(null=True, blank=True)
    comment = models.TextField(
        _("commentaire de la personne qui propose"), blank=True, max_length=2000
    )
    decision_message = models.TextField(_("message de la modération"), blank=True, max_length=2000)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("proposition")
        verbose_name_plural = _("propositions")
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="new_tool") | Q(tool__isnull=False),
                name="proposal_edit_or_offer_names_a_tool",
                violation_error_message=_("Une modification ou une offre porte sur un outil."),
            )
        ]

    def __str__(self):
        return f"{self.get_kind_display()} — {self.title}"

    @property
    def title(self) -> str:
        if self.kind == self.Kind.NEW_OFFER:
            return self.payload.get("name", "")
        return self.payload.get("name") or (self.tool.name if self.tool_id else "")

    @property
    def is_open(self) -> bool:
        return self.status in (self.Status.PENDING, self.Status.CHANGES_REQUESTED)


class ToolUse(models.Model):
    """An organisation says "nous l'utilisons", optionally with a testimonial (moderated)."""

    class TestimonialStatus(models.TextChoices):
        NONE = "none", _("Sans témoignage")
        PENDING = "pending", _("En relecture")
        APPROVED = "approved", _("Publié")
        REJECTED = "rejected", _("Refusé")

    tool = models.ForeignKey(Tool, on_delete=models.CASCADE, related_name="uses")
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.CASCADE, related_name="tool_uses"
    )
    declared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    testimonial = models.TextField(_("témoignage"), blank=True, max_length=2000)
    testimonial_status = models.CharField(
        max_length=10, choices=TestimonialStatus.choices, default=TestimonialStatus.NONE
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("utilisation déclarée")
        verbose_name_plural = _("utilisations déclarées")
        constraints = [
            models.UniqueConstraint(
                fields=["tool", "organisation"],
                name="one_use_per_tool_and_organisation",
                violation_error_message=_("Cette organisation a déjà déclaré utiliser cet outil."),
            )
        ]

    def __str__(self):
        return f"{self.organisation} utilise {self.tool}"
