"""Memberships changed from the Django admin (by a superuser) are shown to the organisation.

Memberships are the organisation admins' business; a superuser may still add, change or remove
one in the Django admin, and each such change is listed for the organisation's admins on the
page "Qui a consulté vos données" and in the organisation's data export.
"""

import io
import json
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts import rgpd
from accounts.models import Membership, MembershipChange
from tests.adminforms import admin_form_data
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory
from tests.pages import readable

PREFIX = "memberships"


@pytest.fixture
def superuser(db):
    return UserFactory(is_superuser=True, is_staff=True, first_name="Sam", last_name="Root")


@pytest.fixture
def organisation(db):
    return OrganisationFactory(name="Les Jardins")


@pytest.fixture
def org_admin(organisation):
    return MembershipFactory(organisation=organisation, admin=True).user


def _change_url(organisation):
    return reverse("admin:accounts_organisation_change", args=[organisation.pk])


def _form(client, organisation) -> tuple[dict, dict[int, int]]:
    """The change form's data, and the inline row index of each membership id."""
    response = client.get(_change_url(organisation))
    assert response.status_code == 200
    data = admin_form_data(response)
    rows = {int(data[f"{PREFIX}-{i}-id"]): i for i in range(int(data[f"{PREFIX}-INITIAL_FORMS"]))}
    return data, rows


def _consents_page(client, user, organisation) -> str:
    client.force_login(user)
    response = client.get(reverse("advisers:consents", kwargs={"pk": organisation.pk}))
    assert response.status_code == 200
    return response.text


def test_superuser_adding_an_admin_is_shown_on_the_organisations_log(
    client, superuser, organisation, org_admin
):
    newcomer = UserFactory(first_name="Nora", last_name="Neuve")
    client.force_login(superuser)
    data, _ = _form(client, organisation)
    total = int(data[f"{PREFIX}-TOTAL_FORMS"])
    data.update(
        {
            f"{PREFIX}-TOTAL_FORMS": str(total + 1),
            f"{PREFIX}-{total}-user": str(newcomer.pk),
            f"{PREFIX}-{total}-role": Membership.Role.ADMIN,
            f"{PREFIX}-{total}-is_active": "on",
        }
    )
    assert client.post(_change_url(organisation), data).status_code == 302

    membership = Membership.objects.get(organisation=organisation, user=newcomer)
    assert membership.changed_by == superuser
    html = _consents_page(client, org_admin, organisation)
    assert "Sam Root" in html
    assert "Ajout de Nora Neuve comme administrateur·rice" in html


def test_superuser_changing_a_role_or_removing_a_member_is_shown(
    client, superuser, organisation, org_admin
):
    promoted = MembershipFactory(organisation=organisation, user__first_name="Paul")
    promoted.user.last_name = "Promu"
    promoted.user.save()
    left = MembershipFactory(organisation=organisation, user__first_name="Rita")
    left.user.last_name = "Retirée"
    left.user.save()
    deleted = MembershipFactory(organisation=organisation, user__first_name="Didier")
    deleted.user.last_name = "Supprimé"
    deleted.user.save()

    client.force_login(superuser)
    data, rows = _form(client, organisation)
    data[f"{PREFIX}-{rows[promoted.pk]}-role"] = Membership.Role.ADMIN
    del data[f"{PREFIX}-{rows[left.pk]}-is_active"]
    data[f"{PREFIX}-{rows[deleted.pk]}-DELETE"] = "on"
    assert client.post(_change_url(organisation), data).status_code == 302

    html = _consents_page(client, org_admin, organisation)
    assert "Paul Promu : rôle membre → administrateur·rice" in readable(html)
    assert "Rita Retirée : retrait de l'organisation" in readable(html)
    assert "Suppression de l'adhésion de Didier Supprimé (membre)" in readable(html)
    changes = MembershipChange.objects.filter(organisation=organisation)
    assert {change.action for change in changes} == {"changed", "removed"}
    assert all(change.actor == superuser for change in changes)


def test_saving_without_touching_members_records_nothing(client, superuser, organisation):
    MembershipFactory(organisation=organisation, admin=True)
    client.force_login(superuser)
    data, _ = _form(client, organisation)
    data["name"] = "Les Jardins partagés"
    assert client.post(_change_url(organisation), data).status_code == 302
    assert not MembershipChange.objects.exists()


def test_another_organisation_does_not_see_the_change(client, superuser, organisation):
    MembershipFactory(organisation=organisation, admin=True)
    admin_b = MembershipFactory(admin=True).user
    MembershipChange.objects.create(
        organisation=organisation,
        actor=superuser,
        actor_name=superuser.display_name,
        member_name="Nora Neuve",
        action=MembershipChange.Action.ADDED,
        role_after=Membership.Role.ADMIN,
    )
    other = admin_b.memberships.get().organisation
    assert "Nora Neuve" not in _consents_page(client, admin_b, other)


def test_the_organisation_export_holds_the_changes(superuser, organisation):
    MembershipChange.objects.create(
        organisation=organisation,
        actor=superuser,
        actor_name=superuser.display_name,
        member_name="Nora Neuve",
        action=MembershipChange.Action.ADDED,
        role_after=Membership.Role.ADMIN,
    )
    archive = zipfile.ZipFile(io.BytesIO(rgpd.export_organisation(organisation)))
    table = json.loads(archive.read("json/changements_membres.json"))
    assert [(row["actor_name"], row["member_name"], row["action"]) for row in table] == [
        ("Sam Root", "Nora Neuve", "added")
    ]


@pytest.mark.parametrize(
    "fields, message",
    [
        ({"action": "stolen", "role_after": "admin"}, "n’est pas un choix valide"),
        ({"action": "added", "role_after": ""}, "un ajout indique le rôle donné"),
        ({"action": "removed", "role_before": ""}, "un retrait le rôle retiré"),
        ({"action": "changed", "role_before": "admin"}, "une modification les deux"),
    ],
)
def test_a_change_says_what_changed(organisation, fields, message):
    """Refused with a readable message, whatever writes the row."""
    change = MembershipChange(
        organisation=organisation, actor_name="Sam Root", member_name="Nora Neuve", **fields
    )
    with pytest.raises(ValidationError) as error:
        change.full_clean()
    assert message in str(error.value)
