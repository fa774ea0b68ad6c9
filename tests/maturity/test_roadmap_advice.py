"""Advice an association can act on: typology, sound triggers, consolidated reasons, few
priorities, tools by need, funding leads and training by eligibility."""

import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml
from django.core.management import call_command
from django.urls import reverse

from accounts.models import LegalForm
from common import file_format
from maturity import (
    hooks,
    pdf,
    questionnaire_file,
    results,
    roadmap,
    roadmap_rules,
    roadmap_rules_format,
    scoring,
    services,
    typology,
    versions,
)
from maturity.models import PdfExport, Roadmap, RoadmapAction
from maturity.structure import structure_for
from tests.factories import AdviserProfileFactory, DlaStructureFactory, MembershipFactory
from tests.maturity.factories import (
    diagnostic_with_respondent,
    published_questionnaire,
    questionnaire_data,
)
from tests.maturity.test_collective_and_results import answer_all, weakest
from tests.pages import plain, readable
from tests.toolbox.factories import ProprietaryProductFactory, ToolFactory, needs

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]


def shipped_rules() -> dict:
    return yaml.safe_load((ROOT / "fixtures" / "roadmap.yaml").read_text(encoding="utf-8"))


def toolbox_need_codes() -> list[str]:
    data = yaml.safe_load((ROOT / "fixtures" / "toolbox.yaml").read_text(encoding="utf-8"))
    return [n["code"] for n in data["needs"]]


def reference() -> dict:
    cleaned, errors = questionnaire_file.clean(questionnaire_data())
    assert errors == []
    return cleaned


def best(question) -> int:
    """The answer of an organisation that does everything well: the best choice of a scored
    question, no difficulty, no obstacle, the highest skills."""
    choices = question.choices
    if question.section_code == "difficultes":
        if question.is_multiple:
            return next(i for i, c in enumerate(choices) if c.exclusive)
        return min(range(len(choices)), key=lambda i: choices[i].score or 0)
    if question.is_multiple and any(c.exclusive for c in choices):
        # Every practice ticked would be several choices: the best single one is enough here.
        return max(range(len(choices)), key=lambda i: choices[i].score or 0)
    return max(range(len(choices)), key=lambda i: choices[i].score or 0)


def answer_every_practice(respondent, pick):
    """Like answer_all, but multiple-choice practices are all ticked (what "best" means)."""
    structure = structure_for(respondent.diagnostic.questionnaire)
    for section in structure.sections:
        for question in section.questions:
            if not question.choices:
                continue
            if question.is_multiple and section.kind == "dimension":
                ids = [str(c.id) for c in question.choices if not c.exclusive]
            else:
                ids = [str(question.choices[pick(question)].id)]
            parsed = services.parse_answer(question, ids)
            services.save_answer(
                respondent=respondent, structure=structure, question=question, parsed=parsed
            )


def set_answer(respondent, code: str, choice_code: str) -> None:
    structure = structure_for(respondent.diagnostic.questionnaire)
    question = structure.question_by_code[code]
    choice = next(c for c in question.choices if c.code == choice_code)
    parsed = services.parse_answer(question, [str(choice.id)])
    services.save_answer(
        respondent=respondent, structure=structure, question=question, parsed=parsed
    )


@pytest.fixture
def rules(settings, tmp_path):
    settings.PRIVATE_STORAGE_ROOT = tmp_path
    published_questionnaire()
    call_command("load_roadmap_rules", verbosity=0)


def complete_for(organisation_kwargs: dict, pick=weakest, *, extra=None):
    membership = MembershipFactory(
        admin=True, **{f"organisation__{k}": v for k, v in organisation_kwargs.items()}
    )
    diagnostic, respondent = diagnostic_with_respondent(membership=membership)
    answer_all(respondent, pick)
    for code, choice in (extra or {}).items():
        set_answer(respondent, code, choice)
    services.complete(diagnostic=diagnostic, by=respondent.user)
    return diagnostic, respondent


def rule_actions(organisation) -> list[RoadmapAction]:
    return list(
        RoadmapAction.objects.filter(roadmap__organisation=organisation, obsolete=False).order_by(
            "position"
        )
    )


# --- Typology -------------------------------------------------------------------------------


