import pytest
from django.urls import reverse

from tests.factories import MembershipFactory, UserFactory
from tests.pages import readable
from tests.toolbox.factories import (
    HostingOfferFactory,
    ProprietaryProductFactory,
    ToolFactory,
    ToolUseFactory,
)
from toolbox.models import ToolUse

pytestmark = pytest.mark.django_db


def test_tool_page_shows_offers_alternatives_and_approved_testimonials(client):
    tool = ToolFactory(name="Nextcloud", replaces=["Google Drive"])
    HostingOfferFactory(tool=tool, name="Framaspace", data_country="DE")
    ToolUseFactory(tool=tool, testimonial="Publié !", testimonial_status="approved")
    ToolUseFactory(tool=tool, testimonial="En attente", testimonial_status="pending")
    body = client.get(reverse("toolbox:tool_detail", args=[tool.slug])).content.decode()
    assert "Framaspace" in body and "Google Drive" in body
    assert "Publié !" in readable(body) and "En attente" not in body
    assert "2 organisations déclarent l’utiliser." in body


@pytest.mark.parametrize("n", [1, 50])
def test_tool_page_queries_are_bounded(client, django_assert_num_queries, n):
    tool = ToolFactory(name="Nextcloud", replaces=[f"Produit {i}" for i in range(n)])
    for _ in range(n):
        HostingOfferFactory(tool=tool)
        ToolUseFactory(tool=tool, testimonial_status="approved")
    with django_assert_num_queries(5):
        assert client.get(reverse("toolbox:tool_detail", args=[tool.slug])).status_code == 200


def test_compare_three_tools_side_by_side_in_the_requested_order(client):
    for name in ["Alpha", "Bravo", "Charlie"]:
        ToolFactory(name=name)
    response = client.get(reverse("toolbox:compare"), {"outils": ["charlie", "alpha", "bravo"]})
    body = response.content.decode()
    assert "Comparaison côte à côte" in body
    assert body.index(">Charlie<") < body.index(">Alpha<") < body.index(">Bravo<")


def test_compare_says_how_easy_each_tool_is_in_the_words_of_its_page(client):
    for name, ease in [("Alpha", 1), ("Bravo", 2), ("Charlie", 3)]:
        ToolFactory(name=name, ease=ease)
    page = readable(
        client.get(reverse("toolbox:compare"), {"outils": ["alpha", "bravo", "charlie"]})
    )
    assert (
        '<tr><th scope="row">Prise en main</th><td>facile</td><td>moyenne</td>'
        "<td>demande de l'accompagnement</td></tr>"
    ) in page
    for slug, label in [("alpha", "facile"), ("charlie", "demande de l'accompagnement")]:
        detail = readable(client.get(reverse("toolbox:tool_detail", args=[slug])))
        assert f"<dt>Prise en main</dt><dd>{label}</dd>" in detail


@pytest.mark.parametrize("chosen", [["alpha"], ["alpha", "b", "c", "d", "e"], ["alpha", "inconnu"]])
def test_compare_needs_two_to_four_known_published_tools(client, chosen):
    for name in ["Alpha", "B", "C", "D", "E"]:
        ToolFactory(name=name)
    body = client.get(reverse("toolbox:compare"), {"outils": chosen}).content.decode()
    assert "Comparaison côte à côte" not in body
    assert "errorlist" in body


def test_compare_queries_are_bounded(client, django_assert_num_queries):
    for name in ["Alpha", "Bravo", "Charlie", "Delta"]:
        tool = ToolFactory(name=name, replaces=["Zoom", "Skype"])
        HostingOfferFactory(tool=tool)
        HostingOfferFactory(tool=tool)
    with django_assert_num_queries(5):
        client.get(reverse("toolbox:compare"), {"outils": ["alpha", "bravo", "charlie", "delta"]})


def test_alternatives_page_lists_libre_tools_first(client):
    product = ProprietaryProductFactory(name="Zoom")
    ToolFactory(name="Autre visio", proprietary=True, replaces=["Zoom"])
    ToolFactory(name="Jitsi Meet", replaces=["Zoom"])
    ToolFactory(name="Caché", draft=True, replaces=["Zoom"])
    listing = client.get(reverse("toolbox:alternatives")).content.decode()
    assert "Zoom" in listing
    body = client.get(reverse("toolbox:alternative_detail", args=[product.slug])).content.decode()
    assert body.index("Jitsi Meet") < body.index("Autre visio")
    assert "Caché" not in body


@pytest.mark.parametrize("n", [1, 50])
def test_alternatives_list_queries_are_bounded(client, django_assert_num_queries, n):
    for i in range(n):
        ToolFactory(name=f"Outil {i}", replaces=[f"Produit {i}"])
    with django_assert_num_queries(1):
        client.get(reverse("toolbox:alternatives"))


def test_member_declares_use_with_a_moderated_testimonial(client):
    membership = MembershipFactory()
    tool = ToolFactory(name="Nextcloud")
    client.force_login(membership.user)
    url = reverse("toolbox:declare_use", args=[tool.slug])
    client.post(url, {"testimonial": "<script>alert(1)</script>Très utile"})
    use = ToolUse.objects.get()
    assert use.organisation == membership.organisation
    assert use.testimonial_status == "pending"
    # A second declaration updates the same one; withdrawing removes it.
    client.post(url, {"testimonial": ""})
    assert ToolUse.objects.get().testimonial_status == "none"
    client.post(url, {"action": "withdraw"})
    assert not ToolUse.objects.exists()


def test_approved_testimonial_is_escaped_on_the_tool_page(client):
    tool = ToolFactory(name="Nextcloud")
    use = ToolUseFactory(tool=tool, testimonial="<script>alert(1)</script>Très utile")
    admin = UserFactory(cress_admin=True)
    client.force_login(admin)
    client.post(reverse("toolbox:moderation_testimonial", args=[use.pk]), {"decision": "approve"})
    client.logout()
    body = client.get(reverse("toolbox:tool_detail", args=[tool.slug])).content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;Très utile" in body
    assert "<script>alert(1)" not in body


def test_too_long_testimonial_is_refused(client):
    membership = MembershipFactory()
    tool = ToolFactory(name="Nextcloud")
    client.force_login(membership.user)
    response = client.post(
        reverse("toolbox:declare_use", args=[tool.slug]), {"testimonial": "x" * 2001}, follow=True
    )
    assert "2 000 caractères" in response.content.decode()
    assert not ToolUse.objects.exists()


def test_person_without_organisation_cannot_declare_use(client):
    client.force_login(UserFactory())
    tool = ToolFactory(name="Nextcloud")
    response = client.post(reverse("toolbox:declare_use", args=[tool.slug]), follow=True)
    assert "Rejoignez ou inscrivez une organisation" in response.content.decode()
    assert not ToolUse.objects.exists()


def test_nav_links_to_the_toolbox(client):
    assert reverse("toolbox:catalogue") in client.get(reverse("home")).content.decode()
