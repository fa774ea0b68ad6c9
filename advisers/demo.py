"""The advisers app's demo content: two DLA structures and the demo adviser's approved
account. Idempotent. Called by manage.py demo_data (config), never when DEBUG is off."""

from django.utils import timezone

from accounts.models import User
from advisers.models import AdviserProfile, DlaStructure


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
