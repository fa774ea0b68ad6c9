"""The questionnaire and roadmap rules importers refuse hostile files quickly and clearly."""

import copy
import time
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from common import safe_yaml
from maturity import questionnaire_file, roadmap_rules
from maturity.models import Questionnaire, RoadmapRules
from tests.factories import UserFactory
from tests.maturity.factories import questionnaire_data

pytestmark = pytest.mark.django_db


def roadmap_rules_data() -> dict:
    return safe_yaml.load(Path("fixtures/roadmap.yaml").read_text(encoding="utf-8"))


def alias_bomb(levels: int = 8, width: int = 9) -> str:
    """A few hundred bytes that a plain YAML loader expands to width**levels strings."""
    lines = ['l0: &l0 ["' + "x" * 20 + '"]']
    for i in range(1, levels):
        lines.append(f"l{i}: &l{i} [" + ", ".join([f"*l{i - 1}"] * width) + "]")
    lines.append(f"version: *l{levels - 1}")
    lines.append("title: Bombe")
    return "\n".join(lines) + "\n"


NESTED_YAML = "version: '1'\ntitle: T\ndescription:\n  " + "- " * 3000 + "x\n"
NESTED_JSON = '{"version": "1", "description": ' + "[" * 50_000 + "]" * 50_000 + "}"


def _upload(client, text: str):
    upload = SimpleUploadedFile("q.yaml", text.encode())
    return client.post(reverse("maturity:questionnaires"), {"file": upload})


@pytest.mark.parametrize("load", [questionnaire_file.load, roadmap_rules.load])
def test_an_alias_bomb_is_refused_at_once_with_a_french_message(load):
    started = time.perf_counter()
    _, errors = load(alias_bomb())
    assert time.perf_counter() - started < 1
    assert len(errors) == 1 and "ancres et alias" in errors[0]
    assert errors[0].startswith("ligne 1, colonne ")


def test_the_cress_import_page_refuses_an_alias_bomb(client):
    client.force_login(UserFactory(cress_admin=True))
    client.get(reverse("maturity:questionnaires"))  # warm-up: templates, first query
    started = time.perf_counter()
    response = _upload(client, alias_bomb())
    assert time.perf_counter() - started < 1
    assert response.status_code == 400
    assert "ancres et alias" in response.content.decode()
    assert not Questionnaire.objects.exists()


@pytest.mark.parametrize("text", [NESTED_YAML, NESTED_JSON], ids=["yaml", "json"])
def test_a_deeply_nested_file_is_a_clean_error_on_the_page(client, text):
    client.force_login(UserFactory(cress_admin=True))
    response = _upload(client, text)
    assert response.status_code == 400
    assert "imbrication trop profonde" in response.content.decode()
    assert not Questionnaire.objects.exists()


@pytest.mark.parametrize(
    "text", [NESTED_YAML, NESTED_JSON, alias_bomb()], ids=["yaml", "json", "bomb"]
)
def test_the_commands_refuse_nested_and_aliased_files(tmp_path, capsys, text):
    path = tmp_path / "f.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(CommandError, match="erreurs : rien n'a été importé"):
        call_command("questionnaire", "validate", str(path))
    with pytest.raises(CommandError, match="erreurs : rien n'a été importé"):
        call_command("load_roadmap_rules", str(path))
    err = capsys.readouterr().err
    assert "imbrication trop profonde" in err or "ancres et alias" in err
    assert not RoadmapRules.objects.exists()


@pytest.mark.parametrize("load", [questionnaire_file.load, roadmap_rules.load])
def test_a_file_over_the_size_limit_is_refused_before_parsing(load):
    _, errors = load("a: " + "x" * 2_000_001)
    assert errors == ["fichier : plus de 2 000 000 caractères, trop volumineux"]


def test_the_questionnaire_error_list_is_bounded():
    levels = "\n".join(f"  - code: 'N{i}'" for i in range(400))
    _, errors = questionnaire_file.load(f"version: '1'\ntitle: T\nlevels:\n{levels}\n")
    assert len(errors) == 51
    assert errors[-1].startswith("… et ") and errors[-1].endswith(" autres erreurs")


