"""Facet counts: each value shows how many published tools it gives with the other filters."""

import re
from urllib.parse import urlencode

import pytest
from django.urls import reverse

from tests.toolbox.factories import HostingOfferFactory, ToolFactory, needs
from toolbox.filters import ToolFilter

pytestmark = pytest.mark.django_db
URL = reverse("toolbox:catalogue")


@pytest.fixture
def catalogue(db):
    needs("stockage_partage", "edition_collaborative", "visioconference", "sauvegarde")
    nextcloud = ToolFactory(
        name="Nextcloud",
        summary="Stockage et partage de fichiers pour l'équipe.",
        usages=["stockage", "bureautique"],
        needs=["stockage_partage", "edition_collaborative"],
        deployments=["saas", "self_hosted"],
        dimensions=["collaboration"],
        replaces=["Google Drive", "Dropbox"],
    )
    HostingOfferFactory(tool=nextcloud, data_country="FR", access="membership")
    HostingOfferFactory(tool=nextcloud, data_country="DE", access="free_associations")
    HostingOfferFactory(tool=nextcloud, data_country="FR", access="membership")
    cryptpad = ToolFactory(
        name="CryptPad",
        usages=["bureautique", "stockage"],
        needs=["edition_collaborative"],
        replaces=["Google Drive"],
    )
    HostingOfferFactory(tool=cryptpad, data_country="US", access="paid")
    ToolFactory(
        name="Jitsi Meet",
        summary="Réunions en visioconférence pour l'équipe.",
        usages=["visio"],
        needs=["visioconference"],
        deployments=["self_hosted", "desktop"],
        dimensions=["gouvernance"],
    )
    ToolFactory(name="Google Drive Pro", proprietary=True, usages=["stockage"])
    ToolFactory(name="Seafile", usages=["stockage"], licence_status="open_core")
    draft = ToolFactory(name="Brouillon", draft=True, usages=["stockage"])
    HostingOfferFactory(tool=draft, data_country="FR", access="free")
    ToolFactory(name="Archive", status="archived", usages=["stockage"])


def results(client, query: dict) -> int:
    """The tools the page lists (fewer than a page here), checked against its total."""
    body = client.get(URL, query).content.decode()
    listed = len(re.findall(r'<li class="card">\s*<h3><a href="', body))
    assert int(re.search(r'id="results-title">(\d+) outil', body).group(1)) == listed
    return listed


def label_counts(body: str, facet: str) -> dict[str, int]:
    """{value: count} as shown in the labels of a facet's checkboxes."""
    found = re.findall(
        rf'name="{facet}" value="([a-z_]+)" id="(id_{facet}_\d+)"[^>]*> <label for="\2"'
        r' class="toolbox-choice">[^<]*? \((\d+)\)</label>',
        body,
    )
    return {value: int(count) for value, _id, count in found}


QUERIES = [
    {},
    {"usage": ["stockage"]},
    {"usage": ["stockage", "visio"], "licence": ["libre"]},
    {"donnees": ["fr"], "acces": ["membership", "paid"]},
    {"q": "equipe", "deploiement": ["self_hosted"]},
    {"remplace": "google-drive", "donnees": ["ue"]},
    {"dimension": ["collaboration", "gouvernance"], "donnees": ["local"]},
    {"besoin": ["edition_collaborative"], "licence": ["libre"]},
    {"besoin": ["visioconference", "stockage_partage"], "acces": ["membership"]},
]


@pytest.mark.parametrize("query", QUERIES, ids=lambda q: urlencode(q, doseq=True) or "tout")
def test_each_count_is_the_number_of_results_its_choice_would_give(client, catalogue, query):
    body = client.get(URL, query).content.decode()
    for facet in ToolFilter.FACETS:
        shown = label_counts(body, facet)
        choices = [value for value, _label in ToolFilter().choices(facet)]
        if facet in ToolFilter.SPARSE_FACETS:
            # Needs are many: a value that would give nothing is not listed (unless chosen).
            for value in set(choices) - set(shown):
                assert results(client, {**query, facet: [value]}) == 0, (facet, value)
                assert value not in query.get(facet, []), (facet, value)
        else:
            assert len(shown) == len(choices), facet
        for value, count in shown.items():
            # Standard faceted search: the facet's own choices are replaced by this value.
            assert count == results(client, {**query, facet: [value]}), (facet, value)


