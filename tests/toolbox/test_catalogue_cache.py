"""The catalogue API's cached answers follow every way the catalogue is written: services,
the admin (change, inline, revert, delete, bulk delete), the load and import commands.

Each test caches an answer first, then changes the catalogue as people do: a write path that
did not say the catalogue changed (toolbox.catalogue_changes) would get the cached answer back.
"""

import io
import json

import pytest
from django.core.management import call_command
from django.urls import reverse

from tests.adminforms import _form_fields, admin_form_data
from tests.factories import UserFactory
from tests.toolbox.factories import HostingOfferFactory, ProposalFactory, ToolFactory, needs
from tests.toolbox.test_import_offers import OFFER_HEADER, offer_line
from toolbox import opendata
from toolbox.models import Proposal, Tool
from toolbox.services import json_values, proposals, publication

pytestmark = pytest.mark.django_db

TOOLS = reverse("catalogue_api:tools")
OFFERS = reverse("catalogue_api:offers")
NEEDS = reverse("catalogue_api:needs")


def read(client, url) -> list[dict]:
    response = client.get(url)
    assert response.status_code == 200
    return json.loads(response.content)["results"]


def names(client, url) -> list[str]:
    return [record["name"] for record in read(client, url)]


@pytest.fixture
def nextcloud(db):
    tool = ToolFactory(name="Nextcloud", summary="Avant.", replaces=["Dropbox"])
    HostingOfferFactory(tool=tool, name="Nuage")
    return tool


@pytest.fixture
def cress_client(client):
    client.force_login(UserFactory(cress_admin=True))
    return client


def test_replaced_products_edited_by_a_service_show_at_once(
    client, nextcloud, django_capture_on_commit_callbacks
):
    assert read(client, TOOLS)[0]["replaces"] == ["Dropbox"]
    with django_capture_on_commit_callbacks(execute=True):
        json_values.apply_tool_values(nextcloud, {"replaces": ["Dropbox", "Google Drive"]})
    assert read(client, TOOLS)[0]["replaces"] == ["Dropbox", "Google Drive"]


def test_an_approved_offer_proposal_shows_at_once(
    client, nextcloud, django_capture_on_commit_callbacks
):
    assert names(client, OFFERS) == ["Nuage"]
    proposal = ProposalFactory(
        kind=Proposal.Kind.NEW_OFFER,
        tool=nextcloud,
        payload={
            "provider_name": "Chaton du coin",
            "name": "Cloud associatif",
            "access": "free",
            "data_country": "FR",
        },
    )
    with django_capture_on_commit_callbacks(execute=True):
        proposals.approve(proposal, moderator=UserFactory(cress_admin=True))
    assert names(client, OFFERS) == ["Cloud associatif", "Nuage"]


def test_an_archived_tool_leaves_the_answers_at_once(
    client, nextcloud, django_capture_on_commit_callbacks
):
    assert names(client, TOOLS) == ["Nextcloud"]
    with django_capture_on_commit_callbacks(execute=True):
        publication.change_status(
            nextcloud, to="archived", moderator=UserFactory(cress_admin=True), reason="Abandonné."
        )
    assert read(client, TOOLS) == [] and read(client, OFFERS) == []


def test_offers_imported_from_a_file_show_at_once(
    client, nextcloud, django_capture_on_commit_callbacks
):
    assert names(client, OFFERS) == ["Nuage"]
    # An offers file alone: no tool is written, only an offer and its provider.
    with django_capture_on_commit_callbacks(execute=True):
        report = opendata.run_import(
            files=[("offres.csv", OFFER_HEADER + offer_line())], commit=True
        )
    assert report.imported
    assert names(client, OFFERS) == ["Cloud associatif", "Nuage"]


def test_a_tool_changed_in_the_admin_shows_at_once(
    cress_client, nextcloud, django_capture_on_commit_callbacks
):
    assert read(cress_client, TOOLS)[0]["summary"] == "Avant."
    url = reverse("admin:toolbox_tool_change", args=[nextcloud.pk])
    data = admin_form_data(cress_client.get(url))
    with django_capture_on_commit_callbacks(execute=True):
        assert cress_client.post(url, {**data, "summary": "Après."}).status_code == 302
    assert read(cress_client, TOOLS)[0]["summary"] == "Après."


