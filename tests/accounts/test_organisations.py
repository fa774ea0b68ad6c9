import pytest
from django.urls import reverse

from accounts.models import Membership, Organisation
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory, valid_siren
from tests.pages import readable

pytestmark = pytest.mark.django_db


def form_data(**overrides):
    data = {
        "name": "Les Amis du Lavoir",
        "siren": "732 829 320",  # valid Luhn, typed with spaces as people do
        "siret": "",
        "legal_form": "association",
        "sector": "culture",
        "staff_band": "1-2",
        "volunteers_band": "10-49",
        "postcode": "86000",
        "departement": "",
        "federation": "",
    }
    data.update(overrides)
    return data


def test_registering_an_organisation_makes_its_creator_admin_and_fills_the_territory(client):
    user = UserFactory()
    client.force_login(user)
    response = client.post(reverse("organisation_create"), form_data())
    organisation = Organisation.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("organisation_detail", args=[organisation.pk])
    assert organisation.siren == "732829320"
    assert (organisation.departement, organisation.region) == ("86", "75")
    membership = Membership.objects.get(organisation=organisation)
    assert (membership.user, membership.role, membership.is_active) == (user, "admin", True)


def test_overseas_postcode_gives_overseas_departement(client):
    client.force_login(UserFactory())
    client.post(reverse("organisation_create"), form_data(postcode="97400"))
    organisation = Organisation.objects.get()
    assert (organisation.departement, organisation.region_name) == ("974", "La Réunion")


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("siren", "732829321", "clé de contrôle"),
        ("siren", "12345", "9 chiffres"),
        ("siret", "73282932000075", "clé de contrôle"),
        ("siret", "12345678901234", "SIRET"),
        ("postcode", "96000", "n'existe pas"),
        ("postcode", "750", "5 chiffres"),
    ],
)
def test_bad_identifiers_get_a_clear_message_and_keep_what_was_typed(client, field, value, message):
    client.force_login(UserFactory())
    response = client.post(reverse("organisation_create"), form_data(**{field: value}))
    assert response.status_code == 200
    content = response.content.decode()
    assert message in readable(content)
    assert 'value="Les Amis du Lavoir"' in content
    assert f'value="{value}"' in content
    assert not Organisation.objects.exists()


def test_siret_must_belong_to_the_siren(client):
    client.force_login(UserFactory())
    other_siret = valid_siren(5) + "00012"
    from stdnum import luhn

    other_siret = other_siret[:-1] + luhn.calc_check_digit(other_siret[:-1])
    response = client.post(reverse("organisation_create"), form_data(siret=other_siret))
    assert "doit commencer par les 9 chiffres du SIREN" in response.content.decode()


def test_a_siren_already_registered_explains_how_to_ask_for_access(client):
    existing = OrganisationFactory(siren="732829320", name="Lavoir historique")
    client.force_login(UserFactory())
    response = client.post(reverse("organisation_create"), form_data())
    content = response.content.decode()
    assert response.status_code == 200
    assert "Lavoir historique" in content and "déjà inscrite" in content
    assert reverse("organisation_join_request", args=[existing.siren]) in content
    assert Organisation.objects.count() == 1
    page = client.get(reverse("organisation_join_request", args=[existing.siren]))
    assert page.status_code == 200 and "Rejoindre « Lavoir historique »" in readable(page)


def test_join_request_reaches_the_admins_who_can_accept_it(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    admin = MembershipFactory(admin=True)
    organisation = admin.organisation
    newcomer = UserFactory()
    client.force_login(newcomer)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("organisation_join_request", args=[organisation.siren]),
            {"message": "Je suis la trésorière"},
        )
    assert mailoutbox[-1].to == [admin.user.email]
    assert "Je suis la trésorière" in mailoutbox[-1].body
    # Asking twice does not create a second pending request.
    response = client.post(
        reverse("organisation_join_request", args=[organisation.siren]),
        {"message": "encore"},
        follow=True,
    )
    assert "déjà une demande en attente" in response.content.decode()

    join_request = organisation.join_requests.get()
    client.force_login(admin.user)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("join_request_decide", args=[organisation.pk, join_request.pk]),
            {"decision": "accept"},
        )
    assert Membership.objects.get(user=newcomer, organisation=organisation).role == "member"
    assert "acceptée" in mailoutbox[-1].body


def test_organisation_names_cannot_be_listed_by_trying_ids(client):
    """The join page is reached by SIREN: sequential ids answer 404, like every other page of
    an organisation one does not belong to, and no name comes out."""
    organisations = OrganisationFactory.create_batch(3)
    client.force_login(UserFactory())
    last = max(o.pk for o in organisations)
    for pk in range(1, last + 3):
        for page in (f"/organisations/{pk}/demander-acces/", f"/organisations/{pk}/"):
            response = client.get(page)
            assert response.status_code == 404, page
            assert not any(o.name in response.text for o in organisations), page
    # Neither a wrong SIREN nor something else than 9 digits tells anything either.
    for siren in ("732829320", "12345678", organisations[0].pk):
        response = client.get(f"/organisations/rejoindre/{siren}/")
        assert response.status_code == 404


def test_only_admins_edit_the_organisation_and_the_siren_stays(client):
    admin = MembershipFactory(admin=True)
    organisation = admin.organisation
    client.force_login(admin.user)
    response = client.post(
        reverse("organisation_edit", args=[organisation.pk]),
        form_data(name="Nouveau nom", siren="111111111", postcode="33000"),
    )
    assert response.status_code == 302
    organisation.refresh_from_db()
    assert organisation.name == "Nouveau nom"
    assert organisation.siren != "111111111"


def test_the_header_switches_between_my_organisations_only(client):
    user = UserFactory()
    first = MembershipFactory(
        user=user, organisation=OrganisationFactory(name="Alpha")
    ).organisation
    second = MembershipFactory(
        user=user, organisation=OrganisationFactory(name="Bêta")
    ).organisation
    stranger = OrganisationFactory(name="Gamma")
    client.force_login(user)
    page = client.get(reverse("home")).content.decode()
    assert 'id="organisation-switch"' in page and "Alpha" in page and "Bêta" in page
    client.post(reverse("organisation_switch"), {"organisation": second.pk, "next": "/"})
    assert client.session["current_organisation_id"] == second.pk
    assert (
        client.post(reverse("organisation_switch"), {"organisation": stranger.pk}).status_code
        == 404
    )
    assert client.post(reverse("organisation_switch"), {"organisation": "abc"}).status_code == 302
    assert client.session["current_organisation_id"] == second.pk
    assert first.pk != second.pk


def test_members_page_query_count_does_not_grow_with_members(client, django_assert_num_queries):
    admin = MembershipFactory(admin=True)
    client.force_login(admin.user)
    url = reverse("organisation_members", args=[admin.organisation.pk])
    client.get(url)  # the first request after login also stamps the session
    with django_assert_num_queries(7):
        client.get(url)
    MembershipFactory.create_batch(50, organisation=admin.organisation)
    with django_assert_num_queries(7):
        response = client.get(url)
    assert response.content.decode().count("<tr>") == 52  # header + 51 members
