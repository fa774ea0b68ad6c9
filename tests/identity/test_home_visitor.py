"""The home page, for a visitor: who runs the service, what the diagnostic gives (a sample
result with its levels explained) and what it costs, before anyone is asked to sign up."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from common.typography import french_text
from identity.models import InstanceIdentity
from maturity.models import Questionnaire
from maturity.structure import clear_cache
from tests.identity.test_identity import text_of
from tests.maturity.factories import published_questionnaire

pytestmark = pytest.mark.django_db


@pytest.fixture
def questionnaire():
    return published_questionnaire()


def home(client) -> str:
    return text_of(client.get(reverse("home")).content.decode())


def test_a_visitor_learns_who_what_and_how_much_before_the_sign_up_button(client, questionnaire):
    InstanceIdentity.objects.create(operator_name="CRESS Pays de la Loire")
    words = home(client)
    sign_up = words.index("Créer un compte gratuit")
    for text in (
        "Un service proposé par CRESS Pays de la Loire.",
        "Gratuit pour les organisations de l’ESS : ni abonnement, ni publicité, ni revente",
        "Ce que vous obtenez : un exemple de résultat",
        "Exemple de résultat (chiffres inventés)",
    ):
        assert words.index(text) < sign_up, text


def test_the_sample_result_reads_the_published_version_s_dimensions_and_levels(
    client, questionnaire
):
    words = home(client)
    dimensions = [s for s in questionnaire.sections.order_by("order") if s.kind == "dimension"]
    # Made-up scores for the first four dimensions, each with the level and stage it gets.
    for section, expected in zip(
        dimensions,
        (
            "32/100 : Peu initiée (étape Avant)",
            "58/100 : En progrès (étape Appropriation)",
            "47/100 : En progrès (étape Appropriation)",
            "76/100 : Expérimentée (étape Transformation)",
        ),
        strict=False,
    ):
        # Shown through French typography: typographic apostrophes in the title.
        assert f"{french_text(section.title)} {expected}" in words
    # The three levels explained, with their range and stage, in the version's own words.
    assert "Les 3 niveaux" in words
    assert "Peu initiée (de 0 à 39) : étape Avant Le numérique reste en marge" in words
    assert "En progrès (de 40 à 69) : étape Appropriation Documents et données" in words
    assert "Expérimentée (de 70 à 100) : étape Transformation Le numérique fait partie" in words
    assert "Les étapes Avant → Appropriation → Transformation reprennent" in words


def test_levels_changed_by_a_new_version_change_the_sample(client, questionnaire):
    levels = [
        {**level, "min_score": {0: 0, 40: 50, 70: 80}[level["min_score"]]}
        for level in questionnaire.levels
    ]
    Questionnaire.objects.filter(pk=questionnaire.pk).update(levels=levels)
    # Published versions never change, so their structure is cached: this one was edited.
    clear_cache()
    words = home(client)
    assert "76/100 : En progrès (étape Appropriation)" in words
    assert "En progrès (de 50 à 79)" in words


def test_without_a_published_version_the_page_has_no_sample(client):
    words = home(client)
    assert "exemple de résultat" not in words
    assert "Créer un compte gratuit" in words


def test_the_sample_costs_one_query_and_stays_light(client, questionnaire):
    client.get(reverse("home"))  # warms the identity's cache and the version's structure
    with CaptureQueriesContext(connection) as queries:
        html = client.get(reverse("home")).content.decode()
    questionnaire_reads = [q for q in queries if "maturity_questionnaire" in q["sql"]]
    assert len(questionnaire_reads) == 1
    sample = html[
        html.index('<section class="sample-result"') : html.index(
            "</section>", html.index('<section class="sample-result"')
        )
    ]
    assert len(re.findall(r"<[a-z]", sample)) < 50  # elements: the page stays EcoIndex A
    assert "<img" not in sample and "<svg" not in sample


def test_signed_in_people_do_not_get_the_visitor_s_sample(client, questionnaire):
    from tests.factories import UserFactory

    client.force_login(UserFactory())
    assert "exemple de résultat" not in home(client)