def test_the_typology_follows_the_guide():
    club = typology.classify(legal_form="association", staff_band="0", volunteers_band="10-49")
    assert (club.type, club.employer, club.volunteers) == ("benevole", False, True)
    employer = typology.classify(legal_form="association", staff_band="10-49")
    assert (employer.type, employer.employer, employer.staff) == ("employeur", True, (10, 49))
    assert typology.classify(legal_form="fondation", staff_band="3-9").type == "employeur"
    assert typology.classify(legal_form="scop", staff_band="3-9").type == "entrepreneuriale"
    assert typology.classify(legal_form="mutuelle", staff_band="0").type == "entrepreneuriale"
    assert typology.classify(legal_form="siae", staff_band="10-49").type == "siae"
    # Most work-integration workshops are associations: the profile says so.
    workshop = typology.classify(
        legal_form="association",
        staff_band="10-49",
        profile={"profil_insertion": "profil_insertion_10_29"},
    )
    assert workshop.type == "siae" and workshop.integration_jobs
    # The record first, the profile when the record says nothing.
    assert typology.classify(
        legal_form="association", profile={"profil_salaries": "profil_salaries_3_9"}
    ).staff == (3, 9)
    assert (
        typology.classify(
            legal_form="association",
            staff_band="0",
            profile={"profil_salaries": "profil_salaries_3_9"},
        ).employer
        is False
    )
    assert set(LegalForm.values) == typology.LEGAL_FORMS


def test_applicability_conditions_and_what_is_unknown():
    club = typology.classify(legal_form="association", staff_band="0", volunteers_band="1-9")
    big = typology.classify(legal_form="association", staff_band="50+", volunteers_band="0")
    unknown = typology.classify(legal_form="association")
    assert not typology.applies({"applies_to": {"employer": True}}, club)
    assert typology.applies({"applies_to": {"employer": True}}, big)
    assert typology.applies({"applies_to": {"employer": True}}, unknown)  # not excluded blindly
    assert not typology.applies({"applies_to": {"volunteers": True}}, big)
    assert typology.applies({"applies_to": {"min_staff": 10}}, big)
    assert not typology.applies({"applies_to": {"max_staff": 49}}, big)
    assert not typology.applies({"not_for": {"types": ["benevole"]}}, club)
    assert not typology.applies(
        {"not_for": {"legal_forms": ["fondation"]}},
        typology.classify(legal_form="fondation", staff_band="3-9"),
        legal_form="fondation",
    )

    def condition_errors(condition: dict) -> list[str]:
        return file_format.check(roadmap_rules_format.Condition, condition)[1]

    assert condition_errors({"types": ["club"]}) != []
    assert condition_errors({"employer": "oui"}) != []
    assert condition_errors({"min_staff": 10, "max_staff": 2}) != []
    assert condition_errors({"employer": True, "min_staff": 3}) == []


# --- Sound triggers ---------------------------------------------------------------------------


def test_every_trigger_of_the_shipped_rules_is_sound():
    data, errors = roadmap_rules.clean(
        shipped_rules(), questionnaire=reference(), need_codes=toolbox_need_codes()
    )
    assert errors == []
    assert len(data["actions"]) >= 60
    assert {"employer": True} in [a["applies_to"] for a in data["actions"]]


def _rule(trigger: dict, **extra) -> dict:
    return {
        "version": "1",
        "actions": [
            {
                "code": "a",
                "title": "T",
                "dimension": "gouvernance",
                "explanation": "E",
                "steps": ["s"],
                "priority": 2,
                "horizon": "0-3",
                "effort": "faible",
                "cost": "gratuit",
                "triggers": [trigger],
                **extra,
            }
        ],
    }


@pytest.mark.parametrize(
    ("question", "choice", "message"),
    [
        # The online vote fired on "Oui, c'est prévu par nos statuts" (good practice, 75).
        ("gouvernance_reunions", "gouvernance_reunions_prevu", "bonne pratique"),
        ("gouvernance_reunions", "gouvernance_reunions_mixte", "bonne pratique"),
        ("competences_entraide", "competences_entraide_pairs", "bonne pratique"),
        ("difficulte_techniques", "difficulte_techniques_pas_du_tout", "bonne pratique"),
        ("difficulte_obstacles", "difficulte_obstacles_aucun", "bonne pratique"),
        ("financement_benevoles", "financement_benevoles_non_concerne", "non concerné"),
        ("profil_salaries", "profil_salaries_0", "applies_to"),
        ("auto_info_recherche", "auto_info_recherche_niveau_0", "skills_need"),
    ],
)
def test_a_trigger_on_an_answer_that_shows_no_need_is_refused(question, choice, message):
    q = reference()
    codes = {c["code"] for block in _all_questions(q) for c in block["choices"]}
    if choice not in codes:
        pytest.skip(f"{choice} is not in this questionnaire")
    _, errors = roadmap_rules.clean(
        _rule({"answer": {"question": question, "choices": [choice]}}), questionnaire=q
    )
    assert len(errors) == 1 and message in errors[0], errors


def _all_questions(q: dict) -> list[dict]:
    return [
        *q["profile"]["questions"],
        *[x for d in q["dimensions"] for x in d["questions"]],
        *q["difficulties"]["questions"],
        *[x for a in q["skills"]["areas"] for x in a["questions"]],
    ]


