"""The equipment's greenhouse-gas footprint: the factors against Boavizta's library, the
computation, bad inventories, the results page and PDF, and what equipment actions save."""

import dataclasses
import datetime
import io
import json
import re
import shutil
import subprocess
from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from maturity import footprint, footprint_reference, pdf, roadmap, roadmap_rules, services
from maturity.models import EquipmentItem, RoadmapAction
from tests.factories import MembershipFactory
from tests.maturity.factories import (
    diagnostic_with_respondent,
    published_questionnaire,
    questionnaire_data,
)
from tests.maturity.test_collective_and_results import answer_all, weakest
from tests.pages import readable

needs_pdftotext = pytest.mark.skipif(
    not shutil.which("pdftotext"), reason="pdftotext (poppler-utils) is needed"
)

LABELS = {"ordinateurs": "Ordinateurs portables", "ecrans": "Écrans", "telephones": "Smartphones"}
# A small association's equipment: laptops half reconditioned, screens (reconditioned, which the
# ADEME study does not cover), smartphones renewed every two years, printers (no reference).
INVENTORY = [
    footprint.Devices("ordinateurs", 6, average_age=3, reconditioned_percent=50),
    footprint.Devices("ecrans", 4, reconditioned_percent=100),
    footprint.Devices("telephones", 3, average_age=1, renewal_years=2),
    footprint.Devices("imprimantes", 2, average_age=6),
]


def kg(value: float) -> str:
    """A figure as the pages print it (floatformat: halves rounded up, no decimals)."""
    return str(Decimal(str(value)).quantize(Decimal(1), ROUND_HALF_UP))


def kinds_by_code(result: dict) -> dict:
    return {row["code"]: row for row in result["kinds"]}


# --- The factors file against the library --------------------------------------------------------


def test_the_factors_file_is_what_the_library_computes():
    shipped = json.loads(footprint.FACTORS_FILE.read_text(encoding="utf-8"))
    recomputed = footprint_reference.build(datetime.date.fromisoformat(shipped["generated_on"]))
    assert recomputed == shipped
    assert shipped["library"] == {"name": "boaviztapi", "version": "2.5.0"}
    laptop = shipped["kinds"]["ordinateurs"]
    # Boavizta's professional laptop: 181 kg CO2e to make, four years, France at 0.098 kg/kWh.
    assert laptop["archetype"] == "laptop-pro" and laptop["embodied_kg"]["value"] == 181.0
    assert laptop["lifespan_years"] == 4.0
    assert shipped["electricity"]["kg_co2e_per_kwh"] == 0.098
    assert laptop["use_kg_per_year"]["value"] == pytest.approx(
        laptop["kwh_per_year"]["value"] * 0.098
    )
    assert shipped["kinds"]["imprimantes"] == {"archetype": None}
    assert shipped["kinds"]["serveurs"] == {"archetype": None}


def test_the_command_writes_the_factors_and_checks_them(tmp_path, monkeypatch):
    target = tmp_path / "footprint_factors.json"
    monkeypatch.setattr(footprint, "FACTORS_FILE", target)
    call_command("footprint_factors", stdout=io.StringIO())
    written = json.loads(target.read_text(encoding="utf-8"))
    assert written == footprint_reference.build()
    assert written["generated_on"] == datetime.date.today().isoformat()
    out = io.StringIO()
    call_command("footprint_factors", "--check", stdout=out)
    assert "à jour" in out.getvalue()
    written["kinds"]["ordinateurs"]["embodied_kg"]["value"] = 150.0
    target.write_text(json.dumps(written), encoding="utf-8")
    with pytest.raises(CommandError, match="diffère"):
        call_command("footprint_factors", "--check")


# --- The computation ------------------------------------------------------------------------------


