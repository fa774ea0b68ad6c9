"""axe-core (WCAG 2.0/2.1 A and AA rules) in Chromium on the pages of the browser journeys and
the main pages of each role, filled as a regional platform's are (tests/browser/realistic.py:
the demo data, a few hundred tools, a long roadmap, an observatory over hundreds of
organisations, a portfolio of many clients), and again after an htmx swap. axe finds about half
of real problems: keyboard and announcements are tested in test_journeys.py."""

import pytest

from ambassadors.models import Ambassador, Event, Resource
from tests.browser import realistic
from tests.browser.conftest import axe_violations
from tests.toolbox.factories import ProposalFactory
from toolbox.models import Tool

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.browser,
    pytest.mark.filterwarnings("ignore:unclosed database in <sqlite3.Connection:ResourceWarning"),
]

PASSWORD = "demo-boussole-2026"


@pytest.fixture
def world(settings, tmp_path):
    return realistic.fill(settings, tmp_path)


def test_pages_filled_as_real_ones_have_no_wcag_violations(visitor, world):
    world.admin.set_password(PASSWORD)
    world.admin.save()
    tool_slugs = list(Tool.objects.filter(status="published").values_list("slug", flat=True)[:3])
    ambassador = Ambassador.objects.filter(status="approved").first()
    event = Event.objects.order_by("starts_at").first()
    resource = Resource.objects.order_by("pk").first()
    organisation, completed = world.organisation, world.completed
    action = completed.organisation.roadmap.actions.order_by("position").first()
    proposal = ProposalFactory()  # a new tool, every field proposed
    ambassador_event = Event.objects.filter(organiser__email="ambassadeur@example.org").first()

    pages_by_role = {
        None: {
            "accueil": "/",
            "inscription": "/compte/signup/",
            "connexion": "/compte/login/",
            "boîte à outils": "/outils/",
            "boîte à outils filtrée": "/outils/?usage=stockage&q=fichiers",
            "boîte à outils, page 2": "/outils/?page=2",
            "fiche outil": f"/outils/{tool_slugs[0]}/",
            "comparaison": "/outils/comparer/?" + "&".join(f"outils={s}" for s in tool_slugs),
            "alternatives": "/outils/alternatives/",
            "données ouvertes": "/outils/donnees/",
            "annuaire": "/communaute/",
            "ambassadeur·rice": f"/communaute/ambassadeurs/{ambassador.pk}/",
            "événements": "/communaute/evenements/",
            "événement": f"/communaute/evenements/{event.pk}/",
            "inscription sans compte": f"/communaute/evenements/{event.pk}/inscription-sans-compte/",
            "fiches pratiques": "/communaute/fiches/",
            "fiche pratique": f"/communaute/fiches/{resource.pk}/"
            if resource
            else "/communaute/fiches/",
            "observatoire public": "/observatoire/",
            "diagnostic découverte": "/diagnostic/decouverte/",
            "glossaire": "/glossaire/",
            "atelier (rejoindre)": "/atelier/",
            "à propos": "/a-propos/",
            "accessibilité": "/accessibilite/",
        },
        world.admin.email: {
            "accueil connecté": "/",
            "diagnostics de l’organisation": f"/diagnostic/organisation/{organisation.pk}/",
            "diagnostic en cours": f"/diagnostic/{world.in_progress.pk}/",
            "sommaire des réponses": f"/diagnostic/repondre/{world.respondent_pk}/",
            "partie du diagnostic": f"/diagnostic/repondre/{world.respondent_pk}/partie/securite_rgpd/",
            "inventaire": f"/diagnostic/{world.in_progress.pk}/inventaire/",
            "inventaire, usages 10 à 17": f"/diagnostic/{world.in_progress.pk}/inventaire/?partie=2",
            "inventaire : équipement": f"/diagnostic/{world.in_progress.pk}/inventaire/equipement/",
            "terminer": f"/diagnostic/{world.in_progress.pk}/terminer/",
            "résultats": f"/diagnostic/{completed.pk}/resultats/",
            "feuille de route (longue)": f"/diagnostic/organisation/{organisation.pk}/feuille-de-route/",
            "membres": f"/organisations/{organisation.pk}/membres/",
            "action de la feuille de route": f"/diagnostic/organisation/{organisation.pk}/feuille-de-route/{action.pk}/",
            "historique d’une action": f"/diagnostic/organisation/{organisation.pk}/feuille-de-route/{action.pk}/historique/",
            "demandes d’aide": f"/communaute/organisations/{organisation.pk}/demandes/",
            "nouvelle demande d’aide": f"/communaute/organisations/{organisation.pk}/demandes/nouvelle/",
            "organisation": f"/organisations/{organisation.pk}/",
            "accès des conseiller·es": f"/conseil/organisation/{organisation.pk}/acces/",
            "atelier": f"/atelier/{world.workshop_pk}/",
            "projection de l’atelier": f"/atelier/{world.workshop_pk}/projection/",
            "divergences": f"/atelier/{world.workshop_pk}/divergences/",
            "décisions": f"/atelier/{world.workshop_pk}/decisions/",
            "proposer un outil": "/outils/proposer/",
            "mes propositions": "/outils/mes-propositions/",
            "inscrire une organisation": "/organisations/nouvelle/",
            "devenir conseiller·e": "/profil/conseiller/",
            "profil": "/profil/",
        },
        "conseil@example.org": {
            "portefeuille": "/conseil/",
            "fiche client": f"/conseil/clients/{organisation.pk}/",
            "prédiagnostic": f"/conseil/clients/{organisation.pk}/prediagnostic/",
            "comparaison des clients": "/conseil/comparer/",
        },
        "ambassadeur@example.org": {
            "espace ambassadeur·rice": "/communaute/mon-espace/",
            "nouvel événement": "/communaute/evenements/nouveau/",
            **(
                {"participants": f"/communaute/evenements/{ambassador_event.pk}/participants/"}
                if ambassador_event
                else {}
            ),
        },
        "cress@example.org": {
            "espace CRESS": "/cress/",
            "modération des outils": "/outils/moderation/",
            "historique d’un outil": f"/outils/{tool_slugs[0]}/historique/",
            "proposition à relire": f"/outils/moderation/propositions/{proposal.pk}/",
            "communauté (CRESS)": "/communaute/cress/",
            "questionnaires": "/diagnostic/questionnaires/",
            "observatoire (CRESS)": "/conseil/observatoire/",
        },
    }
    failures, checked = {}, 0
    for email, pages in pages_by_role.items():
        tab = visitor()
        if email:
            tab.login(email, PASSWORD)
        for name, path in pages.items():
            response = tab.page.goto(tab.base_url + path)
            assert response.status == 200, f"{name} ({path}): {response.status}"
            page = tab.page
            assert page.locator("h1").count() == 1, f"{name} ({path}): one h1"
            checked += 1
            if violations := axe_violations(page):
                failures[f"{name} ({path})"] = violations

    tab = visitor()
    tab.login(world.admin.email, PASSWORD)
    respondent_pk = world.respondent_pk
    # After an htmx swap: an autosave reveals a follow-up question out of band.
    page = tab.go(f"/diagnostic/repondre/{respondent_pk}/partie/strategie/")
    page.locator("fieldset.question").first.locator("label").nth(3).click()
    page.wait_for_selector("#autosave-status:has-text('Réponse enregistrée')")
    if violations := axe_violations(page):
        failures["partie après enregistrement htmx"] = violations
    # And after the catalogue's results are swapped in place by a filter.
    page = visitor().go("/outils/")
    page.locator("input[name=usage][value=visio]").check()
    page.wait_for_timeout(800)
    if violations := axe_violations(page):
        failures["boîte à outils après filtre htmx"] = violations

    print(f"axe: {checked} pages, {len(failures)} with violations")
    assert checked >= 60
    assert failures == {}
