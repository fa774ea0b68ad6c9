"""Adviser and observatory benchmark: observatory over 100,000 completed diagnostics, portfolio
of 200 clients.

    DATABASE_URL=postgres://…/boussole_advisers_bench .venv/bin/python bench/advisers_bench.py
    DEBUG=1 .venv/bin/python bench/advisers_bench.py          # SQLite file (slower medians)

On PostgreSQL the database is created if missing (the role needs CREATEDB). Snapshots and
dimension rows are bulk-inserted directly, not through the answering flow; the observatory's
table is then written by advisers.observatory.record(), the function store_snapshot calls, one
batch at a time (or rebuilt, as `manage.py rebuild_observatory` does, for a database generated
before it existed).

Targets (issue): observatory ≤ 500 ms median per page on PostgreSQL; portfolio of 200 clients
≤ 40 ms median, queries constant in the portfolio size; public observatory ≤ 300 ms computed
fresh, then served from the cache (set REDIS_CACHE_URL to measure it in Redis, as in
production).
"""

import os
import random
import sys
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlparse

sys.path.insert(0, str(Path(__file__).resolve().parent))


def _create_database() -> None:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        return
    import psycopg

    parsed = urlparse(url)
    name = parsed.path.lstrip("/")
    admin_url = parsed._replace(path="/postgres").geturl()
    with psycopg.connect(admin_url, autocommit=True) as connection:
        exists = connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [name]
        ).fetchone()
        if not exists:
            connection.execute(f'CREATE DATABASE "{name}"')


_create_database()

from benchkit import engine, measure, setup  # noqa: E402

setup("advisers")

from django.db import transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

from accounts.models import (  # noqa: E402
    Organisation,
    User,
)
from advisers import observatory  # noqa: E402
from advisers.models import (  # noqa: E402
    AdviserProfile,
    Consent,
    DlaStructure,
    ObservatoryFact,
)
from maturity import questionnaire_file, versions  # noqa: E402
from maturity.models import (  # noqa: E402
    Diagnostic,
    DimensionResult,
    Questionnaire,
    Roadmap,
    RoadmapAction,
)
from tests import generators  # noqa: E402

DIAGNOSTICS = 100_000
BATCH = 5_000
CLIENTS = 200
DEPARTEMENTS = ["33", "35", "44", "75", "13", "69", "59", "31", "67", "34", "29", "64", "87"]
REGIONS = {"33": "75", "64": "75", "87": "75", "35": "53", "29": "53", "44": "52", "75": "11"}


def _questionnaire() -> Questionnaire:
    import yaml

    data = yaml.safe_load(
        (Path(__file__).resolve().parent.parent / "fixtures" / "questionnaire.yaml").read_text()
    )
    questionnaire = Questionnaire.objects.filter(version=data["version"]).first()
    if questionnaire is None:
        questionnaire = questionnaire_file.import_questionnaire(data)
        versions.publish(questionnaire)
    return questionnaire


def generate(questionnaire: Questionnaire) -> None:
    done = Diagnostic.objects.filter(status="completed").count()
    if done >= DIAGNOSTICS:
        if ObservatoryFact.objects.count() < done:
            # A database generated before the observatory's table: what production runs.
            print("Reconstruction de la table de l'observatoire…", flush=True)
            observatory.rebuild()
            _analyze()
        return
    rng = random.Random(7)
    regions = {departement: REGIONS.get(departement, "84") for departement in DEPARTEMENTS}
    print(f"Génération de {DIAGNOSTICS} diagnostics terminés…", flush=True)
    for start in range(done, DIAGNOSTICS, BATCH):
        with transaction.atomic():
            generators.completed_diagnostics(
                rng, questionnaire, first=start, count=BATCH, regions=regions, years=(2021, 2026)
            )
        print(f"  {start + BATCH} / {DIAGNOSTICS}", flush=True)
    _analyze()


def _analyze() -> None:
    from django.db import connection

    if connection.vendor == "postgresql":  # fresh statistics, as autovacuum would give
        with connection.cursor() as cursor:
            for table in (
                "accounts_organisation",
                "maturity_diagnostic",
                "maturity_resultsnapshot",
                "maturity_dimensionresult",
                "advisers_observatoryfact",
            ):
                cursor.execute(f"ANALYZE {table}")


