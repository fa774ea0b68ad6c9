"""accounts.access, called directly: who gets an organisation's membership, who a CRESS page."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.test import RequestFactory

from accounts.access import cress_admin_required, membership_for
from accounts.models import Membership
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db


@cress_admin_required
def _cress_page(request, pk, *, part):
    return HttpResponse(f"{pk}/{part}")


def _request(user):
    request = RequestFactory().get("/cress/page/?x=1")
    request.user = user
    return request


def test_a_cress_page_sends_a_visitor_to_login_and_back():
    response = _cress_page(_request(AnonymousUser()), 7, part="a")
    assert response.status_code == 302
    assert response["Location"].startswith("/")
    assert "next=/cress/page/%3Fx%3D1" in response["Location"]


def test_a_cress_page_refuses_anyone_else_logged_in():
    with pytest.raises(PermissionDenied):
        _cress_page(_request(UserFactory()), 7, part="a")


def test_a_cress_admin_gets_the_page_with_its_arguments():
    response = _cress_page(_request(UserFactory(cress_admin=True)), 7, part="a")
    assert response.status_code == 200 and response.content == b"7/a"


def test_a_member_gets_their_membership_with_its_organisation(django_assert_num_queries):
    membership = MembershipFactory()
    with django_assert_num_queries(1):
        found = membership_for(membership.user, membership.organisation_id)
        assert found == membership
        assert found.organisation.name == membership.organisation.name


def test_an_admin_page_is_refused_to_a_member_and_opened_to_an_admin():
    member = MembershipFactory()
    with pytest.raises(PermissionDenied):
        membership_for(member.user, member.organisation_id, admin=True)
    admin = MembershipFactory(organisation=member.organisation, admin=True)
    assert membership_for(admin.user, admin.organisation_id, admin=True) == admin
    assert membership_for(admin.user, admin.organisation_id).role == Membership.Role.ADMIN


def test_someone_outside_the_organisation_gets_404_as_for_an_unknown_one():
    membership = MembershipFactory(admin=True)
    other = OrganisationFactory()
    for user, pk in (
        (UserFactory(), membership.organisation_id),
        (membership.user, other.pk),
        (membership.user, other.pk + 1000),
    ):
        with pytest.raises(Http404):
            membership_for(user, pk)
        with pytest.raises(Http404):
            membership_for(user, pk, admin=True)


def test_a_membership_that_ended_opens_nothing():
    membership = MembershipFactory(admin=True, is_active=False)
    with pytest.raises(Http404):
        membership_for(membership.user, membership.organisation_id)
    with pytest.raises(Http404):
        membership_for(membership.user, membership.organisation_id, admin=True)
