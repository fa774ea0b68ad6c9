"""Business rules of the toolbox: proposals and moderation, declarations of use, and the
functions other apps call (the roadmap and the diagnostic inventory).

Every change to a tool's content goes through `apply_tool_values`, which bumps `Tool.version`: a
proposal remembers the version it was made on, and approving it after the tool changed meanwhile
is a conflict — shown to the moderator, nothing overwritten. Publication states (`change_status`)
are recorded in the history but leave the version alone.
"""

import datetime
import difflib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F, Prefetch, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.mail import send_after_commit
from common.typography import de
from toolbox.countries import country_name
from toolbox.models import (
    Alternative,
    Deployment,
    Dimension,
    HostingOffer,
    Need,
    Proposal,
    ProprietaryProduct,
    Provider,
    Tool,
    ToolStatus,
    ToolUse,
    Usage,
)
from toolbox.text import normalise

STALE_AFTER_DAYS = 365

# Fields a member may propose, in display order. Recommendation fields are the CRESS's own voice.
PROPOSABLE_FIELDS = [
    "name",
    "summary",
    "description",
    "usages",
    "needs",
    "licence_spdx",
    "licence_status",
    "deployments",
    "replaces",
    "dimensions",
    "ease",
    "accessibility_notes",
    "sobriety_notes",
    "website_url",
    "source_url",
]
CURATED_FIELDS = ["recommendation", "recommendation_reason", "recommendation_date", "last_reviewed"]
OFFER_FIELDS = [
    "provider_name",
    "provider_legal_form",
    "provider_ess_status",
    "provider_chatons",
    "provider_cress_pooled",
    "name",
    "url",
    "access",
    "price",
    "data_country",
    "support",
]


class ModerationError(Exception):
    """A decision that cannot be applied; the message is for the moderator."""


class ProposalConflict(ModerationError):
    def __init__(self, message: str, changes: list["FieldChange"]):
        super().__init__(message)
        self.changes = changes


@dataclass(frozen=True)
class FieldChange:
    field: str
    label: str
    before: Any
    after: Any


# --- Values of a tool, as JSON ------------------------------------------------------------------


def _json_value(value):
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def tool_values(tool: Tool, fields: Sequence[str] = PROPOSABLE_FIELDS) -> dict[str, Any]:
    """The tool's editable values as JSON-friendly data ("replaces": sorted product names)."""
    values = {}
    for field in fields:
        if field == "replaces":
            values[field] = sorted(p.name for p in tool.replaces.all()) if tool.pk else []
        else:
            values[field] = _json_value(getattr(tool, field))
    return values


# Lists of codes a tool stores as JSON, read through their choices.
LIST_CHOICES = {"usages": Usage, "deployments": Deployment, "dimensions": Dimension}
# A proposed offer's fields, kept on its provider or on the offer.
OFFER_FIELD_SOURCES = {
    "provider_name": (Provider, "name"),
    "provider_legal_form": (Provider, "legal_form"),
    "provider_ess_status": (Provider, "ess_status"),
    "provider_chatons": (Provider, "chatons_member"),
    "provider_cress_pooled": (Provider, "cress_pooled"),
}


def _model_field(field: str, *, offer: bool):
    model, name = OFFER_FIELD_SOURCES.get(field, (HostingOffer, field)) if offer else (Tool, field)
    return model._meta.get_field(name)


def field_label(field: str, *, offer: bool = False) -> str:
    if field == "replaces" and not offer:
        return _("remplace")
    return str(_model_field(field, offer=offer).verbose_name)


def field_display(field: str, value, *, offer: bool = False):
    """A stored value as people read it: labels for codes (statut « published » → « Publié »,
    ["saas", "self_hosted"] → « En ligne, hébergé par un tiers, Installable sur son serveur »),
    oui or non, lists joined; None for no value (shown as a dash)."""
    if value is None or value == "" or value == []:
        return None
    if isinstance(value, bool):
        return _("oui") if value else _("non")
    if not offer and field in LIST_CHOICES:
        labels = dict(LIST_CHOICES[field].choices)
        return ", ".join(str(labels.get(code, code)) for code in value)
    if not offer and field == "needs":
        labels = dict(Need.objects.filter(code__in=value).values_list("code", "label"))
        return ", ".join(labels.get(code, code) for code in value)
    if isinstance(value, list):
        return ", ".join(str(item) for item in value)
    if offer and field == "data_country":
        return country_name(value)
    choices = dict(_model_field(field, offer=offer).flatchoices)
    return choices.get(value, value) if choices else value


