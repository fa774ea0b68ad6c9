import csv
import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.factories import UserFactory
from tests.pages import readable
from tests.toolbox.factories import HostingOfferFactory, ToolFactory, ToolUseFactory
from toolbox import opendata
from toolbox.models import Tool

pytestmark = pytest.mark.django_db

HEADER = "id,name,summary,usages,licence_spdx,licence_status,deployments,ease,replaces\n"
GOOD = "galene,Galène,Visio légère,visio,MIT,libre,self_hosted,3,Zoom|Google Meet\n"


@pytest.fixture
def cress_client(client):
    client.force_login(UserFactory(cress_admin=True))
    return client


def upload(client, content: bytes, name="outils.csv"):
    return client.post(
        reverse("toolbox:import"), {"file": SimpleUploadedFile(name, content, "text/csv")}
    )


def test_csv_export_has_stable_ids_lists_and_no_personal_data(client):
    tool = ToolFactory(name="Nextcloud", usages=["stockage", "bureautique"], replaces=["Dropbox"])
    ToolUseFactory(tool=tool, testimonial="Secret d'organisation", testimonial_status="approved")
    ToolFactory(name="Brouillon", draft=True)
    response = client.get(reverse("toolbox:export_tools_csv"))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert [row["id"] for row in rows] == ["nextcloud"]
    assert rows[0]["usages"] == "stockage|bureautique"
    assert rows[0]["replaces"] == "Dropbox"
    assert "Secret" not in response.content.decode()
    assert list(rows[0]) == opendata.TOOL_COLUMNS


def test_json_export_contains_tools_and_offers(client):
    offer = HostingOfferFactory(tool=ToolFactory(name="Nextcloud"), name="Framaspace")
    data = json.loads(client.get(reverse("toolbox:export_json")).content)
    # Format 2.0.0: the schema's address and version instead of the label "boussole-toolbox/1".
    assert data["schema"] == "http://testserver" + reverse("toolbox:catalogue_schema")
    assert data["version"] == "2.1.0"
    assert data["tools"][0]["id"] == "nextcloud"
    assert data["offers"][0]["name"] == "Framaspace"
    assert data["offers"][0]["provider"] == offer.provider.name
    offers_csv = client.get(reverse("toolbox:export_offers_csv")).content.decode()
    assert "Framaspace" in offers_csv


def test_export_reimports_without_error_and_without_change():
    tool = ToolFactory(name="Nextcloud", replaces=["Dropbox"])
    report = opendata.run_import(opendata.tools_csv(), commit=True)
    assert report.errors == [] and report.updated == ["Nextcloud"]
    report = opendata.run_import(opendata.catalogue_json(), commit=False)
    assert report.ok
    assert Tool.objects.get(pk=tool.pk).name == "Nextcloud"


def test_import_dry_run_then_confirm(cress_client):
    response = upload(cress_client, (HEADER + GOOD).encode())
    assert "Confirmer l’import" in response.content.decode()
    assert not Tool.objects.exists()
    response = cress_client.post(reverse("toolbox:import"), {"confirm": "1"})
    assert response.status_code == 302
    tool = Tool.objects.get(slug="galene")
    assert tool.status == "published"
    assert sorted(p.name for p in tool.replaces.all()) == ["Google Meet", "Zoom"]
    assert tool.history.get().history_change_reason == "Import"


def test_import_reports_each_bad_row_and_imports_nothing(cress_client):
    ToolFactory(name="Jitsi Meet", slug="jitsi")
    bad = (
        HEADER
        + GOOD
        + "nouveau,Jitsi Meet,Doublon,visio,MIT,libre,saas,1,\n"
        + "x,Sans licence connue,Résumé,visio,AGPL3,libre,saas,1,\n"
        + "y,Adresse,Résumé,inconnu,MIT,libre,saas,7,\n"
        + "Mauvais Id,Nom,Résumé,visio,MIT,libre,saas,1,\n"
        + "galene,Galène bis,Résumé,visio,MIT,libre,saas,1,\n"
    )
    response = upload(cress_client, bad.encode())
    body = response.content.decode()
    assert "5 lignes en erreur" in body
    for expected in ["porte déjà ce nom", "SPDX", "inconnu", "lettres minuscules", "deux fois"]:
        assert expected in body
    assert "Confirmer l’import" not in body
    # Even a forged confirmation imports nothing: nothing valid waits in the session.
    cress_client.post(reverse("toolbox:import"), {"confirm": "1"})
    assert list(Tool.objects.values_list("slug", flat=True)) == ["jitsi"]


def test_import_with_wrong_encoding_is_refused_with_a_clear_message(cress_client):
    response = upload(cress_client, (HEADER + GOOD).encode("latin-1"))
    body = response.content.decode()
    assert "pas encodé en UTF-8" in body and "ligne 2" in body
    assert not Tool.objects.exists()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"nom;description\nx;y\n", "Colonnes obligatoires absentes"),
        (b'{"tools": [1, 2]}', "liste « tools »"),
        (b"{pas du json", "JSON invalide"),
    ],
)
def test_unusable_import_file_is_refused(cress_client, content, message):
    assert message in readable(upload(cress_client, content))


def test_import_json_updates_an_existing_tool_by_id():
    ToolFactory(name="Nextcloud", summary="Ancien")
    data = json.loads(opendata.catalogue_json())
    data["tools"][0]["summary"] = "Nouveau résumé"
    report = opendata.run_import(json.dumps(data), commit=True)
    assert report.imported
    tool = Tool.objects.get(slug="nextcloud")
    assert tool.summary == "Nouveau résumé" and tool.version == 2


def test_import_command_is_a_dry_run_unless_committed(tmp_path):
    from django.core.management import call_command

    path = tmp_path / "outils.csv"
    path.write_text(HEADER + GOOD, encoding="utf-8")
    call_command("import_toolbox", str(path))
    assert not Tool.objects.exists()
    call_command("import_toolbox", str(path), "--commit")
    assert Tool.objects.filter(slug="galene").exists()


def test_opendata_page_documents_the_schema(client):
    body = client.get(reverse("toolbox:opendata")).content.decode()
    for column in opendata.TOOL_COLUMNS:
        assert f"<code>{column}</code>" in body
