"""Importing hosting offers: the same format as the export, the same validation and dry run."""

import datetime
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.factories import UserFactory
from tests.pages import readable
from tests.toolbox.factories import HostingOfferFactory, ProviderFactory, ToolFactory
from toolbox import opendata
from toolbox.models import HostingOffer, ProprietaryProduct, Provider, Tool

pytestmark = pytest.mark.django_db

OFFER_HEADER = ",".join(opendata.OFFER_COLUMNS) + "\n"


def offer_line(**values) -> str:
    row = {
        "tool_id": "nextcloud",
        "provider": "Hébergeur Solidaire",
        "provider_legal_form": "SCIC",
        "provider_ess_status": "ess",
        "provider_chatons": "true",
        "provider_cress_pooled": "false",
        "name": "Cloud associatif",
        "url": "https://exemple.org/cloud",
        "access": "membership",
        "price": "30 € par an",
        "data_country": "FR",
        "support": "Formation d'une heure",
        **values,
    }
    return ",".join(row[column] for column in opendata.OFFER_COLUMNS) + "\n"


@pytest.fixture
def cress_client(client):
    client.force_login(UserFactory(cress_admin=True))
    return client


def upload(client, *files):
    data = {"file": SimpleUploadedFile(files[0][0], files[0][1], "text/csv")}
    if len(files) > 1:
        data["offers_file"] = SimpleUploadedFile(files[1][0], files[1][1], "text/csv")
    return client.post(reverse("toolbox:import"), data)


@pytest.fixture
def catalogue(db):
    nextcloud = ToolFactory(
        name="Nextcloud",
        summary="Fichiers, agenda et contacts.",
        description="Un **nuage** à soi.",
        usages=["stockage", "bureautique"],
        deployments=["saas", "self_hosted"],
        dimensions=["collaboration"],
        replaces=["Google Drive", "Dropbox"],
        website_url="https://nextcloud.com",
        recommendation="watch",
        recommendation_reason="À suivre.",
        recommendation_date=datetime.date(2026, 3, 1),
        last_reviewed=datetime.date(2026, 4, 2),
    )
    jitsi = ToolFactory(name="Jitsi Meet", usages=["visio"], replaces=["Zoom"], ease=1)
    chaton = ProviderFactory(name="Chaton du coin", legal_form="association", ess_status="ess")
    coop = ProviderFactory(
        name="Coop Numérique", legal_form="SCIC", ess_status="esus", chatons_member=False,
        cress_pooled=True,
    )  # fmt: skip
    HostingOfferFactory(tool=nextcloud, provider=chaton, name="Nuage", access="free_associations")
    HostingOfferFactory(
        tool=nextcloud, provider=coop, name="Cloud pro", access="paid", price="5 € / mois",
        data_country="BE", url="https://coop.example/cloud", support="Migration accompagnée",
    )  # fmt: skip
    HostingOfferFactory(tool=jitsi, provider=chaton, name="Visio", access="free")
    draft = ToolFactory(name="Brouillon", draft=True)
    HostingOfferFactory(tool=draft, provider=coop, name="Pas exporté")
    return {"nextcloud": nextcloud, "jitsi": jitsi}


def empty_catalogue():
    HostingOffer.objects.all().delete()
    Tool.objects.all().delete()
    Provider.objects.all().delete()
    ProprietaryProduct.objects.all().delete()


def test_json_round_trip_into_an_empty_catalogue_gives_the_same_tools_and_offers(catalogue):
    exported = opendata.catalogue_json()
    assert len(json.loads(exported)["offers"]) == 3
    empty_catalogue()
    report = opendata.run_import(exported, commit=True)
    assert report.imported and report.errors == []
    assert sorted(report.created) == ["Jitsi Meet", "Nextcloud"]
    assert len(report.offers_created) == 3
    assert opendata.catalogue_json() == exported
    assert Provider.objects.get(name="Coop Numérique").cress_pooled