def products_named(names: Iterable[str]) -> list[ProprietaryProduct]:
    """Proprietary products by name, created when new (matched case- and accent-insensitively)."""
    existing = {normalise(p.name): p for p in ProprietaryProduct.objects.all()}
    products = []
    for name in names:
        name = name.strip()
        if not name:
            continue
        product = existing.get(normalise(name))
        if product is None:
            product = ProprietaryProduct.objects.create(name=name, slug=_unique_slug(name))
            existing[normalise(name)] = product
        if product not in products:
            products.append(product)
    return products


def _unique_slug(name: str) -> str:
    base = slugify(name)[:100] or "produit"
    slug, n = base, 2
    while ProprietaryProduct.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


# Path segments of toolbox URLs that a tool's slug must not shadow.
RESERVED_SLUGS = {
    "comparer", "alternatives", "donnees", "proposer", "mes-propositions", "moderation", "import",
    "api",
}  # fmt: skip


def unique_tool_slug(name: str, exclude_pk: int | None = None) -> str:
    base = slugify(name)[:100] or "outil"
    if base in RESERVED_SLUGS:
        base = f"{base}-outil"
    slug, n = base, 2
    while Tool.objects.filter(slug=slug).exclude(pk=exclude_pk).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


def apply_tool_values(tool: Tool, values: dict[str, Any], *, user=None, reason: str = "") -> Tool:
    """Write values to a tool (new or existing), bump its version, record who and why in history."""
    for field, value in values.items():
        if field == "replaces":
            continue
        if field in ("recommendation_date", "last_reviewed") and isinstance(value, str):
            value = datetime.date.fromisoformat(value) if value else None
        setattr(tool, field, value)
    if not tool.slug:
        tool.slug = unique_tool_slug(tool.name)
    tool.version = (tool.version or 0) + 1 if tool.pk else 1
    tool._history_user = user
    tool._change_reason = reason[:100] if reason else None
    tool.save()
    if "replaces" in values:
        products = products_named(values["replaces"])
        Alternative.objects.filter(tool=tool).exclude(product__in=products).delete()
        for product in products:
            Alternative.objects.get_or_create(tool=tool, product=product)
        refresh_search_text(tool)
    return tool


def refresh_search_text(tool: Tool) -> None:
    from toolbox.search import search_text_for

    # update() rather than save(): replaced products are search text, not a new version.
    Tool.objects.filter(pk=tool.pk).update(search_text=search_text_for(tool))


# --- Duplicates -----------------------------------------------------------------------------------


def similar_tools(name: str, *, exclude_pk: int | None = None, limit: int = 5) -> list[Tool]:
    """Existing tools whose name looks like `name` (same words, one inside the other, or close)."""
    wanted = normalise(name)
    if not wanted:
        return []
    scored = []
    for tool in Tool.objects.exclude(pk=exclude_pk).only("pk", "name", "slug", "status"):
        other = normalise(tool.name)
        if other == wanted:
            score = 2.0
        elif len(wanted) >= 4 and len(other) >= 4 and (wanted in other or other in wanted):
            score = 1.5
        else:
            score = difflib.SequenceMatcher(None, wanted, other).ratio()
        if score >= 0.8:
            scored.append((score, tool))
    scored.sort(key=lambda pair: (-pair[0], pair[1].name))
    return [tool for _score, tool in scored[:limit]]


def same_name_exists(name: str, *, exclude_pk: int | None = None) -> Tool | None:
    wanted = normalise(name)
    for tool in similar_tools(name, exclude_pk=exclude_pk):
        if normalise(tool.name) == wanted:
            return tool
    return None


# --- Proposals ------------------------------------------------------------------------------------


def propose_new_tool(*, author, values: dict[str, Any], comment: str = "") -> Proposal:
    return Proposal.objects.create(
        kind=Proposal.Kind.NEW_TOOL, author=author, payload=values, comment=comment
    )


