import re

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def signup(client, **overrides):
    data = {
        "first_name": "Awa",
        "last_name": "Diallo",
        "email": "awa@example.org",
        "password1": "un-jardin-en-hiver-2026",
        "password2": "un-jardin-en-hiver-2026",
    }
    data.update(overrides)
    return client.post(reverse("account_signup"), data)


def test_signup_requires_email_verification_before_login(client, mailoutbox):
    response = signup(client)
    assert response.status_code == 302
    user = User.objects.get(email="awa@example.org")
    assert (user.first_name, user.last_name) == ("Awa", "Diallo")
    assert not user.emailaddress_set.get().verified
    link = re.search(r"https?://\S+/compte/confirm-email/\S+/", mailoutbox[-1].body).group(0)
    # Not verified yet: logging in sends to the "check your e-mail" page.
    client.logout()
    response = client.post(
        reverse("account_login"),
        {"login": "awa@example.org", "password": "un-jardin-en-hiver-2026"},
    )
    assert response.status_code == 302 and "confirm-email" in response["Location"]
    path = link.split("://", 1)[1].split("/", 1)[1]
    response = client.post("/" + path)
    assert response.status_code == 302
    assert user.emailaddress_set.get().verified


def test_signup_with_an_email_already_used_says_so_without_a_second_account(client, mailoutbox):
    UserFactory(email="awa@example.org")
    response = signup(client, email="AWA@example.org")
    # allauth prevents account enumeration: same page as a success, and the owner is warned by e-mail.
    assert response.status_code == 302
    assert User.objects.filter(email__iexact="awa@example.org").count() == 1
    assert mailoutbox and mailoutbox[-1].to == ["awa@example.org"]


def test_a_weak_password_is_refused_in_french_and_what_was_typed_is_kept(client):
    response = signup(client, password1="motdepasse", password2="motdepasse")
    content = response.content.decode()
    assert response.status_code == 200
    assert "trop courant" in content or "trop court" in content
    assert 'value="awa@example.org"' in content and 'value="Awa"' in content
    assert not User.objects.exists()


def test_login_with_email_and_logout(client):
    user = UserFactory(email="lea@example.org")
    response = client.post(
        reverse("account_login"), {"login": "lea@example.org", "password": PASSWORD}
    )
    assert response.status_code == 302
    assert client.get(reverse("profile")).status_code == 200
    client.post(reverse("account_logout"))
    assert client.get(reverse("profile")).status_code == 302
    assert user.pk


def test_login_is_rate_limited_after_repeated_failures(client):
    UserFactory(email="lea@example.org")
    for _ in range(5):
        client.post(reverse("account_login"), {"login": "lea@example.org", "password": "faux"})
    response = client.post(
        reverse("account_login"), {"login": "lea@example.org", "password": PASSWORD}
    )
    assert response.status_code in (200, 429)
    assert client.get(reverse("profile")).status_code == 302


def test_password_reset_sends_a_link_that_sets_a_new_password(client, mailoutbox):
    user = UserFactory(email="lea@example.org")
    client.post(reverse("account_reset_password"), {"email": "lea@example.org"})
    link = re.search(r"https?://\S+/compte/password/reset/key/\S+/", mailoutbox[-1].body).group(0)
    path = "/" + link.split("://", 1)[1].split("/", 1)[1]
    response = client.get(path)
    assert response.status_code == 302  # allauth moves the key into the session
    response = client.post(
        response["Location"],
        {"password1": "nouveau-secret-2026", "password2": "nouveau-secret-2026"},
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("nouveau-secret-2026")


def test_password_change(client):
    user = UserFactory()
    client.force_login(user)
    response = client.post(
        reverse("account_change_password"),
        {
            "oldpassword": PASSWORD,
            "password1": "nouveau-secret-2026",
            "password2": "nouveau-secret-2026",
        },
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("nouveau-secret-2026")


def test_sessions_end_after_two_hours_of_inactivity(client):
    client.force_login(UserFactory())
    assert client.get(reverse("profile")).status_code == 200
    with time_machine.travel(timezone.now() + timezone.timedelta(hours=1, minutes=59)):
        assert client.get(reverse("profile")).status_code == 200
    with time_machine.travel(timezone.now() + timezone.timedelta(hours=4)):
        assert client.get(reverse("profile")).status_code == 302


def test_sessions_end_after_twelve_hours_even_when_active(client):
    client.force_login(UserFactory())
    start = timezone.now()
    client.get(reverse("profile"))
    for hour in range(1, 12):
        with time_machine.travel(start + timezone.timedelta(hours=hour)):
            assert client.get(reverse("profile")).status_code == 200
    with time_machine.travel(start + timezone.timedelta(hours=12, minutes=30)):
        assert client.get(reverse("profile")).status_code == 302
