"""Journeys as users live them, in a real browser, with and without JavaScript."""

import re

import pytest
from django.core import mail
from django.core.management import call_command

from accounts.models import Organisation
from maturity.models import Answer, Diagnostic, PdfExport, Respondent, RoadmapAction
from tests.browser.conftest import axe_violations
from tests.maturity.factories import published_questionnaire

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.browser,
    # The live server's request threads open their own SQLite connections, which Django does
    # not close when the thread ends; they are collected later. Only that warning is ignored.
    pytest.mark.filterwarnings("ignore:unclosed database in <sqlite3.Connection:ResourceWarning"),
]

PASSWORD = "un-jardin-en-hiver-2026"


@pytest.fixture
def platform(settings, tmp_path):
    settings.PRIVATE_STORAGE_ROOT = tmp_path
    published_questionnaire()
    call_command("load_roadmap_rules", verbosity=0)
    call_command("load_toolbox", verbosity=0)


def link_in_last_mail(pattern: str) -> str:
    url = re.search(pattern, mail.outbox[-1].body).group(0)
    return "/" + url.split("://", 1)[1].split("/", 1)[1]


def sign_up_and_register(tab, *, email: str, siren: str) -> None:
    page = tab.go("/compte/signup/")
    page.fill("#id_first_name", "Awa")
    page.fill("#id_last_name", "Diallo")
    page.fill("#id_email", email)
    page.fill("#id_password1", PASSWORD)
    page.fill("#id_password2", PASSWORD)
    page.click("main button[type=submit]")
    page = tab.go(link_in_last_mail(r"https?://\S+/compte/confirm-email/\S+/"))
    page.click("main button[type=submit]")
    page = tab.go("/organisations/nouvelle/")
    page.fill("#id_name", "Les Amis du Lavoir")
    page.fill("#id_siren", siren)
    page.select_option("#id_legal_form", "association")
    page.select_option("#id_sector", "culture")
    page.select_option("#id_staff_band", "1-2")
    page.select_option("#id_volunteers_band", "10-49")
    page.fill("#id_postcode", "86000")
    page.click("main button[type=submit]")
    page.wait_for_selector("text=Fiche de l’organisation")


def answer_whole_questionnaire(tab, respondent_pk: int, *, javascript: bool) -> None:
    """Answer every section in the browser, as a person would: a choice per question, follow-up
    questions included as they appear (instantly with JavaScript, after saving without)."""
    page = tab.go(f"/diagnostic/repondre/{respondent_pk}/")
    sections = [a.get_attribute("href") for a in page.locator("ol.sections a").all()]
    for href in sections:
        page = tab.go(href)
        answered: set[str] = set()
        while True:
            ids = page.eval_on_selector_all(
                "div[id^=qwrap-]",
                "els => els.filter(e => e.querySelector('fieldset')).map(e => e.id)",
            )
            pending = [i for i in ids if i not in answered]
            if not pending:
                break
            for wrapper_id in pending:
                answered.add(wrapper_id)
                wrapper = page.locator(f"#{wrapper_id}")
                if not wrapper.locator("fieldset").count():
                    continue  # hidden again by an earlier answer
                labels = wrapper.locator("li label")
                if labels.count():
                    labels.nth(min(1, labels.count() - 1)).click()
                else:
                    wrapper.locator("textarea").fill("Réseau régional")
                    wrapper.locator("textarea").blur()
                if javascript:
                    question = wrapper_id.removeprefix("qwrap-")
                    page.wait_for_selector(f"#qstatus-{question}:has-text('Réponse enregistrée')")
            if not javascript:
                page.click("button[name=stay]")
                page.wait_for_selector("text=Vos réponses sont enregistrées")


