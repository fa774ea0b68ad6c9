"""Publication states on the platform's pages: draft → in review → published → archived."""

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import UserFactory
from tests.pages import plain, readable
from tests.toolbox.factories import ToolFactory
from toolbox import opendata
from toolbox.models import Proposal, Tool
from toolbox.services import json_values, proposals, publication

pytestmark = pytest.mark.django_db


@pytest.fixture
def cress(db):
    return UserFactory(cress_admin=True)


@pytest.fixture
def cress_client(client, cress):
    client.force_login(cress)
    return client


def move(client, tool, status, reason="", **extra):
    return client.post(
        reverse("toolbox:change_status", args=[tool.slug]),
        {"status": status, "reason": reason, **extra},
    )


@pytest.mark.parametrize(
    ("start", "target", "reason"),
    [
        ("draft", "in_review", ""),
        ("in_review", "published", ""),
        ("in_review", "draft", "Licence à vérifier"),
        ("published", "archived", "Plus maintenu depuis 2024"),
        ("published", "draft", "Fiche à reprendre"),
        ("archived", "published", "De nouveau maintenu"),
        ("archived", "draft", ""),
    ],
)
def test_each_transition_is_recorded_in_the_history(cress_client, cress, start, target, reason):
    tool = ToolFactory(name="Galène", status=start)
    version = tool.version
    response = move(cress_client, tool, target, reason)
    assert response.status_code == 302 and response["Location"] == tool.get_absolute_url()
    tool.refresh_from_db()
    assert tool.status == target
    # A change of state is not a change of content: pending proposals do not conflict.
    assert tool.version == version
    record = tool.history.latest()
    assert record.status == target and record.history_user == cress
    expected = reason or publication.TRANSITIONS[(start, target)].history
    assert record.history_change_reason == expected


@pytest.mark.parametrize(
    ("start", "target"),
    [("in_review", "draft"), ("published", "archived"), ("published", "draft"),
     ("archived", "published")],
)  # fmt: skip
def test_a_reason_is_required_where_it_matters(cress_client, start, target):
    tool = ToolFactory(name="Galène", status=start)
    response = move(cress_client, tool, target, reason="   ")
    assert response.status_code == 302
    tool.refresh_from_db()
    assert tool.status == start
    body = cress_client.get(tool.get_absolute_url()).content.decode()
    assert "Indiquez la raison de ce changement" in body


@pytest.mark.parametrize(
    ("start", "target"),
    [("draft", "published"), ("draft", "archived"), ("in_review", "archived"),
     ("published", "published"), ("archived", "in_review")],
)  # fmt: skip
def test_moves_outside_the_workflow_are_refused(cress_client, start, target):
    tool = ToolFactory(name="Galène", status=start)
    move(cress_client, tool, target, reason="Essai")
    tool.refresh_from_db()
    assert tool.status == start
    assert tool.history.count() == 1


def test_bad_input_is_refused_without_error(cress_client):
    tool = ToolFactory(name="Galène")
    for data in [{"status": "supprime"}, {"status": "archived", "reason": "x" * 101}, {}]:
        response = cress_client.post(reverse("toolbox:change_status", args=[tool.slug]), data)
        assert response.status_code == 302
    tool.refresh_from_db()
    assert tool.status == "published"


@pytest.mark.parametrize("role", ["member", "anonymous"])
def test_only_cress_admins_may_change_a_state(client, role):
    tool = ToolFactory(name="Galène")
    if role == "member":
        client.force_login(UserFactory())
    response = move(client, tool, "archived", "Essai")
    assert response.status_code == (403 if role == "member" else 302)
    if role == "anonymous":
        assert "/login/" in response["Location"] or "connexion" in response["Location"]
    tool.refresh_from_db()
    assert tool.status == "published"
    assert "toolbox:change_status" not in client.get(tool.get_absolute_url()).content.decode()
    assert "Archiver" not in client.get(tool.get_absolute_url()).content.decode()


def test_post_only_and_csrf_protected(cress):
    tool = ToolFactory(name="Galène")
    client = Client(enforce_csrf_checks=True)
    client.force_login(cress)
    url = reverse("toolbox:change_status", args=[tool.slug])
    assert client.get(url).status_code == 405
    assert client.post(url, {"status": "archived", "reason": "Essai"}).status_code == 403
    tool.refresh_from_db()
    assert tool.status == "published"


def test_tool_page_offers_the_allowed_moves_as_plain_forms(cress_client):
    tool = ToolFactory(name="Galène")
    body = cress_client.get(tool.get_absolute_url()).content.decode()
    action = reverse("toolbox:change_status", args=[tool.slug])
    assert body.count(f'<form method="post" action="{action}"') == 2
    assert 'name="csrfmiddlewaretoken"' in body
    assert 'value="archived"' in body and 'value="draft"' in body
    assert 'id="reason-archived" maxlength="100" required' in body
    assert ">Archiver</button>" in body and "Republier" not in body


