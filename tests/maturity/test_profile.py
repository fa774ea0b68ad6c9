"""One profile: the organisation's record answers the profile questions it holds, asked once
(on the record), with the same bands and sector list everywhere, kept as it was at completion;
older versions of the questionnaire keep asking and reading their own questions."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from accounts.models import Sector, StaffBand, VolunteersBand
from maturity import profile, questionnaire_file, results, roadmap, services, typology, versions
from maturity.models import Answer
from maturity.structure import structure_for
from tests.accounts.test_organisations import form_data
from tests.factories import MembershipFactory, UserFactory
from tests.maturity.factories import (
    diagnostic_with_respondent,
    published_questionnaire,
    questionnaire_data,
)
from tests.maturity.test_collective_and_results import answer_all, weakest
from tests.pages import readable

RECORD_QUESTIONS = {
    "profil_salaries": "staff_band",
    "profil_insertion": "integration_band",
    "profil_benevoles": "volunteers_band",
    "profil_activite": "sector",
}


def profile_questions(data) -> dict:
    return {q["code"]: q for q in data["profile"]["questions"]}


def test_the_shipped_profile_takes_the_records_bands_and_sectors():
    data, errors = questionnaire_file.clean(questionnaire_data())
    assert errors == []
    questions = profile_questions(data)
    assert {
        c: q.get("organisation_field") for c, q in questions.items() if c in RECORD_QUESTIONS
    } == (RECORD_QUESTIONS)
    # The same bands and the same list, in the same order, in the same words.
    for code, record in [
        ("profil_salaries", StaffBand),
        ("profil_benevoles", VolunteersBand),
        ("profil_activite", Sector),
    ]:
        assert [c["label"] for c in questions[code]["choices"]] == [str(x) for x in record.labels]
    # What only the questionnaire asks stays a question; the network is the record's.
    assert {"profil_pilotage_numerique", "profil_budget"} <= questions.keys()
    assert "profil_reseau" not in questions


def broken(change) -> list[str]:
    data = questionnaire_data()
    change(data)
    return questionnaire_file.clean(data)[1]


def test_the_validator_keeps_the_record_questions_in_line_with_the_record():
    def other_bands(data):
        profile_questions(data)["profil_benevoles"]["choices"][1]["code"] = "profil_benevoles_1_10"

    assert broken(other_bands) == [
        "profile.questions[2].choices : les choix sont ceux de la fiche de l'organisation "
        "(volunteers_band), dans cet ordre : profil_benevoles_0, profil_benevoles_1_9, "
        "profil_benevoles_10_49, profil_benevoles_50_199, profil_benevoles_200_plus"
    ]

    def in_a_dimension(data):
        data["dimensions"][0]["questions"][0]["organisation_field"] = "staff_band"

    assert (
        "dimensions[0].questions[0].organisation_field : seulement pour les questions du profil"
        in (broken(in_a_dimension))
    )

    def unknown_field(data):
        profile_questions(data)["profil_budget"]["organisation_field"] = "budget"

    assert broken(unknown_field) == [
        "profile.questions[4].organisation_field : doit être l'un de : staff_band, "
        "volunteers_band, integration_band, sector"
    ]

    def asked_after_the_record(data):
        profile_questions(data)["profil_budget"]["show_if"] = {
            "question": "profil_salaries",
            "choices": ["profil_salaries_3_9"],
        }

    assert broken(asked_after_the_record) == [
        "profile.questions[4].show_if.question : « profil_salaries » vient de la fiche de "
        "l'organisation et n'est pas posée : une question qui en dépend doit en venir aussi"
    ]


def test_choice_codes_name_the_records_values():
    assert profile.choice_code("profil_salaries", "50+") == "profil_salaries_50_plus"
    assert profile.record_values("profil_benevoles", "volunteers_band")[
        "profil_benevoles_10_49"
    ] == ("10-49")


@pytest.fixture
def questionnaire(db):
    return published_questionnaire()


@pytest.mark.django_db
def test_the_profile_part_shows_the_record_instead_of_asking_it_again(client, questionnaire):
    membership = MembershipFactory(
        admin=True,
        organisation__staff_band="3-9",
        organisation__volunteers_band="50-199",
        organisation__integration_band="",
        organisation__federation="Fédération des MJC",
    )
    _diagnostic, respondent = diagnostic_with_respondent(
        questionnaire=questionnaire, membership=membership
    )
    structure = structure_for(questionnaire)
    section = structure.section_by_code["profil"]
    assert [q.code for q in section.questions] == ["profil_pilotage_numerique", "profil_budget"]
    client.force_login(membership.user)
    url = reverse("maturity:section", args=[respondent.pk, "profil"])
    page = readable(client.get(url))
    assert "Votre organisation, d'après sa fiche" in page
    for shown in ("3 à 9 salarié·es", "50 à 199 bénévoles", "Non renseigné", "Fédération des MJC"):
        assert shown in page
    assert "Combien de salarié·es" not in page and "domaine d'activité" not in page
    assert f'href="{reverse("organisation_edit", args=[membership.organisation_id])}?next=' in page
    # Only what is asked counts: two questions in this part.
    assert '<progress id="progress-section" max="2" value="0">' in page

    # A question of the record cannot be answered, even by hand.
    record_question = structure.question_by_code["profil_salaries"]
    response = client.post(
        reverse("maturity:autosave", args=[respondent.pk, record_question.id]),
        {f"q{record_question.id}": str(record_question.choices[0].id)},
    )
    assert response.status_code == 400
    assert "vient de la fiche de l'organisation" in readable(response)
    assert not Answer.objects.exists()

    # A member is told who corrects the record.
    member = MembershipFactory(organisation=membership.organisation)
    _diagnostic, own = services.start_diagnostic(
        organisation=membership.organisation, user=member.user
    )
    client.force_login(member.user)
    page = readable(client.get(reverse("maturity:section", args=[own.pk, "profil"])))
    assert "Les administrateur·rices de l'organisation peuvent corriger sa fiche" in page
    assert "?next=" not in page


@pytest.mark.django_db
def test_the_record_is_edited_in_one_place_and_the_admin_comes_back(client, questionnaire):
    membership = MembershipFactory(admin=True)
    _diagnostic, respondent = diagnostic_with_respondent(
        questionnaire=questionnaire, membership=membership
    )
    client.force_login(membership.user)
    section = reverse("maturity:section", args=[respondent.pk, "profil"])
    organisation = membership.organisation
    data = form_data(
        name=organisation.name,
        siren=organisation.siren,
        staff_band="10-49",
        integration_band="10-29",
    )
    edit = reverse("organisation_edit", args=[organisation.pk])
    response = client.post(f"{edit}?next={section}", data)
    assert response.status_code == 302 and response["Location"] == section
    organisation.refresh_from_db()
    assert (organisation.staff_band, organisation.integration_band) == ("10-49", "10-29")
    assert "10 à 29 personnes en parcours d'insertion" in readable(client.get(section))
    # Elsewhere: no way out of the site.
    response = client.post(f"{edit}?next=https://ailleurs.example/", data)
    assert response["Location"] == reverse("organisation_detail", args=[organisation.pk])


@pytest.mark.django_db
def test_people_in_integration_jobs_are_staff(client):
    client.force_login(UserFactory())
    response = client.post(
        reverse("organisation_create"), form_data(staff_band="0", integration_band="1-9")
    )
    assert response.status_code == 200
    page = readable(response)
    assert "Les personnes en parcours d'insertion sont salariées" in page
    assert 'value="Les Amis du Lavoir"' in page


@pytest.mark.django_db
def test_the_record_is_kept_as_it_was_at_completion(questionnaire):
    call_command("load_roadmap_rules", verbosity=0)
    membership = MembershipFactory(
        admin=True,
        organisation__legal_form="association",
        organisation__staff_band="10-49",
        organisation__volunteers_band="1-9",
        organisation__integration_band="10-29",
    )
    diagnostic, respondent = diagnostic_with_respondent(
        questionnaire=questionnaire, membership=membership
    )
    answer_all(respondent, weakest)
    snapshot = services.complete(diagnostic=diagnostic, by=respondent.user)
    kept = {
        "legal_form": "association",
        "sector": "culture",
        "staff_band": "10-49",
        "volunteers_band": "1-9",
        "integration_band": "10-29",
    }
    assert snapshot.data["profile"] == kept
    organisation = membership.organisation
    assert roadmap.organisation_typology(organisation.roadmap).type == "siae"

    # The record changes afterwards: the roadmap stays made for what it was made for, and
    # results computed anew keep the profile of their day.
    organisation.integration_band = "0"
    organisation.staff_band = "0"
    organisation.save()
    organisation.roadmap.refresh_from_db()
    assert roadmap.organisation_typology(organisation.roadmap).type == "siae"
    assert results.compute(diagnostic)["profile"] == kept


@pytest.mark.django_db
def test_an_older_version_keeps_asking_and_reading_its_own_profile_questions(client):
    data = questionnaire_data()
    data["version"] = "2026.2"
    for question in data["profile"]["questions"]:
        question.pop("organisation_field", None)
    older = questionnaire_file.import_questionnaire(data)
    versions.publish(older)
    membership = MembershipFactory(admin=True, organisation__staff_band="3-9")
    _diagnostic, respondent = diagnostic_with_respondent(questionnaire=older, membership=membership)
    structure = structure_for(older)
    section = structure.section_by_code["profil"]
    assert "profil_salaries" in [q.code for q in section.questions]
    client.force_login(membership.user)
    page = readable(client.get(reverse("maturity:section", args=[respondent.pk, "profil"])))
    assert "Combien de salarié·es" in page and "d'après sa fiche" not in page
    # Its answer about integration jobs still makes a work-integration structure.
    question = structure.question_by_code["profil_insertion"]
    choice = next(c for c in question.choices if c.code == "profil_insertion_10_29")
    kind = typology.classify(
        legal_form="association", staff_band="3-9", profile={question.code: choice.code}
    )
    assert kind.type == "siae"


def test_the_record_comes_first_then_older_answers():
    assert typology.classify(
        legal_form="association", staff_band="3-9", integration_band="1-9"
    ).type == ("siae")
    # The record says none: an older answer saying some is not read.
    assert (
        typology.classify(
            legal_form="association",
            staff_band="3-9",
            integration_band="0",
            profile={"profil_insertion": "profil_insertion_10_29"},
        ).type
        == "employeur"
    )
    # Not said on the record: the older answer is read.
    assert typology.classify(
        legal_form="association",
        staff_band="3-9",
        profile={"profil_insertion": "profil_insertion_10_29"},
    ).integration_jobs


@pytest.mark.django_db
def test_the_discovery_diagnostic_asks_the_records_bands(questionnaire):
    structure = structure_for(questionnaire)
    asked = {q.code: q for q in structure.discovery_questions}
    assert {"profil_salaries", "profil_benevoles"} <= asked.keys()
    assert [c.label for c in asked["profil_benevoles"].choices] == [
        str(label) for label in VolunteersBand.labels
    ]
