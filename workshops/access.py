"""Who may run which workshop, checked on every request by scoped lookups (404 for anyone
else, as for a workshop that does not exist).

A team workshop is run by whoever may facilitate for its organisation, now:
- an active admin of the organisation;
- a DLA adviser holding the organisation's live consent (revoked or expired: the next request
  is a 404, and the projection's polling stops);
- a validated ambassador the organisation invited: a support request of the organisation sent
  to them and accepted (advisers and ambassadors see no organisation without being asked in).
An event workshop is run by the person who opened it only: a CRESS admin, or a validated
ambassador for an event they organise.
"""

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404

from accounts.access import Requester
from accounts.models import Membership, Organisation, User
from advisers.models import Consent
from ambassadors.models import Ambassador, SupportRequest
from workshops.models import EventOrganisation, Participant, Workshop, WorkshopQuerySet

PARTICIPANTS_SESSION_KEY = "workshop_participants"


def _may_facilitate_for(user: User, organisation_ref: str) -> Q:
    """A condition on the organisation at `organisation_ref`: the user may facilitate for it."""
    admin = Exists(
        Membership.objects.filter(
            user=user,
            is_active=True,
            role=Membership.Role.ADMIN,
            organisation=OuterRef(organisation_ref),
        )
    )
    consent = Exists(
        Consent.objects.live().filter(adviser=user, organisation=OuterRef(organisation_ref))
    )
    invited = Exists(
        SupportRequest.objects.filter(
            organisation=OuterRef(organisation_ref),
            status=SupportRequest.Status.ACCEPTED,
            ambassador__in=Ambassador.objects.active().filter(user=user),
        )
    )
    return Q(admin) | Q(consent) | Q(invited)


def facilitated_organisations(user: Requester) -> QuerySet[Organisation]:
    """Organisations the user may open a team workshop for."""
    if not user.is_authenticated:
        return Organisation.objects.none()
    return Organisation.objects.filter(_may_facilitate_for(user, "pk"))


def may_open_events(user: Requester) -> bool:
    return user.is_authenticated and (
        user.is_cress_admin or Ambassador.objects.active().filter(user=user).exists()
    )


def facilitated_workshops(user: Requester) -> WorkshopQuerySet:
    """Workshops the user may run right now."""
    if not user.is_authenticated:
        return Workshop.objects.none()
    condition = Q(kind=Workshop.Kind.TEAM) & Q(_may_facilitate_for(user, "organisation"))
    event = Q(kind=Workshop.Kind.EVENT, facilitator=user)
    if user.is_cress_admin:
        condition |= event
    else:
        condition |= (
            event
            & Q(event__organiser=user)
            & Q(Exists(Ambassador.objects.active().filter(user=user)))
        )
    return Workshop.objects.filter(condition)


def workshop_for(user: Requester, pk: int) -> Workshop:
    return get_object_or_404(facilitated_workshops(user).for_console(), pk=pk)


def organisation_for(user: Requester, org_pk: int) -> Organisation:
    return get_object_or_404(facilitated_organisations(user), pk=org_pk)


def is_organisation_admin(user: Requester, organisation_id: int | None) -> bool:
    return (
        organisation_id is not None
        and user.is_authenticated
        and Membership.objects.filter(
            user=user,
            organisation_id=organisation_id,
            is_active=True,
            role=Membership.Role.ADMIN,
        ).exists()
    )


def entries_of_admin(user: Requester) -> QuerySet[EventOrganisation]:
    """The event entries of the organisations the user is an active admin of."""
    if not user.is_authenticated:
        return EventOrganisation.objects.none()
    return EventOrganisation.objects.filter(
        organisation__memberships__user=user,
        organisation__memberships__is_active=True,
        organisation__memberships__role=Membership.Role.ADMIN,
    )


def entry_for(user: Requester, pk: int) -> EventOrganisation:
    return get_object_or_404(
        entries_of_admin(user).select_related("workshop", "organisation"), pk=pk
    )


# --- Participants: held in the phone's session ---------------------------------------------------


def session_participants(request: HttpRequest) -> dict[str, int]:
    """{workshop id (text): participant id} of this phone."""
    participants: dict[str, int] = request.session.get(PARTICIPANTS_SESSION_KEY, {})
    return participants


def participant_for(request: HttpRequest, pk: int) -> Participant:
    """This phone's own participant (404 for anyone else's)."""
    if pk not in session_participants(request).values():
        raise Http404
    return get_object_or_404(Participant.objects.for_page(), pk=pk)
