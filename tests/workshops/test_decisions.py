"""The room's decisions land on the roadmap's actions, with 'Décidé en atelier le …' in their
history; référent·es become owners (at once, or when they accept an invitation); the report
(page and PDF) says who came, the levels, the divergences discussed and the decisions."""

import shutil
import subprocess
from datetime import date

import pytest
from django.core import mail
from django.urls import reverse

from accounts.models import Invitation, Membership
from accounts.services import accept_invitation
from maturity import roadmap
from maturity.models import RoadmapAction
from tests.factories import MembershipFactory, UserFactory
from tests.pages import plain, readable
from tests.workshops.factories import add_participants, rules, team_workshop
from workshops import projection, services
from workshops.models import AgendaItem, Decision

pytestmark = pytest.mark.django_db


@pytest.fixture
def room(client):
    """A workshop whose six participants answered everything, its diagnostic completed by the
    admin from the decisions page, and the admin logged in."""
    rules()
    workshop = team_workshop(title="Atelier du 12 mars")
    admin = workshop.organisation.active_admins().first()
    add_participants(workshop, 3, group=0, choice=0, dimension=None)
    add_participants(workshop, 3, group=2, choice=1, dimension=None)
    add_participants(workshop, 1, group=3, choice=2)  # a lone person supported
    client.force_login(admin)
    page = client.get(reverse("workshops:decisions", args=[workshop.pk])).content.decode()
    assert "Terminer le diagnostic et proposer la feuille de route" in page
    client.post(reverse("workshops:complete_diagnostic", args=[workshop.pk]))
    workshop.diagnostic.refresh_from_db()
    assert workshop.diagnostic.is_completed
    return workshop, admin


def first_actions(workshop, n=2):
    return services.workshop_actions(workshop)[:n]


def decide(client, workshop, action, **data):
    return client.post(
        reverse("workshops:decide", args=[workshop.pk, action.pk]),
        {f"a{action.pk}-{key}": value for key, value in data.items()},
    )


def test_kept_with_an_owner_and_a_due_date_lands_on_the_action_and_its_history(client, room):
    workshop, _admin = room
    member = MembershipFactory(organisation=workshop.organisation).user
    action = first_actions(workshop)[0]
    response = decide(
        client, workshop, action, decision="keep", owner=str(member.pk), due_date="2027-03-31"
    )
    assert response.status_code == 302
    action.refresh_from_db()
    assert action.decision == RoadmapAction.Decision.ACCEPTED
    assert action.owner == member and action.due_date == date(2027, 3, 31)
    reasons = list(action.history.values_list("history_change_reason", flat=True))
    assert reasons[0].startswith("Décidé en atelier le ")
    assert "« Atelier du 12 mars »" in reasons[0]
    # The action's history page says so.
    history = client.get(
        reverse(
            "maturity:roadmap_action_history",
            args=[workshop.organisation_id, action.pk],
        )
    ).content.decode()
    assert "Décidé en atelier le" in history
    # And the roadmap itself shows the owner.
    roadmap = client.get(reverse("maturity:roadmap", args=[workshop.organisation_id]))
    assert member.display_name in roadmap.content.decode()


def test_actions_for_later_are_a_menu_that_opens_their_own_form(client, room):
    workshop, _admin = room
    actions = services.workshop_actions(workshop)
    first = [a for a in actions if roadmap.is_priority(a)]
    later = [a for a in actions if not roadmap.is_priority(a)]
    assert first and later
    url = reverse("workshops:decisions", args=[workshop.pk])
    page = client.get(url).content.decode()
    assert all(f'name="a{a.pk}-decision"' in page for a in first)
    assert not any(f'name="a{a.pk}-decision"' in page for a in later)
    # One menu, sent without JavaScript, that brings the page back to it.
    assert '<form method="get" action="#plus-tard">' in page and 'id="plus-tard"' in page
    assert all(f'<option value="{a.pk}">' in page for a in later)
    page = client.get(url, {"action": later[0].pk}).content.decode()
    assert f'name="a{later[0].pk}-decision"' in page
    assert f'name="a{later[1].pk}-decision"' not in page
    # Its form comes under the menu, where it is still chosen.
    assert page.index('id="plus-tard"') < page.index(f'name="a{later[0].pk}-decision"')
    assert f'<option value="{later[0].pk}" selected>' in page
    # A refused decision on one of them shows its form there again, with what was typed.
    refused = decide(client, workshop, later[1], decision="set_aside", due_date="2027-01-01")
    assert refused.status_code == 400
    page = refused.content.decode()
    assert page.index('id="plus-tard"') < page.index(f'name="a{later[1].pk}-decision"')
    assert 'value="2027-01-01"' in page
    # Once decided, its form stays on the page.
    decide(client, workshop, later[0], decision="set_aside", reason="Plus tard")
    assert f'name="a{later[0].pk}-decision"' in client.get(url).content.decode()


def test_set_aside_declines_the_action_with_its_reason(client, room):
    workshop, _admin = room
    action = first_actions(workshop)[1]
    decide(client, workshop, action, decision="set_aside", reason="Pas cette année")
    action.refresh_from_db()
    assert action.decision == RoadmapAction.Decision.DECLINED
    assert action.decline_reason == "Pas cette année"
    assert Decision.objects.get(action=action).keep is False


def test_a_referent_with_a_members_address_becomes_the_owner(client, room):
    workshop, _admin = room
    member = MembershipFactory(organisation=workshop.organisation).user
    action = first_actions(workshop)[0]
    decide(
        client,
        workshop,
        action,
        decision="keep",
        referent_name="Awa",
        referent_email=member.email.upper(),
    )
    action.refresh_from_db()
    assert action.owner == member
    assert not Invitation.objects.exists()


