"""Support requests: an organisation asks, the platform suggests, the ambassador answers."""

from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from ambassadors.models import SupportRequest
from ambassadors.services import seams, support
from ambassadors.services.shared import CommunityError
from tests.ambassadors.factories import AmbassadorFactory, SupportRequestFactory
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db

FORM = {
    "topics": ["securite_rgpd"],
    "tools": "Nextcloud",
    "message": "Nous voulons sécuriser nos mots de passe et le fichier des adhérent·es.",
    "share_contact": "on",
    "share_profile": "on",
}


@pytest.fixture
def member():
    return MembershipFactory(organisation=OrganisationFactory(departement="33", region="75"))


def test_the_whole_journey_from_request_to_acceptance(
    client, member, django_capture_on_commit_callbacks
):
    near = AmbassadorFactory(public_name="Près RGPD", expertise_dimensions=["securite_rgpd"])
    AmbassadorFactory(
        public_name="Loin RGPD", departements=["67"], expertise_dimensions=["securite_rgpd"]
    )
    AmbassadorFactory(
        public_name="Sans rapport", expertise_dimensions=["communication"], expertise_tools=[]
    )
    client.force_login(member.user)
    response = client.post(
        reverse("ambassadors:request_create", args=[member.organisation_id]), FORM
    )
    support_request = SupportRequest.objects.get()
    assert response.url == support_request.get_absolute_url()
    assert support_request.tools == ["nextcloud"]

    page = client.get(response.url)
    suggested = [a.public_name for a, _score, _reasons in page.context["suggestions"]]
    assert suggested == ["Près RGPD", "Loin RGPD"]
    assert "Intervient dans votre département" in page.text

    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("ambassadors:request_choose", args=[support_request.pk]),
            {"ambassador": near.pk},
        )
    support_request.refresh_from_db()
    assert support_request.status == SupportRequest.Status.SENT
    assert mail.outbox[-1].to == [near.user.email]

    client.force_login(near.user)
    assert member.organisation.name in client.get(reverse("ambassadors:my_space")).text
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("ambassadors:request_respond", args=[support_request.pk]),
            {"decision": "accept", "message": "Avec plaisir, je vous appelle lundi."},
        )
    support_request.refresh_from_db()
    assert support_request.status == SupportRequest.Status.ACCEPTED
    assert mail.outbox[-1].to == [member.user.email]
    assert "je vous appelle lundi" in mail.outbox[-1].body


def test_weak_dimensions_come_from_the_diagnostic_seam(client, member, monkeypatch):
    monkeypatch.setattr(seams, "weakest_dimensions", lambda organisation: ["gestion"])
    AmbassadorFactory(public_name="Gestion", expertise_dimensions=["gestion"])
    client.force_login(member.user)
    response = client.post(
        reverse("ambassadors:request_create", args=[member.organisation_id]),
        {**FORM, "topics": ["strategie"]},
        follow=True,
    )
    assert SupportRequest.objects.get().weak_dimensions == ["gestion"]
    assert "point faible de votre diagnostic" in response.text


def test_the_seam_returns_nothing_until_the_diagnostic_is_connected():
    assert seams.weakest_dimensions(OrganisationFactory()) == []


def test_a_request_without_topic_is_refused(client, member):
    client.force_login(member.user)
    response = client.post(
        reverse("ambassadors:request_create", args=[member.organisation_id]),
        {**FORM, "topics": []},
    )
    assert response.status_code == 400
    assert "sécuriser nos mots de passe" in response.text
    assert not SupportRequest.objects.exists()


def test_a_request_to_an_ambassador_whose_validation_expired_is_refused(client, member):
    expired = AmbassadorFactory(expired=True)
    support_request = SupportRequestFactory(organisation=member.organisation)
    client.force_login(member.user)
    response = client.post(
        reverse("ambassadors:request_choose", args=[support_request.pk]),
        {"ambassador": expired.pk},
        follow=True,
    )
    assert "validation expirée" in response.text
    support_request.refresh_from_db()
    assert support_request.status == SupportRequest.Status.DRAFT