def propose_edit(*, author, tool: Tool, values: dict[str, Any], comment: str = "") -> Proposal:
    base = tool_values(tool)
    changed = {field: value for field, value in values.items() if base.get(field) != value}
    if not changed:
        raise ModerationError(_("Vous n'avez rien modifié : aucune proposition n'est envoyée."))
    return Proposal.objects.create(
        kind=Proposal.Kind.EDIT_TOOL,
        author=author,
        tool=tool,
        payload=changed,
        base_values={field: base.get(field) for field in changed},
        base_version=tool.version,
        comment=comment,
    )


def propose_offer(*, author, tool: Tool, values: dict[str, Any], comment: str = "") -> Proposal:
    return Proposal.objects.create(
        kind=Proposal.Kind.NEW_OFFER, author=author, tool=tool, payload=values, comment=comment
    )


def resubmit(proposal: Proposal, *, values: dict[str, Any], comment: str = "") -> Proposal:
    """The author answers a request for changes: the proposal goes back to the queue."""
    if proposal.status != Proposal.Status.CHANGES_REQUESTED:
        raise ModerationError(_("Cette proposition n'attend pas de modification."))
    if proposal.kind == Proposal.Kind.EDIT_TOOL:
        base = tool_values(proposal.tool)
        values = {field: value for field, value in values.items() if base.get(field) != value}
        proposal.base_values = {field: base.get(field) for field in values}
        proposal.base_version = proposal.tool.version
    proposal.payload = values
    proposal.comment = comment
    proposal.status = Proposal.Status.PENDING
    proposal.save()
    return proposal


def _change(field: str, before, after, *, offer: bool = False) -> FieldChange:
    """A change as people read it: the field's label, the values' labels."""
    return FieldChange(
        field,
        field_label(field, offer=offer),
        field_display(field, before, offer=offer),
        field_display(field, after, offer=offer),
    )


def proposal_changes(proposal: Proposal) -> list[FieldChange]:
    """What the proposal changes, from the values it was made on to the proposed ones."""
    if proposal.kind == Proposal.Kind.NEW_OFFER:
        return [
            _change(field, None, proposal.payload.get(field), offer=True) for field in OFFER_FIELDS
        ]
    return [
        _change(field, proposal.base_values.get(field), proposal.payload[field])
        for field in PROPOSABLE_FIELDS
        if field in proposal.payload
    ]


def proposal_conflicts(proposal: Proposal) -> list[FieldChange]:
    """Fields of the tool changed by someone else since the proposal was made (before → now)."""
    if proposal.kind != Proposal.Kind.EDIT_TOOL or proposal.tool.version == proposal.base_version:
        return []
    current = tool_values(proposal.tool)
    changed = [
        _change(field, proposal.base_values.get(field), current[field])
        for field in proposal.payload
        if current.get(field) != proposal.base_values.get(field)
    ]
    if not changed:
        # The tool moved on elsewhere: still a conflict for the record, but on no proposed field.
        return [FieldChange("version", _("version"), proposal.base_version, proposal.tool.version)]
    return changed


def _notify_author(proposal: Proposal, subject: str, body: str) -> None:
    url = settings.SITE_URL + reverse("toolbox:my_proposals")
    text = f"{body}\n\n{_('Vos propositions :')} {url}\n"
    send_after_commit(to=[proposal.author.email], subject=subject, body=text)


