"""The advisers' demo content: the demo adviser is approved like any other, on a date."""

import pytest
import time_machine
from django.urls import reverse

from advisers import demo
from advisers.models import AdviserProfile
from tests.factories import UserFactory
from tests.pages import readable

pytestmark = pytest.mark.django_db


@time_machine.travel("2026-03-12 10:00 +0000")
def test_the_cress_space_says_when_the_demo_adviser_was_approved(client):
    cress = UserFactory(cress_admin=True)
    adviser = UserFactory(first_name="Nadia", last_name="Benali")
    demo.create(adviser=adviser, approved_by=cress)
    client.force_login(cress)
    page = readable(client.get(reverse("cress_dashboard")))
    assert "<td>Nadia Benali</td><td>DLA de la Gironde</td><td>12 mars 2026</td>" in page


def test_a_demo_database_made_without_the_decision_date_gains_it(client):
    cress = UserFactory(cress_admin=True)
    adviser = UserFactory()
    demo.create(adviser=adviser, approved_by=cress)
    AdviserProfile.objects.filter(user=adviser).update(decided_at=None, decided_by=None)
    demo.create(adviser=adviser, approved_by=cress)
    profile = AdviserProfile.objects.get(user=adviser)
    assert profile.decided_at is not None and profile.decided_by == cress
    decided_at = profile.decided_at
    demo.create(adviser=adviser, approved_by=cress)  # idempotent: the date stays
    assert AdviserProfile.objects.get(user=adviser).decided_at == decided_at
