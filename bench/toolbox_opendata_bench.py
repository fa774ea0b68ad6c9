"""Open-data benchmark: the catalogue API and the data package, 1,000 tools and 3,000 offers.

    .venv/bin/python bench/toolbox_opendata_bench.py                                 # SQLite
    DATABASE_URL=postgres://…/boussole_api_bench REDIS_CACHE_URL=redis://…/8 \\
        .venv/bin/python bench/toolbox_opendata_bench.py                             # PostgreSQL

DEBUG off, in-process test client, after warm-up (bench/benchkit.py). The database is created if
missing (PostgreSQL: the role needs CREATEDB) and its toolbox tables refilled by the toolbox
bench's generator. Each API request comes from its own client address, so the limiter runs (as
in production) without refusing the benchmark.

Targets (issue): the API list with two filters ≤ 30 ms median; the full package export
(descriptor, both CSV files, the JSON catalogue and the schemas, zipped) ≤ 1 s.
"""

import os
import random
import statistics
import sys
import time
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
    with psycopg.connect(parsed._replace(path="/postgres").geturl(), autocommit=True) as db:
        if not db.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            db.execute(f'CREATE DATABASE "{name}"')


_create_database()

from benchkit import as_in_production, engine, setup  # noqa: E402

setup("toolbox-opendata")

import toolbox_bench  # noqa: E402
from django.conf import settings  # noqa: E402
from django.core.cache import cache  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

from toolbox import catalogue_changes, catalogue_reads, opendata  # noqa: E402
from toolbox.models import (  # noqa: E402
    HostingOffer,
    Need,
    ProprietaryProduct,
    Provider,
    Tool,
)

WARMUP, RUNS, EXPORT_RUNS = 20, 200, 10


def refill() -> None:
    HostingOffer.objects.all().delete()
    Tool.objects.all().delete()
    Provider.objects.all().delete()
    ProprietaryProduct.objects.all().delete()
    Need.objects.all().delete()
    toolbox_bench.generate(random.Random(2026))
    # Written in bulk, past the services: say so, or a run within ten minutes of another would
    # read the answers that one cached.
    catalogue_changes.catalogue_changed()


def _stats(timings: list[float], cpu: list[float]) -> str:
    """Wall time, and this thread's CPU time (steadier on a machine shared with other work)."""
    timings = sorted(timings)
    median, p95 = statistics.median(timings), timings[int(len(timings) * 0.95) - 1]
    return f"médiane {median:7.2f} ms   p95 {p95:7.2f} ms   CPU {statistics.median(cpu):7.2f} ms"


def api(label: str, url: str, *, cold: bool) -> None:
    """GET url; cold: the cached answers dropped before each request (a changed catalogue)."""
    client = Client()
    n = 0

    def call():
        nonlocal n
        n += 1
        if cold:
            cache.delete(catalogue_reads.VERSION_KEY)
        # Documentation addresses (RFC 3849), one /64 each: a limiter's counter per request.
        return client.get(url, REMOTE_ADDR=f"2001:db8:{n // 65536:x}:{n % 65536:x}::1")

    call = as_in_production(call)
    for _ in range(WARMUP):
        assert call().status_code == 200
    timings, cpu = [], []
    for _ in range(RUNS):
        start, start_cpu = time.perf_counter(), time.thread_time()
        response = call()
        timings.append((time.perf_counter() - start) * 1000)
        cpu.append((time.thread_time() - start_cpu) * 1000)
    count = response.json()["count"]
    print(f"{label:<44} {_stats(timings, cpu)}   ({count} résultats)")


def export(label: str, build) -> None:
    build()
    timings, cpu = [], []
    for _ in range(EXPORT_RUNS):
        start, start_cpu = time.perf_counter(), time.thread_time()
        size = len(build())
        timings.append((time.perf_counter() - start) * 1000)
        cpu.append((time.thread_time() - start_cpu) * 1000)
    print(f"{label:<44} {_stats(timings, cpu)}   ({size / 1024:.0f} Kio)")


def main() -> None:
    refill()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    need = Tool.objects.values_list("needs", flat=True).first()[0]
    two_filters = f"/outils/api/v1/outils?need={need}&licence_status=libre"
    backend = settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[-1]
    print(
        f"{engine()}, cache {backend}: {Tool.objects.count()} outils, "
        f"{HostingOffer.objects.count()} offres"
    )
    api("API, deux filtres (réponse en cache)", two_filters, cold=False)
    api("API, deux filtres (calculée)", two_filters, cold=True)
    api("API, offres FR, 100 par page (calculée)", "/outils/api/v1/offres?data_country=FR&limit=100", cold=True)  # fmt: skip
    export("Paquet complet en zip", opendata.package_zip)
    export("outils.csv seul", opendata.tools_csv)
    export("catalogue.json seul", opendata.catalogue_json)


if __name__ == "__main__":
    main()
