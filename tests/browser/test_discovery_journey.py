"""A visitor's first ten minutes, in a real browser, with and without JavaScript: a first look
without an account, then the same answers carried into the full diagnostic."""

import pytest
from django.core.management import call_command

from accounts.models import Organisation
from maturity.models import Answer, Diagnostic, Respondent
from maturity.structure import structure_for
from tests.browser.conftest import axe_violations
from tests.browser.test_journeys import PASSWORD, link_in_last_mail
from tests.maturity.factories import published_questionnaire

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.browser,
    pytest.mark.filterwarnings("ignore:unclosed database in <sqlite3.Connection:ResourceWarning"),
]

# The discovery is for people who will not climb steps: a few page loads, a short form.
MAX_DISCOVERY_PAGE_LOADS = 3  # home, the questions, the result
MAX_QUESTIONS = 15


@pytest.fixture
def platform(settings, tmp_path):
    settings.PRIVATE_STORAGE_ROOT = tmp_path
    published_questionnaire()
    call_command("load_roadmap_rules", verbosity=0)
    call_command("load_toolbox", verbosity=0)


def run_discovery_journey(visitor, *, javascript: bool, email: str, siren: str, shots: str):
    tab = visitor(javascript=javascript, width=375)  # on a phone
    page = tab.page
    loads: list[str] = []
    page.on("load", lambda: loads.append(page.url))

    page = tab.go("/")
    page.click("main a.button:has-text('Faire le point en 5 minutes')")
    page.wait_for_selector("h1:has-text('Faire le point en 5 minutes')")
    if javascript:  # axe runs as a script in the page
        assert axe_violations(page) == []
    questions = page.locator("fieldset.question")
    count = questions.count()
    assert 10 <= count <= MAX_QUESTIONS
    # Answer every question as a person would, by its label; every fourth « Je ne sais pas ».
    for index in range(count):
        question = questions.nth(index)
        unknown = question.locator("label.unknown")
        if index % 4 == 3 and unknown.count():
            unknown.click()
        else:
            question.locator("label:not(.unknown)").first.click()
    page.click("text=Voir mon premier aperçu")
    page.wait_for_selector("h2:has-text('Votre niveau, à titre indicatif')")
    assert len(loads) <= MAX_DISCOVERY_PAGE_LOADS, loads
    assert "indicatif" in page.content()
    actions = page.locator("#actions-title ~ ol > li")
    assert 1 <= actions.count() <= 3
    if javascript:
        assert axe_violations(page) == []
    tab.shoot(f"{shots}-discovery-result")
    # Nothing stored but the session so far.
    assert not Respondent.objects.exists() and not Answer.objects.exists()

    page.click("main a.button:has-text('Continuer avec le diagnostic complet')")
    page.fill("#id_first_name", "Awa")
    page.fill("#id_last_name", "Diallo")
    page.fill("#id_email", email)
    page.fill("#id_password1", PASSWORD)
    page.fill("#id_password2", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_selector("h1")
    # The e-mail confirmed in the same browser: the session, and the answers, are still there.
    page = tab.go(link_in_last_mail(r"https?://\S+/compte/confirm-email/\S+/"))
    page.click("main button[type=submit]")
    page.wait_for_selector("h1:has-text('Inscrire une organisation')")
    page.fill("#id_name", "Le Club des Lavandières")
    page.fill("#id_siren", siren)
    page.select_option("#id_legal_form", "association")
    page.select_option("#id_sector", "culture")
    page.select_option("#id_staff_band", "0")
    page.select_option("#id_volunteers_band", "10-49")
    page.fill("#id_postcode", "86000")
    page.click("main button[type=submit]")
    page.wait_for_selector("h1:has-text('Continuer avec le diagnostic complet')")
    page.click("text=Reprendre mes réponses et continuer")
    page.wait_for_selector("text=du diagnostic découverte sont reprises")
    tab.shoot(f"{shots}-discovery-carried")

    organisation = Organisation.objects.get(siren=siren)
    respondent = Respondent.objects.get(user__email=email, diagnostic__organisation=organisation)
    assert Diagnostic.objects.filter(organisation=organisation).count() == 1
    # In the full diagnostic, the discovery answers are already there: every one of a question
    # the diagnostic asks.
    structure = structure_for(respondent.diagnostic.questionnaire)
    asked = {q.id for s in structure.sections for q in s.questions}
    assert respondent.answers.count() == len(
        [q for q in structure.discovery_questions if q.id in asked]
    )
    first = next(q for q in structure.discovery_questions if q.section_code == "strategie")
    page = tab.go(f"/diagnostic/repondre/{respondent.pk}/partie/strategie/")
    given = respondent.answers.get(question_id=first.id)
    selector = f"#q{first.id}-unknown" if given.unknown else f"#q{first.id}-c{given.choice_ids[0]}"
    assert page.locator(selector).is_checked()


def test_a_visitor_gets_a_first_look_and_carries_it_into_the_full_diagnostic(visitor, platform):
    run_discovery_journey(
        visitor, javascript=True, email="lea@example.org", siren="732829320", shots="js"
    )


def test_the_same_first_look_works_without_javascript(visitor, platform):
    run_discovery_journey(
        visitor, javascript=False, email="lea.nojs@example.org", siren="552100554", shots="nojs"
    )
