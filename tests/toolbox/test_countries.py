"""Where an offer keeps its data: ISO codes stored, French names shown (pycountry's list)."""

from html import unescape

import pytest
from django.urls import reverse

from tests.factories import UserFactory
from tests.toolbox.factories import HostingOfferFactory, ToolFactory
from toolbox.countries import ISO_COUNTRY_CODES, country_choices, country_name
from toolbox.filters import EU_COUNTRIES
from toolbox.models import Proposal


def test_codes_are_iso_3166_1_and_names_french():
    assert len(ISO_COUNTRY_CODES) == 249
    assert {"FR", "DE", "BE", "CH", "GB", "US"} <= ISO_COUNTRY_CODES
    assert not {"UK", "EU", "XK", "fr"} & ISO_COUNTRY_CODES
    assert country_name("DE") == "Allemagne"
    assert country_name("GB") == "Royaume-Uni"
    # The common name, not ISO's formal one ("Corée, République de").
    assert country_name("KR") == "Corée du Sud"
    assert country_name("ZZ") == "ZZ"


def test_the_european_union_filter_names_iso_codes():
    assert len(EU_COUNTRIES) == 27 and set(EU_COUNTRIES) <= ISO_COUNTRY_CODES


def test_country_choices_follow_the_french_alphabet_accents_ignored():
    names = [name for _code, name in country_choices()]
    assert len(names) == 249
    assert names.index("Danemark") < names.index("Égypte") < names.index("Espagne")


@pytest.mark.django_db
def test_the_tool_page_and_the_comparison_show_the_country_s_french_name(client):
    nextcloud = ToolFactory(name="Nextcloud")
    HostingOfferFactory(tool=nextcloud, name="Framaspace", data_country="DE")
    body = client.get(reverse("toolbox:tool_detail", args=[nextcloud.slug])).content.decode()
    assert "<td>Allemagne</td>" in body and "<td>DE</td>" not in body
    ToolFactory(name="Seafile")
    response = client.get(reverse("toolbox:compare"), {"outils": ["nextcloud", "seafile"]})
    assert "données Allemagne" in unescape(response.content.decode()).replace("\u00a0", " ")


@pytest.mark.django_db
def test_an_offer_is_proposed_by_picking_a_country_by_its_name(client):
    tool = ToolFactory(name="Nextcloud")
    client.force_login(UserFactory())
    url = reverse("toolbox:propose_offer", args=[tool.slug])
    body = client.get(url).content.decode()
    assert '<option value="FR" selected>France</option>' in body
    assert '<option value="BE">Belgique</option>' in body
    data = {
        "provider_name": "Hébergeur Solidaire",
        "provider_ess_status": "ess",
        "name": "Cloud associatif",
        "access": "membership",
        "data_country": "BE",
    }
    assert client.post(url, data).status_code == 302
    proposal = Proposal.objects.get()
    assert proposal.payload["data_country"] == "BE"
    cress = UserFactory(cress_admin=True)
    client.force_login(cress)
    page = client.get(reverse("toolbox:moderation_proposal", args=[proposal.pk]))
    assert "Belgique" in page.content.decode()


@pytest.mark.django_db
def test_a_forged_country_is_refused_with_a_french_message(client):
    tool = ToolFactory(name="Nextcloud")
    client.force_login(UserFactory())
    url = reverse("toolbox:propose_offer", args=[tool.slug])
    data = {
        "provider_name": "Hébergeur",
        "provider_ess_status": "ess",
        "name": "Cloud",
        "access": "membership",
        "data_country": "XX",
    }
    response = client.post(url, data)
    assert response.status_code == 400 and not Proposal.objects.exists()
    text = unescape(response.content.decode()).replace("\u00a0", " ").replace("\u2019", "'")
    assert "« XX » n'est pas un code pays ISO à deux lettres" in text
