"""The questionnaire and roadmap rules file formats: pydantic models that validate the files
with French messages located in them, and the JSON Schemas they publish, checked here by an
independent validator (jsonschema) on the shipped files and on files the models refuse."""

import copy
import hashlib
import json
from pathlib import Path

import pytest
import yaml
from django.core.management import call_command
from django.urls import reverse
from django.utils.html import escape
from jsonschema import Draft202012Validator, FormatChecker

from common import safe_yaml
from common.typography import french_text
from maturity import questionnaire_file, questionnaire_format, roadmap_rules, roadmap_rules_format
from maturity.models import Questionnaire
from tests.factories import UserFactory
from tests.maturity.factories import published_questionnaire, questionnaire_data

pytestmark = pytest.mark.django_db

FORMATS = {
    "questionnaire": (questionnaire_format, "fixtures/questionnaire.yaml"),
    "rules": (roadmap_rules_format, "fixtures/roadmap.yaml"),
}
# The structure of each published version of a format (its schema without the texts meant
# for people): a change of the models that changes the format fails here until the format
# gets a new VERSION, a CHANGELOG entry and its fingerprint below.
FINGERPRINTS = {
    (
        "questionnaire-format",
        "1.0.0",
    ): "dbf9fcfea65818785b4a3347fc219e219093f70383494c0a89619d3710c84d86",
    (
        "questionnaire-format",
        "1.1.0",
    ): "f4e0f8788fd9c4d0775fd98d6b4bbd98209a9e815a6d3840843cb012065b8d32",
    (
        "roadmap-rules-format",
        "1.0.0",
    ): "b4e69340917e151d85d66d8bce5ab645ddc7d56516cf8ce73bc1e358f6262a5c",
}


def rules_data() -> dict:
    return safe_yaml.load(Path("fixtures/roadmap.yaml").read_text(encoding="utf-8"))


def published_schema(client, name: str) -> dict:
    module = FORMATS[name][0]
    response = client.get(reverse(module.SCHEMA_URL_NAME))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/schema+json; charset=utf-8"
    return json.loads(response.content)


def validator(schema: dict) -> Draft202012Validator:
    return Draft202012Validator(schema, format_checker=FormatChecker())


# --- Located French messages -------------------------------------------------------------------


def _questionnaire_errors(change) -> list[str]:
    data = questionnaire_data()
    change(data)
    return questionnaire_file.clean(data)[1]


def _set(path: tuple, value):
    def change(data):
        node = data
        for key in path[:-1]:
            node = node[key]
        node[path[-1]] = value

    return change


