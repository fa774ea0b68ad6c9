"""The evaluation set of the roadmap (fixtures/personas/): organisations drawn from the guide's
typology, each with what a DLA adviser expects of its roadmap, run with the real questionnaire,
rules and catalogue."""

import io
import re
from pathlib import Path

import pytest
import yaml
from django.core.management import call_command
from django.core.management.base import CommandError

from accounts.models import Organisation
from maturity import (
    personas,
    questionnaire_file,
    roadmap,
    roadmap_rules,
    typology,
)
from maturity.models import Diagnostic, Questionnaire
from tests.factories import AdviserProfileFactory, DlaStructureFactory
from tests.maturity.factories import questionnaire_data

ROOT = Path(__file__).resolve().parents[2]
PATHS = personas.files()
DLA_PERSONA = "association_employeuse_12"


def reference() -> dict:
    cleaned, errors = questionnaire_file.clean(questionnaire_data())
    assert errors == []
    return cleaned


def shipped_rules() -> dict:
    text = (ROOT / "fixtures" / "roadmap.yaml").read_text(encoding="utf-8")
    data, errors = roadmap_rules.load(text, questionnaire=reference())
    assert errors == []
    return data


def toolbox_need_codes() -> list[str]:
    data = yaml.safe_load((ROOT / "fixtures" / "toolbox.yaml").read_text(encoding="utf-8"))
    return [n["code"] for n in data["needs"]]


def persona(name: str) -> personas.Persona:
    loaded, errors = personas.load_file(next(p for p in PATHS if p.stem == name))
    assert errors == [] and loaded is not None
    return loaded


@pytest.fixture(scope="module")
def platform(django_db_setup, django_db_blocker):
    """The published questionnaire, the shipped rules and toolbox catalogue, and a DLA adviser
    in Gironde: loaded once for the module, in a transaction undone after its last test."""
    with django_db_blocker.unblock(), personas.rolled_back():
        out = io.StringIO()
        call_command("load_questionnaire", stdout=out)
        call_command("load_toolbox", stdout=out)
        call_command("load_roadmap_rules", stdout=out)
        AdviserProfileFactory(
            structure=DlaStructureFactory(name="DLA de la Gironde", departements=["33"]),
            user__first_name="Aline",
            user__last_name="Conseil",
            job_title="Chargée de mission DLA",
        )
        yield Questionnaire.objects.published().get()


# --- The set itself -------------------------------------------------------------------------


@pytest.mark.parametrize("path", PATHS, ids=[p.stem for p in PATHS])
def test_every_persona_is_valid_against_the_questionnaire_the_rules_and_the_toolbox(path):
    loaded, errors = personas.load_file(path)
    assert loaded is not None
    errors += personas.problems(
        loaded, reference(), rules=shipped_rules(), need_codes=toolbox_need_codes()
    )
    assert errors == []


def test_the_set_covers_the_guide_typology():
    loaded = [persona(p.stem) for p in PATHS]
    assert len(loaded) >= 10
    types = {e.target for p in loaded for e in p.expectations if e.kind == "type"}
    assert types == set(typology.TYPES)
    forms = {p.organisation.legal_form for p in loaded}
    assert {"association", "scop", "scic"} <= forms and forms & {"mutuelle", "esus"}
    assert {p.organisation.staff_band for p in loaded} >= {"0", "1-2", "3-9", "10-49", "50+"}
    assert any(len(p.respondents) >= 3 for p in loaded)
    assert any(not p.tools and not p.equipment for p in loaded)
    kinds = {e.kind for p in loaded for e in p.expectations}
    assert kinds == set(personas.EXPECTATION_KINDS)
    assert all(e.why for p in loaded for e in p.expectations)


