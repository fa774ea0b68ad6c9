"""Neighbouring départements (fixtures/departement_neighbours.json) and the events filter that
uses them: a département and, ticked, its neighbours, carried by the URL."""

import json
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from accounts import territories
from tests.ambassadors.factories import EventFactory

pytestmark = pytest.mark.django_db


def test_neighbouring_departements_are_symmetric_and_every_metropolitan_one_has_some():
    path = Path(settings.BASE_DIR) / "fixtures" / "departement_neighbours.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    assert "IGN" in data["source"]
    neighbours = data["neighbours"]
    codes = set(territories.territories().departements)
    assert set(neighbours) <= codes
    for code, around in neighbours.items():
        assert code not in around
        assert len(around) == len(set(around))
        for other in around:
            assert code in neighbours[other], f"{code} → {other} but not back"
    metropolitan = {c for c in codes if not c.startswith(("97", "98"))}
    assert metropolitan == set(neighbours)
    for code in metropolitan:
        assert 1 <= len(territories.neighbours(code)) <= 10, code
    for code in codes - metropolitan:
        assert territories.neighbours(code) == ()
    assert territories.neighbours("2A") == ("2B",)
    assert set(territories.neighbours("75")) == {"92", "93", "94"}
    assert set(territories.neighbours("33")) == {"17", "24", "40", "47"}
    assert len(territories.neighbours("77")) == 10


def test_events_filter_by_departement_and_by_its_neighbours(client):
    EventFactory(title="Atelier-Bordeaux", departement="33")
    EventFactory(title="Atelier-Perigueux", departement="24")
    EventFactory(title="Atelier-Paris", departement="75")
    EventFactory(title="Visio-nationale", departement="", online=True)
    url = reverse("ambassadors:events")
    only = client.get(url, {"departement": "33"}).text
    assert (
        "Atelier-Bordeaux" in only
        and "Atelier-Perigueux" not in only
        and "Visio-nationale" not in only
    )
    around = client.get(url, {"departement": "33", "voisins": "on"})
    assert "Atelier-Bordeaux" in around.text and "Atelier-Perigueux" in around.text
    assert "Atelier-Paris" not in around.text
    # The choice is carried by the URL and shown again, ticked.
    assert re.search(r'<input[^>]*name="voisins"[^>]*checked', around.text)
    alone = client.get(url, {"voisins": "on"}).text  # neighbours of nothing: no filter
    assert "Atelier-Paris" in alone and "Atelier-Bordeaux" in alone