def test_a_rule_may_fire_on_good_practice_when_it_says_why():
    trigger = {
        "answer": {"question": "gouvernance_reunions", "choices": ["gouvernance_reunions_prevu"]}
    }
    _, errors = roadmap_rules.clean(
        _rule(trigger, reason_for_best_choice="L'étape suivante."), questionnaire=reference()
    )
    assert errors == []
    weak = {"answer": {"question": "gouvernance_reunions", "choices": ["gouvernance_reunions_non"]}}
    assert roadmap_rules.clean(_rule(weak), questionnaire=reference())[1] == []


def test_the_rules_file_checks_needs_applicability_and_leads():
    data = _rule(
        {"finding": "ageing"},
        needs=["sauvegarde", "pas_un_besoin", "Mal-Formé"],
        applies_to={"types": ["club"]},
        toolbox_usages=["stockage"],
    )
    data["funding_leads"] = [
        {"code": "f", "title": "F", "description": "D", "url": "http://x", "local_help": ["mairie"]}
    ]
    _, errors = roadmap_rules.clean(data, need_codes=["sauvegarde"])
    text = "\n".join(errors)
    assert "« pas_un_besoin » n'est pas un besoin" in text
    assert "Mal-Formé" in text
    assert "club inconnu" in text
    assert "remplacé par needs" in text
    assert "funding_leads[0].cost" in text
    assert "https://" in text and "mairie" in text


# --- Consolidated answers and reasons -----------------------------------------------------------

INFO = roadmap_rules.QuestionInfo(
    text="Où sont rangés les documents ?",
    multiple=False,
    choices={
        "perso": ("Chacun chez soi", 0),
        "mail": ("Par e-mail", 20),
        "commun": ("En commun", 75),
        "organise": ("En commun, bien rangés", 100),
    },
)


def test_tallies_keep_what_each_person_answered_that_counts():
    """Answers in, tallies out: a "Je ne sais pas", a follow-up not shown or a "non concerné"
    leaves that person out of that question, never the people after them."""
    structure = structure_for(published_questionnaire())
    questions = structure.question_by_code

    def pick(code: str, choice: str) -> tuple[int, scoring.AnswerValue]:
        question = questions[code]
        (choice_id,) = [c.id for c in question.choices if c.code == choice]
        return question.id, scoring.AnswerValue(frozenset({choice_id}))

    def unknown(code: str) -> tuple[int, scoring.AnswerValue]:
        return questions[code].id, scoring.AnswerValue(unknown=True)

    people = [
        dict([unknown("strategie_formalisee"), unknown("financement_benevoles")]),
        dict(
            [
                pick("strategie_formalisee", "strategie_formalisee_non"),  # 0: no follow-up
                pick("strategie_suivi", "strategie_suivi_oublies"),
                pick("financement_benevoles", "financement_benevoles_non_concerne"),
                pick("profil_salaries", "profil_salaries_3_9"),
            ]
        ),
        dict(
            [
                pick("strategie_formalisee", "strategie_formalisee_orale"),  # 60: follow-up shown
                pick("strategie_suivi", "strategie_suivi_oublies"),
                pick("financement_benevoles", "financement_benevoles_parcours"),
                pick("profil_salaries", "profil_salaries_3_9"),
            ]
        ),
        {},
    ]
    tallies = roadmap.tallies(structure, people)
    assert tallies["strategie_formalisee"] == roadmap_rules.Tally(
        (frozenset({"strategie_formalisee_non"}), frozenset({"strategie_formalisee_orale"})), 30
    )
    assert tallies["strategie_suivi"] == roadmap_rules.Tally(
        (frozenset({"strategie_suivi_oublies"}),), 0
    )
    assert tallies["financement_benevoles"] == roadmap_rules.Tally(
        (frozenset({"financement_benevoles_parcours"}),), 100
    )
    # A profile question has no score: who answered what, no mean.
    salaries = tallies["profil_salaries"]
    assert salaries == roadmap_rules.Tally((frozenset({"profil_salaries_3_9"}),) * 2, None)
    assert "strategie_budget" not in tallies  # nobody answered it


def test_each_questionnaire_version_has_its_own_catalogue():
    """The engine's view of a version: its questions' texts (quoted in the reasons), which
    are multiple-choice, its dimensions' weights; a newer version never reads an older one's."""
    first = structure_for(published_questionnaire())
    data = questionnaire_data()
    data["version"] = "2099.1"
    data["dimensions"][0]["questions"][0]["text"] = "Avez-vous des objectifs numériques ?"
    data["dimensions"][0]["weight"] = 3
    newer_version = questionnaire_file.import_questionnaire(data)
    versions.publish(newer_version)
    second = structure_for(newer_version)
    older, newer = roadmap.catalogue_for(first), roadmap.catalogue_for(second)
    question = first.question_by_code["strategie_formalisee"]
    assert older.questions["strategie_formalisee"].text == question.text
    assert newer.questions["strategie_formalisee"].text == "Avez-vous des objectifs numériques ?"
    assert older.questions["competences_entraide"].multiple
    assert not older.questions["strategie_formalisee"].multiple
    assert older.weights == {d.code: d.weight for d in first.dimensions}
    assert newer.weights["strategie"] == 3 and older.weights["strategie"] != 3


