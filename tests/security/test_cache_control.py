"""Private pages are never stored by a browser or a proxy (Cache-Control: no-store); public
pages seen by a visitor stay cacheable.

Every URL of the authorisation matrix is tried by every role that gets it: each page or file
answered to someone logged in, or to a guest respondent (their link opened in their session),
says no-store, as does a page opened by a secret link (invitation, e-mail confirmation).
"""

import pytest
from django.urls import reverse

from tests.conftest import ROLES
from tests.maturity.authz_rows import GUEST_ROWS
from tests.test_authorisation_matrix import MATRIX, _request

# Pages opened through a secret link (the token or key in the URL): what they show is the
# link holder's, even without an account.
SECRET_LINK_PAGES = {
    "invitation_accept",
    "account_confirm_email",
    "account_reset_password_from_key",
    "ambassadors:visitor_registration",
    "ambassadors:visitor_confirm",
    # A workshop's join page, opened by its code (the room's QR code).
    "workshops:join",
}
# A health check must show the live answer; allauth's login and sign-up forms are never cached.
NEVER_CACHED_BY_THEIR_VIEW = {"health", "account_login", "account_signup"}
# Files with nothing of the person who asks (common.caching): the instance's stylesheet, logo
# and favicon, which every page links. Stored, they are not fetched again with every page.
SAME_FOR_EVERYONE = {"identity_css", "identity_favicon", "identity_logo"}
PUBLIC_PAGES = sorted(
    name
    for name, row in MATRIX.items()
    if row.expected["anonymous"] == 200 and name not in SECRET_LINK_PAGES
)


def _no_store(response) -> bool:
    return "no-store" in response.get("Cache-Control", "")


@pytest.mark.parametrize("name", sorted(MATRIX))
def test_every_page_answered_to_someone_logged_in_is_not_stored(name, cast, client_as):
    row = MATRIX[name]
    roles = [role for role in ROLES if role != "anonymous" and row.expected[role] == 200]
    if not roles or name in SAME_FOR_EVERYONE:
        return  # the files the same for everyone: the next test
    # Built once: some rows' builders make a new object (with a fixed name) at each call.
    url, data = reverse(name, kwargs=row.kwargs(cast)), row.data(cast)
    for role in roles:
        response = _request(client_as(role), row.method, url, data)
        assert response.status_code == 200, f"{url} as {role}"
        assert _no_store(response), f"{row.method.upper()} {url} as {role}: {response.headers}"


@pytest.mark.parametrize("name", sorted(SAME_FOR_EVERYONE))
def test_files_the_same_for_everyone_are_stored_whoever_asks(name, cast, client, client_as):
    row = MATRIX[name]
    url = reverse(name, kwargs=row.kwargs(cast))
    public = _request(client, row.method, url, {})
    for role in ROLES:
        response = _request(client_as(role), row.method, url, {})
        assert response.status_code == 200, role
        assert response.content == public.content, f"{url} differs for {role}"
        assert not _no_store(response) and "private" not in response["Cache-Control"], role


@pytest.mark.parametrize(
    "name", sorted(name for name, row in GUEST_ROWS.items() if row.expected["guest"] == 200)
)
def test_a_guest_respondents_pages_are_not_stored(name, cast, client_as):
    row = GUEST_ROWS[name]
    response = _request(
        client_as("guest"), row.method, reverse(name, kwargs=row.kwargs(cast)), row.data(cast)
    )
    assert response.status_code == 200
    assert _no_store(response), name


@pytest.mark.parametrize("name", sorted(SECRET_LINK_PAGES))
def test_a_page_opened_by_a_secret_link_is_not_stored(name, cast, client):
    row = MATRIX[name]
    response = _request(client, row.method, reverse(name, kwargs=row.kwargs(cast)), {})
    assert response.status_code == 200
    assert _no_store(response), name


@pytest.mark.parametrize("name", PUBLIC_PAGES)
def test_public_pages_stay_cacheable_for_visitors(name, cast, client):
    row = MATRIX[name]
    response = _request(client, row.method, reverse(name, kwargs=row.kwargs(cast)), {})
    assert response.status_code == 200
    if name in NEVER_CACHED_BY_THEIR_VIEW:
        return
    assert not _no_store(response), name
    assert "private" not in response.get("Cache-Control", ""), name


def test_public_pages_include_the_catalogue_the_events_and_the_open_data():
    assert {
        "home",
        "toolbox:catalogue",
        "ambassadors:events",
        "toolbox:opendata",
        "toolbox:export_tools_csv",
    } <= set(PUBLIC_PAGES)
