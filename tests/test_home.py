"""The home page after login: a block for each role of the person (member, adviser, CRESS
admin), each showing where things stand, in a number of queries that does not grow with the
data. The CRESS space lists every queue with its count."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from ambassadors.models import SupportRequest
from common.typography import french_text
from maturity import services
from maturity.models import Questionnaire, Respondent, Roadmap, RoadmapAction
from maturity.structure import structure_for
from tests.advisers.factories import completed_diagnostic, live_consent
from tests.ambassadors.factories import (
    AmbassadorFactory,
    EventFactory,
    ResourceFactory,
    SupportRequestFactory,
)
from tests.factories import (
    AdviserProfileFactory,
    JoinRequestFactory,
    MembershipFactory,
    OrganisationFactory,
    UserFactory,
    make_invitation,
)
from tests.maturity.factories import diagnostic_with_respondent, published_questionnaire
from tests.pages import readable
from tests.toolbox.factories import ProposalFactory, ToolFactory, ToolUseFactory

pytestmark = pytest.mark.django_db

NOT_REGISTERED = "Inscrivez la vôtre"


@pytest.fixture
def questionnaire():
    return published_questionnaire()


def home(client) -> str:
    response = client.get(reverse("home"))
    assert response.status_code == 200
    return response.content.decode()


def _answer(respondent, count: int) -> None:
    structure = structure_for(respondent.diagnostic.questionnaire)
    questions = [q for s in structure.sections for q in s.questions if q.choices][:count]
    for question in questions:
        services.save_answer(
            respondent=respondent,
            structure=structure,
            question=question,
            parsed=services.parse_answer(question, [str(question.choices[0].id)]),
        )


def _roadmap(organisation, *, owner=None, today=None) -> dict[str, RoadmapAction]:
    """A roadmap under way: two of four priorities done or started, one late, one due soon,
    one due later than the home page looks, and actions that never show there."""
    today = today or timezone.localdate()
    roadmap = Roadmap.objects.create(organisation=organisation)

    def action(title, **fields):
        return RoadmapAction.objects.create(roadmap=roadmap, title=title, **fields)

    return {
        "done": action("Sauvegarder les fichiers", decision="accepted", status="done"),
        "late": action(
            "Nommer une référente",
            decision="accepted",
            status="doing",
            owner=owner,
            due_date=today - timedelta(days=3),
        ),
        "soon": action(
            "Former l’équipe à la visio", decision="accepted", due_date=today + timedelta(days=10)
        ),
        "later": action(
            "Refaire le site web", decision="accepted", due_date=today + timedelta(days=90)
        ),
        "declined": action(
            "Changer de messagerie", decision="declined", due_date=today + timedelta(days=2)
        ),
        "for_later": action("Idée pour plus tard", later=True),
        "done_due": action("Fait en avance", decision="accepted", status="done", due_date=today),
    }


def test_a_member_sees_progress_result_roadmap_due_actions_and_events_near(client, questionnaire):
    membership = MembershipFactory(admin=True, user__first_name="Louis")
    organisation = membership.organisation  # in Gironde (33)
    user = membership.user
    completed_diagnostic(organisation, score=62.0)
    diagnostic, respondent = diagnostic_with_respondent(
        questionnaire=questionnaire, membership=membership
    )
    Respondent.objects.create(
        diagnostic=diagnostic, user=MembershipFactory(organisation=organisation).user
    )
    _answer(respondent, 10)
    actions = _roadmap(organisation, owner=user)
    near = EventFactory(title="Atelier à Bordeaux", departement="33")
    beside = EventFactory(title="Atelier à Mont-de-Marsan", departement="40")  # beside 33
    far = EventFactory(title="Atelier à Lille", departement="59")
    client.force_login(user)
    page = home(client)

    structure = structure_for(questionnaire)
    mine = services.overall_progress(
        services.section_progress(structure, services.answers_of(respondent))
    )
    assert f"Diagnostic en cours : vous avez répondu à {mine.percent} %." in readable(page)
    assert reverse("maturity:respondent_home", args=[respondent.pk]) in page
    assert "2 personnes répondent" in page
    level = structure.level_texts[
        diagnostic.organisation.diagnostics.completed().get().snapshot.overall_level
    ]["label"]
    assert f"62 / 100 — {escape(level)}" in page and "Voir les résultats" in page
    # Priorities: done, late (doing), soon, later, done early: 2 done of 5, 1 under way.
    assert "2 actions prioritaires faites sur 5, 1 en cours" in page
    due = page.split('id="a-echeance"', 1)[1].split("</section>", 1)[0]
    assert due.index(escape(actions["late"].title)) < due.index(escape(actions["soon"].title))
    assert "en retard" in due and "Louis" in due
    for hidden in ("later", "declined", "for_later", "done_due", "done"):
        assert escape(actions[hidden].title) not in due, hidden
    events = page.split('id="pres-de-vous"', 1)[1].split("</section>", 1)[0]
    assert near.title in events and beside.title in events and far.title not in events
    assert NOT_REGISTERED not in page and "Demander un compte conseiller·e" not in page


def test_a_member_without_diagnostic_is_invited_to_start(client, questionnaire):
    membership = MembershipFactory()
    client.force_login(membership.user)
    page = home(client)
    assert "Pas encore de diagnostic" in page
    url = reverse("maturity:organisation_diagnostics", args=[membership.organisation_id])
    assert f'href="{url}">Commencer le diagnostic' in page


def test_a_member_who_has_not_answered_yet_is_asked_to_join_the_diagnostic(client, questionnaire):
    diagnostic, _respondent = diagnostic_with_respondent(questionnaire=questionnaire)
    other = MembershipFactory(organisation=diagnostic.organisation).user
    client.force_login(other)
    page = home(client)
    assert "Diagnostic en cours : 1 personne répond." in readable(page)
    assert "Répondre moi aussi" in page


def test_pending_join_requests_and_invitations_are_shown_to_a_person_without_organisation(
    client,
):
    user = UserFactory()
    asked = JoinRequestFactory(user=user)
    admin = MembershipFactory(admin=True, user__first_name="Aline", user__last_name="Dupont")
    make_invitation(organisation=admin.organisation, invited_by=admin.user, email=user.email)
    client.force_login(user)
    page = home(client)
    asking = f"Votre demande pour rejoindre « {asked.organisation.name} »"
    assert french_text(escape(asking)) in page
    invited = f"Aline Dupont vous invite à rejoindre « {admin.organisation.name} »"
    assert french_text(escape(invited)) in page
    assert "votre demande est en attente" in page
    # No organisation, no other role: register one, or ask for an adviser account.
    assert "Inscrire une organisation" in page
    assert reverse("adviser_request") in page


def test_an_adviser_lands_on_their_portfolio_summary_never_asked_to_register(client):
    adviser = AdviserProfileFactory(user__first_name="Nadia").user
    clients = [MembershipFactory(admin=True).organisation for _ in range(3)]
    for organisation in clients:
        live_consent(organisation, adviser)
    completed_diagnostic(clients[0])
    asked = OrganisationFactory(name="Régie de quartier")
    MembershipFactory(organisation=asked, admin=True)
    from advisers import services as adviser_services

    adviser_services.request_access(adviser=adviser, siren=asked.siren, message="")
    client.force_login(adviser)
    page = home(client)
    assert "Espace conseiller·e" in page
    assert (
        "3 organisations vous ont ouvert leurs résultats (dont 1 avec un diagnostic terminé)"
        in page
    )
    assert "1 demande d'accès en attente de réponse : Régie de quartier." in readable(page)
    assert reverse("advisers:portfolio") in page
    assert NOT_REGISTERED not in page and reverse("adviser_request") not in page


def test_a_pending_adviser_sees_their_request_and_is_not_asked_to_register(client):
    profile = AdviserProfileFactory(pending=True)
    client.force_login(profile.user)
    page = home(client)
    assert "En attente de validation" in page and "vous recevrez un e-mail" in page
    assert NOT_REGISTERED not in page


def _cress_backlog(version: str = "2099.1"):
    """Something in every CRESS queue: 1 adviser, 2 proposals, 1 testimonial, 1 stale tool,
    1 application and 1 renewal, 1 fiche, 1 draft questionnaire."""
    AdviserProfileFactory(pending=True)
    ProposalFactory()
    ProposalFactory()
    ToolUseFactory()
    ToolFactory(stale=True)
    AmbassadorFactory(pending=True)
    AmbassadorFactory(renewal_requested_at=timezone.now())
    ResourceFactory(pending=True)
    Questionnaire.objects.create(version=version, title="Brouillon", status="draft")


EXPECTED_QUEUES = [
    ("1 compte conseiller·e à valider", "/cress/#conseillers"),
    ("2 propositions d’outils à relire", "/outils/moderation/#propositions"),
    ("1 témoignage à relire", "/outils/moderation/#temoignages"),
    ("1 fiche outil pas relue depuis un an", "/outils/moderation/#a-relire"),
    ("2 candidatures ou renouvellements d’ambassadeur·rices", "/communaute/cress/#candidatures"),
    ("1 fiche pratique à relire", "/communaute/cress/#fiches"),
    # French's plural rule (n > 1), from the French catalogue: 0 takes the singular.
    ("0 demande d’accompagnement restée sans réponse", "/communaute/cress/#sans-reponse"),
    ("1 brouillon du questionnaire", "/diagnostic/questionnaires/"),
]


def test_an_ambassador_finds_their_space_and_the_requests_waiting_for_them(client):
    ambassador = AmbassadorFactory()
    SupportRequestFactory.create_batch(2, sent=True, ambassador=ambassador)
    SupportRequestFactory(sent=True, ambassador=ambassador, status="accepted")
    SupportRequestFactory(sent=True)  # someone else's
    client.force_login(ambassador.user)
    page = readable(home(client))
    assert "Votre espace ambassadeur·rice" in page
    assert "2 demandes d'accompagnement attendent votre réponse." in page
    assert f'<a class="button" href="{reverse("ambassadors:my_space")}">' in page
    SupportRequest.objects.filter(ambassador=ambassador, status="sent").update(status="declined")
    assert "Aucune demande d'accompagnement n'attend votre réponse." in readable(home(client))


@pytest.mark.parametrize(
    ("status", "shown"),
    [
        ("pending", "Votre candidature attend la validation de la CRESS"),
        ("expired", "Votre validation a expiré : demandez son renouvellement"),
        ("rejected", None),
        ("withdrawn", None),
    ],
)
def test_a_candidate_or_former_ambassador_is_shown_their_space_while_it_is_theirs(
    client, status, shown
):
    if status in ("pending", "expired"):
        ambassador = AmbassadorFactory(**{status: True})
    else:
        ambassador = AmbassadorFactory(status=status, valid_until=None)
    client.force_login(ambassador.user)
    page = readable(home(client))
    if shown is None:
        assert "Votre espace ambassadeur·rice" not in page
        assert reverse("ambassadors:my_space") not in page
    else:
        assert "Votre espace ambassadeur·rice" in page and shown in page
        assert reverse("ambassadors:my_space") in page


def test_a_cress_admin_lands_on_every_queue_with_its_count(client):
    _cress_backlog()
    client.force_login(UserFactory(cress_admin=True))
    for page in (home(client), client.get(reverse("cress_dashboard")).content.decode()):
        for label, url in EXPECTED_QUEUES:
            assert f'<a href="{url}">{escape(label)}</a>' in page, label
        assert NOT_REGISTERED not in page
    assert "Ouvrir l’espace CRESS" in home(client)


def test_the_cress_space_links_every_cress_page(client):
    client.force_login(UserFactory(cress_admin=True))
    page = client.get(reverse("cress_dashboard")).content.decode()
    for name in ("toolbox:moderation", "ambassadors:cress", "maturity:questionnaires"):
        assert reverse(name) in page, name
    assert 'id="conseillers"' in page


# --- Queries: the same whatever the number of organisations, actions, clients or queues -------


def _count(client) -> int:
    home(client)  # warms what is cached in-process (questionnaire structures)
    with CaptureQueriesContext(connection) as queries:
        home(client)
    return len(queries)


def _member_with(organisations: int, questionnaire) -> object:
    user = UserFactory()
    for n in range(organisations):
        membership = MembershipFactory(user=user, admin=True)
        completed_diagnostic(membership.organisation)
        _diagnostic, respondent = diagnostic_with_respondent(
            questionnaire=questionnaire, membership=membership
        )
        _answer(respondent, 3 + n)
        actions = _roadmap(membership.organisation, owner=user)
        for extra in range(n):  # more actions, due soon, in the larger case
            RoadmapAction.objects.create(
                roadmap=actions["done"].roadmap,
                title=f"Action {extra}",
                decision="accepted",
                due_date=timezone.localdate() + timedelta(days=extra),
            )
        EventFactory(departement=membership.organisation.departement)
    JoinRequestFactory(user=user)
    return user


# Session, user (with their adviser profile), memberships (header and cards), next events;
# diagnostics, own answers, roadmap counts, due actions, events near their organisations; join
# requests, invitations; their ambassador profile with the requests waiting for them.
MEMBER_QUERIES = 12


def test_a_member_s_home_costs_the_same_with_one_or_several_organisations(client, questionnaire):
    client.force_login(_member_with(1, questionnaire))
    assert _count(client) == MEMBER_QUERIES
    client.force_login(_member_with(4, questionnaire))
    assert _count(client) == MEMBER_QUERIES


def test_an_ambassador_s_home_costs_the_same_with_one_or_many_requests(client, questionnaire):
    user = _member_with(1, questionnaire)
    ambassador = AmbassadorFactory(user=user)
    SupportRequestFactory(sent=True, ambassador=ambassador)
    client.force_login(user)
    assert _count(client) == MEMBER_QUERIES
    SupportRequestFactory.create_batch(5, sent=True, ambassador=ambassador)
    assert _count(client) == MEMBER_QUERIES


# The same first four; join requests, invitations; an ambassador profile; the portfolio's
# figures, pending requests.
ADVISER_QUERIES = 9


def test_an_adviser_s_home_costs_the_same_with_one_or_many_clients(client):
    def adviser_with(clients: int):
        adviser = AdviserProfileFactory().user
        for _ in range(clients):
            organisation = MembershipFactory(admin=True).organisation
            live_consent(organisation, adviser)
            completed_diagnostic(organisation)
        from advisers import services as adviser_services

        asked = MembershipFactory(admin=True).organisation
        adviser_services.request_access(adviser=adviser, siren=asked.siren, message="")
        return adviser

    client.force_login(adviser_with(1))
    assert _count(client) == ADVISER_QUERIES
    client.force_login(adviser_with(6))
    assert _count(client) == ADVISER_QUERIES


# The same first six and an ambassador profile, then one count per queue (8).
CRESS_QUERIES = 15


def test_a_cress_admin_s_home_costs_the_same_whatever_waits(client):
    client.force_login(UserFactory(cress_admin=True))
    assert _count(client) == CRESS_QUERIES
    _cress_backlog("2099.1")
    _cress_backlog("2099.2")
    assert _count(client) == CRESS_QUERIES
