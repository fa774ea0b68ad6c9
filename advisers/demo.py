"""The advisers app's demo content: two DLA structures and the demo adviser's approved
account. Idempotent. Called by manage.py demo_data (config), never when DEBUG is off."""

from accounts.models import User
from advisers.models import AdviserProfile, DlaStructure


def create(*, adviser: User) -> None:
    structure, _ = DlaStructure.objects.get_or_create(
        name="DLA de la Gironde", defaults={"departements": ["33"]}
    )
    DlaStructure.objects.get_or_create(
        name="DLA des Deux-Sèvres et de la Vienne", defaults={"departements": ["79", "86"]}
    )
    AdviserProfile.objects.update_or_create(
        user=adviser,
        defaults={"structure": structure, "status": AdviserProfile.Status.APPROVED},
    )