def test_a_realistic_inventory_per_kind_with_lifespan_reconditioned_and_range():
    result = footprint.compute(
        INVENTORY, LABELS, footprint.factors(), footprint.people("3-9", "10-49")
    )
    rows = kinds_by_code(result)
    assert result["status"] == "ok"
    laptops = rows["ordinateurs"]
    # Three years old on average: kept six years (twice the age, above Boavizta's four); half
    # reconditioned, 43 % less manufacturing for those.
    assert (laptops["lifespan_years"], laptops["lifespan_basis"]) == (6.0, "age")
    assert laptops["embodied"] == pytest.approx(6 * 181 * (1 - 0.43 * 0.5) / 6, abs=0.05)
    assert laptops["use"] == pytest.approx(6 * 19.3158, abs=0.05)
    assert (laptops["min"], laptops["max"]) == pytest.approx(
        (142.1 + 6 * 12.8772, 142.1 + 6 * 25.7544), abs=0.1
    )
    assert laptops["reconditioned_counted"]
    screens = rows["ecrans"]
    # No age, no renewal: Boavizta's 6.6 years; no reduction for reconditioned screens.
    assert (screens["lifespan_years"], screens["lifespan_basis"]) == (6.6, "reference")
    assert screens["embodied"] == pytest.approx(4 * 64.7 / 6.6, abs=0.05)
    assert not screens["reconditioned_counted"]
    phones = rows["telephones"]
    # Renewed every two years: the manufacturing is spread over two years.
    assert (phones["lifespan_years"], phones["lifespan_basis"]) == (2.0, "renewal")
    assert phones["embodied"] == 126.0
    total = result["total"]
    assert total["value"] == pytest.approx(sum(r["value"] for r in result["kinds"]), abs=0.2)
    assert total["min"] < total["value"] < total["max"]
    assert result["embodied"] + result["use"] == pytest.approx(total["value"], abs=0.2)
    assert result["top"] == ["ordinateurs", "telephones", "ecrans"]
    assert sum(r["percent"] for r in result["kinds"]) in (99, 100, 101)
    # 6 staff (3 to 9) and 29.5 volunteers (10 to 49): 35.5 people.
    assert result["people"] == 35.5
    assert result["per_person"]["value"] == pytest.approx(total["value"] / 35.5, abs=0.1)
    assert result["french_average_percent"] == pytest.approx(
        100 * result["per_person"]["value"] / 9200, abs=0.1
    )
    assert result["without_reference"] == [
        {"code": "imprimantes", "label": "imprimantes", "count": 2, "reason": "no_reference"}
    ]


def test_keeping_devices_longer_spreads_their_manufacturing_over_more_years():
    table = footprint.factors()
    laptop = table.kinds["ordinateurs"]
    young = footprint.Devices("ordinateurs", 1, average_age=1)
    old = footprint.Devices("ordinateurs", 1, average_age=5)
    told = footprint.Devices("ordinateurs", 1, average_age=5, renewal_years=8)
    assert footprint.lifespan(young, laptop) == (4.0, "age")  # never below Boavizta's
    assert footprint.lifespan(old, laptop) == (10.0, "age")
    assert footprint.lifespan(told, laptop) == (8.0, "renewal")
    per_year = [
        footprint.compute([d], {}, table, None)["kinds"][0]["embodied"] for d in (young, old)
    ]
    assert per_year == [pytest.approx(181 / 4, abs=0.05), pytest.approx(181 / 10, abs=0.05)]


def test_savings_come_from_the_organisation_inventory():
    saved = footprint.compute(INVENTORY, LABELS, footprint.factors(), 35.5)["savings"]
    laptop = 181 * (1 - 0.43 * 0.5) / 6
    screen, phone = 64.7 / 6.6, 84 / 2
    longer = {
        "ordinateurs": 6 * laptop * (1 - 6 / 8),
        "ecrans": 4 * screen * (1 - 6.6 / 8.6),
        "telephones": 3 * phone * (1 - 2 / 4),
    }
    assert saved["extend_lifespan_2y"] == pytest.approx(sum(longer.values()), abs=0.1)
    # Devices replaced when their updates stop: computers and phones, not screens.
    assert saved["security_support"] == pytest.approx(
        longer["ordinateurs"] + longer["telephones"], abs=0.1
    )
    # The half of the laptops bought new, and every phone, bought reconditioned instead.
    assert saved["buy_reconditioned"] == pytest.approx(
        6 * 0.5 * 181 * 0.43 / 6 + 3 * 84 * 0.64 / 2, abs=0.1
    )
    assert saved["fewer_screens"] == pytest.approx(screen + 14.16492, abs=0.1)
    # Printers have no Boavizta reference device: no figure rather than a made-up one.
    assert "fewer_printers" not in saved


