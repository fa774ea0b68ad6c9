import pytest
from django.core.management import call_command

from tests.toolbox.factories import ToolFactory
from toolbox.models import HostingOffer, Tool, Usage
from toolbox.services import json_values, seams

pytestmark = pytest.mark.django_db


def test_recommended_tools_are_published_libre_first_and_limited():
    ToolFactory(name="Propriétaire", proprietary=True, usages=["visio"])
    ToolFactory(name="Jitsi", usages=["visio"], ease=1)
    ToolFactory(name="BBB", usages=["visio"], ease=2)
    ToolFactory(name="Plus recommandé", usages=["visio"], recommendation="not_recommended")
    ToolFactory(name="Brouillon", usages=["visio"], draft=True)
    ToolFactory(name="Autre usage", usages=["stockage"])
    result = seams.recommended_tools(["visio"], limit=3)
    assert [t.name for t in result] == ["Jitsi", "BBB", "Propriétaire"]
    assert seams.recommended_tools([]) == []


def test_recommended_tools_put_replacements_of_the_inventory_first():
    ToolFactory(name="Jitsi", usages=["visio"], ease=1)
    ToolFactory(name="Galène", usages=["visio"], ease=3, replaces=["Zoom"])
    result = seams.recommended_tools(["visio"], replaces=["zoom"], limit=1)
    assert [t.name for t in result] == ["Galène"]


def test_reserved_slugs_are_never_given_to_tools():
    assert json_values.unique_tool_slug("Comparer") == "comparer-outil"


def test_load_toolbox_is_idempotent_and_covers_every_usage():
    call_command("load_toolbox")
    counts = (Tool.objects.count(), HostingOffer.objects.count(), Tool.history.count())
    call_command("load_toolbox")
    assert (Tool.objects.count(), HostingOffer.objects.count(), Tool.history.count()) == counts
    assert HostingOffer.history.count() == HostingOffer.objects.count()
    published = Tool.objects.published()
    assert published.count() >= 60
    assert HostingOffer.objects.count() >= 15
    for usage in Usage.values:
        assert published.for_usage(usage).exists(), usage
    for tool in published:
        tool.full_clean()


def test_demo_data_loads_the_toolbox(settings):
    settings.DEBUG = True
    call_command("demo_data")
    assert Tool.objects.count() >= 60


def test_done_when_libre_google_drive_replacement_hosted_in_france(client):
    call_command("load_toolbox")
    body = client.get(
        "/outils/", {"remplace": "google-drive", "donnees": "fr", "licence": "libre"}
    ).content.decode()
    assert "Nextcloud" in body
    body = client.get("/outils/", {"q": "google drive", "donnees": "fr"}).content.decode()
    assert "Nextcloud" in body