def _delete(path: tuple):
    def change(data):
        node = data
        for key in path[:-1]:
            node = node[key]
        del node[path[-1]]

    return change


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            _set(("dimensions", 2, "questions", 1, "choices", 0, "score"), "cent"),
            "dimensions[2].questions[1].choices[0].score : doit être un entier entre 0 et 100",
        ),
        (
            _set(("dimensions", 2, "questions", 1, "choices", 0, "score"), 140),
            "dimensions[2].questions[1].choices[0].score : doit être un entier entre 0 et 100",
        ),
        (
            _delete(("dimensions", 0, "questions", 2, "text")),
            "dimensions[0].questions[2].text : champ obligatoire manquant",
        ),
        (
            _set(("dimensions", 0, "questions", 2, "text"), "  "),
            "dimensions[0].questions[2].text : champ obligatoire manquant",
        ),
        (
            _set(("dimensions", 1, "questions", 0, "requird"), False),
            "dimensions[1].questions[0].requird : clé inconnue",
        ),
        (
            _set(("dimensions", 1, "questions", 0, "kind"), "roue"),
            "dimensions[1].questions[0].kind : doit être l'un de : multiple, scale, single, text",
        ),
        (
            _set(("difficulties", "questions", 0, "difficulty_type"), "morales"),
            "difficulties.questions[0].difficulty_type : doit être l'un de : financieres, "
            "humaines, strategiques, techniques",
        ),
        (
            _set(("dimensions", 0, "questions", 0, "help"), "x" * 2001),
            "dimensions[0].questions[0].help : 2000 caractères au plus",
        ),
        (
            _set(("dimensions", 3, "questions"), {"code": "x"}),
            "dimensions[3].questions : doit être une liste",
        ),
        (
            _set(("dimensions", 3, "questions", 0, "choices", 1), ["oui"]),
            "dimensions[3].questions[0].choices[1] : doit être une table (clé : valeur)",
        ),
        (
            _set(("dimensions", 0, "questions", 0, "required"), "oui"),
            "dimensions[0].questions[0].required : doit valoir true ou false",
        ),
        (
            _set(("dimensions", 0, "code"), "Stratégie"),
            "dimensions[0].code : « Stratégie » : lettres minuscules, chiffres et _ seulement",
        ),
        (_set(("version",), 2026.4), "fichier.version : doit être un texte"),
        (_delete(("title",)), "fichier.title : champ obligatoire manquant"),
        (_set(("levels",), []), "levels : au moins un niveau est nécessaire"),
        (_delete(("inventory",)), "inventory : champ obligatoire manquant"),
        (
            _set(("inventory", "usages", 0, "common_tools", 1, "libre"), "oui"),
            "inventory.usages[0].common_tools[1].libre : doit valoir true ou false",
        ),
    ],
)
def test_a_malformed_questionnaire_is_told_where_and_what_in_french(change, message):
    assert _questionnaire_errors(change) == [message]


def test_the_node_rules_and_the_checks_across_the_file_keep_their_words():
    def change(data):
        dimension = data["dimensions"][1]
        dimension["questions"][0]["choices"][0]["score"] = 90  # no choice worth 0 any more
        dimension["questions"][2]["code"] = dimension["questions"][1]["code"]
        dimension["questions"][3]["show_if"] = {"question": "plus_loin", "choices": ["x"]}

    errors = _questionnaire_errors(change)
    code = questionnaire_data()["dimensions"][1]["questions"][1]["code"]
    assert errors == [
        "dimensions[1].questions[0].choices : la meilleure réponse vaut 100 et la plus faible 0",
        f"dimensions[1].questions[2].code : « {code} » est déjà utilisé "
        "(dimensions[1].questions[1])",
        "dimensions[1].questions[3].show_if.question : « plus_loin » n'est pas une question "
        "précédente de la même partie",
    ]


