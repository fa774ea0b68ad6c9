import pytest
from django.core import mail
from django.urls import reverse

from common.typography import de
from tests.factories import UserFactory
from tests.toolbox.factories import ProposalFactory, ToolFactory
from toolbox.models import HostingOffer, Proposal, Tool
from toolbox.services import curation, json_values, proposals

pytestmark = pytest.mark.django_db


def tool_data(**overrides):
    data = {
        "name": "Galène",
        "summary": "Visioconférence légère.",
        "description": "Très **sobre**.",
        "usages": ["visio"],
        "licence_spdx": "MIT",
        "licence_status": "libre",
        "deployments": ["self_hosted"],
        "replaces": "Zoom, Google Meet",
        "dimensions": ["numerique_responsable"],
        "ease": "3",
        "accessibility_notes": "",
        "sobriety_notes": "",
        "website_url": "https://galene.org",
        "source_url": "",
        "comment": "",
    }
    return {**data, **overrides}


@pytest.fixture
def member(client):
    user = UserFactory()
    client.force_login(user)
    return user


@pytest.fixture
def cress(db):
    return UserFactory(cress_admin=True)


def test_member_proposes_a_tool_and_nothing_is_published_before_approval(client, member):
    response = client.post(reverse("toolbox:propose_tool"), tool_data())
    assert response.status_code == 302
    proposal = Proposal.objects.get()
    assert proposal.kind == "new_tool" and proposal.status == "pending"
    assert proposal.payload["replaces"] == ["Google Meet", "Zoom"]
    assert not Tool.objects.exists()


def test_cress_admin_approves_a_proposal_and_its_history_is_visible(
    client, member, cress, django_capture_on_commit_callbacks
):
    client.post(reverse("toolbox:propose_tool"), tool_data())
    proposal = Proposal.objects.get()
    client.force_login(cress)
    page = client.get(reverse("toolbox:moderation_proposal", args=[proposal.pk]))
    assert "Galène" in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("toolbox:moderation_proposal", args=[proposal.pk]), {"decision": "approve"}
        )
    assert response.status_code == 302
    tool = Tool.objects.get(name="Galène")
    assert tool.status == "published"
    assert sorted(p.name for p in tool.replaces.all()) == ["Google Meet", "Zoom"]
    assert mail.outbox[0].to == [member.email]
    history = client.get(reverse("toolbox:tool_history", args=[tool.slug])).content.decode()
    assert cress.display_name in history
    # « n° 1 » with a no-break space, « de » elided before a vowel (d’Inès).
    assert f"Proposition n°\u00a0{proposal.pk} {de(member.display_name)}" in history
    assert "galene" in Tool.objects.get(pk=tool.pk).search_text


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("licence_spdx", "AGPL3", "identifiant SPDX connu"),
        ("website_url", "pas une adresse", "URL valide"),
        ("website_url", "javascript:alert(1)", "URL valide"),
        ("usages", [], "obligatoire"),
        ("ease", "9", "inférieure ou égale à 3"),
    ],
)
def test_bad_input_is_refused_and_kept(client, member, field, value, message):
    response = client.post(reverse("toolbox:propose_tool"), tool_data(**{field: value}))
    body = response.content.decode()
    assert response.status_code == 400
    assert message in body
    assert "Visioconférence légère." in body  # what was typed is kept
    assert not Proposal.objects.exists()


def test_duplicate_name_is_refused_with_the_existing_entry(client, member):
    existing = ToolFactory(name="Galène")
    response = client.post(reverse("toolbox:propose_tool"), tool_data(name="  GALENE "))
    body = response.content.decode()
    assert "porte déjà ce nom" in body
    assert reverse("toolbox:tool_detail", args=[existing.slug]) in body
    assert not Proposal.objects.exists()