@transaction.atomic
def approve(proposal: Proposal, *, moderator) -> Tool | HostingOffer:
    proposal = Proposal.objects.select_for_update().get(pk=proposal.pk)
    if proposal.status != Proposal.Status.PENDING:
        raise ModerationError(_("Cette proposition a déjà été traitée ou attend son auteur·rice."))
    # « n° 1 » with a no-break space; « d’Inès », « de Louis ».
    reason = _("Proposition n°\u00a0%(pk)s %(of_who)s") % {
        "pk": proposal.pk,
        "of_who": de(proposal.author.display_name),
    }
    if proposal.kind == Proposal.Kind.NEW_TOOL:
        existing = same_name_exists(proposal.payload.get("name", ""))
        if existing:
            raise ModerationError(
                _("Un outil nommé « %(name)s » existe déjà : rien n'a été créé.")
                % {"name": existing.name}
            )
        values = {
            **proposal.payload,
            "status": ToolStatus.PUBLISHED,
            "last_reviewed": timezone.localdate(),
        }
        result = apply_tool_values(Tool(), values, user=moderator, reason=reason)
        proposal.tool = result
    elif proposal.kind == Proposal.Kind.EDIT_TOOL:
        tool = Tool.objects.select_for_update().get(pk=proposal.tool_id)
        proposal.tool = tool
        conflicts = proposal_conflicts(proposal)
        if conflicts:
            raise ProposalConflict(
                _(
                    "L'outil a été modifié depuis cette proposition : rien n'a été écrasé. "
                    "Demandez une mise à jour à son auteur·rice ou refusez-la."
                ),
                conflicts,
            )
        result = apply_tool_values(tool, proposal.payload, user=moderator, reason=reason)
    else:
        result = _create_offer(proposal)
    proposal.status = Proposal.Status.APPROVED
    proposal.decided_by = moderator
    proposal.decided_at = timezone.now()
    proposal.save()
    _notify_author(
        proposal,
        _("Votre proposition est acceptée"),
        _("Merci ! Votre proposition « %(title)s » est acceptée et publiée.")
        % {"title": proposal.title},
    )
    return result


def _create_offer(proposal: Proposal) -> HostingOffer:
    data = proposal.payload
    provider = Provider.objects.filter(name__iexact=data["provider_name"].strip()).first()
    if provider is None:
        provider = Provider.objects.create(
            name=data["provider_name"].strip(),
            slug=_unique_provider_slug(data["provider_name"]),
            legal_form=data.get("provider_legal_form", ""),
            ess_status=data.get("provider_ess_status") or "unknown",
            chatons_member=bool(data.get("provider_chatons")),
            cress_pooled=bool(data.get("provider_cress_pooled")),
        )
    offer, created = HostingOffer.objects.get_or_create(
        tool=proposal.tool,
        provider=provider,
        name=data["name"],
        defaults={field: data.get(field, "") for field in OFFER_FIELDS[6:]},
    )
    if not created:
        raise ModerationError(_("Cet hébergeur propose déjà une offre de ce nom pour cet outil."))
    return offer


def import_offer(
    *, tool: Tool, values: dict[str, Any], user=None, reason: str = ""
) -> tuple[HostingOffer, bool]:
    """Create or update a hosting offer (and its provider) from an import row.

    The provider is found by name (case-insensitive) and takes the row's facts; the offer is found
    by tool, provider and name. Nothing is saved, and no history version is written, when nothing
    changed. Returns (offer, created).
    """
    provider_facts = {
        "legal_form": values.get("provider_legal_form", ""),
        "ess_status": values.get("provider_ess_status") or "unknown",
        "chatons_member": bool(values.get("provider_chatons")),
        "cress_pooled": bool(values.get("provider_cress_pooled")),
    }
    name = values["provider"].strip()
    provider = Provider.objects.filter(name__iexact=name).first()
    if provider is None:
        provider = Provider.objects.create(
            name=name, slug=_unique_provider_slug(name), **provider_facts
        )
    elif any(getattr(provider, key) != value for key, value in provider_facts.items()):
        for key, value in provider_facts.items():
            setattr(provider, key, value)
        provider.save()
    offer_facts = {field: values.get(field, "") for field in OFFER_FIELDS[6:]}
    offer = HostingOffer.objects.filter(tool=tool, provider=provider, name=values["name"]).first()
    created = offer is None
    if created:
        offer = HostingOffer(tool=tool, provider=provider, name=values["name"])
    elif all(getattr(offer, key) == value for key, value in offer_facts.items()):
        return offer, False
    for key, value in offer_facts.items():
        setattr(offer, key, value)
    offer._history_user = user
    offer._change_reason = reason[:100] if reason else None
    offer.save()
    return offer, created


def _unique_provider_slug(name: str) -> str:
    base = slugify(name)[:100] or "hebergeur"
    slug, n = base, 2
    while Provider.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


