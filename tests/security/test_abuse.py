"""Brute force and abuse: login lockout (django-axes) and invitation rate limits."""

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from maturity.models import Respondent
from tests.factories import MembershipFactory, UserFactory
from tests.maturity.factories import diagnostic_with_respondent

pytestmark = pytest.mark.django_db
PASSWORD = "un-mot-de-passe-solide-42"


@pytest.fixture
def person():
    user = UserFactory()
    user.set_password(PASSWORD)
    user.save()
    return user


def login(client, email, password, ip="203.0.113.7"):
    return client.post(
        reverse("account_login"), {"login": email, "password": password}, REMOTE_ADDR=ip
    )


def test_five_failed_logins_lock_the_address_for_fifteen_minutes_with_a_french_page(client, person):
    start = timezone.now()
    with time_machine.travel(start, tick=False) as traveller:
        for _ in range(4):
            assert login(client, person.email, "mauvais").status_code == 200
        locked = login(client, person.email, "mauvais")
        assert locked.status_code == 429
        page = locked.content.decode()
        assert "Connexion temporairement bloquée" in page
        assert "15 minutes" in page
        # Even the right password is refused while locked.
        assert login(client, person.email, PASSWORD).status_code == 429
        traveller.move_to(start + timedelta(minutes=14))
        assert login(client, person.email, PASSWORD).status_code == 429
        traveller.move_to(start + timedelta(minutes=16))
        assert login(client, person.email, PASSWORD).status_code == 302


def test_a_lockout_from_one_address_does_not_lock_the_person_out_elsewhere(client, person):
    for _ in range(5):
        login(client, person.email, "mauvais", ip="203.0.113.66")
    assert login(client, person.email, "mauvais", ip="203.0.113.66").status_code == 429
    assert login(client, person.email, PASSWORD, ip="198.51.100.4").status_code == 302


def test_a_successful_login_resets_the_failure_count(client, person):
    for _ in range(4):
        login(client, person.email, "mauvais")
    assert login(client, person.email, PASSWORD).status_code == 302
    client.logout()
    for _ in range(4):
        assert login(client, person.email, "mauvais").status_code == 200


def test_old_login_attempts_are_purged(client, person):
    from axes.models import AccessAttempt

    from accounts import rgpd

    login(client, person.email, "mauvais")
    assert AccessAttempt.objects.count() == 1
    assert rgpd.purge_login_attempts() == 0
    with time_machine.travel(timezone.now() + timedelta(days=2)):
        assert rgpd.purge_login_attempts() == 1


def test_organisation_invitations_are_rate_limited_per_person(
    client, django_capture_on_commit_callbacks, mailoutbox
):
    admin = MembershipFactory(admin=True)
    client.force_login(admin.user)
    url = reverse("invitation_create", args=[admin.organisation_id])
    with django_capture_on_commit_callbacks(execute=True):
        for n in range(30):
            response = client.post(url, {"email": f"p{n}@example.org", "role": "member"})
            assert response.status_code == 302
        refused = client.post(url, {"email": "p31@example.org", "role": "member"})
    assert refused.status_code == 429
    assert "beaucoup d" in refused.content.decode()
    assert len(mailoutbox) == 30


def test_guest_invitations_to_a_diagnostic_are_rate_limited(
    client, django_capture_on_commit_callbacks
):
    diagnostic, respondent = diagnostic_with_respondent()
    client.force_login(respondent.user)
    url = reverse("maturity:invite_guest", args=[diagnostic.pk])
    with django_capture_on_commit_callbacks(execute=True):
        for n in range(31):
            client.post(url, {"name": f"Invité {n}", "email": f"g{n}@example.org"})
    assert Respondent.objects.filter(diagnostic=diagnostic, user=None).count() == 30
