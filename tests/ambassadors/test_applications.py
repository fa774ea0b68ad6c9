"""Applying, validation by CRESS admins, expiry and renewal, withdrawal."""

from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from ambassadors.models import Ambassador
from ambassadors.services import applications
from ambassadors.services.shared import CommunityError
from tests.ambassadors.factories import AmbassadorFactory
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

APPLICATION = {
    "public_name": "Awa D.",
    "motivation": "Référente numérique de ma structure, je veux aider d'autres associations.",
    "bio": "",
    "departements": ["33", "24"],
    "expertise_dimensions": ["collaboration", "securite_rgpd"],
    "expertise_tools": "Nextcloud, KeePassXC, nextcloud",
    "formats": ["atelier"],
    "availability": "Le jeudi",
    "is_public": "on",
}


def test_a_member_applies_and_cress_admins_are_told(client, django_capture_on_commit_callbacks):
    membership = MembershipFactory()
    UserFactory(cress_admin=True, email="cress@example.org")
    client.force_login(membership.user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("ambassadors:apply"),
            {**APPLICATION, "organisation": membership.organisation_id},
        )
    assert response.status_code == 302
    ambassador = Ambassador.objects.get(user=membership.user)
    assert ambassador.status == Ambassador.Status.PENDING
    assert ambassador.expertise_tools == ["nextcloud", "keepassxc"]
    assert ambassador.regions == ["75"]  # Gironde and Dordogne are in Nouvelle-Aquitaine
    assert ambassador.organisation == membership.organisation
    assert mail.outbox[-1].to == ["cress@example.org"]
    assert "Awa D." in mail.outbox[-1].subject


def test_an_application_with_missing_fields_is_refused_and_keeps_what_was_typed(client):
    client.force_login(UserFactory())
    response = client.post(
        reverse("ambassadors:apply"), {**APPLICATION, "departements": [], "formats": []}
    )
    assert response.status_code == 400
    assert "Awa D." in response.text
    assert not Ambassador.objects.exists()


def test_one_cannot_claim_an_organisation_one_is_not_a_member_of(client):
    client.force_login(UserFactory())
    other = MembershipFactory().organisation
    response = client.post(reverse("ambassadors:apply"), {**APPLICATION, "organisation": other.pk})
    assert response.status_code == 400
    assert not Ambassador.objects.exists()


def test_a_cress_admin_approves_for_a_year_with_a_message(
    client, django_capture_on_commit_callbacks
):
    ambassador = AmbassadorFactory(pending=True)
    client.force_login(UserFactory(cress_admin=True))
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("ambassadors:application_decide", args=[ambassador.pk]),
            {"decision": "accept", "message": "Bienvenue !"},
        )
    ambassador.refresh_from_db()
    assert ambassador.status == Ambassador.Status.APPROVED
    assert ambassador.valid_until == timezone.localdate() + timedelta(days=365)
    assert mail.outbox[-1].to == [ambassador.user.email]
    assert "Bienvenue !" in mail.outbox[-1].body


def test_a_cress_admin_rejects_with_a_message(client, django_capture_on_commit_callbacks):
    ambassador = AmbassadorFactory(pending=True)
    client.force_login(UserFactory(cress_admin=True))
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("ambassadors:application_decide", args=[ambassador.pk]),
            {"decision": "reject", "message": "Suivez d'abord la formation de mars."},
        )
    ambassador.refresh_from_db()
    assert ambassador.status == Ambassador.Status.REJECTED
    assert "formation de mars" in mail.outbox[-1].body


@pytest.mark.parametrize("who", ["member", "ambassador"])
def test_a_non_admin_cannot_validate_ambassadors(client, who):
    ambassador = AmbassadorFactory(pending=True)
    user = MembershipFactory().user if who == "member" else AmbassadorFactory().user
    client.force_login(user)
    response = client.post(
        reverse("ambassadors:application_decide", args=[ambassador.pk]), {"decision": "accept"}
    )
    assert response.status_code == 403
    ambassador.refresh_from_db()
    assert ambassador.status == Ambassador.Status.PENDING