def run_journey(visitor, *, javascript: bool, email: str, siren: str, shots: str):
    tab = visitor(javascript=javascript)
    sign_up_and_register(tab, email=email, siren=siren)
    organisation = Organisation.objects.get(siren=siren)
    page = tab.page
    page.click("main >> text=Diagnostic numérique")
    page.click("text=Commencer ou reprendre le diagnostic")
    page.click("text=Stratégie et pilotage du numérique")
    tab.shoot(f"{shots}-section")
    first = page.locator("fieldset.question").first
    first.locator("label").nth(3).click()
    if javascript:
        page.wait_for_selector("#autosave-status:has-text('Réponse enregistrée')")
        # The follow-up question appeared without reloading the page.
        assert page.locator("fieldset.question").count() == 5
    else:
        page.click("text=Enregistrer et continuer")
        page.wait_for_selector("text=Vos réponses sont enregistrées")
    respondent = Respondent.objects.get(diagnostic__organisation=organisation, user__email=email)
    assert Answer.objects.filter(respondent=respondent).count() == 1

    answer_whole_questionnaire(tab, respondent.pk, javascript=javascript)
    answered = Answer.objects.filter(respondent=respondent).count()
    assert answered >= 70  # every visible question of every section

    # A guest (a board member without an account) answers through her personal link.
    diagnostic = respondent.diagnostic
    page = tab.go(f"/diagnostic/{diagnostic.pk}/")
    page.fill("#id_name", "Jeanne")
    page.fill("#id_email", "jeanne@example.org")
    page.fill("#id_role_label", "Présidente")
    page.click("text=Créer le lien")
    page.wait_for_selector("text=Un lien personnel a été envoyé")
    guest_tab = visitor(javascript=javascript)
    guest = guest_tab.go(link_in_last_mail(r"https?://\S+/diagnostic/lien/\S+/"))
    guest.wait_for_selector("text=Combien de temps")  # welcomed first
    guest.click("text=Voir le sommaire des parties")
    guest.click("text=Stratégie et pilotage du numérique")
    guest.locator("fieldset.question").first.locator("label").nth(1).click()
    if javascript:
        guest.wait_for_selector("#autosave-status:has-text('Réponse enregistrée')")
    else:
        guest.click("text=Enregistrer et continuer")
    assert (
        Answer.objects.filter(
            respondent__diagnostic=diagnostic, respondent__user__isnull=True
        ).count()
        == 1
    )

    page = tab.go(f"/diagnostic/{diagnostic.pk}/terminer/")
    page.click("text=Terminer et voir les résultats")
    page.wait_for_selector("text=Niveau global")
    assert page.locator("svg[role=img]").count() == 1
    assert "Où l’équipe n’est pas d’accord" in page.content()
    tab.shoot(f"{shots}-results")
    assert Diagnostic.objects.get(pk=diagnostic.pk).is_completed

    page = tab.go(f"/diagnostic/organisation/{organisation.pk}/feuille-de-route/")
    page.wait_for_selector("text=À faire en premier")
    tab.shoot(f"{shots}-roadmap")
    first_action = (
        RoadmapAction.objects.filter(roadmap__organisation=organisation)
        .order_by("position")
        .first()
    )
    page.locator(f"#action-{first_action.pk}").locator("text=Retenir").click()
    page.wait_for_selector("text=est mise à jour")
    first_action.refresh_from_db()
    assert first_action.decision == "accepted"
    page.click("text=Télécharger en PDF")
    page.wait_for_selector("text=Votre PDF est prêt")
    with page.expect_download() as download:
        page.click("text=Télécharger le PDF")
    assert download.value.suggested_filename.endswith(".pdf")
    assert PdfExport.objects.get(roadmap__organisation=organisation).status == "done"


def test_a_new_organisation_goes_from_sign_up_to_its_roadmap_pdf(visitor, platform):
    run_journey(visitor, javascript=True, email="awa@example.org", siren="732829320", shots="js")


def test_the_same_journey_works_without_javascript(visitor, platform):
    run_journey(
        visitor, javascript=False, email="awa.nojs@example.org", siren="552100554", shots="nojs"
    )


def test_keyboard_only_answering_announces_the_autosave(visitor, platform, django_user_model):
    from tests.factories import PASSWORD as FACTORY_PASSWORD
    from tests.factories import MembershipFactory

    membership = MembershipFactory(admin=True)
    tab = visitor()
    tab.login(membership.user.email, FACTORY_PASSWORD)
    page = tab.go(f"/diagnostic/organisation/{membership.organisation.pk}/")
    page.click("text=Commencer ou reprendre le diagnostic")
    page.click("text=Stratégie et pilotage du numérique")
    first_radio = page.locator("fieldset.question").first.locator("input[type=radio]").first
    first_radio.focus()
    page.keyboard.press("Space")
    page.wait_for_selector("#autosave-status:has-text('Réponse enregistrée')")
    assert page.evaluate("document.activeElement.id") == first_radio.get_attribute("id")
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"  # visible focus
    page.keyboard.press("ArrowDown")  # radios move with the arrows, and each move is saved
    page.wait_for_timeout(300)
    page.wait_for_selector("#autosave-status:has-text('Réponse enregistrée')")
    assert page.locator("#autosave-status").get_attribute("aria-live") == "polite"
    # The skip link is the first thing the keyboard reaches.
    page.keyboard.press("Control+Home")
    page = tab.go("/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent").strip() == "Aller au contenu"
    assert axe_violations(page) == []


# Every Content-Security-Policy violation of the tab, in the order the browser reports them.
RECORD_CSP = """window.cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) => window.cspViolations.push(
  `${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`));"""


def test_the_catalogue_and_its_filters_break_no_content_security_policy(visitor, platform):
    """The CSP allows no inline style: neither htmx's indicator style (turned off by the
    htmx-config meta) nor a style attribute in the fragment a filter swaps in."""
    tab = visitor()
    page = tab.page
    page.add_init_script(RECORD_CSP)
    blocked: list[str] = []
    page.on(
        "console",
        lambda m: "Content Security Policy" in m.text and blocked.append(m.text),
    )
    page = tab.go("/outils/?besoin=sauvegarde")
    page.wait_for_load_state("networkidle")
    assert page.locator("h2#results-title").inner_text().endswith("outils")
    assert page.evaluate("window.cspViolations") == []
    with page.expect_response(lambda r: r.request.headers.get("hx-request") == "true"):
        page.locator("form.toolbox-facets input[name=usage]").first.check()
    page.wait_for_timeout(300)  # the swap settles
    assert page.url.count("usage=") == 1  # the filter was applied in place (pushed URL)
    assert page.evaluate("window.cspViolations") == [] and blocked == []
    # A violation reported here is recorded: the check itself works.
    page.evaluate("document.body.insertAdjacentHTML('beforeend', '<i style=\"color:red\"></i>')")
    page.wait_for_timeout(100)
    assert len(page.evaluate("window.cspViolations")) == 1
    assert len(blocked) == 1