def test_the_profile_is_the_answer_most_given():
    tally = roadmap_rules.Tally
    answers = {
        "profil_salaries": tally(
            (frozenset({"profil_salaries_3_9"}),) + (frozenset({"profil_salaries_0"}),) * 2
        ),
        "profil_insertion": tally((frozenset({"profil_insertion_0"}),)),
        "strategie_formalisee": tally((frozenset({"strategie_formalisee_non"}),), 0),
    }
    # No answer on volunteers: left out, and the questions after it are still read.
    assert roadmap.profile_answers(answers) == {
        "profil_salaries": "profil_salaries_0",
        "profil_insertion": "profil_insertion_0",
    }
    assert roadmap.profile_answers({}) == {}


def test_one_respondent_the_answer_given():
    fired = roadmap_rules.answer_fires(
        ["perso", "mail"], INFO, roadmap_rules.Tally((frozenset({"mail"}),), 20)
    )
    assert fired == (0.8, "Réponse donnée : « Par e-mail ».")
    assert (
        roadmap_rules.answer_fires(
            ["perso", "mail"], INFO, roadmap_rules.Tally((frozenset({"commun"}),), 100)
        )
        is None
    )


def test_two_respondents_who_differ_no_quotes_side_by_side():
    # 0 and 75: the mean, 37.5, is nearest "Par e-mail" (20), a choice that shows the need.
    tally = roadmap_rules.Tally((frozenset({"perso"}), frozenset({"commun"})), 37.5)
    gap, reason = roadmap_rules.answer_fires(["perso", "mail"], INFO, tally)
    assert gap == 0.625
    assert reason == (
        "Les avis de l'équipe diffèrent sur « Où sont rangés les documents ? » ; la moyenne des "
        "réponses montre un besoin."
    )
    assert "Chacun chez soi" not in reason and "En commun" not in reason
    # 20 and 100: the mean, 60, is nearest "En commun" (75): no need shown, whatever one
    # person answered.
    good = roadmap_rules.Tally((frozenset({"mail"}), frozenset({"organise"})), 60)
    assert roadmap_rules.answer_fires(["perso", "mail"], INFO, good) is None


def test_three_respondents_or_more_how_many_gave_which_answer():
    tally = roadmap_rules.Tally(
        (
            frozenset({"perso"}),
            frozenset({"perso"}),
            frozenset({"mail"}),
            frozenset({"commun"}),
            frozenset({"perso"}),
        ),
        19,
    )
    _gap, reason = roadmap_rules.answer_fires(["perso", "mail"], INFO, tally)
    assert reason == "3 personnes sur 5 ont répondu « Chacun chez soi » ; 1 « Par e-mail »."
    one = roadmap_rules.Tally(
        (frozenset({"mail"}), frozenset({"commun"}), frozenset({"perso"})), 95 / 3
    )
    assert roadmap_rules.answer_fires(["mail"], INFO, one)[1] == (
        "1 personne sur 3 a répondu « Par e-mail »."
    )


def test_unscored_and_multiple_questions_fire_on_half_of_the_answers():
    info = roadmap_rules.QuestionInfo(
        text="Obstacles",
        multiple=True,
        choices={"temps": ("Le temps", None), "aide": ("L'aide", None)},
    )
    half = roadmap_rules.Tally((frozenset({"temps"}), frozenset({"aide"})))
    assert roadmap_rules.answer_fires(["temps"], info, half)[0] == 0.5
    third = roadmap_rules.Tally((frozenset({"temps"}), frozenset({"aide"}), frozenset({"aide"})))
    assert roadmap_rules.answer_fires(["temps"], info, third) is None


def test_the_roadmap_splits_answers_from_the_results_privacy_threshold(monkeypatch):
    info = roadmap_rules.QuestionInfo(
        text="Où sont les documents ?",
        multiple=False,
        choices={"perso": ("Chacun chez soi", 0), "commun": ("En commun", 100)},
    )
    tally = roadmap_rules.Tally((frozenset({"perso"}), frozenset({"perso"})), 0)
    two = roadmap_rules.Tally((frozenset({"perso"}), frozenset({"commun"})), 50)
    assert roadmap_rules.answer_fires(["perso"], info, tally)[1] == (
        "Réponse donnée : « Chacun chez soi »."
    )
    assert "Les avis de l'équipe diffèrent" in roadmap_rules.answer_fires(["perso"], info, two)[1]
    # One threshold for the results page and the roadmap: lowered there, lowered here.
    monkeypatch.setattr(results, "MIN_SKILLS_RESPONDENTS", 2)
    assert roadmap_rules.answer_fires(["perso"], info, two)[1] == (
        "1 personne sur 2 a répondu « Chacun chez soi »."
    )