def test_an_unknown_code_is_an_error_naming_the_persona_and_the_code():
    text = next(p for p in PATHS if p.stem == "club_sportif_benevole").read_text(encoding="utf-8")
    for old, new in [
        ("equipement_sauvegarde_perdus", "equipement_sauvegarde_perdu"),
        ("      gestion_donnees: ", "      gestion_donnes: "),
        ("action: plan_formation_numerique", "action: plan_formation"),
        ("    crm_adherents: ", "    crm: "),
        ("need: mots_de_passe", "need: coffre_fort"),
        (
            "      difficulte_techniques: difficulte_techniques_moyennement",
            "      difficulte_techniques: je_ne_sais_pas",
        ),
        # The record answers it (organisation.staff_band): never asked, never answered.
        (
            "      profil_budget: ",
            "      profil_salaries: profil_salaries_0\n      profil_budget: ",
        ),
        (
            "      strategie_projet: ",
            "      strategie_suivi: strategie_suivi_oublies\n      strategie_projet: ",
        ),
        (
            "[competences_entraide_pairs]",
            "[competences_entraide_pairs, competences_entraide_aucune]",
        ),
    ]:
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    loaded, errors = personas.load(text, "club_modifie")
    assert errors == [] and loaded is not None
    errors = personas.problems(
        loaded, reference(), rules=shipped_rules(), need_codes=toolbox_need_codes()
    )
    assert all(error.startswith("club_modifie : ") for error in errors)
    who = "club_modifie : répondant·e 1 (Président du club), "
    assert set(errors) == {
        who + "equipement_sauvegarde : choix « equipement_sauvegarde_perdu » inconnu",
        who + "question « gestion_donnes » inconnue",
        who + "question « gestion_donnees » sans réponse",
        who + "difficulte_techniques : « Je ne sais pas » n'est pas proposé",
        who + "profil_salaries : la fiche de l'organisation y répond (organisation.staff_band), "
        "elle n'est pas posée",
        who + "strategie_suivi : cette question ne s'affiche pas avec ses autres réponses "
        "(elle suit « strategie_formalisee »)",
        who + "competences_entraide : un choix exclusif ne se combine pas",
        "club_modifie : inventaire : usage « crm » inconnu",
        "club_modifie : attente must_exclude : action « plan_formation » inconnue",
        "club_modifie : attente needs_with_tools : besoin « coffre_fort » inconnu",
    }
    _, errors = personas.load("respondents: []\nexpectations: {max_priority_actions: 3}", "vide")
    assert "vide : respondents : au moins un·e répondant·e" in errors
    assert "vide : expectations.max_priority_actions : doit être une table (clé : valeur)" in errors


def test_the_judge_reports_what_an_adviser_would_object_to():
    club = persona("club_sportif_benevole")
    spreadsheet = personas.ToolShown("Un tableur", ("tableur_base",), "libre")
    dla = personas.LeadShown("accompagnement_dla", "Accompagnement du DLA", "Gratuit", ())
    actions = (
        *(
            personas.ActionShown(
                code=f"action_{n}",
                title="Une action",
                priority=2,
                reasons=("Parce que.",),
                needs=(),
                tools=(),
                funding=(),
            )
            for n in range(7)
        ),
        personas.ActionShown(
            code="demander_accompagnement_dla",
            title="Demander un accompagnement au DLA",
            priority=2,
            reasons=("Réponse donnée : « Non ».",),
            needs=("sauvegarde",),
            tools=(personas.NeedShown("sauvegarde", "Sauvegarde", (spreadsheet,)),),
            funding=(dla,),
        ),
    )
    outcome = personas.Outcome(
        organisation="Un club", type="employeur", respondents=1, overall="—",
        priorities=actions, later=("plan_sauvegarde_321",),
    )  # fmt: skip
    verdicts = personas.judge(club, outcome)
    failed = {v.text for v in verdicts if not v.holds}
    assert failed == {
        "Type « Petite structure bénévole » (obtenu : Association employeuse)",
        "Au plus 7 actions à faire en premier (8)",
        "« plan_sauvegarde_321 » parmi les actions à faire en premier (seulement pour plus tard)",
        "« mots_de_passe_double_authentification » parmi les actions à faire en premier (absente)",
        "« accompagnement_vie_associative » dans la feuille de route (absente)",
        "Pas de « demander_accompagnement_dla » (proposée en premier)",
        "Des outils pour le besoin « mots_de_passe » sur une action à faire en premier",
        "Pas de piste « accompagnement_dla »",
        "Chaque outil recommandé sert le besoin que nomme son action "
        "(faux : Un tableur pour « sauvegarde » (demander_accompagnement_dla))",
    }
    text = personas.render(club, outcome, verdicts)
    assert f"({len(verdicts) - len(failed)}/{len(verdicts)} tenues)" in text
    assert "  ✗ Pas de « demander_accompagnement_dla » (proposée en premier)" in text


