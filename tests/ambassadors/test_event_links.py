"""The way in to events: 'Événements' in the header, the next events on the home page."""

import re

import pytest
from django.urls import reverse

from tests.ambassadors.factories import EventFactory
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_the_header_and_the_home_page_lead_to_the_events(client):
    EventFactory(title="Atelier ouvert à tou·tes")
    EventFactory(title="Réservé aux membres", members_only=True)
    EventFactory(title="Déjà passé", past=True)
    EventFactory(title="Annulé", cancelled=True)
    events_url = reverse("ambassadors:events")
    page = client.get(reverse("home")).text
    assert f'<a href="{events_url}">Événements</a>' in page
    assert "Prochains événements" in page
    assert "Atelier ouvert à tou·tes" in page
    for hidden in ("Réservé aux membres", "Déjà passé", "Annulé"):
        assert hidden not in page
    assert f'<a href="{events_url}">Événements</a>' in client.get(events_url).text
    client.force_login(UserFactory())
    assert "Réservé aux membres" in client.get(reverse("home")).text


@pytest.mark.parametrize("count", [1, 30])
def test_the_home_page_queries_do_not_grow_with_events(client, count, django_assert_num_queries):
    EventFactory.create_batch(count)
    client.get(reverse("home"))
    # The events, and the published questionnaire of the sample result shown to visitors.
    with django_assert_num_queries(2):
        page = client.get(reverse("home"))
    cards = re.findall(r'<h3><a href="/communaute/evenements/\d+/">', page.text)
    assert len(cards) == min(count, 3)
