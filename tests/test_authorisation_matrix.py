"""Every URL of the platform, tried by every role, against the status each role must get.

The roles are tests.conftest.ROLES (anonymous, members and admin of A, member of B, A's guest
respondent, advisers with and without A's consent, an ambassador, a CRESS admin); a row states
the status of each. A URL added to the URL conf without a row here fails
test_every_url_has_a_row. Statuses are checked without following redirects: 302 for a visitor
means "sent to login". Every object URL is also tried with someone else's objects (another
organisation's, another adviser's client, another ambassador's): 404.
"""

import importlib
from pathlib import Path

import pytest
from django.contrib import admin
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.authz import Row, cress_only, everyone, logged_in, org_a, other_tenant
from tests.conftest import ROLES
from tests.maturity.authz_rows import GUEST_ROWS

A = lambda cast: {"pk": cast.org_a.pk}  # noqa: E731

CORE_ROWS: dict[str, Row] = {
    # Public pages
    "home": Row(everyone()),
    "about": Row(everyone()),
    "privacy": Row(everyone()),
    "accessibility": Row(everyone()),
    "legal": Row(everyone()),
    "glossary": Row(everyone()),
    "health": Row(everyone()),
    # Accounts (django-allauth)
    "account_login": Row(logged_in(302, anonymous=200)),
    "account_signup": Row(logged_in(302, anonymous=200)),
    "account_logout": Row(logged_in(200)),
    "account_inactive": Row(everyone()),
    "account_reauthenticate": Row(logged_in(200)),
    "account_email": Row(logged_in(200)),
    "account_email_verification_sent": Row(everyone()),
    "account_change_password": Row(logged_in(200)),
    "account_set_password": Row(logged_in(302)),
    "account_reset_password": Row(everyone()),
    "account_reset_password_done": Row(everyone()),
    "account_confirm_login_code": Row(everyone(302)),
    "account_confirm_email": Row(everyone(), kwargs=lambda cast: {"key": "cle-inconnue"}),
    "account_reset_password_from_key": Row(
        everyone(), kwargs=lambda cast: {"uidb36": "zz", "key": "cle-inconnue"}
    ),
    "account_reset_password_from_key_done": Row(everyone()),
    # Organisations
    "organisation_create": Row(logged_in(200)),
    "organisation_switch": Row(
        org_a(302, 302), method="post", data=lambda cast: {"organisation": cast.org_a.pk}
    ),
    "organisation_detail": Row(org_a(200, 200), kwargs=A),
    "organisation_edit": Row(org_a(403, 200), kwargs=A),
    "organisation_members": Row(org_a(200, 200), kwargs=A),
    # Reached by SIREN (an id would let anyone list the names); members of A are
    # redirected to their page; everyone else may ask to join.
    "organisation_join_request": Row(
        logged_in(200, member_a=302, admin_a=302), kwargs=lambda cast: {"siren": cast.org_a.siren}
    ),
    # Admin of A is its last admin: refused with a message, redirected.
    "organisation_leave": Row(org_a(302, 302), kwargs=A, method="post"),
    "invitation_create": Row(org_a(403, 400), kwargs=A, method="post"),
    "invitation_revoke": Row(
        org_a(403, 302),
        kwargs=lambda cast: {"pk": cast.org_a.pk, "invitation_pk": cast.invitation_a.pk},
        method="post",
    ),
    "membership_role": Row(
        org_a(403, 302),
        kwargs=lambda cast: {"pk": cast.org_a.pk, "membership_pk": cast.membership_member_a.pk},
        method="post",
        data=lambda cast: {"role": "member"},
    ),
    "membership_remove": Row(
        org_a(403, 302),
        kwargs=lambda cast: {"pk": cast.org_a.pk, "membership_pk": cast.membership_extra_a.pk},
        method="post",
    ),
    "join_request_decide": Row(
        org_a(403, 302),
        kwargs=lambda cast: {"pk": cast.org_a.pk, "request_pk": cast.join_request_a.pk},
        method="post",
        data=lambda cast: {"decision": "decline"},
    ),
    # Anyone holding the link sees the invitation.
    "invitation_accept": Row(everyone(), kwargs=lambda cast: {"token": cast.invitation_token}),
    # Profile and platform roles
    "profile": Row(logged_in(200)),
    # Advisers (approved or pending) are sent back to their profile: their request exists.
    "adviser_request": Row(logged_in(200, adviser_with=302, adviser_without=302)),
    "cress_dashboard": Row(cress_only()),
    "cress_adviser_decide": Row(
        cress_only(302),
        kwargs=lambda cast: {"profile_pk": cast.pending_adviser.pk},
        method="post",
        data=lambda cast: {"decision": "accept"},
    ),
}


def _app_rows() -> dict[str, Row]:
    rows: dict[str, Row] = {}
    for path in sorted(Path(__file__).parent.glob("*/authz_rows.py")):
        module = importlib.import_module(f"tests.{path.parent.name}.authz_rows")
        overlap = rows.keys() & module.ROWS.keys()
        assert not overlap, f"rows defined twice: {overlap}"
        rows.update(module.ROWS)
    return rows


MATRIX: dict[str, Row] = {**CORE_ROWS, **_app_rows()}


def _url_names(patterns, namespace=None):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace == "admin":
                continue  # covered by test_admin_is_for_cress_admins, model by model
            yield from _url_names(pattern.url_patterns, pattern.namespace or namespace)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield f"{namespace}:{pattern.name}" if namespace else pattern.name