def test_the_roadmap_rules_error_list_is_bounded():
    actions = "\n".join(f"  - code: a{i}" for i in range(200))
    _, errors = roadmap_rules.load(f"version: '1'\nactions:\n{actions}\n")
    assert len(errors) == 51
    assert errors[-1].startswith("… et ") and errors[-1].endswith(" autres erreurs")


def _paths(node, path=()):
    """Every value's path, through the first two items of each list."""
    if path:
        yield path
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _paths(value, (*path, key))
    elif isinstance(node, list):
        for i, value in enumerate(node[:2]):
            yield from _paths(value, (*path, i))


def _replaced(data, path, value):
    data = copy.deepcopy(data)
    node = data
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    return data


WRONG_SHAPES = [["a"], {"a": 1}, 7, None, [None]]


def test_any_value_of_the_wrong_shape_is_an_error_never_an_exception():
    data = copy.deepcopy(questionnaire_data())  # never change the shared parsed file
    data["dimensions"] = data["dimensions"][:2]
    data["dimensions"][1]["questions"][1]["show_if"] = {
        "question": data["dimensions"][1]["questions"][0]["code"],
        "choices": [data["dimensions"][1]["questions"][0]["choices"][0]["code"]],
    }
    for path in _paths(data):
        for value in WRONG_SHAPES:
            _, errors = questionnaire_file.clean(_replaced(data, path, value))
            assert all(isinstance(error, str) for error in errors), path


def test_any_rule_of_the_wrong_shape_is_an_error_never_an_exception():
    reference, _ = questionnaire_file.clean(questionnaire_data())
    data = roadmap_rules_data()
    data["actions"] = data["actions"][:3]
    for path in _paths(data):
        for value in WRONG_SHAPES:
            _, errors = roadmap_rules.clean(_replaced(data, path, value), questionnaire=reference)
            assert all(isinstance(error, str) for error in errors), path


def test_a_list_where_a_code_is_expected_is_a_400_on_the_page_not_a_500(client):
    client.force_login(UserFactory(cress_admin=True))
    data = copy.deepcopy(questionnaire_data())  # never change the shared parsed file
    data["dimensions"][0]["questions"][0]["kind"] = ["single"]
    response = _upload(client, questionnaire_file.dump(data))
    assert response.status_code == 400
    assert "dimensions[0].questions[0].kind" in response.content.decode()


def test_a_long_chain_of_prerequisites_is_refused_not_a_recursion_error():
    actions = [
        {
            "code": f"a{i}",
            "title": "T",
            "dimension": "d",
            "explanation": "E",
            "steps": ["s"],
            "priority": 1,
            "horizon": "0-3",
            "effort": "faible",
            "cost": "gratuit",
            "triggers": [{"finding": "proprietary"}],
            "prerequisites": [f"a{i + 1}"] if i < 2999 else [],
        }
        for i in range(3000)
    ]
    _, errors = roadmap_rules.clean({"version": "1", "actions": actions})
    assert errors == ["actions : les prérequis s'enchaînent sur plus de 20 niveaux"]
    actions[-1]["prerequisites"] = ["a0"]
    _, errors = roadmap_rules.clean({"version": "1", "actions": actions})
    assert errors == ["actions : les prérequis forment un cycle"]


def test_texts_longer_than_the_database_holds_are_errors():
    data = copy.deepcopy(questionnaire_data())  # never change the shared parsed file
    question = data["dimensions"][0]["questions"][0]
    question["text"] = "x" * 1001
    question["choices"][0]["label"] = "x" * 301
    data["dimensions"][1]["code"] = "x" * 61
    _, errors = questionnaire_file.clean(data)
    assert "dimensions[0].questions[0].text : 1000 caractères au plus" in errors
    assert "dimensions[0].questions[0].choices[0].label : 300 caractères au plus" in errors
    assert "dimensions[1].code : 60 caractères au plus" in errors


def test_rule_texts_longer_than_a_roadmap_action_holds_are_errors():
    data = roadmap_rules_data()
    data["actions"][0]["title"] = "x" * 201
    data["actions"][1]["explanation"] = "x" * 2001
    _, errors = roadmap_rules.clean(data)
    assert "actions[0].title : 200 caractères au plus" in errors
    assert "actions[1].explanation : 2000 caractères au plus" in errors