def test_a_reference_to_a_malformed_question_is_not_reported_missing():
    """Its own error says what to fix; once fixed, the reference holds."""
    data = questionnaire_data()
    questions = data["dimensions"][0]["questions"]
    follow_up = next(i for i, q in enumerate(questions) if "show_if" in q)
    target = next(
        i
        for i, q in enumerate(questions)
        if q["code"] == questions[follow_up]["show_if"]["question"]
    )
    questions[target]["weight"] = 7
    _, errors = questionnaire_file.clean(data)
    assert errors == [
        f"dimensions[0].questions[{target}].weight : doit être un entier entre 1 et 3"
    ]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            lambda d: d["actions"][2].update(priority="haute"),
            "actions[2].priority : 1, 2 ou 3",
        ),
        (
            lambda d: d["actions"][2].pop("title"),
            "actions[2].title : champ obligatoire manquant",
        ),
        (
            lambda d: d["actions"][2].update(horizon="3 mois"),
            "actions[2].horizon : l'un de 0-3, 3-6, 6-12",
        ),
        (
            lambda d: d["actions"][2]["triggers"].append(
                {"finding": "ageing", "skills_need": {"area": "outils"}}
            ),
            "actions[2].triggers[{n}] : un déclencheur a exactement une clé (dimension_below, "
            "answer, finding, skills_need, difficulty)",
        ),
        (
            lambda d: d["actions"][2]["triggers"].append({"constat": "ageing"}),
            "actions[2].triggers[{n}].constat : clé inconnue",
        ),
        (
            lambda d: d["actions"][2]["triggers"].append({"dimension_below": {"dimension": "x"}}),
            "actions[2].triggers[{n}].dimension_below.score : champ obligatoire manquant",
        ),
        (
            lambda d: d["actions"][2].update(applies_to={"types": ["club"]}),
            "actions[2].applies_to.types : club inconnu ; l'un de benevole, employeur, "
            "entrepreneuriale, siae",
        ),
        (
            lambda d: d["actions"][2].update(not_for={"min_staff": 10, "max_staff": 2}),
            "actions[2].not_for : min_staff dépasse max_staff",
        ),
        (
            lambda d: d["actions"][2].update(savings=["moins_de_cafe"]),
            "actions[2].savings : « moins_de_cafe » inconnu ; l'un de "
            + ", ".join(roadmap_rules_format.footprint.SCENARIOS),
        ),
        (
            lambda d: d["funding_leads"][0].update(url="http://exemple.org"),
            "funding_leads[0].url : une adresse qui commence par https://",
        ),
        (
            lambda d: d["actions"][2].update(toolbox_usages=["stockage"]),
            "actions[2].toolbox_usages : remplacé par needs (les besoins de l'action)",
        ),
        (
            lambda d: d["actions"][2].update(steps="Faire"),
            "actions[2].steps : doit être une liste",
        ),
        (
            lambda d: d["actions"][2].update(prerequisites=["nulle_part"]),
            "actions[2].prerequisites : « nulle_part » n'existe pas",
        ),
        (
            lambda d: d["actions"][2].update(funding=["loto"]),
            "actions[2].funding : « loto » n'est pas une piste de financement déclarée",
        ),
        (lambda d: d.update(version=3), "fichier.version : doit être un texte"),
    ],
)
def test_a_malformed_rules_file_is_told_where_and_what_in_french(change, message):
    data = rules_data()
    change(data)
    _, errors = roadmap_rules.clean(data)
    assert errors == [message.format(n=len(data["actions"][2]["triggers"]) - 1)]


def test_rules_are_checked_against_the_questionnaire_and_the_needs_even_when_malformed():
    """References to the questionnaire and the toolbox are checked on each value, so that an
    action with another error still has them reported in the same pass."""
    reference, _ = questionnaire_file.clean(questionnaire_data())
    data = rules_data()
    action = data["actions"][0]
    action.update(dimension="jardinage", needs=["sauvegarde", "tricot"], effort="énorme")
    action["triggers"] = [{"answer": {"question": "nulle_part", "choices": ["x"]}}]
    known = {need for a in data["actions"] for need in a["needs"]} - {"tricot"}
    _, errors = roadmap_rules.clean(data, questionnaire=reference, need_codes=known)
    assert errors == [
        "actions[0].dimension : « jardinage » n'est pas une dimension du questionnaire",
        "actions[0].effort : l'un de faible, moyen, important",
        "actions[0].triggers[0].answer.question : « nulle_part » inconnue",
        "actions[0].needs : « tricot » n'est pas un besoin de la boîte à outils",
    ]


def test_unknown_keys_are_errors_everywhere_now():
    """The validators ignored an unknown key (a typo such as `requird: false` silently kept
    the default): the format refuses it, in a condition and a trigger too."""
    data = questionnaire_data()
    data["levels"][0]["seuil"] = 10
    data["profile"]["questions"][0]["choices"][0]["note"] = 3
    assert questionnaire_file.clean(data)[1] == [
        "levels[0].seuil : clé inconnue",
        "profile.questions[0].choices[0].note : clé inconnue",
    ]
    rules = rules_data()
    rules["actions"][0]["applies_to"] = {"employeur": True}
    rules["actions"][1]["triggers"][0] = {"finding": "ageing", "gap": 2}
    assert roadmap_rules.clean(rules)[1] == [
        "actions[0].applies_to.employeur : clé inconnue",
        "actions[1].triggers[0].gap : clé inconnue",
    ]


