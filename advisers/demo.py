"""The advisers app's demo content: two DLA structures, the demo adviser's approved account and
the organisations that opened their results to her. Idempotent. Called by manage.py demo_data (config), never when DEBUG is off."""

from django.utils import timezone

from accounts.models import Membership, Organisation, User
from advisers.models import AdviserProfile, Consent, DlaStructure
from advisers.services import add_months, adviser_label, consent_text
from maturity.models import Diagnostic


def create(*, adviser: User, approved_by: User) -> None:
    structure, _ = DlaStructure.objects.get_or_create(
        name="DLA de la Gironde", defaults={"departements": ["33"]}
    )
    DlaStructure.objects.get_or_create(
        name="DLA des Deux-Sèvres et de la Vienne", defaults={"departements": ["79", "86"]}
    )
    profile, _ = AdviserProfile.objects.update_or_create(
        user=adviser,
        defaults={"structure": structure, "status": AdviserProfile.Status.APPROVED},
    )
    # Approved like any adviser, by a CRESS admin on a date (the CRESS space lists it); a
    # database made before this keeps its profile and gains the decision it lacked.
    if profile.decided_at is None:
        profile.decided_at = timezone.now()
        profile.decided_by = approved_by
        profile.save(update_fields=["decided_at", "decided_by"])


def open_portfolio(*, adviser: User) -> int:
    """The demo organisations with a completed diagnostic open their results to the demo
    adviser, as their admin would (the consent's exact text, six months), so that her portfolio,
    client pages and comparison have something to show. Written directly rather than through
    services.grant, which would e-mail her at each run. Returns how many were opened."""
    now = timezone.now()
    opened = 0
    organisations = (
        Organisation.objects.filter(diagnostics__status=Diagnostic.Status.COMPLETED)
        .exclude(adviser_consents__adviser=adviser)
        .distinct()
        .order_by("pk")
    )
    for organisation in organisations:
        admin = (
            organisation.memberships.filter(role=Membership.Role.ADMIN, is_active=True)
            .select_related("user")
            .order_by("pk")
            .first()
        )
        if admin is None:
            continue
        expires_at = add_months(now, 6)
        Consent.objects.create(
            organisation=organisation,
            adviser=adviser,
            status=Consent.Status.ACTIVE,
            months=6,
            expires_at=expires_at,
            granted_at=now,
            granted_by=admin.user,
            consent_text=consent_text(
                organisation=organisation,
                adviser_label=adviser_label(adviser),
                expires_at=expires_at,
            ),
        )
        opened += 1
    return opened
