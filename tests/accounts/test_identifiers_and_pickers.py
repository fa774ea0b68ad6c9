"""SIREN and SIRET are accepted as people write them on every form that takes one; long lists
of départements or tools are grouped checkboxes that keep what was ticked."""

import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.forms import SirenField, SiretField, identifier_digits
from accounts.models import Organisation
from advisers.models import AdviserProfile, Consent, DlaStructure
from tests.accounts.test_organisations import form_data
from tests.factories import AdviserProfileFactory, OrganisationFactory, UserFactory
from tests.toolbox.factories import ToolFactory

pytestmark = pytest.mark.django_db

SIREN = "732829320"
SIRET = "73282932000074"
# As people paste them: spaces, dots, dashes, and French formatting's no-break spaces.
WRITTEN = [
    "732 829 320",
    "732.829.320",
    "732-829-320",
    "732\u00a0829\u00a0320",
    " 732\u202f829\u202f320 ",
]


@pytest.mark.parametrize("written", WRITTEN)
def test_the_shared_fields_keep_the_digits_only(written):
    assert SirenField().clean(written) == SIREN
    assert identifier_digits(written) == SIREN
    assert SiretField().clean("732 829 320 00074") == SIRET


def test_the_shared_fields_still_check_length_and_key():
    with pytest.raises(ValidationError, match="9 chiffres"):
        SirenField().clean("732 829 32")
    with pytest.raises(ValidationError, match="clé de contrôle"):
        SirenField().clean("732 829 321")


@pytest.mark.parametrize("written", WRITTEN)
def test_registering_an_organisation_accepts_a_written_siren_and_siret(client, written):
    client.force_login(UserFactory())
    response = client.post(
        reverse("organisation_create"),
        form_data(siren=written, siret="732\u00a0829\u00a0320\u00a000074"),
    )
    assert response.status_code == 302
    organisation = Organisation.objects.get()
    assert (organisation.siren, organisation.siret) == (SIREN, SIRET)


def test_an_adviser_asks_for_access_with_a_siren_typed_with_spaces(client):
    organisation = OrganisationFactory(siren=SIREN)
    adviser = AdviserProfileFactory().user
    client.force_login(adviser)
    response = client.post(reverse("advisers:request_access"), {"siren": "732 829 320"})
    assert response.status_code == 302
    assert Consent.objects.get(adviser=adviser).organisation == organisation


def test_the_portfolio_finds_a_client_by_a_siren_typed_with_spaces():
    from advisers.portfolio import client_organisations
    from tests.advisers.factories import live_consent
    from tests.factories import MembershipFactory

    organisation = OrganisationFactory(siren=SIREN)
    admin = MembershipFactory(organisation=organisation, admin=True).user
    adviser = AdviserProfileFactory().user
    live_consent(organisation, adviser, by=admin)
    assert list(client_organisations(adviser, query="732 829 320")) == [organisation]


def _checked(html: str) -> set[str]:
    return set(re.findall(r'value="([^"]+)" id="[^"]+" checked', html))


def test_adviser_request_picks_departements_by_region_and_keeps_them_after_an_error(client):
    client.force_login(UserFactory())
    url = reverse("adviser_request")
    page = client.get(url).content.decode()
    # One fieldset per région, named by its legend; a filter field that the script shows.
    assert (
        "<select multiple" not in page and 'name="new_structure_departements" multiple' not in page
    )
    assert "<legend>Nouvelle-Aquitaine</legend>" in page
    assert "<legend>Île-de-France</legend>" in page
    assert (
        page.index("<legend>Hauts-de-France</legend>")
        < page.index("<legend>Île-de-France</legend>")
        < page.index("<legend>La Réunion</legend>")
    )
    assert "Collectivités d’outre-mer" in page
    assert 'data-choice-filter="id_new_structure_departements-choix"' in page
    assert "js/choice-filter.js" in page
    assert "Ctrl" not in page
    # A name already taken: refused, and the départements ticked are still ticked.
    DlaStructure.objects.create(name="DLA de la Vienne", departements=["86"])
    response = client.post(
        url,
        {
            "job_title": "Chargée de mission",
            "new_structure_name": "dla de la vienne",
            "new_structure_departements": ["86", "79"],
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Cette structure existe déjà" in html
    assert _checked(html) == {"86", "79"}
    assert not AdviserProfile.objects.exists()


def test_adviser_request_with_ticked_departements_creates_the_structure(client):
    user = UserFactory()
    client.force_login(user)
    response = client.post(
        reverse("adviser_request"),
        {
            "job_title": "Chargée de mission",
            "new_structure_name": "DLA du Poitou",
            "new_structure_departements": ["86", "79"],
        },
    )
    assert response.status_code == 302
    assert AdviserProfile.objects.get(user=user).structure.departements == ["86", "79"]


def test_ambassador_application_picks_departements_by_region(client):
    client.force_login(UserFactory())
    page = client.get(reverse("ambassadors:apply")).content.decode()
    assert "<legend>Bretagne</legend>" in page and 'name="departements" value="35"' in page
    assert "Ctrl" not in page
    response = client.post(reverse("ambassadors:apply"), {"departements": ["35", "29"]})
    assert response.status_code == 400  # other fields missing
    assert _checked(response.content.decode()) >= {"35", "29"}


def test_tool_comparison_picker_groups_tools_by_main_usage_and_keeps_the_choice(client):
    ToolFactory(name="Alpha", usages=["visio"])
    ToolFactory(name="Bravo", usages=["stockage", "visio"])
    ToolFactory(name="Charlie", usages=[])
    page = client.get(reverse("toolbox:compare")).content.decode()
    visio = page.index("<legend>Visioconférence</legend>")
    stockage = page.index("<legend>Stockage et partage de fichiers</legend>")
    assert stockage < page.index('value="bravo"') < visio < page.index('value="alpha"')
    assert page.index("<legend>Autres usages</legend>") < page.index('value="charlie"')
    assert page.count('value="bravo"') == 1  # once, under its main usage
    assert "Ctrl" not in page
    # One tool only: refused, and the one ticked stays ticked.
    response = client.get(reverse("toolbox:compare"), {"outils": ["alpha"]})
    html = response.content.decode()
    assert "Choisissez de 2 à 4 outils" in html
    assert _checked(html) == {"alpha"}
