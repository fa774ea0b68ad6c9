"""Local help for the roadmap: the DLA advisers registered on the platform near an organisation.

Registered into maturity.hooks at start-up (AdvisersConfig.ready): maturity asks, without
importing this app, who can help an organisation of a given département.
"""

from django.db import connection
from django.db.models import Q

from advisers.models import AdviserProfile
from maturity.hooks import LocalContact


def _covers(departement: str) -> Q:
    # PostgreSQL has JSON containment; SQLite keeps the list as text, where the quoted code
    # matches a whole element only (the list itself is checked again below).
    if connection.vendor == "postgresql":
        return Q(structure__departements__contains=[departement])
    return Q(structure__departements__icontains=f'"{departement}"')


def dla_contacts(departement: str, limit: int = 5) -> list[LocalContact]:
    """Approved advisers whose DLA structure covers the département, by structure then name.

    Names and structures only: an adviser's e-mail address is never listed (the organisation
    gives them access to its results from its own page, by name or address)."""
    if not departement:
        return []
    profiles = (
        AdviserProfile.objects.filter(
            _covers(departement), status=AdviserProfile.Status.APPROVED, user__is_active=True
        )
        .select_related("user", "structure")
        .order_by("structure__name", "user__last_name", "user__first_name")
    )
    contacts = []
    for profile in profiles:
        if departement not in profile.structure.departements:
            continue
        contacts.append(
            LocalContact(
                name=profile.user.display_name,
                detail=f"{profile.job_title}, {profile.structure.name}",
            )
        )
        if len(contacts) == limit:
            break
    return contacts
