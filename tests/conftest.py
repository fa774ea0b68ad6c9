import copy
from dataclasses import dataclass

import pytest
from django.core.cache import cache
from django.db import transaction
from django.test import override_settings
from django.urls import reverse

from accounts.models import Invitation, JoinRequest, Membership, Organisation, User
from advisers.models import AdviserProfile, Consent
from ambassadors.models import Ambassador
from tests import factories

# The roles of the authorisation matrix (tests/test_authorisation_matrix.py):
# - guest: no account, answering organisation A's diagnostic through a guest link (opened in
#   the session by client_as);
# - adviser_with: approved DLA adviser holding a live consent from organisation A;
# - adviser_without: approved DLA adviser without any consent;
# - ambassador: validated ambassador (public profile), member of no organisation.
ROLES = [
    "anonymous",
    "member_a",
    "admin_a",
    "member_b",
    "guest",
    "adviser_with",
    "adviser_without",
    "ambassador",
    "cress_admin",
]


def pytest_collection_modifyitems(items):
    # The HTML check reads the pages served to the browser tests: it runs after them (a
    # stable sort keeps every other test in its place).
    items.sort(key=lambda item: item.get_closest_marker("after_browser_tests") is not None)


@pytest.fixture(autouse=True)
def _tasks_run_in_process(request):
    """Tasks run eagerly in tests (as on the embedded default), even when REDIS_URL is set,
    so e-mails land in the outbox; tests marked `services` talk to a real worker instead."""
    from celery.result import _set_task_join_will_block

    from config.celery import app

    if request.node.get_closest_marker("services"):
        # Celery marks "inside a task" with one process-wide flag that each eager task sets and
        # restores; two threads running eager tasks at once (the concurrency tests) can leave it
        # set, and result.get() then refuses to wait. This process is never a worker: clear it.
        _set_task_join_will_block(False)
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
    from maturity import roadmap
    from maturity.structure import clear_cache

    clear_cache()
    roadmap.clear_caches()
    # Rate-limit counters live in the cache: each test starts from an empty, private one
    # (the Redis cache itself is checked in tests/test_services.py).
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    cache.clear()
    # Sessions in the database, as on the embedded default: the settings pair cached sessions
    # with Redis only, and with this memory cache they would save a query on PostgreSQL + Redis
    # that SQLite runs do not, so pinned query counts would differ between the two runs.
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.db"
    # A running server holds the instance's identity in its cache (identity.services reads it
    # once every few minutes, not once a page): pages start with it there, as in production,
    # so that their pinned query counts are their own. tests/identity starts without it.
    from identity import services as identity

    cache.set(identity.CACHE_KEY, identity.initial(), None)
    yield
    cache.clear()


@dataclass
class Cast:
    """A fixed cast: two organisations and one person per role of ROLES (plus B's admin).
    A's consent to adviser_with and A's diagnostic with its guest are made on first use, or
    with the cast in a module that uses client_as (the matrix's world)."""

    org_a: Organisation
    org_b: Organisation
    users: dict[str, User | None]
    admin_b: User
    membership_member_a: Membership
    membership_extra_a: Membership
    invitation_a: Invitation
    invitation_token: str
    join_request_a: JoinRequest
    pending_adviser: AdviserProfile
    ambassador: Ambassador
    consent_a: Consent | None = None

    def consent(self) -> Consent:
        """A's live consent for adviser_with, made on first use (by client_as for the matrix):
        the advisers' own tests start from an organisation that has granted none."""
        if self.consent_a is None:
            from tests.advisers.factories import live_consent

            adviser, admin_ = self.users["adviser_with"], self.users["admin_a"]
            self.consent_a = live_consent(self.org_a, adviser, by=admin_)
        return self.consent_a

    def guest_token(self) -> str:
        """The clear token of the guest link of A's diagnostic (built on first use)."""
        from tests.maturity.authz_rows import world

        return world(self).token


