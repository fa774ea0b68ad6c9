"""The discovery diagnostic: a first look without an account, kept in the session, carried into
a real diagnostic once the person has an account and an organisation."""

import re

import pytest
from django.core.management import call_command
from django.urls import reverse

from accounts.models import Organisation
from maturity import discovery, questionnaire_file, roadmap, services, versions
from maturity.models import Answer, Diagnostic, Questionnaire, Respondent
from maturity.services import GivenAnswer, ParsedAnswer
from maturity.structure import structure_for
from tests.factories import PASSWORD, MembershipFactory, UserFactory, valid_siren
from tests.maturity.factories import published_questionnaire, questionnaire_data
from tests.pages import plain, readable

pytestmark = pytest.mark.django_db

FORM = "maturity:discovery"
RESULT = "maturity:discovery_result"
CONTINUE = "maturity:discovery_continue"


@pytest.fixture
def structure():
    return structure_for(published_questionnaire())


@pytest.fixture
def rules():
    call_command("load_roadmap_rules", verbosity=0)


def choice(structure, question_code: str, choice_code: str) -> tuple[str, str]:
    """(field name, value) posting this choice, as the form's radio button does."""
    question = structure.question_by_code[question_code]
    (picked,) = [c for c in question.choices if c.code == choice_code]
    return f"q{question.id}", str(picked.id)


def some_volunteers(structure) -> str:
    """The code of a choice saying the organisation has volunteers (bands vary by version)."""
    question = structure.question_by_code["profil_benevoles"]
    return next(c.code for c in question.choices if c.code != "profil_benevoles_0")


def unknown(structure, question_code: str) -> tuple[str, str]:
    return f"q{structure.question_by_code[question_code].id}", "unknown"


def best_answers(structure) -> dict[str, str]:
    """Every discovery question of a dimension at its best choice: no action to propose."""
    data = {}
    for question in discovery.dimension_questions(structure):
        best = max((c for c in question.choices if c.score is not None), key=lambda c: c.score)
        data[f"q{question.id}"] = str(best.id)
    return data


def post_form(client, data):
    return client.post(reverse(FORM), data)


def given(structure, *pairs) -> dict[int, GivenAnswer]:
    """Answers by id from (question code, choice code or "unknown") pairs."""
    out = {}
    for question_code, choice_code in pairs:
        question = structure.question_by_code[question_code]
        if choice_code == "unknown":
            out[question.id] = GivenAnswer((), True, "")
        else:
            ids = tuple(c.id for c in question.choices if c.code == choice_code)
            out[question.id] = GivenAnswer(ids, False, "")
    return out


# --- The questions, in the data ------------------------------------------------------------------


def test_the_shipped_questionnaire_marks_a_short_discovery_with_every_dimension(structure):
    questions = structure.discovery_questions
    assert 10 <= len(questions) <= questionnaire_file.MAX_DISCOVERY_QUESTIONS
    dimensions = {s.code for s in structure.dimensions}
    assert {q.section_code for q in discovery.dimension_questions(structure)} == dimensions
    # Answerable on one page without JavaScript: choices only, no follow-up questions.
    assert all(not q.is_text and not q.show_if_question for q in questions)
    # The profile questions the roadmap's typology reads, so the advice fits the organisation.
    assert {"profil_salaries", "profil_benevoles"} <= {q.code for q in questions}


def test_the_file_validator_checks_the_discovery_marks():
    data = questionnaire_data()
    # Unmarking the only discovery question of a dimension leaves it without a level.
    for question in data["dimensions"][2]["questions"]:
        question.pop("discovery", None)
    data["difficulties"]["questions"][0]["discovery"] = True
    data["profile"]["questions"].append(
        {"code": "profil_autre", "kind": "text", "text": "Autre chose ?", "discovery": True}
    )
    follow_up = next(q for q in data["dimensions"][0]["questions"] if "show_if" in q)
    follow_up["discovery"] = True
    data["dimensions"][1]["questions"][0]["discovery"] = "oui"
    _cleaned, errors = questionnaire_file.clean(data)
    text = "\n".join(errors)
    assert "dimensions[2].questions : au moins une question marquée discovery" in text
    assert "difficulties.questions[0].discovery : seulement pour les questions du profil" in text
    assert "une question de découverte se répond par un choix" in text
    assert "une question de découverte ne dépend pas d'une autre réponse" in text
    assert "dimensions[1].questions[0].discovery : doit valoir true ou false" in text