def test_an_application_is_decided_once():
    ambassador = AmbassadorFactory()
    with pytest.raises(CommunityError):
        applications.decide_application(
            ambassador=ambassador, approve=False, by=UserFactory(cress_admin=True)
        )


def test_validation_expires_after_a_year_and_the_profile_leaves_the_directory(client):
    ambassador = AmbassadorFactory(pending=True)
    applications.decide_application(ambassador=ambassador, approve=True, by=UserFactory())
    assert (
        client.get(reverse("ambassadors:ambassador_detail", args=[ambassador.pk])).status_code
        == 200
    )
    with time_machine.travel(timezone.now() + timedelta(days=366)):
        assert (
            client.get(reverse("ambassadors:ambassador_detail", args=[ambassador.pk])).status_code
            == 404
        )
        ambassador.refresh_from_db()
        assert ambassador.is_expired


def test_expiry_reminder_is_sent_once_a_month_before(django_capture_on_commit_callbacks):
    soon = AmbassadorFactory(valid_until=timezone.localdate() + timedelta(days=20))
    AmbassadorFactory(valid_until=timezone.localdate() + timedelta(days=200))
    with django_capture_on_commit_callbacks(execute=True):
        assert applications.send_expiry_reminders() == 1
        assert applications.send_expiry_reminders() == 0
    assert [m.to for m in mail.outbox] == [[soon.user.email]]
    assert "renouvellement" in mail.outbox[0].body


def test_renewal_requested_by_the_ambassador_and_approved_extends_a_year(client):
    ambassador = AmbassadorFactory(valid_until=timezone.localdate() + timedelta(days=10))
    client.force_login(ambassador.user)
    client.post(reverse("ambassadors:renew"))
    ambassador.refresh_from_db()
    assert ambassador.renewal_requested_at is not None
    # Still listed while the renewal waits.
    assert (
        client.get(reverse("ambassadors:ambassador_detail", args=[ambassador.pk])).status_code
        == 200
    )
    response = client.post(reverse("ambassadors:renew"), follow=True)
    assert "déjà enregistrée" in response.text
    applications.decide_application(ambassador=ambassador, approve=True, by=UserFactory())
    ambassador.refresh_from_db()
    assert ambassador.valid_until == timezone.localdate() + timedelta(days=365)
    assert ambassador.renewal_requested_at is None


def test_a_cress_admin_withdraws_a_validation(client, django_capture_on_commit_callbacks):
    ambassador = AmbassadorFactory()
    client.force_login(UserFactory(cress_admin=True))
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("ambassadors:ambassador_withdraw", args=[ambassador.pk]),
            {"message": "Plus de nouvelles depuis un an."},
        )
    ambassador.refresh_from_db()
    assert ambassador.status == Ambassador.Status.WITHDRAWN
    assert (
        client.get(reverse("ambassadors:ambassador_detail", args=[ambassador.pk])).status_code
        == 404
    )
    assert "Plus de nouvelles" in mail.outbox[-1].body


def test_a_withdrawn_ambassador_may_apply_again(client):
    ambassador = AmbassadorFactory(status=Ambassador.Status.WITHDRAWN, valid_until=None)
    client.force_login(ambassador.user)
    client.post(reverse("ambassadors:apply"), APPLICATION)
    ambassador.refresh_from_db()
    assert ambassador.status == Ambassador.Status.PENDING


def test_an_approved_ambassador_edits_their_profile_without_losing_validation(client):
    ambassador = AmbassadorFactory()
    client.force_login(ambassador.user)
    response = client.post(reverse("ambassadors:apply"), {**APPLICATION, "public_name": "Awa"})
    assert response.status_code == 302
    ambassador.refresh_from_db()
    assert ambassador.public_name == "Awa"
    assert ambassador.is_active


def test_the_cress_page_lists_applications_and_figures(client):
    pending = AmbassadorFactory(pending=True, public_name="Candidate Claire")
    AmbassadorFactory(public_name="Validée Vera", departements=["33", "24"])
    client.force_login(UserFactory(cress_admin=True))
    response = client.get(reverse("ambassadors:cress"))
    assert response.status_code == 200
    assert pending.public_name in response.text
    assert "33 — Gironde" in response.text
