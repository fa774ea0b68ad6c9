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

from tests import generators  # noqa: E402
from toolbox.models import Need  # noqa: E402

TOOLS, OFFERS, PROVIDERS, PRODUCTS, NEEDS = 1000, 3000, 100, 150, 36
WARMUP, RUNS = 10, 100
URL = "/outils/?q=partage+equipe&usage=stockage&donnees=fr"
# Also measured: every tool counted in the facets (no filter), and three facets with a product.
OTHER_URLS = ["/outils/", "/outils/?licence=libre&acces=paid&deploiement=saas&remplace=produit-1"]


def need_code(n: int) -> str:
    return "besoin_" + "".join(chr(97 + int(digit)) for digit in str(n))  # [a-z_] only


def generate(rng: random.Random) -> None:
    Need.objects.bulk_create(
        Need(code=need_code(n), label=f"Besoin {n}", position=n) for n in range(NEEDS)
    )
    generators.catalogue(
        rng,
        tools=TOOLS,
        products=PRODUCTS,
        providers=PROVIDERS,
        offers=OFFERS,
        need_codes=[need_code(n) for n in range(NEEDS)],
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