def test_the_discovery_stays_short_and_is_optional():
    data = questionnaire_data()
    for dimension in data["dimensions"]:
        for question in dimension["questions"]:
            if "show_if" not in question:
                question["discovery"] = True
    _cleaned, errors = questionnaire_file.clean(data)
    assert any(e.startswith("discovery : ") and "15 au plus" in e for e in errors)

    # A version that marks nothing has no discovery diagnostic, and that is valid.
    data = questionnaire_data()
    for block in [data["profile"], *data["dimensions"]]:
        for question in block["questions"]:
            question.pop("discovery", None)
    cleaned, errors = questionnaire_file.clean(data)
    assert errors == []
    assert not any(q["discovery"] for d in cleaned["dimensions"] for q in d["questions"])


def test_the_marks_survive_export_import_and_a_new_draft():
    source = questionnaire_file.import_questionnaire(questionnaire_data())
    marked = {q.code for q in source.questions.filter(discovery=True)}
    assert len(marked) == 14
    exported = questionnaire_file.export_questionnaire(source)
    again = questionnaire_file.load(questionnaire_file.dump({**exported, "version": "copie"}))[0]
    copy = questionnaire_file.import_questionnaire(again)
    assert {q.code for q in copy.questions.filter(discovery=True)} == marked
    assert questionnaire_file.export_questionnaire(copy) == {**exported, "version": "copie"}


# --- Pure functions ------------------------------------------------------------------------------


def test_each_dimension_is_scored_from_its_discovery_questions_alone(structure):
    answers = given(
        structure,
        ("strategie_formalisee", "strategie_formalisee_ecrite"),  # 100
        ("competences_referent", "competences_referent_aucun"),  # 0, weight 2
        ("competences_accompagnement", "competences_accompagnement_global"),  # 100, weight 1
        ("equipement_sauvegarde", "unknown"),
        ("financement_adhesion", "financement_adhesion_non_concerne"),
        # A question outside the discovery never counts here, even if the session held it.
        ("strategie_budget", "strategie_budget_aucun"),
    )
    data = discovery.scores(structure, answers)
    by_code = {d["code"]: d for d in data["dimensions"]}
    assert by_code["strategie"]["score"] == 100.0
    assert by_code["strategie"]["level"] == "experimentee"
    assert by_code["competences"]["score"] == pytest.approx(33.3)
    assert by_code["competences"]["level"] == "peu_initiee"
    # "Je ne sais pas" and "non concerné" are not zeros: no level rather than a low one.
    assert by_code["equipement"]["score"] is None
    assert by_code["financement"]["score"] is None
    assert len(data["dimensions"]) == 10


def test_the_session_keeps_codes_and_reads_back_only_what_fits(structure):
    question = structure.question_by_code["securite_mots_de_passe"]
    first = question.choices[0]
    payload = discovery.to_session(
        structure,
        {
            question.id: ParsedAnswer(frozenset({first.id}), False, ""),
            structure.question_by_code["equipement_sauvegarde"].id: ParsedAnswer(
                frozenset(), True, ""
            ),
            structure.question_by_code["collaboration_stockage"].id: ParsedAnswer(
                frozenset(), False, ""
            ),
        },
    )
    assert payload["answers"] == {
        "securite_mots_de_passe": {"choices": [first.code], "unknown": False},
        "equipement_sauvegarde": {"choices": [], "unknown": True},
    }
    assert discovery.from_session(structure, payload) == {
        question.id: GivenAnswer((first.id,), False, ""),
        structure.question_by_code["equipement_sauvegarde"].id: GivenAnswer((), True, ""),
    }
    # Whatever else a session might hold is left out, never an error.
    payload["answers"].update(
        {
            "gone_in_this_version": {"choices": ["x"], "unknown": False},
            "communication_site": {"choices": ["no_such_choice"], "unknown": False},
            "gestion_contacts": {"choices": "gestion_contacts_papier"},
            "strategie_formalisee": [1, 2],
            "profil_salaries": {"choices": ["profil_salaries_0", "profil_salaries_1_2"]},
        }
    )
    assert set(discovery.from_session(structure, payload)) == set(
        discovery.from_session(structure, {"answers": dict(list(payload["answers"].items())[:2])})
    )
    for junk in (None, "x", [], {"answers": "x"}, {"answers": {3: {}}}):
        assert discovery.from_session(structure, junk) == {}


