"""Applications to become an ambassador: submitted, renewed, decided by the CRESS, withdrawn,
and the reminder before a validation expires."""

from datetime import timedelta

from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.mail import send_after_commit
from accounts.models import User
from ambassadors.models import Ambassador
from ambassadors.services.shared import CommunityError, absolute_url, cress_admin_emails

# Ambassadors are reminded this many days before their validation expires.
RENEWAL_NOTICE_DAYS = 30


@transaction.atomic
def submit_application(*, ambassador: Ambassador) -> Ambassador:
    """A new application, or a refused/withdrawn one sent again: pending, CRESS admins told."""
    ambassador.status = Ambassador.Status.PENDING
    ambassador.applied_at = timezone.now()
    ambassador.valid_until = None
    ambassador.save()
    send_after_commit(
        to=cress_admin_emails(),
        subject=_("Nouvelle candidature d'ambassadeur·rice : %s") % ambassador.public_name,
        template="ambassadors/email/application_received.txt",
        context={"ambassador": ambassador, "url": absolute_url(reverse("ambassadors:cress"))},
    )
    return ambassador


@transaction.atomic
def request_renewal(*, ambassador: Ambassador) -> Ambassador:
    if ambassador.status != Ambassador.Status.APPROVED:
        raise CommunityError(_("Seul un profil validé peut être renouvelé."))
    if ambassador.renewal_requested_at:
        raise CommunityError(_("Votre demande de renouvellement est déjà enregistrée."))
    ambassador.renewal_requested_at = timezone.now()
    ambassador.save(update_fields=["renewal_requested_at"])
    send_after_commit(
        to=cress_admin_emails(),
        subject=_("Renouvellement d'ambassadeur·rice à valider : %s") % ambassador.public_name,
        template="ambassadors/email/application_received.txt",
        context={
            "ambassador": ambassador,
            "renewal": True,
            "url": absolute_url(reverse("ambassadors:cress")),
        },
    )
    return ambassador


@transaction.atomic
def decide_application(
    *, ambassador: Ambassador, approve: bool, by: User, message: str = ""
) -> Ambassador:
    ambassador = (
        Ambassador.objects.select_for_update(of=("self",))
        .select_related("user")
        .get(pk=ambassador.pk)
    )
    renewal = ambassador.renewal_requested_at is not None
    if ambassador.status != Ambassador.Status.PENDING and not renewal:
        raise CommunityError(_("Cette candidature a déjà été traitée."))
    if approve:
        ambassador.approve(by=by, message=message)
    else:
        if not renewal:
            ambassador.status = Ambassador.Status.REJECTED
        ambassador.renewal_requested_at = None
        ambassador.decided_at = timezone.now()
        ambassador.decided_by = by
        ambassador.decision_message = message
    ambassador.save()
    send_after_commit(
        to=[ambassador.user.email],
        subject=(
            _("Vous êtes ambassadeur·rice du numérique")
            if approve
            else _("Votre candidature d'ambassadeur·rice")
        ),
        template="ambassadors/email/application_decided.txt",
        context={
            "ambassador": ambassador,
            "approved": approve,
            "message": message,
            "url": absolute_url(reverse("ambassadors:my_space")),
        },
    )
    return ambassador


@transaction.atomic
def withdraw(*, ambassador: Ambassador, by: User, message: str = "") -> Ambassador:
    """A CRESS admin withdraws a validation: the profile leaves the directory at once."""
    ambassador = (
        Ambassador.objects.select_for_update(of=("self",))
        .select_related("user")
        .get(pk=ambassador.pk)
    )
    if ambassador.status != Ambassador.Status.APPROVED:
        raise CommunityError(_("Ce profil n'est pas validé."))
    ambassador.status = Ambassador.Status.WITHDRAWN
    ambassador.valid_until = None
    ambassador.renewal_requested_at = None
    ambassador.decided_at = timezone.now()
    ambassador.decided_by = by
    ambassador.decision_message = message
    ambassador.save()
    send_after_commit(
        to=[ambassador.user.email],
        subject=_("Votre validation d'ambassadeur·rice est retirée"),
        template="ambassadors/email/application_withdrawn.txt",
        context={"ambassador": ambassador, "message": message},
    )
    return ambassador


def send_expiry_reminders(*, today=None) -> int:
    """Remind ambassadors whose validation ends within RENEWAL_NOTICE_DAYS. Once per period."""
    today = today or timezone.localdate()
    due = (
        Ambassador.objects.active(today)
        .filter(
            valid_until__lte=today + timedelta(days=RENEWAL_NOTICE_DAYS),
            renewal_requested_at__isnull=True,
        )
        .exclude(renewal_reminder_sent_for=F("valid_until"))
        .select_related("user")
    )
    sent = 0
    for ambassador in due:
        with transaction.atomic():
            claimed = (
                Ambassador.objects.filter(pk=ambassador.pk)
                .exclude(renewal_reminder_sent_for=ambassador.valid_until)
                .update(renewal_reminder_sent_for=ambassador.valid_until)
            )
            if claimed:
                send_after_commit(
                    to=[ambassador.user.email],
                    subject=_("Votre validation d'ambassadeur·rice arrive à échéance"),
                    template="ambassadors/email/expiry_reminder.txt",
                    context={
                        "ambassador": ambassador,
                        "url": absolute_url(reverse("ambassadors:my_space")),
                    },
                )
                sent += 1
    return sent
