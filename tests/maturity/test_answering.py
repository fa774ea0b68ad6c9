import pytest
from django.urls import reverse

from maturity import services
from maturity.models import Answer, Diagnostic, Respondent
from maturity.structure import structure_for
from tests.factories import MembershipFactory
from tests.maturity.factories import diagnostic_with_respondent, published_questionnaire
from tests.pages import plain, readable

pytestmark = pytest.mark.django_db


@pytest.fixture
def questionnaire():
    return published_questionnaire()


def first_question(structure, section_code="strategie"):
    return structure.section_by_code[section_code].questions[0]


def test_a_member_starts_the_diagnostic_and_lands_on_their_sections(client, questionnaire):
    membership = MembershipFactory(admin=True)
    client.force_login(membership.user)
    response = client.post(reverse("maturity:diagnostic_start", args=[membership.organisation.pk]))
    respondent = Respondent.objects.get()
    assert response["Location"] == reverse("maturity:respondent_home", args=[respondent.pk])
    page = client.get(response["Location"]).content.decode()
    assert "Stratégie et pilotage du numérique" in page and "Numérique responsable" in page
    # Starting again joins the same diagnostic: one in progress per organisation.
    client.post(reverse("maturity:diagnostic_start", args=[membership.organisation.pk]))
    assert Diagnostic.objects.count() == 1 and Respondent.objects.count() == 1


def test_a_plain_post_saves_a_whole_section_and_moves_on(client, questionnaire):
    _diagnostic, respondent = diagnostic_with_respondent(questionnaire=questionnaire)
    structure = structure_for(questionnaire)
    section = structure.section_by_code["strategie"]
    client.force_login(respondent.user)
    data = {}
    for question in section.questions:
        data[f"q{question.id}_present"] = "1"
        if not question.show_if_question:
            data[f"q{question.id}"] = str(question.choices[-1].id)
    response = client.post(reverse("maturity:section", args=[respondent.pk, "strategie"]), data)
    assert response.status_code == 302
    saved = Answer.objects.filter(respondent=respondent).count()
    assert saved == len([q for q in section.questions if not q.show_if_question])
    # The strongest answer to the first question reveals its follow-up: stay on the section.
    assert response["Location"].endswith("/partie/strategie/")


