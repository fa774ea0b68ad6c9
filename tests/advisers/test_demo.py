"""The advisers' demo content: the demo adviser is approved like any other, on a date, and the
demo organisations with results open them to her."""

import pytest
import time_machine
from django.urls import reverse

from advisers import demo
from advisers.models import AdviserProfile, Consent
from tests.advisers.factories import completed_diagnostic
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory
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


def test_the_demo_adviser_finds_the_organisations_with_results_in_her_portfolio(client):
    adviser = UserFactory(first_name="Nadia", last_name="Benali")
    demo.create(adviser=adviser, approved_by=UserFactory(cress_admin=True))
    with_results = OrganisationFactory(name="Les Jardins Partagés du Bastide")
    admin = MembershipFactory(organisation=with_results, admin=True).user
    completed_diagnostic(with_results, 35.0)
    without = OrganisationFactory(name="Sans résultat")
    MembershipFactory(organisation=without, admin=True)

    assert demo.open_portfolio(adviser=adviser) == 1
    assert demo.open_portfolio(adviser=adviser) == 0  # idempotent
    consent = Consent.objects.get(adviser=adviser)
    assert consent.organisation == with_results and consent.granted_by == admin
    assert consent.status == Consent.Status.ACTIVE and "Nadia Benali" in consent.consent_text
    client.force_login(adviser)
    page = readable(client.get(reverse("advisers:portfolio")))
    assert "Les Jardins Partagés du Bastide" in page and "Sans résultat" not in page