def test_the_error_list_stays_bounded():
    data = questionnaire_data()
    for dimension in data["dimensions"]:
        for question in dimension["questions"]:
            question["weight"] = 0
    _, errors = questionnaire_file.clean(data)
    assert len(errors) == 51 and errors[-1].startswith("… et ")


# --- Published schemas, checked by jsonschema ---------------------------------------------------


@pytest.mark.parametrize("name", FORMATS)
def test_each_schema_is_public_valid_and_versioned(client, name):
    module = FORMATS[name][0]
    schema = published_schema(client, name)
    Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["$id"] == "http://testserver" + reverse(module.SCHEMA_URL_NAME)
    assert schema["version"] == module.VERSION == module.CHANGELOG[0][0]
    assert f"{module.FORMAT} {module.VERSION}" in schema["description"]
    assert schema["additionalProperties"] is False


@pytest.mark.parametrize("name", FORMATS)
def test_the_format_gets_a_new_version_when_it_changes(name):
    module = FORMATS[name][0]
    expected = FINGERPRINTS.get((module.FORMAT, module.VERSION))
    assert expected is not None, f"{module.FORMAT} {module.VERSION}: fingerprint missing"
    assert _fingerprint(module.schema("x")) == expected, (
        f"{module.FORMAT} changed: give it a new VERSION and a CHANGELOG entry, and its "
        "fingerprint in FINGERPRINTS"
    )