def test_nothing_to_save_is_not_shown():
    table = footprint.factors()
    all_reconditioned = [footprint.Devices("ordinateurs", 2, reconditioned_percent=100)]
    saved = footprint.compute(all_reconditioned, {}, table, 2)["savings"]
    assert "buy_reconditioned" not in saved and "fewer_screens" not in saved
    shown = footprint.action_savings(
        ["buy_reconditioned", "extend_lifespan_2y", "nope"], {"status": "ok", "savings": saved}
    )
    assert [s.scenario for s in shown] == ["extend_lifespan_2y"]
    assert footprint.action_savings(["extend_lifespan_2y"], {"status": "empty"}) == []
    # Under half a kilo the page would say "0 kg": left out.
    tiny = {"status": "ok", "savings": {"fewer_screens": 0.4}}
    assert footprint.action_savings(["fewer_screens"], tiny) == []
    assert footprint.action_savings(["extend_lifespan_2y"], None) == []


def test_empty_unknown_and_headcount_cases():
    table = footprint.factors()
    assert footprint.compute([], {}, table, 3)["status"] == "empty"
    zero = footprint.compute([footprint.Devices("ordinateurs", 0)], {}, table, 3)
    assert zero["status"] == "empty" and "total" not in zero
    unknown = footprint.compute(
        [footprint.Devices("videoprojecteurs", 2), footprint.Devices("serveurs", 1)], {}, table, 3
    )
    assert unknown["status"] == "unknown" and "total" not in unknown
    assert [w["reason"] for w in unknown["without_reference"]] == ["unknown_kind", "no_reference"]
    nobody = footprint.compute([footprint.Devices("ordinateurs", 1)], {}, table, None)
    assert nobody["per_person"] is None and nobody["french_average_percent"] is None
    assert footprint.people("0", "0") == 0.0
    assert (
        footprint.compute([footprint.Devices("ordinateurs", 1)], {}, table, 0.0)["per_person"]
        is None
    )
    assert footprint.people("50+", "200+") == 250.0 and footprint.people("?", "0") is None


def test_the_bands_per_person_follow_the_organisation_record():
    from accounts.models import StaffBand, VolunteersBand

    assert set(footprint.STAFF_PEOPLE) == set(StaffBand.values)
    assert set(footprint.VOLUNTEER_PEOPLE) == set(VolunteersBand.values)


def test_every_kind_of_the_shipped_inventory_has_factors_or_says_it_has_none():
    kinds = {e["code"] for e in questionnaire_data()["inventory"]["equipment"]}
    table = footprint.factors()
    assert kinds == set(table.kinds) | table.without_reference
    assert table.without_reference == {"imprimantes", "serveurs"}


# --- Bad input in the inventory -------------------------------------------------------------------


@pytest.fixture
def questionnaire(db):
    return published_questionnaire()


