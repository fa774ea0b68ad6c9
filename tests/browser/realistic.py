"""A platform filled as a regional one is after a few years, for checks that only mean something
on real pages (axe-core, tests/browser/test_accessibility.py): the demo data, then the long lists
the benchmarks generate, at a regional size: a catalogue of a few hundred tools
(bench/toolbox_bench.py), an observatory over a few hundred organisations and an adviser's
portfolio of many clients (bench/advisers_bench.py), and the longest roadmap the shipped rules
propose (every answer the weakest)."""

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core.management import call_command
from django.utils import timezone
from stdnum import luhn

from accounts.models import LegalForm, Organisation, Sector, StaffBand, User
from advisers import observatory
from advisers.models import Consent
from maturity import services
from maturity.models import (
    Diagnostic,
    DimensionResult,
    Questionnaire,
    ResultSnapshot,
    Roadmap,
    RoadmapAction,
)
from maturity.structure import structure_for
from tests.factories import MembershipFactory, OrganisationFactory
from tests.workshops.factories import add_participants
from toolbox.models import (
    Alternative,
    Deployment,
    Dimension,
    HostingOffer,
    LicenceStatus,
    ProprietaryProduct,
    Provider,
    Tool,
    Usage,
)
from toolbox.search import search_text_for
from workshops import services as workshop_services
from workshops.models import DEFAULT_GROUPS

TOOLS, PRODUCTS, PROVIDERS, OFFERS = 300, 60, 40, 900
ORGANISATIONS, CLIENTS = 300, 60
WORDS = [
    "partage",
    "fichiers",
    "équipe",
    "association",
    "bénévoles",
    "réunion",
    "visioconférence",
    "agenda",
    "adhérents",
    "comptabilité",
    "cotisations",
    "dons",
    "formulaire",
    "sondage",
    "site",
    "lettre",
    "information",
    "messagerie",
    "discussion",
    "projet",
    "tâches",
    "tableau",
    "document",
    "collaboratif",
    "sobre",
    "libre",
    "hébergé",
    "chiffré",
]
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
    """bench/toolbox_bench.py's generator at a regional size, on the shipped needs."""
    needs = sorted({need for tool in Tool.objects.all() for need in tool.needs})
    products = ProprietaryProduct.objects.bulk_create(
        ProprietaryProduct(name=f"Produit {n}", slug=f"produit-{n}") for n in range(PRODUCTS)
    )
    tools = []
    for n in range(TOOLS):
        tool = Tool(
            name=f"Outil {n}",
            slug=f"outil-{n}",
            summary=" ".join(rng.choices(WORDS, k=12)).capitalize(),
            description=" ".join(rng.choices(WORDS, k=120)),
            usages=rng.sample(Usage.values, k=rng.randint(1, 3)),
            needs=rng.sample(needs, k=min(2, len(needs))),
            licence_spdx="AGPL-3.0-or-later",
            licence_status=rng.choice(LicenceStatus.values),
            deployments=rng.sample(Deployment.values, k=rng.randint(1, 3)),
            dimensions=rng.sample(Dimension.values, k=2),
            ease=rng.randint(1, 3),
            status="published",
        )
        tool.search_text = search_text_for(tool)
        tools.append(tool)
    tools = Tool.objects.bulk_create(tools)
    Alternative.objects.bulk_create(
        Alternative(tool=tool, product=product)
        for tool in tools
        for product in rng.sample(products, k=2)
    )
    providers = Provider.objects.bulk_create(
        Provider(name=f"Hébergeur {n}", slug=f"hebergeur-{n}") for n in range(PROVIDERS)
    )
    HostingOffer.objects.bulk_create(
        HostingOffer(
            tool=rng.choice(tools),
            provider=rng.choice(providers),
            name=f"Offre {n}",
            data_country=rng.choice(["FR", "FR", "DE", "BE"]),
        )
        for n in range(OFFERS)
    )


def grow_observatory(rng: random.Random, questionnaire: Questionnaire) -> list[Organisation]:
    """bench/advisers_bench.py's generator at a regional size: completed diagnostics written in
    bulk, then recorded in the observatory as completing them does."""
    structure = structure_for(questionnaire)
    codes = [s.code for s in structure.dimensions]
    levels = sorted(structure.level_texts.values(), key=lambda lv: lv["min_score"])

    def level(score: float) -> str:
        return [lv["code"] for lv in levels if lv["min_score"] <= score][-1]

    organisations = []
    for n in range(ORGANISATIONS):
        base = f"{n + 30_000_000:08d}"
        departement = rng.choice(list(DEPARTEMENTS))
        organisations.append(
            Organisation(
                name=f"Organisation {n}",
                siren=base + luhn.calc_check_digit(base),
                legal_form=rng.choice(LegalForm.values),
                sector=rng.choice(Sector.values),
                staff_band=rng.choice(StaffBand.values),
                volunteers_band="10-49",
                postcode=f"{departement}000",
                departement=departement,
                region=DEPARTEMENTS[departement],
            )
        )
    organisations = Organisation.objects.bulk_create(organisations)
    diagnostics = Diagnostic.objects.bulk_create(
        Diagnostic(
            organisation=organisation,
            questionnaire=questionnaire,
            status=Diagnostic.Status.COMPLETED,
            completed_at=timezone.make_aware(
                datetime(2022 + rng.randrange(4), 1, 1) + timedelta(days=rng.randrange(360))
            ),
        )
        for organisation in organisations
    )
    scores = [{code: round(rng.uniform(5, 95), 1) for code in codes} for _ in diagnostics]
    snapshots = ResultSnapshot.objects.bulk_create(
        ResultSnapshot(
            diagnostic=diagnostic,
            overall_score=(overall := round(sum(row.values()) / len(row), 1)),
            overall_level=level(overall),
            data={"overall": {"score": overall, "level": level(overall)}},
        )
        for diagnostic, row in zip(diagnostics, scores, strict=True)
    )
    DimensionResult.objects.bulk_create(
        DimensionResult(snapshot=snapshot, dimension=code, score=score)
        for snapshot, row in zip(snapshots, scores, strict=True)
        for code, score in row.items()
    )
    observatory.record([d.pk for d in diagnostics])
    return organisations


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