def test_the_first_actions_fit_a_volunteer_run_organisation(structure, rules):
    # Everything at its best but outside support, which the rules answer differently for an
    # employer (the DLA) and for a volunteer-run club (local support for associations).
    base = [
        (q.code, max((c for c in q.choices if c.score is not None), key=lambda c: c.score).code)
        for q in discovery.dimension_questions(structure)
        if q.code != "competences_accompagnement"
    ]
    base.append(("competences_accompagnement", "competences_accompagnement_inconnu"))
    rules_data = roadmap.active_rules().data

    def titles(*profile):
        result = discovery.result(structure, given(structure, *base, *profile), rules_data)
        assert len(result.actions) <= 3
        return [plain(a.title) for a in result.actions], result.organisation_type

    dla = "Demander un accompagnement au DLA de votre département"
    local = "Trouver un accompagnement près de chez vous (Guid'Asso, CRESS, réseau)"
    volunteers = titles(
        ("profil_salaries", "profil_salaries_0"), ("profil_benevoles", some_volunteers(structure))
    )
    assert volunteers == ([local], "Petite structure bénévole")
    employer = titles(("profil_salaries", "profil_salaries_3_9"))
    assert employer == ([dla], "Association employeuse")
    # Unknown size: nothing is left out for it, and no type is claimed.
    unknown_size = titles()
    assert set(unknown_size[0]) == {dla, local} and unknown_size[1] == ""


def test_at_most_three_first_actions_foundations_first(structure, rules):
    worst = [
        (q.code, min((c for c in q.choices if c.score is not None), key=lambda c: c.score).code)
        for q in discovery.dimension_questions(structure)
    ]
    rules_data = roadmap.active_rules().data
    result = discovery.result(structure, given(structure, *worst), rules_data)
    assert len(result.actions) == 3
    foundations = {a["code"] for a in rules_data["actions"] if a.get("foundation")}
    assert {a.code for a in result.actions} <= foundations
    assert all(a.reasons for a in result.actions)


# --- Pages ---------------------------------------------------------------------------------------


def test_the_form_works_without_javascript_and_keeps_everything_in_the_session(
    client, structure, rules
):
    page = client.get(reverse(FORM))
    content = readable(page)
    assert page.status_code == 200
    questions = structure.discovery_questions
    assert content.count("<fieldset") == len(questions)
    assert content.count("<legend>") == len(questions)
    for question in questions:
        assert plain(question.text) in content
    assert content.count('value="unknown"') == sum(q.allow_unknown for q in questions)

    # Every question answered, some with « Je ne sais pas ».
    data = {}
    for index, question in enumerate(questions):
        if question.allow_unknown and index % 3 == 0:
            data[f"q{question.id}"] = "unknown"
        else:
            data[f"q{question.id}"] = str(question.choices[0].id)
    response = post_form(client, data)
    assert response.status_code == 302 and response["Location"] == reverse(RESULT)
    assert len(client.session[discovery.SESSION_KEY]["answers"]) == len(questions)
    # Nothing stored outside the session, nothing asked about the person.
    assert not Diagnostic.objects.exists()
    assert not Respondent.objects.exists()
    assert not Answer.objects.exists()
    assert not re.search(r'name="(email|name|nom|siren)"', content)

    result = client.get(reverse(RESULT))
    text = readable(result)
    assert result.status_code == 200
    assert "indicatif" in text
    assert "Un premier aperçu, indicatif : il repose sur" in text
    assert "Peu initiée" in text and "étape" in text
    levels = {lv["code"]: lv for lv in Questionnaire.objects.get().levels}
    assert plain(levels["peu_initiee"]["description"][:60]) in text
    assert 1 <= text.count('<li class="card">') <= 3
    assert "Continuer avec le diagnostic complet" in text
    # No internal code reaches the page: dimensions, levels, questions, choices.
    for code in ["strategie_formalisee", "peu_initiee", "securite_rgpd", "numerique_responsable"]:
        assert code not in text

    # Coming back to the form shows the answers given.
    again = readable(client.get(reverse(FORM)))
    first = questions[1]
    assert f'value="{first.choices[0].id}" checked' in again


