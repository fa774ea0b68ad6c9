import re

import pytest
from django.urls import reverse

from tests.toolbox.factories import HostingOfferFactory, ToolFactory
from toolbox.views import PER_PAGE

pytestmark = pytest.mark.django_db
URL = reverse("toolbox:catalogue")


def names(response) -> list[str]:
    return re.findall(r'<h3><a href="[^"]+">([^<]+)</a></h3>', response.content.decode())


@pytest.fixture
def catalogue(db):
    nextcloud = ToolFactory(
        name="Nextcloud",
        summary="Stockage et partage de fichiers pour l'équipe.",
        usages=["stockage"],
        deployments=["saas", "self_hosted"],
        dimensions=["collaboration"],
        replaces=["Google Drive", "Dropbox"],
    )
    HostingOfferFactory(tool=nextcloud, data_country="FR", access="membership")
    HostingOfferFactory(tool=nextcloud, data_country="DE", access="free_associations")
    cryptpad = ToolFactory(
        name="CryptPad", usages=["bureautique", "stockage"], replaces=["Google Drive"]
    )
    HostingOfferFactory(tool=cryptpad, data_country="US", access="paid")
    jitsi = ToolFactory(
        name="Jitsi Meet",
        summary="Réunions en visioconférence.",
        usages=["visio"],
        dimensions=["gouvernance"],
    )
    drive = ToolFactory(name="Google Drive Pro", proprietary=True, usages=["stockage"])
    ToolFactory(name="Brouillon", draft=True, usages=["stockage"])
    return {"nextcloud": nextcloud, "cryptpad": cryptpad, "jitsi": jitsi, "drive": drive}


def test_catalogue_lists_published_tools_only(client, catalogue):
    response = client.get(URL)
    assert response.status_code == 200
    assert names(response) == ["CryptPad", "Google Drive Pro", "Jitsi Meet", "Nextcloud"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("usage=visio", ["Jitsi Meet"]),
        ("usage=visio&usage=bureautique", ["CryptPad", "Jitsi Meet"]),
        ("licence=libre&usage=stockage", ["CryptPad", "Nextcloud"]),
        ("licence=proprietary", ["Google Drive Pro"]),
        ("deploiement=self_hosted", ["Nextcloud"]),
        ("donnees=fr", ["Nextcloud"]),
        ("donnees=ue", ["Nextcloud"]),
        ("donnees=local", ["Nextcloud"]),
        ("acces=paid", ["CryptPad"]),
        ("acces=membership&acces=paid", ["CryptPad", "Nextcloud"]),
        ("dimension=gouvernance", ["Jitsi Meet"]),
        ("remplace=google-drive", ["CryptPad", "Nextcloud"]),
        ("remplace=google-drive&donnees=fr&licence=libre", ["Nextcloud"]),
        ("licence=libre&donnees=fr&remplace=google-drive", ["Nextcloud"]),
    ],
)
def test_facets_combine_in_any_order(client, catalogue, query, expected):
    assert names(client.get(f"{URL}?{query}")) == expected


def test_a_tool_with_two_matching_offers_appears_once(client, catalogue):
    assert names(client.get(f"{URL}?acces=membership&acces=free_associations")) == ["Nextcloud"]


@pytest.mark.parametrize(
    ("term", "expected"),
    [
        ("visio", ["Jitsi Meet"]),
        ("VISIOCONFÉRENCE", ["Jitsi Meet"]),
        ("equipe", ["Nextcloud"]),
        ("Équipe fichiers", ["Nextcloud"]),
        ("dropbox", ["Nextcloud"]),
        ("introuvable", []),
    ],
)
def test_search_is_accent_and_case_insensitive(client, catalogue, term, expected):
    assert names(client.get(URL, {"q": term})) == expected


def test_search_with_two_facets_finds_google_drive_replacement_hosted_in_france(client, catalogue):
    response = client.get(URL, {"q": "fichiers", "usage": "stockage", "donnees": "fr"})
    assert names(response) == ["Nextcloud"]


def test_unknown_facet_values_are_ignored_with_a_notice(client, catalogue):
    response = client.get(URL, {"usage": "<script>", "remplace": "inconnu"})
    assert response.status_code == 200
    assert "ont été ignorés" in response.content.decode()
    assert "<script>" not in response.content.decode()


def test_search_syntax_characters_are_harmless(client, catalogue):
    response = client.get(URL, {"q": "visio & | ! :* ( ' \""})
    assert response.status_code == 200
    assert names(response) == ["Jitsi Meet"]


def test_pagination_keeps_the_filters(client, db):
    for n in range(PER_PAGE + 6):
        ToolFactory(name=f"Outil visio {n:02d}", usages=["visio"])
    response = client.get(URL, {"usage": "visio", "page": 2})
    assert len(names(response)) == 6
    assert "usage=visio&amp;page=1" in response.content.decode()


def test_htmx_request_gets_the_results_fragment_equal_to_the_full_page(client, catalogue):
    query = {"usage": "stockage", "q": "fichiers"}
    fragment = client.get(URL, query, headers={"HX-Request": "true"}).content.decode()
    full = client.get(URL, query).content.decode()
    assert fragment.strip().startswith('<section id="results"')
    assert "<html" not in fragment
    assert fragment.strip() in full


def test_filters_form_works_without_javascript(client, catalogue):
    body = client.get(URL).content.decode()
    assert 'method="get"' in body
    assert "<legend>Usages</legend>" in body
    assert "<script>" not in body.split("</head>")[1]


def _count_queries(client, django_assert_num_queries, n, start=0):
    for index in range(start, start + n):
        tool = ToolFactory(
            name=f"Visio {index}", usages=["visio"], replaces=[f"Produit {index % 5}"]
        )
        HostingOfferFactory(tool=tool, data_country="FR")
    with django_assert_num_queries(5) as ctx:
        response = client.get(URL, {"q": "visio", "usage": "visio", "donnees": "fr"})
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_catalogue_queries_do_not_grow_with_the_number_of_tools(
    client, db, django_assert_num_queries
):
    one = _count_queries(client, django_assert_num_queries, 1)
    many = _count_queries(client, django_assert_num_queries, 60, start=1)
    assert one == many


def test_chosen_facets_and_product_stay_in_the_form(client, catalogue):
    body = client.get(URL, {"usage": "visio", "remplace": "google-drive"}).content.decode()
    assert 'name="usage" value="visio" id="id_usage_4" checked' in body
    assert '<input type="hidden" name="remplace" value="google-drive">' in body