def test_an_offer_changed_in_the_tools_inline_shows_at_once(
    cress_client, nextcloud, django_capture_on_commit_callbacks
):
    assert names(cress_client, OFFERS) == ["Nuage"]
    url = reverse("admin:toolbox_tool_change", args=[nextcloud.pk])
    data = admin_form_data(cress_client.get(url))
    with django_capture_on_commit_callbacks(execute=True):
        assert cress_client.post(url, {**data, "offers-0-name": "Nuage 2"}).status_code == 302
    assert names(cress_client, OFFERS) == ["Nuage 2"]


def test_a_need_renamed_in_the_admin_shows_at_once(
    cress_client, django_capture_on_commit_callbacks
):
    (need,) = needs("sauvegarde")
    assert [n["label"] for n in read(cress_client, NEEDS)] == ["Sauvegarde"]
    url = reverse("admin:toolbox_need_change", args=[need.pk])
    data = admin_form_data(cress_client.get(url))
    with django_capture_on_commit_callbacks(execute=True):
        assert cress_client.post(url, {**data, "label": "Sauvegarder"}).status_code == 302
    assert [n["label"] for n in read(cress_client, NEEDS)] == ["Sauvegarder"]


# django-simple-history's revert page reads a variable it never sets (onclick_attrib).
@pytest.mark.ignore_template_errors
def test_a_tool_reverted_from_its_history_shows_at_once(
    cress_client, nextcloud, django_capture_on_commit_callbacks
):
    first = nextcloud.history.earliest("history_date")
    with django_capture_on_commit_callbacks(execute=True):
        json_values.apply_tool_values(nextcloud, {"summary": "Après."})
    assert read(cress_client, TOOLS)[0]["summary"] == "Après."
    url = reverse("admin:toolbox_tool_simple_history", args=[nextcloud.pk, first.history_id])
    # The revert page shows the old version's form, without inlines.
    data = _form_fields(cress_client.get(url).context["adminform"].form)
    with django_capture_on_commit_callbacks(execute=True):
        assert cress_client.post(url, data).status_code == 302
    assert read(cress_client, TOOLS)[0]["summary"] == "Avant."


def test_an_offer_deleted_in_the_admin_leaves_at_once(
    cress_client, nextcloud, django_capture_on_commit_callbacks
):
    assert names(cress_client, OFFERS) == ["Nuage"]
    url = reverse("admin:toolbox_hostingoffer_delete", args=[nextcloud.offers.get().pk])
    with django_capture_on_commit_callbacks(execute=True):
        assert cress_client.post(url, {"post": "yes"}).status_code == 302
    assert read(cress_client, OFFERS) == []


def test_tools_deleted_by_the_admins_bulk_action_leave_at_once(
    client, nextcloud, django_capture_on_commit_callbacks
):
    # Only a superuser deletes tools (CRESS admins archive them).
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    jitsi = ToolFactory(name="Jitsi Meet")
    assert names(client, TOOLS) == ["Jitsi Meet", "Nextcloud"]
    data = {"action": "delete_selected", "_selected_action": [jitsi.pk], "post": "yes"}
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("admin:toolbox_tool_changelist"), data)
    assert response.status_code == 302 and not Tool.objects.filter(pk=jitsi.pk).exists()
    assert names(client, TOOLS) == ["Nextcloud"]


LOADED = """
reviewed: 2026-01-05
needs:
  - {code: sauvegarde, label: %s}
providers:
  - {slug: chaton, name: Chaton du coin}
tools:
  - {slug: restic, name: restic, summary: Sauvegardes., usages: [stockage], needs: [sauvegarde],
     licence: BSD-2-Clause, licence_status: libre, deployments: [desktop]}
offers:
  - {tool: restic, provider: chaton, name: Sauvegarde, access: free}
"""


def test_what_the_load_command_changes_shows_at_once(
    client, tmp_path, django_capture_on_commit_callbacks
):
    path = tmp_path / "toolbox.yaml"

    def load(label: str) -> None:
        path.write_text(LOADED % label, encoding="utf-8")
        with django_capture_on_commit_callbacks(execute=True):
            call_command("load_toolbox", file=str(path), stdout=io.StringIO())

    load("Sauvegarde")
    assert [n["label"] for n in read(client, NEEDS)] == ["Sauvegarde"]
    assert names(client, OFFERS) == ["Sauvegarde"]
    # The tool is unchanged: only the command itself can say that the need changed.
    load("Sauvegarder ses données")
    assert [n["label"] for n in read(client, NEEDS)] == ["Sauvegarder ses données"]
