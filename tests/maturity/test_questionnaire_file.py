import copy

import pytest
import yaml
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from maturity import questionnaire_file, versions
from maturity.models import Diagnostic, Questionnaire
from tests.factories import UserFactory
from tests.maturity.factories import (
    diagnostic_with_respondent,
    published_questionnaire,
    questionnaire_data,
)

pytestmark = pytest.mark.django_db


def test_the_shipped_file_is_valid_and_rich_enough():
    data, errors = questionnaire_file.clean(questionnaire_data())
    assert errors == []
    assert len(data["dimensions"]) >= 10
    assert all(4 <= len(d["questions"]) <= 7 for d in data["dimensions"])
    assert {q["difficulty_type"] for q in data["difficulties"]["questions"]} >= {
        "techniques",
        "financieres",
        "humaines",
        "strategiques",
    }
    assert len(data["skills"]["areas"]) == 5
    assert len(data["inventory"]["usages"]) == 17


def test_export_then_import_gives_the_same_version():
    questionnaire = published_questionnaire()
    exported = questionnaire_file.export_questionnaire(questionnaire)
    cleaned, _ = questionnaire_file.clean(questionnaire_data())
    assert exported == cleaned
    text = questionnaire_file.dump(exported)
    copy_data = yaml.safe_load(text)
    copy_data["version"] = "copie"
    again = questionnaire_file.import_questionnaire(copy_data)
    assert questionnaire_file.export_questionnaire(again) == {**exported, "version": "copie"}


def test_a_malformed_file_lists_every_error_with_its_location_and_imports_nothing():
    data = copy.deepcopy(questionnaire_data())
    data["dimensions"][0]["questions"][0]["choices"][0]["score"] = 140
    data["dimensions"][1]["questions"][0]["kind"] = "roue"
    data["dimensions"][2]["questions"][1]["code"] = data["dimensions"][2]["questions"][0]["code"]
    data["dimensions"][3]["questions"][0]["show_if"] = {"question": "nulle_part", "choices": ["x"]}
    del data["levels"][0]["label"]
    _, errors = questionnaire_file.clean(data)
    joined = "\n".join(errors)
    assert "dimensions[0].questions[0].choices[0].score" in joined
    assert "dimensions[1].questions[0].kind" in joined
    assert "dimensions[2].questions[1].code" in joined and "déjà utilisé" in joined
    assert "dimensions[3].questions[0].show_if.question" in joined
    assert "levels[0].label" in joined
    with pytest.raises(questionnaire_file.QuestionnaireFileError):
        questionnaire_file.import_questionnaire(data)
    assert not Questionnaire.objects.exists()


def test_unreadable_yaml_says_where(tmp_path):
    _, errors = questionnaire_file.load("version: 1\ndimensions: [\n  - code: x\n")
    assert errors and errors[0].startswith("ligne ")


def test_validate_command_reports_errors_and_fails(tmp_path):
    bad = tmp_path / "q.yaml"
    bad.write_text("version: x\ntitle: T\n", encoding="utf-8")
    with pytest.raises(CommandError, match="erreur"):
        call_command("questionnaire", "validate", str(bad))
    call_command("questionnaire", "validate", "fixtures/questionnaire.yaml")


def test_publishing_a_new_version_keeps_old_diagnostics_on_theirs():
    first = published_questionnaire()
    diagnostic, _ = diagnostic_with_respondent(questionnaire=first)
    draft = versions.new_draft_from(first, version="2027.1")
    versions.publish(draft)
    first.refresh_from_db()
    draft.refresh_from_db()
    assert first.status == "archived" and draft.status == "published"
    assert Diagnostic.objects.get(pk=diagnostic.pk).questionnaire == first
    with pytest.raises(questionnaire_file.QuestionnaireFileError):
        questionnaire_file.import_questionnaire(questionnaire_data(), replace=draft)


def test_cress_admin_manages_versions_from_their_pages(client):
    published = published_questionnaire()
    client.force_login(UserFactory(cress_admin=True))
    assert published.version in client.get(reverse("maturity:questionnaires")).content.decode()
    response = client.post(
        reverse("maturity:questionnaire_new_draft", args=[published.pk]), {"version": "2027.1"}
    )
    draft = Questionnaire.objects.get(version="2027.1")
    assert response["Location"] == reverse("maturity:questionnaire_detail", args=[draft.pk])
    exported = client.get(reverse("maturity:questionnaire_export", args=[draft.pk]))
    data = yaml.safe_load(exported.content.decode())
    data["dimensions"][0]["title"] = "Stratégie numérique (révisée)"
    upload = SimpleUploadedFile("q.yaml", questionnaire_file.dump(data).encode())
    client.post(reverse("maturity:questionnaire_replace", args=[draft.pk]), {"file": upload})
    assert draft.sections.get(code="strategie").title == "Stratégie numérique (révisée)"
    bad = SimpleUploadedFile("q.yaml", b"version: 2027.1\ntitle: Vide\n")
    response = client.post(
        reverse("maturity:questionnaire_replace", args=[draft.pk]), {"file": bad}
    )
    assert response.status_code == 400 and "rien n’a été importé" in response.content.decode()
    assert draft.sections.get(code="strategie").title == "Stratégie numérique (révisée)"
    client.post(reverse("maturity:questionnaire_publish", args=[draft.pk]))
    draft.refresh_from_db()
    assert draft.status == "published"


def test_a_file_in_another_encoding_is_refused_clearly(client):
    client.force_login(UserFactory(cress_admin=True))
    upload = SimpleUploadedFile("q.yaml", "titre: Stratégie".encode("latin-1"))
    response = client.post(reverse("maturity:questionnaires"), {"file": upload})
    assert "UTF-8" in response.content.decode()
    assert not Questionnaire.objects.exists()