def adviser_with_clients() -> User:
    adviser = User.objects.filter(email="conseillere-bench@example.org").first()
    if adviser is not None:
        return adviser
    adviser = User.objects.create_user("conseillere-bench@example.org", first_name="Camille")
    structure, _created = DlaStructure.objects.get_or_create(name="DLA banc d'essai")
    AdviserProfile.objects.create(user=adviser, structure=structure, status="approved")
    admin = User.objects.create_user("admin-bench@example.org")
    clients = list(Organisation.objects.order_by("pk")[:CLIENTS])
    expires = timezone.now() + timedelta(days=3650)
    Consent.objects.bulk_create(
        [
            Consent(
                organisation=o,
                adviser=adviser,
                status="active",
                expires_at=expires,
                granted_at=timezone.now(),
                granted_by=admin,
                consent_text="Texte du consentement (banc d'essai).",
            )
            for o in clients
        ]
    )
    roadmaps = Roadmap.objects.bulk_create([Roadmap(organisation=o) for o in clients])
    RoadmapAction.objects.bulk_create(
        [
            RoadmapAction(
                roadmap=r, title=f"Action {k}", position=k, status="done" if k < 2 else "todo"
            )
            for r in roadmaps
            for k in range(6)
        ]
    )
    return adviser


def main():
    questionnaire = _questionnaire()
    generate(questionnaire)
    adviser = adviser_with_clients()
    cress = User.objects.filter(
        email="cress-bench@example.org"
    ).first() or User.objects.create_user("cress-bench@example.org", is_cress_admin=True)
    print(
        f"Base : {engine()}, {Diagnostic.objects.filter(status='completed').count()} diagnostics "
        f"terminés, {DimensionResult.objects.count()} scores par dimension"
    )
    cress_client = Client()
    cress_client.force_login(cress)
    adviser_client = Client()
    adviser_client.force_login(adviser)
    observatory = reverse("advisers:observatory")
    pages = [
        ("observatoire (secteur)", {}),
        ("observatoire (département)", {"by": "departement"}),
        ("observatoire (filtré)", {"region": "75", "staff_band": "1-2", "by": "legal_form"}),
    ]
    from django.core.cache import cache

    # Cold: figures computed in the database at each request (cache emptied first).
    out = [
        measure(
            f"{label} à froid",
            lambda q=query: (cache.clear(), cress_client.get(observatory, q))[1],
            runs=5,
            warmup=1,
        )
        for label, query in pages
    ]
    # Usual: figures kept 10 minutes (observatory.CACHE_SECONDS) by filters and grouping.
    out += [
        measure(label, lambda q=query: cress_client.get(observatory, q), runs=50, warmup=2)
        for label, query in pages
    ]
    out.append(
        measure(
            "export JSON observatoire",
            lambda: cress_client.get(reverse("advisers:observatory_json")),
            runs=15,
            warmup=2,
        )
    )
    # The public observatory, as a visitor sees it: computed fresh (cache emptied first), then
    # from the cache (kept until facts are recorded again, an hour at most).
    visitor = Client()
    public = reverse("public_observatory:page")
    public_pages = [
        ("observatoire public (secteur)", {}),
        ("observatoire public (département)", {"par": "departement"}),
        ("observatoire public (région)", {"par": "region"}),
    ]
    out += [
        measure(
            f"{label} à froid",
            lambda q=query: (cache.clear(), visitor.get(public, q))[1],
            runs=7,
            warmup=1,
        )
        for label, query in public_pages
    ]
    out += [
        measure(label, lambda q=query: visitor.get(public, q), runs=50, warmup=2)
        for label, query in public_pages
    ]
    public_csv = reverse("public_observatory:csv")
    out.append(
        measure(
            "CSV public à froid",
            lambda: (cache.clear(), visitor.get(public_csv))[1],
            runs=3,
            warmup=1,
        )
    )
    out.append(measure("CSV public", lambda: visitor.get(public_csv), runs=15, warmup=2))
    out.append(
        measure(
            f"portefeuille ({CLIENTS} clients)",
            lambda: adviser_client.get(reverse("advisers:portfolio")),
        )
    )
    return out


if __name__ == "__main__":
    main()
