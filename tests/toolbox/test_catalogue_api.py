"""The catalogue API for other platforms: read-only, public, published tools only, the files'
identifiers and records, filters and pages, French messages for refused parameters, a cache
that follows every change, a per-address limit, and an OpenAPI document that validates."""

import json

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from jsonschema import Draft202012Validator
from openapi_spec_validator import validate

from tests.adminforms import admin_form_data
from tests.factories import UserFactory
from tests.toolbox.factories import HostingOfferFactory, ProviderFactory, ToolFactory, needs
from toolbox import opendata
from toolbox import opendata_schema as fmt
from toolbox.models import Provider
from toolbox.services import json_values

pytestmark = pytest.mark.django_db

TOOLS = reverse("catalogue_api:tools")
OFFERS = reverse("catalogue_api:offers")


@pytest.fixture
def catalogue(db):
    needs("sauvegarde", "vote_secret", "visioconference")
    restic = ToolFactory(
        name="restic", needs=["sauvegarde"], deployments=["desktop", "self_hosted"]
    )
    nextcloud = ToolFactory(
        name="Nextcloud", needs=["sauvegarde"], deployments=["saas", "self_hosted"]
    )
    ToolFactory(name="Dropbox", proprietary=True, needs=["sauvegarde"], deployments=["saas"])
    belenios = ToolFactory(name="Belenios", needs=["vote_secret"], deployments=["saas"])
    ToolFactory(name="Brouillon", draft=True, needs=["sauvegarde"])
    chaton = ProviderFactory(name="Chaton", chatons_member=True)
    HostingOfferFactory(tool=nextcloud, provider=chaton, name="Nuage", data_country="FR")
    HostingOfferFactory(tool=nextcloud, name="Cloud belge", data_country="BE", access="paid")
    HostingOfferFactory(tool=belenios, provider=chaton, name="Vote", data_country="FR")
    return {"restic": restic, "nextcloud": nextcloud}


def get(client, url, params=None, **extra):
    response = client.get(url, params or {}, **extra)
    assert response["Content-Type"] == "application/json; charset=utf-8"
    return response, json.loads(response.content)


def ids(data) -> list[str]:
    return [record["id"] for record in data["results"]]


def test_published_tools_with_the_files_identifiers_and_records(client, catalogue):
    response, data = get(client, TOOLS)
    assert response.status_code == 200
    assert ids(data) == ["belenios", "dropbox", "nextcloud", "restic"]  # no draft
    assert data["count"] == 4 and data["next"] is None and data["previous"] is None
    exported = {tool["id"]: tool for tool in json.loads(opendata.catalogue_json())["tools"]}
    assert data["results"] == [exported[identifier] for identifier in ids(data)]
    # Each record is valid against the JSON Schema of catalogue.json's tools.
    schema = fmt.catalogue_schema(schema_url="https://exemple.org/s.json")
    validator = Draft202012Validator({"$defs": schema["$defs"], "$ref": "#/$defs/tool"})
    assert [e.message for r in data["results"] for e in validator.iter_errors(r)] == []
    assert response["Access-Control-Allow-Origin"] == "*"


def test_two_filters_narrow_and_repeated_values_add_up(client, catalogue):
    _, data = get(client, TOOLS, {"need": "sauvegarde", "licence_status": "libre"})
    assert ids(data) == ["nextcloud", "restic"]
    _, data = get(client, TOOLS, {"need": ["sauvegarde", "vote_secret"], "deployment": "saas"})
    assert ids(data) == ["belenios", "dropbox", "nextcloud"]
    _, data = get(client, TOOLS, {"data_country": "BE"})
    assert ids(data) == ["nextcloud"]
    _, data = get(client, TOOLS, {"data_country": "FR", "need": "vote_secret"})
    assert ids(data) == ["belenios"]
    _, data = get(client, TOOLS, {"need": "visioconference"})
    assert data["count"] == 0 and data["results"] == []


def test_pages_have_a_size_an_offset_and_links(client, catalogue):
    _, first = get(client, TOOLS, {"limit": 3})
    assert ids(first) == ["belenios", "dropbox", "nextcloud"] and first["count"] == 4
    assert first["next"] == f"http://testserver{TOOLS}?limit=3&offset=3"
    _, second = get(client, first["next"])
    assert ids(second) == ["restic"] and second["next"] is None
    assert second["previous"] == f"http://testserver{TOOLS}?limit=3&offset=0"
    _, past = get(client, TOOLS, {"offset": 50})
    assert past["results"] == [] and past["count"] == 4


