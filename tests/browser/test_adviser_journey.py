"""An organisation grants a DLA adviser access; the adviser reviews and adds a note; the
organisation revokes and the adviser loses access at once — in a real browser."""

from html import unescape

import pytest
from django.core.management import call_command
from django.utils import timezone
from django.utils.formats import date_format

from advisers import services as advisers_services
from advisers.models import AdviserNote, Consent
from maturity import services
from tests.browser.conftest import axe_violations
from tests.factories import PASSWORD, AdviserProfileFactory, MembershipFactory, UserFactory
from tests.maturity.factories import diagnostic_with_respondent, published_questionnaire
from tests.maturity.test_collective_and_results import answer_all, weakest

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.browser,
    pytest.mark.filterwarnings("ignore:unclosed database in <sqlite3.Connection:ResourceWarning"),
]


def test_adviser_receives_consent_reviews_adds_a_note_then_loses_access(
    visitor, settings, tmp_path
):
    settings.PRIVATE_STORAGE_ROOT = tmp_path
    published_questionnaire()
    call_command("load_roadmap_rules", verbosity=0)
    membership = MembershipFactory(admin=True)
    organisation = membership.organisation
    diagnostic, respondent = diagnostic_with_respondent(membership=membership)
    answer_all(respondent, weakest)
    services.complete(diagnostic=diagnostic, by=respondent.user)
    adviser = AdviserProfileFactory(user=UserFactory(first_name="Nadia", last_name="Benali")).user

    admin = visitor()
    admin.login(membership.user.email, PASSWORD)
    page = admin.go(f"/conseil/organisation/{organisation.pk}/acces/?q=Benali")
    page.locator("input[name=agree]").first.check()
    page.click("text=Accorder l’accès")
    page.wait_for_selector("text=Accès en cours")
    assert axe_violations(page) == []

    tab = visitor()
    tab.login(adviser.email, PASSWORD)
    page = tab.go("/conseil/")
    assert organisation.name in page.content()
    assert axe_violations(page) == []
    tab.shoot("adviser-portfolio")
    page.click(f'a:has-text("{organisation.name}")')
    page.wait_for_selector("text=Fiche de prédiagnostic")
    # Two notes typed, one button: both are saved.
    textareas = page.locator("form#notes textarea")
    textareas.nth(0).fill("Nommer deux référent·es avant l'entretien.")
    textareas.nth(1).fill("Une sauvegarde à tester.")
    page.locator("form#notes button").click()
    page.wait_for_selector("text=Vos avis sont enregistrés")
    assert AdviserNote.objects.filter(organisation=organisation).count() == 2
    assert axe_violations(page) == []

    page = admin.go(f"/conseil/organisation/{organisation.pk}/acces/")
    assert "Nadia Benali" in page.content()  # who viewed what
    page.click("text=Retirer l’accès")
    page = tab.go(f"/conseil/clients/{organisation.pk}/")
    assert "Page introuvable" in page.content()


def test_observatory_page_has_no_wcag_violations(visitor, settings):
    cress = UserFactory(cress_admin=True)
    tab = visitor()
    tab.login(cress.email, PASSWORD)
    page = tab.go("/conseil/observatoire/")
    assert page.locator("h1").count() == 1
    assert axe_violations(page) == []


@pytest.mark.parametrize("javascript", [True, False], ids=["htmx", "sans-javascript"])
def test_the_text_agreed_to_for_six_months_is_the_text_recorded(visitor, javascript):
    membership = MembershipFactory(admin=True)
    organisation = membership.organisation
    adviser = AdviserProfileFactory(user=UserFactory(first_name="Nadia", last_name="Benali")).user
    six_months = date_format(
        timezone.localtime(advisers_services.add_months(timezone.now(), 6)), "j F Y"
    )

    admin = visitor(javascript=javascript)
    admin.login(membership.user.email, PASSWORD)
    page = admin.go(f"/conseil/organisation/{organisation.pk}/acces/?q=Benali")
    page.select_option("select[name=months]", "6")
    if javascript:
        # The text changes in place, with the box to tick for it; left unticked, the
        # confirmation page says so and keeps the 6 months. (axe needs JavaScript.)
        page.wait_for_selector(f"blockquote.consent-text:has-text('{six_months}')")
        assert axe_violations(page) == []
        page.click("text=Accorder l’accès")
        page.wait_for_selector("text=Cochez la case pour donner votre accord.")
        assert page.locator("select[name=months]").input_value() == "6"
        assert axe_violations(page) == []
    else:
        # The box ticked under the 12-month text: the 6-month one is shown to agree to.
        page.locator("input[name=agree]").first.check()
        page.click("text=Accorder l’accès")
        page.wait_for_selector("h1:has-text('Ouvrir l')")
    assert six_months in page.locator("blockquote.consent-text").inner_text()
    read = page.locator("blockquote.consent-text").text_content()  # every character, as shown
    assert not Consent.objects.exists()
    page.locator("input[name=agree]").check()
    page.click("main button[type=submit]")
    page.wait_for_selector("text=Accès en cours")
    consent = Consent.objects.get()
    assert consent.adviser == adviser and consent.months == 6
    assert six_months in consent.consent_text
    assert consent.consent_text == read
    page.locator("summary:has-text('Texte accepté')").click()
    # The page's source writes the no-break spaces as entities: decoded, the same characters.
    assert consent.consent_text in unescape(page.content())
