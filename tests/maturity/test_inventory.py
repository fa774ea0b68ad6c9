"""The inventory: usages shared with the toolbox, "no digital tool" as an answer, and
redundancy only where several tools overlap for the same need."""

from pathlib import Path

import pytest
import yaml
from django.conf import settings
from django.urls import reverse

from maturity import inventory, questionnaire_file, roadmap_rules, services, synthesis
from maturity.models import InventoryItem
from tests.maturity.factories import (
    diagnostic_with_respondent,
    published_questionnaire,
    questionnaire_data,
)
from tests.maturity.test_collective_and_results import answer_all, strongest
from toolbox.models import Usage

NEW_USAGES = {"agenda", "sauvegarde", "mots_de_passe", "vente_en_ligne"}


def shipped_usages() -> list[dict]:
    return questionnaire_data()["inventory"]["usages"]


def test_the_inventory_and_the_toolbox_share_their_usages_and_map_them_to_needs():
    usages = shipped_usages()
    assert [(u["code"], u["label"]) for u in usages] == [
        (c, str(label)) for c, label in Usage.choices
    ]
    assert {u["code"] for u in usages} >= NEW_USAGES
    toolbox = yaml.safe_load(
        (Path(settings.BASE_DIR) / "fixtures" / "toolbox.yaml").read_text(encoding="utf-8")
    )
    known = {need["code"] for need in toolbox["needs"]}
    for usage in usages:
        assert usage["needs"] and set(usage["needs"]) <= known, usage["code"]
    # The toolbox proposes tools for each new usage.
    for code in NEW_USAGES:
        assert any(code in tool.get("usages", []) for tool in toolbox["tools"]), code


def test_the_file_validator_checks_each_usages_flag_and_needs():
    data = questionnaire_data()
    data["inventory"]["usages"][0]["several_tools_expected"] = "oui"
    data["inventory"]["usages"][1]["needs"] = ["Agenda Partagé"]
    _, errors = questionnaire_file.clean(data)
    assert errors == [
        "inventory.usages[0].several_tools_expected : doit valoir true ou false",
        "inventory.usages[1].needs : « Agenda Partagé » : lettres minuscules et _ seulement",
    ]


def test_a_usage_done_without_a_digital_tool_is_an_answer_with_nothing_to_count():
    labels = {u["code"]: u["label"] for u in shipped_usages()}
    found = inventory.findings(
        [inventory.ToolUse("stockage", "Nextcloud", True, True)],
        [],
        labels,
        {},
        without_tool=["comptabilite", "agenda"],
        usage_needs={"agenda": ["agenda_partage"]},
    )
    assert found["tools_count"] == 1 and found["usages_covered"] == 1
    assert found["libre_percent"] == 100  # paper is neither libre nor proprietary
    # In the questionnaire's order, as the page lists them, with the needs to find tools.
    assert found["without_tool"] == [
        {"usage": "agenda", "label": "Agenda partagé", "needs": ["agenda_partage"]},
        {"usage": "comptabilite", "label": "Comptabilité", "needs": []},
    ]
    facts = roadmap_rules.facts_from_results(
        {"inventory": inventory.findings([], [], labels, {}, without_tool=["agenda"])}, {}
    )
    assert "no_inventory" not in facts.findings  # filled in, on paper
    assert "no_inventory" in roadmap_rules.facts_from_results({"inventory": {}}, {}).findings


def test_the_page_reads_ticks_typed_names_and_no_tool_once_each():
    usages = [u for u in shipped_usages() if u["code"] in ("stockage", "agenda", "visio")]
    lines, errors = inventory.declared(
        usages,
        {"stockage": ["Nextcloud", "Nextcloud", "Inconnu de la liste"]},
        {"stockage": "nextcloud, Disque dur externe ,, disque DUR externe", "visio": ""},
        ["agenda"],
    )
    assert errors == {}
    assert [(line.usage, line.name, line.libre, line.without_tool) for line in lines] == [
        ("stockage", "Nextcloud", True, False),
        ("stockage", "Disque dur externe", None, False),
        ("agenda", "", None, True),
    ]


