"""Factories for the toolbox, with traits."""

import datetime

import factory
from django.utils import timezone
from django.utils.text import slugify

from tests.factories import OrganisationFactory, UserFactory
from toolbox.models import (
    Alternative,
    HostingOffer,
    Need,
    Proposal,
    ProprietaryProduct,
    Provider,
    Tool,
    ToolUse,
)
from toolbox.services import json_values


class NeedFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Need
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"besoin_{chr(97 + n % 26)}{n}")
    label = factory.LazyAttribute(lambda o: o.code.replace("_", " ").capitalize())
    position = factory.Sequence(lambda n: n)


def needs(*codes: str) -> list[Need]:
    """The needs of these codes, created when missing (labels derived from the codes)."""
    return [NeedFactory(code=code) for code in codes]


class ToolFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Tool
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Outil n°{n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.name))
    summary = "Un outil libre pour les associations."
    usages = factory.LazyFunction(lambda: ["stockage"])
    licence_spdx = "AGPL-3.0-or-later"
    licence_status = "libre"
    deployments = factory.LazyFunction(lambda: ["saas"])
    status = "published"
    last_reviewed = factory.LazyFunction(timezone.localdate)

    class Params:
        draft = factory.Trait(status="draft")
        proprietary = factory.Trait(licence_status="proprietary", licence_spdx="")
        stale = factory.Trait(
            last_reviewed=factory.LazyFunction(
                lambda: timezone.localdate() - datetime.timedelta(days=400)
            )
        )

    @factory.post_generation
    def replaces(obj, create, extracted, **kwargs):
        if create and extracted:
            for product in json_values.products_named(extracted):
                Alternative.objects.get_or_create(tool=obj, product=product)
            json_values.refresh_search_text(obj)
            obj.refresh_from_db()


class ProprietaryProductFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProprietaryProduct

    name = factory.Sequence(lambda n: f"Produit n°{n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.name))


class ProviderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Provider

    name = factory.Sequence(lambda n: f"Hébergeur n°{n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.name))
    legal_form = "association"
    ess_status = "ess"
    chatons_member = True


class HostingOfferFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = HostingOffer

    tool = factory.SubFactory(ToolFactory)
    provider = factory.SubFactory(ProviderFactory)
    name = factory.Sequence(lambda n: f"Offre n°{n}")
    access = "free_associations"
    data_country = "FR"


class ProposalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Proposal

    kind = Proposal.Kind.NEW_TOOL
    author = factory.SubFactory(UserFactory)
    payload = factory.LazyFunction(
        lambda: {
            "name": "Outil proposé",
            "summary": "Résumé",
            "description": "",
            "usages": ["visio"],
            "licence_spdx": "MIT",
            "licence_status": "libre",
            "deployments": ["saas"],
            "replaces": ["Zoom"],
            "dimensions": [],
            "ease": 1,
            "accessibility_notes": "",
            "sobriety_notes": "",
            "website_url": "",
            "source_url": "",
        }
    )

    class Params:
        changes_requested = factory.Trait(
            status=Proposal.Status.CHANGES_REQUESTED, decision_message="Précisez la licence."
        )


class ToolUseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ToolUse

    tool = factory.SubFactory(ToolFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    testimonial = "Nous l'utilisons tous les jours."
    testimonial_status = ToolUse.TestimonialStatus.PENDING