def test_an_outsider_cannot_send_another_organisations_request(client):
    support_request = SupportRequestFactory()
    client.force_login(MembershipFactory().user)
    response = client.post(
        reverse("ambassadors:request_choose", args=[support_request.pk]),
        {"ambassador": AmbassadorFactory().pk},
    )
    assert response.status_code == 404


def test_the_ambassador_sees_only_what_the_organisation_shares(client):
    requester = MembershipFactory(user=UserFactory(first_name="Hélène", last_name="Secret"))
    support_request = SupportRequestFactory(
        organisation=requester.organisation,
        created_by=requester.user,
        sent=True,
        share_contact=False,
        share_profile=False,
        share_diagnostic=False,
        weak_dimensions=["gouvernance"],
    )
    client.force_login(support_request.ambassador.user)
    page = client.get(support_request.get_absolute_url()).text
    assert requester.organisation.name in page
    assert support_request.message in page
    assert requester.user.email not in page and "Secret" not in page
    assert "Gouvernance" not in page
    assert requester.organisation.get_sector_display() not in page

    SupportRequest.objects.filter(pk=support_request.pk).update(
        share_contact=True, share_diagnostic=True, share_profile=True
    )
    page = client.get(support_request.get_absolute_url()).text
    assert requester.user.email in page
    assert "Gouvernance" in page
    assert requester.organisation.get_sector_display() in page


def test_an_ambassador_does_not_see_drafts_or_requests_sent_to_others(client):
    draft = SupportRequestFactory()
    other = SupportRequestFactory(sent=True)
    client.force_login(AmbassadorFactory().user)
    assert client.get(draft.get_absolute_url()).status_code == 404
    assert client.get(other.get_absolute_url()).status_code == 404
    response = client.post(
        reverse("ambassadors:request_respond", args=[other.pk]), {"decision": "accept"}
    )
    assert response.status_code == 404


def test_a_declined_request_can_go_to_someone_else(client, member):
    first, second = AmbassadorFactory(), AmbassadorFactory()
    support_request = SupportRequestFactory(organisation=member.organisation)
    support.choose_ambassador(support_request=support_request, ambassador_id=first.pk)
    support.respond(support_request=support_request, accept=False)
    client.force_login(member.user)
    client.post(
        reverse("ambassadors:request_choose", args=[support_request.pk]), {"ambassador": second.pk}
    )
    support_request.refresh_from_db()
    assert (support_request.ambassador, support_request.status) == (second, "sent")


def test_a_request_is_answered_only_once():
    support_request = SupportRequestFactory(sent=True)
    support.respond(support_request=support_request, accept=True)
    with pytest.raises(CommunityError):
        support.respond(support_request=support_request, accept=False)


def test_unanswered_requests_are_escalated_to_cress_admins_once(
    django_capture_on_commit_callbacks,
):
    UserFactory(cress_admin=True, email="cress@example.org")
    old = SupportRequestFactory(sent=True)
    SupportRequestFactory(sent=True, sent_at=timezone.now() + timedelta(days=3))
    answered = SupportRequestFactory(sent=True)
    support.respond(support_request=answered, accept=True)
    later = timezone.now() + timedelta(days=support.ESCALATION_DAYS, hours=1)
    with time_machine.travel(later), django_capture_on_commit_callbacks(execute=True):
        assert support.escalate_unanswered() == 1
        assert support.escalate_unanswered() == 0
    escalations = [m for m in mail.outbox if m.to == ["cress@example.org"]]
    assert len(escalations) == 1
    assert old.organisation.name in escalations[0].body


def test_members_close_a_request(client, member):
    support_request = SupportRequestFactory(organisation=member.organisation, sent=True)
    client.force_login(member.user)
    client.post(reverse("ambassadors:request_close", args=[support_request.pk]))
    support_request.refresh_from_db()
    assert support_request.status == SupportRequest.Status.CLOSED


