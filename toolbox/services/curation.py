"""Curation: tools not reviewed for a year, the CRESS's queue and its digest, a review."""

import datetime

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.mail import send_after_commit
from toolbox.models import Proposal, Tool, ToolUse
from toolbox.services.json_values import apply_tool_values

STALE_AFTER_DAYS = 365


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
