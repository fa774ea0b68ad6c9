"""workshops.access, called directly: who may facilitate for an organisation, run which
workshop, manage which event entry, and which participant a phone holds."""

from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth.models import AnonymousUser
from django.http import Http404
from django.test import RequestFactory
from django.utils import timezone

from accounts.models import Membership
from advisers import services as adviser_services
from ambassadors.models import SupportRequest
from tests.ambassadors.factories import AmbassadorFactory, EventFactory, SupportRequestFactory
from tests.factories import AdviserProfileFactory, MembershipFactory, UserFactory
from tests.workshops.factories import event_workshop, questionnaire, team_workshop
from workshops import access, services

pytestmark = pytest.mark.django_db


def _admin_of(workshop):
    return workshop.organisation.active_admins().first()


def _may_facilitate(user, workshop) -> bool:
    """Both faces of the rule: the organisation is offered, and its workshop is run."""
    organisation = workshop.organisation
    offered = access.facilitated_organisations(user).filter(pk=organisation.pk).exists()
    runs = access.facilitated_workshops(user).filter(pk=workshop.pk).exists()
    assert offered == runs, (offered, runs)
    return offered


# --- Team workshops --------------------------------------------------------------------------------


def test_an_active_admin_facilitates_a_plain_member_or_a_former_admin_does_not():
    workshop = team_workshop()
    admin = _admin_of(workshop)
    assert _may_facilitate(admin, workshop)
    assert access.organisation_for(admin, workshop.organisation_id) == workshop.organisation
    assert access.workshop_for(admin, workshop.pk) == workshop
    member = MembershipFactory(organisation=workshop.organisation).user
    assert not _may_facilitate(member, workshop)
    Membership.objects.filter(user=admin).update(is_active=False)
    assert not _may_facilitate(admin, workshop)
    with pytest.raises(Http404):
        access.organisation_for(admin, workshop.organisation_id)
    with pytest.raises(Http404):
        access.workshop_for(admin, workshop.pk)


def test_an_adviser_facilitates_while_the_consent_lives():
    workshop = team_workshop()
    adviser = AdviserProfileFactory().user
    assert not _may_facilitate(adviser, workshop)
    consent = adviser_services.grant(
        organisation=workshop.organisation, adviser=adviser, months=3, by=_admin_of(workshop)
    )
    assert _may_facilitate(adviser, workshop)
    with time_machine.travel(consent.expires_at + timedelta(minutes=1)):
        assert not _may_facilitate(adviser, workshop)
    adviser_services.revoke(consent=consent, by=_admin_of(workshop))
    assert not _may_facilitate(adviser, workshop)


def test_an_ambassador_facilitates_once_their_help_is_accepted_and_while_validated():
    workshop = team_workshop()
    ambassador = AmbassadorFactory()
    request = SupportRequestFactory(
        organisation=workshop.organisation, sent=True, ambassador=ambassador
    )
    assert not _may_facilitate(ambassador.user, workshop)  # asked, not accepted yet
    SupportRequest.objects.filter(pk=request.pk).update(status=SupportRequest.Status.ACCEPTED)
    assert _may_facilitate(ambassador.user, workshop)
    # Another ambassador accepted elsewhere opens nothing here.
    other = AmbassadorFactory()
    SupportRequestFactory(sent=True, ambassador=other, status=SupportRequest.Status.ACCEPTED)
    assert not _may_facilitate(other.user, workshop)
    ambassador.valid_until = timezone.localdate() - timedelta(days=1)
    ambassador.save()
    assert not _may_facilitate(ambassador.user, workshop)


def test_a_visitor_facilitates_nothing():
    workshop = team_workshop()
    visitor = AnonymousUser()
    assert not access.facilitated_organisations(visitor).exists()
    assert not access.facilitated_workshops(visitor).exists()
    assert not access.entries_of_admin(visitor).exists()
    assert not access.may_open_events(visitor)
    assert not access.is_organisation_admin(visitor, workshop.organisation_id)
    with pytest.raises(Http404):
        access.workshop_for(visitor, workshop.pk)


# --- Event workshops -------------------------------------------------------------------------------


def test_who_may_open_an_event_workshop():
    assert access.may_open_events(UserFactory(cress_admin=True))
    assert access.may_open_events(AmbassadorFactory().user)
    assert not access.may_open_events(AmbassadorFactory(pending=True).user)
    assert not access.may_open_events(AmbassadorFactory(expired=True).user)
    assert not access.may_open_events(MembershipFactory(admin=True).user)