@transaction.atomic
def reject(proposal: Proposal, *, moderator, message: str) -> Proposal:
    return _decide(proposal, moderator, message, Proposal.Status.REJECTED)


@transaction.atomic
def request_changes(proposal: Proposal, *, moderator, message: str) -> Proposal:
    return _decide(proposal, moderator, message, Proposal.Status.CHANGES_REQUESTED)


def _decide(proposal: Proposal, moderator, message: str, status: str) -> Proposal:
    proposal = Proposal.objects.select_for_update().get(pk=proposal.pk)
    if proposal.status != Proposal.Status.PENDING:
        raise ModerationError(_("Cette proposition a déjà été traitée ou attend son auteur·rice."))
    if not message.strip():
        raise ModerationError(_("Expliquez votre décision à la personne qui propose."))
    proposal.status = status
    proposal.decision_message = message.strip()
    proposal.decided_by = moderator
    proposal.decided_at = timezone.now()
    proposal.save()
    if status == Proposal.Status.REJECTED:
        subject = _("Votre proposition n'est pas retenue")
    else:
        subject = _("Votre proposition : des modifications sont demandées")
    _notify_author(
        proposal,
        subject,
        _("Au sujet de « %(title)s », la CRESS vous répond :\n\n%(message)s")
        % {"title": proposal.title, "message": proposal.decision_message},
    )
    return proposal


# --- Curation ----------------------------------------------------------------------------------


def stale_before() -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=STALE_AFTER_DAYS)


def stale_tools():
    """Tools not reviewed for 12 months (or never): the CRESS re-checks them."""
    return Tool.objects.stale(stale_before()).order_by("last_reviewed", "name")


def cress_queue_counts() -> dict[str, int]:
    """What waits for a CRESS admin in the toolbox (its moderation page): proposals and
    testimonials to review, entries not reviewed for a year. Three counts."""
    return {
        "proposals": Proposal.objects.filter(status=Proposal.Status.PENDING).count(),
        "testimonials": ToolUse.objects.filter(
            testimonial_status=ToolUse.TestimonialStatus.PENDING
        ).count(),
        "stale": stale_tools().count(),
    }


def due_stale_notices():
    """Stale tools the CRESS has not been told about in their current period: never, or only
    before their last review (a notice is sent only once a tool is stale, so a notice dated on
    or before `last_reviewed` belongs to an earlier period)."""
    return stale_tools().filter(
        Q(stale_notified_at__isnull=True) | Q(stale_notified_at__date__lte=F("last_reviewed"))
    )


def send_stale_digest(*, now=None) -> int:
    """E-mail CRESS admins one digest of the entries that became stale since the last digest.

    Each entry is claimed (stale_notified_at) in the same transaction as the e-mail is queued,
    so a second run — or a retry — sends nothing twice; an entry is announced again only after
    a new review and twelve more months. Without any CRESS admin to tell, nothing is claimed.
    Returns the number of entries announced.
    """
    from accounts.models import User

    now = now or timezone.now()
    recipients = list(
        User.objects.filter(is_cress_admin=True, is_active=True)
        .order_by("email")
        .values_list("email", flat=True)
    )
    if not recipients:
        return 0
    with transaction.atomic():
        due = list(
            due_stale_notices()
            .select_for_update(of=("self",))
            .only("pk", "name", "slug", "last_reviewed", "status")
        )
        if not due:
            return 0
        Tool.objects.filter(pk__in=[tool.pk for tool in due]).update(stale_notified_at=now)
        subject = ngettext(
            "Boîte à outils : %(n)s fiche à relire",
            "Boîte à outils : %(n)s fiches à relire",
            len(due),
        ) % {"n": len(due)}
        send_after_commit(
            to=recipients,
            subject=subject,
            template="toolbox/email/stale_digest.txt",
            context={
                "tools": due,
                "moderation_url": settings.SITE_URL + reverse("toolbox:moderation"),
            },
        )
    return len(due)


def mark_reviewed(tool: Tool, *, moderator) -> Tool:
    return apply_tool_values(
        tool, {"last_reviewed": timezone.localdate()}, user=moderator, reason=_("Relecture")
    )