def test_ambassadors_near_ranks_by_territory_for_roadmap_actions():
    organisation = OrganisationFactory(departement="33", region="75")
    same = AmbassadorFactory(public_name="Gironde", departements=["33"])
    region = AmbassadorFactory(public_name="Dordogne", departements=["24"])
    AmbassadorFactory(public_name="Bas-Rhin", departements=["67"])
    AmbassadorFactory(public_name="Autre sujet", expertise_dimensions=["communication"])
    AmbassadorFactory(public_name="Expirée", expired=True)
    assert seams.ambassadors_near_each(organisation, ["collaboration"]) == {
        "collaboration": [same, region]
    }
    assert seams.ambassadors_near_each(organisation, ["collaboration"], limit=1) == {
        "collaboration": [same]
    }


@pytest.mark.parametrize("count", [1, 50])
def test_request_pages_queries_do_not_grow(client, member, count, django_assert_num_queries):
    AmbassadorFactory.create_batch(count, expertise_dimensions=["securite_rgpd"])
    support_request = SupportRequestFactory(
        organisation=member.organisation, topics=["securite_rgpd"], created_by=member.user
    )
    SupportRequestFactory.create_batch(count, organisation=member.organisation, sent=True)
    client.force_login(member.user)
    client.get(support_request.get_absolute_url())
    with django_assert_num_queries(5):
        assert client.get(support_request.get_absolute_url()).status_code == 200
    with django_assert_num_queries(5):
        client.get(reverse("ambassadors:request_list", args=[member.organisation_id]))


# --- Abuse: hidden ambassadors and rate limits --------------------------------------------------


def test_a_request_to_an_ambassador_hidden_from_the_directory_is_refused(
    client, member, mailoutbox, django_capture_on_commit_callbacks
):
    hidden = AmbassadorFactory(hidden=True)
    support_request = SupportRequestFactory(organisation=member.organisation)
    client.force_login(member.user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("ambassadors:request_choose", args=[support_request.pk]),
            {"ambassador": hidden.pk},
            follow=True,
        )
    assert "ne figure plus dans" in response.text and "profil masqué" in response.text
    support_request.refresh_from_db()
    assert (support_request.status, support_request.ambassador) == ("draft", None)
    assert mailoutbox == []
    with pytest.raises(CommunityError):
        support.choose_ambassador(support_request=support_request, ambassador_id=hidden.pk)


def test_writing_support_requests_is_rate_limited_per_person_with_the_text_kept(client, member):
    client.force_login(member.user)
    url = reverse("ambassadors:request_create", args=[member.organisation_id])
    for _n in range(10):
        assert client.post(url, FORM).status_code == 302
    refused = client.post(url, {**FORM, "message": "Mon texte tapé à ne pas perdre."})
    assert refused.status_code == 429
    assert "beaucoup de demandes" in refused.text
    assert "Mon texte tapé à ne pas perdre." in refused.text
    assert SupportRequest.objects.count() == 10


def test_writing_support_requests_is_rate_limited_per_organisation(client, member):
    url = reverse("ambassadors:request_create", args=[member.organisation_id])
    colleagues = [MembershipFactory(organisation=member.organisation) for _n in range(3)]
    for person in [member, *colleagues]:
        client.force_login(person.user)
        for _n in range(5):
            client.post(url, FORM)
    assert SupportRequest.objects.filter(organisation=member.organisation).count() == 15
    # Another organisation is not held back by this one's requests.
    other = MembershipFactory()
    client.force_login(other.user)
    response = client.post(
        reverse("ambassadors:request_create", args=[other.organisation_id]), FORM
    )
    assert response.status_code == 302


def test_sending_support_requests_is_rate_limited(
    client, member, mailoutbox, django_capture_on_commit_callbacks
):
    ambassadors = AmbassadorFactory.create_batch(11)
    drafts = SupportRequestFactory.create_batch(
        11, organisation=member.organisation, created_by=member.user
    )
    client.force_login(member.user)
    for draft, ambassador in zip(drafts, ambassadors, strict=True):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                reverse("ambassadors:request_choose", args=[draft.pk]),
                {"ambassador": ambassador.pk},
                follow=True,
            )
    assert "beaucoup de demandes" in response.text
    assert SupportRequest.objects.filter(status="sent").count() == 10
    drafts[-1].refresh_from_db()
    assert drafts[-1].status == "draft"  # kept, to send later
    assert len(mailoutbox) == 10