def build_cast() -> Cast:
    """The cast's people and organisations, in the database."""
    from tests.ambassadors.factories import AmbassadorFactory

    org_a = factories.OrganisationFactory(name="Association A")
    org_b = factories.OrganisationFactory(name="Association B")
    admin_a = factories.MembershipFactory(organisation=org_a, admin=True).user
    member_a = factories.MembershipFactory(organisation=org_a)
    extra_a = factories.MembershipFactory(organisation=org_a)
    member_b = factories.MembershipFactory(organisation=org_b).user
    admin_b = factories.MembershipFactory(organisation=org_b, admin=True).user
    adviser_with = factories.AdviserProfileFactory().user
    adviser_without = factories.AdviserProfileFactory().user
    ambassador = AmbassadorFactory()
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
            "guest": None,  # anonymous, with the guest link opened in the session
            "adviser_with": adviser_with,
            "adviser_without": adviser_without,
            "ambassador": ambassador.user,
            "cress_admin": cress_admin,
            # Not a matrix role: the approved adviser without consent, under the name the
            # advisers' own tests know it by.
            "adviser": adviser_without,
        },
        admin_b=admin_b,
        membership_member_a=member_a,
        membership_extra_a=extra_a,
        invitation_a=invitation,
        invitation_token=token,
        join_request_a=join_request,
        pending_adviser=pending,
        ambassador=ambassador,
    )


def _shares_the_cast(items) -> bool:
    """Whether a module's tests may share one cast: every test using the database uses the cast
    (another would find the cast's rows in its tables) and none is transactional (an open
    transaction would hide its commits)."""
    for item in items:
        names = set(getattr(item, "fixturenames", ()))
        marker = item.get_closest_marker("django_db")
        transactional = marker and marker.kwargs.get("transaction")
        if transactional or names & {"transactional_db", "live_server"}:
            return False
        if (marker or "db" in names) and "cast" not in names:
            return False
    return True


@pytest.fixture(scope="module")
def _module_cast(request, django_db_setup, django_db_blocker, tmp_path_factory):
    """The cast built once per test module, in a transaction rolled back after the module's last
    test: each test runs in a savepoint inside it (pytest-django's db) and so never sees another's
    writes. Building it for each of the matrix's two thousand cases was most of the suite's time.

    A module using client_as gets the matrix's world in it too (A's consent, A's diagnostic).
    Where the cast cannot be shared (_shares_the_cast), each test builds its own, as before."""
    items = [item for item in request.session.items if item.module is request.module]
    if not _shares_the_cast(items):
        yield None
        return
    from config.celery import app

    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer._from_testcase = True  # like a TestCase's: durable blocks inside are allowed
        outer.__enter__()
        # What _fast_and_isolated gives each test, for the objects made before any test.
        eager, app.conf.task_always_eager = app.conf.task_always_eager, True
        try:
            with override_settings(
                PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
                PRIVATE_STORAGE_ROOT=tmp_path_factory.mktemp("cast"),
            ):
                shared = build_cast()
                if any("client_as" in item.fixturenames for item in items):
                    from tests.maturity.authz_rows import world

                    shared.consent()
                    world(shared)
        except BaseException:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
            raise
        finally:
            app.conf.task_always_eager = eager
    yield shared
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        outer.__exit__(None, None, None)


@pytest.fixture
def cast(_module_cast, db) -> Cast:
    """The module's cast, as a copy of its own: what a test changes on these objects in memory
    goes with it, as its writes go with its savepoint."""
    if _module_cast is None:
        return build_cast()
    return copy.deepcopy(_module_cast)


@pytest.fixture
def client_for(client):
    """A test client logged in as the given user (or anonymous for None)."""

    def _client(user):
        client.logout()
        if user is not None:
            client.force_login(user)
        return client

    return _client


@pytest.fixture
def client_as(cast, client_for):
    """A test client for one role of the matrix, in the matrix's world: A has granted its
    consent to adviser_with, and the guest opens its link first, as a guest does, so that its
    session holds the guest respondent."""
    cast.consent()

    def _client(role: str):
        client = client_for(cast.users[role])
        if role == "guest":
            from maturity.access import GUEST_SESSION_KEY

            url = reverse("maturity:guest_entry", kwargs={"token": cast.guest_token()})
            assert client.get(url).status_code == 302
            assert client.session.get(GUEST_SESSION_KEY), "the guest link did not open"
        return client

    return _client
