"""The inventory: usages shared with the toolbox, "no digital tool" as an answer, and
redundancy only where several tools overlap for the same need."""

from pathlib import Path

import pytest
import yaml
from django.conf import settings
from django.urls import reverse

from maturity import inventory, questionnaire_file, roadmap_rules, services, synthesis
from maturity.models import Diagnostic, EquipmentItem, InventoryItem
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


def _equipment(count, age=None, reconditioned=None, renewal=None) -> dict:
    """An EquipmentForm's cleaned data."""
    return {
        "count": count,
        "average_age": age,
        "reconditioned_percent": reconditioned,
        "renewal_years": renewal,
    }


def _lines(diagnostic) -> set[tuple]:
    return set(
        diagnostic.inventory_items.values_list(
            "usage", "tool_name", "without_tool", "libre", "eu_hosted", "added_by"
        )
    )


def _devices(diagnostic) -> set[tuple]:
    return set(
        diagnostic.equipment_items.values_list(
            "kind", "count", "average_age", "reconditioned_percent", "renewal_years"
        )
    )


@pytest.mark.django_db
def test_saving_the_inventory_replaces_its_tools_and_sets_each_kind_of_equipment(questionnaire):
    diagnostic, respondent = diagnostic_with_respondent(questionnaire=questionnaire)
    user = respondent.user
    other, _ = diagnostic_with_respondent(questionnaire=questionnaire)
    InventoryItem.objects.create(diagnostic=diagnostic, usage="visio", tool_name="Zoom")
    InventoryItem.objects.create(diagnostic=other, usage="visio", tool_name="Jitsi")
    EquipmentItem.objects.create(diagnostic=diagnostic, kind="ecrans", count=9, average_age=2)

    services.save_inventory(
        diagnostic=diagnostic,
        lines=[
            inventory.Declared("stockage", "Nextcloud", True, True),
            inventory.Declared("stockage", "Disque dur externe"),
            inventory.Declared("agenda", "", without_tool=True),
        ],
        equipment={"ordinateurs": _equipment(6, 7, 50, 4), "telephones": _equipment(None)},
        by=user,
    )
    assert _lines(diagnostic) == {
        ("stockage", "Nextcloud", False, True, True, user.pk),
        ("stockage", "Disque dur externe", False, None, None, user.pk),
        ("agenda", "", True, None, None, user.pk),
    }
    # An empty count is no device; a kind not given keeps what it had.
    assert _devices(diagnostic) == {
        ("ordinateurs", 6, 7, 50, 4),
        ("telephones", 0, None, None, None),
        ("ecrans", 9, 2, None, None),
    }

    # The equipment alone: the tools stay, each kind keeps one row.
    services.save_inventory(
        diagnostic=diagnostic, equipment={"ordinateurs": _equipment(5, 3)}, by=user
    )
    assert len(_lines(diagnostic)) == 3
    assert _devices(diagnostic) == {
        ("ordinateurs", 5, 3, None, None),
        ("telephones", 0, None, None, None),
        ("ecrans", 9, 2, None, None),
    }

    # The tools of some usages (a page shows a part of them): the others' lines stay.
    services.save_inventory(
        diagnostic=diagnostic,
        lines=[inventory.Declared("stockage", "CryptPad", True, True)],
        usages=["stockage", "visio"],
        by=user,
    )
    assert _lines(diagnostic) == {
        ("stockage", "CryptPad", False, True, True, user.pk),
        ("agenda", "", True, None, None, user.pk),
    }

    # The tools alone, none this time: the lines go, the equipment stays.
    services.save_inventory(diagnostic=diagnostic, lines=[], by=user)
    assert _lines(diagnostic) == set()
    assert len(_devices(diagnostic)) == 3
    assert _lines(other) == {("visio", "Jitsi", False, None, None, None)}


@pytest.mark.django_db
def test_the_inventory_of_a_completed_diagnostic_is_not_written(questionnaire):
    diagnostic, respondent = diagnostic_with_respondent(questionnaire=questionnaire)
    InventoryItem.objects.create(diagnostic=diagnostic, usage="visio", tool_name="Zoom")
    diagnostic.status = Diagnostic.Status.COMPLETED
    diagnostic.save(update_fields=["status"])
    with pytest.raises(services.DiagnosticError, match="son inventaire ne peut plus"):
        services.save_inventory(
            diagnostic=diagnostic,
            lines=[],
            equipment={"ordinateurs": _equipment(6)},
            by=respondent.user,
        )
    assert _lines(diagnostic) == {("visio", "Zoom", False, None, None, None)}
    assert _devices(diagnostic) == set()


@pytest.mark.django_db
def test_no_digital_tool_is_saved_shown_and_counted_in_the_results(client, questionnaire):
    diagnostic, respondent = diagnostic_with_respondent(questionnaire=questionnaire)
    client.force_login(respondent.user)
    url = reverse("maturity:inventory", args=[diagnostic.pk])
    page = client.get(url).content.decode()
    assert 'name="none-agenda"' in page and "Aucun outil numérique" in page
    assert 'href="/glossaire/#sans-outil-numerique"' in page
    # Agenda is among the first usages, accounting on the tools' second page.
    response = client.post(url, {"none-agenda": "1", "none-comptabilite": "1"})
    assert response["Location"] == url + "?partie=2"
    response = client.post(url + "?partie=2", {"none-comptabilite": "1"})
    assert response["Location"] == reverse("maturity:inventory_equipment", args=[diagnostic.pk])
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
        },
    )
    assert response.status_code == 400
    html = response.content.decode().replace("\xa0", " ")
    assert "Vous avez coché « Aucun outil numérique » et nommé des outils" in html
    assert 'aria-describedby="err-visio"' in html
    assert 'value="Outil maison"' in html
    assert 'name="tools-stockage" value="Nextcloud" checked' in html
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