def test_a_felt_difficulty_is_quoted_at_its_level_not_called_strong():
    rules = {
        "actions": [
            {
                "code": "a",
                "dimension": "competences",
                "priority": 2,
                "prerequisites": [],
                "triggers": [{"difficulty": {"type": "humaines", "min": 50}}],
            }
        ]
    }
    facts = roadmap_rules.Facts({}, {}, frozenset(), frozenset(), {"humaines": 50.0})
    (proposal,) = roadmap_rules.propose(rules, facts)
    # 50/100 is "Moyennement": the reason gives the level, it does not say "fortes".
    assert proposal.reasons == ["Difficultés humaines ressenties à 50/100."]


def test_a_team_diagnostic_explains_with_the_consolidated_answer(rules):
    membership = MembershipFactory(admin=True)
    diagnostic, first = diagnostic_with_respondent(membership=membership)
    second = diagnostic.respondents.create(
        user=MembershipFactory(organisation=membership.organisation).user
    )
    answer_all(first, weakest)
    answer_all(second, weakest)
    set_answer(second, "collaboration_stockage", "collaboration_stockage_commun")
    services.complete(diagnostic=diagnostic, by=first.user)
    action = RoadmapAction.objects.get(
        roadmap__organisation=membership.organisation, template_code="stockage_partage_unique"
    )
    reasons = " ".join(action.reasons)
    assert "Les avis de l'équipe diffèrent" in reasons
    assert "Chacun·e garde ses fichiers" not in reasons and "espace partagé commun" not in reasons


# --- "Non concerné" ------------------------------------------------------------------------------


def test_non_concerne_is_left_out_of_the_scores_and_triggers_nothing(rules):
    diagnostic, _ = complete_for(
        {"staff_band": "3-9"},
        extra={"financement_benevoles": "financement_benevoles_non_concerne"},
    )
    data = diagnostic.snapshot.data
    financement = next(d for d in data["dimensions"] if d["code"] == "financement")
    # Every other financing question answered with its weakest choice (0): still 0, not pulled
    # down nor up by the question that does not apply, and no volunteer recruiting proposed.
    assert financement["score"] == 0
    codes = {a.template_code for a in rule_actions(diagnostic.organisation)}
    assert "recruter_benevoles_en_ligne" not in codes
    structure = structure_for(diagnostic.questionnaire)
    answers = roadmap.tallies(structure, roadmap._respondents(diagnostic))
    assert "financement_benevoles" not in answers


# --- Selective, profile-aware generation ----------------------------------------------------------


def test_a_volunteer_run_club_gets_few_priorities_and_nothing_for_employers(client, rules):
    diagnostic, respondent = complete_for(
        {"staff_band": "0", "volunteers_band": "10-49", "sector": "sport"}
    )
    organisation = diagnostic.organisation
    actions = rule_actions(organisation)
    priorities = [a for a in actions if not a.later]
    assert 1 <= len(priorities) <= 7
    employer_only = {
        a["code"]
        for a in shipped_rules()["actions"]
        if (a.get("applies_to") or {}).get("employer") is True
    }
    assert employer_only >= {"demander_accompagnement_dla", "plan_formation_numerique"}
    assert not employer_only & {a.template_code for a in actions}
    # The basics come first.
    assert priorities[0].template_code in {
        "nommer_referents",
        "strategie_une_page",
        "plan_sauvegarde_321",
        "mots_de_passe_double_authentification",
    }
    client.force_login(respondent.user)
    page = client.get(reverse("maturity:roadmap", args=[organisation.pk])).content.decode()
    assert "À faire en premier" in page and '<details class="later-actions">' in page
    assert "Priorité haute" in page
    later = [a for a in actions if a.later]
    assert later and f'id="action-{later[0].pk}"' in page.split("<details", 1)[1]
    # No lead for employers on the page either (the DLA, the OPCO).
    assert "Accompagnement du DLA" not in page and "OPCO" not in page


