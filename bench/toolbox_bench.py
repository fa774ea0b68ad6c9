"""Toolbox benchmark: the catalogue with two facets and a search term, 1,000 tools, 3,000 offers.

    DEBUG=1 .venv/bin/python bench/toolbox_bench.py                                   # SQLite
    DATABASE_URL=postgres://user:pw@127.0.0.1:5432/toolbox_bench DEBUG=1 \\
        .venv/bin/python bench/toolbox_bench.py                                       # PostgreSQL

Data goes into a throwaway test database (SQLite in memory, or "test_<name>" on PostgreSQL,
which needs CREATEDB), destroyed at the end. Measured in-process with Django's test client:
median and p95 server time over RUNS requests after warm-up, and the SQL query count.
Target (issue): ≤ 40 ms median on PostgreSQL; queries constant in the number of tools.
"""

import os
import random
import re
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DEBUG", "1")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from toolbox.models import (  # noqa: E402
    Access,
    Alternative,
    Deployment,
    Dimension,
    HostingOffer,
    LicenceStatus,
    Need,
    ProprietaryProduct,
    Provider,
    Tool,
    Usage,
)
from toolbox.search import search_text_for  # noqa: E402

TOOLS, OFFERS, PROVIDERS, PRODUCTS, NEEDS = 1000, 3000, 100, 150, 36
WARMUP, RUNS = 10, 100
URL = "/outils/?q=partage+equipe&usage=stockage&donnees=fr"
# Also measured: every tool counted in the facets (no filter), and three facets with a product.
OTHER_URLS = ["/outils/", "/outils/?licence=libre&acces=paid&deploiement=saas&remplace=produit-1"]
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


def need_code(n: int) -> str:
    return "besoin_" + "".join(chr(97 + int(digit)) for digit in str(n))  # [a-z_] only


def generate(rng: random.Random) -> None:
    products = ProprietaryProduct.objects.bulk_create(
        ProprietaryProduct(name=f"Produit {n}", slug=f"produit-{n}") for n in range(PRODUCTS)
    )
    Need.objects.bulk_create(
        Need(code=need_code(n), label=f"Besoin {n}", position=n) for n in range(NEEDS)
    )
    need_codes = [need_code(n) for n in range(NEEDS)]
    tools = []
    for n in range(TOOLS):
        tool = Tool(
            name=f"Outil {n}",
            slug=f"outil-{n}",
            summary=" ".join(rng.choices(WORDS, k=12)).capitalize(),
            description=" ".join(rng.choices(WORDS, k=120)),
            usages=rng.sample(Usage.values, k=rng.randint(1, 3)),
            needs=rng.sample(need_codes, k=rng.randint(1, 3)),
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
            access=rng.choice(Access.values),
            data_country=rng.choice(["FR", "FR", "DE", "BE", "US"]),
        )
        for n in range(OFFERS)
    )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def measure(url: str = URL) -> dict:
    client = Client()
    for _ in range(WARMUP):
        assert client.get(url).status_code == 200
    timings = []
    for _ in range(RUNS):
        start = time.perf_counter()
        response = client.get(url)
        timings.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    timings.sort()
    return {
        "median_ms": statistics.median(timings),
        "p95_ms": timings[int(len(timings) * 0.95) - 1],
        "queries": len(queries.captured_queries),
        "results": re.search(r'id="results-title">(\d+)', response.content.decode()).group(1),
    }


def main() -> None:
    # Not setup_test_environment(): its template instrumentation would be measured too.
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    try:
        generate(random.Random(2026))
        figures = {url: measure(url) for url in [URL, *OTHER_URLS]}
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
    for url, measured in figures.items():
        print(
            f"{connection.vendor}: {TOOLS} outils, {OFFERS} offres — GET {url}\n"
            f"  médiane {measured['median_ms']:.1f} ms, p95 {measured['p95_ms']:.1f} ms "
            f"sur {RUNS} requêtes, {measured['queries']} requêtes SQL, "
            f"{measured['results']} résultats"
        )


if __name__ == "__main__":
    main()
