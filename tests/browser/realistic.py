"""A platform filled as a regional one is after a few years, for checks that only mean something
on real pages (axe-core, tests/browser/test_accessibility.py): the demo data, then the long lists
the benchmarks generate, at a regional size: a catalogue of a few hundred tools
(bench/toolbox_bench.py), an observatory over a few hundred organisations and an adviser's
portfolio of many clients (bench/advisers_bench.py), and the longest roadmap the shipped rules
propose (every answer the weakest)."""

import random
from dataclasses import dataclass
from datetime import timedelta

from django.core.management import call_command
from django.utils import timezone

from accounts.models import Organisation, User
from advisers.models import Consent
from maturity import services
from maturity.models import (
    Diagnostic,
    Questionnaire,
    Roadmap,
    RoadmapAction,
)
from maturity.structure import structure_for
from tests import generators
from tests.factories import MembershipFactory, OrganisationFactory
from tests.workshops.factories import add_participants
from toolbox.models import Tool
from workshops import services as workshop_services
from workshops.models import DEFAULT_GROUPS

TOOLS, PRODUCTS, PROVIDERS, OFFERS = 300, 60, 40, 900
ORGANISATIONS, CLIENTS = 300, 60
DEPARTEMENTS = {"33": "75", "64": "75", "87": "75", "35": "53", "29": "53", "44": "52"}


@dataclass
class World:
    organisation: Organisation  # its roadmap is the longest the rules propose
    admin: User
    completed: Diagnostic
    in_progress: Diagnostic
    respondent_pk: int
    workshop_pk: int
    adviser: User
    client: Organisation


def grow_catalogue(rng: random.Random) -> None:
    """The toolbox benchmark's catalogue at a regional size, on the shipped needs."""
    generators.catalogue(
        rng,
        tools=TOOLS,
        products=PRODUCTS,
        providers=PROVIDERS,
        offers=OFFERS,
        need_codes=sorted({need for tool in Tool.objects.all() for need in tool.needs}),
    )


def grow_observatory(rng: random.Random, questionnaire: Questionnaire) -> list[Organisation]:
    """The adviser benchmark's observatory at a regional size."""
    diagnostics = generators.completed_diagnostics(
        rng,
        questionnaire,
        first=10_000_000,  # SIRENs apart from the demo data's
        count=ORGANISATIONS,
        regions=DEPARTEMENTS,
        years=(2022, 2026),
    )
    return [diagnostic.organisation for diagnostic in diagnostics]


def grow_portfolio(adviser: User, clients: list[Organisation]) -> None:
    """Many clients, each with a roadmap under way (bench/advisers_bench.py)."""
    now = timezone.now()
    granted_by = User.objects.create_user("admin-clients@example.org")
    Consent.objects.bulk_create(
        Consent(
            organisation=organisation,
            adviser=adviser,
            status=Consent.Status.ACTIVE,
            expires_at=now + timedelta(days=180),
            granted_at=now,
            granted_by=granted_by,
            consent_text="Texte du consentement.",
        )
        for organisation in clients
    )
    roadmaps = Roadmap.objects.bulk_create(Roadmap(organisation=o) for o in clients)
    RoadmapAction.objects.bulk_create(
        RoadmapAction(
            roadmap=roadmap, title=f"Action {k}", position=k, status="done" if k < 2 else "todo"
        )
        for roadmap in roadmaps
        for k in range(6)
    )


def weakest_answers(respondent) -> None:
    """Every question answered with its lowest-scored choice: the longest default roadmap."""
    structure = structure_for(respondent.diagnostic.questionnaire)
    for section in structure.sections:
        for question in section.questions:
            scored = [c for c in question.choices if c.score is not None]
            if not scored:
                continue
            choice = min(scored, key=lambda c: c.score)
            parsed = services.parse_answer(question, [str(choice.id)])
            services.save_answer(
                respondent=respondent, structure=structure, question=question, parsed=parsed
            )


def fill(settings, tmp_path) -> World:
    settings.PRIVATE_STORAGE_ROOT = tmp_path
    settings.DEBUG = True  # demo data refuses to load otherwise
    call_command("demo_data", verbosity=0)
    settings.DEBUG = False
    rng = random.Random(16)
    grow_catalogue(rng)
    questionnaire = Questionnaire.objects.filter(status="published").latest("pk")
    organisations = grow_observatory(rng, questionnaire)
    adviser = User.objects.get(email="conseil@example.org")
    grow_portfolio(adviser, organisations[:CLIENTS])

    # A small association whose answers are all the weakest: every rule that can fire does.
    organisation = OrganisationFactory(name="Les Amis du Lavoir")
    admin = MembershipFactory(organisation=organisation, admin=True).user
    for _ in range(8):
        MembershipFactory(organisation=organisation)
    completed, respondent = services.start_diagnostic(organisation=organisation, user=admin)
    weakest_answers(respondent)
    services.complete(diagnostic=completed, by=admin)
    Consent.objects.create(
        organisation=organisation,
        adviser=adviser,
        status=Consent.Status.ACTIVE,
        expires_at=timezone.now() + timedelta(days=180),
        granted_at=timezone.now(),
        granted_by=admin,
        consent_text="Texte du consentement.",
    )
    # Its next diagnostic, in progress, with a team workshop on it.
    in_progress, answering = services.start_diagnostic(organisation=organisation, user=admin)
    workshop = workshop_services.open_team_workshop(
        organisation=organisation,
        by=admin,
        title="Atelier",
        groups=list(DEFAULT_GROUPS),
        pace="free",
    )
    add_participants(workshop, 6, group=0, choice=0)
    add_participants(workshop, 6, group=1, choice=3)
    return World(
        organisation=organisation,
        admin=admin,
        completed=completed,
        in_progress=in_progress,
        respondent_pk=answering.pk,
        workshop_pk=workshop.pk,
        adviser=adviser,
        client=organisation,
    )
