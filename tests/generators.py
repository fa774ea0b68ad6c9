"""Data at a realistic size, written in bulk: the same generators fill the benchmarks (bench/)
and the pages that browser checks only trust when they look like real ones
(tests/browser/realistic.py). Each caller chooses the size; the content is the same."""

import random
from datetime import datetime, timedelta

from django.utils import timezone
from stdnum import luhn

from accounts.models import LegalForm, Organisation, Sector, StaffBand
from advisers import observatory
from maturity.models import Diagnostic, DimensionResult, Questionnaire, ResultSnapshot
from maturity.structure import structure_for
from toolbox.models import (
    Access,
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

# Words of the tools' summaries and descriptions, so that searches find some and not others.
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
    "coopérative",
    "gouvernance",
    "vote",
    "assemblée",
    "carte",
    "événement",
    "billetterie",
    "trésorerie",
]


def catalogue(
    rng: random.Random,
    *,
    tools: int,
    products: int,
    providers: int,
    offers: int,
    need_codes: list[str],
) -> list[Tool]:
    """Published tools, each replacing two proprietary products, and hosting offers spread over
    them, in a few European countries and the United States."""
    made_products = ProprietaryProduct.objects.bulk_create(
        ProprietaryProduct(name=f"Produit {n}", slug=f"produit-{n}") for n in range(products)
    )
    made = []
    for n in range(tools):
        tool = Tool(
            name=f"Outil {n}",
            slug=f"outil-{n}",
            summary=" ".join(rng.choices(WORDS, k=12)).capitalize(),
            description=" ".join(rng.choices(WORDS, k=120)),
            usages=rng.sample(Usage.values, k=rng.randint(1, 3)),
            needs=rng.sample(need_codes, k=rng.randint(1, min(3, len(need_codes)))),
            licence_spdx="AGPL-3.0-or-later",
            licence_status=rng.choice(LicenceStatus.values),
            deployments=rng.sample(Deployment.values, k=rng.randint(1, 3)),
            dimensions=rng.sample(Dimension.values, k=2),
            ease=rng.randint(1, 3),
            status="published",
        )
        tool.search_text = search_text_for(tool)
        made.append(tool)
    made = Tool.objects.bulk_create(made)
    Alternative.objects.bulk_create(
        Alternative(tool=tool, product=product)
        for tool in made
        for product in rng.sample(made_products, k=2)
    )
    made_providers = Provider.objects.bulk_create(
        Provider(name=f"Hébergeur {n}", slug=f"hebergeur-{n}") for n in range(providers)
    )
    HostingOffer.objects.bulk_create(
        HostingOffer(
            tool=rng.choice(made),
            provider=rng.choice(made_providers),
            name=f"Offre {n}",
            access=rng.choice(Access.values),
            data_country=rng.choice(["FR", "FR", "DE", "BE", "US"]),
        )
        for n in range(offers)
    )
    return made


def completed_diagnostics(
    rng: random.Random,
    questionnaire: Questionnaire,
    *,
    first: int,
    count: int,
    regions: dict[str, str],
    years: tuple[int, int],
) -> list[Diagnostic]:
    """`count` organisations (numbered from `first`, in the départements of `regions`, which
    gives each one's region), each with one completed diagnostic in the years [start, end) and
    its results, recorded in the observatory as completing a diagnostic does."""
    structure = structure_for(questionnaire)
    codes = [s.code for s in structure.dimensions]
    levels = sorted(structure.level_texts.values(), key=lambda lv: lv["min_score"])

    def level(score: float) -> str:
        return [lv["code"] for lv in levels if lv["min_score"] <= score][-1]

    organisations = []
    for n in range(first, first + count):
        base = f"{n + 20_000_000:08d}"
        departement = rng.choice(list(regions))
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
                region=regions[departement],
            )
        )
    organisations = Organisation.objects.bulk_create(organisations, batch_size=5_000)
    diagnostics = Diagnostic.objects.bulk_create(
        (
            Diagnostic(
                organisation=organisation,
                questionnaire=questionnaire,
                status=Diagnostic.Status.COMPLETED,
                completed_at=timezone.make_aware(
                    datetime(years[0] + rng.randrange(years[1] - years[0]), 1, 1)
                    + timedelta(days=rng.randrange(360))
                ),
            )
            for organisation in organisations
        ),
        batch_size=5_000,
    )
    scores = [{code: round(rng.uniform(5, 95), 1) for code in codes} for _ in diagnostics]
    snapshots = ResultSnapshot.objects.bulk_create(
        (
            ResultSnapshot(
                diagnostic=diagnostic,
                overall_score=(overall := round(sum(row.values()) / len(row), 1)),
                overall_level=level(overall),
                data={"overall": {"score": overall, "level": level(overall)}},
            )
            for diagnostic, row in zip(diagnostics, scores, strict=True)
        ),
        batch_size=5_000,
    )
    DimensionResult.objects.bulk_create(
        (
            DimensionResult(snapshot=snapshot, dimension=code, score=score)
            for snapshot, row in zip(snapshots, scores, strict=True)
            for code, score in row.items()
        ),
        batch_size=10_000,
    )
    # What maturity.results.store_snapshot does after each snapshot, here by batch.
    observatory.record([d.pk for d in diagnostics])
    return diagnostics
