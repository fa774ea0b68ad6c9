"""The community's share of the personal data (accounts.rgpd.Section), registered in
AmbassadorsConfig.ready(): an organisation's support requests, a person's event registrations
made without an account, and the events they organise."""

from django.utils import timezone
from django.utils.translation import ngettext

from accounts.models import Organisation, User
from accounts.rgpd import Section, Tables, rows
from ambassadors.models import Event, Registration, SupportRequest


def organisation_tables(organisation: Organisation) -> Tables:
    return {
        "demandes_accompagnement": rows(SupportRequest.objects.filter(organisation=organisation))
    }


def account_tables(user: User) -> Tables:
    """Event registrations made without an account with the person's address (kept until a
    month after each event)."""
    table = rows(Registration.objects.filter(user=None, email__iexact=user.email).order_by("pk"))
    return {"inscriptions_evenements_sans_compte": table} if table else {}


def deletion_blockers(user: User) -> list[str]:
    upcoming = Event.objects.filter(
        organiser=user, cancelled_at=None, ends_at__gte=timezone.now()
    ).count()
    if not upcoming:
        return []
    return [
        ngettext(
            "Vous organisez %(count)s événement à venir : annulez-le d'abord (les personnes "
            "inscrites sont prévenues).",
            "Vous organisez %(count)s événements à venir : annulez-les d'abord (les personnes "
            "inscrites sont prévenues).",
            upcoming,
        )
        % {"count": upcoming}
    ]


def erase_account(user: User) -> None:
    # Past and cancelled events go with their registrations (upcoming ones block the deletion).
    Event.objects.filter(organiser=user).delete()


SECTION = Section(
    name="ambassadors",
    organisation_tables=organisation_tables,
    account_tables=account_tables,
    deletion_blockers=deletion_blockers,
    erase_account=erase_account,
)