# --- Publication states -------------------------------------------------------------------------
# draft → in review → published → archived, and back where it makes sense. A change of state is
# not a change of content: it is recorded in the history (who, when, why) but does not bump
# `Tool.version`, so proposals pending on the tool's content do not conflict with it.


@dataclass(frozen=True)
class Transition:
    source: str
    target: str
    label: str  # the button
    history: str  # the history's reason when none is given
    reason_required: bool = False


TRANSITIONS = {
    (t.source, t.target): t
    for t in [
        Transition(
            ToolStatus.DRAFT,
            ToolStatus.IN_REVIEW,
            _("Envoyer en relecture"),
            _("Envoi en relecture"),
        ),
        Transition(ToolStatus.IN_REVIEW, ToolStatus.PUBLISHED, _("Publier"), _("Publication")),
        Transition(
            ToolStatus.IN_REVIEW,
            ToolStatus.DRAFT,
            _("Renvoyer en brouillon"),
            _("Renvoi en brouillon"),
            reason_required=True,
        ),
        Transition(
            ToolStatus.PUBLISHED,
            ToolStatus.ARCHIVED,
            _("Archiver"),
            _("Archivage"),
            reason_required=True,
        ),
        Transition(
            ToolStatus.PUBLISHED,
            ToolStatus.DRAFT,
            _("Retirer du catalogue (brouillon)"),
            _("Retrait du catalogue"),
            reason_required=True,
        ),
        Transition(
            ToolStatus.ARCHIVED,
            ToolStatus.PUBLISHED,
            _("Republier"),
            _("Republication"),
            reason_required=True,
        ),
        Transition(
            ToolStatus.ARCHIVED,
            ToolStatus.DRAFT,
            _("Renvoyer en brouillon"),
            _("Renvoi en brouillon"),
        ),
    ]
}
# simple_history keeps at most 100 characters of reason.
STATUS_REASON_MAX_LENGTH = 100


def allowed_transitions(tool: Tool) -> list[Transition]:
    return [t for (source, _target), t in TRANSITIONS.items() if source == tool.status]


@transaction.atomic
def change_status(tool: Tool, *, to: str, moderator, reason: str = "") -> Tool:
    """Move a tool to another publication state, if that move is allowed from its current one."""
    tool = Tool.objects.select_for_update().get(pk=tool.pk)
    transition = TRANSITIONS.get((tool.status, to))
    if transition is None:
        labels = dict(ToolStatus.choices)
        raise ModerationError(
            _("Un outil « %(source)s » ne peut pas passer à « %(target)s ».")
            % {"source": labels[tool.status], "target": labels.get(to, to)}
        )
    reason = " ".join(reason.split())
    if transition.reason_required and not reason:
        raise ModerationError(
            _("Indiquez la raison de ce changement (« %(label)s ») : elle reste dans l'historique.")
            % {"label": transition.label}
        )
    tool.status = to
    tool._history_user = moderator
    tool._change_reason = (reason or transition.history)[:STATUS_REASON_MAX_LENGTH]
    tool.save(update_fields=["status", "updated_at"])
    return tool


def last_status_change(tool: Tool):
    """The history version that put the tool in its current state (for "archivé depuis le…")."""
    versions = list(
        tool.history.select_related("history_user").order_by("-history_date", "-history_id")[:50]
    )
    change = None
    for version in versions:
        if version.status != tool.status:
            break
        change = version
    return change


# --- "Nous l'utilisons" -----------------------------------------------------------------------------


def declare_use(*, tool: Tool, organisation, user, testimonial: str = "") -> ToolUse:
    """One declaration per organisation and tool; a new testimonial goes back to moderation."""
    testimonial = testimonial.strip()
    status = ToolUse.TestimonialStatus.PENDING if testimonial else ToolUse.TestimonialStatus.NONE
    use, _created = ToolUse.objects.update_or_create(
        tool=tool,
        organisation=organisation,
        defaults={"declared_by": user, "testimonial": testimonial, "testimonial_status": status},
    )
    return use


def withdraw_use(*, tool: Tool, organisation) -> bool:
    deleted, _details = ToolUse.objects.filter(tool=tool, organisation=organisation).delete()
    return bool(deleted)