def test_an_employer_association_of_12_gets_the_dla_with_its_local_contact(client, rules):
    dla = DlaStructureFactory(name="DLA de la Gironde", departements=["33"])
    AdviserProfileFactory(
        structure=dla,
        user__first_name="Aline",
        user__last_name="Conseil",
        job_title="Chargée de mission DLA",
    )
    AdviserProfileFactory(
        structure=dla, pending=True, user__first_name="Pas", user__last_name="Validée"
    )
    AdviserProfileFactory(
        structure=DlaStructureFactory(departements=["67"]),
        user__first_name="Loin",
        user__last_name="Dici",
    )
    diagnostic, respondent = complete_for({"staff_band": "10-49", "departement": "33"})
    organisation = diagnostic.organisation
    dla_action = RoadmapAction.objects.get(
        roadmap__organisation=organisation, template_code="demander_accompagnement_dla"
    )
    client.force_login(respondent.user)
    page = client.get(
        reverse("maturity:roadmap_action_detail", args=[organisation.pk, dla_action.pk])
    ).content.decode()
    assert "Accompagnement du DLA" in page and "Gratuit pour la structure" in page
    assert "https://www.info-dla.fr" in page
    assert "Aline Conseil" in page and "DLA de la Gironde" in page
    assert "Pas Validée" not in page and "Loin Dici" not in page
    # Each lead in its own section: its title links to its site, its local help is named and
    # linked, and the advisers registered are listed under the DLA's help, nowhere else.
    sections = {
        code: readable(page.split(f'aria-labelledby="lead-{code}-{dla_action.pk}">')[1]).split(
            "</section>"
        )[0]
        for code in re.findall(rf'aria-labelledby="lead-([a-z_]+)-{dla_action.pk}"', page)
    }
    dla_lead = sections.pop("accompagnement_dla")
    assert '<a href="https://www.info-dla.fr" rel="noopener">Accompagnement du DLA</a>' in dla_lead
    assert (
        'Près de chez vous :</strong> <a href="https://www.info-dla.fr" rel="noopener">'
        "Le DLA de votre département</a>"
    ) in dla_lead
    assert "Aline Conseil (Chargée de mission DLA" in dla_lead
    assert sections, "the DLA action names other leads too"
    assert all("Aline Conseil" not in text for text in sections.values())


def test_a_dla_adviser_registering_nearby_makes_a_new_pdf(rules):
    """The PDF names the DLA advisers of the département: one more there, a new file."""
    diagnostic, _respondent = complete_for({"staff_band": "10-49", "departement": "33"})
    the_roadmap = diagnostic.organisation.roadmap
    actions = list(the_roadmap.actions.order_by("pk"))
    before = roadmap.content_hash(the_roadmap, actions)
    AdviserProfileFactory(structure=DlaStructureFactory(departements=["67"]))
    assert roadmap.content_hash(the_roadmap, actions) == before
    AdviserProfileFactory(structure=DlaStructureFactory(departements=["33"]))
    assert roadmap.content_hash(the_roadmap, actions) != before


def test_the_dla_directory_is_the_contact_when_no_adviser_is_registered(client, rules):
    diagnostic, respondent = complete_for({"staff_band": "10-49", "departement": "33"})
    organisation = diagnostic.organisation
    action = RoadmapAction.objects.get(
        roadmap__organisation=organisation, template_code="demander_accompagnement_dla"
    )
    client.force_login(respondent.user)
    page = client.get(
        reverse("maturity:roadmap_action_detail", args=[organisation.pk, action.pk])
    ).content.decode()
    assert "https://www.info-dla.fr" in page and "inscrit·es sur la plateforme" not in page


def test_funding_leads_and_training_are_filtered_by_eligibility(rules):
    lookup = roadmap.active_rules_lookup()
    club = complete_for({"staff_band": "0", "volunteers_band": "1-9"})[0].organisation.roadmap
    employer = complete_for({"staff_band": "10-49"})[0].organisation.roadmap
    scop = complete_for({"staff_band": "3-9", "legal_form": "scop"})[0].organisation.roadmap
    action = RoadmapAction(funding=list(lookup.funding), training=list(lookup.training))
    action.pk = 1

    def codes(the_roadmap, kind):
        return {lead.code for lead in getattr(roadmap.Leads(the_roadmap), kind)(action)}

    assert "accompagnement_dla" not in codes(club, "funding")
    assert "formation_opco" not in codes(club, "training")
    assert "fdva" in codes(club, "funding")
    assert {"accompagnement_dla", "pret_solidaire"} <= codes(employer, "funding")
    assert "formation_opco" in codes(employer, "training")
    # Mécénat and volunteering are for non-profits; the FDVA for associations.
    assert not {"mecenat_competences", "benevolat_expertise", "fdva"} & codes(scop, "funding")
    # A foundation that employs is not an association: no FDVA, though the DLA is for it.
    foundation = complete_for({"staff_band": "10-49", "legal_form": "fondation"})[0]
    foundation_leads = codes(foundation.organisation.roadmap, "funding")
    assert "fdva" not in foundation_leads and "accompagnement_dla" in foundation_leads
    lead = next(iter(roadmap.Leads(employer).funding(action)))
    assert lead.cost and lead.description


def funding_offered(organisation, code: str) -> bool:
    """Whether the organisation's roadmap, read afresh, offers this funding lead."""
    the_roadmap = Roadmap.objects.select_related("organisation").get(organisation=organisation)
    return bool(roadmap.Leads(the_roadmap).funding(RoadmapAction(funding=[code], pk=1)))


