"""Participants join from their phones by a code, without an account, choose their group and
answer; wrong and expired codes are refused clearly and counted per client address."""

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from common.typography import french_text
from maturity.access import GUEST_SESSION_KEY
from maturity.models import Answer, Respondent
from maturity.structure import structure_for
from tests.pages import readable
from tests.workshops.factories import dimension_questions, team_workshop
from workshops import services
from workshops.models import Participant, Workshop

pytestmark = pytest.mark.django_db


def join(client, workshop, group=1):
    page = client.get(reverse("workshops:join", args=[workshop.code]))
    assert page.status_code == 200
    response = client.post(reverse("workshops:join", args=[workshop.code]), {"group": str(group)})
    assert response.status_code == 302, response.content.decode()[:500]
    return response["Location"]


def test_a_participant_joins_by_the_code_typed_on_the_hub_and_answers(client):
    workshop = team_workshop(title="Atelier du 12 mars")
    # Typed in lower case with a space, as people do.
    code = workshop.code.lower()
    response = client.post(reverse("workshops:hub"), {"code": f"{code[:3]} {code[3:]}"})
    assert response["Location"] == reverse("workshops:join", args=[workshop.code])
    page = client.get(response["Location"]).content.decode()
    assert workshop.organisation.name in page and "Bénévoles" in page

    location = join(client, workshop, group=2)
    participant = Participant.objects.get()
    assert location == reverse("workshops:participate", args=[participant.pk])
    respondent = participant.respondent
    # A guest respondent of the diagnostic, without a name or an account.
    assert respondent.diagnostic == workshop.diagnostic and respondent.user is None
    assert respondent.email == "" and respondent.role_label == "Bénévoles"
    assert client.session[GUEST_SESSION_KEY] == [respondent.pk]

    page = client.get(location).content.decode()
    question = dimension_questions(workshop, "strategie")[0]
    assert french_text(escape(question.text)) in page
    # Answers go through the diagnostic's own autosave.
    autosave = reverse("maturity:autosave", args=[respondent.pk, question.id])
    assert f'hx-post="{autosave}"' in page
    saved = client.post(
        autosave, {f"q{question.id}": str(question.choices[2].id)}, headers={"HX-Request": "true"}
    )
    assert saved.status_code == 200
    assert Answer.objects.get(respondent=respondent).choice_ids == [question.choices[2].id]


def test_without_javascript_the_dimension_is_saved_by_its_button(client):
    workshop = team_workshop()
    location = join(client, workshop)
    questions = dimension_questions(workshop, "strategie")
    data = {f"q{q.id}_present": "1" for q in questions}
    data.update({f"q{q.id}": str(q.choices[1].id) for q in questions})
    response = client.post(location + "?partie=strategie", data)
    assert response.status_code == 302
    assert Answer.objects.count() == len(questions)
    assert "Vos réponses sont enregistrées." in client.get(response["Location"]).content.decode()


