"""Factories with traits for the community's models."""

from datetime import timedelta

import factory
from django.utils import timezone

from ambassadors.models import (
    Ambassador,
    Event,
    Registration,
    Resource,
    SupportRequest,
    VisitorLink,
)
from tests.factories import OrganisationFactory, UserFactory


class AmbassadorFactory(factory.django.DjangoModelFactory):
    """A validated ambassador in Gironde, expert in collaboration and RGPD."""

    class Meta:
        model = Ambassador

    user = factory.SubFactory(UserFactory)
    public_name = factory.Sequence(lambda n: f"Ambassadeur·rice {n:03d}")
    motivation = "Je suis référente numérique de mon association depuis cinq ans."
    bio = "J'aime transmettre."
    departements = ["33"]
    expertise_dimensions = ["collaboration", "securite_rgpd"]
    expertise_tools = ["nextcloud"]
    formats = ["atelier", "accompagnement"]
    availability = "Deux mardis soir par mois"
    is_public = True
    status = Ambassador.Status.APPROVED
    valid_until = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=200))

    class Params:
        pending = factory.Trait(status=Ambassador.Status.PENDING, valid_until=None)
        expired = factory.Trait(
            valid_until=factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=1))
        )
        hidden = factory.Trait(is_public=False)


class EventFactory(factory.django.DjangoModelFactory):
    """A public workshop next week, 10 places."""

    class Meta:
        model = Event

    title = factory.Sequence(lambda n: f"Atelier n°{n}")
    kind = Event.Kind.ATELIER
    description = "Un atelier pour **découvrir** les outils libres."
    starts_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=7))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + timedelta(hours=2))
    location = "Maison de l'ESS, 12 rue des Coopératives, Bordeaux"
    departement = "33"
    capacity = 10
    organiser = factory.SubFactory(UserFactory)

    class Params:
        past = factory.Trait(
            starts_at=factory.LazyFunction(lambda: timezone.now() - timedelta(days=7))
        )
        cancelled = factory.Trait(cancelled_at=factory.LazyFunction(timezone.now))
        members_only = factory.Trait(audience=Event.Audience.MEMBERS)
        online = factory.Trait(location="", online_url="https://visio.example.org/atelier")


class RegistrationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Registration

    event = factory.SubFactory(EventFactory)
    user = factory.SubFactory(UserFactory)
    status = Registration.Status.CONFIRMED
    confirmed_at = factory.LazyFunction(timezone.now)


class VisitorRegistrationFactory(factory.django.DjangoModelFactory):
    """A visitor without an account, registered to a public event; `pending=True` for a
    request not confirmed yet (48 hours left)."""

    class Meta:
        model = Registration

    event = factory.SubFactory(EventFactory)
    user = None
    name = factory.Sequence(lambda n: f"Visiteuse {n:03d}")
    email = factory.Sequence(lambda n: f"visiteuse{n:03d}@example.org")
    status = Registration.Status.CONFIRMED
    confirmed_at = factory.LazyFunction(timezone.now)

    class Params:
        pending = factory.Trait(
            status=Registration.Status.PENDING,
            confirmed_at=None,
            expires_at=factory.LazyFunction(lambda: timezone.now() + timedelta(hours=48)),
        )


def visitor_token(registration: Registration) -> str:
    """A working personal link's token for a visitor's registration (as an e-mail carries)."""
    return VisitorLink.new(registration)


class SupportRequestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SupportRequest

    organisation = factory.SubFactory(OrganisationFactory)
    topics = ["collaboration"]
    message = "Nous voulons quitter nos trois clouds pour un seul outil partagé."

    class Params:
        sent = factory.Trait(
            status=SupportRequest.Status.SENT,
            ambassador=factory.SubFactory(AmbassadorFactory),
            sent_at=factory.LazyFunction(timezone.now),
        )


class ResourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Resource

    title = factory.Sequence(lambda n: f"Fiche pratique n°{n}")
    summary = "Comment choisir une suite collaborative libre."
    body = "## Étapes\n\n1. Lister vos usages\n2. Comparer"
    dimensions = ["collaboration"]
    tools = ["nextcloud"]
    author = factory.SubFactory(UserFactory)
    status = Resource.Status.PUBLISHED
    published_at = factory.LazyFunction(timezone.now)

    class Params:
        pending = factory.Trait(status=Resource.Status.PENDING, published_at=None)