@pytest.mark.parametrize(
    ("params", "parameter", "message"),
    [
        ({"licence_status": "gratuit"}, "licence_status", "« gratuit » n'est pas une valeur possible ; valeurs possibles : libre,"),
        ({"deployment": "cloud"}, "deployment", "« cloud » n'est pas une valeur possible"),
        ({"data_country": "XX"}, "data_country", "« XX » n'est pas un code pays ISO 3166-1"),
        ({"need": "inconnu"}, "need", "Besoin inconnu : inconnu"),
        ({"need": "Pas-un-code"}, "need", "« Pas-un-code » n'est pas un code ni un identifiant"),
        ({"limit": "1000"}, "limit", "100 au plus."),
        ({"limit": "0"}, "limit", "1 au moins."),
        ({"offset": "-1"}, "offset", "0 au moins."),
        ({"limit": "²"}, "limit", "« ² » n'est pas un nombre entier."),
        ({"offset": "1e309"}, "offset", "n'est pas un nombre entier."),
        ({"need": ["sauvegarde"] * 31}, "need", "30 valeurs au plus."),
    ],
)  # fmt: skip
def test_a_refused_parameter_gets_a_422_with_a_french_message(
    client, catalogue, params, parameter, message
):
    response, data = get(client, TOOLS, params)
    assert response.status_code == 422
    assert data["detail"] == "Paramètres refusés : voir chaque message."
    assert [e["parameter"] for e in data["errors"]] == [parameter]
    assert message in data["errors"][0]["message"]


def test_a_hostile_value_comes_back_escaped_and_cut(client, catalogue):
    response = client.get(TOOLS, {"licence_status": "<script>fz()</script>" + "x" * 1000})
    assert response.status_code == 422
    body = response.content.decode()
    assert "<script>" not in body and "\\u003cscript\\u003e" in body
    assert len(body) < 1000


def test_one_tool_by_its_identifier_and_a_404_otherwise(client, catalogue):
    response, data = get(client, reverse("catalogue_api:tool", args=["nextcloud"]))
    assert response.status_code == 200 and data["id"] == "nextcloud"
    for unknown in ("brouillon", "absent", "<b>x"):
        response, data = get(client, reverse("catalogue_api:tool", args=[unknown]))
        assert response.status_code == 404
        assert data["detail"].startswith("Aucun outil publié n'a l'identifiant")


def test_offers_of_published_tools_with_their_filters(client, catalogue):
    HostingOfferFactory(tool=ToolFactory(name="Caché", draft=True), name="Offre cachée")
    _, data = get(client, OFFERS)
    assert [(o["tool_id"], o["name"]) for o in data["results"]] == [
        ("belenios", "Vote"),
        ("nextcloud", "Nuage"),
        ("nextcloud", "Cloud belge"),
    ]
    exported = json.loads(opendata.catalogue_json())["offers"]
    assert data["results"] == exported
    assert data["results"][1]["provider_chatons"] is True
    _, data = get(client, OFFERS, {"tool": "nextcloud", "data_country": "FR"})
    assert [o["name"] for o in data["results"]] == ["Nuage"]
    _, data = get(client, OFFERS, {"access": "paid"})
    assert [o["name"] for o in data["results"]] == ["Cloud belge"]
    response, data = get(client, OFFERS, {"access": "gratuit", "tool": "Pas un id"})
    assert response.status_code == 422
    assert {e["parameter"] for e in data["errors"]} == {"access", "tool"}


def test_the_needs_vocabulary_and_the_index(client, catalogue):
    _, data = get(client, reverse("catalogue_api:needs"))
    assert [n["code"] for n in data["results"]] == ["sauvegarde", "vote_secret", "visioconference"]
    _, index = get(client, reverse("catalogue_api:index"))
    assert index["version"] == fmt.SCHEMA_VERSION and index["licenses"] == [fmt.LICENCE]
    assert index["tools"] == f"http://testserver{TOOLS}"
    assert index["datapackage"] == "http://testserver" + reverse("toolbox:datapackage")