def _text(response) -> str:
    """The page as written, its no-break spaces (French typography) read as spaces."""
    return response.content.decode().replace("\xa0", " ")


@pytest.mark.django_db
def test_the_inventory_is_two_steps_the_tools_over_two_pages_then_the_equipment(
    client, questionnaire
):
    diagnostic, respondent = diagnostic_with_respondent(questionnaire=questionnaire)
    client.force_login(respondent.user)
    tools = reverse("maturity:inventory", args=[diagnostic.pk])
    equipment = reverse("maturity:inventory_equipment", args=[diagnostic.pk])
    detail = client.get(reverse("maturity:diagnostic_detail", args=[diagnostic.pk]))
    assert f'href="{tools}"' in _text(detail)
    assert f'href="{equipment}"' in _text(detail)

    first = _text(client.get(tools))
    assert '<strong aria-current="step">Étape 1 sur 2 : outils</strong>' in first
    assert f'<a href="{equipment}">Étape 2 sur 2 : équipement</a>' in first
    assert "Outils utilisés, par usage : usages 1 à 9 sur 17" in first
    assert 'name="none-stockage"' in first and 'name="none-reseaux_sociaux"' in first
    assert 'name="none-lettre_info"' not in first and "eq-ordinateurs-count" not in first
    assert f'href="{tools}?partie=2">Usages 10 à 17 →' in first

    second = _text(client.get(tools + "?partie=2"))
    assert "Outils utilisés, par usage : usages 10 à 17 sur 17" in second
    assert 'name="none-lettre_info"' in second and 'name="none-mots_de_passe"' in second
    assert 'name="none-stockage"' not in second
    assert f'href="{tools}">← Usages 1 à 9' in second
    assert f'href="{equipment}">Étape 2 : équipement →' in second
    for wrong in ("3", "0", "01", "deux"):
        assert client.get(tools + f"?partie={wrong}").status_code == 404

    last = _text(client.get(equipment))
    assert '<strong aria-current="step">Étape 2 sur 2 : équipement</strong>' in last
    assert f'<a href="{tools}">Étape 1 sur 2 : outils</a>' in last
    assert 'name="eq-ordinateurs-count"' in last and 'name="tools-stockage"' not in last

    # Each page saves its own usages: the second page leaves the first one's tools alone.
    client.post(tools, {"tools-stockage": ["Nextcloud"], "other-visio": "Jitsi"})
    client.post(tools + "?partie=2", {"none-comptabilite": "1", "other-lettre_info": "Sendinblue"})
    client.post(tools + "?partie=2", {"none-comptabilite": "1"})
    assert set(diagnostic.inventory_items.values_list("usage", "tool_name")) == {
        ("stockage", "Nextcloud"),
        ("visio", "Jitsi"),
        ("comptabilite", ""),
    }
    response = client.post(equipment, {"eq-ordinateurs-count": "3"}, follow=True)
    assert response.redirect_chain == [(equipment, 302)]
    assert "L’inventaire est enregistré." in _text(response)
    assert diagnostic.equipment_items.get(kind="ordinateurs").count == 3
    assert diagnostic.inventory_items.count() == 3


@pytest.mark.django_db
def test_the_inventory_of_a_completed_diagnostic_is_read_only_on_both_steps(client, questionnaire):
    diagnostic, respondent = diagnostic_with_respondent(questionnaire=questionnaire)
    client.force_login(respondent.user)
    tools = reverse("maturity:inventory", args=[diagnostic.pk])
    equipment = reverse("maturity:inventory_equipment", args=[diagnostic.pk])
    client.post(tools, {"tools-stockage": ["Nextcloud"]})
    client.post(equipment, {"eq-ordinateurs-count": "3"})
    answer_all(respondent, strongest)
    services.complete(diagnostic=diagnostic, by=respondent.user)

    for url, data in (
        (tools, {"tools-stockage": ["Dropbox"]}),
        (tools + "?partie=2", {"none-comptabilite": "1"}),
        (equipment, {"eq-ordinateurs-count": "9"}),
    ):
        response = client.post(url, data, follow=True)
        assert response.redirect_chain == [(url, 302)]
        assert "Ce diagnostic est terminé : son inventaire ne peut plus être modifié." in _text(
            response
        )
    assert set(diagnostic.inventory_items.values_list("usage", "tool_name")) == {
        ("stockage", "Nextcloud")
    }
    assert diagnostic.equipment_items.get(kind="ordinateurs").count == 3
    page = _text(client.get(tools))
    assert (
        'value="Nextcloud" checked disabled' in page and 'type="submit" class="button"' not in page
    )
    page = _text(client.get(equipment))
    assert 'value="3"' in page and "Enregistrer l’inventaire" not in page