def test_csv_round_trip_through_the_page_with_both_files(cress_client, catalogue):
    tools, offers = opendata.tools_csv(), opendata.offers_csv()
    exported = opendata.catalogue_json()
    empty_catalogue()
    response = upload(cress_client, ("outils.csv", tools.encode()), ("offres.csv", offers.encode()))
    assert "Offres d'hébergement : 3 à créer, 0 à mettre à jour." in readable(response)
    assert not Tool.objects.exists() and not HostingOffer.objects.exists()
    response = cress_client.post(reverse("toolbox:import"), {"confirm": "1"})
    assert response.status_code == 302
    assert opendata.tools_csv() == tools and opendata.offers_csv() == offers
    assert opendata.catalogue_json() == exported
    offer = HostingOffer.objects.get(name="Cloud pro")
    assert offer.history.get().history_change_reason == "Import"


def test_reimporting_the_export_changes_nothing_and_writes_no_offer_version(catalogue):
    versions = HostingOffer.history.count()
    report = opendata.run_import(opendata.catalogue_json(), commit=True)
    assert report.imported and len(report.offers_updated) == 3 and not report.offers_created
    assert HostingOffer.objects.count() == 4
    assert HostingOffer.history.count() == versions


def test_offers_file_alone_adds_an_offer_to_an_existing_tool(cress_client, catalogue):
    response = upload(cress_client, ("offres.csv", (OFFER_HEADER + offer_line()).encode()))
    assert "Offres d'hébergement : 1 à créer" in readable(response)
    cress_client.post(reverse("toolbox:import"), {"confirm": "1"})
    offer = HostingOffer.objects.get(name="Cloud associatif")
    assert offer.tool == catalogue["nextcloud"] and offer.data_country == "FR"
    assert offer.provider.chatons_member and not offer.provider.cress_pooled
    assert offer.provider.legal_form == "SCIC"


def test_each_bad_offer_row_is_reported_with_its_line_and_nothing_is_imported(
    cress_client, catalogue
):
    rows = [
        offer_line(),  # line 2: valid
        offer_line(tool_id="inconnu", name="A"),
        offer_line(access="gratuit", name="B"),
        offer_line(data_country="XX", name="C"),
        offer_line(data_country="France", name="D"),
        offer_line(provider_chatons="peut-être", name="E"),
        offer_line(url="pas une adresse", name="F"),
        offer_line(provider_legal_form="SARL", name="G"),
        offer_line(),  # line 10: the same offer as line 2
        offer_line(name=""),
        offer_line(provider_ess_status="solidaire", name="H"),
    ]
    response = upload(cress_client, ("offres.csv", (OFFER_HEADER + "".join(rows)).encode()))
    body = readable(response)
    assert "10 lignes en erreur" in body
    expected = [
        ("offres.csv, ligne 3", "aucun outil « inconnu » dans le fichier ni dans le catalogue"),
        ("offres.csv, ligne 4", "access : « gratuit » est inconnu ; codes possibles : free,"),
        ("offres.csv, ligne 5", "« XX » n'est pas un code pays ISO"),
        ("offres.csv, ligne 6", "« France » n'est pas un code pays ISO"),
        ("offres.csv, ligne 7", "« peut-être » n'est ni vrai ni faux"),
        ("offres.csv, ligne 8", "url : Saisissez une URL valide."),
        ("offres.csv, ligne 9", "est décrit autrement ligne 2 (provider_legal_form)"),
        ("offres.csv, ligne 10", "apparaît déjà ligne 2"),
        ("offres.csv, ligne 11", "name : Ce champ est obligatoire."),
        ("offres.csv, ligne 12", "provider_ess_status : « solidaire » est inconnu"),
    ]
    for location, message in expected:
        row = body.split(f'<th scope="row">{location}</th>')[1].split("</tr>")[0]
        assert message in row, (location, row)
    assert "Confirmer l'import" not in body
    cress_client.post(reverse("toolbox:import"), {"confirm": "1"})
    assert not HostingOffer.objects.filter(name="Cloud associatif").exists()


