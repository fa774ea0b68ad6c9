"""A workshop in a real browser: the organisation's admin opens it from the diagnostic's page
and projects the live view; three participants join from their phones by the code (one
without JavaScript) and answer; the projection updates by itself; the divergence is marked
discussed with a note; the decisions land on the roadmap and in the report's PDF."""

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.core.management import call_command

from maturity.models import Answer, Diagnostic, RoadmapAction
from tests.browser.conftest import SCREENSHOTS, axe_violations
from tests.factories import PASSWORD, MembershipFactory, OrganisationFactory
from tests.maturity.factories import published_questionnaire
from tests.pages import plain
from workshops.models import Participant, Workshop

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.browser,
    # The live server's request threads open their own SQLite connections, which Django does
    # not close when the thread ends; they are collected later. Only that warning is ignored.
    pytest.mark.filterwarnings("ignore:unclosed database in <sqlite3.Connection:ResourceWarning"),
]


def join_and_answer(visitor, code: str, *, group: str, choice: int, javascript: bool):
    tab = visitor(javascript=javascript, width=390)
    page = tab.go("/atelier/")
    page.fill("#id_code", f"{code[:3].lower()} {code[3:].lower()}")
    page.click("main button[type=submit]:has-text('Continuer')")
    page.wait_for_selector("text=Votre groupe")
    page.check(f"label:has-text('{group}') input")
    page.click("text=Rejoindre l’atelier")
    page.wait_for_selector("h1:has-text('Stratégie')")
    wrappers = [w for w in page.locator("div[id^=qwrap-]").all() if w.locator("fieldset").count()][
        :2
    ]
    for wrapper in wrappers:
        inputs = wrapper.locator("input[type=radio]:not([value=unknown])")
        target = inputs.nth(min(choice, inputs.count() - 1))
        target.check()
        if javascript:  # saved as soon as given, by the diagnostic's autosave
            wrapper.locator(".saved:has-text('Réponse enregistrée')").wait_for()
    if not javascript:
        page.click("text=Enregistrer mes réponses")
        page.wait_for_selector("text=Vos réponses sont enregistrées.")
    return tab


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="pdftotext (poppler-utils) is needed")
def test_a_workshop_from_opening_to_the_report(visitor, settings, tmp_path):
    settings.PRIVATE_STORAGE_ROOT = tmp_path
    questionnaire = published_questionnaire()
    call_command("load_roadmap_rules", verbosity=0)
    organisation = OrganisationFactory(name="Les Amis du Lavoir")
    admin = MembershipFactory(organisation=organisation, admin=True).user
    treasurer = MembershipFactory(organisation=organisation).user
    diagnostic = Diagnostic.objects.create(
        organisation=organisation, questionnaire=questionnaire, created_by=admin
    )

    # The facilitator opens the workshop from the diagnostic's page.
    facilitator = visitor()
    facilitator.login(admin.email, PASSWORD)
    page = facilitator.go(f"/diagnostic/{diagnostic.pk}/")
    page.click("text=Animer un atelier en équipe")
    page.fill("#id_title", "Atelier du lavoir")
    page.check("input[name=pace][value=facilitator]")
    page.click("text=Ouvrir l’atelier")
    page.wait_for_selector("text=est ouvert : montrez son code à la salle")
    workshop = Workshop.objects.get()
    assert page.locator(".join-code strong").inner_text() == workshop.code
    assert page.locator("svg.qr-code").count() == 1
    page.select_option("#id_dimension", "strategie")
    page.fill("#id_minutes", "10")
    page.click("text=Ouvrir cette dimension")
    page.wait_for_selector("text=Dimension ouverte")

    # The projection, on its own screen: nobody yet.
    screen = facilitator.context.new_page()
    screen.goto(facilitator.base_url + f"/atelier/{workshop.pk}/projection/")
    screen.wait_for_selector("text=0 personne")
    assert axe_violations(screen) == []

    # Three phones, one without JavaScript; they disagree.
    phones = [
        join_and_answer(visitor, workshop.code, group="Bénévoles", choice=0, javascript=True),
        join_and_answer(visitor, workshop.code, group="Salarié·es", choice=3, javascript=True),
        join_and_answer(visitor, workshop.code, group="Instances", choice=1, javascript=False),
    ]
    assert Participant.objects.count() == 3
    assert Answer.objects.filter(respondent__workshop_participant__workshop=workshop).count() >= 6
    assert axe_violations(phones[0].page) == []
    phones[0].shoot("workshop-participant")

    # The projection updated by itself (htmx polling), without a reload.
    screen.wait_for_selector("text=3 personnes · 3 ont répondu", timeout=15_000)
    screen.wait_for_selector("text=Niveau de la salle :")
    assert "Temps restant" in screen.inner_text("#live")
    # One person per group: no group shown on its own.
    assert "Bénévoles :" not in plain(screen.inner_text("#live"))
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    screen.screenshot(path=SCREENSHOTS / "workshop-projection-1280.png", full_page=True)
    screen.close()  # no more polling while the test ends

    # The divergence on the agenda, discussed.
    page = facilitator.go(f"/atelier/{workshop.pk}/divergences/")
    first = page.locator("ol.agenda > li").first
    first.locator("input[type=checkbox]").check()
    first.locator("textarea").fill("On écrit ensemble nos trois objectifs numériques.")
    first.locator("button[type=submit]").click()
    page.wait_for_selector("text=Le point est enregistré.")

    # Decisions: the admin completes the diagnostic; the roadmap's first action is kept.
    page = facilitator.go(f"/atelier/{workshop.pk}/decisions/")
    page.click("text=Terminer le diagnostic et proposer la feuille de route")
    page.wait_for_selector("text=voici les actions proposées à la salle")
    card = page.locator("section.decision").first
    title = card.locator("h2").inner_text()
    card.locator("input[value=keep]").check()
    card.locator("select[name$=owner]").select_option(str(treasurer.pk))
    card.locator("input[name$=due_date]").fill("2027-06-30")
    card.locator("text=Enregistrer la décision").click()
    page.wait_for_selector("text=décision enregistrée")
    # The page shows the title typographed (’, no-break spaces), the action stores it as written.
    (action,) = [
        a
        for a in RoadmapAction.objects.filter(roadmap__organisation=organisation)
        if plain(a.title) == plain(title)
    ]
    assert action.decision == RoadmapAction.Decision.ACCEPTED and action.owner == treasurer
    assert action.history.first().history_change_reason.startswith("Décidé en atelier le ")
    page = facilitator.go(
        f"/diagnostic/organisation/{organisation.pk}/feuille-de-route/{action.pk}/historique/"
    )
    assert "Décidé en atelier le" in page.inner_text("main")

    # The workshop closes; a phone is told, its answers stay.
    page = facilitator.go(f"/atelier/{workshop.pk}/")
    page.click("button:has-text('Clore l’atelier')")
    page.wait_for_selector("text=est clos : les réponses données sont conservées")
    phones[2].page.reload()
    phones[2].page.wait_for_selector("text=L’atelier est terminé")

    # The report and its PDF.
    page = facilitator.go(f"/atelier/{workshop.pk}/compte-rendu/")
    assert "On écrit ensemble nos trois objectifs numériques." in page.inner_text("main")
    with page.expect_download() as download:
        page.click("text=Télécharger le compte rendu (PDF)")
    content = Path(download.value.path()).read_bytes()
    text = subprocess.run(
        ["pdftotext", "-", "-"], input=content, capture_output=True, check=True
    ).stdout.decode()
    flat = " ".join(text.split())
    assert "3 personnes ont rejoint l’atelier, 3 ont répondu." in flat
    assert "On écrit ensemble nos trois objectifs numériques." in flat
    assert all(word in flat for word in title.split())
    assert treasurer.display_name in flat and "30 juin 2027" in flat
    assert re.search(r"Retenue", flat)