def test_needs_that_would_give_nothing_are_hidden_and_the_page_says_so(client, catalogue):
    body = client.get(URL, {"usage": "visio"}).content.decode()
    # Only Jitsi Meet is a visio tool: the needs of the other tools are not listed.
    assert label_counts(body, "besoin") == {"visioconference": 1}
    assert "3 choix sans outil correspondant sont masqués." in body
    # Ids follow each need's place among all needs, whatever is hidden.
    assert 'value="visioconference" id="id_besoin_2"' in body
    body = client.get(URL, {"usage": "visio", "besoin": "sauvegarde"}).content.decode()
    assert label_counts(body, "besoin")["sauvegarde"] == 0  # chosen: still listed, to uncheck


def test_labels_carry_the_count_as_text(client, catalogue):
    body = client.get(URL).content.decode()
    assert 'class="toolbox-choice">Stockage et partage de fichiers (4)</label>' in body
    assert 'class="toolbox-choice">Visioconférence (1)</label>' in body
    assert 'class="toolbox-choice">Payant (1)</label>' in body
    assert ">5 outils</h2>" in body


def test_counts_ignore_drafts_archives_and_other_choices_of_the_same_facet(client, catalogue):
    body = client.get(URL, {"usage": "visio"}).content.decode()
    # Choosing "visio" does not make "stockage" drop to zero: values of a facet add up.
    assert label_counts(body, "usage")["stockage"] == 4
    assert label_counts(body, "licence") == {
        "libre": 1, "open_core": 0, "source_available": 0, "proprietary": 0,
    }  # fmt: skip
    assert label_counts(body, "acces")["free"] == 0  # only the draft has a free offer


def test_the_chosen_product_shows_its_count_with_the_other_filters(client, catalogue):
    # Products are picked on the alternatives page (a select of every product would outweigh
    # the results); the catalogue keeps the chosen one, with its count, and a way to drop it.
    body = client.get(URL, {"licence": "libre"}).content.decode()
    assert 'name="remplace"' not in body
    assert f'<a href="{reverse("toolbox:alternatives")}">' in body
    body = client.get(URL, {"licence": "libre", "remplace": "google-drive"}).content.decode()
    assert '<input type="hidden" name="remplace" value="google-drive">' in body
    assert "Remplace Google Drive (2)" in body
    assert 'href="?licence=libre">Retirer' in body
    body = client.get(URL, {"usage": "visio", "remplace": "dropbox"}).content.decode()
    assert "Remplace Dropbox (0)" in body
    assert label_counts(body, "usage")["stockage"] == 1


def test_unknown_values_are_ignored_by_the_counts(client, catalogue):
    body = client.get(URL, {"usage": "<script>", "acces": "paid"}).content.decode()
    assert "ont été ignorés" in body
    assert label_counts(body, "usage")["bureautique"] == 1  # only the access filter applies


def test_htmx_fragment_updates_the_counts_with_the_results(client, catalogue):
    fragment = client.get(URL, {"licence": "proprietary"}, headers={"HX-Request": "true"})
    text = fragment.content.decode()
    assert text.strip().startswith('<section id="results"')
    assert label_counts(text, "usage")["stockage"] == 1
    assert 'name="licence" value="proprietary" id="id_licence_3" checked' in text
    assert ">1 outil</h2>" in text


def _page_queries(client, django_assert_num_queries, query) -> int:
    # The needs vocabulary (1), facets and products' counts (1), products (1), the page (1)
    # and its prefetch (1); the "remplace" filter looks its product up (1). No COUNT: the facet
    # query gives the total.
    with django_assert_num_queries(6 if "remplace" in query else 5) as ctx:
        response = client.get(URL, query)
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize(
    "query",
    [{}, {"q": "visio", "usage": "visio", "donnees": "fr"}, {"remplace": "produit-1", "acces": "free"}],
)  # fmt: skip
def test_counts_take_one_query_with_few_or_many_tools(client, db, django_assert_num_queries, query):
    def add(start, n):
        for index in range(start, start + n):
            tool = ToolFactory(
                name=f"Visio {index}", usages=["visio"], replaces=[f"Produit {index % 5}"]
            )
            HostingOfferFactory(tool=tool, data_country="FR", access="free")

    add(0, 2)
    few = _page_queries(client, django_assert_num_queries, query)
    add(2, 80)
    many = _page_queries(client, django_assert_num_queries, query)
    assert few == many
    if not query:
        body = client.get(URL).content.decode()
        assert label_counts(body, "usage")["visio"] == 82


def test_facet_counts_are_one_query(db, django_assert_num_queries, rf):
    ToolFactory(name="Nextcloud")
    filterset = ToolFilter(rf.get(URL, {"q": "nextcloud", "usage": "stockage"}).GET)
    with django_assert_num_queries(1):
        counts = filterset.counts()
    assert counts.total == 1 and counts.facets["usage"]["stockage"] == 1