def test_answers_are_cached_and_follow_every_change(
    client, catalogue, django_assert_num_queries, django_capture_on_commit_callbacks
):
    params = {"need": "sauvegarde", "licence_status": "libre"}
    _, before = get(client, TOOLS, params)
    with django_assert_num_queries(0):
        _, again = get(client, TOOLS, {"licence_status": "libre", "need": "sauvegarde"})
    assert again == before
    with django_capture_on_commit_callbacks(execute=True):
        json_values.apply_tool_values(
            catalogue["restic"], {"summary": "Sauvegardes chiffrées et dédupliquées."}
        )
    _, after = get(client, TOOLS, params)
    assert after["results"][1]["summary"] == "Sauvegardes chiffrées et dédupliquées."
    # A provider's change (in the admin) shows in its offers at once too.
    _, offers = get(client, OFFERS, {"tool": "belenios"})
    assert offers["results"][0]["provider_chatons"] is True
    client.force_login(UserFactory(cress_admin=True))
    url = reverse("admin:toolbox_provider_change", args=[Provider.objects.get(name="Chaton").pk])
    data = admin_form_data(client.get(url))
    del data["chatons_member"]  # an unticked box is not sent
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url, data).status_code == 302
    _, offers = get(client, OFFERS, {"tool": "belenios"})
    assert offers["results"][0]["provider_chatons"] is False


def test_each_client_address_is_limited_with_a_429_and_retry_after(client, catalogue, settings):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "catalogue_api": "3/m/ip"}
    for _ in range(3):
        assert client.get(TOOLS).status_code == 200
    response, data = get(client, TOOLS)
    assert response.status_code == 429
    assert response["Retry-After"] == "60"
    assert data["detail"].startswith("Trop de requêtes depuis votre adresse")
    # Another address is not affected; nor are the files and the OpenAPI document.
    assert client.get(TOOLS, REMOTE_ADDR="192.0.2.7").status_code == 200
    assert client.get(reverse("catalogue_api:openapi-json")).status_code == 200


def test_read_only_for_everyone_logged_in_or_not(client, catalogue):
    client.force_login(UserFactory(cress_admin=True))
    assert client.get(TOOLS).status_code == 200
    for method in ("post", "put", "delete"):
        assert getattr(client, method)(TOOLS).status_code == 405
    _, data = get(client, TOOLS)
    assert "brouillon" not in ids(data)  # a CRESS admin sees published tools only here too


def test_the_openapi_document_is_generated_and_valid(client, catalogue):
    response = client.get(reverse("catalogue_api:openapi-json"))
    document = json.loads(response.content)
    validate(document)  # openapi-spec-validator: raises on an invalid document
    assert document["openapi"].startswith("3.")
    paths = document["paths"]
    assert set(paths) == {
        "/outils/api/v1/",
        "/outils/api/v1/outils",
        "/outils/api/v1/outils/{tool_id}",
        "/outils/api/v1/offres",
        "/outils/api/v1/besoins",
    }
    parameters = {p["name"]: p for p in paths["/outils/api/v1/outils"]["get"]["parameters"]}
    assert {"need", "licence_status", "deployment", "data_country", "limit", "offset"} <= set(
        parameters
    )
    assert parameters["limit"]["schema"]["maximum"] == 100
    tool = document["components"]["schemas"]["Tool"]
    assert list(tool["properties"]) == opendata.TOOL_COLUMNS
    offer = document["components"]["schemas"]["Offer"]
    assert list(offer["properties"]) == opendata.OFFER_COLUMNS


def test_a_computed_page_costs_the_same_queries_whatever_the_catalogue_size(client):
    needs("sauvegarde")

    def queries() -> int:
        cache.clear()
        with CaptureQueriesContext(connection) as captured:
            response = client.get(TOOLS, {"need": "sauvegarde", "licence_status": "libre"})
        assert response.status_code == 200
        return len(captured)

    ToolFactory.create_batch(3, needs=["sauvegarde"], replaces=["Dropbox"])
    few = queries()
    ToolFactory.create_batch(40, needs=["sauvegarde"], replaces=["Google Drive", "Dropbox"])
    assert queries() == few
