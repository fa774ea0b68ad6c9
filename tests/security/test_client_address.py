"""The client address every limit counts (login lockout, allauth's rate limits, the ambassador
contact limit), with and without the reverse proxy in front.

Behind the proxy every request comes from the proxy's address; the client's is the entry the
proxy appends to X-Forwarded-For. Anything further left was written by the client itself.
The same behaviour through a real nginx and gunicorn: tests/security/test_behind_proxy.py.
"""

import importlib
import runpy
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse

from tests.ambassadors.factories import AmbassadorFactory
from tests.factories import UserFactory

PASSWORD = "un-mot-de-passe-solide-42"
PROXY = "10.0.0.2"
SETTINGS_FILE = Path(__file__).resolve().parents[2] / "config" / "settings.py"
MESSAGE = {"message": "Bonjour, ceci est un message parfaitement légitime, promis."}


@pytest.fixture
def person():
    user = UserFactory()
    user.set_password(PASSWORD)
    user.save()
    return user


@pytest.fixture
def behind_proxy(settings):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1


def login(client, email, password, forwarded_for=None, remote_addr=PROXY) -> int:
    extra = {"REMOTE_ADDR": remote_addr}
    if forwarded_for is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded_for
    data = {"login": email, "password": password}
    return client.post(reverse("account_login"), data, **extra).status_code


@pytest.mark.django_db
def test_without_the_proxy_setting_a_forged_forwarded_for_cannot_escape_a_lockout(client, person):
    for n in range(5):
        login(client, person.email, "mauvais", f"192.0.2.{n}", remote_addr="203.0.113.7")
    assert login(client, person.email, PASSWORD, "198.51.100.4", remote_addr="203.0.113.7") == 429


@pytest.mark.django_db
def test_behind_the_proxy_a_lockout_holds_one_client_not_everyone(client, person, behind_proxy):
    for _ in range(5):
        login(client, person.email, "mauvais", "203.0.113.66")
    assert login(client, person.email, PASSWORD, "203.0.113.66") == 429
    # Another client, through the same proxy, is not locked out.
    assert login(client, person.email, PASSWORD, "198.51.100.4") == 302


@pytest.mark.django_db
def test_behind_the_proxy_a_client_cannot_pick_its_address(client, person, behind_proxy):
    victim = "198.51.100.4"
    # An attacker writes the victim's address first; the proxy appends the attacker's own.
    for _ in range(5):
        login(client, person.email, "mauvais", f"{victim}, 203.0.113.66")
    # Locked out itself, it cannot escape by claiming yet another address...
    assert login(client, person.email, PASSWORD, "192.0.2.1, 203.0.113.66") == 429
    # ...and the person it named still logs in from there.
    assert login(client, person.email, PASSWORD, victim) == 302


@pytest.mark.django_db
def test_a_request_that_skipped_a_trusted_proxy_is_refused_not_a_server_error(
    client, person, settings
):
    # Two proxies each append an address: a single entry means the outer one was bypassed.
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 2
    assert login(client, person.email, PASSWORD, "192.0.2.1") == 403


@pytest.mark.django_db
def test_behind_the_proxy_the_contact_limit_counts_each_client_apart(client, behind_proxy):
    from ambassadors.views import directory

    ambassador = AmbassadorFactory()
    url = reverse("ambassadors:ambassador_contact", args=[ambassador.pk])

    def send(forwarded_for):
        client.force_login(UserFactory())  # a new account each time: only the address limit
        return client.post(url, MESSAGE, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=forwarded_for)

    for _ in range(directory.CONTACT_LIMIT_PER_IP_PER_DAY):
        assert send("203.0.113.66").status_code == 302
    assert send("203.0.113.66").status_code == 429
    assert send("198.51.100.4, 203.0.113.66").status_code == 429  # forged left part ignored
    assert send("198.51.100.4").status_code == 302  # another client of the same proxy


def settings_with(monkeypatch, **environ):
    """The settings module as a deployment with these variables would load it."""
    for name in ("BEHIND_TLS_PROXY", "TRUSTED_PROXY_COUNT"):
        monkeypatch.delenv(name, raising=False)
    for name, value in environ.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(SETTINGS_FILE))


@pytest.mark.parametrize(
    ("environ", "count"),
    [
        ({}, 0),
        ({"BEHIND_TLS_PROXY": "0"}, 0),
        ({"BEHIND_TLS_PROXY": "1"}, 1),
        ({"BEHIND_TLS_PROXY": "1", "TRUSTED_PROXY_COUNT": "2"}, 2),
    ],
)
def test_forwarded_for_is_believed_only_behind_the_proxy(monkeypatch, environ, count):
    assert settings_with(monkeypatch, **environ)["ALLAUTH_TRUSTED_PROXY_COUNT"] == count


@pytest.mark.parametrize(
    ("environ", "message"),
    [
        ({"BEHIND_TLS_PROXY": "1", "TRUSTED_PROXY_COUNT": "0"}, "must be at least 1"),
        ({"BEHIND_TLS_PROXY": "1", "TRUSTED_PROXY_COUNT": "un"}, "is not an integer"),
        ({"TRUSTED_PROXY_COUNT": "1"}, "BEHIND_TLS_PROXY=1"),
        ({"BEHIND_TLS_PROXY": "0", "TRUSTED_PROXY_COUNT": "2"}, "BEHIND_TLS_PROXY=1"),
    ],
)
def test_a_proxy_count_that_cannot_be_right_stops_the_start(monkeypatch, environ, message):
    with pytest.raises(ImproperlyConfigured, match=message):
        settings_with(monkeypatch, **environ)


@pytest.mark.parametrize(("behind", "trusted"), [("1", ["*"]), ("0", [])])
def test_gunicorn_believes_forwarded_headers_exactly_when_django_does(monkeypatch, behind, trusted):
    from gunicorn.config import Config

    import config.gunicorn

    monkeypatch.setenv("BEHIND_TLS_PROXY", behind)
    monkeypatch.delenv("FORWARDED_ALLOW_IPS", raising=False)
    try:
        module = importlib.reload(config.gunicorn)
        cfg = Config()
        cfg.set("forwarded_allow_ips", module.forwarded_allow_ips)
        assert cfg.forwarded_allow_ips == trusted
    finally:
        monkeypatch.undo()
        importlib.reload(config.gunicorn)
