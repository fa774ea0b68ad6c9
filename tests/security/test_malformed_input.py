"""Malformed input that once answered a 500: query parameters and path ids that are not ids, an
event title on two lines, a JSON file nested too deep. Each now gets an ordinary answer."""

import pytest
from django.urls import resolve, reverse

pytestmark = pytest.mark.django_db

BIGINT_MAX = 2**63 - 1


@pytest.mark.parametrize("huge", [BIGINT_MAX + 1, 10**30])
def test_an_id_past_the_largest_integer_in_a_path_is_a_404(client, cast, huge):
    """On SQLite such a number cannot even be sent to the database (OverflowError); every id in
    a path is refused before the view runs, like an id that does not exist."""
    client.force_login(cast.users["admin_a"])
    url = reverse("advisers:consent_decide", kwargs={"pk": huge, "consent_pk": 1})
    assert client.post(url).status_code == 404
    url = reverse("organisation_members", kwargs={"pk": huge})
    assert client.get(url).status_code == 404
    # The largest id a column holds still reaches its view.
    url = reverse("organisation_members", kwargs={"pk": BIGINT_MAX})
    assert resolve(url).kwargs == {"pk": BIGINT_MAX}