def test_similar_name_warns_and_needs_confirmation(client, member):
    ToolFactory(name="Nextcloud")
    data = tool_data(name="Nextcloud Hub")
    response = client.post(reverse("toolbox:propose_tool"), data)
    assert "Des outils au nom proche existent déjà" in response.content.decode()
    assert not Proposal.objects.exists()
    client.post(reverse("toolbox:propose_tool"), {**data, "confirm_not_duplicate": "on"})
    assert Proposal.objects.count() == 1


def test_script_in_a_proposal_is_rendered_harmless(client, member, cress):
    # CommonMark: a line that opens with <script> is an HTML block to its end, hence two lines.
    evil = "<script>alert('x')</script>\n\n<img src=x onerror=alert(1)> **gras**"
    client.post(
        reverse("toolbox:propose_tool"), tool_data(description=evil, summary="<b>résumé</b>")
    )
    proposal = Proposal.objects.get()
    client.force_login(cress)
    moderation = client.get(reverse("toolbox:moderation_proposal", args=[proposal.pk]))
    assert "<script>alert" not in moderation.content.decode()
    client.post(reverse("toolbox:moderation_proposal", args=[proposal.pk]), {"decision": "approve"})
    page = client.get(reverse("toolbox:tool_detail", args=["galene"])).content.decode()
    assert "<script>alert" not in page
    assert "onerror" not in page
    assert "<strong>gras</strong>" in page
    assert "&lt;b&gt;résumé&lt;/b&gt;" in page


def test_edit_proposal_stores_only_the_changes(client, member):
    tool = ToolFactory(name="Jitsi Meet", usages=["visio"], replaces=["Zoom"])
    url = reverse("toolbox:propose_edit", args=[tool.slug])
    form = client.get(url)
    assert "Zoom" in form.content.decode()
    data = tool_data(name="Jitsi Meet", summary="Nouveau résumé", replaces="Zoom")
    data.update(usages=["visio"], deployments=["saas"], dimensions=[], description="", ease="2")
    data.update(licence_spdx="AGPL-3.0-or-later", website_url="")
    client.post(url, data)
    proposal = Proposal.objects.get()
    assert proposal.payload == {"summary": "Nouveau résumé"}
    assert proposal.base_version == tool.version
    assert Tool.objects.get(pk=tool.pk).summary == tool.summary


def test_edit_proposal_without_change_is_refused(client, member):
    tool = ToolFactory(name="Jitsi Meet")
    values = json_values.tool_values(tool)
    data = {**values, "replaces": "", "ease": str(values["ease"]), "comment": ""}
    response = client.post(reverse("toolbox:propose_edit", args=[tool.slug]), data)
    assert "rien modifié" in response.content.decode()
    assert not Proposal.objects.exists()


def test_approving_an_edit_whose_tool_changed_meanwhile_shows_a_conflict(client, cress):
    tool = ToolFactory(name="Jitsi Meet", summary="Ancien")
    author = UserFactory()
    proposal = proposals.propose_edit(
        author=author, tool=tool, values={**json_values.tool_values(tool), "summary": "Proposé"}
    )
    json_values.apply_tool_values(tool, {"summary": "Changé par la CRESS"}, user=cress)
    client.force_login(cress)
    page = client.get(reverse("toolbox:moderation_proposal", args=[proposal.pk])).content.decode()
    assert "Conflit" in page
    response = client.post(
        reverse("toolbox:moderation_proposal", args=[proposal.pk]), {"decision": "approve"}
    )
    assert response.status_code == 409
    assert "Changé par la CRESS" in response.content.decode()
    assert Tool.objects.get(pk=tool.pk).summary == "Changé par la CRESS"
    assert Proposal.objects.get(pk=proposal.pk).status == "pending"


def test_approving_an_edit_applies_it_and_bumps_the_version(cress):
    tool = ToolFactory(name="Jitsi Meet", summary="Ancien")
    proposal = proposals.propose_edit(
        author=UserFactory(), tool=tool, values={**json_values.tool_values(tool), "summary": "Neuf"}
    )
    proposals.approve(proposal, moderator=cress)
    tool.refresh_from_db()
    assert (tool.summary, tool.version) == ("Neuf", 2)
    assert tool.history.count() == 2


