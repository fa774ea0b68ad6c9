import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from accounts.models import Invitation, Membership
from tests.factories import MembershipFactory, UserFactory, make_invitation

pytestmark = pytest.mark.django_db


def _token_from(mail) -> str:
    line = next(line for line in mail.body.splitlines() if "/invitations/" in line)
    return line.rstrip("/").rsplit("/", 1)[-1]


def test_admin_invites_by_email_and_the_invitee_joins_with_the_link(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    admin = MembershipFactory(admin=True)
    client.force_login(admin.user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("invitation_create", args=[admin.organisation.pk]),
            {"email": "Nouvelle@Example.org", "role": "member"},
        )
    assert response.status_code == 302
    assert mailoutbox[-1].to == ["nouvelle@example.org"]
    token = _token_from(mailoutbox[-1])
    invitee = UserFactory(email="nouvelle@example.org")
    client.force_login(invitee)
    assert client.get(reverse("invitation_accept", args=[token])).status_code == 200
    response = client.post(reverse("invitation_accept", args=[token]))
    assert response.status_code == 302
    assert Membership.objects.get(user=invitee, organisation=admin.organisation).role == "member"
    # Single use.
    again = client.get(reverse("invitation_accept", args=[token]))
    assert again.status_code == 410
    assert "déjà été utilisée" in again.content.decode()


def test_only_a_hash_of_the_token_is_stored():
    invitation, token = make_invitation(organisation=MembershipFactory().organisation)
    assert token not in invitation.token_hash
    assert Invitation.lookup(token) == invitation


def test_an_invitation_expires_after_seven_days(client):
    organisation = MembershipFactory(admin=True).organisation
    _, token = make_invitation(organisation=organisation, email="late@example.org")
    client.force_login(UserFactory(email="late@example.org"))
    with time_machine.travel(timezone.now() + timezone.timedelta(days=7, minutes=1)):
        response = client.post(reverse("invitation_accept", args=[token]))
    assert response.status_code == 410
    assert "a expiré" in response.content.decode()
    assert not Membership.objects.filter(user__email="late@example.org").exists()


def test_an_invitation_for_another_address_is_refused_with_an_explanation(client):
    organisation = MembershipFactory(admin=True).organisation
    _, token = make_invitation(organisation=organisation, email="prevue@example.org")
    client.force_login(UserFactory(email="autre@example.org"))
    response = client.post(reverse("invitation_accept", args=[token]))
    assert response.status_code == 400
    assert "une autre adresse e-mail" in response.content.decode()
    assert not Membership.objects.filter(
        organisation=organisation, user__email="autre@example.org"
    ).exists()


def test_a_wrong_token_is_a_404_with_a_french_message(client):
    response = client.get(reverse("invitation_accept", args=["pas-un-vrai-jeton"]))
    assert response.status_code == 404
    assert (
        "n’existe pas" in response.content.decode()
        or "n&#x27;existe pas" in response.content.decode()
    )


def test_a_new_invitation_replaces_the_pending_one(client, django_capture_on_commit_callbacks):
    admin = MembershipFactory(admin=True)
    client.force_login(admin.user)
    url = reverse("invitation_create", args=[admin.organisation.pk])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"email": "x@example.org", "role": "member"})
        client.post(url, {"email": "x@example.org", "role": "admin"})
    assert Invitation.objects.pending().filter(email="x@example.org").get().role == "admin"


def test_inviting_someone_already_member_or_with_a_bad_address_says_why(client):
    admin = MembershipFactory(admin=True)
    member = MembershipFactory(organisation=admin.organisation)
    client.force_login(admin.user)
    url = reverse("invitation_create", args=[admin.organisation.pk])
    response = client.post(url, {"email": member.user.email, "role": "member"})
    assert response.status_code == 400
    assert "fait déjà partie" in response.content.decode()
    response = client.post(url, {"email": "pas-une-adresse", "role": "member"})
    assert response.status_code == 400
    assert 'value="pas-une-adresse"' in response.content.decode()
