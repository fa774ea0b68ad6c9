"""Support requests: an organisation asks, chooses among suggested ambassadors, the
ambassador answers; requests left unanswered reach the CRESS admins."""

from datetime import timedelta

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.mail import send_after_commit
from accounts.models import Organisation, User
from ambassadors.matching import rank_ambassadors
from ambassadors.models import Ambassador, Dimension, SupportRequest
from ambassadors.services import seams
from ambassadors.services.shared import CommunityError, absolute_url, cress_admin_emails

# A request nobody answered after this many days is brought to the CRESS admins' attention.
ESCALATION_DAYS = 5


@transaction.atomic
def create_support_request(
    *, organisation: Organisation, user: User, request: SupportRequest
) -> SupportRequest:
    request.organisation = organisation
    request.created_by = user
    request.status = SupportRequest.Status.DRAFT
    request.weak_dimensions = seams.weakest_dimensions(organisation)
    request.save()
    return request


def suggestions(support_request: SupportRequest, limit: int = 10):
    """Ranked ambassadors for a request (matching.rank_ambassadors over listed ambassadors)."""
    organisation = support_request.organisation
    candidates = (
        Ambassador.objects.listed()
        .exclude(user_id=support_request.created_by_id)
        .select_related("organisation")
    )
    ranked = rank_ambassadors(
        candidates,
        departement=organisation.departement,
        region=organisation.region,
        weak_dimensions=support_request.weak_dimensions,
        topics=support_request.topics,
        tools=support_request.tools,
        labels={code: str(label) for code, label in Dimension.choices},
    )
    return ranked[:limit]


@transaction.atomic
def choose_ambassador(*, support_request: SupportRequest, ambassador_id: int) -> SupportRequest:
    support_request = SupportRequest.objects.select_for_update().get(pk=support_request.pk)
    if not support_request.can_choose:
        raise CommunityError(_("Cette demande a déjà été envoyée."))
    # The directory's rule: a profile hidden from it cannot be written to either.
    ambassador = Ambassador.objects.listed().select_related("user").filter(pk=ambassador_id).first()
    if ambassador is None:
        raise CommunityError(
            _(
                "Cette personne ne figure plus dans l'annuaire des ambassadeur·rices (validation expirée ou retirée, ou profil masqué) : choisissez quelqu'un d'autre."
            )
        )
    if ambassador.user_id == support_request.created_by_id:
        raise CommunityError(_("Vous ne pouvez pas vous adresser la demande à vous-même."))
    support_request.ambassador = ambassador
    support_request.status = SupportRequest.Status.SENT
    support_request.sent_at = timezone.now()
    support_request.answered_at = None
    support_request.response_message = ""
    support_request.escalated_at = None
    support_request.save()
    send_after_commit(
        to=[ambassador.user.email],
        subject=_("Demande d'accompagnement de %s") % support_request.organisation.name,
        template="ambassadors/email/request_sent.txt",
        context={
            "support_request": support_request,
            "url": absolute_url(support_request.get_absolute_url()),
        },
    )
    return support_request


@transaction.atomic
def respond(*, support_request: SupportRequest, accept: bool, message: str = "") -> SupportRequest:
    support_request = (
        SupportRequest.objects.select_for_update(of=("self",))
        .select_related("created_by", "ambassador")
        .get(pk=support_request.pk)
    )
    if support_request.status != SupportRequest.Status.SENT:
        raise CommunityError(_("Cette demande n'attend pas de réponse."))
    support_request.status = (
        SupportRequest.Status.ACCEPTED if accept else SupportRequest.Status.DECLINED
    )
    support_request.answered_at = timezone.now()
    support_request.response_message = message
    support_request.save()
    if support_request.created_by:
        send_after_commit(
            to=[support_request.created_by.email],
            subject=(
                _("%s accepte votre demande") if accept else _("%s ne peut pas vous accompagner")
            )
            % support_request.ambassador.public_name,
            template="ambassadors/email/request_answered.txt",
            context={
                "support_request": support_request,
                "accepted": accept,
                "url": absolute_url(support_request.get_absolute_url()),
            },
        )
    return support_request


@transaction.atomic
def close_request(*, support_request: SupportRequest) -> SupportRequest:
    if support_request.status == SupportRequest.Status.CLOSED:
        raise CommunityError(_("Cette demande est déjà clôturée."))
    support_request.status = SupportRequest.Status.CLOSED
    support_request.closed_at = timezone.now()
    support_request.save(update_fields=["status", "closed_at"])
    return support_request


def escalate_unanswered(*, now=None) -> int:
    """Requests left without an answer for ESCALATION_DAYS: CRESS admins get one e-mail."""
    now = now or timezone.now()
    with transaction.atomic():
        due = list(
            SupportRequest.objects.select_for_update()
            .filter(
                status=SupportRequest.Status.SENT,
                sent_at__lte=now - timedelta(days=ESCALATION_DAYS),
                escalated_at__isnull=True,
            )
            .order_by("sent_at")
        )
        if not due:
            return 0
        SupportRequest.objects.filter(pk__in=[r.pk for r in due]).update(escalated_at=now)
        details = list(
            SupportRequest.objects.filter(pk__in=[r.pk for r in due])
            .select_related("organisation", "ambassador")
            .order_by("sent_at")
        )
        send_after_commit(
            to=cress_admin_emails(),
            subject=ngettext(
                "%d demande d'accompagnement sans réponse",
                "%d demandes d'accompagnement sans réponse",
                len(details),
            )
            % len(details),
            template="ambassadors/email/requests_escalated.txt",
            context={
                "requests": details,
                "days": ESCALATION_DAYS,
                "url": absolute_url(reverse("ambassadors:cress")),
            },
        )
    return len(due)