# --- The personas, through the platform ----------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("path", PATHS, ids=[p.stem for p in PATHS])
def test_the_roadmap_meets_what_an_adviser_expects(platform, path):
    loaded = persona(path.stem)
    outcome = personas.run(loaded, platform)
    verdicts = personas.judge(loaded, outcome)
    assert outcome.priorities and not outcome.catalogue_empty
    assert all(v.holds for v in verdicts), personas.render(loaded, outcome, verdicts)


@pytest.mark.django_db
def test_the_dla_case_gets_the_dla_lead_with_its_local_adviser(platform):
    loaded = persona(DLA_PERSONA)
    outcome = personas.run(loaded, platform)
    leads = [lead for a in outcome.priorities for lead in a.funding]
    dla = next(lead for lead in leads if lead.code == "accompagnement_dla")
    (local,) = [h for h in dla.local_help if h.url == "https://www.info-dla.fr"]
    assert local.contacts == ("Aline Conseil (Chargée de mission DLA, DLA de la Gironde)",)
    text = personas.render(loaded, outcome, personas.judge(loaded, outcome))
    assert "       · Aline Conseil (Chargée de mission DLA, DLA de la Gironde)" in text


@pytest.mark.django_db
def test_the_command_prints_a_roadmap_for_review_and_keeps_nothing(platform):
    before = (Organisation.objects.count(), Diagnostic.objects.count())
    out = io.StringIO()
    call_command("personas", "club_sportif_benevole", stdout=out)
    text = out.getvalue()
    assert "Étoile sportive de Vouneuil (Association loi 1901, sport)" in text
    assert "Type retenu : Petite structure bénévole" in text
    assert "À faire en premier (" in text and "   Pourquoi : Réponse donnée : « " in text
    assert "   Outils, Sauvegarde des données : " in text and "Pour plus tard : " in text
    assert "  ✓ Pas de « demander_accompagnement_dla »" in text and "✗" not in text
    assert "Attentes tenues : 1 persona." in text
    assert (Organisation.objects.count(), Diagnostic.objects.count()) == before


@pytest.mark.django_db
def test_the_command_fails_on_an_invalid_persona_or_an_expectation_that_does_not_hold(
    platform, tmp_path, monkeypatch
):
    text = next(p for p in PATHS if p.stem == "club_sportif_benevole").read_text(encoding="utf-8")
    (tmp_path / "club_exigeant.yaml").write_text(
        text.replace("    value: 7\n", "    value: 2\n"), encoding="utf-8"
    )
    (tmp_path / "club_mal_saisi.yaml").write_text(
        text.replace("profil_budget_10k_50k", "profil_budget_foot"), encoding="utf-8"
    )
    monkeypatch.setattr(personas, "DIRECTORY", tmp_path)
    out = io.StringIO()
    with pytest.raises(CommandError, match=re.escape("2 personas sur 2 ne passent pas")):
        call_command("personas", stdout=out)
    printed = out.getvalue()
    assert "  ✗ Au plus 2 actions à faire en premier (7)" in printed
    assert "club_mal_saisi : fichier invalide" in printed
    assert "profil_budget : choix « profil_budget_foot » inconnu" in printed
    with pytest.raises(CommandError, match="Persona inconnu : club"):
        call_command("personas", "club", stdout=out)


@pytest.mark.django_db
def test_the_command_evaluates_a_rules_file_being_edited_without_activating_it(platform, tmp_path):
    text = (ROOT / "fixtures" / "roadmap.yaml").read_text(encoding="utf-8")
    edited = tmp_path / "regles.yaml"
    # An edit that would send a volunteer-run club to the DLA: the rule for everyone.
    old = "    applies_to: {employer: true}\n    triggers:\n      - answer: {question: competences_accompagnement,"
    assert text.count(old) == 1
    edited.write_text(
        text.replace('version: "2026.3"', 'version: "essai"').replace(
            old, old.replace("    applies_to: {employer: true}\n", "")
        ),
        encoding="utf-8",
    )
    active = roadmap.active_rules()
    out = io.StringIO()
    with pytest.raises(CommandError, match=re.escape("1 persona sur 1 ne passe pas")):
        call_command("personas", "club_sportif_benevole", "--rules", str(edited), stdout=out)
    assert "règles essai" in out.getvalue()
    assert "  ✗ Pas de « demander_accompagnement_dla » (proposée" in out.getvalue()
    assert roadmap.active_rules() == active
