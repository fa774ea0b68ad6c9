"""The header offers to register an organisation only to people who may have one to register:
advisers and CRESS admins work for others, and their own home says what to do."""

import pytest
from django.urls import reverse

from tests import factories

pytestmark = pytest.mark.django_db

REGISTER = "Inscrire mon organisation"


@pytest.mark.parametrize(
    ("make", "offered"),
    [
        (lambda: factories.UserFactory(), True),
        (lambda: factories.AdviserProfileFactory().user, False),
        (lambda: factories.UserFactory(cress_admin=True), False),
        (lambda: factories.MembershipFactory().user, False),  # has one: its pages instead
    ],
    ids=["without-organisation", "adviser", "cress-admin", "member"],
)
def test_registering_an_organisation_is_offered_to_those_who_may_have_one(client, make, offered):
    client.force_login(make())
    header = client.get(reverse("profile")).content.decode().split("</header>")[0]
    assert (REGISTER in header) is offered