def test_a_referent_without_an_account_is_invited_and_owns_the_action_on_accepting(
    client, room, django_capture_on_commit_callbacks
):
    workshop, _admin = room
    action = first_actions(workshop)[0]
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        decide(
            client,
            workshop,
            action,
            decision="keep",
            referent_name="Awa Diallo",
            referent_email="awa@example.org",
            due_date="31/05/2027",
        )
    action.refresh_from_db()
    assert action.owner is None and action.due_date == date(2027, 5, 31)
    assert "Référent·e désigné·e en atelier : Awa Diallo" in action.notes
    invitation = Invitation.objects.get(email="awa@example.org")
    assert mail.outbox and "awa@example.org" in mail.outbox[0].to

    awa = UserFactory(email="awa@example.org")
    accept_invitation(invitation=invitation, user=awa)
    action.refresh_from_db()
    assert action.owner == awa
    assert Membership.objects.filter(user=awa, organisation=workshop.organisation).exists()
    assert action.history.first().history_change_reason == (
        "Responsable désigné·e en atelier (invitation acceptée)"
    )


def test_an_adviser_facilitator_records_the_name_but_invites_nobody(client, room):
    from advisers import services as adviser_services
    from tests.factories import AdviserProfileFactory

    workshop, admin = room
    adviser = AdviserProfileFactory().user
    adviser_services.grant(organisation=workshop.organisation, adviser=adviser, months=3, by=admin)
    client.force_login(adviser)
    action = first_actions(workshop)[0]
    response = decide(
        client,
        workshop,
        action,
        decision="keep",
        referent_name="Awa",
        referent_email="awa@example.org",
    )
    assert response.status_code == 302
    assert not Invitation.objects.exists()
    action.refresh_from_db()
    assert action.decision == RoadmapAction.Decision.ACCEPTED and "Awa" in action.notes
    assert action.history.first().history_user == adviser
    # Completing the diagnostic stays the organisation's own act.
    assert (
        client.post(reverse("workshops:complete_diagnostic", args=[workshop.pk])).status_code == 403
    )


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, "Choisissez de retenir ou d'écarter l'action."),
        (
            {"decision": "set_aside", "due_date": "2027-01-01"},
            "Une action écartée n'a ni responsable ni échéance",
        ),
        (
            {"decision": "keep", "owner": "OWNER", "referent_name": "Awa"},
            "pas les deux",
        ),
        ({"decision": "keep", "referent_email": "awa@example.org"}, "Indiquez aussi le nom"),
        ({"decision": "keep", "due_date": "31/02/2027"}, "Saisissez une date valide"),
        ({"decision": "keep", "owner": "999999"}, "Sélectionnez un choix valide"),
    ],
)
def test_a_wrong_decision_is_refused_clearly_and_keeps_what_was_typed(client, room, data, message):
    workshop, admin = room
    action = first_actions(workshop)[0]
    data = {k: str(admin.pk) if v == "OWNER" else v for k, v in data.items()}
    response = decide(client, workshop, action, **data)
    assert response.status_code == 400
    page = response.content.decode()
    assert message in readable(page)
    for value in data.values():
        if value not in ("keep", "set_aside", "999999"):
            assert (
                f'value="{value}"' in page
                or f'value="{value}" selected' in page
                or (f'<option value="{value}" selected>' in page)
            )
    action.refresh_from_db()
    assert action.decision == RoadmapAction.Decision.PROPOSED
    assert not Decision.objects.exists()


def test_another_organisations_action_is_a_404(client, room):
    workshop, _admin = room
    other = team_workshop()
    rules()
    response = decide(client, other, first_actions(workshop)[0], decision="keep")
    assert response.status_code == 404
    mine = client.post(reverse("workshops:decide", args=[workshop.pk, 999999]), {})
    assert mine.status_code == 404


needs_pdftotext = pytest.mark.skipif(
    not shutil.which("pdftotext"), reason="pdftotext (poppler-utils) is needed"
)


@needs_pdftotext
def test_the_report_page_and_pdf_say_who_came_levels_divergences_and_decisions(client, room):
    workshop, _admin = room
    first = projection.compute(workshop)["divergences"][0]
    AgendaItem.objects.create(
        workshop=workshop, question_id=first["id"], discussed=True, note="Écrire une charte."
    )
    member = MembershipFactory(organisation=workshop.organisation).user
    kept, declined = first_actions(workshop)
    decide(client, workshop, kept, decision="keep", owner=str(member.pk), due_date="2027-06-30")
    decide(client, workshop, declined, decision="set_aside", reason="Trop tôt")

    page = client.get(reverse("workshops:report", args=[workshop.pk])).content.decode()
    assert "Écrire une charte." in page and kept.title in page
    response = client.post(reverse("workshops:report_pdf", args=[workshop.pk]))
    assert response["Content-Type"] == "application/pdf"
    text = subprocess.run(
        ["pdftotext", "-", "-"], input=response.content, capture_output=True, check=True
    ).stdout.decode()
    flat = " ".join(text.split())
    assert "Compte rendu de l’atelier « Atelier du 12 mars »" in flat
    assert "7 personnes ont rejoint l’atelier, 7 ont répondu." in flat
    assert "Personnes accompagnées" in flat
    assert "(moins de 3 : pas de résultat propre à ce groupe)" in flat
    assert "Stratégie et pilotage du numérique" in flat
    assert "Écrire une charte." in flat
    # Table cells wrap: the title's words, the owner and the choice.
    assert all(plain(word) in plain(flat) for word in kept.title.split())  # ’ in the PDF
    assert member.display_name in flat and "Retenue" in flat
    assert "30 juin 2027" in flat
    assert "Écartée : Trop tôt" in flat