def test_archived_tool_leaves_the_catalogue_but_its_page_says_archived(client, cress_client):
    tool = ToolFactory(name="Galène", usages=["visio"])
    ToolFactory(name="Jitsi Meet", usages=["visio"])
    move(cress_client, tool, "archived", "Remplacé par Jitsi Meet")
    client.logout()
    catalogue = client.get(reverse("toolbox:catalogue")).content.decode()
    assert "Galène" not in catalogue and "Jitsi Meet" in catalogue
    assert "galene" not in opendata.tools_csv()
    response = client.get(tool.get_absolute_url())
    assert response.status_code == 200
    body = response.content.decode()
    assert "<title>Galène (archivé)" in body
    assert "Outil archivé." in body and "ne le présente plus dans le catalogue" in body
    assert "Remplacé par Jitsi Meet" not in body  # the reason is for the CRESS
    assert "Proposer une correction" not in body
    compare = client.get(reverse("toolbox:compare"), {"outils": ["galene", "jitsi-meet"]})
    assert "Galène" not in compare.content.decode().split("<h1")[1].split("</main>")[0]


def test_cress_admin_sees_who_archived_and_why_and_can_republish(cress_client, cress):
    tool = ToolFactory(name="Galène")
    move(cress_client, tool, "archived", "Remplacé par Jitsi Meet")
    body = cress_client.get(tool.get_absolute_url()).content.decode()
    archived = f"Archivé par {plain(cress.display_name)} — raison : Remplacé par Jitsi Meet"
    assert archived in readable(body)
    assert ">Republier</button>" in body
    move(cress_client, tool, "published", "Remis en service")
    assert "Galène" in cress_client.get(reverse("toolbox:catalogue")).content.decode()
    history = cress_client.get(reverse("toolbox:tool_history", args=[tool.slug]))
    text = history.content.decode()
    assert "Remplacé par Jitsi Meet" in text and "Remis en service" in text
    assert "<del>Publié</del></td><td><ins>Archivé</ins>" in text
    assert "<del>Archivé</del></td><td><ins>Publié</ins>" in text


def test_moderation_page_lists_tools_outside_the_catalogue_and_publishes_one(cress_client):
    review = ToolFactory(name="En relecture", status="in_review")
    ToolFactory(name="Un brouillon", draft=True)
    ToolFactory(name="Une archive", status="archived")
    ToolFactory(name="Publié")
    body = cress_client.get(reverse("toolbox:moderation")).content.decode()
    assert body.index("En relecture (1)") < body.index("Brouillon (1)") < body.index("Archivé (1)")
    assert "Publier En relecture" in body and "Publié</a>" not in body
    response = move(cress_client, review, "published", next="moderation")
    assert response["Location"] == reverse("toolbox:moderation")
    review.refresh_from_db()
    assert review.status == "published"


def test_a_pending_edit_survives_archive_and_republication(cress):
    tool = ToolFactory(name="Galène", summary="Ancien")
    proposal = proposals.propose_edit(
        author=UserFactory(), tool=tool, values={**json_values.tool_values(tool), "summary": "Neuf"}
    )
    publication.change_status(tool, to="archived", moderator=cress, reason="Pause")
    publication.change_status(tool, to="published", moderator=cress, reason="Reprise")
    proposals.approve(proposal, moderator=cress)
    assert Tool.objects.get(pk=tool.pk).summary == "Neuf"
    assert Proposal.objects.get().status == "approved"


def _moderation_queries(client, django_assert_num_queries) -> int:
    with django_assert_num_queries(8) as ctx:
        response = client.get(reverse("toolbox:moderation"))
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_moderation_page_queries_do_not_grow_with_the_queue(
    cress_client, django_assert_num_queries
):
    from tests.toolbox.factories import ProposalFactory, ToolUseFactory

    def fill(n):
        ToolFactory.create_batch(n, status="in_review")
        ToolFactory.create_batch(n, status="archived")
        ToolFactory.create_batch(n, stale=True)
        ProposalFactory.create_batch(n)
        ToolUseFactory.create_batch(n)

    cress_client.get(reverse("toolbox:moderation"))  # the session's first stamp is a write
    fill(1)
    few = _moderation_queries(cress_client, django_assert_num_queries)
    fill(25)
    many = _moderation_queries(cress_client, django_assert_num_queries)
    assert many == few, (few, many)
    page = cress_client.get(reverse("toolbox:moderation")).content.decode()
    assert page.count("Marquer") >= 26  # every stale entry is listed with its action