def test_autosave_saves_one_answer_and_reveals_the_follow_up_question(client, questionnaire):
    _, respondent = diagnostic_with_respondent(questionnaire=questionnaire)
    structure = structure_for(questionnaire)
    question = first_question(structure)
    follow_up = next(
        q
        for q in structure.section_by_code["strategie"].questions
        if q.show_if_question == question.code
    )
    trigger = next(c for c in question.choices if c.code in follow_up.show_if_choices)
    client.force_login(respondent.user)
    url = reverse("maturity:autosave", args=[respondent.pk, question.id])
    response = client.post(
        url, {f"q{question.id}": str(trigger.id)}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Réponse enregistrée" in html
    assert f'id="qwrap-{follow_up.id}" data-hx-swap-oob="true"' in html
    assert plain(follow_up.text) in readable(html)
    assert Answer.objects.get(respondent=respondent, question_id=question.id).choice_ids == [
        trigger.id
    ]
    # The out-of-band fragment is the same fieldset as in a fresh full render of the section.
    page = client.get(
        reverse("maturity:section", args=[respondent.pk, "strategie"])
    ).content.decode()
    fragment = html.split(f'id="qwrap-{follow_up.id}" data-hx-swap-oob="true">', 1)[1].split(
        "</fieldset>", 1
    )[0]
    assert fragment.strip() in page


def test_two_tabs_saving_the_same_question_keep_one_row_last_write_wins(questionnaire):
    _, respondent = diagnostic_with_respondent(questionnaire=questionnaire)
    structure = structure_for(questionnaire)
    question = first_question(structure)
    for choice in (question.choices[0], question.choices[1]):
        services.save_answer(
            respondent=respondent,
            structure=structure,
            question=question,
            parsed=services.parse_answer(question, [str(choice.id)]),
        )
    answer = Answer.objects.get(respondent=respondent, question_id=question.id)
    assert answer.choice_ids == [question.choices[1].id]


def test_the_database_refuses_a_second_answer_row_for_the_same_question(questionnaire):
    from django.db import IntegrityError

    _, respondent = diagnostic_with_respondent(questionnaire=questionnaire)
    question = first_question(structure_for(questionnaire))
    Answer.objects.create(respondent=respondent, question_id=question.id, choice_ids=[])
    with pytest.raises(IntegrityError):
        Answer.objects.create(respondent=respondent, question_id=question.id, choice_ids=[])


@pytest.mark.parametrize(
    ("values", "message"),
    [
        (["999999"], "ne correspond à aucun choix"),
        (["abc"], "ne correspond à aucun choix"),
        (["unknown", "FIRST"], "pas les deux"),
        (["FIRST", "SECOND"], "Une seule réponse"),
    ],
)
def test_tampered_answers_are_refused_with_a_clear_message(client, questionnaire, values, message):
    _, respondent = diagnostic_with_respondent(questionnaire=questionnaire)
    question = first_question(structure_for(questionnaire))
    values = [
        {"FIRST": str(question.choices[0].id), "SECOND": str(question.choices[1].id)}.get(v, v)
        for v in values
    ]
    client.force_login(respondent.user)
    response = client.post(
        reverse("maturity:autosave", args=[respondent.pk, question.id]), {f"q{question.id}": values}
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Answer.objects.exists()


def test_a_choice_of_another_question_is_refused(client, questionnaire):
    _, respondent = diagnostic_with_respondent(questionnaire=questionnaire)
    structure = structure_for(questionnaire)
    question = first_question(structure)
    other = structure.section_by_code["competences"].questions[0].choices[0]
    client.force_login(respondent.user)
    response = client.post(
        reverse("maturity:section", args=[respondent.pk, "strategie"]),
        {f"q{question.id}_present": "1", f"q{question.id}": str(other.id)},
    )
    assert response.status_code == 400
    assert "ne correspond à aucun choix" in response.content.decode()


def test_a_question_of_another_version_is_refused(client, questionnaire):
    other_version = published_questionnaire(version="2099.1")
    _, respondent = diagnostic_with_respondent(questionnaire=questionnaire)
    foreign = first_question(structure_for(other_version))
    client.force_login(respondent.user)
    response = client.post(
        reverse("maturity:autosave", args=[respondent.pk, foreign.id]),
        {f"q{foreign.id}": str(foreign.choices[0].id)},
    )
    assert response.status_code == 400
    assert not Answer.objects.exists()


def test_answers_of_a_completed_diagnostic_are_locked(client, questionnaire):
    diagnostic, respondent = diagnostic_with_respondent(questionnaire=questionnaire)
    question = first_question(structure_for(questionnaire))
    client.force_login(respondent.user)
    client.post(
        reverse("maturity:autosave", args=[respondent.pk, question.id]),
        {f"q{question.id}": str(question.choices[0].id)},
    )
    services.complete(diagnostic=diagnostic, by=respondent.user)
    response = client.post(
        reverse("maturity:autosave", args=[respondent.pk, question.id]),
        {f"q{question.id}": str(question.choices[1].id)},
    )
    assert response.status_code == 400
    assert "terminé" in response.content.decode()
    assert Answer.objects.get().choice_ids == [question.choices[0].id]


def test_another_organisations_respondent_page_is_a_404(client, questionnaire):
    _, respondent = diagnostic_with_respondent(questionnaire=questionnaire)
    outsider = MembershipFactory()
    client.force_login(outsider.user)
    question = first_question(structure_for(questionnaire))
    assert client.get(reverse("maturity:respondent_home", args=[respondent.pk])).status_code == 404
    assert (
        client.post(
            reverse("maturity:autosave", args=[respondent.pk, question.id]),
            {f"q{question.id}": str(question.choices[0].id)},
        ).status_code
        == 404
    )
    assert (
        client.get(
            reverse("maturity:diagnostic_detail", args=[respondent.diagnostic.pk])
        ).status_code
        == 404
    )


def test_a_removed_member_loses_access_to_their_answers(client, questionnaire):
    _, respondent = diagnostic_with_respondent(questionnaire=questionnaire)
    membership = respondent.user.memberships.get()
    membership.is_active = False
    membership.save()
    client.force_login(respondent.user)
    assert client.get(reverse("maturity:respondent_home", args=[respondent.pk])).status_code == 404


def test_section_page_queries_stay_constant(client, questionnaire, django_assert_num_queries):
    _, respondent = diagnostic_with_respondent(questionnaire=questionnaire)
    client.force_login(respondent.user)
    url = reverse("maturity:section", args=[respondent.pk, "securite_rgpd"])
    client.get(url)  # warms the structure cache, as in production
    with django_assert_num_queries(5):
        assert client.get(url).status_code == 200
    structure = structure_for(questionnaire)
    for section in structure.sections:
        for question in section.questions:
            if question.choices:
                services.save_answer(
                    respondent=respondent,
                    structure=structure,
                    question=question,
                    parsed=services.parse_answer(question, [str(question.choices[0].id)]),
                )
    with django_assert_num_queries(5):
        assert client.get(url).status_code == 200


def test_autosave_queries_stay_within_budget(client, questionnaire, django_assert_num_queries):
    _, respondent = diagnostic_with_respondent(questionnaire=questionnaire)
    structure = structure_for(questionnaire)
    question = structure.section_by_code["securite_rgpd"].questions[0]
    client.force_login(respondent.user)
    client.get(reverse("maturity:section", args=[respondent.pk, "securite_rgpd"]))
    with django_assert_num_queries(5):
        response = client.post(
            reverse("maturity:autosave", args=[respondent.pk, question.id]),
            {f"q{question.id}": str(question.choices[0].id)},
        )
    assert response.status_code == 200


def test_a_member_holding_a_guest_link_elsewhere_answers_both(client, questionnaire):
    """Member branch and guest branch of the respondent lookup together, on organisations with
    several members: each respondent found once, no one else's."""
    _, mine = diagnostic_with_respondent(questionnaire=questionnaire)
    other, theirs = diagnostic_with_respondent(questionnaire=questionnaire)
    for _ in range(3):
        MembershipFactory(organisation=mine.diagnostic.organisation)
        MembershipFactory(organisation=other.organisation)
    guest, token = Respondent.new_guest(
        diagnostic=other, name="Léa", email="lea@example.org", role_label="", invited_by=None
    )
    guest.save()
    client.force_login(mine.user)
    client.get(reverse("maturity:guest_entry", args=[token]))
    question = structure_for(questionnaire).section_by_code["securite_rgpd"].questions[0]
    for respondent in (mine, guest):
        assert (
            client.get(
                reverse("maturity:section", args=[respondent.pk, "securite_rgpd"])
            ).status_code
            == 200
        )
        response = client.post(
            reverse("maturity:autosave", args=[respondent.pk, question.id]),
            {f"q{question.id}": str(question.choices[0].id)},
            headers={"HX-Request": "true"},
        )
        assert response.status_code == 200
        assert Answer.objects.filter(respondent=respondent).count() == 1
    assert (
        client.get(reverse("maturity:section", args=[theirs.pk, "securite_rgpd"])).status_code
        == 404
    )
    assert (
        client.post(
            reverse("maturity:autosave", args=[theirs.pk, question.id]),
            {f"q{question.id}": str(question.choices[0].id)},
        ).status_code
        == 404
    )
