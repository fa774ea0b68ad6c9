from dataclasses import dataclass

import pytest
from django.core.cache import cache

from accounts.models import AdviserProfile, Invitation, JoinRequest, Membership, Organisation, User
from tests import factories

ROLES = ["anonymous", "member_a", "admin_a", "member_b", "adviser", "cress_admin"]


@pytest.fixture(autouse=True)
def _tasks_run_in_process(request):
    """Tasks run eagerly in tests (as on the embedded default), even when REDIS_URL is set,
    so e-mails land in the outbox; tests marked `services` talk to a real worker instead."""
    from config.celery import app

    if request.node.get_closest_marker("services"):
        yield
        return
    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = previous


@pytest.fixture(autouse=True)
def _fast_and_isolated(settings, tmp_path):
    # The default hasher is deliberately slow (~280 ms a check); tests do not need that.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    # Generated files (PDFs, uploads) go to a folder of the test's own.
    settings.PRIVATE_STORAGE_ROOT = tmp_path / "private"
    # Serve static files from the finders, as in development (no collectstatic in tests).
    settings.WHITENOISE_AUTOREFRESH = True
    # Questionnaire structures are cached by primary key, which rolled-back tests reuse.
    from maturity.structure import clear_cache

    clear_cache()
    # Rate-limit counters live in the cache: each test starts from an empty, private one
    # (the Redis cache itself is checked in tests/test_services.py).
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    cache.clear()
    yield
    cache.clear()


@dataclass
class Cast:
    """A fixed cast: two organisations and one person per role."""

    org_a: Organisation
    org_b: Organisation
    users: dict[str, User | None]
    membership_member_a: Membership
    membership_extra_a: Membership
    invitation_a: Invitation
    invitation_token: str
    join_request_a: JoinRequest
    pending_adviser: AdviserProfile


@pytest.fixture
def cast(db) -> Cast:
    org_a = factories.OrganisationFactory(name="Association A")
    org_b = factories.OrganisationFactory(name="Association B")
    admin_a = factories.MembershipFactory(organisation=org_a, admin=True).user
    member_a = factories.MembershipFactory(organisation=org_a)
    extra_a = factories.MembershipFactory(organisation=org_a)
    member_b = factories.MembershipFactory(organisation=org_b).user
    factories.MembershipFactory(organisation=org_b, admin=True)
    adviser = factories.AdviserProfileFactory().user
    cress_admin = factories.UserFactory(cress_admin=True)
    invitation, token = factories.make_invitation(organisation=org_a, invited_by=admin_a)
    join_request = factories.JoinRequestFactory(organisation=org_a)
    pending = factories.AdviserProfileFactory(pending=True)
    return Cast(
        org_a=org_a,
        org_b=org_b,
        users={
            "anonymous": None,
            "member_a": member_a.user,
            "admin_a": admin_a,
            "member_b": member_b,
            "adviser": adviser,
            "cress_admin": cress_admin,
        },
        membership_member_a=member_a,
        membership_extra_a=extra_a,
        invitation_a=invitation,
        invitation_token=token,
        join_request_a=join_request,
        pending_adviser=pending,
    )


@pytest.fixture
def client_for(client):
    """A test client logged in as the given user (or anonymous for None)."""

    def _client(user):
        client.logout()
        if user is not None:
            client.force_login(user)
        return client

    return _client