def test_a_cress_admins_event_workshop_is_run_by_them_only():
    opener = UserFactory(cress_admin=True)
    workshop = event_workshop(by=opener)
    assert access.workshop_for(opener, workshop.pk) == workshop
    for someone in (UserFactory(cress_admin=True), AmbassadorFactory().user, UserFactory()):
        with pytest.raises(Http404):
            access.workshop_for(someone, workshop.pk)


def test_an_ambassadors_event_workshop_is_run_while_they_organise_it_and_are_validated():
    questionnaire()
    ambassador = AmbassadorFactory()
    event = EventFactory(organiser=ambassador.user)
    workshop = services.open_event_workshop(
        by=ambassador.user, title="Rencontre", groups=["Salarié·es"], pace="free", event=event
    )
    assert access.workshop_for(ambassador.user, workshop.pk) == workshop
    # The event handed to another organiser: no longer theirs.
    event.organiser = UserFactory()
    event.save()
    with pytest.raises(Http404):
        access.workshop_for(ambassador.user, workshop.pk)
    event.organiser = ambassador.user
    event.save()
    ambassador.valid_until = timezone.localdate() - timedelta(days=1)
    ambassador.save()
    with pytest.raises(Http404):
        access.workshop_for(ambassador.user, workshop.pk)


def test_an_event_workshop_is_never_run_through_an_organisations_rights():
    workshop = event_workshop()
    admin = MembershipFactory(admin=True)
    services.link_organisation(workshop=workshop, organisation=admin.organisation, by=admin.user)
    with pytest.raises(Http404):
        access.workshop_for(admin.user, workshop.pk)


# --- An organisation's entries in events -----------------------------------------------------------


def test_an_entry_is_managed_by_its_organisations_active_admins_only():
    workshop = event_workshop()
    admin = MembershipFactory(admin=True)
    entry = services.link_organisation(
        workshop=workshop, organisation=admin.organisation, by=admin.user
    )
    assert access.entry_for(admin.user, entry.pk) == entry
    assert list(access.entries_of_admin(admin.user)) == [entry]
    assert access.is_organisation_admin(admin.user, admin.organisation_id)
    member = MembershipFactory(organisation=admin.organisation).user
    outsider = MembershipFactory(admin=True).user
    for user in (member, outsider):
        assert not access.is_organisation_admin(user, admin.organisation_id)
        assert not access.entries_of_admin(user).exists()
        with pytest.raises(Http404):
            access.entry_for(user, entry.pk)
    assert not access.is_organisation_admin(admin.user, None)
    admin.is_active = False
    admin.save()
    assert not access.is_organisation_admin(admin.user, admin.organisation_id)
    with pytest.raises(Http404):
        access.entry_for(admin.user, entry.pk)


# --- Participants ----------------------------------------------------------------------------------


def test_a_phone_reaches_its_own_participants_only():
    workshop = team_workshop()
    mine = services.join(workshop=workshop, entry=None, group=0)
    theirs = services.join(workshop=workshop, entry=None, group=0)
    request = RequestFactory().get("/")
    request.session = {}
    assert access.session_participants(request) == {}
    with pytest.raises(Http404):
        access.participant_for(request, mine.pk)
    request.session[access.PARTICIPANTS_SESSION_KEY] = {str(workshop.pk): mine.pk}
    assert access.session_participants(request) == {str(workshop.pk): mine.pk}
    assert access.participant_for(request, mine.pk) == mine
    with pytest.raises(Http404):
        access.participant_for(request, theirs.pk)


def test_an_entry_comes_with_its_workshop_and_organisation_in_one_query(
    django_assert_num_queries,
):
    workshop = event_workshop()
    admin = MembershipFactory(admin=True)
    entry = services.link_organisation(
        workshop=workshop, organisation=admin.organisation, by=admin.user
    )
    with django_assert_num_queries(1):
        found = access.entry_for(admin.user, entry.pk)
        assert (found.workshop.title, found.organisation.name) == (
            workshop.title,
            admin.organisation.name,
        )


def test_a_cress_admin_runs_their_organisations_team_workshop_only_while_its_admin():
    workshop = team_workshop()
    admin = _admin_of(workshop)
    admin.is_cress_admin = True
    admin.save()
    assert access.workshop_for(admin, workshop.pk) == workshop
    Membership.objects.filter(user=admin).update(is_active=False)
    with pytest.raises(Http404):  # having opened it is not enough for a team workshop
        access.workshop_for(admin, workshop.pk)