def test_a_wrong_answer_is_refused_with_its_message_and_the_typed_answers_kept(client):
    workshop = team_workshop()
    location = join(client, workshop)
    first, second = dimension_questions(workshop, "strategie")[:2]
    response = client.post(
        location + "?partie=strategie",
        {
            f"q{first.id}_present": "1",
            f"q{first.id}": "999999",
            f"q{second.id}_present": "1",
            f"q{second.id}": str(second.choices[1].id),
        },
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Cette réponse ne correspond à aucun choix de la question." in page
    assert f'value="{second.choices[1].id}" checked' in page


def test_joining_twice_from_the_same_phone_comes_back_to_the_same_participant(client):
    workshop = team_workshop()
    first = join(client, workshop)
    again = client.get(reverse("workshops:join", args=[workshop.code]))
    assert again.status_code == 302 and again["Location"] == first
    assert Participant.objects.count() == 1 and Respondent.objects.count() == 1
    # Another phone is another participant.
    client.cookies.clear()
    join(client, workshop)
    assert Participant.objects.count() == 2


def test_a_wrong_code_is_refused_clearly_and_keeps_what_was_typed(client):
    team_workshop()
    response = client.post(reverse("workshops:hub"), {"code": "ZZZZZZ"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Ce code ne correspond à aucun atelier ouvert." in page
    assert 'value="ZZZZZZ"' in page
    malformed = client.post(reverse("workshops:hub"), {"code": "0O1I"})
    assert malformed.status_code == 400
    assert "Un code d'atelier compte 6 caractères" in readable(malformed)
    by_link = client.get(reverse("workshops:join", args=["ZZZZZZ"]))
    assert by_link.status_code == 404
    assert "Ce code ne correspond à aucun atelier ouvert." in by_link.content.decode()


def test_an_expired_code_says_the_workshop_is_over(client):
    workshop = team_workshop()
    services.close(workshop)
    response = client.get(reverse("workshops:join", args=[workshop.code]))
    assert response.status_code == 410
    assert "Cet atelier est terminé" in response.content.decode()
    typed = client.post(reverse("workshops:hub"), {"code": workshop.code})
    assert typed.status_code == 410


def test_wrong_codes_are_rate_limited_per_client_address_then_even_a_right_one(client):
    workshop = team_workshop()
    for _ in range(30):
        assert client.post(reverse("workshops:hub"), {"code": "ZZZZZZ"}).status_code == 400
    refused = client.post(reverse("workshops:hub"), {"code": workshop.code})
    assert refused.status_code == 429
    assert "Trop de codes erronés depuis cette connexion" in refused.content.decode()
    assert client.get(reverse("workshops:join", args=[workshop.code])).status_code == 429
    # Another address is not concerned.
    other = client.get(reverse("workshops:join", args=[workshop.code]), REMOTE_ADDR="10.1.2.3")
    assert other.status_code == 200
    # The window passes.
    with time_machine.travel(timezone.now() + timedelta(minutes=11)):
        assert client.get(reverse("workshops:join", args=[workshop.code])).status_code == 200


def test_a_whole_room_behind_one_address_joins_without_being_limited(client):
    workshop = team_workshop()
    for _ in range(40):
        client.cookies.clear()
        join(client, workshop)
    assert Participant.objects.count() == 40


def test_the_group_must_be_chosen_among_the_workshops_groups(client):
    workshop = team_workshop()
    url = reverse("workshops:join", args=[workshop.code])
    for value in ("", "9", "-1", "²"):
        response = client.post(url, {"group": value})
        assert response.status_code == 400
    assert Participant.objects.count() == 0
    assert "Choisissez votre groupe" in client.post(url, {}).content.decode()


def test_facilitator_pace_shows_the_opened_dimension_only_and_tells_the_waiting(client):
    workshop = team_workshop(pace=Workshop.Pace.FACILITATOR)
    location = join(client, workshop)
    page = client.get(location).content.decode()
    assert "Les questions s’affichent quand l’animateur·rice ouvre la première dimension." in page
    # The waiting panel polls; nothing opened yet: nothing to do.
    poll = client.get(location + "?attente=1", headers={"HX-Request": "true"})
    assert poll.status_code == 204 and "HX-Refresh" not in poll
    services.open_dimension(workshop, code="gouvernance", minutes=None)
    poll = client.get(location + "?attente=1", headers={"HX-Request": "true"})
    assert poll["HX-Refresh"] == "true"
    page = client.get(location + "?partie=strategie").content.decode()
    structure = structure_for(workshop.questionnaire)
    assert "<h1>" + escape(structure.section_by_code["gouvernance"].title) in page
    hidden = structure.section_by_code["strategie"].questions[0].text
    assert french_text(escape(hidden)) not in page  # as the page would write it


def test_someone_elses_participant_page_is_a_404(client):
    workshop = team_workshop()
    location = join(client, workshop)
    client.cookies.clear()
    assert client.get(location).status_code == 404
    assert client.post(location, {}).status_code == 404


def test_a_workshop_closed_while_participants_answer_keeps_their_answers(client):
    workshop = team_workshop()
    location = join(client, workshop)
    respondent = Participant.objects.get().respondent
    first, second, third = dimension_questions(workshop, "strategie")[:3]

    def autosave(question):
        return client.post(
            reverse("maturity:autosave", args=[respondent.pk, question.id]),
            {f"q{question.id}": str(question.choices[0].id)},
            headers={"HX-Request": "true"},
        )

    assert autosave(first).status_code == 200
    services.close(workshop)
    # An answer on its way when the workshop closed still lands…
    assert autosave(second).status_code == 200
    page = client.get(location).content.decode()
    assert "L’atelier est terminé" in page and "vos réponses sont enregistrées" in page.lower()
    # …a form sent after closing is refused without losing anything…
    refused = client.post(location, {f"q{third.id}_present": "1", f"q{third.id}": "1"})
    assert refused.status_code == 302
    # …and after the grace, the participant's link has expired.
    with time_machine.travel(timezone.now() + services.CLOSING_GRACE + timedelta(seconds=5)):
        assert autosave(third).status_code == 404
    assert set(Answer.objects.values_list("question_id", flat=True)) == {first.id, second.id}
    assert Respondent.objects.filter(pk=respondent.pk).exists()


def test_a_completed_diagnostic_takes_no_more_participants(client):
    workshop = team_workshop()
    diagnostic = workshop.diagnostic
    diagnostic.status = "completed"
    diagnostic.save()
    response = client.post(reverse("workshops:join", args=[workshop.code]), {"group": "0"})
    assert response.status_code == 400
    assert "Ce diagnostic est terminé" in response.content.decode()