def test_reject_needs_a_reason_and_tells_the_author(
    client, cress, django_capture_on_commit_callbacks
):
    proposal = ProposalFactory()
    client.force_login(cress)
    url = reverse("toolbox:moderation_proposal", args=[proposal.pk])
    response = client.post(url, {"decision": "reject", "message": ""})
    assert response.status_code == 400
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"decision": "reject", "message": "Déjà couvert par Jitsi."})
    proposal.refresh_from_db()
    assert proposal.status == "rejected"
    assert "Déjà couvert par Jitsi." in mail.outbox[0].body


def test_author_answers_a_request_for_changes(client, member, cress):
    proposal = ProposalFactory(author=member)
    proposals.request_changes(proposal, moderator=cress, message="Précisez la licence.")
    url = reverse("toolbox:proposal_edit", args=[proposal.pk])
    assert "Précisez la licence." in client.get(url).content.decode()
    client.post(url, tool_data(name="Outil proposé", licence_spdx="Apache-2.0"))
    proposal.refresh_from_db()
    assert proposal.status == "pending"
    assert proposal.payload["licence_spdx"] == "Apache-2.0"


def test_someone_else_cannot_open_a_proposal_for_changes(client, member):
    other = ProposalFactory(changes_requested=True)
    assert client.get(reverse("toolbox:proposal_edit", args=[other.pk])).status_code == 404


def test_offer_proposal_creates_provider_and_offer_on_approval(client, member, cress):
    tool = ToolFactory(name="Nextcloud")
    data = {
        "provider_name": "Hébergeur Solidaire",
        "provider_legal_form": "SCIC",
        "provider_ess_status": "ess",
        "provider_chatons": "on",
        "name": "Cloud associatif",
        "url": "https://exemple.org",
        "access": "membership",
        "price": "30 € par an",
        "data_country": "fr",
        "support": "",
        "comment": "",
    }
    client.post(
        reverse("toolbox:propose_offer", args=[tool.slug]), {**data, "data_country": "France"}
    )
    assert not Proposal.objects.exists()
    client.post(reverse("toolbox:propose_offer", args=[tool.slug]), data)
    proposal = Proposal.objects.get()
    offer = proposals.approve(proposal, moderator=cress)
    assert isinstance(offer, HostingOffer)
    assert offer.data_country == "FR"
    assert offer.provider.chatons_member and offer.provider.legal_form == "SCIC"


def test_moderation_queue_lists_proposals_testimonials_and_stale_tools(client, cress):
    ProposalFactory(payload={**ProposalFactory.payload.function(), "name": "Proposé A"})
    ToolFactory(name="Vieille fiche", stale=True)
    ToolFactory(name="Fiche fraîche")
    client.force_login(cress)
    body = client.get(reverse("toolbox:moderation")).content.decode()
    assert "Proposé A" in body
    assert "Vieille fiche" in body
    assert "Fiche fraîche" not in body


def test_non_admin_reaching_the_moderation_queue_is_refused(client, member):
    proposal = ProposalFactory()
    assert client.get(reverse("toolbox:moderation")).status_code == 403
    response = client.post(
        reverse("toolbox:moderation_proposal", args=[proposal.pk]), {"decision": "approve"}
    )
    assert response.status_code == 403
    assert Proposal.objects.get(pk=proposal.pk).status == "pending"


def test_mark_reviewed_takes_a_tool_off_the_stale_list(client, cress):
    tool = ToolFactory(name="Vieille fiche", stale=True)
    client.force_login(cress)
    client.post(reverse("toolbox:mark_reviewed", args=[tool.slug]))
    assert not curation.stale_tools().filter(pk=tool.pk).exists()


def test_drafts_are_visible_to_cress_admins_only(client, cress):
    draft = ToolFactory(name="Brouillon", draft=True)
    url = reverse("toolbox:tool_detail", args=[draft.slug])
    assert client.get(url).status_code == 404
    client.force_login(cress)
    assert client.get(url).status_code == 200
