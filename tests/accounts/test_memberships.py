import pytest
from django.urls import reverse

from accounts import services
from accounts.models import Membership
from tests.factories import MembershipFactory
from tests.pages import readable

pytestmark = pytest.mark.django_db


def test_the_last_admin_can_neither_be_removed_nor_leave_nor_be_demoted(client):
    admin = MembershipFactory(admin=True)
    organisation = admin.organisation
    with pytest.raises(services.MembershipError, match="dernier·e administrateur·rice"):
        services.deactivate_membership(membership=admin, by=admin.user)
    with pytest.raises(services.MembershipError, match="dernier·e administrateur·rice"):
        services.change_role(membership=admin, role="member", by=admin.user)

    client.force_login(admin.user)
    response = client.post(reverse("organisation_leave", args=[organisation.pk]), follow=True)
    assert "nommez d'abord une autre personne administratrice" in readable(response)
    admin.refresh_from_db()
    assert admin.is_active and admin.role == "admin"


def test_with_two_admins_one_may_leave_and_the_row_is_kept(client):
    first = MembershipFactory(admin=True)
    second = MembershipFactory(admin=True, organisation=first.organisation)
    client.force_login(first.user)
    client.post(reverse("organisation_leave", args=[first.organisation.pk]))
    first.refresh_from_db()
    assert not first.is_active and first.changed_by == first.user
    assert Membership.objects.filter(pk=first.pk).exists()
    with pytest.raises(services.MembershipError):
        services.deactivate_membership(membership=second, by=second.user)


def test_admin_removes_a_member_and_records_who_did_it(client):
    admin = MembershipFactory(admin=True)
    member = MembershipFactory(organisation=admin.organisation)
    client.force_login(admin.user)
    client.post(reverse("membership_remove", args=[admin.organisation.pk, member.pk]))
    member.refresh_from_db()
    assert not member.is_active and member.changed_by == admin.user


def test_admin_promotes_a_member_then_may_step_down(client):
    admin = MembershipFactory(admin=True)
    member = MembershipFactory(organisation=admin.organisation)
    client.force_login(admin.user)
    client.post(
        reverse("membership_role", args=[admin.organisation.pk, member.pk]), {"role": "admin"}
    )
    client.post(
        reverse("membership_role", args=[admin.organisation.pk, admin.pk]), {"role": "member"}
    )
    member.refresh_from_db()
    admin.refresh_from_db()
    assert (member.role, admin.role) == ("admin", "member")


def test_an_unknown_role_is_refused_with_a_message(client):
    admin = MembershipFactory(admin=True)
    member = MembershipFactory(organisation=admin.organisation)
    client.force_login(admin.user)
    response = client.post(
        reverse("membership_role", args=[admin.organisation.pk, member.pk]),
        {"role": "superuser"},
        follow=True,
    )
    assert "Ce rôle n'existe pas" in readable(response)
    member.refresh_from_db()
    assert member.role == "member"


def test_an_admin_cannot_touch_a_membership_of_another_organisation(client):
    admin = MembershipFactory(admin=True)
    elsewhere = MembershipFactory()
    client.force_login(admin.user)
    response = client.post(reverse("membership_remove", args=[admin.organisation.pk, elsewhere.pk]))
    assert response.status_code == 404
    elsewhere.refresh_from_db()
    assert elsewhere.is_active


def test_one_membership_per_person_and_organisation_is_a_database_rule():
    from django.db import IntegrityError

    membership = MembershipFactory()
    with pytest.raises(IntegrityError):
        Membership.objects.create(user=membership.user, organisation=membership.organisation)
