"""maturity.access, called directly: whose diagnostic and whose respondent a request reaches."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.test import RequestFactory
from django.utils import timezone

from accounts.middleware import OrganisationContext
from accounts.models import Membership
from maturity.access import (
    GUEST_SESSION_KEY,
    diagnostic_for_member,
    member_of,
    respondent_for,
    respondent_required,
)
from maturity.models import Respondent
from tests.factories import MembershipFactory, UserFactory
from tests.maturity.factories import diagnostic_with_respondent

pytestmark = pytest.mark.django_db


def _request(user, *, guests=(), page=True):
    """A request as the middleware leaves it: the session's guest respondents and, for a
    whole page, the requester's memberships (request.organisations)."""
    request = RequestFactory().get("/diagnostic/5/?section=2")
    request.user = user
    request.session = {GUEST_SESSION_KEY: list(guests)} if guests else {}
    if page:
        request.organisations = OrganisationContext(request)
    return request


def _guest(diagnostic, **changes):
    guest, _token = Respondent.new_guest(
        diagnostic=diagnostic, name="Invitée", email="g@example.org", role_label="", invited_by=None
    )
    for name, value in changes.items():
        setattr(guest, name, value)
    guest.save()
    return guest


def _end(membership):
    Membership.objects.filter(pk=membership.pk).update(is_active=False)


# --- Diagnostics and memberships -------------------------------------------------------------------


def test_a_member_reads_their_organisations_diagnostic_and_only_an_admin_its_admin_pages():
    diagnostic, respondent = diagnostic_with_respondent()
    admin = respondent.user
    member = MembershipFactory(organisation=diagnostic.organisation).user
    assert diagnostic_for_member(member, diagnostic.pk) == diagnostic
    with pytest.raises(PermissionDenied):
        diagnostic_for_member(member, diagnostic.pk, admin=True)
    assert diagnostic_for_member(admin, diagnostic.pk, admin=True) == diagnostic


def test_another_organisations_diagnostic_or_an_ended_membership_is_a_404():
    diagnostic, respondent = diagnostic_with_respondent()
    outsider = MembershipFactory(admin=True).user
    with pytest.raises(Http404):
        diagnostic_for_member(outsider, diagnostic.pk)
    _end(Membership.objects.get(user=respondent.user))
    for admin in (False, True):
        with pytest.raises(Http404):
            diagnostic_for_member(respondent.user, diagnostic.pk, admin=admin)


def test_member_of_finds_the_membership_among_those_the_page_loaded_without_a_query(
    django_assert_num_queries,
):
    first = MembershipFactory()
    second = MembershipFactory(user=first.user, admin=True)
    request = _request(first.user)
    with django_assert_num_queries(1):  # the header's memberships, once
        assert member_of(request, second.organisation_id) == second
        assert member_of(request, first.organisation_id) == first
    with pytest.raises(Http404):
        member_of(request, MembershipFactory().organisation_id)


def test_member_of_without_the_pages_memberships_asks_the_database():
    membership = MembershipFactory()
    request = _request(membership.user, page=False)
    assert member_of(request, membership.organisation_id) == membership
    _end(membership)
    with pytest.raises(Http404):
        member_of(request, membership.organisation_id)


# --- Respondent pages ------------------------------------------------------------------------------


@respondent_required
def _answer_page(request, pk):
    return HttpResponse(str(pk))


def test_a_visitor_without_a_guest_link_is_sent_to_login_and_back():
    response = _answer_page(_request(AnonymousUser(), page=False), 5)
    assert response.status_code == 302
    assert "next=/diagnostic/5/%3Fsection%3D2" in response["Location"]


def test_a_guest_with_a_link_and_a_logged_in_person_reach_the_page():
    assert _answer_page(_request(AnonymousUser(), guests=[3], page=False), 5).content == b"5"
    assert _answer_page(_request(UserFactory(), page=False), 5).content == b"5"


@pytest.mark.parametrize("page", [True, False])
def test_a_member_reaches_their_own_respondent_only(page):
    diagnostic, mine = diagnostic_with_respondent()
    colleague = MembershipFactory(organisation=diagnostic.organisation).user
    theirs = Respondent.objects.create(diagnostic=diagnostic, user=colleague)
    found = respondent_for(_request(mine.user, page=page), mine.pk, page=page)
    assert found == mine and found.diagnostic == diagnostic
    assert found.user == mine.user
    with pytest.raises(Http404):
        respondent_for(_request(mine.user, page=page), theirs.pk, page=page)
    with pytest.raises(Http404):
        respondent_for(_request(AnonymousUser(), page=page), mine.pk, page=page)


@pytest.mark.parametrize("page", [True, False])
def test_a_member_who_left_no_longer_reaches_their_respondent(page):
    _diagnostic, mine = diagnostic_with_respondent()
    _end(Membership.objects.get(user=mine.user))
    with pytest.raises(Http404):
        respondent_for(_request(mine.user, page=page), mine.pk, page=page)


