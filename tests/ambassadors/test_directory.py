"""The public directory, profiles and the contact form."""

import pytest
from django.core import mail
from django.urls import reverse

from ambassadors.models import Ambassador
from tests.ambassadors.factories import AmbassadorFactory
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

URL = reverse("ambassadors:directory")


def names(response):
    return [a.public_name for a in response.context["page"].object_list]


def test_only_validated_public_unexpired_ambassadors_are_listed(client):
    listed = AmbassadorFactory(public_name="Listée")
    AmbassadorFactory(pending=True, public_name="En attente")
    AmbassadorFactory(expired=True, public_name="Expirée")
    AmbassadorFactory(hidden=True, public_name="Discrète")
    AmbassadorFactory(status=Ambassador.Status.WITHDRAWN, public_name="Retirée")
    assert names(client.get(URL)) == [listed.public_name]


def test_filters_by_departement_expertise_and_format(client):
    AmbassadorFactory(
        public_name="Gironde RGPD", departements=["33"], expertise_dimensions=["securite_rgpd"]
    )
    AmbassadorFactory(
        public_name="Corse Com",
        departements=["2A"],
        expertise_dimensions=["communication"],
        formats=["permanence"],
    )
    # "3" must not match "33": codes are compared whole.
    AmbassadorFactory(public_name="Allier", departements=["03"], expertise_dimensions=["gestion"])
    assert names(client.get(URL, {"departement": "33"})) == ["Gironde RGPD"]
    assert names(client.get(URL, {"departement": "2A"})) == ["Corse Com"]
    assert names(client.get(URL, {"dimension": "communication"})) == ["Corse Com"]
    assert names(client.get(URL, {"format": "permanence"})) == ["Corse Com"]
    assert names(client.get(URL, {"departement": "33", "dimension": "communication"})) == []


def test_an_unknown_filter_value_is_ignored_not_an_error(client):
    AmbassadorFactory()
    response = client.get(URL, {"departement": "999", "dimension": "<script>"})
    assert response.status_code == 200


def test_the_directory_never_shows_email_addresses(client):
    ambassador = AmbassadorFactory()
    for url in (URL, reverse("ambassadors:ambassador_detail", args=[ambassador.pk])):
        assert ambassador.user.email not in client.get(url).text


def test_filters_are_a_fieldset_with_a_legend_and_work_without_javascript(client):
    response = client.get(URL)
    assert "<fieldset>" in response.text and "<legend>" in response.text
    assert 'method="get"' in response.text


def test_htmx_gets_the_list_fragment_of_the_full_page(client):
    AmbassadorFactory(public_name="Zoé", departements=["33"])
    AmbassadorFactory(public_name="Yves", departements=["24"])
    fragment = client.get(URL, {"departement": "33"}, headers={"HX-Request": "true"}).text
    full = client.get(URL, {"departement": "33"}).text
    assert fragment.strip().startswith('<section id="resultats"')
    assert "<html" not in fragment
    assert fragment.strip() in full
    assert "Zoé" in fragment and "Yves" not in fragment


@pytest.mark.parametrize("count", [1, 50])
def test_directory_queries_do_not_grow_with_the_number_of_ambassadors(
    client, count, django_assert_num_queries
):
    AmbassadorFactory.create_batch(count)
    with django_assert_num_queries(2):
        response = client.get(URL)
    assert response.status_code == 200
    client.force_login(UserFactory())
    client.get(URL)  # the first request after login also stamps the session
    # + session, user and memberships for the header
    with django_assert_num_queries(5):
        client.get(URL, {"departement": "33", "dimension": "collaboration"})


def test_the_profile_page_renders_the_bio_as_sanitised_markdown(client):
    ambassador = AmbassadorFactory(bio="**Bonjour** <script>alert(1)</script>")
    response = client.get(reverse("ambassadors:ambassador_detail", args=[ambassador.pk]))
    assert "<strong>Bonjour</strong>" in response.text
    assert "<script>alert" not in response.text


def test_contact_goes_through_the_platform(client, django_capture_on_commit_callbacks):
    ambassador = AmbassadorFactory()
    sender = UserFactory(first_name="Jeanne", last_name="Martin")
    client.force_login(sender)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("ambassadors:ambassador_contact", args=[ambassador.pk]),
            {"message": "Bonjour, nous cherchons de l'aide pour notre site web associatif."},
        )
    assert response.status_code == 302
    assert mail.outbox[-1].to == [ambassador.user.email]
    assert sender.email in mail.outbox[-1].body
    assert "site web associatif" in mail.outbox[-1].body


def test_a_too_short_contact_message_is_refused(client):
    client.force_login(UserFactory())
    ambassador = AmbassadorFactory()
    response = client.post(
        reverse("ambassadors:ambassador_contact", args=[ambassador.pk]), {"message": "Salut"}
    )
    assert response.status_code == 400
    assert not mail.outbox


def test_spam_through_the_contact_form_is_rate_limited(client, django_capture_on_commit_callbacks):
    ambassador = AmbassadorFactory()
    client.force_login(UserFactory())
    url = reverse("ambassadors:ambassador_contact", args=[ambassador.pk])
    message = {"message": "Bonjour, ceci est un message parfaitement légitime, promis."}
    with django_capture_on_commit_callbacks(execute=True):
        statuses = [client.post(url, message).status_code for _ in range(7)]
    assert statuses == [302] * 5 + [429] * 2
    assert len(mail.outbox) == 5
    response = client.post(url, message)
    assert "parfaitement légitime" in response.text  # what was typed is kept


def test_the_contact_limit_also_holds_per_address_across_accounts(client, settings):
    from ambassadors.views import directory

    ambassador = AmbassadorFactory()
    url = reverse("ambassadors:ambassador_contact", args=[ambassador.pk])
    message = {"message": "Bonjour, ceci est un message parfaitement légitime, promis."}
    statuses = []
    for _ in range(directory.CONTACT_LIMIT_PER_IP_PER_DAY // directory.CONTACT_LIMIT_PER_HOUR + 1):
        client.force_login(UserFactory())
        statuses += [client.post(url, message).status_code for _ in range(5)]
    assert statuses.count(302) == directory.CONTACT_LIMIT_PER_IP_PER_DAY
    assert statuses[-1] == 429


def test_one_cannot_contact_an_ambassador_whose_validation_expired(client):
    client.force_login(UserFactory())
    ambassador = AmbassadorFactory(expired=True)
    response = client.get(reverse("ambassadors:ambassador_contact", args=[ambassador.pk]))
    assert response.status_code == 404


def test_the_departement_filter_keeps_its_label_and_choice(client):
    html = client.get(URL, {"departement": "2A"}).text
    assert '<label for="id_departement">' in html
    assert '<select name="departement" id="id_departement">' in html
    assert '<option value="2A" selected>2A — Corse-du-Sud</option>' in html
    assert '<option value="">Tous les départements</option>' in html