def moderate_testimonial(use: ToolUse, *, approve: bool) -> ToolUse:
    if use.testimonial_status != ToolUse.TestimonialStatus.PENDING:
        raise ModerationError(_("Ce témoignage a déjà été traité."))
    use.testimonial_status = (
        ToolUse.TestimonialStatus.APPROVED if approve else ToolUse.TestimonialStatus.REJECTED
    )
    use.save(update_fields=["testimonial_status"])
    return use


# --- For the other apps (roadmap, diagnostic inventory) ----------------------------------------------


def recommended_tools(
    usage_codes: Sequence[str], replaces: Sequence[str] = (), limit: int = 3
) -> list[Tool]:
    """Published tools for these usages, libre first, then CRESS-recommended, then easiest.

    Tools that replace one of `replaces` (proprietary names, any case/accents) come first.
    Tools the CRESS no longer recommends are left out.
    """
    from toolbox.querysets import list_contains_any

    if not usage_codes:
        return []
    candidates = list(
        Tool.objects.published()
        .exclude(recommendation="not_recommended")
        .filter(list_contains_any("usages", usage_codes))
        .libre_first()
        .prefetch_related("replaces")
    )
    wanted = {normalise(name) for name in replaces}
    if wanted:
        candidates.sort(
            key=lambda tool: not any(normalise(p.name) in wanted for p in tool.replaces.all())
        )
    return candidates[:limit]


# --- Needs: the vocabulary roadmap actions and tools share ------------------------------------


def need_labels() -> dict[str, str]:
    """{code: label} of every need, in display order (one query)."""
    return dict(Need.objects.order_by("position", "label").values_list("code", "label"))


def need_label(code: str) -> str:
    """The label of a need code; the code itself when the vocabulary does not know it."""
    return Need.objects.filter(code=code).values_list("label", flat=True).first() or code


def known_need_codes() -> set[str]:
    return set(Need.objects.values_list("code", flat=True))


def _libre_rank(tool: Tool) -> int:
    return {"libre": 0, "open_core": 1}.get(tool.licence_status, 2)


_RECOMMENDATION_RANK = {"recommended": 0, "watch": 1}


def tools_for_needs(
    need_codes: Sequence[str], replaces: Sequence[str] = (), per_need: int = 3
) -> dict[str, list[Tool]]:
    """For each need code, up to `per_need` published tools that serve it, best first.

    Tools the CRESS no longer recommends are left out. Order, each criterion breaking the ties of
    the one before:
    1. libre, then open core, then the rest (source available, proprietary);
    2. tools with at least one hosting offer (an organisation can start without a server);
    3. tools that replace one of `replaces` (proprietary names from the organisation's
       inventory, matched case- and accent-insensitively);
    4. the CRESS's opinion: recommended, then under watch;
    5. ease of use (easiest first), then name.

    Two queries whatever the number of needs: the tools (annotated with `offer_count` and
    `use_count`; description and notes deferred) and the products they replace. Every requested
    code is a key, in the order given; an unknown code maps to [].
    """
    from toolbox.querysets import list_contains_any

    codes = list(dict.fromkeys(need_codes))
    # Only well-formed codes reach the query (SQLite matches them inside the JSON text).
    queried = [code for code in codes if re.fullmatch(r"[a-z][a-z_]*", code)]
    if not queried:
        return {code: [] for code in codes}
    candidates = list(
        Tool.objects.published()
        .exclude(recommendation="not_recommended")
        .filter(list_contains_any("needs", queried))
        .with_counts()
        .defer(
            "description", "accessibility_notes", "sobriety_notes", "search_text", "search_vector"
        )
        .prefetch_related(
            Prefetch("replaces", queryset=ProprietaryProduct.objects.only("name", "slug"))
        )
    )
    wanted = {normalise(name) for name in replaces}

    def rank(tool: Tool):
        replaces_one = any(normalise(p.name) in wanted for p in tool.replaces.all())
        return (
            _libre_rank(tool),
            tool.offer_count == 0,
            not replaces_one,
            _RECOMMENDATION_RANK.get(tool.recommendation, 2),
            tool.ease,
            tool.name.lower(),
        )

    candidates.sort(key=rank)
    return {code: [tool for tool in candidates if code in tool.needs][:per_need] for code in codes}