def test_an_offer_for_a_tool_of_the_same_file_is_valid_and_a_bad_tool_row_blocks_all():
    tools = opendata.TOOL_COLUMNS
    header = ",".join(tools) + "\n"
    tool_row = {c: "" for c in tools} | {
        "id": "galene", "name": "Galène", "summary": "Visio légère", "usages": "visio",
        "licence_spdx": "MIT", "licence_status": "libre", "deployments": "self_hosted",
        "ease": "3",
    }  # fmt: skip
    text = header + ",".join(tool_row[c] for c in tools) + "\n"
    offers = OFFER_HEADER + offer_line(tool_id="galene")
    report = opendata.run_import(files=[("outils.csv", text), ("offres.csv", offers)], commit=True)
    assert report.imported
    assert HostingOffer.objects.get().tool.slug == "galene"
    bad = text.replace("MIT", "AGPL3").replace("galene", "galene-2").replace("Galène", "Galène 2")
    report = opendata.run_import(
        files=[("outils.csv", bad), ("offres.csv", offers.replace("galene", "galene-2"))],
        commit=True,
    )
    assert not report.imported
    assert [e.location for e in report.errors] == ["outils.csv, ligne 2"]
    assert not Tool.objects.filter(slug="galene-2").exists()
    assert HostingOffer.objects.count() == 1


def test_json_offer_errors_give_the_offer_position(catalogue):
    data = json.loads(opendata.catalogue_json())
    data["offers"][1]["access"] = "cher"
    data["offers"][2]["tool_id"] = "absent"
    report = opendata.run_import(json.dumps(data), commit=True)
    assert not report.imported
    assert [(e.location, e.kind) for e in report.errors] == [
        ("JSON, offre n°\u00a02", "offer"),
        ("JSON, offre n°\u00a03", "offer"),
    ]


def test_wrong_encoding_of_the_offers_file_names_the_file(cress_client, catalogue):
    response = upload(
        cress_client,
        ("outils.csv", opendata.tools_csv().encode()),
        ("offres.csv", (OFFER_HEADER + offer_line(price="30 euros")).encode("latin-1")),
    )
    body = readable(response)
    assert "offres.csv — Le fichier n'est pas encodé en UTF-8" in body
    assert "ligne 2" in body


@pytest.mark.parametrize(
    ("files", "message"),
    [
        ([("a.csv", "tool_id,provider\nx,y\n")], "Colonnes obligatoires absentes : name, access"),
        ([("a.json", '{"schema": "autre/2", "tools": []}')], "Schéma « autre/2 » inconnu"),
        ([("a.json", '{"tools": [], "offers": [3]}')], "liste « offers » d'objets"),
        (
            [("a.csv", OFFER_HEADER), ("b.csv", OFFER_HEADER)],
            "a.csv et b.csv contiennent tous deux des offres",
        ),
        (
            [("a.json", '{"tools": []}'), ("b.csv", OFFER_HEADER)],
            "Un fichier JSON contient tout le catalogue",
        ),
    ],
)
def test_unusable_files_are_refused(cress_client, files, message):
    response = upload(cress_client, *[(name, text.encode()) for name, text in files])
    assert message in readable(response)
    assert "Résultat de la simulation" not in readable(response)


def test_import_command_takes_the_tools_and_offers_files(tmp_path, catalogue):
    from django.core.management import call_command

    (tmp_path / "outils.csv").write_text(opendata.tools_csv(), encoding="utf-8")
    (tmp_path / "offres.csv").write_text(opendata.offers_csv(), encoding="utf-8")
    exported = opendata.catalogue_json()
    empty_catalogue()
    files = [str(tmp_path / "outils.csv"), str(tmp_path / "offres.csv")]
    call_command("import_toolbox", *files)
    assert not HostingOffer.objects.exists()
    call_command("import_toolbox", *files, "--commit")
    assert opendata.catalogue_json() == exported


def test_opendata_page_documents_the_offer_columns_and_which_are_required(client):
    body = client.get(reverse("toolbox:opendata")).content.decode()
    for column in opendata.OFFER_COLUMNS:
        assert f"<code>{column}</code>" in body
    row = body.split("<code>data_country</code>")[1].split("</tr>")[0]
    assert "<td>oui</td>" in row and "ISO 3166-1" in row
    row = body.split("<code>price</code>")[1].split("</tr>")[0]
    assert "<td>non</td>" in row