def test_the_result_counts_the_questions_the_introduction_promised(client, structure):
    """Profile questions are not scored but asked and answered: the result counts them too."""
    questions = structure.discovery_questions
    assert len(questions) > len(discovery.dimension_questions(structure))
    intro = readable(client.get(reverse(FORM)))
    assert f"{len(questions)} questions pour un premier aperçu" in intro
    post_form(client, {f"q{q.id}": str(q.choices[0].id) for q in questions})
    text = readable(client.get(reverse(RESULT)))
    n = len(questions)
    assert f"il repose sur {n} réponses aux {n} questions du diagnostic découverte" in text
    # One question left blank: one answer fewer, the same questions.
    post_form(client, {f"q{q.id}": str(q.choices[0].id) for q in questions[1:]})
    text = readable(client.get(reverse(RESULT)))
    assert f"il repose sur {n - 1} réponses aux {n} questions du diagnostic découverte" in text


def test_the_result_page_fits_its_advice_to_a_volunteer_run_club(client, structure, rules):
    data = best_answers(structure)
    data.update(
        [
            choice(structure, "competences_accompagnement", "competences_accompagnement_inconnu"),
            choice(structure, "profil_salaries", "profil_salaries_0"),
            choice(structure, "profil_benevoles", some_volunteers(structure)),
        ]
    )
    post_form(client, data)
    text = readable(client.get(reverse(RESULT)))
    assert "pour une organisation de ce type : « Petite structure bénévole »" in text
    assert "Trouver un accompagnement près de chez vous" in text
    assert "Demander un accompagnement au DLA" not in text
    assert text.count('<li class="card">') == 1
    assert "Expérimentée" in text  # every other dimension at its best


def test_a_refused_answer_is_said_under_its_question_and_the_others_are_kept(client, structure):
    name, value = choice(structure, "securite_mots_de_passe", "securite_mots_de_passe_faibles")
    other = structure.question_by_code["profil_salaries"]
    response = post_form(client, {name: value, f"q{other.id}": ["²", "unknown"]})
    content = readable(response)
    assert response.status_code == 400
    assert "Certaines réponses ne correspondent pas aux questions" in content
    assert "Cette réponse ne correspond à aucun choix de la question." in content
    assert f'value="{value}" checked' in content
    assert discovery.SESSION_KEY not in client.session


def test_an_empty_form_asks_for_one_answer(client, structure):
    response = post_form(client, {})
    assert response.status_code == 400
    assert "Répondez à au moins une question" in readable(response)
    assert discovery.SESSION_KEY not in client.session


def test_the_discovery_is_rate_limited_per_address_and_keeps_what_was_typed(
    client, structure, settings
):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "discovery": "2/h/ip"}
    name, value = choice(structure, "equipement_sauvegarde", "equipement_sauvegarde_perdus")
    for _ in range(2):
        assert post_form(client, {name: value}).status_code == 302
    other, other_value = choice(structure, "communication_site", "communication_site_non")
    response = post_form(client, {other: other_value})
    content = readable(response)
    assert response.status_code == 429
    assert int(response["Retry-After"]) == 3600
    assert "Réessayez dans une heure : vos réponses sont conservées ci-dessous." in content
    assert f'value="{other_value}" checked' in content
    # The result kept is the last one allowed.
    assert list(client.session[discovery.SESSION_KEY]["answers"]) == ["equipement_sauvegarde"]


def test_the_result_needs_answers_in_the_session(client, structure):
    assert client.get(reverse(RESULT))["Location"] == reverse(FORM)
    assert client.get(reverse(CONTINUE))["Location"] == reverse(FORM)


def test_without_discovery_questions_the_page_says_it_is_not_available(client):
    data = questionnaire_data()
    for block in [data["profile"], *data["dimensions"]]:
        for question in block["questions"]:
            question.pop("discovery", None)
    questionnaire = questionnaire_file.import_questionnaire(data)
    versions.publish(questionnaire)
    response = client.get(reverse(FORM))
    assert response.status_code == 200
    assert "n'est pas disponible pour l'instant" in readable(response)
    assert "<fieldset" not in response.content.decode()


