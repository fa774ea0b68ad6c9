"""The observatory's equipment footprint per person: medians by sector and size over the
organisations whose inventory gave one, groups under five organisations suppressed."""

import json

import pytest
from django.urls import reverse

from advisers import observatory
from advisers.models import ObservatoryFact
from maturity.models import ResultSnapshot
from tests.advisers.factories import completed_diagnostic
from tests.factories import OrganisationFactory, UserFactory
from tests.maturity.factories import published_questionnaire
from tests.maturity.test_footprint import EQUIPMENT_POST, completed

pytestmark = pytest.mark.django_db


def with_footprint(per_person: float | None, **fields):
    """An organisation whose latest diagnostic has this footprint per person (None: no
    equipment in its inventory), recorded as maturity.results.store_snapshot does."""
    organisation = OrganisationFactory(**fields)
    diagnostic = completed_diagnostic(organisation)
    if per_person is not None:
        snapshot = ResultSnapshot.objects.get(diagnostic=diagnostic)
        snapshot.data["footprint"] = {
            "status": "ok",
            "per_person": {"value": per_person, "min": per_person, "max": per_person},
        }
        snapshot.save()
        observatory.record([diagnostic.pk])
    return organisation


def groups_of(figures: dict, by: str) -> dict:
    breakdown = next(b for b in figures["breakdowns"] if b["by"] == by)
    return {g["value"]: g for g in breakdown["groups"]}


def test_medians_by_sector_and_size_with_small_groups_suppressed():
    for value in (10, 20, 30, 40, 50):
        with_footprint(value, sector="culture", staff_band="3-9")
    for value in (100, 200, 300, 400):
        with_footprint(value, sector="sport", staff_band="3-9")
    for _n in range(3):  # no inventory: not counted in the footprint figures
        with_footprint(None, sector="sport", staff_band="3-9")
    figures = observatory.footprint_figures({})
    assert figures["shown"] and figures["organisations"] == 9
    assert figures["median"] == 50.0
    sectors = groups_of(figures, "sector")
    assert sectors["culture"]["shown"] and sectors["culture"]["organisations"] == 5
    assert sectors["culture"]["median"] == 30.0
    # Seven sport organisations, but only four with a footprint: withheld.
    assert not sectors["sport"]["shown"]
    assert sectors["sport"]["organisations"] is None and sectors["sport"]["median"] is None
    sizes = groups_of(figures, "size")
    assert sizes["3-9"]["organisations"] == 9 and sizes["3-9"]["median"] == 50.0


def test_fewer_than_five_footprints_or_a_filter_singling_some_out_suppress_it_all():
    for value in (10, 20, 30, 40):
        with_footprint(value, sector="culture")
    assert not observatory.footprint_figures({})["shown"]
    with_footprint(50, sector="culture", departement="35")
    with_footprint(60, sector="culture", departement="35")
    assert observatory.footprint_figures({})["shown"]
    # Filtering on the Gironde sets two organisations with a footprint apart: suppressed.
    hidden = observatory.footprint_figures({"departement": "33"})
    assert not hidden["shown"] and hidden["median"] is None and hidden["breakdowns"] == []


def test_the_cress_page_and_the_open_data_show_the_footprint_aggregate(client):
    for value in (10, 20, 30, 40, 50):
        with_footprint(value, sector="culture")
    for value in (1, 2):
        with_footprint(value, sector="sport")
    client.force_login(UserFactory(is_cress_admin=True))
    page = " ".join(client.get(reverse("advisers:observatory")).content.decode().split())
    assert "Empreinte de l’équipement par personne" in page
    assert "Médiane : 20 kg CO2e par personne et par an (7 organisations)." in page
    assert '<th scope="row">Culture</th><td>5</td><td>30</td>' in page
    # Groups under 5 are named in one sentence rather than a row each.
    assert "Par secteur, chiffres masqués (moins de 5 organisations) : Sport." in page
    assert '<th scope="row">Sport</th>' not in page.split("Empreinte de l’équipement")[1]
    document = json.loads(client.get(reverse("advisers:observatory_json")).content)
    equipment = document["equipment_footprint"]
    assert equipment["median_per_person"] == 20.0 and equipment["organisations"] == 7
    sectors = {g["code"]: g for g in equipment["breakdowns"][0]["groups"]}
    assert sectors["culture"]["median_per_person"] == 30.0
    assert sectors["sport"]["suppressed"] and sectors["sport"]["median_per_person"] is None
    filtered = json.loads(
        client.get(reverse("advisers:observatory_json"), {"sector": "sport"}).content
    )
    assert filtered["equipment_footprint"] == {
        "unit": "kg CO2e par personne et par an",
        "suppressed": True,
    }


def test_a_completed_diagnostic_records_its_footprint_per_person(client):
    questionnaire = published_questionnaire()
    diagnostic, _respondent = completed(client, questionnaire, EQUIPMENT_POST)
    fact = ObservatoryFact.objects.get(diagnostic=diagnostic)
    per_person = diagnostic.snapshot.data["footprint"]["per_person"]["value"]
    assert fact.footprint_per_person == per_person
    empty, _respondent = completed(client, questionnaire)
    assert ObservatoryFact.objects.get(diagnostic=empty).footprint_per_person is None