def _fingerprint(schema: dict) -> str:
    def structure(node, *, names: bool = False):
        if isinstance(node, dict):
            return {
                key: structure(value, names=key in ("properties", "$defs"))
                for key, value in node.items()
                if names or key not in ("$id", "title", "description")
            }
        if isinstance(node, list):
            return [structure(item) for item in node]
        return node

    text = json.dumps(structure(schema), sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


@pytest.mark.parametrize("name", FORMATS)
def test_the_shipped_file_validates_with_the_models_and_with_jsonschema(client, name):
    module, path = FORMATS[name]
    text = Path(path).read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    assert module.clean(data)[1] == []
    assert list(validator(published_schema(client, name)).iter_errors(data)) == []
    # The file says which format it follows and where its schema is.
    assert f"Format {module.FORMAT} {module.VERSION}" in text
    assert reverse(module.SCHEMA_URL_NAME) in text


QUESTIONNAIRE_SHAPES = [
    _set(("dimensions", 0, "questions", 0, "choices", 0, "score"), 140),
    _set(("dimensions", 0, "questions", 0, "choices", 0, "score"), "80"),
    _set(("dimensions", 0, "questions", 0, "kind"), "roue"),
    _set(("dimensions", 0, "questions", 0, "requird"), False),
    _set(("dimensions", 0, "questions", 0, "text"), "x" * 1001),
    _set(("dimensions", 0, "code"), "Stratégie"),
    _set(("dimensions", 0, "questions"), []),
    _set(("dimensions", 0, "questions", 0, "show_if"), None),
    _set(("version",), 2026),
    _set(("levels", 0), ["niveau"]),
    _delete(("profile",)),
    _delete(("levels", 0, "min_score")),
    _set(("inventory", "usages", 0, "common_tools", 0, "libre"), "oui"),
]
RULES_SHAPES = [
    lambda d: d["actions"][0].update(priority=4),
    lambda d: d["actions"][0].update(horizon="3 mois"),
    lambda d: d["actions"][0].update(steps=[]),
    lambda d: d["actions"][0].update(title="x" * 201),
    lambda d: d["actions"][0].update(toolbox_usages=["stockage"]),
    lambda d: d["actions"][0].update(applies_to={}),
    lambda d: d["actions"][0].update(applies_to={"types": ["club"]}),
    lambda d: d["actions"][0].update(needs=["Mal-Formé"]),
    lambda d: d["actions"][0]["triggers"].append({"finding": "ageing", "answer": {}}),
    lambda d: d["actions"][0]["triggers"].append({}),
    lambda d: d["actions"][0]["triggers"].append({"difficulty": {"type": "morales", "min": 50}}),
    lambda d: d["funding_leads"][0].update(url="http://exemple.org"),
    lambda d: d["funding_leads"][0].update(local_help=["mairie"]),
    lambda d: d.pop("actions"),
]


@pytest.mark.parametrize("change", QUESTIONNAIRE_SHAPES)
def test_a_questionnaire_the_models_refuse_for_its_shape_jsonschema_refuses_too(client, change):
    data = questionnaire_data()
    change(data)
    assert questionnaire_file.clean(data)[1]
    assert list(validator(published_schema(client, "questionnaire")).iter_errors(data))


@pytest.mark.parametrize("change", RULES_SHAPES)
def test_a_rules_file_the_models_refuse_for_its_shape_jsonschema_refuses_too(client, change):
    data = rules_data()
    change(data)
    assert roadmap_rules.clean(data)[1]
    assert list(validator(published_schema(client, "rules")).iter_errors(data))


# --- The formats page, the links and the exported files ----------------------------------------


def test_the_formats_page_gives_each_schema_its_version_and_changes(client):
    page = client.get(reverse("maturity:formats")).content.decode()
    for module, _path in FORMATS.values():
        assert reverse(module.SCHEMA_URL_NAME) in page
        assert f"{module.FORMAT} {module.VERSION}" in page
        for _version, _date, changes in module.CHANGELOG:
            # As the page shows them: escaped, then through French typography.
            assert all(french_text(escape(change)) in page for change in changes)
    assert reverse("maturity:formats") in client.get(reverse("toolbox:opendata")).content.decode()


def test_an_exported_file_names_its_schema_and_imports_back_unchanged(client):
    questionnaire = published_questionnaire()
    client.force_login(UserFactory(cress_admin=True))
    assert (
        reverse("maturity:formats")
        in client.get(reverse("maturity:questionnaires")).content.decode()
    )
    text = client.get(reverse("maturity:questionnaire_export", args=[questionnaire.pk])).content
    text = text.decode()
    url = "http://testserver" + reverse("maturity:questionnaire_schema")
    assert text.startswith(f"# yaml-language-server: $schema={url}\n")
    assert (
        f"# Format {questionnaire_format.FORMAT} {questionnaire_format.VERSION} : {url}\n" in text
    )
    data, errors = questionnaire_file.load(text)
    assert errors == []
    assert list(validator(published_schema(client, "questionnaire")).iter_errors(data)) == []
    copy_ = questionnaire_file.import_questionnaire({**data, "version": "copie"})
    exported = questionnaire_file.export_questionnaire(questionnaire)
    assert questionnaire_file.export_questionnaire(copy_) == {**exported, "version": "copie"}


def test_the_export_command_names_the_schema_on_this_site(tmp_path, settings):
    settings.SITE_URL = "https://boussole.example.org/"
    questionnaire = published_questionnaire()
    path = tmp_path / "q.yaml"
    call_command("questionnaire", "export", questionnaire.version, "-o", str(path))
    text = path.read_text(encoding="utf-8")
    url = "https://boussole.example.org" + reverse("maturity:questionnaire_schema")
    assert text.splitlines()[0] == f"# yaml-language-server: $schema={url}"
    call_command("questionnaire", "validate", str(path))
    assert not Questionnaire.objects.exclude(pk=questionnaire.pk).exists()
    assert copy.deepcopy(yaml.safe_load(text)) == questionnaire_file.export_questionnaire(
        questionnaire
    )