@pytest.fixture
def questionnaire(db):
    return published_questionnaire()


@pytest.mark.django_db
def test_no_digital_tool_is_saved_shown_and_counted_in_the_results(client, questionnaire):
    diagnostic, respondent = diagnostic_with_respondent(questionnaire=questionnaire)
    client.force_login(respondent.user)
    url = reverse("maturity:inventory", args=[diagnostic.pk])
    page = client.get(url).content.decode()
    assert 'name="none-agenda"' in page and "Aucun outil numérique" in page
    assert 'href="/glossaire/#sans-outil-numerique"' in page
    response = client.post(url, {"none-agenda": "1", "none-comptabilite": "1"})
    assert response.status_code == 302
    assert set(
        InventoryItem.objects.filter(diagnostic=diagnostic).values_list(
            "usage", "tool_name", "without_tool"
        )
    ) == {("agenda", "", True), ("comptabilite", "", True)}
    assert (
        'id="none-agenda" name="none-agenda" value="1" checked' in client.get(url).content.decode()
    )

    answer_all(respondent, strongest)
    snapshot = services.complete(diagnostic=diagnostic, by=respondent.user)
    found = snapshot.data["inventory"]
    assert found["tools_count"] == 0
    assert [p["usage"] for p in found["without_tool"]] == ["agenda", "comptabilite"]
    result = synthesis.build(snapshot.data, questionnaire.levels)
    assert any(
        "Sans outil numérique" in line and "agenda partagé" in line for line in result.inventory
    )
    assert not any("n’a pas été rempli" in line for line in result.inventory)
    page = client.get(reverse("maturity:results", args=[diagnostic.pk])).content.decode()
    assert "Sans outil numérique" in page
    assert '/outils/?besoin=agenda_partage">des outils pour cet usage</a>' in page


@pytest.mark.django_db
def test_no_tool_and_tools_for_one_usage_are_refused_keeping_what_was_typed(client, questionnaire):
    diagnostic, respondent = diagnostic_with_respondent(questionnaire=questionnaire)
    client.force_login(respondent.user)
    response = client.post(
        reverse("maturity:inventory", args=[diagnostic.pk]),
        {
            "none-visio": "1",
            "tools-visio": ["Zoom"],
            "other-visio": "Outil maison",
            "tools-stockage": ["Nextcloud"],
            "eq-ordinateurs-count": "4",
        },
    )
    assert response.status_code == 400
    html = response.content.decode().replace("\xa0", " ")
    assert "Vous avez coché « Aucun outil numérique » et nommé des outils" in html
    assert 'aria-describedby="err-visio"' in html
    assert 'value="Outil maison"' in html and 'value="4"' in html
    assert 'name="none-visio" value="1" checked' in html
    assert not InventoryItem.objects.exists()


@pytest.mark.django_db
def test_redundancy_is_several_tools_for_one_need_not_several_channels(client, questionnaire):
    diagnostic, respondent = diagnostic_with_respondent(questionnaire=questionnaire)
    client.force_login(respondent.user)
    client.post(
        reverse("maturity:inventory", args=[diagnostic.pk]),
        {
            "tools-reseaux_sociaux": ["Facebook", "Instagram"],
            "tools-stockage": ["Google Drive", "Dropbox", "Nextcloud"],
        },
    )
    answer_all(respondent, strongest)
    snapshot = services.complete(diagnostic=diagnostic, by=respondent.user)
    redundancy = snapshot.data["inventory"]["redundancy"]
    assert [r["usage"] for r in redundancy] == ["stockage"]  # three clouds, yes; two networks, no
    assert redundancy[0]["needs"] == ["stockage_partage", "transfert_fichiers"]
    page = client.get(reverse("maturity:results", args=[diagnostic.pk])).content.decode()
    assert (
        '/outils/?besoin=stockage_partage&amp;besoin=transfert_fichiers">choisir un outil dans la '
        "boîte à outils</a>"
    ) in page