def test_leads_follow_the_legal_form_the_roadmap_was_made_for(rules):
    """The record as the diagnostic kept it: a foundation that becomes an association gets the
    FDVA with its next roadmap, not before; a roadmap made before the record was kept with it
    reads the organisation's."""
    diagnostic, _respondent = complete_for({"staff_band": "10-49", "legal_form": "fondation"})
    organisation = diagnostic.organisation

    def fdva_offered() -> bool:
        return funding_offered(organisation, "fdva")

    assert not fdva_offered()
    organisation.legal_form = "association"
    organisation.save()
    assert not fdva_offered()
    Roadmap.objects.filter(organisation=organisation).update(profile={})
    assert fdva_offered()
    organisation.legal_form = "fondation"
    organisation.save()
    assert not fdva_offered()


def test_leads_follow_the_size_the_roadmap_was_made_for(rules):
    """A volunteer-run club that hires gets the DLA (for employers) with its next roadmap."""
    diagnostic, _respondent = complete_for({"staff_band": "0", "volunteers_band": "1-9"})
    organisation = diagnostic.organisation

    def dla_offered() -> bool:
        return funding_offered(organisation, "accompagnement_dla")

    assert not dla_offered()
    organisation.staff_band = "10-49"
    organisation.save()
    assert not dla_offered()
    Roadmap.objects.filter(organisation=organisation).update(profile={})
    assert dla_offered()
    organisation.staff_band = "0"
    organisation.save()
    assert not dla_offered()
    # Older questionnaires asked the size as a profile question: read when the record is silent.
    organisation.staff_band = ""
    organisation.save()
    Roadmap.objects.filter(organisation=organisation).update(
        profile={"profil_salaries": "profil_salaries_10_49"}
    )
    assert dla_offered()
    Roadmap.objects.filter(organisation=organisation).update(
        profile={"profil_salaries": "profil_salaries_0"}
    )
    assert not dla_offered()


def test_best_answers_everywhere_give_at_most_three_actions(rules):
    membership = MembershipFactory(admin=True)
    diagnostic, respondent = diagnostic_with_respondent(membership=membership)
    answer_every_practice(respondent, best)
    services.complete(diagnostic=diagnostic, by=respondent.user)
    assert len(rule_actions(membership.organisation)) <= 3


def test_an_integration_structure_gets_advice_for_people_in_integration_jobs(rules):
    # The organisation's record says it (the questionnaire no longer asks it again).
    diagnostic, _ = complete_for(
        {"staff_band": "10-49", "legal_form": "association", "integration_band": "10-29"}
    )
    organisation = diagnostic.organisation
    assert organisation.roadmap.profile["integration_band"] == "10-29"
    codes = {a.template_code for a in rule_actions(organisation)}
    assert "competences_salaries_insertion" in codes
    other = complete_for({"staff_band": "10-49"})[0].organisation
    assert "competences_salaries_insertion" not in {a.template_code for a in rule_actions(other)}


def test_regenerating_keeps_what_the_organisation_took_on_among_its_priorities(rules):
    diagnostic, _respondent = complete_for({"staff_band": "3-9"})
    organisation = diagnostic.organisation
    later = next(a for a in rule_actions(organisation) if a.later)
    roadmap.decide(later, accept=True)
    view = roadmap.arrange(list(organisation.roadmap.actions.for_roadmap_page()))
    assert later in view.up_front and later not in view.later
    diagnostic.refresh_from_db()
    assert roadmap.generate(diagnostic) is not None
    later.refresh_from_db()
    assert not later.later and later.decision == "accepted"
    priorities = [a for a in rule_actions(organisation) if not a.later]
    assert len(priorities) <= roadmap.priority_limit()


def test_the_number_of_priorities_is_a_setting(rules, settings):
    settings.ROADMAP_PRIORITY_ACTIONS = 3
    diagnostic, _ = complete_for({"staff_band": "3-9"})
    assert len([a for a in rule_actions(diagnostic.organisation) if not a.later]) <= 3


# --- Tools by need ------------------------------------------------------------------------------


def test_every_need_named_by_an_action_has_a_published_tool():
    call_command("load_toolbox", verbosity=0)
    named = {n for a in shipped_rules()["actions"] for n in a.get("needs", [])}
    tools = hooks.tools_for_needs(sorted(named))
    assert named and [n for n in named if not tools[n]] == []