def test_the_home_page_invites_visitors_to_a_first_look(client):
    content = readable(client.get(reverse("home")))
    assert "Faire le point en 5 minutes, sans compte" in content
    assert reverse(FORM) in content


# --- Carrying the answers over -------------------------------------------------------------------


def answer_discovery(client, structure) -> dict[str, str]:
    """A short first look: three answers, one « Je ne sais pas »."""
    data = dict(
        [
            choice(structure, "strategie_formalisee", "strategie_formalisee_orale"),
            choice(structure, "securite_mots_de_passe", "securite_mots_de_passe_regles"),
            unknown(structure, "gestion_contacts"),
        ]
    )
    assert post_form(client, data).status_code == 302
    return data


def carried(respondent) -> dict[str, tuple[list[str], bool]]:
    structure = structure_for(respondent.diagnostic.questionnaire)
    out = {}
    for answer in respondent.answers.all():
        question = structure.questions[answer.question_id]
        codes = [c.code for c in question.choices if c.id in answer.choice_ids]
        out[question.code] = (codes, answer.unknown)
    return out


def test_carrying_over_starts_one_diagnostic_with_those_answers_once(client, structure):
    membership = MembershipFactory(admin=True)
    answer_discovery(client, structure)
    client.force_login(membership.user)  # logging in keeps the visitor's session
    page = client.get(reverse(CONTINUE))
    assert page.status_code == 200
    assert "Vos 3 réponses du diagnostic découverte vont dans le diagnostic de" in readable(page)

    response = client.post(reverse(CONTINUE), {"organisation": membership.organisation_id})
    respondent = Respondent.objects.get()
    assert response["Location"] == reverse("maturity:respondent_home", args=[respondent.pk])
    assert respondent.user == membership.user
    assert respondent.diagnostic.organisation == membership.organisation
    assert carried(respondent) == {
        "strategie_formalisee": (["strategie_formalisee_orale"], False),
        "securite_mots_de_passe": (["securite_mots_de_passe_regles"], False),
        "gestion_contacts": ([], True),
    }
    home = readable(client.get(response["Location"]))
    assert "3 réponses du diagnostic découverte sont reprises" in home
    assert discovery.SESSION_KEY not in client.session

    # A reload (or a second tab) does nothing more.
    again = client.post(reverse(CONTINUE), {"organisation": membership.organisation_id})
    assert again.status_code == 302
    assert Diagnostic.objects.count() == 1 and Respondent.objects.count() == 1
    assert Answer.objects.count() == 3


def test_carrying_over_joins_the_diagnostic_in_progress_and_overwrites_nothing(client, structure):
    membership = MembershipFactory()
    other = MembershipFactory(admin=True, organisation=membership.organisation)
    diagnostic, respondent = services.start_diagnostic(
        organisation=membership.organisation, user=membership.user
    )
    services.start_diagnostic(organisation=membership.organisation, user=other.user)
    question = structure.question_by_code["strategie_formalisee"]
    Answer.objects.create(respondent=respondent, question_id=question.id, choice_ids=[])
    Answer.objects.filter(respondent=respondent).update(
        choice_ids=[question.choices[-1].id], unknown=False
    )
    answer_discovery(client, structure)
    client.force_login(membership.user)
    client.post(reverse(CONTINUE), {"organisation": membership.organisation_id})
    assert Diagnostic.objects.get() == diagnostic
    answers = carried(respondent)
    assert answers["strategie_formalisee"] == ([question.choices[-1].code], False)
    assert set(answers) == {"strategie_formalisee", "securite_mots_de_passe", "gestion_contacts"}
    # Only the person's own answers: the other member's respondent is untouched.
    assert not Answer.objects.filter(respondent__user=other.user).exists()


def test_only_the_persons_own_organisations_can_receive_the_answers(client, structure):
    membership = MembershipFactory()
    elsewhere = MembershipFactory()
    answer_discovery(client, structure)
    client.force_login(membership.user)
    for value in (elsewhere.organisation_id, "²", "9223372036854775808", ""):
        response = client.post(reverse(CONTINUE), {"organisation": value})
        assert response.status_code == 400
        assert "Choisissez une de vos organisations." in readable(response)
    assert not Diagnostic.objects.exists()
    assert discovery.SESSION_KEY in client.session