def test_counts_and_ages_out_of_range_are_refused_in_french_keeping_what_was_typed(
    client, questionnaire
):
    diagnostic, respondent = diagnostic_with_respondent(questionnaire=questionnaire)
    client.force_login(respondent.user)
    response = client.post(
        reverse("maturity:inventory_equipment", args=[diagnostic.pk]),
        {
            "eq-ordinateurs-count": "-3",
            "eq-ecrans-count": "200000",
            "eq-telephones-count": "2,5",
            "eq-tablettes-average_age": "80",
            "eq-box-renewal_years": "0",
        },
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert readable(html).count("Indiquez un nombre entier d'appareils, entre 0 et 100 000.") == 3
    assert "Indiquez un âge moyen en années, entre 0 et 50." in html
    assert "Indiquez une durée en années, entre 1 et 30." in html
    for typed in ('value="-3"', 'value="200000"', 'value="2,5"', 'value="80"'):
        assert typed in html
    assert not EquipmentItem.objects.exists()


def test_an_age_beyond_the_renewal_is_refused(client, questionnaire):
    diagnostic, respondent = diagnostic_with_respondent(questionnaire=questionnaire)
    client.force_login(respondent.user)
    url = reverse("maturity:inventory_equipment", args=[diagnostic.pk])
    response = client.post(
        url,
        {
            "eq-ordinateurs-count": "5",
            "eq-ordinateurs-average_age": "7",
            "eq-ordinateurs-renewal_years": "4",
            "eq-telephones-count": "2",
            "eq-telephones-average_age": "3",
            "eq-telephones-renewal_years": "1",
        },
    )
    assert response.status_code == 400
    html = response.content.decode().replace("&#x27;", "'")
    assert "renouvelés au bout de 4 ans ne peuvent pas avoir 7 ans en moyenne" in html
    assert "renouvelés au bout de 1 an ne peuvent pas avoir 3 ans en moyenne" in html
    assert not EquipmentItem.objects.exists()
    response = client.post(
        url,
        {
            "eq-ordinateurs-count": "5",
            "eq-ordinateurs-average_age": "3",
            "eq-ordinateurs-renewal_years": "6",
        },
    )
    assert response.status_code == 302
    laptops = EquipmentItem.objects.get(diagnostic=diagnostic, kind="ordinateurs")
    assert (laptops.count, laptops.average_age, laptops.renewal_years) == (5, 3, 6)
    page = client.get(url).content.decode()
    for label in ("Écrans d'ordinateur", "Imprimantes, copieurs et scanners", "Tablettes"):
        assert label in readable(page)
    assert 'name="eq-ordinateurs-renewal_years" value="6"' in page
    assert "servent à estimer l’empreinte carbone de votre équipement" in page


# --- Results page and PDF -------------------------------------------------------------------------


@pytest.fixture
def rules(questionnaire):
    call_command("load_roadmap_rules", verbosity=0)


EQUIPMENT_POST = {
    "eq-ordinateurs-count": "6",
    "eq-ordinateurs-average_age": "3",
    "eq-ordinateurs-reconditioned_percent": "50",
    "eq-ecrans-count": "4",
    "eq-ecrans-reconditioned_percent": "100",
    "eq-telephones-count": "3",
    "eq-telephones-average_age": "1",
    "eq-telephones-renewal_years": "2",
    "eq-imprimantes-count": "2",
    "eq-imprimantes-average_age": "6",
}


def completed(client, questionnaire, equipment: dict | None = None, **organisation):
    membership = MembershipFactory(
        admin=True,
        organisation__staff_band=organisation.get("staff_band", "3-9"),
        organisation__volunteers_band=organisation.get("volunteers_band", "10-49"),
    )
    diagnostic, respondent = diagnostic_with_respondent(
        questionnaire=questionnaire, membership=membership
    )
    client.force_login(respondent.user)
    if equipment:
        response = client.post(
            reverse("maturity:inventory_equipment", args=[diagnostic.pk]), equipment
        )
        assert response.status_code == 302
    answer_all(respondent, weakest)
    services.complete(diagnostic=diagnostic, by=respondent.user)
    diagnostic.refresh_from_db()
    return diagnostic, respondent


def results_text(client, diagnostic) -> str:
    """The results page as read: tags left out, spaces collapsed, apostrophes unescaped."""
    html = client.get(reverse("maturity:results", args=[diagnostic.pk])).content.decode()
    return " ".join(re.sub(r"<[^>]+>", " ", html.replace("&#x27;", "'")).split())


def test_the_results_page_shows_the_footprint_with_range_sources_and_comparison(
    client, questionnaire
):
    diagnostic, _respondent = completed(client, questionnaire, EQUIPMENT_POST)
    stored = diagnostic.snapshot.data["footprint"]
    expected = footprint.compute(INVENTORY, LABELS, footprint.factors(), 35.5)
    assert stored["total"] == expected["total"]
    assert stored["factors_version"] == footprint.factors().version
    total = stored["total"]
    page = results_text(client, diagnostic)
    assert "Empreinte de votre équipement" in page
    assert f"Environ {kg(total['value'])} kg CO2e par an" in page
    assert f"entre {kg(total['min'])} et {kg(total['max'])} kg" in page
    per_person = stored["per_person"]["value"]
    assert f"Par personne : environ {kg(per_person)} kg CO2e par an" in page
    assert "empreinte carbone moyenne d’une personne en France" in page and "SDES" in page
    assert "Ce qui pèse le plus : Ordinateurs portables" in page
    assert "Imprimantes, copieurs et scanners (2 appareils) : Boavizta ne fournit pas" in page
    for source in (
        "boaviztapi 2.5.0",
        "Base Empreinte",
        "Applied Energy",
        "reconditionnés",
        "Arcep",
    ):
        assert source in page
    assert "43 % de moins pour un ordinateur" in page


def test_the_stored_footprint_keeps_its_meaning_when_the_factors_change(
    client, questionnaire, monkeypatch
):
    diagnostic, _respondent = completed(client, questionnaire, EQUIPMENT_POST)
    before = kg(diagnostic.snapshot.data["footprint"]["total"]["value"])
    table = footprint.factors()
    heavier = dataclasses.replace(
        table,
        kinds={
            code: dataclasses.replace(k, embodied=footprint.Range(999.0, 999.0, 999.0))
            for code, k in table.kinds.items()
        },
    )
    monkeypatch.setattr(footprint, "factors", lambda: heavier)
    assert f"Environ {before} kg CO2e par an" in results_text(client, diagnostic)


def test_an_empty_inventory_gives_no_number_and_an_invitation(client, questionnaire):
    diagnostic, _respondent = completed(client, questionnaire)
    assert diagnostic.snapshot.data["footprint"]["status"] == "empty"
    page = results_text(client, diagnostic)
    assert "Pas d’estimation : l’inventaire de ce diagnostic ne compte aucun appareil." in page
    assert "Au prochain diagnostic, renseignez dans l’inventaire" in page
    assert "Vos diagnostics" in page
    assert "kg CO2e par an" not in page


def test_unknown_kinds_and_results_stored_before_the_footprint_say_so(client, questionnaire):
    membership = MembershipFactory(admin=True)
    diagnostic, respondent = diagnostic_with_respondent(
        questionnaire=questionnaire, membership=membership
    )
    # A kind the factors do not know (a questionnaire edited by the CRESS, say).
    EquipmentItem.objects.create(diagnostic=diagnostic, kind="videoprojecteurs", count=2)
    answer_all(respondent, weakest)
    services.complete(diagnostic=diagnostic, by=respondent.user)
    client.force_login(respondent.user)
    page = results_text(client, diagnostic)
    assert "aucun des appareils de votre inventaire n’a de données de référence" in page
    assert "videoprojecteurs (2 appareils) : ce type d’appareil est inconnu" in page
    assert "kg CO2e par an" not in page
    snapshot = diagnostic.snapshot
    del snapshot.data["footprint"]
    snapshot.save()
    assert "n’était pas encore calculée" in results_text(client, diagnostic)


# --- What the equipment actions save --------------------------------------------------------------


def test_the_rules_accept_known_savings_only():
    import yaml

    data = yaml.safe_load(
        (footprint.FACTORS_FILE.parent / "roadmap.yaml").read_text(encoding="utf-8")
    )
    cleaned, errors = roadmap_rules.clean(data)
    assert errors == []
    savings = {a["code"]: a["savings"] for a in cleaned["actions"] if a["savings"]}
    assert savings["faire_durer_materiel"][0] == "extend_lifespan_2y"
    assert savings["acheter_reconditionne"] == ["buy_reconditioned"]
    assert savings["routine_entretien_materiel"] == ["security_support"]
    data["actions"][0]["savings"] = ["moins_de_cafe"]
    _cleaned, errors = roadmap_rules.clean(data)
    assert any("savings : « moins_de_cafe » inconnu" in e for e in errors)


def test_equipment_actions_show_their_yearly_saving(client, rules, questionnaire):
    diagnostic, _respondent = completed(client, questionnaire, EQUIPMENT_POST)
    saved = diagnostic.snapshot.data["footprint"]["savings"]
    actions = {
        a.template_code: a
        for a in RoadmapAction.objects.filter(roadmap__organisation=diagnostic.organisation)
    }

    def card(code: str) -> str:
        url = reverse(
            "maturity:roadmap_action_detail", args=[diagnostic.organisation_id, actions[code].pk]
        )
        return " ".join(client.get(url).content.decode().split())

    lasting = card("faire_durer_materiel")
    assert (
        "Économie estimée si vous gardez chaque appareil deux ans de plus : "
        f"{kg(saved['extend_lifespan_2y'])} kg CO2e par an." in lasting
    )
    assert (
        f"Économie estimée pour chaque écran en moins : {kg(saved['fewer_screens'])} kg" in lasting
    )
    assert "imprimante en moins" not in lasting  # no reference data for printers
    assert (
        "si vos prochains ordinateurs, smartphones et tablettes sont reconditionnés : "
        f"{kg(saved['buy_reconditioned'])} kg CO2e par an." in card("acheter_reconditionne")
    )
    assert f"deux ans de plus : {kg(saved['security_support'])} kg CO2e" in card(
        "routine_entretien_materiel"
    )
    # An action that saves nothing says nothing about it.
    assert "Économie estimée" not in card("plan_sauvegarde_321")


@needs_pdftotext
def test_the_pdf_shows_the_footprint_and_the_saving_of_an_equipment_action(
    client, rules, questionnaire
):
    diagnostic, respondent = completed(client, questionnaire, EQUIPMENT_POST)
    stored = diagnostic.snapshot.data["footprint"]
    lasting = RoadmapAction.objects.get(
        roadmap__organisation=diagnostic.organisation, template_code="faire_durer_materiel"
    )
    roadmap.decide(lasting, accept=True)  # among the priorities, which the PDF holds
    export, _created = pdf.request_pdf(diagnostic.organisation.roadmap, user=respondent.user)
    content = pdf.render(export)
    text = " ".join(
        subprocess.run(["pdftotext", "-", "-"], input=content, capture_output=True, check=True)
        .stdout.decode()
        .split()
    )
    assert "Empreinte de votre équipement" in text
    assert f"Environ {kg(stored['total']['value'])} kg CO2e par an" in text
    assert f"Par personne : environ {kg(stored['per_person']['value'])} kg" in text
    assert "Méthode et sources" in text and "SDES" in text and "boaviztapi 2.5.0" in text
    saving = kg(stored["savings"]["extend_lifespan_2y"])
    assert f"deux ans de plus : {saving} kg CO2e par an" in text


@needs_pdftotext
def test_the_printable_results_show_the_footprint_and_its_sources(client, questionnaire):
    diagnostic, _respondent = completed(client, questionnaire, EQUIPMENT_POST)
    stored = diagnostic.snapshot.data["footprint"]
    response = client.post(reverse("maturity:results_pdf", args=[diagnostic.pk]))
    assert response.status_code == 200
    text = " ".join(
        subprocess.run(
            ["pdftotext", "-", "-"], input=response.content, capture_output=True, check=True
        )
        .stdout.decode()
        .split()
    )
    assert "Empreinte de votre équipement" in text
    assert f"Environ {kg(stored['total']['value'])} kg CO2e par an" in text
    assert f"entre {kg(stored['total']['min'])} et {kg(stored['total']['max'])} kg" in text
    assert "Ce qui pèse le plus : Ordinateurs portables" in text
    assert "Méthode et sources" in text and "SDES" in text and "Base Empreinte" in text