def test_every_tool_shown_for_an_action_serves_one_of_its_needs(client, rules):
    call_command("load_toolbox", verbosity=0)
    diagnostic, respondent = complete_for({"staff_band": "3-9"})
    organisation = diagnostic.organisation
    actions = rule_actions(organisation)
    shown = roadmap.tools_by_action(actions, [])
    assert shown
    for action in actions:
        for entry in shown.get(action.pk, []):
            assert entry.need in action.needs and entry.tools
            assert all(entry.need in tool.needs for tool in entry.tools), (action, entry)
            assert all(tool.status == "published" for tool in entry.tools)
    backup = next(a for a in actions if a.template_code == "plan_sauvegarde_321")
    client.force_login(respondent.user)
    page = client.get(
        reverse("maturity:roadmap_action_detail", args=[organisation.pk, backup.pk])
    ).content.decode()
    assert "Sauvegarde des données :" in readable(page)
    assert all(t.name in page for t in shown[backup.pk][0].tools)


def test_each_need_shows_two_tools_and_first_those_replacing_what_is_in_use(rules):
    """Equal in every other way (all libre, none hosted), the tool that replaces a product
    the organisation uses comes first; never more than two tools a need."""
    (need,) = needs("visioconference_test")
    ToolFactory(name="Aaa visio", needs=[need.code])
    ToolFactory(name="Bbb visio", needs=[need.code])
    replacing = ToolFactory(name="Zzz visio", needs=[need.code])
    replacing.replaces.add(ProprietaryProductFactory(name="Zoom"))
    action = RoadmapAction(needs=[need.code], pk=1)

    (entry,) = roadmap.tools_by_action([action], [])[1]
    assert [t.name for t in entry.tools] == ["Aaa visio", "Bbb visio"]
    assert entry.label == need.label
    (entry,) = roadmap.tools_by_action([action], ["ZOOM"])[1]
    assert [t.name for t in entry.tools] == ["Zzz visio", "Aaa visio"]


def test_an_action_card_names_its_training_and_funding_leads(client, rules):
    diagnostic, respondent = complete_for({"staff_band": "10-49"})
    organisation = diagnostic.organisation
    leads = roadmap.Leads(organisation.roadmap)
    shown = roadmap.arrange(rule_actions(organisation)).up_front
    trained = next(a for a in shown if leads.training(a))
    funded = next(a for a in shown if leads.funding(a))
    client.force_login(respondent.user)
    page = client.get(reverse("maturity:roadmap", args=[organisation.pk])).content.decode()

    def card(action) -> str:
        return readable(page.split(f'id="action-{action.pk}"')[1].split("</article>")[0])

    training, funding = leads.training(trained)[0], leads.funding(funded)[0]
    assert f"Se former :</strong> {plain(training.title)}" in card(trained)
    assert f"Financements possibles :</strong> {plain(funding.title)}" in card(funded)


def test_without_the_toolbox_the_roadmap_has_no_tools_and_still_works(client, rules):
    provider = hooks.tools_for_needs.provider
    hooks.tools_for_needs.unregister()
    try:
        diagnostic, respondent = complete_for({"staff_band": "3-9"})
        assert roadmap.tools_by_action(rule_actions(diagnostic.organisation), []) == {}
        client.force_login(respondent.user)
        url = reverse("maturity:roadmap", args=[diagnostic.organisation.pk])
        assert client.get(url).status_code == 200
    finally:
        hooks.tools_for_needs.register(provider)


# --- PDF ----------------------------------------------------------------------------------------


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="pdftotext (poppler-utils) is needed")
def test_the_pdf_holds_the_priorities_and_their_leads_not_the_later_ones(rules):
    diagnostic, respondent = complete_for({"staff_band": "10-49"})
    organisation = diagnostic.organisation
    actions = rule_actions(organisation)
    later = [a for a in actions if a.later]
    taken = later[0]
    roadmap.decide(taken, accept=True)
    export, _ = pdf.request_pdf(organisation.roadmap, user=respondent.user)
    content = pdf.render(export)
    text = subprocess.run(
        ["pdftotext", "-", "-"], input=content, capture_output=True, check=True
    ).stdout.decode()
    flat = plain(" ".join(text.split()))  # the PDF is typographed as the pages are
    assert plain(taken.title[:40]) in flat
    assert all(
        plain(a.title[:40]) not in flat for a in later[1:] if a.title[:40] not in taken.title
    )
    assert "Financements et formations" in flat and "Coût ou montant" in flat
    # The appendix describes every funding lead and training the priorities name, once.
    appendix = roadmap.Leads(organisation.roadmap).all_of(roadmap.arrange(actions).up_front)
    assert appendix["funding"] and appendix["training"]
    for lead in appendix["funding"] + appendix["training"]:
        assert plain(" ".join(lead.description.split())[:60]) in flat, lead.code
    pages = subprocess.run(
        ["pdfinfo", "-"], input=content, capture_output=True, check=True
    ).stdout.decode()
    count = int(next(line for line in pages.splitlines() if line.startswith("Pages:")).split()[1])
    assert count <= 12
    assert PdfExport.objects.filter(roadmap=organisation.roadmap).exists()