def test_every_url_has_a_row():
    names = set(_url_names(get_resolver().url_patterns))
    assert names - MATRIX.keys() == set(), "URLs without a row in the authorisation matrix"
    assert MATRIX.keys() - names == set(), "rows for URLs that no longer exist"


def _request(client, method: str, url: str, data: dict):
    response = getattr(client, method)(url, data)
    if response.streaming:
        # Read to the end, a streamed file (PDF download) is closed by the test client;
        # response.close() would also close the database connection, inside the test's
        # transaction, before the test's next request.
        b"".join(response.streaming_content)
    return response


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", sorted(MATRIX))
def test_url_answers_each_role_as_expected(name, role, cast, client_as):
    row = MATRIX[name]
    client = client_as(role)
    url = reverse(name, kwargs=row.kwargs(cast))
    response = _request(client, row.method, url, row.data(cast))
    assert response.status_code == row.expected[role], f"{row.method.upper()} {url} as {role}"


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", sorted(GUEST_ROWS))
def test_guest_answering_pages_are_the_guests_only(name, role, cast, client_as):
    """The same answering pages as in the matrix, for the guest's own respondent."""
    row = GUEST_ROWS[name]
    client = client_as(role)
    url = reverse(name, kwargs=row.kwargs(cast))
    response = _request(client, row.method, url, row.data(cast))
    assert response.status_code == row.expected[role], f"{row.method.upper()} {url} as {role}"


@pytest.mark.parametrize("name", sorted(GUEST_ROWS))
def test_a_guest_link_opens_no_other_guests_pages(name, cast, client_as):
    """The guest of A's diagnostic, on the same pages for the guest of B's diagnostic: 404."""
    row = GUEST_ROWS[name]
    client = client_as("guest")
    url = reverse(name, kwargs=row.kwargs(other_tenant(cast)))
    response = _request(client, row.method, url, row.data(cast))
    assert response.status_code == 404, f"{row.method.upper()} {url} as the guest of A"


# Who else gets a 404 where a role is let in, when the object is the role's (or its
# organisation's) own: a member of B for A's people and for the ambassador, an adviser without
# consent for the adviser with A's consent.
PEERS = {
    "member_a": "member_b",
    "admin_a": "member_b",
    "adviser_with": "adviser_without",
    "ambassador": "member_b",
}
_NO_OBJECT = Row(everyone())  # a row's builders when it names no object


def _names_an_object(row: Row) -> bool:
    return row.kwargs is not _NO_OBJECT.kwargs or row.data is not _NO_OBJECT.data


TENANT_CASES = [
    (name, role)
    for name, row in sorted(MATRIX.items())
    for role, peer in PEERS.items()
    if _names_an_object(row) and row.expected[peer] == 404 and row.expected[role] != 404
]


NO_SUCH_ID = 999_999_999


@pytest.mark.parametrize(("name", "role"), TENANT_CASES)
def test_another_tenants_object_is_a_404(name, role, cast, client_as):
    """The URL with organisation B's objects instead of A's (or another adviser's client, another
    ambassador's event, fiche or request): a 404, as for objects that do not exist.

    Each object is also swapped alone (A's page with B's invitation, say): a 404 wherever the
    role may act on A's page, and never an answer that differs from the one for an id that
    does not exist (a plain member of A is refused an admin page of A before any lookup: 403
    whichever the id)."""
    row = MATRIX[name]
    ours = {"kwargs": row.kwargs(cast), "data": row.data(cast)}
    mirror = other_tenant(cast)
    theirs = {"kwargs": row.kwargs(mirror), "data": row.data(mirror)}
    differing = [
        (part, key)
        for part in ("kwargs", "data")
        for key in ours[part]
        if ours[part][key] != theirs[part].get(key)
    ]
    assert differing, f"{name}: the row's objects are the same for everyone"
    client = client_as(role)

    def status(swap, source) -> tuple[int, str]:
        tried = {part: dict(values) for part, values in ours.items()}
        for part, key in swap:
            tried[part][key] = source(part, key)
        url = reverse(name, kwargs=tried["kwargs"])
        response = _request(client, row.method, url, tried["data"])
        return response.status_code, f"{row.method.upper()} {url} {tried['data']} as {role}"

    code, label = status(differing, lambda part, key: theirs[part][key])
    assert code == 404, f"{label}: all of the objects someone else's"
    if len(differing) == 1:
        return
    for swap in [[one] for one in differing]:
        code, label = status(swap, lambda part, key: theirs[part][key])
        unknown, _ = status(swap, lambda part, key: NO_SUCH_ID)
        assert code == unknown, f"{label}: B's {swap} answered {code}, an unknown id {unknown}"
        if row.expected[role] != 403:
            assert code == 404, f"{label}: B's {swap}"


def _admin_urls():
    """The admin's index and each model's list, with whether a CRESS admin may read it (what
    each may do, model by model, is tests/security/test_admin_matrix.py's)."""
    from accounts.backends import CRESS_ADMIN_PERMISSIONS

    yield reverse("admin:index"), True
    for model in admin.site._registry:
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        yield url, "view" in CRESS_ADMIN_PERMISSIONS.get(model._meta.label_lower, ())


@pytest.mark.parametrize("role", ROLES)
def test_admin_is_for_cress_admins(role, cast, client_as):
    """Everyone but CRESS admins is sent to the admin's login page, the guest included; CRESS
    admins read every list but those closed to them (403)."""
    client = client_as(role)
    for url, readable in _admin_urls():
        expected = (200 if readable else 403) if role == "cress_admin" else 302
        response = client.get(url)
        assert response.status_code == expected, f"{url} as {role}"
        if expected == 302:
            assert response["Location"].startswith(reverse("admin:login")), f"{url} as {role}"