def test_someone_in_several_organisations_chooses_one(client, structure):
    first = MembershipFactory()
    second = MembershipFactory(user=first.user)
    answer_discovery(client, structure)
    client.force_login(first.user)
    content = readable(client.get(reverse(CONTINUE)))
    assert content.count('type="radio"') == 2
    client.post(reverse(CONTINUE), {"organisation": second.organisation_id})
    assert Diagnostic.objects.get().organisation == second.organisation


def test_visitors_go_through_sign_up_and_registration_and_come_back(client, structure):
    answer_discovery(client, structure)
    here = reverse(CONTINUE)
    response = client.get(here)
    assert (
        response["Location"]
        == f"{reverse('account_signup')}?next=%2Fdiagnostic%2Fdecouverte%2Fcontinuer%2F"
    )
    user = UserFactory()
    client.force_login(user)
    response = client.get(here)
    assert response["Location"] == (
        f"{reverse('organisation_create')}?next=%2Fdiagnostic%2Fdecouverte%2Fcontinuer%2F"
    )


def test_registering_an_organisation_goes_on_to_a_page_of_this_site_only(client):
    user = UserFactory()
    client.force_login(user)
    data = {
        "name": "Les Amis du Lavoir",
        "siren": valid_siren(4242),
        "legal_form": "association",
        "sector": "culture",
        "staff_band": "0",
        "volunteers_band": "10-49",
        "postcode": "86000",
    }
    response = client.post(f"{reverse('organisation_create')}?next=https://ailleurs.example/", data)
    organisation = Organisation.objects.get()
    assert response["Location"] == reverse("organisation_detail", args=[organisation.pk])
    data.update(name="Le Lavoir 2", siren=valid_siren(4343))
    response = client.post(f"{reverse('organisation_create')}?next=/diagnostic/decouverte/", data)
    assert response["Location"] == "/diagnostic/decouverte/"


def test_the_whole_way_from_a_first_look_to_the_full_diagnostic(client, structure, mailoutbox):
    """Sign-up with e-mail confirmation in the same browser keeps the session: the person comes
    back to the continue page at each step, then lands in the diagnostic with the answers."""
    answer_discovery(client, structure)
    here = reverse(CONTINUE)
    response = client.post(
        client.get(here)["Location"],
        {
            "first_name": "Awa",
            "last_name": "Diallo",
            "email": "awa@example.org",
            "password1": "un-jardin-en-hiver-2026",
            "password2": "un-jardin-en-hiver-2026",
            "next": here,
        },
    )
    assert response.status_code == 302
    link = re.search(r"https?://\S+/compte/confirm-email/\S+/", mailoutbox[-1].body).group(0)
    response = client.post("/" + link.split("://", 1)[1].split("/", 1)[1])
    assert response["Location"] == here
    response = client.get(here)
    registration = response["Location"]
    response = client.post(
        registration,
        {
            "name": "Les Amis du Lavoir",
            "siren": valid_siren(777),
            "legal_form": "association",
            "sector": "culture",
            "staff_band": "0",
            "volunteers_band": "10-49",
            "postcode": "86000",
        },
    )
    assert response["Location"] == here
    organisation = Organisation.objects.get()
    response = client.post(here, {"organisation": organisation.pk})
    respondent = Respondent.objects.get(user__email="awa@example.org")
    assert response["Location"] == reverse("maturity:respondent_home", args=[respondent.pk])
    assert len(carried(respondent)) == 3


def test_a_person_logged_in_elsewhere_keeps_the_answers_of_this_browser(client, structure):
    """Confirming the e-mail in another browser logs in there, without this browser's answers;
    logging in back here finds them (Django keeps a visitor's session data at login)."""
    answer_discovery(client, structure)
    membership = MembershipFactory()
    response = client.post(
        reverse("account_login"), {"login": membership.user.email, "password": PASSWORD}
    )
    assert response.status_code == 302
    assert "_auth_user_id" in client.session
    assert discovery.SESSION_KEY in client.session
    assert client.get(reverse(CONTINUE)).status_code == 200
