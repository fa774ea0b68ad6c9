"""The tools the community stores by code are shown by their catalogue name, linked to the
tool's page when the catalogue publishes it, never as the stored code."""

import pytest
from django.urls import reverse

from ambassadors import tool_names
from maturity import hooks
from tests.ambassadors.factories import AmbassadorFactory, ResourceFactory, SupportRequestFactory
from tests.factories import MembershipFactory
from tests.pages import readable
from tests.toolbox.factories import ToolFactory

pytestmark = pytest.mark.django_db

CODES = ["helloasso", "dolibarr", "balotilo", "brouillon-cache"]


@pytest.fixture
def catalogue():
    """Two published tools, one in draft; "balotilo" is not in the catalogue."""
    ToolFactory(name="HelloAsso", slug="helloasso")
    ToolFactory(name="Dolibarr ERP CRM", slug="dolibarr")
    ToolFactory(name="Outil en brouillon", slug="brouillon-cache", draft=True)


def assert_named(page: str) -> None:
    assert (
        f'<a href="{reverse("toolbox:tool_detail", args=["helloasso"])}">HelloAsso</a>, '
        f'<a href="{reverse("toolbox:tool_detail", args=["dolibarr"])}">Dolibarr ERP CRM</a>, '
        "Balotilo, Brouillon cache"
    ) in page
    assert "Outil en brouillon" not in page
    for code in ("helloasso,", "dolibarr,", "balotilo"):
        assert code not in page


def test_an_ambassador_s_tools_are_named_and_linked(client, catalogue):
    ambassador = AmbassadorFactory(expertise_tools=CODES)
    page = readable(client.get(reverse("ambassadors:ambassador_detail", args=[ambassador.pk])))
    assert "<dt>Outils</dt>" in page
    assert_named(page)


def test_a_support_request_s_tools_are_named_and_linked(client, catalogue):
    member = MembershipFactory()
    support_request = SupportRequestFactory(
        organisation=member.organisation, tools=CODES, created_by=member.user
    )
    client.force_login(member.user)
    assert_named(readable(client.get(support_request.get_absolute_url())))


def test_a_fiche_s_tools_are_named_and_linked(client, catalogue):
    resource = ResourceFactory(tools=CODES)
    assert_named(readable(client.get(reverse("ambassadors:resource_detail", args=[resource.pk]))))


@pytest.mark.parametrize("count", [1, 12])
def test_naming_the_tools_costs_one_query_whatever_their_number(
    client, count, django_assert_num_queries
):
    codes = [f"outil-{n}" for n in range(count)]
    for code in codes:
        ToolFactory(slug=code)
    ambassador = AmbassadorFactory(expertise_tools=codes)
    url = reverse("ambassadors:ambassador_detail", args=[ambassador.pk])
    with django_assert_num_queries(4):
        assert client.get(url).status_code == 200
    with django_assert_num_queries(1):
        assert len(tool_names.named(codes)) == count
    with django_assert_num_queries(0):
        assert tool_names.named([]) == []


def test_without_the_toolbox_the_codes_read_as_names(monkeypatch):
    monkeypatch.setattr(hooks.tools_named, "provider", None)
    assert [t.name for t in tool_names.named(["nextcloud", "big-blue-button"])] == [
        "Nextcloud",
        "Big blue button",
    ]