def test_a_whole_page_takes_the_organisation_from_the_headers_memberships(
    django_assert_num_queries,
):
    _diagnostic, mine = diagnostic_with_respondent()
    request = _request(mine.user)
    organisation = request.organisations.memberships[0].organisation
    with django_assert_num_queries(1):
        found = respondent_for(request, mine.pk)
        assert found.diagnostic.organisation is organisation
        assert found.user == mine.user  # the requester, not read again


def test_an_autosave_checks_the_membership_in_its_one_query(django_assert_num_queries):
    _diagnostic, mine = diagnostic_with_respondent()
    request = _request(mine.user, page=False)
    with django_assert_num_queries(1):
        found = respondent_for(request, mine.pk, page=False)
        assert found == mine and found.user == mine.user


def test_a_guest_reaches_their_own_respondent_while_the_link_lives():
    diagnostic, member = diagnostic_with_respondent()
    guest = _guest(diagnostic)
    other = _guest(diagnostic)
    request = _request(AnonymousUser(), guests=[guest.pk, member.pk])
    found = respondent_for(request, guest.pk)
    assert found == guest and found.diagnostic.organisation == diagnostic.organisation
    alone = _request(AnonymousUser(), guests=[guest.pk], page=False)
    assert respondent_for(alone, guest.pk, page=False) == guest
    for pk in (other.pk, member.pk):  # another guest's, a member's even if put in the session
        with pytest.raises(Http404):
            respondent_for(request, pk)


@pytest.mark.parametrize(
    "changes",
    [
        {"expires_at": timezone.now() - timedelta(minutes=1)},
        {"revoked_at": timezone.now()},
    ],
    ids=["expired", "revoked"],
)
def test_an_expired_or_revoked_guest_link_opens_nothing(changes):
    diagnostic, _member = diagnostic_with_respondent()
    guest = _guest(diagnostic, **changes)
    for page in (True, False):
        with pytest.raises(Http404):
            respondent_for(_request(AnonymousUser(), guests=[guest.pk]), guest.pk, page=page)


@pytest.mark.parametrize("page", [True, False])
def test_a_member_who_also_opened_a_guest_link_reaches_both(page):
    diagnostic, mine = diagnostic_with_respondent()
    guest = _guest(diagnostic)
    request = _request(mine.user, guests=[guest.pk], page=page)
    assert respondent_for(request, mine.pk, page=page) == mine
    as_guest = respondent_for(request, guest.pk, page=page)
    assert as_guest == guest and as_guest.user is None  # the guest's answers stay the guest's
    _end(Membership.objects.get(user=mine.user))
    request = _request(mine.user, guests=[guest.pk], page=page)
    with pytest.raises(Http404):
        respondent_for(request, mine.pk, page=page)
    assert respondent_for(request, guest.pk, page=page) == guest


def test_someone_with_no_organisation_and_no_link_reaches_no_respondent():
    _diagnostic, mine = diagnostic_with_respondent()
    for request in (_request(UserFactory()), _request(AnonymousUser())):
        with pytest.raises(Http404):
            respondent_for(request, mine.pk)


def test_a_diagnostic_comes_with_its_organisation_and_questionnaire_in_one_query(
    django_assert_num_queries,
):
    diagnostic, respondent = diagnostic_with_respondent()
    with django_assert_num_queries(1):
        found = diagnostic_for_member(respondent.user, diagnostic.pk)
        assert found.organisation.name == diagnostic.organisation.name
        assert found.questionnaire.version == diagnostic.questionnaire.version


def test_a_page_served_without_the_headers_memberships_still_finds_the_members_respondent():
    _diagnostic, mine = diagnostic_with_respondent()
    request = _request(mine.user, page=False)  # no request.organisations
    assert respondent_for(request, mine.pk, page=True) == mine


def test_leaving_one_organisation_closes_its_respondent_while_others_stay_open():
    diagnostic, mine = diagnostic_with_respondent()
    MembershipFactory(user=mine.user)  # a member of another organisation too
    _end(Membership.objects.get(user=mine.user, organisation=diagnostic.organisation))
    with pytest.raises(Http404):
        respondent_for(_request(mine.user), mine.pk)


def test_a_guest_link_taken_over_by_an_account_no_longer_opens_it_to_the_session():
    diagnostic, _member = diagnostic_with_respondent()
    colleague = MembershipFactory(organisation=diagnostic.organisation).user
    guest = _guest(diagnostic, user=colleague)  # the guest's answers now belong to an account
    with pytest.raises(Http404):
        respondent_for(_request(AnonymousUser(), guests=[guest.pk]), guest.pk)


def test_a_guest_page_comes_with_the_organisation_in_one_query(django_assert_num_queries):
    elsewhere, _member = diagnostic_with_respondent()
    guest = _guest(elsewhere)
    _diagnostic, mine = diagnostic_with_respondent()
    for user in (AnonymousUser(), mine.user):  # a visitor, or a member of another organisation
        request = _request(user, guests=[guest.pk])
        if user.is_authenticated:
            assert request.organisations.memberships  # loaded by the page's header
        with django_assert_num_queries(1):
            found = respondent_for(request, guest.pk)
            assert found.diagnostic.organisation.name == elsewhere.organisation.name
