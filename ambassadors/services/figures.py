"""Figures for CRESS admins: what waits for them, and the community's activity."""

from statistics import median

from django.db.models import Count, Q
from django.utils import timezone

from ambassadors.models import Ambassador, Event, Registration, Resource, SupportRequest


def cress_queue_counts() -> dict[str, int]:
    """What waits for a CRESS admin in the community: applications and renewals, fiches to
    review, support requests nobody answered in time. Three counts."""
    return {
        "applications": Ambassador.objects.filter(
            Q(status=Ambassador.Status.PENDING) | Q(renewal_requested_at__isnull=False)
        ).count(),
        "fiches": Resource.objects.filter(status=Resource.Status.PENDING).count(),
        "unanswered": SupportRequest.objects.filter(
            status=SupportRequest.Status.SENT, escalated_at__isnull=False
        ).count(),
    }


def community_figures(*, now=None) -> dict:
    """Ambassadors by département, events held, attendance, requests and delay to answer."""
    from accounts.territories import departement_name

    now = now or timezone.now()
    by_departement: dict[str, int] = {}
    for departements in Ambassador.objects.active().values_list("departements", flat=True):
        for code in departements:
            by_departement[code] = by_departement.get(code, 0) + 1
    held = Event.objects.not_cancelled().filter(ends_at__lte=now)
    attendance = Registration.objects.filter(
        event__in=held, status=Registration.Status.CONFIRMED
    ).aggregate(
        registered=Count("pk"),
        marked=Count("pk", filter=Q(attended__isnull=False)),
        attended=Count("pk", filter=Q(attended=True)),
    )
    requests = SupportRequest.objects.exclude(sent_at=None)
    delays = [
        (answered - sent).total_seconds() / 3600
        for sent, answered in requests.exclude(answered_at=None).values_list(
            "sent_at", "answered_at"
        )
    ]
    counts = requests.aggregate(
        opened=Count("pk"),
        answered=Count("pk", filter=Q(answered_at__isnull=False)),
        accepted=Count(
            "pk", filter=Q(status__in=["accepted", "closed"], answered_at__isnull=False)
        ),
        waiting=Count("pk", filter=Q(status="sent")),
    )
    return {
        "ambassadors_total": Ambassador.objects.active().count(),
        "by_departement": sorted(
            ((code, departement_name(code), n) for code, n in by_departement.items()),
            key=lambda row: (-row[2], row[0]),
        ),
        "events_held": held.count(),
        "attendance": attendance,
        "attendance_rate": (
            round(100 * attendance["attended"] / attendance["marked"])
            if attendance["marked"]
            else None
        ),
        "requests": counts,
        "median_delay_hours": round(median(delays), 1) if delays else None,
    }
