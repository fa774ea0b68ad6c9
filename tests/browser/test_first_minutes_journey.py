"""The first ten minutes, in a real browser, with and without JavaScript: a member's home
shows where their organisation stands; a guest is welcomed and thanked; an adviser and a CRESS
admin land on a home of their own; long lists are picked from grouped checkboxes."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from advisers.models import AdviserProfile
from maturity import services
from maturity.models import Respondent, Roadmap, RoadmapAction
from maturity.structure import structure_for
from tests.advisers.factories import completed_diagnostic, live_consent
from tests.browser.conftest import axe_violations
from tests.factories import PASSWORD, AdviserProfileFactory, MembershipFactory, UserFactory
from tests.maturity.factories import diagnostic_with_respondent, published_questionnaire
from tests.pages import plain
from tests.toolbox.factories import ProposalFactory

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.browser,
    pytest.mark.filterwarnings("ignore:unclosed database in <sqlite3.Connection:ResourceWarning"),
]

BOTH = pytest.mark.parametrize("javascript", [True, False], ids=["js", "nojs"])


@pytest.fixture
def platform(settings, tmp_path):
    settings.PRIVATE_STORAGE_ROOT = tmp_path
    published_questionnaire()
    call_command("load_roadmap_rules", verbosity=0)


def _answer(respondent, sections) -> None:
    structure = structure_for(respondent.diagnostic.questionnaire)
    for section in sections:
        for question in section.questions:
            if question.is_text:
                parsed = services.parse_answer(question, [], "Une réponse")
            else:
                parsed = services.parse_answer(question, [str(question.choices[0].id)])
            services.save_answer(
                respondent=respondent, structure=structure, question=question, parsed=parsed
            )


@BOTH
def test_a_member_s_home_shows_progress_result_roadmap_and_due_actions(
    visitor, platform, javascript
):
    membership = MembershipFactory(admin=True, user__first_name="Louis")
    organisation = membership.organisation
    completed_diagnostic(organisation, score=55.0)
    diagnostic, respondent = diagnostic_with_respondent(membership=membership)
    structure = structure_for(diagnostic.questionnaire)
    _answer(respondent, structure.sections[:2])
    roadmap = Roadmap.objects.create(organisation=organisation)
    RoadmapAction.objects.create(
        roadmap=roadmap, title="Sauvegarder les fichiers", decision="accepted", status="done"
    )
    RoadmapAction.objects.create(
        roadmap=roadmap,
        title="Nommer une référente numérique",
        decision="accepted",
        status="doing",
        owner=membership.user,
        due_date=timezone.localdate() - timedelta(days=2),
    )

    tab = visitor(javascript=javascript)
    tab.login(membership.user.email, PASSWORD)
    page = tab.page
    page.wait_for_selector("h1:has-text('Bonjour Louis')")
    card = page.locator("#vos-organisations ~ ul .card").first
    assert "Diagnostic en cours : vous avez répondu à" in plain(card.inner_text())
    assert card.locator("progress").count() == 2  # answers, then the roadmap
    assert "55 / 100" in card.inner_text()
    assert "1 action prioritaire faite sur 2, 1 en cours" in card.inner_text()
    due = page.locator("#a-echeance + ul")
    assert "Nommer une référente numérique" in due.inner_text() and "en retard" in due.inner_text()
    assert "Inscrivez la vôtre" not in page.content()
    if javascript:
        assert axe_violations(page) == []
        tab.shoot("home-member")
    page.click("text=Continuer mes réponses")
    page.wait_for_selector("h2:has-text('Les parties')")


def _answer_section_in_browser(page, *, javascript: bool) -> None:
    """Every question of the section shown, follow-ups included as they appear."""
    answered: set[str] = set()
    while True:
        ids = page.eval_on_selector_all(
            "div[id^=qwrap-]",
            "els => els.filter(e => e.querySelector('fieldset')).map(e => e.id)",
        )
        pending = [i for i in ids if i not in answered]
        if not pending:
            return
        for wrapper_id in pending:
            answered.add(wrapper_id)
            wrapper = page.locator(f"#{wrapper_id}")
            labels = wrapper.locator("li label")
            if labels.count():
                labels.first.click()
            else:
                wrapper.locator("textarea").fill("Une réponse")
                wrapper.locator("textarea").blur()
            if javascript:
                question = wrapper_id.removeprefix("qwrap-")
                page.wait_for_selector(f"#qstatus-{question}:has-text('Réponse enregistrée')")
        if not javascript:
            page.click("button[name=stay]")
            page.wait_for_selector("text=Vos réponses sont enregistrées")


@BOTH
def test_a_guest_is_welcomed_then_thanked(visitor, platform, javascript):
    membership = MembershipFactory(admin=True, user__first_name="Aline", user__last_name="Roy")
    diagnostic, _respondent = diagnostic_with_respondent(membership=membership)
    admin = visitor(javascript=javascript)
    admin.login(membership.user.email, PASSWORD)
    page = admin.go(f"/diagnostic/{diagnostic.pk}/")
    page.fill("#id_name", "Jeanne")
    page.fill("#id_role_label", "Trésorière")
    page.click("text=Créer le lien")
    page.wait_for_selector("text=Le lien personnel de Jeanne est prêt")
    link = page.input_value("#guest-link")
    assert "/diagnostic/lien/" in link
    assert page.locator("figure.qr svg[role=img]").count() == 1
    copy = page.locator("button[data-copy]")
    assert copy.is_visible() == javascript  # shown by its script only; the field is selectable
    if javascript:
        assert axe_violations(page) == []
        admin.shoot("guest-link")

    guest = visitor(javascript=javascript)
    page = guest.go("/" + link.split("://", 1)[1].split("/", 1)[1])
    page.wait_for_selector("h1:has-text('Votre avis pour le diagnostic numérique')")
    text = page.inner_text("main")
    assert "Aline Roy vous invite" in text and "en tant que Trésorière" in text
    assert "Environ" in text and "minutes" in text and "ne le transmettez pas" in text
    if javascript:
        assert axe_violations(page) == []
        guest.shoot("guest-welcome")
    page.click("text=Commencer")
    page.wait_for_selector("fieldset.question")

    respondent = Respondent.objects.get(diagnostic=diagnostic, name="Jeanne")
    structure = structure_for(diagnostic.questionnaire)
    _answer(respondent, structure.sections[:-1])  # all but the last part, already answered
    page = guest.go(f"/diagnostic/repondre/{respondent.pk}/partie/{structure.sections[-1].code}/")
    _answer_section_in_browser(page, javascript=javascript)
    if javascript:
        # Said at once, in the progress block the autosave refreshes.
        page.wait_for_selector("text=vous avez répondu à tout ce qui était demandé")
        page.click("text=vous avez répondu à tout ce qui était demandé")
    else:
        page.click("text=Enregistrer et revenir au sommaire")
    page.wait_for_selector("h2:has-text('Merci, vous avez terminé !')")
    assert "Vous pouvez fermer cette page" in page.inner_text("main")
    if javascript:
        guest.shoot("guest-thanks")


@BOTH
def test_an_adviser_and_a_cress_admin_land_on_their_own_home(visitor, platform, javascript):
    adviser = AdviserProfileFactory(user__first_name="Nadia").user
    client = MembershipFactory(admin=True).organisation
    live_consent(client, adviser)
    completed_diagnostic(client)
    cress = UserFactory(cress_admin=True, first_name="Camille")
    AdviserProfileFactory(pending=True)
    ProposalFactory()

    tab = visitor(javascript=javascript)
    tab.login(adviser.email, PASSWORD)
    page = tab.page
    page.wait_for_selector("h2:has-text('Espace conseiller·e')")
    text = page.inner_text("main")
    assert "1 organisation vous a ouvert ses résultats" in text
    assert "Inscrivez la vôtre" not in text
    page.click("main >> text=Mes accompagnements")
    page.wait_for_selector(f"text={client.name}")

    tab = visitor(javascript=javascript)
    tab.login(cress.email, PASSWORD)
    page = tab.page
    page.wait_for_selector("h2:has-text('Espace CRESS')")
    text = page.inner_text("main")
    assert "1 compte conseiller·e à valider" in text
    assert "1 proposition d’outil à relire" in text
    assert "Inscrivez la vôtre" not in text
    if javascript:
        assert axe_violations(page) == []
        tab.shoot("home-cress")
    page.click("text=Ouvrir l’espace CRESS")
    page.wait_for_selector("h2#conseillers")
    page.click("text=1 proposition d’outil à relire")
    page.wait_for_selector("h2#propositions")


@BOTH
def test_departements_are_picked_by_region_and_filtered_with_javascript(
    visitor, platform, javascript
):
    user = UserFactory()
    tab = visitor(javascript=javascript)
    tab.login(user.email, PASSWORD)
    page = tab.go("/profil/conseiller/")
    filter_field = page.locator("#id_new_structure_departements-filtre")
    assert filter_field.is_visible() == javascript
    if javascript:
        filter_field.fill("vienne")
        visible = page.locator("[data-choice]:visible")
        assert sorted(visible.all_inner_texts()) == ["86 — Vienne", "87 — Haute-Vienne"]
        assert page.locator("[data-choice-count]").inner_text() == "2 choix correspondent."
        assert axe_violations(page) == []
    page.fill("#id_job_title", "Chargée de mission")
    page.fill("#id_new_structure_name", "DLA du Poitou")
    page.check("#id_new_structure_departements-choix input[value='86']")
    if javascript:
        filter_field.fill("deux-sevres")
    page.check("#id_new_structure_departements-choix input[value='79']")
    page.click("text=Envoyer la demande")
    page.wait_for_selector("text=Votre demande est envoyée")
    assert sorted(AdviserProfile.objects.get(user=user).structure.departements) == ["79", "86"]
