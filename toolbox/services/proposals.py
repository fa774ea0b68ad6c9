"""Proposals: a new tool, a change or a hosting offer proposed by a member, and the CRESS's
decision on it; the import of hosting offers."""

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from accounts.mail import send_after_commit
from common.typography import de
from toolbox.catalogue_changes import catalogue_changed
from toolbox.models import HostingOffer, Proposal, Provider, Tool, ToolStatus
from toolbox.services.duplicates import same_name_exists
from toolbox.services.json_values import (
    OFFER_FIELDS,
    PROPOSABLE_FIELDS,
    apply_tool_values,
    field_display,
    field_label,
    tool_values,
)
from toolbox.services.shared import ModerationError


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
    catalogue_changed()
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
    provider_changed = provider is None or any(
        getattr(provider, key) != value for key, value in provider_facts.items()
    )
    if provider is None:
        provider = Provider.objects.create(
            name=name, slug=_unique_provider_slug(name), **provider_facts
        )
    elif provider_changed:
        for key, value in provider_facts.items():
            setattr(provider, key, value)
        provider.save()
    offer_facts = {field: values.get(field, "") for field in OFFER_FIELDS[6:]}
    offer = HostingOffer.objects.filter(tool=tool, provider=provider, name=values["name"]).first()
    created = offer is None
    if created:
        offer = HostingOffer(tool=tool, provider=provider, name=values["name"])
    offer_changed = created or any(
        getattr(offer, key) != value for key, value in offer_facts.items()
    )
    if offer_changed:
        for key, value in offer_facts.items():
            setattr(offer, key, value)
        offer._history_user = user
        offer._change_reason = reason[:100] if reason else None
        offer.save()
    if provider_changed or offer_changed:
        catalogue_changed()
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
