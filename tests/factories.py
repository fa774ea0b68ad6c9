"""Factories with traits for the foundation's models."""

import factory
from allauth.account.models import EmailAddress
from stdnum import luhn

from accounts.models import (
    Invitation,
    JoinRequest,
    Membership,
    Organisation,
    User,
)
from advisers.models import AdviserProfile, DlaStructure

PASSWORD = "un-mot-de-passe-solide-42"


def valid_siren(n: int) -> str:
    base = f"{(n % 10_000_000) + 10_000_000:08d}"[-8:]
    return base + luhn.calc_check_digit(base)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"personne{n}@example.org")
    first_name = factory.Faker("first_name", locale="fr_FR")
    last_name = factory.Faker("last_name", locale="fr_FR")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    class Params:
        cress_admin = factory.Trait(is_cress_admin=True)

    @factory.post_generation
    def verified(obj, create, extracted, **kwargs):
        if create:
            obj.save()
            if extracted is not False:
                EmailAddress.objects.create(user=obj, email=obj.email, verified=True, primary=True)


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Association n°{n}")
    siren = factory.Sequence(valid_siren)
    legal_form = "association"
    sector = "culture"
    staff_band = "1-2"
    volunteers_band = "10-49"
    postcode = "33000"
    departement = "33"
    region = "75"


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = Membership.Role.MEMBER

    class Params:
        admin = factory.Trait(role=Membership.Role.ADMIN)


class DlaStructureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DlaStructure

    name = factory.Sequence(lambda n: f"DLA n°{n}")
    departements = ["33"]


class AdviserProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AdviserProfile

    user = factory.SubFactory(UserFactory)
    structure = factory.SubFactory(DlaStructureFactory)
    status = AdviserProfile.Status.APPROVED

    class Params:
        pending = factory.Trait(status=AdviserProfile.Status.PENDING)


def make_invitation(
    *, organisation, email="invitee@example.org", role=Membership.Role.MEMBER, invited_by=None
):
    """An invitation and its clear token (only the hash is stored)."""
    invitation, token = Invitation.new(
        organisation=organisation, email=email, role=role, invited_by=invited_by
    )
    invitation.save()
    return invitation, token


class JoinRequestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = JoinRequest

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    message = "Je suis trésorière."
